"""The road from reports to map: read → extract → resolve → shape → classify → publish.

`process_article` is the per-article function: pure, given the loaded `Resources`, so a process pool
or a Dask bag can map it over a corpus. `run` is the Python API behind `opmap run`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import deque
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
from opmap.model import Article, ArticleResult
from opmap.online import OnlineGeocoder, OnlineSettings, locate_online
from opmap.reading import read_articles
from opmap.resolve import resolve
from opmap.shapes import shape_area
from opmap.zones import ZoneMap, classify_places, infer_unlocated_zones

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
DEFAULT_OUT = ROOT / "maps"


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
    """What a run did: results per article (unless the caller asked not to keep them), counts, and the
    problems met on the way (one line each)."""

    results: list[ArticleResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    n_reports: int = 0
    n_places: int = 0
    n_areas: int = 0


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


def run(paths: Iterable[str | Path] = (), out: str | Path | None = None, gazetteers: Sequence[Path] = (),
        zones: Path | None = None, progress: Callable[[str], None] | None = None,
        write: bool = True, online: OnlineSettings | None = None, self_contained: bool = False,
        as_of: dt.date | None = None, jobs: int | None = 1, engine: str = "local", scheduler: str | None = None,
        formats: Sequence[str] | None = None, keep_results: bool = True,
        show_progress: bool = False) -> RunSummary:
    """Read every report under `paths` (default: the shipped examples) and publish to `out`; the map
    shows who held the disputed districts on `as_of` (default: the latest event date of the run).

    Reports are read lazily and processed in chunks by `engine` ('local': this process when `jobs` is
    1, else a pool of `jobs` processes, None meaning all cores; 'dask': a Dask cluster at `scheduler`,
    else a local one), and each chunk's layers are written as it comes, so memory stays bounded by a
    chunk. `formats` picks the outputs (default: GeoJSON, GeoPackage, CSV, QGIS project, HTML map;
    'parquet' adds GeoParquet). `keep_results=False` keeps only counts in the summary."""
    from opmap.engines import ResourceSpec, chunked, make_engine
    from opmap.grouping import operation_groups, operation_id, operation_point
    from opmap.progress import progress_bar
    from opmap.reading import count_reports

    started = time.perf_counter()
    paths = list(paths) or [EXAMPLES]
    resources = Resources.load(gazetteers, zones, online)
    summary = RunSummary()
    publisher = None
    if write:
        from opmap.publish import DEFAULT_FORMATS, Publisher

        publisher = Publisher(resources.zones, Path(out) if out else DEFAULT_OUT, formats or DEFAULT_FORMATS,
                              self_contained)
    keys: list[tuple[dt.date | None, tuple[float, float] | None]] = []
    ids: list[str] = []
    runner = None
    try:
        runner = make_engine(engine, jobs, resources, ResourceSpec(tuple(gazetteers), zones), scheduler)
        bar = progress_bar("reports", count_reports(paths) if show_progress else None, shown=show_progress)
        articles: deque[Article] = deque()  # in reading order, as the chunks come back

        def readable() -> Iterable[Article]:
            for item in read_articles(paths, summary.warnings):
                if isinstance(item, InputError):
                    summary.errors.append(str(item))
                    continue
                if resources.online is not None:
                    articles.append(item)  # kept until its chunk is back: the online stage may redo it
                yield item

        for chunk in runner.map_chunks(chunked(readable())):
            if resources.online is not None:
                chunk = [locate_online_stage(r, articles.popleft(), resources) for r in chunk]
            first = len(keys)
            for result in chunk:
                summary.warnings.extend(result.warnings)
                summary.n_places += len(result.places)
                summary.n_areas += len(result.areas)
                keys.append((result.event_date, operation_point(result)))
                ids.append(result.article.id)
                if progress:
                    progress(result.article.id)
            if publisher is not None:
                publisher.add(chunk, first)
            if keep_results:
                summary.results.extend(chunk)
            bar.update(len(chunk))
        bar.close()
        summary.n_reports = len(keys)
        if resources.online is not None and resources.online.failed:
            summary.warnings.append(f"online geocoding ({resources.online.name}) failed: {resources.online.failed}; "
                                    "the offline answers stand")
        grouping = progress_bar("grouping operations", 1, "stages", show_progress)
        firsts = operation_groups(keys)
        operation_ids = [operation_id(keys[f][0], ids[f]) for f in firsts]
        grouping.update(1)
        grouping.close()
        if keep_results:
            summary.results = [replace(r, operation=replace(r.operation, operation_id=op))
                               if r.operation else r for r, op in zip(summary.results, operation_ids, strict=True)]
        if publisher is not None and summary.n_reports:
            dates = [d for d, _ in keys if d]
            line_date = as_of or (max(dates) if dates else None)
            control_line = resources.control.line_as_of(line_date) if resources.control and line_date else None
            publishing = progress_bar("publishing", 3, "files", show_progress)
            summary.written = publisher.finish(operation_ids, control_line,
                                               progress=lambda _: publishing.update(1))
            publishing.close()
            publisher = None
    finally:
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
