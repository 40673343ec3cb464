"""Shapes: the stated area, geodesically, on the stated side of the anchor."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from opmap.model import Place
from opmap.shapes import BEARINGS, GEOD, area_shape, geodesic_area_km2


def bearing_to(anchor: tuple[float, float], lon: float, lat: float) -> float:
    forward, _, _ = GEOD.inv(anchor[0], anchor[1], lon, lat)
    return forward % 360


def test_thirty_km2_south_of_an_anchor() -> None:
    anchor = (43.70, 35.90)
    shape = area_shape([anchor], "S", 30.0)
    assert geodesic_area_km2(shape.polygon) == pytest.approx(30.0, rel=0.01)
    c = shape.polygon.centroid
    assert 135 <= bearing_to(anchor, c.x, c.y) <= 225
    assert shape.polygon.exterior.is_ccw and shape.polygon.is_valid


def test_between_is_centred_midway() -> None:
    a, b = (43.61, 36.07), (43.58, 35.78)
    shape = area_shape([a, b], "between", 120.0)
    c = shape.polygon.centroid
    assert geodesic_area_km2(shape.polygon) == pytest.approx(120.0, rel=0.01)
    _, _, to_mid = GEOD.inv((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, c.x, c.y)
    assert to_mid < 1000 and shape.model == "lens"


def test_around_is_a_disc_on_the_anchor() -> None:
    shape = area_shape([(44.39, 35.47)], "around", 50.0)
    assert shape.model == "disc" and shape.polygon.contains(shape.polygon.centroid)
    assert geodesic_area_km2(shape.polygon) == pytest.approx(50.0, rel=0.01)


def test_rejects_non_positive_area() -> None:
    with pytest.raises(ValueError):
        area_shape([(44.0, 36.0)], "S", 0)


@settings(max_examples=150, deadline=None)
@given(lon=st.floats(38.5, 48.5), lat=st.floats(29.0, 37.5), km2=st.floats(0.5, 20000),
       direction=st.sampled_from([*BEARINGS, "N+E", "S+W", "around", None]))
def test_any_anchor_area_and_direction(lon: float, lat: float, km2: float, direction: str | None) -> None:
    shape = area_shape([(lon, lat)], direction, km2)
    assert shape.polygon.is_valid
    assert geodesic_area_km2(shape.polygon) == pytest.approx(km2, rel=0.01)
    if direction in BEARINGS:
        c = shape.polygon.centroid
        b = bearing_to((lon, lat), c.x, c.y)
        wanted = BEARINGS[direction]
        assert min(abs(b - wanted), 360 - abs(b - wanted)) <= 22.5
    if direction is not None and "+" in direction:
        c = shape.polygon.centroid
        b = bearing_to((lon, lat), c.x, c.y)
        wanted = {"N+E": 45.0, "S+W": 225.0}[direction]
        assert min(abs(b - wanted), 360 - abs(b - wanted)) <= 22.5
    assert not math.isnan(shape.uncertainty_m)


def test_corridor_along_a_line_has_the_area_and_follows_it() -> None:
    from shapely.geometry import Point

    from opmap.shapes import corridor_shape

    line = ((44.009, 36.191), (43.119, 36.335))
    shape = corridor_shape(line, 50.0)
    assert shape.model == "corridor" and shape.polygon.is_valid
    assert geodesic_area_km2(shape.polygon) == pytest.approx(50.0, rel=0.01)
    assert shape.polygon.contains(Point(43.564, 36.263))  # the middle of the road
    assert not shape.polygon.contains(Point(43.564, 36.35))  # ten km off it


def test_offset_disc_lies_that_far_that_way() -> None:
    from opmap.shapes import offset_disc

    anchor = (44.392, 35.468)
    shape = offset_disc(anchor, "S", 20.0, 40.0)
    c = shape.polygon.centroid
    bearing, _, metres = GEOD.inv(anchor[0], anchor[1], c.x, c.y)
    assert metres == pytest.approx(20_000, rel=0.01) and abs(abs(bearing) - 180) < 1
    assert geodesic_area_km2(shape.polygon) == pytest.approx(40.0, rel=0.01)


@pytest.mark.parametrize("km2", [5.0, 400.0])
def test_village_hull_has_the_stated_area_and_covers_the_villages(km2: float) -> None:
    from shapely.geometry import MultiPoint

    from opmap.shapes import village_hull

    villages = [(44.30, 35.30), (44.36, 35.32), (44.33, 35.37), (44.29, 35.35)]
    shape = village_hull(villages, km2)
    assert shape.polygon.is_valid and shape.polygon.exterior.is_ccw
    assert geodesic_area_km2(shape.polygon) == pytest.approx(km2, rel=0.01)
    centre = MultiPoint(villages).centroid
    assert shape.polygon.distance(centre) < 0.01
    if km2 > 100:  # grown: every village inside
        assert all(shape.polygon.contains(Point(v)) for v in villages)


def _place(name: str, kind: str, country: str, lon: float, lat: float) -> Place:
    return Place("t", name, kind, lon, lat, (name,), ("mentioned",), "", 3, f"k:{name}", "offline", "",
                 country=country)


def test_a_governorate_sized_area_sits_in_the_iraqi_governorate_not_a_neighbour() -> None:
    from opmap.shapes import main_place

    places = [_place("Iran", "country", "IR", 53.7, 32.4), _place("Diyala", "governorate", "IQ", 45.0, 34.0),
              _place("Baqubah", "settlement", "IQ", 44.65, 33.75)]
    chosen = main_place(places, 17_000.0)
    assert chosen is not None and chosen.name == "Diyala"
    whole = main_place([_place("Iraq", "country", "IQ", 43.7, 33.2), *places], 60_000.0)
    assert whole is not None and whole.name == "Iraq"
