"""Event dates inferred across a run: an undated report's 'on Tuesday' or 'March 3' placed by a dated
report of the same operation (same place, same sides), and left alone when the evidence disagrees."""

from __future__ import annotations

import datetime as dt

import pytest

from opmap.extract.dates import DayCue, unresolved_day_cues
from opmap.grouping import infer_event_dates
from opmap.model import Article, ArticleResult
from opmap.pipeline import Resources, process_article

THURSDAY = dt.date(2018, 7, 19)


def report(resources: Resources, name: str, text: str, published: dt.date | None = None,
           url: str = "") -> ArticleResult:
    return process_article(Article(name, text, f"{name}.txt", url=url, published=published), resources)


DATED = "Peshmerga fighters cleared two villages near Makhmour on Tuesday after ISIS fighters fled."
UNDATED = "Kurdish Peshmerga units said on Tuesday they had pushed ISIS out of the hills by Makhmour."


def test_weekday_cues_in_an_undated_report() -> None:
    [cue] = unresolved_day_cues("The brigade said it took the ridge last Monday.")
    assert (cue.weekday, cue.last, cue.month) == (0, True, None)
    assert unresolved_day_cues("No day is given here.") == []


def test_day_month_cue_and_its_rank() -> None:
    cues = unresolved_day_cues("A spokesman said on Friday that the sweep began on March 3 near the lake.")
    assert [c.phrase for c in cues] == ["March 3", "Friday"]  # the launch day before the statement's day
    assert (cues[0].month, cues[0].day) == (3, 3)


@pytest.mark.parametrize(("cue", "reference", "published", "expected"), [
    (DayCue("Tuesday", 0, 0, weekday=1), dt.date(2018, 7, 19), False, dt.date(2018, 7, 17)),
    (DayCue("Sunday", 0, 0, weekday=6), dt.date(2018, 7, 19), False, dt.date(2018, 7, 22)),
    (DayCue("Thursday", 0, 0, weekday=3), dt.date(2018, 7, 19), True, dt.date(2018, 7, 19)),
    (DayCue("last Thursday", 0, 0, weekday=3, last=True), dt.date(2018, 7, 19), True, dt.date(2018, 7, 12)),
    (DayCue("Sunday", 0, 0, weekday=6), dt.date(2018, 7, 19), True, dt.date(2018, 7, 15)),
    (DayCue("December 30", 0, 1, month=12, day=30), dt.date(2019, 1, 2), False, dt.date(2018, 12, 30)),
])
def test_a_cue_placed_near_a_related_date(cue: DayCue, reference: dt.date, published: bool,
                                          expected: dt.date) -> None:
    assert cue.on_or_near(reference, published=published) == expected


def test_undated_weekday_takes_the_day_of_a_report_at_the_same_place(resources: Resources) -> None:
    dated = report(resources, "dated", DATED, THURSDAY)
    undated = report(resources, "undated", UNDATED)
    assert dated.event_date == dt.date(2018, 7, 17) and undated.event_date is None
    after = infer_event_dates([dated, undated])
    assert after[0] == dated
    assert after[1].event_date == dt.date(2018, 7, 17)
    assert "inferred" in after[1].date_basis and "dated" in after[1].date_basis
    assert after[1].operation is not None and after[1].operation.event_date == dt.date(2018, 7, 17)


def test_day_and_month_take_the_year_of_the_related_report(resources: Resources) -> None:
    dated = report(resources, "dated", "Peshmerga forces retook three villages near Makhmour today from ISIS.",
                   dt.date(2019, 3, 5))
    undated = report(resources, "undated", "The Peshmerga offensive near Makhmour, launched on March 3, "
                                           "drove ISIS from the plain.")
    assert infer_event_dates([dated, undated])[1].event_date == dt.date(2019, 3, 3)


def test_a_day_and_month_far_from_the_related_date_is_not_that_operation(resources: Resources) -> None:
    dated = report(resources, "dated", "Peshmerga forces retook three villages near Makhmour today from ISIS.",
                   dt.date(2019, 3, 5))
    undated = report(resources, "undated", "The Peshmerga offensive near Makhmour, launched on September 20, "
                                           "drove ISIS from the plain.")
    assert infer_event_dates([dated, undated])[1].event_date is None


def test_a_report_at_an_unrelated_place_stays_undated(resources: Resources) -> None:
    dated = report(resources, "dated", DATED, THURSDAY)
    elsewhere = report(resources, "elsewhere", "Peshmerga units said on Tuesday they had pushed ISIS fighters "
                                               "from the slopes above Sinjar.")
    assert infer_event_dates([dated, elsewhere])[1].event_date is None


