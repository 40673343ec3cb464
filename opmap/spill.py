"""Records a run must keep until every report is in, kept on disk instead of in memory.

A `Spill` is an unnamed temporary file (gone when closed, or when the process ends) that records are
appended to as they come and read back once, in the same order: a run of any length holds a record
at a time, not all of them.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class Spill:
    """Append-only pickled records in a temporary file in `folder` (default: the system's)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 -- closed by `close`
        self.count = 0

    def add(self, record: Any) -> None:
        pickle.dump(record, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Any]:
        """Every record, in the order added (the file is read from its start, one record at a time)."""
        self.file.flush()
        self.file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self.file)
        self.file.seek(0, 2)  # later records go after the last one

    def close(self) -> None:
        self.file.close()
