"""Dask distributed: a cluster at `scheduler`, or a local cluster of `jobs` worker processes.

Each worker loads `Resources` once, in a worker plugin's `setup`; chunks of reports are sent as
tasks as the reader yields them, a few ahead, and their results are collected in order and
streamed to the writers. Workers need opmap installed (`pip install 'opmap[dask]'`) and, for
`--gazetteer` / `--zones` files, the same paths readable.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from distributed import Client, LocalCluster, WorkerPlugin, get_worker

from opmap.engines import Processed, ResourceSpec, process_chunk
from opmap.engines.ordered import in_order
from opmap.errors import OpmapError
from opmap.model import Article

PLUGIN = "opmap-resources"


class LoadResources(WorkerPlugin):
    """Loads the gazetteer index, zones and control map once per worker."""

    name = PLUGIN

    def __init__(self, spec: ResourceSpec) -> None:
        self.spec = spec
        self.resources: Any = None

    def setup(self, worker: Any) -> None:
        self.resources = self.spec.load()


def process_on_worker(articles: list[Article], formats: Sequence[str] | None) -> Processed:
    plugin: Any = get_worker().plugins[PLUGIN]
    return process_chunk(articles, plugin.resources, formats, plugin.spec.budget_s)


class DaskEngine:
    def __init__(self, spec: ResourceSpec, scheduler: str | None, jobs: int) -> None:
        self.cluster: LocalCluster | None = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout="30s")
            else:
                self.cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
        except (OSError, TimeoutError) as exc:
            if self.cluster is not None:
                self.cluster.close()
            raise OpmapError(f"dask scheduler {scheduler or '(local)'}: cannot connect ({exc})") from exc
        self.client.register_plugin(LoadResources(spec), name=PLUGIN)
        workers = len(self.client.scheduler_info().get("workers", {})) or jobs
        self.in_flight = 4 * workers

    def map_chunks(self, chunks: Iterable[list[Article]],
                   formats: Sequence[str] | None = None) -> Iterator[Processed]:
        yield from in_order(chunks, lambda chunk: self.client.submit(process_on_worker, chunk, formats, pure=False),
                            self.in_flight)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
