"""Zones: the honest default against the reference, the order zones are picked in, areas split by zone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import shapely

from opmap.pipeline import RunSummary, run
from opmap.shapes import area_shape
from opmap.zones import DEFAULT_ZONES, ZoneMap, zones_path
from tests.conftest import SHARED
from tests.test_boundaries import ADM3, REFERENCE, _reference, iou

DEV = SHARED / "corpus" / "dev"
SCORE = SHARED / "eval" / "score.py"
MAKHMUR = (43.5797, 35.7762)  # GeoNames 93818
ERBIL = (44.0119, 36.1833)


def test_default_is_labelled_approximate() -> None:
    data = json.loads(DEFAULT_ZONES.read_text(encoding="utf-8"))
    assert {f["properties"]["zone"] for f in data["features"]} == {"kurdistan_region", "disputed", "federal_iraq"}
    assert all(f["properties"]["approximate"] is True for f in data["features"])
    assert ZoneMap.load(DEFAULT_ZONES).approximate


@pytest.mark.skipif(not REFERENCE.is_file(), reason="../shared/eval/zones_reference.geojson is not beside the checkout")
def test_default_agrees_with_the_reference() -> None:
    default = ZoneMap.load(DEFAULT_ZONES)
    reference = _reference()
    ious = {z: iou(g, reference[z]) for z, g in zip(default.zones, default.geometries, strict=True)}
    assert ious["disputed"] >= 0.80, ious
    assert ious["kurdistan_region"] >= 0.90, ious


def test_zones_are_picked_flag_then_user_built_then_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPMAP_DATA_DIR", str(tmp_path / "data"))
    assert zones_path(None) == DEFAULT_ZONES
    (tmp_path / "data").mkdir()
    built = tmp_path / "data" / "zones.geojson"
    built.write_text(DEFAULT_ZONES.read_text(encoding="utf-8"), encoding="utf-8")
    assert zones_path(None) == built
    given = tmp_path / "given.geojson"
    assert zones_path(given) == given


def _on_the_line(zones: ZoneMap) -> tuple[float, float]:
    """Where the road from Makhmur to Erbil crosses out of the disputed territories."""
    disputed = next(g for z, g in zip(zones.zones, zones.geometries, strict=True) if z == "disputed")
    crossing = shapely.LineString([MAKHMUR, ERBIL]).intersection(disputed.boundary)
    point = crossing if crossing.geom_type == "Point" else shapely.get_geometry(crossing, 0)
    return point.x, point.y


@pytest.mark.parametrize("which", ["default", "reference"])
def test_a_disc_straddling_makhmour_and_erbil_gets_two_shares(which: str) -> None:
    if which == "reference" and not REFERENCE.is_file():
        pytest.skip("../shared/eval/zones_reference.geojson is not beside the checkout")
    zones = ZoneMap.load(DEFAULT_ZONES if which == "default" else REFERENCE)
    disc = area_shape([_on_the_line(zones)], "around", 30.0).polygon
    shares = zones.zone_shares(disc)
    assert set(shares) == {"disputed", "kurdistan_region"}, shares
    assert abs(sum(shares.values()) - 1.0) <= 0.001
    assert min(shares.values()) >= 0.2  # really across the line, not grazing it


def test_published_areas_carry_shares_and_the_largest_as_zone(example_run: RunSummary, example_out: Path) -> None:
    areas = json.loads((example_out / "areas.geojson").read_text(encoding="utf-8"))["features"]
    mapped = [a["properties"] for a in areas if a["geometry"]]
    assert mapped
    for props in mapped:
        shares = props["zone_shares"]
        shares = json.loads(shares) if isinstance(shares, str) else shares  # GDAL may write it as an object
        assert abs(sum(shares.values()) - 1.0) <= 0.001
        assert props["zone"] == max(shares, key=shares.get)


def _zone_accuracy(out: Path) -> float:
    result = subprocess.run([sys.executable, str(SCORE), "--truth", str(DEV / "truth.json"), "--out", str(out),
                             "--json"], capture_output=True, text=True, check=True, timeout=300)
    return float(json.loads(result.stdout)["zones"]["accuracy"])


@pytest.mark.skipif(not (DEV.is_dir() and SCORE.is_file() and ADM3.is_file()),
                    reason="../shared (dev corpus, score.py, OCHA COD-AB) is not beside the checkout")
def test_dev_corpus_with_built_zones(tmp_path: Path) -> None:
    from opmap.boundaries import build_zones

    built = build_zones(ADM3, out=tmp_path / "zones" / "zones.geojson").zones_path
    run([DEV], tmp_path / "default")
    run([DEV], tmp_path / "built", zones=built)
    default_accuracy, built_accuracy = _zone_accuracy(tmp_path / "default"), _zone_accuracy(tmp_path / "built")
    # Issue 5's bars: >= 0.95 with the shipped default, >= 0.97 with authoritative zones; what is left
    # wrong is on the toponym side (names missed, zones inferred for unlocated places) ...
    assert default_accuracy >= 0.95 and built_accuracy >= 0.97 and built_accuracy >= default_accuracy
    # ... and every place classified by its point agrees with the reference polygons.
    reference = ZoneMap.load(REFERENCE)
    places = json.loads((tmp_path / "built" / "places.geojson").read_text(encoding="utf-8"))["features"]
    pointed = [p for p in places if p["geometry"] and p["geometry"]["type"] == "Point"
               and (p["properties"]["zone_basis"] or "").startswith("point in")]
    assert pointed
    for p in pointed:
        lon, lat = p["geometry"]["coordinates"]
        assert p["properties"]["zone"] == reference.zone_at(lon, lat), p["properties"]["name"]


@pytest.mark.parametrize("driver, suffix", [("GeoJSON", ".geojson"), ("GPKG", ".gpkg")])
def test_zones_in_another_crs_are_reprojected(tmp_path: Path, driver: str, suffix: str) -> None:
    import geopandas as gpd

    mercator = tmp_path / f"zones-3857{suffix}"
    gpd.read_file(DEFAULT_ZONES).to_crs("EPSG:3857").to_file(mercator, driver=driver)
    if suffix == ".geojson":
        assert "3857" in json.loads(mercator.read_text(encoding="utf-8"))["crs"]["properties"]["name"]
    default, given = ZoneMap.load(DEFAULT_ZONES), ZoneMap.load(mercator)
    for lon, lat in (MAKHMUR, ERBIL, (44.3661, 33.3152), (43.1189, 36.335)):  # and Baghdad, Mosul
        assert given.zone_at(lon, lat) == default.zone_at(lon, lat) != "outside"
    example = Path(__file__).resolve().parent.parent / "data" / "examples" / "makhmour-2018-07-16.txt"
    run_default, run_given = run(example), run(example, zones=mercator)
    assert list(run_given.places["zone"]) == list(run_default.places["zone"])
    assert "outside" not in set(run_given.areas["zone"])


def test_zones_in_metres_without_a_crs_are_refused(tmp_path: Path) -> None:
    import geopandas as gpd

    from opmap.errors import DataError

    frame = gpd.read_file(DEFAULT_ZONES).to_crs("EPSG:3857")
    unlabelled = tmp_path / "zones.geojson"
    data = json.loads(frame.to_json(drop_id=True))
    data.pop("crs", None)  # no crs member: RFC 7946 says degrees
    unlabelled.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DataError, match="not longitude/latitude"):
        ZoneMap.load(unlabelled)
