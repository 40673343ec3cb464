"""The road from reports to map: read → extract → resolve → shape → classify → publish.

`process_article` is the per-article function: pure, given the loaded `Resources`, so a process pool
or a Dask bag can map it over a corpus. `run` (reports on disk) and `parse` (one report as text) are the
Python API behind `opmap run`; both return a `RunResult` whose layers are GeoDataFrames in EPSG:4326.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from opmap.budget import OverBudget, time_budget
from opmap.conflicts import flag_conflicting_figures
from opmap.control import ControlMap, districts_for
from opmap.errors import InputError
from opmap.extract.areas import find_areas
from opmap.extract.dates import event_date
from opmap.extract.operations import operation_of, villages_cleared
from opmap.extract.sentences import Sentences
from opmap.extract.toponyms import find_mentions
from opmap.gazetteer import GazetteerIndex, load_index
from opmap.grouping import group_operations
from opmap.model import Article, ArticleResult
from opmap.online import OnlineGeocoder, OnlineSettings, locate_online
from opmap.reading import MAX_REPORT_BYTES, parse_published, read_articles, unique_ids
from opmap.resolve import resolve
from opmap.shapes import shape_area
from opmap.shipped import shipped
from opmap.spill import Spill
from opmap.zones import ZoneMap, classify_places, infer_unlocated_zones

if TYPE_CHECKING:
    import geopandas as gpd

EXAMPLES = shipped("examples")  # the example reports `opmap run` maps when given no PATH
DEFAULT_OUT = Path("maps")  # where `opmap run` writes when given no --out: ./maps of the current folder
StrPath = str | os.PathLike[str]
log = logging.getLogger(__name__)
REPORT_BUDGET_S = 30.0  # a report still running after this long is stopped with a warning
HELD_BATCH = 1_000  # reports held back for dating are dated and published this many at a time


@dataclass(frozen=True)
class Resources:
    """What every article needs, loaded once per process: the gazetteer index, the zones, and the
    online geocoder when the user asked for one."""

    index: GazetteerIndex
    zones: ZoneMap
    online: OnlineGeocoder | None = None
    control: ControlMap | None = None  # who held each disputed district when (opmap.control)
    problems: tuple[str, ...] = ()  # bad rows of the option files, each skipped (one line each)

    @classmethod
    def load(cls, gazetteers: Sequence[StrPath] = (), zones: StrPath | None = None,
             online: OnlineSettings | None = None) -> Resources:
        zones_file = Path(zones) if zones is not None else None
        problems: list[str] = []
        return cls(load_index([Path(g) for g in gazetteers], problems=problems), ZoneMap.load(zones_file, problems),
                   OnlineGeocoder(online) if online else None, ControlMap.load(districts_for(zones_file)),
                   tuple(problems))


@dataclass
class RunResult:
    """What a run found and did: results per article, the problems met on the way (one line each), the
    files written, and the layers as GeoDataFrames in EPSG:4326 with the same columns as the files
    (`places`, `areas`, `operations`, `zones`, `uncertainty`), built when first asked for."""

    results: list[ArticleResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    zone_map: ZoneMap | None = field(default=None, repr=False)
    _layers: dict[str, gpd.GeoDataFrame] | None = field(default=None, init=False, repr=False, compare=False)

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """Layer name -> GeoDataFrame (EPSG:4326), as written to `<name>.geojson`."""
        if self._layers is None:
            from opmap.publish import build_layers

            if self.zone_map is None:
                raise ValueError("this result has no zones to build layers with")
            self._layers = build_layers(self.results, self.zone_map)
        return self._layers

    @property
    def places(self) -> gpd.GeoDataFrame:
        """One row per distinct place per report; geometry None where a cued name could not be located."""
        return self.layers()["places"]

    @property
    def areas(self) -> gpd.GeoDataFrame:
        """One polygon per reported area."""
        return self.layers()["areas"]

    @property
    def operations(self) -> gpd.GeoDataFrame:
        """One point per operation."""
        return self.layers()["operations"]

    @property
    def zones(self) -> gpd.GeoDataFrame:
        """The zone polygons the run classified with."""
        return self.layers()["zones"]

    @property
    def uncertainty(self) -> gpd.GeoDataFrame:
        """Each area grown by its uncertainty distance."""
        return self.layers()["uncertainty"]

    counts: tuple[int, int, int] | None = field(default=None, repr=False)  # reports, places, areas of a run

    @property
    def n_reports(self) -> int:
        return self.counts[0] if self.counts else len(self.results)

    def add(self, result: ArticleResult) -> None:
        """Take one report's result: its warnings always, its content unless processing failed."""
        self.warnings.extend(result.warnings)
        if not result.failed:
            self.results.append(result)

    @property
    def n_places(self) -> int:
        return self.counts[1] if self.counts else sum(len(r.places) for r in self.results)

    @property
    def n_areas(self) -> int:
        return self.counts[2] if self.counts else sum(len(r.areas) for r in self.results)


