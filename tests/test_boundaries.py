"""Authoritative boundaries in: admin units matched by pcode or name, dissolved to zones, clear errors."""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import pyproj
import pytest
import shapely
from shapely.geometry import box, mapping, shape

from opmap.boundaries import ZoneTable, build_zones, fetch
from opmap.errors import DataError, OpmapError
from opmap.zones import ZoneMap, zones_path
from tests.conftest import SHARED

ADM3 = SHARED / "reference" / "ocha_cod_ab_irq_2019" / "irq_admbnda_adm3_cso_20190603.geojson"
REFERENCE = SHARED / "eval" / "zones_reference.geojson"
AEA = "+proj=aea +lat_0=33 +lon_0=44 +lat_1=30 +lat_2=36 +datum=WGS84 +units=m +no_defs"


def opmap(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "opmap.cli", *args], capture_output=True, text=True,
                          timeout=300, check=False, env=env)


def collection(features: list[tuple[dict[str, object], object]], **extra: object) -> dict[str, object]:
    return {"type": "FeatureCollection", **extra, "features": [
        {"type": "Feature", "properties": props, "geometry": mapping(geom) if geom is not None else None}
        for props, geom in features]}


def save(path: Path, data: dict[str, object]) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# Four made-up sub-district squares side by side; only their pcodes and names are real.
SUBDISTRICTS = [
    ({"ADM3_PCODE": "IQG15Q05N01", "ADM3_EN": "Markaz Al-Mosul"}, box(43.0, 36.0, 43.2, 36.2)),  # federal
    ({"ADM3_PCODE": "IQG15Q05N03", "ADM3_EN": "Bashiqa"}, box(43.2, 36.0, 43.4, 36.2)),  # disputed override
    ({"ADM3_PCODE": "IQG11Q04N01", "ADM3_EN": "Markaz Makhmour"}, box(43.4, 36.0, 43.6, 36.2)),  # disputed
    ({"ADM3_PCODE": "IQG11Q02N01", "ADM3_EN": "Markaz Erbil"}, box(43.6, 36.0, 43.8, 36.2)),  # KR
]


def test_pcodes_with_sub_district_overrides_dissolve_to_three_zones(tmp_path: Path) -> None:
    admin = save(tmp_path / "adm3.geojson", collection(SUBDISTRICTS))  # type: ignore[arg-type]
    built = build_zones(admin, out=tmp_path / "zones.geojson")
    data = json.loads(built.zones_path.read_text(encoding="utf-8"))
    zones = {f["properties"]["zone"]: shape(f["geometry"]) for f in data["features"]}
    assert set(zones) == {"federal_iraq", "disputed", "kurdistan_region"}
    assert all(f["properties"]["approximate"] is False and f["properties"]["source"] for f in data["features"])
    assert zones["disputed"].equals(box(43.2, 36.0, 43.6, 36.2))  # Bashiqa joins Makhmour, not Mosul
    assert zones["federal_iraq"].equals(box(43.0, 36.0, 43.2, 36.2))
    for feature in data["features"]:  # RFC 7946: outer rings counter-clockwise
        for polygon in shape(feature["geometry"]).geoms:
            assert polygon.exterior.is_ccw
    cells = json.loads(built.districts_path.read_text(encoding="utf-8"))
    assert {f["properties"]["pcode"] for f in cells["features"]} == {"IQG15Q05N03", "IQG11Q04"}


def test_geoboundaries_names_match_through_spelling_variants(tmp_path: Path) -> None:
    names = ["Mexmûr", "Tuz Khurmatu", "Huwayjah", "Arbil", "Sulaimaniya", "Khanaqeen"]
    features = [({"shapeName": n, "shapeISO": "", "shapeGroup": "IRQ"}, box(40 + i, 33, 40.5 + i, 33.5))
                for i, n in enumerate(names)]
    admin = save(tmp_path / "geoBoundaries-IRQ-ADM2.geojson", collection(features))  # type: ignore[arg-type]
    built = build_zones(admin, out=tmp_path / "zones.geojson")
    zones = ZoneMap.load(built.zones_path)
    expected = ["disputed", "disputed", "disputed", "kurdistan_region", "kurdistan_region", "disputed"]
    assert [zones.zone_at(40.25 + i, 33.25) for i in range(len(names))] == expected
    assert any("Bashiqa" in note for note in built.notes)  # districts only: the override cannot apply


