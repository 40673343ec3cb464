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


def test_geopackage_has_three_layers(example_run: RunSummary, example_out: Path) -> None:
    layers = {name for name, _ in pyogrio.list_layers(example_out / "opmap.gpkg")}
    assert layers == {"places", "areas", "zones"}
    areas = pyogrio.read_dataframe(example_out / "opmap.gpkg", layer="areas")
    assert len(areas) == example_run.n_areas and areas.crs.to_epsg() == 4326
    zones = pyogrio.read_dataframe(example_out / "opmap.gpkg", layer="zones")
    assert set(zones["zone"]) == {"kurdistan_region", "disputed", "federal_iraq"}


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
