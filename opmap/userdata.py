"""Where opmap keeps what a user builds or imports: a cache folder and a data folder.

Both follow the platform's conventions (platformdirs) and can be moved with OPMAP_CACHE_DIR and
OPMAP_DATA_DIR, which the tests use so that nothing a developer built leaks into a test run.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """Rebuildable things: the gazetteer index, online geocoder answers."""
    if os.environ.get("OPMAP_CACHE_DIR"):
        return Path(os.environ["OPMAP_CACHE_DIR"])
    import platformdirs

    return Path(platformdirs.user_cache_dir("opmap"))


def data_dir() -> Path:
    """Things the user made: imported gazetteers, built zones."""
    if os.environ.get("OPMAP_DATA_DIR"):
        return Path(os.environ["OPMAP_DATA_DIR"])
    import platformdirs

    return Path(platformdirs.user_data_dir("opmap"))
