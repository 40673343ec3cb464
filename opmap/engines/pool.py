"""A process pool on this machine: each worker has `Resources` loaded once.

On Linux the workers are forked once, when the pool starts (before any progress bar or writer
thread exists), from the process that has just loaded the resources: they inherit them without
loading or importing anything again. Elsewhere they are spawned and load the resources in the
pool's initializer.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from opmap.engines import Processed, ResourceSpec, process_chunk
from opmap.engines.ordered import in_order
from opmap.model import Article
from opmap.pipeline import Resources

_resources: Resources | None = None  # this worker's
_budget_s: float | None = None
_inherited: tuple[ResourceSpec, Resources] | None = None  # what a forked worker finds in its parent


PARENT_CHECK_S = 1.0  # how often a worker looks whether the run that started it is still there


def _load(spec: ResourceSpec) -> None:
    global _resources, _budget_s
    _budget_s = spec.budget_s
    _resources = _inherited[1] if _inherited is not None and _inherited[0] == spec else spec.load()
    _exit_with_parent(os.getppid())


def _exit_with_parent(parent: int) -> None:
    """A worker ends when the run that started it is gone (killed with SIGKILL, it cannot tell its
    pool): a watchdog thread sees the worker handed to another parent and exits the process."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="opmap-parent-watch", daemon=True).start()


def _run(articles: list[Article], formats: Sequence[str] | None) -> Processed:
    assert _resources is not None, "the pool initializer loads the resources"
    return process_chunk(articles, _resources, formats, _budget_s)


def _ready() -> bool:
    return _resources is not None


class PoolEngine:
    def __init__(self, spec: ResourceSpec, jobs: int, resources: Resources | None = None) -> None:
        global _inherited
        self.jobs = jobs
        fork = sys.platform.startswith("linux") and resources is not None
        context = multiprocessing.get_context("fork" if fork else "spawn")
        _inherited = (spec, resources) if fork and resources is not None else None
        try:
            self.pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_load, initargs=(spec,))
            # a forking pool starts every worker at its first task: start them now, and wait
            for ready in [self.pool.submit(_ready) for _ in range(jobs)]:
                ready.result()
        finally:
            _inherited = None

    def map_chunks(self, chunks: Iterable[list[Article]],
                   formats: Sequence[str] | None = None) -> Iterator[Processed]:
        yield from in_order(chunks, lambda chunk: self.pool.submit(_run, chunk, formats), 4 * self.jobs)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
