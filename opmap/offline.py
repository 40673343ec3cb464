"""The offline gazetteer as a geopy geocoder: code written for geopy (Nominatim, GeoNames, …) works
against it unchanged, a `geopy.extra.rate_limiter.RateLimiter` wraps its `geocode` and `reverse`, and
nothing reaches the network.

Kept apart from `opmap.gazetteer` because importing geopy's package costs start-up time that a run
which never asks the gazetteer through geopy should not pay.
"""

from __future__ import annotations

import math
from typing import Any

from geopy.exc import GeocoderQueryError
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from opmap.gazetteer import GazetteerIndex, candidate_rank, load_index
from opmap.model import GazetteerEntry
from opmap.spelling import name_key

# `reverse` answers with the nearest settlement, or None when none lies within this distance.
REVERSE_REACH_KM = 50.0
REVERSE_CANDIDATES = 10
EARTH_RADIUS_KM = 6371.0088


class OfflineGeocoder(Geocoder):
    """opmap's offline gazetteer (GeoNames extract, curated table, your own tables) behind geopy's
    interface. Names are matched as opmap matches them (case, diacritics, al-/el-, -ah folded);
    candidates come curated and Iraqi first, then by population."""

    name = "offline"

    def __init__(self, index: GazetteerIndex | None = None, *, timeout: Any = DEFAULT_SENTINEL,
                 user_agent: str | None = None) -> None:
        super().__init__(timeout=timeout, user_agent=user_agent)
        self.index = index if index is not None else load_index()

    def geocode(self, query: str, *, exactly_one: bool = True, timeout: Any = DEFAULT_SENTINEL,
                country_codes: str | list[str] | None = None) -> Location | list[Location] | None:
        """The place named `query` (a free-text name such as "Makhmour"), or every candidate when
        `exactly_one` is False; `country_codes` (ISO 3166-1 alpha-2) keeps only those countries.
        `timeout` is accepted for geopy compatibility: answers are local and immediate."""
        if not isinstance(query, str):
            raise GeocoderQueryError("the offline geocoder takes a place name, not a structured query")
        countries = _country_set(country_codes)
        found = sorted((e for e in self.index.lookup(name_key(query))
                        if e.lat is not None and (countries is None or e.country.upper() in countries)),
                       key=candidate_rank)
        locations = [_location(e) for e in found]
        if not locations:
            return None
        return locations[0] if exactly_one else locations

    def reverse(self, query: Point | tuple[float, float] | str, *, exactly_one: bool = True,
                timeout: Any = DEFAULT_SENTINEL) -> Location | list[Location] | None:
        """The settlement nearest to `query` ("lat, lon", a (lat, lon) pair or a geopy Point) within
        REVERSE_REACH_KM, or the nearest few, nearest first, when `exactly_one` is False."""
        try:
            point = Point(query)
        except (TypeError, ValueError) as exc:
            raise GeocoderQueryError(f"not a point: {query!r} ({exc})") from exc
        near = []
        for entry in self.index.entries:
            if entry.type != "settlement" or entry.lat is None or entry.lon is None:
                continue
            distance = _great_circle_km(point.latitude, point.longitude, entry.lat, entry.lon)
            if distance <= REVERSE_REACH_KM:
                near.append((distance, entry))
        near.sort(key=lambda pair: pair[0])
        locations = [_location(e, distance_km=round(d, 3)) for d, e in near[:REVERSE_CANDIDATES]]
        if not locations:
            return None
        return locations[0] if exactly_one else locations


def _country_set(country_codes: str | list[str] | None) -> set[str] | None:
    if country_codes is None:
        return None
    codes = [country_codes] if isinstance(country_codes, str) else list(country_codes)
    return {c.strip().upper() for c in codes}


def _location(entry: GazetteerEntry, **extra: float) -> Location:
    raw: dict[str, Any] = {"key": entry.key, "name": entry.name, "type": entry.type, "country": entry.country,
                           "precision": entry.precision, "source": entry.source, **extra}
    return Location(entry.name, (entry.lat, entry.lon), raw)


def _great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance on the mean Earth sphere: enough to rank neighbours within 50 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
