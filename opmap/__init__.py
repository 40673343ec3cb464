"""opmap: news reports of military and security operations in Iraq, turned into maps analysts can trust."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "run"]


def run(*args: Any, **kwargs: Any) -> Any:
    """The Python API: `opmap.run(paths, out)`; see `opmap.pipeline.run`."""
    from opmap.pipeline import run as _run

    return _run(*args, **kwargs)
