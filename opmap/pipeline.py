"""The road from reports to map: read → extract → resolve → shape → classify → publish.

`process_article` is the per-article function: pure, given the loaded `Resources`, so a process pool
or a Dask bag can map it over a corpus. `run` is the Python API behind `opmap run`.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from opmap.control import ControlMap, districts_for
from opmap.errors import InputError
from opmap.extract.areas import find_areas
from opmap.extract.dates import event_date
from opmap.extract.operations import operation_of, villages_cleared
from opmap.extract.sentences import Sentences
from opmap.extract.toponyms import find_mentions
from opmap.gazetteer import GazetteerIndex, load_index
from opmap.model import AreaReport, AreaStatement, Article, ArticleResult, Place
from opmap.online import OnlineGeocoder, OnlineSettings
from opmap.reading import read_articles
from opmap.resolve import resolve
from opmap.shapes import BEARINGS, area_shape, corridor_shape, offset_disc, village_hull
from opmap.zones import ZoneMap

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
DEFAULT_OUT = ROOT / "maps"
CITY_POPULATION = 250_000
# Rank of feature types from most to least specific, for placing an area the report gives no anchor.
SPECIFICITY = {"district": 1, "subdistrict": 1, "governorate": 2, "region": 3, "country": 4, "river": 3}
PROVINCE_SCALE_KM2 = 2_000.0
COUNTRY_SCALE_KM2 = 10_000.0
SAME_OPERATION_KM = 40.0
MIN_HULL_VILLAGES = 3
CLEAR_SHARE = 0.75
TOWN_DENSITY_PER_KM2 = 2000.0
MAX_TOWN_RADIUS_M = 10_000.0
BROAD_TYPES = frozenset({"country", "region", "governorate", "river"})


@dataclass(frozen=True)
class Resources:
    """What every article needs, loaded once per process: the gazetteer index, the zones, and the
    online geocoder when the user asked for one."""

    index: GazetteerIndex
    zones: ZoneMap
    online: OnlineGeocoder | None = None
    control: ControlMap | None = None  # who held each disputed district when (opmap.control)

    @classmethod
    def load(cls, gazetteers: Sequence[Path] = (), zones: Path | None = None,
             online: OnlineSettings | None = None) -> Resources:
        return cls(load_index(gazetteers), ZoneMap.load(zones), OnlineGeocoder(online) if online else None,
                   ControlMap.load(districts_for(zones)))


@dataclass
class RunSummary:
    """What a run did: results per article, and the problems met on the way (one line each)."""

    results: list[ArticleResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def n_places(self) -> int:
        return sum(len(r.places) for r in self.results)

    @property
    def n_areas(self) -> int:
        return sum(len(r.areas) for r in self.results)


def classify_places(places: list[Place], zones: ZoneMap) -> list[Place]:
    """Zone of every located place: its table's explicit zone, else point-in-polygon."""
    out = []
    for p in places:
        if p.zone != "unknown":
            out.append(p)
        elif p.country and p.country != "IQ":
            out.append(replace(p, zone="outside", zone_basis=f"in {p.country}, outside Iraq"))
        elif p.lon is not None and p.lat is not None:
            out.append(replace(p, zone=zones.zone_at(p.lon, p.lat),
                               zone_basis="point in " + ("approximate " if zones.approximate else "")
                                          + "zone polygons"))
        else:
            out.append(p)
    return out


ZONED = ("kurdistan_region", "disputed", "federal_iraq")


def infer_unlocated_zones(places: list[Place], areas: Sequence[AreaReport]) -> list[Place]:
    """An unlocated place takes its zone from, in order: the located towns in its own sentence; the
    reported area nearest it in the text, when that area lies mostly (>= 75 %) in one zone; the
    nearest located town; the nearest river or mountain; the nearest city. A village is not inside a
    big city, and the zone at a city's point says little about the places around it (Mosul lies on
    the disputed line), so cities come last."""
    zoned = [p for p in places if p.lon is not None and p.zone in ZONED and p.roles != ("dateline",)
             and p.type not in ("country", "region", "governorate")]
    towns = [p for p in zoned if p.type not in BROAD_TYPES and p.population <= CITY_POPULATION]
    features = [p for p in zoned if p.type in ("river", "mountain", "range", "hill", "lake", "dam", "valley")]
    cities = [p for p in zoned if p.type == "settlement" and p.population > CITY_POPULATION]
    clear_areas = [a for a in areas if a.geometry is not None and a.zone_shares and a.zone in ZONED
                   and a.zone_shares[0][1] >= CLEAR_SHARE]
    out = []
    for place in places:
        if place.zone != "unknown" or place.type == "country" or not place.offsets:
            out.append(place)
            continue
        at = place.offsets[0]
        same = {p.zone for p in towns if p.quote == place.quote}
        if len(same) == 1:
            zone, basis = next(iter(same)), "located towns in the same sentence"
        elif clear_areas:
            area = min(clear_areas, key=lambda a: abs(a.statement.start - at))
            zone, basis = area.zone, f"the reported area of {area.statement.area_km2:g} km² nearest in the text"
        elif towns or features or cities:
            source = _nearest_in_text(towns or features or cities, at)
            zone, basis = source.zone, f"the nearest located place in the text, {source.name}"
        else:
            out.append(place)
            continue
        out.append(replace(place, zone=zone, zone_basis=f"inferred: {basis}"))
    return out


