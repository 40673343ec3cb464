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


SATURDAY = dt.date(2019, 3, 16)


@pytest.mark.parametrize(("text", "expected"), [
    # a span's first day: 'since', a weekday range, 'N days ago', a span told by its last day
    ("Troops have retaken 12 villages since March 11, a commander said on Friday.", dt.date(2019, 3, 11)),
    ("Units swept the hills on Wednesday and Thursday.", dt.date(2019, 3, 13)),
    ("The push has gained ground since it opened three days ago.", dt.date(2019, 3, 13)),
    ("The three-day operation in the valley concluded today.", dt.date(2019, 3, 14)),
    ("Gunmen attacked a post the previous day.", dt.date(2019, 3, 15)),
    ("Patrols came under fire on the 12th.", dt.date(2019, 3, 12)),
    # the day a statement was made, followed by what it said
    ("The ministry on Friday that its forces freed two villages on Thursday.", dt.date(2019, 3, 14)),
    # past perfect is background; the report's own day wins
    ("Fighters had abandoned the town on Tuesday. Soldiers entered it on Friday.", dt.date(2019, 3, 15)),
    # an overnight strike on a named day: that day, not the day before publication
    ("Jets carried out overnight strikes on Thursday against hideouts.", dt.date(2019, 3, 14)),
    # a vague span does not beat a day, even a statement's
    ("Just last week forces began a drive, the spokesman said today.", SATURDAY),
])
def test_launch_ranges_and_background(text: str, expected: dt.date) -> None:
    assert event_date(text, SATURDAY)[0] == expected


def test_a_passive_launch_told_later_does_not_beat_the_lead() -> None:
    text = "Soldiers pushed into the town on Friday. The drive was launched Wednesday after weeks of siege."
    assert event_date(text, SATURDAY)[0] == dt.date(2019, 3, 15)


def test_year_from_a_dated_url_when_the_publication_date_is_unknown() -> None:
    date, basis = event_date("Villages have been freed since August 26.", None,
                             url="https://news.example/2015/08/villages-freed/")
    assert date == dt.date(2015, 8, 26) and "url" in basis
    assert event_date("Villages have been freed since August 26.", None, url="https://news.example/a/b")[0] is None
    assert event_date("Freed on Monday.", None, url="https://news.example/2015/08/x/")[0] is None


def test_monday_that_killed_is_an_event_not_a_statement() -> None:
    assert event_date("A roadside bomb on Friday that killed two soldiers.", SATURDAY)[0] == dt.date(2019, 3, 15)


@pytest.mark.parametrize(("text", "expected"), [
    ("Shafaq News / 14/3/2019: shelling hit two villages.", dt.date(2019, 3, 14)),
    ("Dated 2019-03-13, the statement listed the strikes.", dt.date(2019, 3, 13)),
    ("On 3/14/2019 a drone struck a car.", dt.date(2019, 3, 14)),
    ("The 1/2 ratio of 2019 forces", SATURDAY),  # no date: a fraction and a year
])
def test_numeric_dates(text: str, expected: dt.date) -> None:
    assert event_date(text, SATURDAY)[0] == expected


def test_a_dated_url_stands_in_for_a_missing_publication_date() -> None:
    date, basis = event_date("Jets struck hideouts on Sunday.", None, url="https://news.example/2016/10/25/jets-strike/")
    assert date == dt.date(2016, 10, 23) and "url" in basis
    assert event_date("Jets struck on Sunday.", None, url="https://news.example/story-2016-10-25.html")[0] == \
        dt.date(2016, 10, 23)
    assert event_date("Jets struck on Sunday.", None, url="https://news.example/archives/23328")[0] is None


def test_weeks_ago() -> None:
    assert event_date("The village was retaken a week ago.", SATURDAY)[0] == dt.date(2019, 3, 9)
    assert event_date("Fighting began two weeks ago.", SATURDAY)[0] == dt.date(2019, 3, 2)


MONDAY = dt.date(2021, 12, 6)


@pytest.mark.parametrize(("text", "expected"), [
    # how far things had got 'by' a day is not when they happened
    ("Troops crossed the river on Sunday. By Monday evening they had secured 40 square kilometres.",
     dt.date(2021, 12, 5)),
    # a launch verb far back in the day's own clause still makes it the launch day
    ("Gendarmerie units launched a sweep against the cells hiding in the orchards east of the town on "
     "Saturday. Late on Sunday two suspects were detained.", dt.date(2021, 12, 4)),
    # 'a day after launching': the launch belongs to the day before, which the story names
    ("Fighters entered the town on Sunday, a day after launching their push. The push began on Saturday.",
     dt.date(2021, 12, 4)),
    # a command announcing the launch of a phase: the statement's day is the launch
    ("The command announced, on Monday, the launch of the third phase. The second phase ran on the 2nd.",
     MONDAY),
    # 'the previous day' after a named day: the day before that one
    ("A patrol was ambushed on Saturday. The previous day, a mine wounded a shepherd. Talks went on Monday "
     "evening, the mayor said.", dt.date(2021, 12, 4)),
    # the lead's day word is the news; a later paragraph's later day is a follow-up
    ("Overnight Saturday, jets struck caves in the valley.\nOn Sunday, a soldier died of his wounds.",
     dt.date(2021, 12, 4)),
    # a span 'since' a date told deep in the story is background to the lead's day
    ("Drones hit a camp on Sunday, killing three.\nShelling has also hit border villages since December 1.",
     dt.date(2021, 12, 5)),
])
def test_lead_launch_and_progress_days(text: str, expected: dt.date) -> None:
    assert event_date(text, MONDAY)[0] == expected


