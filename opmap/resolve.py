"""Resolution: each mention to one gazetteer entry, and an article's mentions to distinct places.

A name with several candidates is decided by, in order: the user's own table; the place cue's
feature type ("Mount X" wants a mountain); Iraq before its neighbours, neighbours before the rest;
closeness to the article's unambiguous places; the curated table; population.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from opmap.model import GazetteerEntry, Mention, Place
from opmap.shapes import GEOD
from opmap.spelling import name_key

CUE_TYPES = {"mount": {"mountain", "range", "hill"}, "range": {"range", "mountain", "hill"},
             "village": {"settlement"}, "district": {"district", "subdistrict"},
             "governorate": {"governorate"}, "road": {"road"}, "outskirts": {"settlement"}}
NEIGHBOURS = frozenset({"SY", "TR", "IR", "KW", "SA", "JO"})
UNLOCATED = 0
STRICT_CUES = frozenset({"village", "mount", "range"})
VARIANT_REACH_KM = 200.0  # precision code of a mention the gazetteer could not place


@lru_cache(maxsize=1 << 16)
def geodesic_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance in km between two (lon, lat) points on the WGS84 ellipsoid (never in degrees); memoised,
    as a corpus asks about the same towns again and again."""
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2]) / 1000.0


def _located(entries: Sequence[GazetteerEntry]) -> list[GazetteerEntry]:
    return [e for e in entries if e.lat is not None and e.lon is not None]


def choose(mention: Mention, context: Sequence[tuple[float, float]]) -> GazetteerEntry | None:
    """The best candidate for one mention, given the points of the article's unambiguous places."""
    if not mention.candidates:
        return None
    located = _located(mention.candidates) or list(mention.candidates)
    if mention.country:  # 'the Iranian city of X': only a namesake in that country
        located = [e for e in located if e.country == mention.country]
        if not located:
            return None
    wanted = CUE_TYPES.get(mention.cue)
    if mention.cue in STRICT_CUES and wanted and not any(e.type in wanted for e in located):
        return None  # 'the towns of ... Zab', 'Mount Bashiqa': not the river, not the town
    if mention.cue == "variant" and context and all(
            e.lat is None or e.lon is None or min(geodesic_km((e.lon, e.lat), p) for p in context) > VARIANT_REACH_KM
            for e in located):
        return None  # a look-alike spelling far from everything else the report names

    def rank(e: GazetteerEntry) -> tuple[float, ...]:
        region = 0 if e.country == "IQ" else 1 if e.country in NEIGHBOURS else 2
        distance = 0.0
        if context and e.lat is not None and e.lon is not None:
            distance = min(geodesic_km((e.lon, e.lat), p) for p in context)
        return (0 if e.table == "user" else 1,
                0 if wanted is None or e.type in wanted else 1,
                region,
                0 if wanted is not None or e.type == "settlement" else 1,
                round(distance / 150.0),
                0 if e.table == "curated" else 1,
                -math.log1p(e.population))

    return located[0] if len(located) == 1 else min(located, key=rank)


@dataclass
class _Group:
    entry: GazetteerEntry | None
    name: str
    mentions: list[Mention]


def resolve(article_id: str, mentions: Sequence[Mention], geocoder: str = "offline") -> list[Place]:
    """Distinct places of an article, in order of first mention, each with all its surfaces."""
    context: list[tuple[float, float]] = []
    for m in mentions:
        located = _located(m.candidates)
        first = located[0] if located else None
        if first and first.lon is not None and first.lat is not None and first.country == "IQ" \
                and len({e.key for e in located}) == 1 and (first.lon, first.lat) not in context:
            context.append((first.lon, first.lat))
    chosen = {m.start: choose(m, context) for m in mentions}
    groups: dict[str, _Group] = {}
    for m in mentions:
        entry = chosen[m.start]
        key = entry.key if entry is not None else "unresolved:" + name_key(m.surface)
        group = groups.setdefault(key, _Group(entry, entry.name if entry else m.surface, []))
        group.mentions.append(m)
    places = []
    for group in groups.values():
        e = group.entry
        if (e is None or e.lat is None) and (stated := _stated_point(group.mentions, chosen)) is not None:
            places.append(_placed_by_text(article_id, group, *stated))
            continue
        has_point = e is not None and e.lat is not None and e.lon is not None
        quote_from = next((m for m in group.mentions if m.role != "dateline"), group.mentions[0])
        abroad = _abroad(group.mentions) if e is None else None
        places.append(Place(
            article_id=article_id, name=group.name,
            type=e.type if e else _cue_type(group.mentions[0].cue),
            lon=e.lon if has_point and e else None, lat=e.lat if has_point and e else None,
            surfaces=tuple(m.surface for m in group.mentions),
            roles=tuple(dict.fromkeys(m.role for m in group.mentions)),
            quote=quote_from.sentence, precision=e.precision if has_point and e else UNLOCATED,
            entry_key=e.key if e else "", geocoder=geocoder if e else "",
            source=e.source if e else "", zone=e.zone if e and e.zone else abroad[0] if abroad else "unknown",
            zone_basis=e.zone_basis if e and e.zone else abroad[1] if abroad else "",
            offsets=tuple(m.start for m in group.mentions), country=e.country if e else "",
            population=e.population if e else 0, line=e.line if e else ()))
    return places


def _abroad(mentions: list[Mention]) -> tuple[str, str] | None:
    """The zone of a place the tables lack that the text puts in a neighbouring country."""
    country = next((m.country for m in mentions if m.country), "")
    if not country or country == "IQ":
        return None
    return "outside", f"the report puts it in {country}, outside Iraq"


def _stated_point(mentions: list[Mention], chosen: dict[int, GazetteerEntry | None]
                  ) -> tuple[float, float, str] | None:
    """Where the text itself puts an unknown place: 'X, 10 km south of Kirkuk' -> a point 10 km south."""
    from opmap.shapes import BEARINGS

    for m in mentions:
        if m.offset_from is None:
            continue
        km, direction, anchor_at = m.offset_from
        anchor = chosen.get(anchor_at)
        if anchor is None or anchor.lat is None or anchor.lon is None or direction not in BEARINGS:
            continue
        lon, lat, _ = GEOD.fwd(anchor.lon, anchor.lat, BEARINGS[direction], km * 1000.0)
        return lon, lat, f"{km:g} km {direction} of {anchor.name}, as the report states"
    return None


def _placed_by_text(article_id: str, group: _Group, lon: float, lat: float, basis: str) -> Place:
    first = group.mentions[0]
    return Place(article_id=article_id, name=group.name, type=_cue_type(first.cue), lon=round(lon, 6),
                 lat=round(lat, 6), surfaces=tuple(m.surface for m in group.mentions),
                 roles=tuple(dict.fromkeys(m.role for m in group.mentions)), quote=first.sentence, precision=2,
                 entry_key="", geocoder="text", source=basis, offsets=tuple(m.start for m in group.mentions))


def _cue_type(cue: str) -> str:
    return {"mount": "mountain", "range": "range", "district": "district", "governorate": "governorate",
            "road": "road", "highway": "road", "wadi": "valley", "feature": "facility", "subdistrict": "subdistrict"}.get(cue, "settlement")
