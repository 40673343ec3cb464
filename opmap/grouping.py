"""Grouping: reports that tell the same operation share one operation id.

Reports of one operation have event dates at most a day apart and places within SAME_OPERATION_KM;
the map then shows one operation with several sources, each source's figures kept as it gave them.
Before grouping, `infer_event_dates` dates the reports that cannot date themselves ('on Wednesday' with
no publication date) from the dated reports of the same operation, as an analyst does.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
from array import array
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from opmap.extract.dates import DayCue, unresolved_day_cues, year_from_url
from opmap.model import ArticleResult, Place
from opmap.shapes import GEOD, main_place

SAME_OPERATION_KM = 40.0
COARSE_TYPES = ("country", "region", "governorate")  # too wide to say two reports tell one operation
CELL_DEG = 0.5  # index cells: a place's neighbours within SAME_OPERATION_KM lie in its cell or the next ones
CITY_POPULATION = 100_000  # a city names many operations around it: a village or feature names fewer
RELATED_WINDOW = 400  # holders of a place an undated report weighs: the nearest it in the run
DAY_MONTH_WINDOW_DAYS = 31  # 'July 11' names the operation of a related report only this close to its date


def operation_point(result: ArticleResult) -> tuple[float, float] | None:
    """Where a report's operation happened: the centroid of its areas, else its main place."""
    polygons = [a.geometry for a in result.areas if a.geometry is not None]
    if polygons:
        c = polygons[0].centroid
        return (c.x, c.y)
    place = main_place(result.places)
    return (place.lon, place.lat) if place and place.lon is not None and place.lat is not None else None


def operation_groups(keys: Sequence[tuple[dt.date | None, tuple[float, float] | None]]) -> list[int]:
    """For each report (event date, operation point), the index of the first report of its operation.

    Linear in the corpus: reports are bucketed by event date, and only reports of the same or the
    next day are compared, through a spatial index (shapely STRtree) queried with a box a little
    wider than SAME_OPERATION_KM, then measured geodesically."""
    import numpy as np
    import shapely

    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_day: dict[int, list[int]] = defaultdict(list)
    for i, (date, point) in enumerate(keys):
        if date is not None and point is not None:
            by_day[date.toordinal()].append(i)
    reach_lat = SAME_OPERATION_KM / 110.5 * 1.05  # degrees of latitude, with a margin
    for day, today in sorted(by_day.items()):
        near = today + by_day.get(day + 1, [])
        if len(near) < 2:
            continue
        xy = np.array([keys[i][1] for i in near], dtype=float)
        tree = shapely.STRtree(shapely.points(xy))
        lat = xy[: len(today), 1]
        reach_lon = reach_lat / np.clip(np.cos(np.radians(np.abs(lat) + reach_lat)), 0.01, None)
        boxes = shapely.box(xy[: len(today), 0] - reach_lon, lat - reach_lat,
                            xy[: len(today), 0] + reach_lon, lat + reach_lat)
        which, other = tree.query(boxes)
        keep = which != other
        which, other = which[keep], other[keep]
        if not len(which):
            continue
        metres = GEOD.inv(xy[which, 0], xy[which, 1], xy[other, 0], xy[other, 1])[2]
        for a, b in zip(which[metres <= SAME_OPERATION_KM * 1000], other[metres <= SAME_OPERATION_KM * 1000],
                        strict=True):
            ra, rb = root(near[a]), root(near[b])
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)  # the first report of the operation stays its root
    return [root(i) for i in range(len(keys))]


def operation_id(date: dt.date | None, article_id: str) -> str:
    return f"op-{date.isoformat() if date else 'undated'}-{article_id}"


