"""QGIS itself (Debian python3-qgis under /usr/bin/python3, offscreen) opens what opmap exports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from opmap.pipeline import RunSummary

SYSTEM_PYTHON = "/usr/bin/python3"
PROBE = Path(__file__).with_name("qgis_probe.py")
ARTIFACTS = Path(__file__).with_name("artifacts")
ZONES = ["kurdistan_region", "disputed", "federal_iraq", "outside", "unknown"]


def qgis_missing() -> str:
    if not os.path.exists(SYSTEM_PYTHON):
        return f"{SYSTEM_PYTHON} is missing"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, text=True,
                           env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=60)
    return "" if probe.returncode == 0 else f"python3-qgis cannot be imported ({probe.stderr.strip()[-200:]}); .ci/run installs it"


@pytest.fixture(scope="module")
def qgis_report(example_run: RunSummary, example_out: Path) -> dict:  # type: ignore[type-arg]
    reason = qgis_missing()
    if reason:
        pytest.skip(reason)
    ARTIFACTS.mkdir(exist_ok=True)
    # The project must open from anywhere: copy the folder, so only relative paths can work.
    moved = example_out.parent / "moved-maps"
    shutil.copytree(example_out, moved, dirs_exist_ok=True)
    png = ARTIFACTS / "qgis_render.png"
    done = subprocess.run([SYSTEM_PYTHON, str(PROBE), str(moved / "opmap.qgs"), str(moved / "opmap.gpkg"), str(png)],
                          capture_output=True, text=True, timeout=240, cwd=moved.parent,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(moved.parent)})
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["moved"] = str(moved)
    report["png"] = png
    return report


VECTORS = ("operations", "distinct_places", "places", "areas", "uncertainty", "zones")
SHOWN = ["kurdistan_region", "disputed", "federal_iraq", "across_zones", "outside", "unknown"]


def test_project_crs_is_valid_as_written(qgis_report: dict) -> None:  # type: ignore[type-arg]
    assert qgis_report["read"] is True
    assert qgis_report["crs"] == {"valid": True, "authid": "EPSG:3857"}


def test_every_tree_node_has_its_layer(qgis_report: dict) -> None:  # type: ignore[type-arg]
    assert qgis_report["unbound_nodes"] == []
    assert qgis_report["order"] == [*VECTORS, "OpenStreetMap"]
    assert sorted(qgis_report["layers"]) == sorted(qgis_report["order"])
    # Per-report place rows are in the project but unchecked: each place is drawn once.
    assert "places" not in qgis_report["checked"] and "distinct_places" in qgis_report["checked"]


def test_all_layers_valid_over_osm(qgis_report: dict) -> None:  # type: ignore[type-arg]
    osm = qgis_report["layers"]["OpenStreetMap"]
    assert osm["valid"] and osm["provider"] == "wms" and "type=xyz" in osm["source"]
    assert "tile.openstreetmap.org" in osm["source"] and osm["crs"] == "EPSG:3857"
    for name in VECTORS:
        layer = qgis_report["layers"][name]
        assert layer["valid"], name
        assert layer["crs"] == "EPSG:4326", name
        assert layer["source"].startswith(qgis_report["moved"]), "relative path resolved against the project"


def test_start_view_is_on_the_reported_features(qgis_report: dict, example_run: RunSummary) -> None:  # type: ignore[type-arg]
    import shapely

    view = qgis_report["view"]
    assert view["crs"] == "EPSG:3857" and not view["empty"]
    west, south, east, north = view["degrees"]
    areas = [a.geometry for r in example_run.results for a in r.areas if a.geometry is not None]
    w, s, e, n = shapely.union_all(areas).bounds
    assert west <= w + 1e-3 and south <= s + 1e-3 and east >= e - 1e-3 and north >= n - 1e-3
    # Not stretched to the representative points of Syria or Iran, nor beyond Iraq's own box.
    assert west >= 38.7 and east <= 48.7 and south >= 29.0 and north <= 37.5, view["degrees"]


def test_layers_hold_the_expected_features(qgis_report: dict, example_run: RunSummary) -> None:  # type: ignore[type-arg]
    layers = qgis_report["layers"]
    results = example_run.results
    assert layers["areas"]["count"] == sum(len(r.areas) for r in results)
    assert layers["places"]["count"] == sum(len(r.places) for r in results)
    located = {(p.name, round(p.lon, 5), round(p.lat, 5)) for r in results for p in r.places
               if p.lon is not None and p.lat is not None}
    assert layers["distinct_places"]["count"] == len(located) < layers["places"]["count"]
    assert layers["uncertainty"]["count"] == sum(1 for r in results for a in r.areas if a.geometry is not None)
    operational = [r for r in results if any(a.geometry is not None for a in r.areas)
                   or any(p.lon is not None and "dateline" not in p.roles for p in r.places)]
    assert layers["operations"]["count"] == len(operational) == 5
    assert layers["zones"]["count"] == 3


def test_every_layer_is_styled_and_labels_are_not_repeated(qgis_report: dict, example_run: RunSummary) -> None:  # type: ignore[type-arg]
    for source in (qgis_report["defaults"], qgis_report["layers"]):
        for name in ("zones", "areas", "places"):
            assert source[name]["renderer"] == "categorizedSymbol", name
            assert source[name]["attr"] == "zone" and source[name]["categories"] == ZONES, name
        distinct = source["distinct_places"]
        assert distinct["renderer"] == "categorizedSymbol" and distinct["attr"] == "shown_as"
        assert distinct["categories"] == SHOWN
        assert distinct["labels"] and distinct["label_field"] == "name"
        assert distinct["labelled"] > 0 and distinct["label_repeats"] == 0
        assert not source["places"]["labels"] and not source["areas"]["labels"]
        operations = source["operations"]
        assert operations["renderer"] == "graduatedSymbol" and operations["attr"] == "event_year"
        dates = sorted({r.event_date.isoformat() for r in example_run.results if r.event_date})
        assert [r[2] for r in operations["ranges"]] == dates  # five dates: one class each, oldest first
        assert all(low <= high for low, high, _ in operations["ranges"])
        assert source["uncertainty"]["renderer"] == "singleSymbol"


def test_qgis_renders_the_project_view(qgis_report: dict) -> None:  # type: ignore[type-arg]
    png: Path = qgis_report["png"]
    assert png.exists() and png.stat().st_size > 10_000
    assert qgis_report["render"]["layers"] == ["operations", "distinct_places", "areas", "uncertainty", "zones"]
    assert qgis_report["render"]["colours"] > 50
    assert qgis_report["render"]["non_white_share"] > 0.05
    assert qgis_report["render"]["top_colour_share"] < 0.8  # not one flat fill
