"""Regression test on the real dev corpus (read from ../shared, never copied): the issues' bars."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from opmap.pipeline import run
from tests.conftest import SHARED

DEV = SHARED / "corpus" / "dev"
SCORE = SHARED / "eval" / "score.py"


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    if not (DEV.is_dir() and SCORE.is_file()):
        pytest.skip("../shared (dev corpus and score.py) is not beside the checkout")
    out = tmp_path_factory.mktemp("dev")
    run([DEV], out)
    result = subprocess.run([sys.executable, str(SCORE), "--truth", str(DEV / "truth.json"), "--out", str(out),
                             "--json"], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_toponyms_and_geocoding(scores: dict) -> None:  # type: ignore[type-arg]
    t, g = scores["toponyms"], scores["geocoding"]
    assert t["precision"] >= 0.92 and t["recall"] >= 0.92, t
    assert g["acc@10km"] >= 0.92 and g["acc@161km"] >= 0.98, g


def test_zones_with_the_shipped_default(scores: dict) -> None:  # type: ignore[type-arg]
    assert scores["zones"]["accuracy"] >= 0.95, scores["zones"]


def test_areas_and_dates(scores: dict) -> None:  # type: ignore[type-arg]
    a = scores["areas"]
    assert a["recall"] >= 0.9 and a["precision"] >= 0.9, a
    assert a["direction_ok"] >= 0.9 and a["anchor_ok"] >= 0.9 and a["placed_ok"] >= 0.9, a
    assert a["polygon_size_ok"] >= 0.95, a
    assert scores["event_date"]["accuracy"] >= 0.9, scores["event_date"]