def group_operations(results: list[ArticleResult]) -> list[ArticleResult]:
    """Reports of the same operation (event dates a day apart at most, places within SAME_OPERATION_KM)
    share one operation id, named after the operation's first report, so the map shows one operation
    with several sources, each source's figures kept as that source gave them."""
    firsts = operation_groups([(r.event_date, operation_point(r)) for r in results])
    grouped = []
    for r, first_index in zip(results, firsts, strict=True):
        first = results[first_index]
        op_id = operation_id(first.event_date, first.article.id)
        grouped.append(replace(r, operation=replace(r.operation, operation_id=op_id)) if r.operation else r)
    return grouped


def _operation_places(result: ArticleResult) -> list[Place]:
    """The located places a report tells its operation at: not datelines or speakers' seats, not
    countries, regions or governorates."""
    return [p for p in result.places if p.lon is not None and p.lat is not None and p.type not in COARSE_TYPES
            and p.precision in (1, 2) and any(r in ("operation", "mentioned") for r in p.roles)]


STANDS_IN = "no day in the text: publication date"  # how a date basis begins when publication stands in


@dataclass(frozen=True, slots=True)
class DatedReport:
    """What dating another report reads of a dated one: its id, event date, whether its publication date
    stood in for the day, and its sides."""

    id: str
    event_date: dt.date
    stands_in: bool
    actors: tuple[str, ...]
    name_words: frozenset[str] = frozenset()  # the words of the operation's own name (`_name_words`)
    phase: int | None = None  # the phase of a named operation it tells


class DatingIndex:
    """The dated reports of a run, indexed by operation place as they come (in run order), kept compact:
    a `DatedReport` each, and per gazetteer entry and per cell of CELL_DEG the run positions (and
    points) of the reports holding it. A run keeps this much of every report until the undated ones are
    dated (`date`), however long it is."""

    def __init__(self) -> None:
        self.dated: dict[int, DatedReport] = {}
        self.by_entry: dict[str, array[int]] = {}
        self.by_cell: dict[tuple[int, int], tuple[array[int], array[float], array[float]]] = {}
        self.by_name_word: dict[str, array[int]] = {}  # a word of an operation's name -> dated reports
        self._names: dict[frozenset[str], frozenset[str]] = {}  # each distinct name's words kept once
        self._sides: dict[tuple[str, ...], tuple[str, ...]] = {}  # each distinct set of sides kept once

    def add(self, result: ArticleResult, position: int) -> None:
        """Take a report at `position` in the run (positions must grow); an undated one is left out."""
        if result.event_date is None:
            return
        op = result.operation
        actors = tuple(op.actors) if op else ()
        actors = self._sides.setdefault(actors, actors)
        words = _name_words(op.name) if op is not None and op.name else frozenset()
        words = self._names.setdefault(words, words)
        self.dated[position] = DatedReport(result.article.id, result.event_date,
                                           result.date_basis.startswith(STANDS_IN), actors, words,
                                           op.phase if op is not None else None)
        if op is not None and op.name:
            for word in words:
                self.by_name_word.setdefault(word, array("q")).append(position)
        for p in _operation_places(result):
            assert p.lon is not None and p.lat is not None
            if p.entry_key:
                holders = self.by_entry.setdefault(p.entry_key, array("q"))
                if not holders or holders[-1] != position:
                    holders.append(position)
            cell = self.by_cell.setdefault(_cell(p.lon, p.lat), (array("q"), array("d"), array("d")))
            cell[0].append(position)
            cell[1].append(p.lon)
            cell[2].append(p.lat)

    def date(self, result: ArticleResult, position: int) -> ArticleResult:
        """The report dated from the dated reports of its operation, as `infer_event_dates` does; a report
        that dates itself, or that nothing dates, comes back as it was."""
        if result.event_date is not None or result.article.published is not None:
            return result
        cues = unresolved_day_cues(result.article.text, result.article.title)
        if not cues:
            return result
        named = self._same_named_operation(result, position)
        # a weekday falls within three days of any date: only reports naming the very place support it
        related = {same_entry: named or [self.dated[i] for i in self._related(result, same_entry, position)]
                   for same_entry in (False, True)}
        evidence = [(c, related[c.weekday is not None]) for c in cues]
        found = _agreed_day(evidence, year_from_url(result.article.url))
        return _dated(result, *found) if found is not None else result

    def _same_named_operation(self, result: ArticleResult, position: int) -> list[DatedReport]:
        """The dated reports of the operation the report names, in the same phase: one name's words hold
        the other's ('Heroes of Iraq' in 'Heroes of Iraq – Victory'), and both give the same phase or
        neither gives one (each phase of a named operation is launched on its own day)."""
        op = result.operation
        if op is None or not op.name:
            return []
        words = _name_words(op.name)
        if not words:
            return []
        rarest = min(words, key=lambda w: len(self.by_name_word.get(w, ())))
        holders = self.by_name_word.get(rarest, array("q"))
        start, end = _nearest(holders, position)
        found = []
        for i in holders[start:end]:
            other = self.dated[i]
            theirs = other.name_words
            if (words <= theirs or theirs <= words) and other.phase == op.phase:
                found.append(other)
        return found

    def _related(self, result: ArticleResult, same_entry: bool, position: int) -> list[int]:
        """The dated reports holding the report's most specific shared operation place (a village or
        feature before a district or city, then the place the fewest reports hold) and sharing a side
        with it. A place is shared by the reports naming the same gazetteer entry, or, failing those and
        unless `same_entry`, a place within SAME_OPERATION_KM of it."""
        best: tuple[int, int] | None = None
        chosen: list[int] = []
        mine = frozenset(result.operation.actors) if result.operation else frozenset()
        for p in _operation_places(result):
            assert p.lon is not None and p.lat is not None
            holders: set[int] = set()
            if p.entry_key and p.entry_key in self.by_entry:
                entry = self.by_entry[p.entry_key]
                start, end = _nearest(entry, position)
                holders = set(entry[start:end])
            if not holders and not same_entry:
                row, col = _cell(p.lon, p.lat)
                for dr in (-1, 0, 1):
                    for dc in (-1, 0, 1):
                        cell = self.by_cell.get((row + dr, col + dc))
                        if cell is None:
                            continue
                        start, end = _nearest(cell[0], position)
                        holders.update(_within(cell, start, end, p.lon, p.lat, SAME_OPERATION_KM * 1000))
            holders = {i for i in holders if _same_sides(mine, self.dated[i])}
            key = (_specificity(p), len(holders))
            if holders and (best is None or key < best):
                best, chosen = key, sorted(holders)
        return chosen


