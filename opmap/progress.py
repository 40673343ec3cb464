"""Progress on a terminal: one small function, so every stage shows it the same way."""

from __future__ import annotations

import sys
from typing import Any


def progress_bar(what: str, total: int | None = None, unit: str = "reports", shown: bool = True) -> Any:
    """A tqdm bar on stderr (rate and ETA when `total` is known); silent unless `shown` and stderr is
    a terminal, so logs and pipes stay clean."""
    from tqdm import tqdm

    return tqdm(total=total, desc=what, unit=f" {unit}", disable=not (shown and sys.stderr.isatty()),
                dynamic_ncols=True, leave=False, smoothing=0.1)