def test_a_span_since_a_date_in_the_lead_still_dates_the_report() -> None:
    text = "Forces have cleared 30 villages since December 1, officials said on Monday.\nOn Sunday a bomb went off."
    assert event_date(text, MONDAY)[0] == dt.date(2021, 12, 1)


def test_written_dates_keep_the_latest_even_outside_the_lead() -> None:
    text = "Gunmen seized the checkpoint on 1 December. On 3 December, helicopters struck them."
    assert event_date(text, MONDAY)[0] == dt.date(2021, 12, 3)


@pytest.mark.parametrize(("text", "published", "url", "expected"), [
    # a page dated days after the wire story it carries: the dateline's day counts
    ("TIKRIT, Oct 3 (Reuters) - Troops cleared two villages on Sunday.", dt.date(2022, 10, 9), "",
     dt.date(2022, 10, 2)),
    # no page date: the dateline, with the url's year
    ("TIKRIT, Iraq, Oct 3 (AFP) - Troops cleared two villages on Sunday.", None, "https://n.example/2022/10/x",
     dt.date(2022, 10, 2)),
    ("TIKRIT, Oct 3, 2022 (Reuters) - Troops cleared two villages on Sunday.", None, "", dt.date(2022, 10, 2)),
    # a dateline far from the page date is not this page's story: the page date counts
    ("TIKRIT, Oct 3 (Reuters) - Troops cleared two villages on Sunday.", dt.date(2022, 11, 20), "",
     dt.date(2022, 11, 20)),
])
def test_a_wire_datelines_day_is_the_reference(text: str, published: dt.date | None, url: str,
                                               expected: dt.date) -> None:
    assert event_date(text, published, url=url)[0] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Posted on March 3, 2019\nTroops cleared two villages on Saturday.", dt.date(2019, 3, 2)),
    ("Published: 2019-03-03\n\nTroops cleared a village on Saturday.", dt.date(2019, 3, 2)),
    ("Monday, 4 March 2019 | Troops cleared a village on Saturday.", dt.date(2019, 3, 2)),
])
def test_a_pages_own_date_line_stands_in_for_a_missing_publication_date(text: str, expected: dt.date) -> None:
    date, basis = event_date(text, None)
    assert date == expected and "date line" in basis


def test_a_date_inside_a_sentence_is_not_a_page_date() -> None:
    assert event_date("Troops cleared two villages on Saturday, 2 March 2019, near Hit.", None)[0] == \
        dt.date(2019, 3, 2)  # read as the written date itself
    far_down = "Troops cleared two villages on Saturday near Hit. " + "Families returned home. " * 20 + "\n2 March 2019"
    assert "date line" not in event_date(far_down, None)[1]  # a date line far from the top is not the page's


FRIDAY = dt.date(2021, 1, 29)


@pytest.mark.parametrize(("text", "published", "expected"), [
    # the dateline's day is when the story was filed, not an event day
    ("SOUTHWEST ASIA, Jan. 29, 2021 — On Jan. 27, coalition aircraft struck two caves.", FRIDAY,
     dt.date(2021, 1, 27)),
    # 'announced, today, Friday, the results of' is a statement's day
    ("The command announced, today, Friday, the results of a sweep carried out on Wednesday.", FRIDAY,
     dt.date(2021, 1, 27)),
    # a reaction's day is not the event's
    ("Baghdad on Friday summoned the envoy after shells hit a resort on Wednesday.", FRIDAY, dt.date(2021, 1, 27)),
    # a range's first day, even when the last gives the year
    ("From Jan. 24 to Jan. 27, 2021, troops cleared the wadi.", None, dt.date(2021, 1, 24)),
    ("From Jan. 24 to Jan. 27, 2021, troops cleared the wadi.", FRIDAY, dt.date(2021, 1, 24)),
    ("Between Dec. 30 and Jan. 2, 2021, troops cleared the wadi.", None, dt.date(2020, 12, 30)),
    # a launch told after the lead, two weeks before the lead's day, is the campaign's: the lead's day is the news
    ("Troops on Thursday retook the town.\nThe army launched the offensive on Jan. 14 with air support.", FRIDAY,
     dt.date(2021, 1, 28)),
])
def test_datelines_statements_ranges_and_campaigns(text: str, published: dt.date | None, expected: dt.date) -> None:
    assert event_date(text, published)[0] == expected


def test_a_launch_days_before_the_lead_still_dates_the_report() -> None:
    text = "Troops on Thursday entered the town.\nThe offensive began on Monday with air support."
    assert event_date(text, FRIDAY)[0] == dt.date(2021, 1, 25)