@pytest.mark.parametrize(("content", "problem"), [
    ("unmatched", "match no row of the zone table"),
    ("no_geometry", "has no geometry"),
    ("csv", "has no geometry"),
    ("unknown_crs", "unknown coordinate reference system"),
    ("no_crs", "no coordinate reference system"),
])
def test_each_bad_admin_file_gives_one_clear_line(tmp_path: Path, content: str, problem: str) -> None:
    square = box(43.4, 35.6, 43.6, 35.8)
    if content == "unmatched":
        admin = save(tmp_path / "a.geojson", collection([({"shapeName": "Makhmur"}, square),  # type: ignore[list-item]
                                                          ({"shapeName": "Atlantis"}, square),
                                                          ({"shapeName": "Lilliput"}, square)]))
    elif content == "no_geometry":
        admin = save(tmp_path / "a.geojson", collection([({"shapeName": "Makhmur"}, None)]))
    elif content == "csv":
        admin = tmp_path / "a.csv"
        admin.write_text("shapeName,area\nMakhmur,1\n", encoding="utf-8")
    elif content == "unknown_crs":
        admin = save(tmp_path / "a.geojson", collection(
            [({"shapeName": "Makhmur"}, square)],  # type: ignore[list-item]
            crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::999999"}}))
    else:
        import geopandas as gpd

        admin = tmp_path / "a.shp"
        with warnings.catch_warnings():  # pyogrio warns that the shapefile gets no .prj: that is the point
            warnings.simplefilter("ignore")
            gpd.GeoDataFrame({"shapeName": ["Makhmur"]}, geometry=[square], crs=None).to_file(admin)
    with pytest.raises(DataError):
        build_zones(admin, out=tmp_path / "zones.geojson")
    result = opmap("zones", "build", "--admin", str(admin), "--out", str(tmp_path / "zones.geojson"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("opmap: ") and problem in lines[0], result.stderr
    if content == "unmatched":
        assert "2 unit(s)" in lines[0] and "Atlantis, Lilliput" in lines[0] and "Makhmur" not in lines[0]
    assert not (tmp_path / "zones.geojson").exists()


def test_built_zones_are_stored_where_run_finds_them_and_zones_flag_wins(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "data"
    monkeypatch.setenv("OPMAP_DATA_DIR", str(data_dir))
    assert zones_path(None).name == "default_zones.geojson"
    admin = save(tmp_path / "adm3.geojson", collection(SUBDISTRICTS))  # type: ignore[arg-type]
    result = opmap("zones", "build", "--admin", str(admin), env={**_env(), "OPMAP_DATA_DIR": str(data_dir)})
    assert result.returncode == 0, result.stderr
    assert (data_dir / "zones.geojson").is_file()
    assert zones_path(None) == data_dir / "zones.geojson"
    assert ZoneMap.load().approximate is False
    mine = tmp_path / "mine.geojson"
    mine.write_text((data_dir / "zones.geojson").read_text(encoding="utf-8"), encoding="utf-8")
    assert zones_path(mine) == mine


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def local_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTP server on 127.0.0.1 serving a folder: the only 'internet' these tests see."""
    root = tmp_path / "www"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


def test_fetch_downloads_from_a_local_server_and_builds(local_server: tuple[str, Path], tmp_path: Path) -> None:
    url, root = local_server
    save(root / "irq_adm3.geojson", collection(SUBDISTRICTS))  # type: ignore[arg-type]
    # a catalogue answer in geoBoundaries' API shape, pointing at the file
    save(root / "api.json", {"boundaryISO": "IRQ", "gjDownloadURL": f"{url}/irq_adm3.geojson"})
    built = fetch(url=f"{url}/api.json", out=tmp_path / "zones.geojson")
    assert ZoneMap.load(built.zones_path).zone_at(43.3, 36.1) == "disputed"
    result = opmap("zones", "fetch", "--url", f"{url}/irq_adm3.geojson", "--out", str(tmp_path / "cli.geojson"))
    assert result.returncode == 0, result.stderr
    assert ZoneMap.load(tmp_path / "cli.geojson").zone_at(43.7, 36.1) == "kurdistan_region"
    result = opmap("zones", "fetch", "--url", f"{url}/missing.geojson", "--out", str(tmp_path / "no.geojson"))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "download failed" in result.stderr and not (tmp_path / "no.geojson").exists()
    with pytest.raises(OpmapError):
        fetch(source="nowhere")


def test_zone_table_covers_the_issue_list() -> None:
    table = ZoneTable.load()
    disputed = {u.name for u in table.units if u.zone == "disputed"}
    assert {"Sinjar", "Telafar", "Tilkaef", "Al-Shikhan", "Al-Hamdaniya", "Aqra", "Bashiqa", "Makhmour",
            "Kirkuk", "Dibis", "Daquq", "Al-Hawiga", "Tooz Khurmato", "Khanaqin", "Kifri", "Mandali"} == disputed


def _reference() -> dict[str, shapely.Geometry]:
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return {f["properties"]["zone"]: shape(f["geometry"]) for f in data["features"]}


def iou(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """Intersection over union, in an equal-area projection centred on Iraq (square metres, not degrees)."""
    forward = pyproj.Transformer.from_crs("EPSG:4326", AEA, always_xy=True)
    a, b = (shapely.transform(g, lambda x, y: forward.transform(x, y), interleaved=False) for g in (a, b))
    return float(shapely.intersection(a, b).area / shapely.union(a, b).area)


@pytest.mark.skipif(not ADM3.is_file() or not REFERENCE.is_file(),
                    reason="../shared (OCHA COD-AB reference files) is not beside the checkout")
def test_build_from_ocha_sub_districts_reproduces_the_reference(tmp_path: Path) -> None:
    result = opmap("zones", "build", "--admin", str(ADM3), "--out", str(tmp_path / "zones.geojson"))
    assert result.returncode == 0, result.stderr
    built = ZoneMap.load(tmp_path / "zones.geojson")
    reference = _reference()
    for zone, geometry in zip(built.zones, built.geometries, strict=True):
        assert iou(geometry, reference[zone]) >= 0.99, zone
