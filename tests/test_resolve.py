"""Resolution: distances between candidates and the report's places are geodesic, in km."""

from __future__ import annotations

import math

import pytest

from opmap.model import GazetteerEntry, Mention
from opmap.resolve import choose, geodesic_km


def test_sixty_km_due_east_reads_as_sixty_not_seventy_four() -> None:
    # 60 km east of Kirkuk along its parallel: a degree of longitude there is about 90.8 km, not 111
    lat = 35.468
    degrees = 60.0 / (111.32 * math.cos(math.radians(lat)))
    assert geodesic_km((44.392, lat), (44.392 + degrees, lat)) == pytest.approx(60.0, rel=0.005)
    assert math.dist((44.392, lat), (44.392 + degrees, lat)) * 111 > 73  # what the degree shortcut read


def _town(key: str, lon: float, lat: float) -> GazetteerEntry:
    return GazetteerEntry(key=key, name="Hasan Sham", type="settlement", lat=lat, lon=lon, precision=1, country="IQ",
                          source="test")


def test_the_candidate_near_the_reports_other_places_wins() -> None:
    near, far = _town("a", 43.58, 36.27), _town("b", 45.60, 33.90)
    mention = Mention("Hasan Sham", 0, 10, "", (far, near))
    assert choose(mention, [(43.7, 36.3)]) == near
    assert choose(mention, [(45.5, 33.9)]) == far
