"""Every published GeoJSON file checked against RFC 7946 by hand-written rules (no library of ours)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from opmap.pipeline import RunSummary

LAYERS = ("places", "areas", "zones", "operations", "uncertainty")
# `zone_shares` (zone → share of the area) is the one object-valued property, by the areas layer's design
# (issue on zone shares); every other property is a number, string, boolean, null or list of them.
NESTED_BY_DESIGN = {"zone_shares"}
GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}


def signed_area(ring: list[list[float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1, *_), (x2, y2, *_) in itertools.pairwise(ring)) / 2


def check_position(position: Any) -> None:
    assert isinstance(position, list) and len(position) in (2, 3), position
    lon, lat = position[0], position[1]
    assert all(isinstance(v, int | float) for v in position)
    assert -180 <= lon <= 180 and -90 <= lat <= 90, "longitude then latitude, in range (RFC 7946 §3.1.1)"


def check_polygon(rings: list[list[list[float]]]) -> None:
    assert rings, "a polygon has an outer ring"
    for n, ring in enumerate(rings):
        assert len(ring) >= 4 and ring[0] == ring[-1], "linear rings are closed, >= 4 positions (§3.1.6)"
        for position in ring:
            check_position(position)
        area = signed_area(ring)
        assert (area > 0) if n == 0 else (area < 0), "outer rings counter-clockwise, holes clockwise (§3.1.6)"


def check_geometry(geometry: dict[str, Any] | None) -> None:
    if geometry is None:
        return
    assert geometry["type"] in GEOMETRY_TYPES and "crs" not in geometry
    coordinates = geometry["coordinates"]
    if geometry["type"] == "Point":
        check_position(coordinates)
    elif geometry["type"] == "Polygon":
        check_polygon(coordinates)
    elif geometry["type"] == "MultiPolygon":
        for polygon in coordinates:
            check_polygon(polygon)
    else:
        for position in json.loads(json.dumps(coordinates).replace("[[", "[").replace("]]", "]")):
            check_position(position)


def check_file(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data, "no crs member (§4)"
    for feature in data["features"]:
        assert feature["type"] == "Feature" and "crs" not in feature
        check_geometry(feature["geometry"])
        for key, value in feature["properties"].items():
            if isinstance(value, dict):
                assert key in NESTED_BY_DESIGN, f"flat properties: {key} is an object"
                assert all(isinstance(v, int | float) for v in value.values()), key
            if isinstance(value, list):
                assert all(isinstance(v, str | int | float) for v in value), key
    return data


@pytest.mark.parametrize("layer", LAYERS)
def test_every_geojson_file_follows_rfc7946(example_run: RunSummary, example_out: Path, layer: str) -> None:
    data = check_file(example_out / f"{layer}.geojson")
    assert data["features"], layer


def test_typed_properties(example_run: RunSummary, example_out: Path) -> None:
    operations = check_file(example_out / "operations.geojson")["features"]
    assert len(operations) == len(example_run.results)
    for feature in operations:
        props = feature["properties"]
        assert isinstance(props["n_areas"], int) and isinstance(props["event_date"], str)
        assert props["total_area_km2"] is None or isinstance(props["total_area_km2"], float)
        assert feature["geometry"]["type"] == "Point"
    uncertainty = check_file(example_out / "uncertainty.geojson")["features"]
    assert all(isinstance(f["properties"]["uncertainty_m"], float) for f in uncertainty)


def test_validator_catches_what_it_should(tmp_path: Path) -> None:
    clockwise = [[44.0, 36.0], [44.0, 36.1], [44.1, 36.1], [44.1, 36.0], [44.0, 36.0]]
    bad = [{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
            "geometry": {"type": "Polygon", "coordinates": [clockwise]}}]},
           {"type": "FeatureCollection", "crs": {"type": "name"}, "features": []},
           {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
            "geometry": {"type": "Point", "coordinates": [36.0, 244.0]}}]},
           {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"a": {"b": 1}},
            "geometry": None}]}]
    for n, data in enumerate(bad):
        path = tmp_path / f"bad{n}.geojson"
        path.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(AssertionError):
            check_file(path)
