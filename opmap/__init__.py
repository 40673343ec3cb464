"""opmap: news reports of military and security operations in Iraq, turned into maps analysts can trust.

    >>> import opmap
    >>> result = opmap.run("reports/", out="maps")   # or out=None to write nothing
    >>> result.areas.plot()                          # GeoDataFrames in EPSG:4326
    >>> opmap.parse("Peshmerga cleared 30 km² south of Makhmour.", published="2018-07-19").places

The API's names are imported on first use, so `opmap --version` and `import opmap` stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["EXAMPLES", "OfflineGeocoder", "OpmapError", "RunResult", "__version__", "parse", "run"]

if TYPE_CHECKING:
    from opmap.errors import OpmapError
    from opmap.offline import OfflineGeocoder
    from opmap.pipeline import EXAMPLES, RunResult, parse, run

_HOMES = {"run": "opmap.pipeline", "parse": "opmap.pipeline", "RunResult": "opmap.pipeline",
          "EXAMPLES": "opmap.pipeline", "OfflineGeocoder": "opmap.offline", "OpmapError": "opmap.errors"}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        import importlib

        value = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'opmap' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