def process_article(article: Article, resources: Resources) -> ArticleResult:
    """Everything opmap learns from one article. Pure: no I/O, no global state."""
    sentences = Sentences.split(article.text)
    mentions = find_mentions(article.text, resources.index, sentences)
    places = resolve(article.id, mentions)
    if resources.online is not None:
        places = locate_online(places, resources.online)
    places = classify_places(places, resources.zones)
    date, basis = event_date(article.text, article.published, article.title, article.url)
    statements = find_areas(article.text, sentences, mentions)
    villages = villages_cleared(article.text, mentions)
    areas = tuple(shape_area(article, s, places, resources.zones, villages) for s in statements)
    places = infer_unlocated_zones(places, areas)
    if resources.control is not None:
        places = resources.control.mark_places(places, date)
        areas = resources.control.mark_areas(areas, date)
    warnings = () if places else (f"{article.path}: no place names found in the report",)
    operation = operation_of(article.id, article.text, mentions, date, sentences)
    return ArticleResult(article, tuple(places), areas, date, basis, warnings, operation)


RunSummary = RunResult  # the earlier name


def process_safely(article: Article, resources: Resources,
                   budget_s: float | None = REPORT_BUDGET_S) -> ArticleResult:
    """`process_article` that never raises: an error, or running past `budget_s` seconds (enforced in
    the main thread of any process), gives a failed result with one warning naming file and report."""
    try:
        with time_budget(budget_s):
            return process_article(article, resources)
    except OverBudget as exc:
        problem = str(exc)
    except Exception as exc:  # one report's bug or input must not stop the run
        problem = f"could not be processed ({type(exc).__name__}: {_one_line(str(exc))})"
    return ArticleResult(article, (), (), None, "", (f"{article.path}: report {article.id!r} {problem}; "
                                                     "skipped",), None, failed=True)


def _one_line(text: str, limit: int = 200) -> str:
    flat = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