def _nearest_in_text(candidates: list[Place], at: int) -> Place:
    return min(candidates, key=lambda p: min(abs(o - at) for o in p.offsets))


def main_place(places: Sequence[Place], area_km2: float = 0.0) -> Place | None:
    """Where a report's unanchored area most likely lies: its first located, non-dateline place of the
    most specific kind (a town before a governorate before a region before a country), or, for an
    area too large for a town's surroundings, the first that could hold it."""
    located = [p for p in places if p.lon is not None and p.roles != ("dateline",)]
    if area_km2 >= COUNTRY_SCALE_KM2:
        located = [p for p in located if p.type in ("country", "region")] or located
    elif area_km2 >= PROVINCE_SCALE_KM2:
        located = [p for p in located if p.type in ("governorate", "region", "country")] or located
    return min(located, key=lambda p: SPECIFICITY.get(p.type, 0), default=None)


def anchor_extent_m(place: Place) -> float:
    """How far a town reaches from its point: "east of Mosul" begins at Mosul's edge, not its centre.
    Grows with population (a built-up area of roughly 2,000 people per km²), at most 10 km; 0 for
    features without a population figure (mountains, districts)."""
    if place.type != "settlement" or place.population <= 0:
        return 0.0
    return min(MAX_TOWN_RADIUS_M, math.sqrt(place.population / TOWN_DENSITY_PER_KM2 / math.pi) * 1000.0)


def shape_area(article: Article, statement: AreaStatement, places: Sequence[Place],
               zones: ZoneMap, villages: Sequence[str] = ()) -> AreaReport:
    """The polygon for one area statement, placed on its anchors, or on the report's main place."""
    by_offset = {o: p for p in places for o in p.offsets}
    anchors = [by_offset[o] for o in statement.anchor_offsets if o in by_offset]
    located = [p for p in anchors if p.lon is not None and p.lat is not None]
    direction = statement.direction
    if direction == "between" and len(anchors) >= 2:
        basis = f"between {anchors[0].name} and {anchors[1].name}"
    elif anchors:
        basis = f"{'around' if direction == 'around' else (direction or 'no direction given') + ' of'} " \
                f"{anchors[0].name}"
    else:
        basis = ""
    if statement.area_km2 is None:
        return AreaReport(article.id, statement, tuple(p.name for p in anchors), None, "none", 0, 0.0,
                          statement.flag or "no figure in km²", "unknown")
    village_points = [(p.lon, p.lat) for p in places if p.lon is not None and p.lat is not None
                      and p.type == "settlement" and any(v in p.surfaces for v in villages)]
    if direction is None and len(village_points) >= MIN_HULL_VILLAGES:
        names = [p.name for p in places if any(v in p.surfaces for v in villages) and p.lon is not None]
        shape = village_hull(village_points, statement.area_km2)
        shares = zones.zone_shares(shape.polygon)
        return AreaReport(article.id, statement, tuple(names), shape.polygon, shape.model, shape.precision,
                          shape.uncertainty_m, f"hull of the cleared villages {', '.join(names)}",
                          next(iter(shares), "outside"), tuple(shares.items()))
    if not located or (direction == "between" and len(located) < 2):
        fallback = main_place(places, statement.area_km2)
        if fallback is None:
            return AreaReport(article.id, statement, tuple(p.name for p in anchors), None, "none", 0, 0.0,
                              "no located anchor in the report: not mapped", "unknown")
        located = [fallback]
        why = f"anchor {anchors[0].name} not located" if anchors else "no place given for the area"
        basis = f"{why}; placed around {fallback.name}, the report's main place"
        direction = None
    first = located[0]
    if direction == "along" and first.line:
        shape = corridor_shape(first.line, statement.area_km2)
    elif statement.distance_km and direction in BEARINGS and first.lon is not None and first.lat is not None:
        shape = offset_disc((first.lon, first.lat), direction, statement.distance_km, statement.area_km2)
    else:
        shape = area_shape([(p.lon, p.lat) for p in located if p.lon is not None and p.lat is not None],
                           direction if direction != "along" else None, statement.area_km2,
                           anchor_extent_m(located[0]))
    shares = zones.zone_shares(shape.polygon)
    zone = next(iter(shares), "outside")
    precision = max(shape.precision, max(p.precision for p in located))
    return AreaReport(article.id, statement, tuple(p.name for p in anchors) or (located[0].name,),
                      shape.polygon, shape.model, precision, shape.uncertainty_m,
                      basis or f"{shape.model} around {located[0].name}", zone, tuple(shares.items()))


