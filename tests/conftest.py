"""Shared fixtures: the loaded resources and one run over the shipped examples."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Nothing a developer imported or built on this machine (gazetteers, zones) may leak into a test run.
os.environ["OPMAP_DATA_DIR"] = tempfile.mkdtemp(prefix="opmap-test-data-")
# ... nor a config file that would send a test online.
os.environ["OPMAP_CONFIG"] = os.path.join(os.environ["OPMAP_DATA_DIR"], "no-config.toml")

from opmap.pipeline import EXAMPLES, Resources, RunSummary, run

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def resources() -> Resources:
    return Resources.load()


@pytest.fixture(scope="session")
def example_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("maps")


@pytest.fixture(scope="session")
def example_run(example_out: Path) -> RunSummary:
    summary = run([EXAMPLES], example_out)
    assert not summary.errors
    return summary


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