def run(paths: StrPath | Iterable[StrPath], out: StrPath | None = None, *,
        gazetteers: Sequence[StrPath] = (), zones: StrPath | None = None, online: OnlineSettings | None = None,
        cdn: bool = False, as_of: dt.date | None = None,
        progress: Callable[[str], None] | None = None, max_report_bytes: int = MAX_REPORT_BYTES,
        budget_s: float | None = REPORT_BUDGET_S, jobs: int | None = 1, engine: str = "local",
        scheduler: str | None = None, formats: Sequence[str] | None = None, keep_results: bool = True,
        show_progress: bool = False) -> RunResult:
    """Map the reports in `paths` (one file or folder, or many; `.txt`, `.html`, `.jsonl`).

    With `out` a folder, publish there the HTML map, GeoJSON layers, operations.csv, GeoPackage and QGIS
    project (the map shows who held the disputed districts on `as_of`, by default the run's latest event
    date); with `out=None` write nothing. `gazetteers` are your own place tables (they take precedence),
    `zones` a zone file used instead of the built or shipped zones (reprojected to EPSG:4326), `online` an
    opt-in online geocoder. `progress` is called with each article's id once it is mapped. The result's
    `places`, `areas`, `operations`, `zones` and `uncertainty` are GeoDataFrames in EPSG:4326; unreadable
    inputs are in `errors`, one line each, and never raise: a report over `max_report_bytes` is refused
    unread, and one that fails or runs past `budget_s` seconds is skipped with a warning.

    Reports are read lazily and processed in chunks by `engine` ('local': this process when `jobs` is
    1, else a pool of `jobs` processes, None meaning all cores; 'dask': a Dask cluster at `scheduler`,
    else a local one); each chunk's layers are written as it comes, so memory stays bounded by a chunk.
    `formats` picks the outputs (default: GeoJSON, GeoPackage, CSV, QGIS project, HTML map; 'parquet'
    adds GeoParquet). `keep_results=False` keeps only counts (`n_reports`, `n_places`, `n_areas`), for
    corpora too big to hold; `show_progress` draws progress bars on a terminal."""
    from opmap.conflicts import FigureBook
    from opmap.engines import ResourceSpec, chunked, compact, make_engine, publishable, undated
    from opmap.grouping import DatingIndex, operation_groups, operation_id, operation_point
    from opmap.progress import progress_bar
    from opmap.reading import count_reports

    started = time.perf_counter()
    targets = [Path(p) for p in ([paths] if isinstance(paths, str | os.PathLike) else list(paths))]
    resources = Resources.load(gazetteers, zones, online)
    log.debug("gazetteer (%d entries) and zones (%s) loaded in %.2f s", len(resources.index.entries),
              resources.zones.source, time.perf_counter() - started)
    summary = RunResult(zone_map=resources.zones)
    summary.errors.extend(resources.problems)
    publisher = None
    keys: list[tuple[dt.date | None, tuple[float, float] | None]] = []
    ids: list[str] = []
    n_places = n_areas = 0
    runner = held = None
    try:
        # workers first: forked after the output folder's lock was taken, they would hold it too
        runner = make_engine(engine, jobs, resources, ResourceSpec(tuple(Path(g) for g in gazetteers),
                                                                   Path(zones) if zones is not None else None,
                                                                   budget_s),
                             scheduler)
        if out is not None:
            from opmap.publish import DEFAULT_FORMATS, Publisher

            publisher = Publisher(resources.zones, Path(out), formats or DEFAULT_FORMATS, cdn=cdn)
        bar = progress_bar("reports", count_reports(targets) if show_progress else None, shown=show_progress)
        articles: deque[Article] = deque()  # in reading order, as the chunks come back

        def readable() -> Iterable[Article]:
            for item in unique_ids(read_articles(targets, summary.warnings, max_report_bytes), summary.warnings):
                if isinstance(item, InputError):
                    summary.errors.append(str(item))
                    continue
                if resources.online is not None:
                    articles.append(item)  # kept until its chunk is back: the online stage may redo it
                yield item

        figures = FigureBook()  # each report's stated areas, to find conflicting figures (compact)
        dating = DatingIndex()  # what a dated report tells of where, when and who (compact)
        # reports that cannot date themselves, with their place in the run: kept on disk, published last
        held = Spill(publisher.out if publisher is not None else None)
        formats = publisher.formats if publisher is not None else None
        for chunk, layers in runner.map_chunks(chunked(readable()), formats):
            if resources.online is not None:
                redone = [locate_online_stage(r, articles.popleft(), resources) for r in chunk]
                if any(a is not b for a, b in zip(redone, chunk, strict=True)):
                    layers = None  # built again here, with the online answers
                chunk = redone
            numbers = []
            for result in chunk:  # stopped or broken: its warning, nothing published
                if result.failed:
                    summary.warnings.extend(result.warnings)
            chunk = [r for r in chunk if not r.failed]
            for result in chunk:
                summary.warnings.extend(result.warnings)
                if result.areas and not undated(result):
                    figures.add(result)
                n_places += len(result.places)
                n_areas += len(result.areas)
                if undated(result):
                    held.add((len(keys), result))
                else:
                    numbers.append(len(keys))
                    dating.add(result, len(keys))
                keys.append((result.event_date, operation_point(result)))
                ids.append(result.article.id)
                if progress:
                    progress(result.article.id)
            if publisher is not None:  # a worker's layers hold exactly these (engines.publishable)
                publisher.add(publishable(chunk), numbers, layers)
            if keep_results:
                summary.results.extend(chunk)
            bar.update(len(chunk))
        bar.close()
        summary.counts = (len(keys), n_places, n_areas)
        batch: list[ArticleResult] = []
        batch_numbers: list[int] = []
        for i, (number, result) in enumerate(held):  # dated by the reports of the same operation, published
            result = compact(dating.date(result, number))
            keys[number] = (result.event_date, operation_point(result))
            if keep_results:
                summary.results[number] = result
            if result.areas:  # its date is final now: its figures are compared with the same day's
                figures.add(result)
            batch.append(result)
            batch_numbers.append(number)
            if publisher is not None and (len(batch) >= HELD_BATCH or i == len(held) - 1):
                publisher.add(batch, batch_numbers)
            if len(batch) >= HELD_BATCH:
                batch, batch_numbers = [], []
        held.close()
        del dating, batch
        if resources.online is not None:
            summary.warnings.extend(dict.fromkeys(resources.online.rejected))
        if resources.online is not None and resources.online.failed:
            summary.warnings.append(f"online geocoding ({resources.online.name}) failed: {resources.online.failed}; "
                                    "the offline answers stand")
        flags = figures.flags(summary.warnings)  # (article, quote, area_km2) -> flag of a contradicted figure
        if keep_results:
            summary.results = flag_conflicting_figures(summary.results, [])
        del figures  # what the run kept of every report is no longer needed for publishing
        grouping = progress_bar("grouping operations", 1, "stages", show_progress)
        firsts = operation_groups(keys)
        operation_ids = [operation_id(keys[f][0], ids[f]) for f in firsts]
        grouping.update(1)
        grouping.close()
        if keep_results:
            summary.results = [replace(r, operation=replace(r.operation, operation_id=op))
                               if r.operation else r for r, op in zip(summary.results, operation_ids, strict=True)]
        if publisher is not None and keys:
            dates = [d for d, _ in keys if d]
            line_date = as_of or (max(dates) if dates else None)
            control_line = resources.control.line_as_of(line_date) if resources.control and line_date else None
            publishing = progress_bar("publishing", 3, "files", show_progress)
            summary.written = publisher.finish(operation_ids, control_line,
                                               progress=lambda _: publishing.update(1), area_flags=flags)
            publishing.close()
            publisher = None
    finally:
        if held is not None:
            held.close()
        if runner is not None:
            runner.close()
        if publisher is not None:
            publisher.discard()
    summary.seconds = time.perf_counter() - started
    return summary


