"""Event dates that need the campaigns table: 'since the start of the battle for X' and reports of a named
operation whose day word would otherwise fall before the operation began. Sentences are our own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from opmap.errors import DataError
from opmap.extract.campaigns import campaign_table, read_table
from opmap.extract.dates import event_date

MOSUL_START = dt.date(2016, 10, 17)
IN_MOSUL_BATTLE = dt.date(2016, 12, 4)  # a Sunday, weeks into it


def test_the_shipped_table_loads_and_covers_the_well_known_campaigns() -> None:
    table = campaign_table()
    assert len(table.campaigns) >= 40
    assert [c.start for c in table.named("Mosul")] == [MOSUL_START]
    assert [c.start for c in table.named("Pence-Kilit")] == [dt.date(2022, 4, 17)]  # folded: 'Pençe-Kilit'
    assert all(c.source for c in table.campaigns)
    assert list(table.starts) == sorted(table.starts)


@pytest.mark.parametrize("text", [
    "Some 1,800 fighters have been killed since the start of the battle for Mosul, the ministry said.",
    "Since the beginning of the military operation to liberate Mosul, 70,000 people have fled.",
    "Since the Mosul offensive began, engineers have cleared 400 bombs.",
    "Since the launch of the Mosul offensive, engineers have cleared 400 bombs.",
    "Families left Mosul in the night. Since the start of the operation to retake the city, 70,000 have fled.",
    "Families left Mosul in the night. Since the start of the operation, 70,000 have fled.",
])
def test_since_the_start_of_a_known_campaign_is_its_first_day(text: str) -> None:
    date, basis = event_date(text, IN_MOSUL_BATTLE)
    assert date == MOSUL_START
    assert "Battle of Mosul" in basis and "campaigns table" in basis


@pytest.mark.parametrize(("text", "published", "expected"), [
    ("Since the start of Operation Claw-Lock, commandos have taken 40 caves.", dt.date(2022, 6, 1),
     dt.date(2022, 4, 17)),
    ("Since the start of the offensive on western Mosul, 200,000 people have left.", dt.date(2017, 3, 20),
     dt.date(2017, 2, 19)),
    ("Since the beginning of the battle for Mosul, 200,000 people have left.", dt.date(2017, 3, 20),
     MOSUL_START),
    ("Since the Raqqa offensive was launched, thousands have fled.", dt.date(2017, 8, 1), dt.date(2017, 6, 6)),
])
def test_the_campaign_the_phrase_names_at_publication(text: str, published: dt.date, expected: dt.date) -> None:
    assert event_date(text, published)[0] == expected


@pytest.mark.parametrize("text", [
    # a person, an organisation, a month, an unknown operation: no campaign
    "Since the start of the campaign against Haidar, 70 people have written letters.",
    "Since the start of the operation by the Counter Terrorism Service, 70 people have fled.",
    "Since the beginning of the December operation, 70 people have fled.",
    "Since the start of Operation Iron Lantern, 70 people have fled.",
    # a known campaign whose period does not hold the publication date
    "Since the start of the battle for Fallujah, 70 families have fled.",
    "Since the beginning of the Tikrit offensive, 70 families have fled.",
    # no campaign named and none of the report's places is a current target
    "Families left Basra in the night. Since the start of the operation, 70 have fled.",
])
def test_a_campaign_phrase_without_a_current_campaign_changes_nothing(text: str) -> None:
    assert event_date(text, IN_MOSUL_BATTLE) == (IN_MOSUL_BATTLE, "no day in the text: publication date")


def test_a_campaign_span_told_after_the_lead_yields_to_the_leads_day() -> None:
    text = ("Jets struck a tunnel in Mosul on Friday, killing six.\n"
            "Since the start of the battle for Mosul, 2,000 fighters have been killed.")
    assert event_date(text, IN_MOSUL_BATTLE)[0] == dt.date(2016, 12, 2)


def test_a_campaign_is_current_until_sixty_days_after_its_end() -> None:
    text = "Since the start of the battle for Mosul, 900,000 people have fled."
    assert event_date(text, dt.date(2017, 9, 10))[0] == MOSUL_START  # ended 2017-07-20
    assert event_date(text, dt.date(2017, 9, 30))[0] == dt.date(2017, 9, 30)


def test_a_campaign_without_an_end_is_current_for_half_a_year() -> None:
    text = "Families left Diyala in the night. Since the start of the operation, 70 have fled."
    assert event_date(text, dt.date(2020, 8, 1))[0] == dt.date(2020, 7, 11)  # Heroes of Iraq, fourth phase
    assert event_date(text, dt.date(2023, 5, 1))[0] == dt.date(2023, 5, 1)


CLAW_LOCK_DAY_BEFORE = dt.date(2022, 4, 16)  # a Saturday; the operation began on Sunday 17 April 2022


@pytest.mark.parametrize(("text", "published", "expected"), [
    # the page is dated a day early: 'Sunday' is the operation's first day, not the Sunday before
    ("Turkey launches 'Claw-Lock' operation. Commandos landed in the Zap region on Sunday night.",
     CLAW_LOCK_DAY_BEFORE, dt.date(2022, 4, 17)),
    ("Turkey launched the Pençe-Kilit operation. Jets hit caves in Metina yesterday.",
     dt.date(2022, 4, 17), dt.date(2022, 4, 17)),
])
def test_a_named_operations_day_word_is_not_before_it_began(text: str, published: dt.date,
                                                             expected: dt.date) -> None:
    date, basis = event_date(text, published)
    assert date == expected
    assert "Claw-Lock" in basis


@pytest.mark.parametrize(("text", "published", "expected"), [
    # a day already on or after the start is untouched
    ("Turkey launches 'Claw-Lock' operation. Commandos landed in the Zap region on Monday.",
     dt.date(2022, 4, 19), dt.date(2022, 4, 18)),
    # an operation the table does not know changes nothing
    ("Turkey launches 'Claw-Hammer' operation. Commandos landed in the Zap region on Sunday night.",
     CLAW_LOCK_DAY_BEFORE, dt.date(2022, 4, 10)),
    # a day far before the start (weeks before the operation) is untouched
    ("The Claw-Lock operation was still going on. Commandos landed in the Zap region on Sunday.",
     dt.date(2022, 3, 26), dt.date(2022, 3, 20)),
    # a day more than a week before the start is untouched
    ("Turkey launches 'Claw-Lock' operation. Rebels attacked a border post two weeks ago.",
     dt.date(2022, 4, 18), dt.date(2022, 4, 4)),
    # a written date is read as written
    ("Turkey launches 'Claw-Lock' operation. Commandos landed in the Zap region on April 15.",
     CLAW_LOCK_DAY_BEFORE, dt.date(2022, 4, 15)),
])
def test_a_named_operation_leaves_other_days_alone(text: str, published: dt.date, expected: dt.date) -> None:
    assert event_date(text, published)[0] == expected


def test_a_bad_table_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "campaigns.csv"
    bad.write_text("name,aliases,targets,country,start,end,source\nBattle of X,,X,IQ,2016-13-01,,a source\n",
                   encoding="utf-8")
    with pytest.raises(DataError, match=r"campaigns\.csv: row 2 \(Battle of X\)"):
        read_table(str(bad))
