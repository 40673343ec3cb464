"""Published files: RFC 7946 GeoJSON, a GeoPackage with three layers, atomic replacement."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pyogrio
import pytest

from opmap.errors import OpmapError
from opmap.pipeline import RunSummary
from opmap.publish.files import atomic_write

SCORED_PLACE_PROPERTIES = {"article", "name", "surfaces", "zone", "event_date"}
SCORED_AREA_PROPERTIES = {"article", "quote", "area_km2", "direction", "anchors", "event_date"}


def ring_is_ccw(ring: list[list[float]]) -> bool:
    area2 = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))
    return area2 > 0


def check_rfc7946(data: dict) -> None:  # type: ignore[type-arg]
    assert data["type"] == "FeatureCollection" and "crs" not in data
    for feature in data["features"]:
        geometry = feature["geometry"]
        if geometry is None:
            continue
        polygons = {"Polygon": [geometry["coordinates"]], "MultiPolygon": geometry["coordinates"]}.get(
            geometry["type"], [])
        for polygon in polygons:
            assert ring_is_ccw(polygon[0]), "outer rings are counter-clockwise"
            assert all(not ring_is_ccw(hole) for hole in polygon[1:]), "holes are clockwise"
        text = json.dumps(geometry["coordinates"])
        numbers = [float(n) for n in text.replace("[", " ").replace("]", " ").replace(",", " ").split()]
        lons, lats = numbers[0::2], numbers[1::2]
        assert all(-180 <= x <= 180 for x in lons) and all(-90 <= y <= 90 for y in lats)
        assert all(len(n.split(".")[-1]) <= 6 for n in text.replace("[", " ").replace("]", " ")
                   .replace(",", " ").split() if "." in n)


def test_geojson_files_follow_rfc7946(example_run: RunSummary, example_out: Path) -> None:
    for name, wanted in (("places.geojson", SCORED_PLACE_PROPERTIES), ("areas.geojson", SCORED_AREA_PROPERTIES)):
        data = json.loads((example_out / name).read_text(encoding="utf-8"))
        check_rfc7946(data)
        assert data["features"], name
        for feature in data["features"]:
            assert wanted <= set(feature["properties"]), name


def test_places_carry_surfaces_as_lists(example_run: RunSummary, example_out: Path) -> None:
    data = json.loads((example_out / "places.geojson").read_text(encoding="utf-8"))
    assert all(isinstance(f["properties"]["surfaces"], list) for f in data["features"])


def test_geopackage_has_six_layers_and_their_styles(example_run: RunSummary, example_out: Path) -> None:
    layers = [name for name, _ in pyogrio.list_layers(example_out / "opmap.gpkg")]
    assert layers == ["zones", "places", "distinct_places", "areas", "operations", "uncertainty", "reports",
                      "layer_styles"]
    styles = pyogrio.read_dataframe(example_out / "opmap.gpkg", layer="layer_styles")
    assert sorted(styles["f_table_name"]) == ["areas", "distinct_places", "operations", "places", "uncertainty",
                                              "zones"]
    assert styles["useAsDefault"].all() and (styles["f_geometry_column"] == "geom").all()
    assert all(qml.startswith("<!DOCTYPE qgis") and "<renderer-v2" in qml for qml in styles["styleQML"])
    areas = pyogrio.read_dataframe(example_out / "opmap.gpkg", layer="areas")
    assert len(areas) == example_run.n_areas and areas.crs.to_epsg() == 4326
    zones = pyogrio.read_dataframe(example_out / "opmap.gpkg", layer="zones")
    assert set(zones["zone"]) == {"kurdistan_region", "disputed", "federal_iraq"}


def test_geopackage_keeps_provenance_once_in_a_reports_table(example_run: RunSummary, example_out: Path) -> None:
    places = pyogrio.read_dataframe(example_out / "opmap.gpkg", layer="places")
    reports = pyogrio.read_dataframe(example_out / "opmap.gpkg", layer="reports", read_geometry=False)
    assert "title" not in places.columns and "url" not in places.columns
    assert len(reports) == example_run.n_reports and reports["article"].is_unique
    joined = places.merge(reports, on="article", how="left", suffixes=("", "_report"))
    assert joined["title"].notna().all() and set(joined["article"]) <= set(reports["article"])
    geojson = json.loads((example_out / "places.geojson").read_text(encoding="utf-8"))
    assert all(f["properties"]["title"] for f in geojson["features"])  # GeoJSON stays self-contained


def test_failed_write_leaves_the_earlier_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "places.geojson"
    target.write_text('{"earlier": true}', encoding="utf-8")

    def broken(path: Path) -> None:
        path.write_text('{"half": ', encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(OpmapError, match="earlier file is unchanged"):
        atomic_write(target, broken)
    assert target.read_text(encoding="utf-8") == '{"earlier": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["places.geojson"]


def test_geopackage_is_version_1_2(example_run: RunSummary, example_out: Path) -> None:
    import sqlite3

    with sqlite3.connect(example_out / "opmap.gpkg") as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10200


ACLED_ORDER = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
               "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
               "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
               "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
               "fatalities", "tags", "timestamp"]  # ACLED's export, as its codebook lists it


def read_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_operations_csv_starts_with_acleds_31_columns(example_run: RunSummary, example_out: Path) -> None:
    rows = read_rows(example_out / "operations.csv")
    assert len(rows) == len(example_run.results)
    header = list(rows[0])
    assert header[:31] == ACLED_ORDER and len(ACLED_ORDER) == 31
    assert header[-1] == "WKT" and "operation_id" in header[31:]
    for row in rows:
        lon, lat = (float(v) for v in row["WKT"].removeprefix("POINT (").removesuffix(")").split())
        assert abs(lon - float(row["longitude"])) < 1e-6 and abs(lat - float(row["latitude"])) < 1e-6
        assert 29 <= float(row["latitude"]) <= 38 and 38 <= float(row["longitude"]) <= 49
        assert row["geo_precision"] in {"1", "2", "3"} and row["time_precision"] in {"1", "2", "3"}
        assert row["event_id_cnty"].startswith("IRQ") and row["event_id_cnty"][3:].isdigit()
        assert row["year"] == row["event_date"][:4]
        assert (row["iso"], row["country"], row["region"]) == ("368", "Iraq", "Middle East")
        assert row["admin1"] and row["admin2"] and row["admin3"], row["location"]
        assert row["event_type"] and row["sub_event_type"] and row["disorder_type"]
    assert {r["event_date"] for r in rows} == {r.event_date.isoformat() for r in example_run.results}
    makhmour = next(r for r in rows if r["article"].startswith("makhmour"))
    assert makhmour["actor1"].startswith("Peshmerga") and makhmour["actor2"] == "Islamic State (Iraq)"
    assert (makhmour["inter1"], makhmour["inter2"], makhmour["interaction"]) == ("1", "2", "12")
    assert makhmour["fatalities"] == "14"
    # Makhmour lies in Erbil governorate in OCHA's units (disputed, but administered from Erbil).
    assert (makhmour["admin1"], makhmour["admin2"]) == ("Erbil", "Makhmour")  # CSO spelling
    sinjar = next(r for r in rows if r["article"].startswith("sinjar"))
    assert (sinjar["admin1"], sinjar["admin2"]) == ("Ninewa", "Sinjar")


def test_event_ids_are_stable_and_distinct(tmp_path: Path) -> None:
    from opmap.publish.operations import event_ids

    first = event_ids(["b", "a", "c"])
    assert event_ids(["c", "a", "b"]) == [first[2], first[1], first[0]]
    assert len(set(first)) == 3
    assert event_ids(["a", "b", "c", "d"])[:3] == [first[1], first[0], first[2]]  # adding a report keeps ids


def test_reports_of_one_operation_that_disagree_are_flagged_with_both_values() -> None:
    import geopandas as gpd
    from shapely.geometry import Point

    from opmap.publish.operations import disputed_figures

    frame = gpd.GeoDataFrame({"operation_id": ["op-1", "op-1", "op-2"], "article": ["a", "b", "c"],
                              "fatalities": [20, 25, 3], "total_area_km2": [30.0, 30.0, None],
                              "force_by_actor": ["Peshmerga=500", "Peshmerga=500; ISIS=40", "Peshmerga=900"]},
                             geometry=[Point(44, 35)] * 3, crs="EPSG:4326")
    assert disputed_figures(frame) == ["fatalities: 20 (a) / 25 (b)"] * 2 + [""]
    frame.loc[1, "force_by_actor"] = "Peshmerga=800"
    assert disputed_figures(frame)[0] == "fatalities: 20 (a) / 25 (b); Peshmerga force size: 500 (a) / 800 (b)"


def test_time_precision_follows_how_the_date_was_read() -> None:
    from opmap.publish.operations import time_precision

    assert time_precision("'Monday' relative to publication Tue 2016-10-18") == 1
    assert time_precision("'last week' relative to publication Tue 2016-10-18") == 2
    assert time_precision("no day in the text: publication date") == 2
    assert time_precision("'earlier this month' relative to publication Tue 2016-10-18") == 3


def test_qgis_project_uses_relative_paths_and_osm(example_run: RunSummary, example_out: Path) -> None:
    import xml.etree.ElementTree as ET

    project = ET.parse(example_out / "opmap.qgs").getroot()
    sources = [e.text or "" for e in project.iter("datasource")]
    assert sources[:6] == [f"./opmap.gpkg|layername={n}" for n in
                           ("operations", "distinct_places", "places", "areas", "uncertainty", "zones")]
    assert "type=xyz&url=https://tile.openstreetmap.org/{z}/{x}/{y}.png" in sources[6]
    assert str(example_out) not in (example_out / "opmap.qgs").read_text(encoding="utf-8")


def test_uncertainty_bands_reach_uncertainty_m_beyond_each_area(example_run: RunSummary, example_out: Path) -> None:
    from pyproj import Geod

    areas = pyogrio.read_dataframe(example_out / "opmap.gpkg", layer="areas")
    bands = pyogrio.read_dataframe(example_out / "opmap.gpkg", layer="uncertainty")
    assert len(bands) == len(areas.dropna(subset=["geometry"]))
    geod = Geod(ellps="WGS84")
    for area, band in zip(areas.itertuples(), bands.itertuples(), strict=True):
        assert band.geometry.buffer(1e-9).contains(area.geometry)
        north_area, north_band = area.geometry.bounds[3], band.geometry.bounds[3]
        x = area.geometry.centroid.x
        _, _, metres = geod.inv(x, north_area, x, north_band)
        assert abs(metres - area.uncertainty_m) <= 0.02 * area.uncertainty_m, (metres, area.uncertainty_m)


def test_map_coordinates_use_googles_polyline_encoding() -> None:
    import numpy as np

    from opmap.publish.map_parts import _polyline

    # Google's documented example: (38.5, -120.2), (40.7, -120.95), (43.252, -126.453) at 1e-5.
    deltas = np.array([3850000, -12020000, 220000, -75000, 255200, -550300], dtype=np.int64)
    encoded, lengths = _polyline(deltas)
    assert encoded.tobytes().decode("ascii") == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"
    assert lengths.sum() == len(encoded)


def test_script_json_cannot_break_out_of_script_or_template() -> None:
    from opmap.publish.map_parts import script_json

    text = script_json({"quote": "</script><script>alert(1)</script> {{ 7*7 }} {% raw %} {# c #}"})
    assert "<" not in text and "{{" not in text and "{%" not in text and "{#" not in text
    assert json.loads(text)["quote"] == "</script><script>alert(1)</script> {{ 7*7 }} {% raw %} {# c #}"


def _dev_corpus() -> Path | None:
    from tests.conftest import ROOT, SHARED

    for shared in (SHARED, ROOT.parent.parent / "shared"):  # beside the checkout, or beside its worktree folder
        if (shared / "corpus" / "dev").is_dir():
            return shared / "corpus" / "dev"
    return None


def test_dev_corpus_operations_are_full_acled_rows(tmp_path: Path) -> None:
    """On the real reports (read from ../shared, never copied): every operation in Iraq has its
    governorate, every operation an event type, and two runs give the same event ids."""
    from opmap.pipeline import run

    dev = _dev_corpus()
    if dev is None:
        pytest.skip("../shared (dev corpus) is not beside the checkout")
    run([dev], tmp_path / "one")
    run([dev], tmp_path / "two")
    one, two = read_rows(tmp_path / "one" / "operations.csv"), read_rows(tmp_path / "two" / "operations.csv")
    assert list(one[0])[:31] == ACLED_ORDER
    # In Iraq by the zone polygons (a source apart from the admin table)
    in_iraq = [r for r in one if r["zone"] in ("kurdistan_region", "disputed", "federal_iraq")]
    assert len(in_iraq) >= 0.8 * len(one)
    assert [r["location"] for r in in_iraq if not (r["admin1"] and r["country"] == "Iraq")] == []
    assert [r["article"] for r in one if not r["event_type"]] == []
    assert [r["event_id_cnty"] for r in one] == [r["event_id_cnty"] for r in two]
    assert len({r["event_id_cnty"] for r in one}) == len(one)


def test_map_is_one_offline_file_unless_cdn_is_asked(tmp_path: Path) -> None:
    import re

    import geopandas as gpd

    from opmap.publish.web_map import write_map

    empty = gpd.GeoDataFrame({"zone": [], "article": [], "approximate": []}, geometry=[], crs="EPSG:4326")
    inline = write_map(empty, empty, empty, tmp_path / "inline.html").read_text(encoding="utf-8")
    linked = write_map(empty, empty, empty, tmp_path / "cdn.html", cdn=True).read_text(encoding="utf-8")
    remote = re.compile(r"<(?:script|link)[^>]+(?:src|href)=\"https?://")
    assert not remote.search(inline) and ".leaflet-container" in inline  # Leaflet's own stylesheet, inline
    found = remote.search(linked)
    assert found and "leaflet" in linked[found.start():found.start() + 120]
    assert len(linked) < len(inline) / 2


def test_without_pyarrow_the_plain_writer_gives_the_same_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pyarrow is an extra: an install without it writes through pyogrio's plain writer, byte for byte the same."""
    import opmap.publish.files as files
    from opmap.pipeline import EXAMPLES, run

    run(EXAMPLES, tmp_path / "arrow")
    monkeypatch.setattr(files, "USE_ARROW", False)
    run(EXAMPLES, tmp_path / "plain")
    for name in ("places.geojson", "areas.geojson", "operations.geojson", "uncertainty.geojson"):
        assert (tmp_path / "arrow" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes(), name
    assert (tmp_path / "plain" / "opmap.gpkg").stat().st_size > 0


def test_one_shape_per_area_lists_its_reports_up_to_a_cap() -> None:
    import geopandas as gpd
    import shapely

    from opmap.publish.popups import one_per_shape

    disc = shapely.Point(44.0, 36.0).buffer(0.05)
    areas = gpd.GeoDataFrame({"article": ["d", "c", "b", "a", "e"], "title": ["D", "C", "B", "A", "E"],
                              "url": ["https://example.org/d", None, "", "https://example.org/a", None],
                              "event_date": ["2016-10-20", "2016-10-18", None, "2016-10-17", "2016-10-17"],
                              "zone": ["disputed"] * 4 + ["kurdistan_region"]},
                             geometry=[disc, shapely.Point(44.0, 36.0).buffer(0.05), disc, disc, disc],
                             crs="EPSG:4326")
    shapes = one_per_shape(areas, listed=2)
    assert sorted(shapes["zone"]) == ["disputed", "kurdistan_region"]  # the same disc in two zones stays two
    disputed = shapes[shapes["zone"] == "disputed"].iloc[0]
    assert disputed["article"] == "a" and disputed["event_date"] == "2016-10-17"  # the earliest report's fields
    assert disputed["n_reports"] == disputed["n_merged"] == 4
    assert disputed["reports"] == [["2016-10-17", "A", "https://example.org/a"], ["2016-10-18", "C", ""]]
    assert disputed["reports_more"] == "… and 2 more reports — see the GeoPackage (opmap.gpkg)"
    assert disputed["reports_text"] == "4 reports, 2016-10-17 to 2016-10-20"
    region = shapes[shapes["zone"] == "kurdistan_region"].iloc[0]
    assert region["reports_more"] == "" and region["reports_text"] == "1 report, 2016-10-17"
