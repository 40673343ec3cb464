"""Control over time: who held each disputed district on a report's date, carried into the outputs."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pyogrio
import pytest

from opmap.boundaries import ZoneTable, build_zones
from opmap.control import (
    CONTROL_TABLE,
    DEFAULT_DISTRICTS,
    ControlMap,
    controlled_by,
    districts_for,
    load_periods,
)
from opmap.model import Article
from opmap.pipeline import EXAMPLES, Resources, RunSummary, process_article
from opmap.reading import read_articles
from opmap.zones import DEFAULT_ZONES
from tests.conftest import write
from tests.test_boundaries import ADM3

MAKHMUR = (43.5797, 35.7762)
KIRKUK = (44.3922, 35.4681)
HAWIJA = (43.77, 35.32)
ERBIL = (44.0119, 36.1833)
BAGHDAD = (44.4009, 33.3406)


def _article(path: Path) -> Article:
    return next(a for a in read_articles([path], []) if isinstance(a, Article))


def test_makhmour_in_2018_was_held_by_federal_forces(resources: Resources) -> None:
    result = process_article(_article(EXAMPLES / "makhmour-2018-07-16.txt"), resources)
    assert result.event_date == dt.date(2018, 7, 16)
    assert [a.controlled_by for a in result.areas if a.geometry is not None] == ["federal forces"]
    makhmur = next(p for p in result.places if p.name.startswith("Makhm"))
    assert makhmur.controlled_by == "federal forces"


def test_an_operation_near_makhmour_in_2016_was_under_the_peshmerga(resources: Resources, tmp_path: Path) -> None:
    report = write(tmp_path / "makhmour-2016.txt",
                   "title: Peshmerga push back ISIS near Makhmour\npublished: 2016-03-24\n\n"
                   "Peshmerga fighters pushed ISIS militants back from villages near Makhmour on Thursday and "
                   "cleared about 20 square kilometres west of Makhmour, commanders said.")
    result = process_article(_article(report), resources)
    assert result.event_date is not None and result.event_date.year == 2016
    assert [a.controlled_by for a in result.areas if a.geometry is not None] == ["Peshmerga / KRG"]
    assert {p.controlled_by for p in result.places if p.name.startswith("Makhm")} == {"Peshmerga / KRG"}


@pytest.mark.parametrize(("point", "date", "held_by"), [
    (KIRKUK, dt.date(2013, 5, 1), "contested: federal and KRG"),
    (KIRKUK, dt.date(2015, 9, 30), "Peshmerga / KRG"),
    (KIRKUK, dt.date(2017, 10, 16), "federal forces"),
    (HAWIJA, dt.date(2016, 6, 1), "ISIS"),
    (HAWIJA, dt.date(2018, 1, 1), "federal forces"),
    (MAKHMUR, dt.date(2014, 8, 8), "ISIS"),
    (MAKHMUR, dt.date(2017, 10, 16), "Peshmerga / KRG"),
    (MAKHMUR, dt.date(2017, 10, 17), "federal forces"),
    (MAKHMUR, dt.date(1995, 1, 1), ""),  # before the table begins: no claim
    (MAKHMUR, None, ""),  # no date: no claim
    (ERBIL, dt.date(2016, 1, 1), ""),  # Kurdistan Region, not disputed
    (BAGHDAD, dt.date(2016, 1, 1), ""),  # federal Iraq
])
def test_controlled_by_at_a_point_and_date(point: tuple[float, float], date: dt.date | None, held_by: str) -> None:
    assert controlled_by(point[0], point[1], date) == held_by


def test_control_table_is_complete_dated_and_sourced() -> None:
    periods = load_periods(CONTROL_TABLE)
    disputed = {u.pcode for u in ZoneTable.load().units if u.zone == "disputed"}
    assert disputed <= set(periods), sorted(disputed - set(periods))
    cells = json.loads(DEFAULT_DISTRICTS.read_text(encoding="utf-8"))["features"]
    assert {f["properties"]["pcode"] for f in cells} <= set(periods)
    for pcode, rows in periods.items():
        assert all(r.source and r.controlled_by for r in rows), pcode
        for earlier, later in itertools.pairwise(rows):
            assert earlier.end is not None and earlier.end < later.start, pcode  # no overlap
            assert (later.start - earlier.end).days == 1, pcode  # and no gap
        assert rows[-1].end is None, pcode  # the table runs to today


def test_published_layers_carry_controlled_by(example_run: RunSummary, example_out: Path) -> None:
    areas = json.loads((example_out / "areas.geojson").read_text(encoding="utf-8"))["features"]
    makhmour = [a["properties"] for a in areas if a["properties"]["article"].startswith("makhmour")]
    assert [a["controlled_by"] for a in makhmour] == ["federal forces"]
    places = json.loads((example_out / "places.geojson").read_text(encoding="utf-8"))["features"]
    held = {p["properties"]["controlled_by"] for p in places if p["properties"]["zone"] == "disputed"}
    assert "federal forces" in held and "Peshmerga / KRG" in held
    outside = [p for p in places if p["properties"]["zone"] in ("kurdistan_region", "federal_iraq")]
    assert all(not p["properties"].get("controlled_by") for p in outside)
    gpkg = pyogrio.read_dataframe(example_out / "opmap.gpkg", layer="areas")
    assert "federal forces" in set(gpkg["controlled_by"].dropna())


def test_built_zones_bring_their_own_district_cells(tmp_path: Path) -> None:
    assert districts_for(DEFAULT_ZONES) == DEFAULT_DISTRICTS
    if not ADM3.is_file():
        pytest.skip("../shared (OCHA COD-AB sub-districts) is not beside the checkout")
    built = build_zones(ADM3, out=tmp_path / "zones.geojson")
    assert districts_for(built.zones_path) == built.districts_path
    control = ControlMap.load(built.districts_path)
    assert control.district_at(*HAWIJA) == "IQG13Q01"
    assert control.controlled_by(*MAKHMUR, dt.date(2018, 7, 16)) == "federal forces"


def test_the_line_as_it_stood_on_a_date(tmp_path: Path) -> None:
    import subprocess
    import sys

    def held(date: str) -> dict[str, str]:
        out = tmp_path / f"{date}.geojson"
        result = subprocess.run([sys.executable, "-m", "opmap.cli", "zones", "as-of", date, "--out", str(out)],
                                capture_output=True, text=True, check=False, timeout=120)
        assert result.returncode == 0, result.stderr
        features = json.loads(out.read_text(encoding="utf-8"))["features"]
        return {f["properties"]["name"]: f["properties"]["controlled_by"] for f in features}

    before, after = held("2017-10-01"), held("2017-10-20")
    assert before["Kirkuk"] == before["Makhmour"] == "Peshmerga / KRG" and before["Al-Hawiga"] == "ISIS"
    assert after["Kirkuk"] == after["Makhmour"] == after["Al-Hawiga"] == "federal forces"
    bad = subprocess.run([sys.executable, "-m", "opmap.cli", "zones", "as-of", "2017-13-01", "--out",
                          str(tmp_path / "x.geojson")], capture_output=True, text=True, check=False, timeout=120)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "not a date" in bad.stderr


def test_map_shows_the_line_as_it_stood_on_a_date(tmp_path: Path) -> None:
    import datetime as dt

    from opmap.pipeline import EXAMPLES, run

    run([EXAMPLES / "makhmour-2018-07-16.txt"], tmp_path / "a", as_of=dt.date(2016, 6, 1))
    run([EXAMPLES / "makhmour-2018-07-16.txt"], tmp_path / "b")  # default: the run's latest event date
    before = (tmp_path / "a" / "map.html").read_text(encoding="utf-8")
    after = (tmp_path / "b" / "map.html").read_text(encoding="utf-8")
    import re

    def districts(html: str, holder: str) -> int:
        found = re.search(rf"Held on [\d-]+ by {re.escape(holder)} \((\d+) districts\)", html)
        return int(found.group(1)) if found else 0

    assert "Held on 2016-06-01 by" in before and "Held on 2018-07-16 by" in after
    # after the federal takeover of October 2017 most disputed districts changed hands
    assert districts(before, "Peshmerga / KRG") > districts(after, "Peshmerga / KRG")
    assert districts(after, "federal forces") > districts(before, "federal forces")
