"""Grouping: reports that tell the same operation share one operation id.

Reports of one operation have event dates at most a day apart and places within SAME_OPERATION_KM;
the map then shows one operation with several sources, each source's figures kept as it gave them.
Before grouping, `infer_event_dates` dates the reports that cannot date themselves ('on Wednesday' with
no publication date) from the dated reports of the same operation, as an analyst does.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import replace

from opmap.extract.dates import DayCue, unresolved_day_cues, year_from_url
from opmap.model import ArticleResult, Place
from opmap.shapes import GEOD, main_place

SAME_OPERATION_KM = 40.0
COARSE_TYPES = ("country", "region", "governorate")  # too wide to say two reports tell one operation
CELL_DEG = 0.5  # index cells: a place's neighbours within SAME_OPERATION_KM lie in its cell or the next ones
CITY_POPULATION = 100_000  # a city names many operations around it: a village or feature names fewer
DAY_MONTH_WINDOW_DAYS = 31  # 'July 11' names the operation of a related report only this close to its date


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


def _operation_places(result: ArticleResult) -> list[Place]:
    """The located places a report tells its operation at: not datelines or speakers' seats, not
    countries, regions or governorates."""
    return [p for p in result.places if p.lon is not None and p.lat is not None and p.type not in COARSE_TYPES
            and p.precision in (1, 2) and any(r in ("operation", "mentioned") for r in p.roles)]


def _cell(lon: float, lat: float) -> tuple[int, int]:
    return (math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG))


def _implied(cue: DayCue, related: ArticleResult, year: int | None) -> dt.date | None:
    """The day `cue` names if it belongs to the operation `related` dates, or None when it cannot."""
    assert related.event_date is not None
    stands_in = related.date_basis.startswith("no day in the text: publication date")
    day = cue.on_or_near(related.event_date, published=stands_in)
    if day is None or (year is not None and day.year != year):
        return None
    if cue.month is not None and abs((day - related.event_date).days) > DAY_MONTH_WINDOW_DAYS:
        return None
    return day


def infer_event_dates(results: list[ArticleResult]) -> list[ArticleResult]:
    """Date the reports that cannot date themselves from the reports of the same operation, as an analyst
    does: a report with no publication date that says 'on Wednesday' or 'July 11' takes the Wednesday
    nearest (or the July 11 of the year) of the dated report that tells an operation at the same place.

    The related reports are those holding the undated report's most specific operation place that dated
    reports share (the same gazetteer entry, else, for a day and month, a place within SAME_OPERATION_KM;
    a weekday falls within three days of any date, so only the very place supports it) and sharing a side
    with it. When they put the day on different dates the evidence is ambiguous and the report stays
    undated; a url's year must agree; a date a report resolved itself is never changed. Linear in the
    reports: dated reports are indexed once by place entry and by cell, never compared pairwise."""
    by_entry: dict[str, set[int]] = defaultdict(set)
    by_cell: dict[tuple[int, int], list[tuple[int, float, float]]] = defaultdict(list)
    for i, r in enumerate(results):
        if r.event_date is None:
            continue
        for p in _operation_places(r):
            assert p.lon is not None and p.lat is not None
            if p.entry_key:
                by_entry[p.entry_key].add(i)
            by_cell[_cell(p.lon, p.lat)].append((i, p.lon, p.lat))
    inferred = list(results)
    for k, r in enumerate(results):
        if r.event_date is not None or r.article.published is not None:
            continue
        cues = unresolved_day_cues(r.article.text, r.article.title)
        if not cues:
            continue
        # a weekday falls within three days of any date: only reports naming the very place support it
        related = {same_entry: [results[i] for i in _related(r, results, by_entry, by_cell, same_entry)]
                   for same_entry in (False, True)}
        evidence = [(c, related[c.weekday is not None]) for c in cues]
        found = _agreed_day(evidence, year_from_url(r.article.url))
        if found is not None:
            inferred[k] = _dated(r, *found)
    return inferred


def _specificity(place: Place) -> int:
    """0 a village, small town or feature; 1 a district or a city (many operations take place around it)."""
    return 1 if place.type in ("district", "subdistrict") or place.population >= CITY_POPULATION else 0


def _same_sides(one: ArticleResult, other: ArticleResult) -> bool:
    """Whether two reports could tell one operation by who fought it: they share an actor, or one of
    them names none."""
    a = set(one.operation.actors) if one.operation else set()
    b = set(other.operation.actors) if other.operation else set()
    return not a or not b or bool(a & b)


def _related(result: ArticleResult, results: list[ArticleResult], by_entry: dict[str, set[int]],
             by_cell: dict[tuple[int, int], list[tuple[int, float, float]]],
             same_entry: bool) -> list[int]:
    """The dated reports holding the report's most specific shared operation place (a village or feature
    before a district or city, then the place the fewest reports hold) and sharing a side with it. A place is shared by the reports
    naming the same gazetteer entry, or, failing those and unless `same_entry`, a place within
    SAME_OPERATION_KM of it."""
    best: tuple[int, int] | None = None
    chosen: list[int] = []
    for p in _operation_places(result):
        assert p.lon is not None and p.lat is not None
        holders = set(by_entry.get(p.entry_key, ())) if p.entry_key else set()
        if not holders and not same_entry:
            row, col = _cell(p.lon, p.lat)
            holders = {i for dr in (-1, 0, 1) for dc in (-1, 0, 1) for i, lon, lat in by_cell.get((row + dr, col + dc), ())
                       if GEOD.inv(p.lon, p.lat, lon, lat)[2] <= SAME_OPERATION_KM * 1000}
        holders = {i for i in holders if _same_sides(result, results[i])}
        key = (_specificity(p), len(holders))
        if holders and (best is None or key < best):
            best, chosen = key, sorted(holders)
    return chosen


def _agreed_day(evidence: list[tuple[DayCue, list[ArticleResult]]],
                year: int | None) -> tuple[dt.date, DayCue, ArticleResult] | None:
    """The day the cues name by their related reports: a cue that falls on a related report's own event
    day first (the report names the operation's day), else the best-ranked cue any related report
    places; None when the related reports place that cue on different days."""
    for cue, related in evidence:
        for other in related:
            if other.event_date is not None and _implied(cue, other, year) == other.event_date:
                days = {_implied(cue, o, year) for o in related} - {None}
                return (other.event_date, cue, other) if len(days) == 1 else None
    for cue, related in evidence:
        placed = [(day, o) for o in related if (day := _implied(cue, o, year)) is not None]
        if placed:
            day, other = placed[0]
            return (day, cue, other) if len({d for d, _ in placed}) == 1 else None
    return None


def _dated(result: ArticleResult, day: dt.date, cue: DayCue, by: ArticleResult) -> ArticleResult:
    assert by.event_date is not None
    basis = f"inferred: '{cue.phrase}' of the operation dated {by.event_date.isoformat()} by report {by.article.id}"
    operation = replace(result.operation, event_date=day) if result.operation else None
    return replace(result, event_date=day, date_basis=basis, operation=operation)