def locate_online(places: list[Place], online: OnlineGeocoder) -> list[Place]:
    """Ask the online geocoder for the places the offline gazetteer could not locate."""
    out = []
    for p in places:
        answer = online.locate(p.name) if p.lon is None and p.type not in ("road", "country") else None
        if answer is None:
            out.append(p)
        else:
            out.append(replace(p, lon=answer.lon, lat=answer.lat, precision=2, geocoder=online.name,
                               source=f"{online.name}: {answer.address}"))
    return out


def process_article(article: Article, resources: Resources) -> ArticleResult:
    """Everything opmap learns from one article. Pure: no I/O, no global state."""
    sentences = Sentences.split(article.text)
    mentions = find_mentions(article.text, resources.index, sentences)
    places = resolve(article.id, mentions)
    if resources.online is not None:
        places = locate_online(places, resources.online)
    places = classify_places(places, resources.zones)
    date, basis = event_date(article.text, article.published, article.title)
    statements = find_areas(article.text, sentences, mentions)
    villages = villages_cleared(article.text, mentions)
    areas = tuple(shape_area(article, s, places, resources.zones, villages) for s in statements)
    places = infer_unlocated_zones(places, areas)
    if resources.control is not None:
        places = resources.control.mark_places(places, date)
        areas = resources.control.mark_areas(areas, date)
    warnings = () if places else (f"{article.path}: no place names found in the report",)
    operation = operation_of(article.id, article.text, mentions, date)
    return ArticleResult(article, tuple(places), areas, date, basis, warnings, operation)


def operation_point(result: ArticleResult) -> tuple[float, float] | None:
    """Where a report's operation happened: the centroid of its areas, else its main place."""
    polygons = [a.geometry for a in result.areas if a.geometry is not None]
    if polygons:
        c = polygons[0].centroid
        return (c.x, c.y)
    place = main_place(result.places)
    return (place.lon, place.lat) if place and place.lon is not None and place.lat is not None else None


def group_operations(results: list[ArticleResult]) -> list[ArticleResult]:
    """Reports of the same operation (event dates a day apart at most, places within SAME_OPERATION_KM)
    share one operation id, so the map shows one operation with several sources, each source's
    figures kept as that source gave them."""
    from opmap.shapes import GEOD

    points = [operation_point(r) for r in results]
    parent = list(range(len(results)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(results):
        for j in range(i + 1, len(results)):
            b, pa, pb = results[j], points[i], points[j]
            if a.event_date is None or b.event_date is None or pa is None or pb is None:
                continue
            if abs((a.event_date - b.event_date).days) <= 1 and \
                    GEOD.inv(pa[0], pa[1], pb[0], pb[1])[2] <= SAME_OPERATION_KM * 1000:
                parent[root(j)] = root(i)
    grouped = []
    for i, r in enumerate(results):
        first = results[root(i)]
        op_id = f"op-{first.event_date.isoformat() if first.event_date else 'undated'}-{first.article.id}"
        grouped.append(replace(r, operation=replace(r.operation, operation_id=op_id)) if r.operation else r)
    return grouped


def run(paths: Iterable[str | Path] = (), out: str | Path | None = None, gazetteers: Sequence[Path] = (),
        zones: Path | None = None, progress: Callable[[str], None] | None = None,
        write: bool = True, online: OnlineSettings | None = None, self_contained: bool = True,
        as_of: dt.date | None = None, cdn: bool = False) -> RunSummary:
    """Read every report under `paths` (default: the shipped examples) and publish to `out`; the map
    shows who held the disputed districts on `as_of` (default: the latest event date of the run)."""
    started = time.perf_counter()
    paths = list(paths) or [EXAMPLES]
    resources = Resources.load(gazetteers, zones, online)
    summary = RunSummary()
    for item in read_articles(paths, summary.warnings):
        if isinstance(item, InputError):
            summary.errors.append(str(item))
            continue
        result = process_article(item, resources)
        summary.results.append(result)
        summary.warnings.extend(result.warnings)
        if progress:
            progress(item.id)
    if resources.online is not None and resources.online.failed:
        summary.warnings.append(f"online geocoding ({resources.online.name}) failed: {resources.online.failed}; "
                                "the offline answers stand")
    summary.results = group_operations(summary.results)
    if write and summary.results:
        from opmap.publish import publish

        dates = [r.event_date for r in summary.results if r.event_date]
        line_date = as_of or (max(dates) if dates else None)
        control_line = resources.control.line_as_of(line_date) if resources.control and line_date else None
        summary.written = publish(summary.results, resources.zones, Path(out) if out else DEFAULT_OUT,
                                  control_line=control_line, cdn=cdn)
    summary.seconds = time.perf_counter() - started
    return summary
