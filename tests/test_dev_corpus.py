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
    return {**json.loads(result.stdout), "_out": str(out)}


def test_toponyms_and_geocoding(scores: dict) -> None:  # type: ignore[type-arg]
    t, g = scores["toponyms"], scores["geocoding"]
    assert t["precision"] >= 0.95 and t["recall"] >= 0.95, t
    assert g["acc@10km"] >= 0.95 and g["acc@161km"] >= 0.98, g


def test_zones_with_the_shipped_default(scores: dict) -> None:  # type: ignore[type-arg]
    assert scores["zones"]["accuracy"] >= 0.95, scores["zones"]


def test_areas_and_dates(scores: dict) -> None:  # type: ignore[type-arg]
    a = scores["areas"]
    assert a["recall"] >= 0.9 and a["precision"] >= 0.9, a
    assert a["direction_ok"] >= 0.85 and a["anchor_ok"] >= 0.85 and a["placed_ok"] >= 0.9, a
    # A campaign's running total with no place of its own is kept as a flagged statement and not drawn
    # (issue 9), so the scorer, which wants a polygon for every figure, counts its size as wrong; every
    # drawn polygon meets its figure within 1 % (tests/test_shapes.py).
    assert a["polygon_size_ok"] >= 0.9, a
    # Issue 9 asks 0.90; 0.925 (62 of 67) is reached: 4 of the 5 misses have no publication date and only a
    # weekday that no dated report of the same operation settles. This bar guards what is held.
    assert scores["event_date"]["accuracy"] >= 0.92, scores["event_date"]



def test_later_reports_recall(scores: dict, tmp_path_factory: pytest.TempPathFactory) -> None:  # type: ignore[type-arg]
    """The reports added after the rules were first written (oa-d50 on) keep toponym recall >= 0.93."""
    truth = json.loads((DEV / "truth.json").read_text(encoding="utf-8"))
    truth["articles"] = {k: v for k, v in truth["articles"].items() if int(k.rsplit("d", 1)[1]) >= 50}
    subset = tmp_path_factory.mktemp("later") / "truth.json"
    subset.write_text(json.dumps(truth), encoding="utf-8")
    result = subprocess.run([sys.executable, str(SCORE), "--truth", str(subset), "--out", scores["_out"], "--json"],
                            capture_output=True, text=True, check=True)
    assert json.loads(result.stdout)["toponyms"]["recall"] >= 0.93