# --- reported speech, 'the previous day' after a statement, outlets named 'Today', closing date lines ---

@pytest.mark.parametrize(("text", "expected"), [
    # the lead's reported speech: its past perfect is the news, shifted back
    ("The provincial command said on Wednesday that its units had swept the orchards east of the river "
     "on Monday.", dt.date(2018, 7, 16)),
    ("Police told reporters on Wednesday that gunmen had attacked a checkpoint near the lake on Monday night.",
     dt.date(2018, 7, 16)),
    # negative: later on, a past perfect day is background to the lead's news
    ("Kurdish forces retook the hill on Wednesday, officers said.\n\nSources told us that the fighters had "
     "slipped away on Monday.", dt.date(2018, 7, 18)),
    # negative: no reporting verb before it, the past perfect is background
    ("Troops entered the village on Wednesday; the militants had abandoned it on Monday.", dt.date(2018, 7, 18)),
])
def test_past_perfect_in_the_leads_reported_speech(text: str, expected: dt.date) -> None:
    assert event_date(text, THURSDAY)[0] == expected


def test_the_previous_day_counts_back_from_a_statements_day() -> None:
    text = ("Army units have searched 40 square kilometres of desert, the ministry said on Wednesday.\n\n"
            "The columns moved out the previous day, it said.")
    assert event_date(text, THURSDAY)[0] == dt.date(2018, 7, 17)
    # negative: with no day named before it, the previous day is the day before publication
    assert event_date("The columns moved out the previous day, a source said.", THURSDAY)[0] == dt.date(2018, 7, 18)


@pytest.mark.parametrize("outlet", ["Baghdad Today", "USA Today", "Iraq Today"])
def test_an_outlet_named_today_is_no_day(outlet: str) -> None:
    text = f"{outlet} - Diyala\n\nA roadside bomb hit a patrol on Tuesday night, a source told {outlet}."
    assert event_date(text, THURSDAY)[0] == dt.date(2018, 7, 17)


def test_today_opening_a_sentence_or_after_a_comma_is_still_a_day() -> None:
    assert event_date("The district was calm. Today the curfew was lifted.", THURSDAY)[0] == THURSDAY
    assert event_date("Officials said that, Today, patrols resumed.", THURSDAY)[0] == THURSDAY


def test_a_statements_closing_date_line_is_no_event_day() -> None:
    text = ("Our forces continue the operations that began on 2 July to pursue the remnants of the gangs.\n\n"
            "Since 2 July they have cleared 300 square kilometres of the desert.\n\n"
            "Security Media Cell\n19 July 2018")
    assert event_date(text, THURSDAY)[0] == dt.date(2018, 7, 2)
    # negative: a date alone on a line at the top, or a date inside a sentence at the end, still counts
    assert event_date("Troops cleared the valley on 17 July.\n\nCommand\n18 July 2018", THURSDAY)[0] \
        == dt.date(2018, 7, 17)
    assert event_date("The sweep ended.\n\nIt began on 18 July 2018", THURSDAY)[0] == dt.date(2018, 7, 18)


def test_the_lead_follows_a_dateline_line_and_blank_lines() -> None:
    text = ("Nineveh - INA\n\n\nThe Security Media Cell said on Wednesday that units had combed the hills "
            "north of the town on Monday.\n\nThe militants had fled on Tuesday, it said.")
    assert event_date(text, THURSDAY)[0] == dt.date(2018, 7, 16)


def test_a_weekday_inside_a_quotation_still_names_its_day() -> None:
    text = ("The cell announced on Wednesday that “a force carried out an operation yesterday, Monday, that "
            "cleared 20 square kilometres west of the town.”")
    assert event_date(text, THURSDAY)[0] == dt.date(2018, 7, 16)
    # negative: a relative word alone inside a quotation is the speaker's, not the report's
    quoted = "The cell announced on Wednesday that “the force carried out an operation yesterday.”"
    assert event_date(quoted, THURSDAY)[0] == dt.date(2018, 7, 18)


@pytest.mark.parametrize("text", [
    "Artillery shelled the villages on Monday and again on Tuesday, officials said.",
    "Artillery shelled the villages on Monday and then on Tuesday.",
])
def test_a_day_and_a_repeat_give_the_first_day(text: str) -> None:
    assert event_date(text, THURSDAY)[0] == dt.date(2018, 7, 16)


def test_a_span_between_two_dates_begins_the_reports_period() -> None:
    text = ("Militants are exploiting gaps between army sectors along the river. Cells conducted four attacks "
            "between July 8 and July 16, including a bombing near the bridge on July 12.")
    assert event_date(text, THURSDAY)[0] == dt.date(2018, 7, 8)
    # negative: a lead with its own day keeps it over a span told later
    lead = ("Troops cleared the bridge on Tuesday. Cells had conducted four attacks between July 8 and "
            "July 16 before the sweep.")
    assert event_date(lead, THURSDAY)[0] == dt.date(2018, 7, 17)
