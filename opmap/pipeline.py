"""The road from reports to map: read → extract → resolve → shape → classify → publish.

`process_article` is the per-article function: pure, given the loaded `Resources`, so a process pool
or a Dask bag can map it over a corpus. `run` is the Python API behind `opmap run`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
from opmap.reading import MAX_REPORT_BYTES, read_articles, unique_ids
from opmap.resolve import resolve
from opmap.shapes import shape_area
from opmap.zones import ZoneMap, classify_places, infer_unlocated_zones

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
DEFAULT_OUT = ROOT / "maps"
REPORT_BUDGET_S = 30.0  # a report still running after this long is stopped with a warning


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
    def load(cls, gazetteers: Sequence[Path] = (), zones: Path | None = None,
             online: OnlineSettings | None = None) -> Resources:
        problems: list[str] = []
        return cls(load_index(gazetteers, problems=problems), ZoneMap.load(zones, problems),
                   OnlineGeocoder(online) if online else None, ControlMap.load(districts_for(zones)),
                   tuple(problems))


@dataclass
class RunSummary:
    """What a run did: results per article, and the problems met on the way (one line each)."""

    results: list[ArticleResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, result: ArticleResult) -> None:
        """Take one report's result: its warnings always, its content unless processing failed."""
        self.warnings.extend(result.warnings)
        if not result.failed:
            self.results.append(result)

    @property
    def n_places(self) -> int:
        return sum(len(r.places) for r in self.results)

    @property
    def n_areas(self) -> int:
        return sum(len(r.areas) for r in self.results)


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


def run(paths: Iterable[str | Path] = (), out: str | Path | None = None, gazetteers: Sequence[Path] = (),
        zones: Path | None = None, progress: Callable[[str], None] | None = None,
        write: bool = True, online: OnlineSettings | None = None, self_contained: bool = False,
        as_of: dt.date | None = None, max_report_bytes: int = MAX_REPORT_BYTES,
        budget_s: float | None = REPORT_BUDGET_S) -> RunSummary:
    """Read every report under `paths` (default: the shipped examples) and publish to `out`; the map
    shows who held the disputed districts on `as_of` (default: the latest event date of the run)."""
    started = time.perf_counter()
    paths = list(paths) or [EXAMPLES]
    resources = Resources.load(gazetteers, zones, online)
    summary = RunSummary()
    summary.errors.extend(resources.problems)
    for item in unique_ids(read_articles(paths, summary.warnings, max_report_bytes), summary.warnings):
        if isinstance(item, InputError):
            summary.errors.append(str(item))
            continue
        summary.add(process_safely(item, resources, budget_s))
        if progress:
            progress(item.id)
    if resources.online is not None:
        summary.warnings.extend(dict.fromkeys(resources.online.rejected))
    if resources.online is not None and resources.online.failed:
        summary.warnings.append(f"online geocoding ({resources.online.name}) failed: {resources.online.failed}; "
                                "the offline answers stand")
    summary.results = group_operations(flag_conflicting_figures(summary.results, summary.warnings))
    if write and summary.results:
        from opmap.publish import publish

        dates = [r.event_date for r in summary.results if r.event_date]
        line_date = as_of or (max(dates) if dates else None)
        control_line = resources.control.line_as_of(line_date) if resources.control and line_date else None
        summary.written = publish(summary.results, resources.zones, Path(out) if out else DEFAULT_OUT,
                                  self_contained=self_contained, control_line=control_line)
    summary.seconds = time.perf_counter() - started
    return summary
