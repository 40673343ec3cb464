"""How a corpus is run: one small interface, a few runners behind it (as geopy puts providers behind
one geocoder interface).

An engine maps `process_article` over chunks of reports and hands back each chunk's results in the
order the chunks went in, so every engine publishes the same files. Each worker loads `Resources`
once (not once per report or chunk): the serial engine uses the caller's, the process pool loads
them in each worker's initializer, Dask in a worker plugin. Online geocoding never runs inside an
engine: it needs one rate-limited client, so `opmap.pipeline.run` does it as its own stage.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from opmap.errors import OpmapError
from opmap.model import Article, ArticleResult
from opmap.pipeline import Resources, process_safely

CHUNK_REPORTS = 200  # reports per task: big enough to amortise a task, small enough to bound memory
ENGINES = ("local", "dask")


@dataclass(frozen=True)
class ResourceSpec:
    """What a worker needs to load its own `Resources` (offline: online lookups stay in the caller)."""

    gazetteers: tuple[Path, ...] = ()
    zones: Path | None = None
    budget_s: float | None = None  # a report still running after this long is stopped (opmap.budget)

    def load(self) -> Resources:
        return Resources.load(self.gazetteers, self.zones)


class Engine(Protocol):
    """Maps `process_article` over chunks of reports; results (and, with the run's output `formats`,
    the layer rows each chunk publishes) come back chunk by chunk, in order."""

    def map_chunks(self, chunks: Iterable[list[Article]],
                   formats: Sequence[str] | None = None) -> Iterator[Processed]: ...

    def close(self) -> None: ...


Processed = tuple[list[ArticleResult], dict[str, Any] | None]


def process_chunk(articles: Sequence[Article], resources: Resources, formats: Sequence[str] | None = None,
                  budget_s: float | None = None) -> Processed:
    """One task: every report of a chunk, each result without its report's text where nothing after
    processing reads it, so what travels back and what the caller keeps stays small; with the run's
    output `formats`, also the rows that the chunk's publishable results (not failed, dated) add to each
    layer (`opmap.publish.chunk_layers`), built here so the writing process only writes."""
    results = [compact(process_safely(a, resources, budget_s)) for a in articles]
    if formats is None:
        return results, None
    from opmap.publish import chunk_layers

    return results, chunk_layers(publishable(results), resources.zones, formats)


def publishable(results: Sequence[ArticleResult]) -> list[ArticleResult]:
    """The results a chunk publishes as they come: not failed, and dated (an undated report waits until
    the reports of its operation can date it)."""
    return [r for r in results if not r.failed and not undated(r)]


def compact(result: ArticleResult) -> ArticleResult:
    """The result without its report's text, unless the report cannot date itself: then the run reads
    its day cues again once every report is in (`opmap.grouping.infer_event_dates`)."""
    if undated(result):
        return result
    return replace(result, article=replace(result.article, text=""))


def undated(result: ArticleResult) -> bool:
    return result.event_date is None and result.article.published is None


def chunked(items: Iterable[Article], size: int | None = None) -> Iterator[list[Article]]:
    """Reports in chunks of `size` (default CHUNK_REPORTS), as the reader yields them."""
    size = size or CHUNK_REPORTS
    chunk: list[Article] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class SerialEngine:
    """Every chunk in this process, with the caller's resources."""

    def __init__(self, resources: Resources, budget_s: float | None = None) -> None:
        self.resources = replace(resources, online=None)
        self.budget_s = budget_s

    def map_chunks(self, chunks: Iterable[list[Article]],
                   formats: Sequence[str] | None = None) -> Iterator[Processed]:
        for chunk in chunks:
            yield process_chunk(chunk, self.resources, formats, self.budget_s)

    def close(self) -> None:
        pass


def all_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def make_engine(name: str, jobs: int | None, resources: Resources, spec: ResourceSpec,
                scheduler: str | None = None) -> Engine:
    """The engine the user asked for: 'local' runs in this process (one job) or a process pool (more),
    'dask' on a Dask distributed cluster (`scheduler` address, else a local cluster of `jobs` workers)."""
    jobs = jobs if jobs is not None else all_cores()
    if jobs < 1:
        raise OpmapError(f"--jobs must be at least 1 (got {jobs})")
    if name == "dask":
        try:
            from opmap.engines.dask import DaskEngine
        except ImportError as exc:
            raise OpmapError(f"--engine dask needs Dask distributed: pip install 'opmap[dask]' ({exc})") from exc

        return DaskEngine(spec, scheduler, jobs)
    if name != "local":
        raise OpmapError(f"unknown engine {name!r} (known: {', '.join(ENGINES)})")
    if scheduler:
        raise OpmapError("--scheduler needs --engine dask")
    if jobs == 1:
        return SerialEngine(resources, spec.budget_s)
    from opmap.engines.pool import PoolEngine

    return PoolEngine(spec, jobs, replace(resources, online=None))
