"""Keep a few chunks in flight and hand results back in submission order (used by the pool and Dask)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from opmap.model import Article


class Pending(Protocol):
    def result(self) -> Any: ...


def in_order(chunks: Iterable[list[Article]], submit: Callable[[list[Article]], Pending],
             in_flight: int) -> Iterator[Any]:
    """Submit chunks lazily, at most `in_flight` ahead of the one being collected, so memory is
    bounded by a few chunks however long the corpus is."""
    pending: deque[Pending] = deque()  # results are collected while later chunks run
    for chunk in chunks:
        pending.append(submit(chunk))
        if len(pending) >= in_flight:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
