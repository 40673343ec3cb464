"""A process pool on this machine: each worker loads `Resources` once, in its initializer."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from opmap.engines import ResourceSpec, process_chunk
from opmap.engines.ordered import in_order
from opmap.model import Article, ArticleResult
from opmap.pipeline import Resources

_resources: Resources | None = None  # this worker's, loaded once by `_load`


def _load(spec: ResourceSpec) -> None:
    global _resources
    _resources = spec.load()


def _run(articles: list[Article]) -> list[ArticleResult]:
    assert _resources is not None, "the pool initializer loads the resources"
    return process_chunk(articles, _resources)


class PoolEngine:
    def __init__(self, spec: ResourceSpec, jobs: int) -> None:
        self.jobs = jobs
        # 'spawn': a fresh interpreter per worker, the same on every platform, safe with threads.
        self.pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_load,
                                        initargs=(spec,))

    def map_chunks(self, chunks: Iterable[list[Article]]) -> Iterator[list[ArticleResult]]:
        yield from in_order(chunks, lambda chunk: self.pool.submit(_run, chunk), 4 * self.jobs)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