_NAME_FILLER = frozenset({"the", "of", "for", "and", "operation", "campaign", "offensive", "is", "our", "al"})


def _name_words(name: str) -> frozenset[str]:
    """The words that make an operation's name, folded ('Heroes of Iraq' and 'Iraq Heroes' share them)."""
    return frozenset(w for w in re.findall(r"[a-z0-9]+", name.lower()) if w not in _NAME_FILLER)


def _cell(lon: float, lat: float) -> tuple[int, int]:
    return (math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG))


def _implied(cue: DayCue, related: DatedReport, year: int | None) -> dt.date | None:
    """The day `cue` names if it belongs to the operation `related` dates, or None when it cannot."""
    day = cue.on_or_near(related.event_date, published=related.stands_in)
    if day is None or (year is not None and day.year != year):
        return None
    if cue.month is not None and abs((day - related.event_date).days) > DAY_MONTH_WINDOW_DAYS:
        return None
    return day


def infer_event_dates(results: list[ArticleResult], positions: Sequence[int] | None = None) -> list[ArticleResult]:
    """Date the reports that cannot date themselves from the reports of the same operation, as an analyst
    does: a report with no publication date that says 'on Wednesday' or 'July 11' takes the Wednesday
    nearest (or the July 11 of the year) of the dated report that tells an operation at the same place.

    The related reports are those holding the undated report's most specific operation place that dated
    reports share (the same gazetteer entry, else, for a day and month, a place within SAME_OPERATION_KM;
    a weekday falls within three days of any date, so only the very place supports it) and sharing a side
    with it. When they put the day on different dates the evidence is ambiguous and the report stays
    undated; a url's year must agree; a date a report resolved itself is never changed. Linear in the
    reports: dated reports are indexed once by place entry and by cell (`DatingIndex`), never compared
    pairwise, and an undated report weighs only the RELATED_WINDOW holders of a place nearest it in the
    run (`positions`: each result's distinct place in the run, default its index), as an archive keeps a
    story's reports together."""
    where = list(positions) if positions is not None else list(range(len(results)))
    index = DatingIndex()
    for k in sorted(range(len(results)), key=where.__getitem__):
        index.add(results[k], where[k])
    return [index.date(r, where[k]) for k, r in enumerate(results)]


