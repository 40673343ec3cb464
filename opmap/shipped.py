"""The data files that ship with opmap: the repository's top-level `data/`, installed as the package
`opmap.data` and found through importlib.resources, in an editable install and in a wheel alike."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def shipped(*parts: str) -> Path:
    """The path of a shipped data file or folder, e.g. `shipped("zones", "control.csv")`.

    setuptools installs packages unzipped, so the resource is a real file on disk; GDAL, csv and
    json read it directly."""
    root = resources.files("opmap.data")
    return Path(str(root.joinpath(*parts)))