def locate_online_stage(result: ArticleResult, article: Article, resources: Resources) -> ArticleResult:
    """Online geocoding as its own stage, outside the workers (one rate-limited client, every name
    asked once: the geocoder caches each answer): a report with a place the offline gazetteer could not
    locate and the online geocoder can is processed again, here, with the online answers."""
    online = resources.online
    if online is None:
        return result
    wanted = {p.name for p in result.places if p.lon is None and p.type not in ("road", "country")}
    if not any(online.locate(name) is not None for name in sorted(wanted)):
        return result
    from opmap.engines import compact

    return compact(process_article(article, resources))


@lru_cache(maxsize=1)
def _shipped_resources() -> Resources:
    """The shipped gazetteer and zones, loaded once per process for `parse`."""
    return Resources.load()


def parse(text: str, published: dt.date | str | None = None, title: str | None = None,
          source: str | None = None, url: str | None = None) -> RunResult:
    """Map one report given as text (for notebooks and services): nothing is read or written.

    `published` (a date or a string such as "2018-07-19") resolves relative dates ("on Monday"); the
    other fields are carried to every feature as provenance. Uses the shipped gazetteer and zones
    (and those `opmap zones build` stored)."""
    started = time.perf_counter()
    summary = RunResult(zone_map=None)
    date: dt.date | None
    if isinstance(published, str):
        try:
            date = parse_published(published)
        except ValueError as exc:
            date = None
            summary.warnings.append(f"published: {exc}; relative dates stay unresolved")
    else:
        date = published
    resources = _shipped_resources()
    summary.zone_map = resources.zones
    if not text.strip():
        summary.errors.append("the report has no text")
        return summary
    article = Article(id="report", text=text, path="<text>", title=title or "", source=source or "",
                      url=url or "", published=date)
    result = process_article(article, resources)
    summary.results = group_operations([result])
    summary.warnings.extend(result.warnings)
    summary.seconds = time.perf_counter() - started
    return summary