def test_other_sides_at_the_same_place_are_another_operation(resources: Resources) -> None:
    dated = report(resources, "dated", DATED, THURSDAY)
    shelling = report(resources, "shelling", "Iranian forces shelled the hills by Makhmour on Tuesday.")
    assert shelling.operation is not None and shelling.operation.actors == ("Iran",)
    assert infer_event_dates([dated, shelling])[1].event_date is None


def test_related_reports_that_disagree_leave_it_undated(resources: Resources) -> None:
    one = report(resources, "one", DATED, THURSDAY)
    other = report(resources, "other", DATED, THURSDAY + dt.timedelta(days=14))
    assert one.event_date != other.event_date
    assert infer_event_dates([one, other, report(resources, "undated", UNDATED)])[2].event_date is None


def test_a_report_that_dates_itself_is_never_changed(resources: Resources) -> None:
    dated = report(resources, "dated", DATED, THURSDAY)
    own = report(resources, "own", UNDATED, THURSDAY + dt.timedelta(days=7))
    assert infer_event_dates([dated, own])[1] == own


def test_a_url_year_rules_out_a_related_report_of_another_year(resources: Resources) -> None:
    dated = report(resources, "dated", DATED, THURSDAY)
    undated = report(resources, "undated", UNDATED, url="https://news.example/2016/05/story/")
    assert infer_event_dates([dated, undated])[1].event_date is None


def test_time_precision_of_an_inferred_day() -> None:
    from opmap.publish.operations import time_precision

    assert time_precision("inferred: 'Tuesday' of the operation dated 2018-07-17 by report a") == 2


def test_a_shared_governorate_alone_does_not_make_one_operation(resources: Resources) -> None:
    dated = report(resources, "dated", "Peshmerga fighters cleared two villages in Diyala province on Tuesday.",
                   THURSDAY)
    undated = report(resources, "undated", "Peshmerga units said on Tuesday they had swept Diyala province.")
    assert any(p.type == "governorate" for p in undated.places)
    assert infer_event_dates([dated, undated])[1].event_date is None


@pytest.mark.parametrize(("text", "name", "phase"), [
    ("The push, dubbed “Dawn of the Valley,” began at first light.", "Dawn of the Valley", None),
    ("Troops started the second phase of the 'Swift Sword' operation.", "Swift Sword", 2),
    ("Jets flew in support of Operation Steel Lance, phase three of which opened today.", "Steel Lance", 3),
    ("Operation Inherent Resolve said strikes hit two caves.", "", None),  # an umbrella name
    ("The commander told reporters: “We will finish this soon.”", "", None),  # a quotation, not a name
])
def test_an_operations_own_name_and_phase(text: str, name: str, phase: int | None) -> None:
    from opmap.extract.operations import operation_name

    assert operation_name(text) == (name, phase)


def test_an_undated_report_takes_the_day_of_the_same_named_operation_and_phase(resources: Resources) -> None:
    monday = dt.date(2020, 6, 22)
    first = report(resources, "first", "Forces on Monday launched the first phase of the “Desert Shield” "
                   "operation near Rutba.", dt.date(2020, 6, 1))
    third = report(resources, "third", "Forces on Monday launched the third phase of the “Desert Shield” "
                   "operation near Baiji.", monday)
    undated = report(resources, "undated", "The third phase of the Desert Shield operation, which began last "
                     "Monday, cleared hundreds of square kilometres in Anbar.")
    other_phase = report(resources, "other", "The second phase of the “Desert Shield” operation began on Monday.")
    after = infer_event_dates([first, third, undated, other_phase])
    assert after[2].event_date == monday and "third" in after[2].date_basis
    assert after[3].event_date is None  # no dated report tells the second phase


def test_holders_within_reach_of_a_place_measured_geodesically() -> None:
    from array import array

    from opmap.grouping import SAME_OPERATION_KM, _within
    from opmap.shapes import GEOD

    # at 36° N a degree of longitude is about 90 km: 0.3° east lies within reach, 0.5° east does not
    cell = (array("q", [4, 9, 12]), array("d", [44.3, 44.5, 44.0]), array("d", [36.0, 36.0, 36.3]))
    reach = SAME_OPERATION_KM * 1000
    found = _within(cell, 0, 3, 44.0, 36.0, reach)
    assert found == [i for i, lon, lat in zip(*cell, strict=True) if GEOD.inv(44.0, 36.0, lon, lat)[2] <= reach]
    assert found == [4, 12]
    assert _within(cell, 1, 2, 44.0, 36.0, reach) == [] and _within(cell, 2, 2, 44.0, 36.0, reach) == []
