"""The offline gazetteer behind geopy's interface: a Geocoder subclass that RateLimiter wraps unchanged."""

from __future__ import annotations

import pytest
from geopy.exc import GeocoderQueryError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from opmap.offline import OfflineGeocoder
from opmap.pipeline import Resources


@pytest.fixture(scope="module")
def geocoder(resources: Resources) -> OfflineGeocoder:
    return OfflineGeocoder(resources.index)


def test_is_a_geopy_geocoder(geocoder: OfflineGeocoder) -> None:
    assert isinstance(geocoder, Geocoder)
    location = geocoder.geocode("Makhmour", exactly_one=True, timeout=5)
    assert isinstance(location, Location) and location.address == "Makhmur"
    assert abs(location.latitude - 35.776) < 0.01 and abs(location.longitude - 43.580) < 0.01


def test_rate_limiter_wraps_it_unchanged(geocoder: OfflineGeocoder) -> None:
    geocode = RateLimiter(geocoder.geocode, min_delay_seconds=0.0, max_retries=0)
    reverse = RateLimiter(geocoder.reverse, min_delay_seconds=0.0, max_retries=0)
    for name in ("Kirkuk", "Sinjar", "Mosul Dam", "Atlantis"):
        assert geocode(name) == geocoder.geocode(name)
    assert geocode("Kirkuk", exactly_one=False) == geocoder.geocode("Kirkuk", exactly_one=False)
    assert reverse("36.19, 44.01") == geocoder.reverse("36.19, 44.01")


def test_exactly_one_false_and_country_codes(geocoder: OfflineGeocoder) -> None:
    everywhere = geocoder.geocode("Kirkuk", exactly_one=False)
    assert isinstance(everywhere, list) and everywhere and all(isinstance(x, Location) for x in everywhere)
    iraqi = geocoder.geocode("Kirkuk", exactly_one=False, country_codes=["iq"])
    assert iraqi and all(x.raw["country"] == "IQ" for x in iraqi)
    assert geocoder.geocode("Kirkuk", country_codes="tr") is None or geocoder.geocode(
        "Kirkuk", country_codes="tr").raw["country"] == "TR"


def test_reverse_finds_the_nearest_settlement(geocoder: OfflineGeocoder) -> None:
    erbil = geocoder.reverse((36.19, 44.01))
    assert isinstance(erbil, Location) and erbil.raw["type"] == "settlement" and erbil.raw["distance_km"] < 5
    assert geocoder.reverse("36.19, 44.01") == erbil
    nearest = geocoder.reverse((36.19, 44.01), exactly_one=False)
    assert isinstance(nearest, list) and nearest[0] == erbil
    distances = [x.raw["distance_km"] for x in nearest]
    assert distances == sorted(distances)
    assert geocoder.reverse((0.0, 0.0)) is None  # nothing of ours lies in the Gulf of Guinea


def test_structured_and_bad_queries_are_geopy_errors(geocoder: OfflineGeocoder) -> None:
    with pytest.raises(GeocoderQueryError):
        geocoder.geocode({"city": "Kirkuk"})  # type: ignore[arg-type]
    with pytest.raises(GeocoderQueryError):
        geocoder.reverse("not a point")
