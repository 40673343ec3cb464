"""Event dates: relative words resolved against the publication date."""

from __future__ import annotations

import datetime as dt

import pytest

from opmap.extract.dates import event_date

THURSDAY = dt.date(2018, 7, 19)


@pytest.mark.parametrize(("text", "expected"), [
    ("Positions were cleared on Monday night, officials said.", dt.date(2018, 7, 16)),
    ("The assault began on Thursday.", THURSDAY),
    ("The assault began last Thursday.", dt.date(2018, 7, 12)),
    ("Aircraft struck the ridge yesterday.", dt.date(2018, 7, 18)),
    ("Two posts were hit overnight.", dt.date(2018, 7, 18)),
    ("The operation ended today.", THURSDAY),
    ("The offensive started on July 16 and lasted a day.", dt.date(2018, 7, 16)),
    ("On 14 July, forces moved in.", dt.date(2018, 7, 14)),
])
def test_relative_and_explicit_dates(text: str, expected: dt.date) -> None:
    assert event_date(text, THURSDAY)[0] == expected


def test_old_explicit_date_does_not_beat_a_recent_weekday() -> None:
    text = "Forces that took over after 16 October 2017 cleared the hills on Monday."
    assert event_date(text, THURSDAY)[0] == dt.date(2018, 7, 16)


def test_month_day_after_publication_is_last_year() -> None:
    assert event_date("The siege began on December 30.", dt.date(2015, 1, 5))[0] == dt.date(2014, 12, 30)


def test_no_publication_date_needs_a_year() -> None:
    assert event_date("Fighting resumed on Monday.", None) == (None, "no day in the text and no publication date")
    assert event_date("Fighting resumed on September 28, 2022.", None)[0] == dt.date(2022, 9, 28)


def test_basis_says_what_was_read() -> None:
    _, basis = event_date("Cleared on Monday night.", THURSDAY)
    assert "Monday" in basis and "2018-07-19" in basis


def test_the_day_a_statement_was_made_is_not_the_event_day() -> None:
    monday = dt.date(2016, 5, 30)
    text = "Villages fell, said a Peshmerga commander on Monday. On early Sunday morning the assault began."
    assert event_date(text, monday)[0] == dt.date(2016, 5, 29)
    assert event_date("The ministry in a tweet on Monday said strikes hit on Sunday.", monday)[0] == \
        dt.date(2016, 5, 29)


def test_a_quoted_today_is_the_speakers_day() -> None:
    text = "Hills were cleared on 16 July. “Our partners fought well today,” the colonel said."
    assert event_date(text, THURSDAY)[0] == dt.date(2018, 7, 16)


def test_a_range_gives_its_first_day() -> None:
    assert event_date("Date15 October 2017 – 27 October 2017", None)[0] == dt.date(2017, 10, 15)


def test_background_days_give_way_to_the_latest() -> None:
    text = "Militants captured the town on July 7. On July 10, aircraft struck their positions."
    assert event_date(text, dt.date(2014, 7, 13))[0] == dt.date(2014, 7, 10)


@pytest.mark.parametrize(("text", "expected"), [
    ("The ridge was cleared last week.", dt.date(2018, 7, 9)),
    ("The ridge was cleared earlier this month.", dt.date(2018, 7, 1)),
    ("Earlier this month the ridge fell; on Monday the last tunnels were destroyed.", dt.date(2018, 7, 16)),
])
def test_vague_spans_give_their_first_day_and_yield_to_named_days(text: str, expected: dt.date) -> None:
    assert event_date(text, THURSDAY)[0] == expected