def _nearest(positions: array[int], position: int) -> tuple[int, int]:
    """Where the RELATED_WINDOW holders nearest `position` in the run lie in `positions` (in run order)."""
    if len(positions) <= RELATED_WINDOW:
        return 0, len(positions)
    at = bisect.bisect_left(positions, position)
    start = min(max(0, at - RELATED_WINDOW // 2), len(positions) - RELATED_WINDOW)
    return start, start + RELATED_WINDOW


def _within(cell: tuple[array[int], array[float], array[float]], start: int, end: int, lon: float, lat: float,
            metres: float) -> list[int]:
    """The run positions of a cell's holders `start:end` whose point lies within `metres` of (lon, lat):
    one geodesic call for all of them."""
    if end <= start:
        return []
    lons = np.frombuffer(cell[1], dtype=np.float64)[start:end]
    lats = np.frombuffer(cell[2], dtype=np.float64)[start:end]
    distance = GEOD.inv(np.full(end - start, lon), np.full(end - start, lat), lons, lats)[2]
    positions = np.frombuffer(cell[0], dtype=np.int64)[start:end]
    return [int(i) for i in positions[distance <= metres]]


def _specificity(place: Place) -> int:
    """0 a village, small town or feature; 1 a district or a city (many operations take place around it)."""
    return 1 if place.type in ("district", "subdistrict") or place.population >= CITY_POPULATION else 0


def _same_sides(actors: frozenset[str], other: DatedReport) -> bool:
    """Whether a report naming `actors` and another could tell one operation by who fought it: they
    share an actor, or one of them names none."""
    return not actors or not other.actors or not actors.isdisjoint(other.actors)


def _agreed_day(evidence: list[tuple[DayCue, list[DatedReport]]],
                year: int | None) -> tuple[dt.date, DayCue, DatedReport] | None:
    """The day the cues name by their related reports: a cue that falls on the own event day of a related
    report that all the cues fit first (the report names the operation's day), else the best-ranked cue
    any related report places; None when the related reports place that cue on different days."""
    for cue, related in evidence:
        # the related reports every cue of the report fits ('on Wednesday' and 'on December 29' both
        # fit a report dated 31 December, not one dated in August)
        fitting = [o for o in related if all(_implied(c, o, year) is not None for c, _ in evidence)]
        for other in fitting:
            if _implied(cue, other, year) == other.event_date:
                days = {_implied(cue, o, year) for o in fitting} - {None}
                return (other.event_date, cue, other) if len(days) == 1 else None
    for cue, related in evidence:
        placed = [(day, o) for o in related if (day := _implied(cue, o, year)) is not None]
        if placed:
            day, other = placed[0]
            return (day, cue, other) if len({d for d, _ in placed}) == 1 else None
    return None


def _dated(result: ArticleResult, day: dt.date, cue: DayCue, by: DatedReport) -> ArticleResult:
    basis = f"inferred: '{cue.phrase}' of the operation dated {by.event_date.isoformat()} by report {by.id}"
    operation = replace(result.operation, event_date=day) if result.operation else None
    return replace(result, event_date=day, date_basis=basis, operation=operation)
