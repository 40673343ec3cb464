"""The offline gazetteer: index, geopy-style answers, user tables and GeoNames dumps."""

from __future__ import annotations

import functools
import http.server
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from opmap.errors import DataError
from opmap.gazetteer import GeoNamesImport, fetch_geonames, import_geonames_dump, load_index
from opmap.offline import OfflineGeocoder
from opmap.pipeline import Resources
from opmap.spelling import name_key

# Two rows in GeoNames' 19-column 'geoname' format (values written for this test).
DUMP = (
    "9000001\tJabal Test\tJabal Test\tTest Mountain,Jebel Test\t36.10000\t43.90000\tT\tMT\tIQ\t\t11\t\t\t\t0\t1200\t1190"
    "\tAsia/Baghdad\t2020-01-01\n"
    "9000002\tQaryat Zarqa\tQaryat Zarqa\tZarqa Village\t35.61000\t44.21000\tP\tPPL\tIQ\t\t13\t\t\t\t800\t\t300"
    "\tAsia/Baghdad\t2020-01-01\n"
)


def test_offline_geocoder_answers_like_geopy(resources: Resources) -> None:
    location = OfflineGeocoder(resources.index).geocode("Kerkuk")
    assert location is not None and location.address == "Kirkuk"
    assert (round(location.latitude, 3), round(location.longitude, 3)) == (35.468, 44.392)
    assert OfflineGeocoder(resources.index).geocode("Atlantis") is None


def test_import_geonames_dump(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPMAP_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "IQ.txt").write_text(DUMP, encoding="utf-8")
    done = import_geonames_dump(tmp_path / "IQ.txt")
    assert done.rows == 2 and done.outside_box == 0 and done.table.exists()
    index = load_index()
    [mountain] = index.lookup(name_key("Jebel Test"))
    assert (mountain.type, mountain.lat, mountain.lon) == ("mountain", 36.1, 43.9)
    [village] = index.lookup(name_key("Zarqa Village"))
    assert village.type == "settlement" and village.population == 800


def test_bad_geonames_dump_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPMAP_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "bad.txt").write_text("1\tonly\tthree columns\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad.txt:1: expected 19 tab-separated GeoNames columns"):
        import_geonames_dump(tmp_path / "bad.txt")


def test_cli_import_geonames(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    (tmp_path / "IQ.txt").write_text(DUMP, encoding="utf-8")
    env = {**os.environ, "OPMAP_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-m", "opmap.cli", "gazetteer", "import-geonames",
                             str(tmp_path / "IQ.txt")], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0 and "2 GeoNames places" in result.stdout


def test_districts_are_placed_at_their_seat(resources: Resources) -> None:
    [district] = [e for e in resources.index.lookup(name_key("Daquq District")) if e.type == "district"]
    [town] = [e for e in resources.index.lookup(name_key("Daquq")) if e.type == "settlement"]
    assert (district.lat, district.lon) == (town.lat, town.lon) and district.precision == 2


# A Turkish village far outside the Iraq region box, and one in Iraq, in the same 19-column format.
FAR_ROW = ("9000003\tKoyzerdek\tKoyzerdek\t\t40.90000\t29.10000\tP\tPPL\tTR\t\t34\t\t\t\t1500\t\t90"
           "\tEurope/Istanbul\t2020-01-01\n")
NEW_VILLAGE = ("9000004\tGirdaqolan\tGirdaqolan\tGird Qolan\t36.31000\t43.61000\tP\tPPL\tIQ\t\t11\t\t\t\t0\t\t410"
               "\tAsia/Baghdad\t2020-01-01\n")


def test_import_keeps_and_counts_rows_outside_the_region_box(tmp_path: Path) -> None:
    (tmp_path / "TR.txt").write_text(FAR_ROW, encoding="utf-8")
    done = import_geonames_dump(tmp_path / "TR.txt")
    assert (done.rows, done.outside_box) == (1, 1)
    assert "Koyzerdek" in done.table.read_text(encoding="utf-8")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def dump_server(tmp_path: Path) -> Iterator[str]:
    """GeoNames' download folder on 127.0.0.1: IQ.zip holding IQ.txt and readme.txt, as GeoNames ships it."""
    root = tmp_path / "www"
    root.mkdir()
    with zipfile.ZipFile(root / "IQ.zip", "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("IQ.txt", DUMP + NEW_VILLAGE)
        bundle.writestr("readme.txt", "GeoNames export (test copy written for opmap's tests)\n")
    (root / "XX.zip").write_bytes(b"not a zip at all")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_fetch_downloads_imports_and_the_next_run_uses_it(dump_server: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OPMAP_CACHE_DIR", str(tmp_path / "cache"))
    assert not load_index().lookup(name_key("Girdaqolan"))
    [done] = fetch_geonames(["iq"], dump_server)
    assert isinstance(done, GeoNamesImport) and done.rows == 3
    assert done.names_added >= 4  # Jabal Test, Test Mountain, Jebel Test, Qaryat Zarqa, Girdaqolan, ...
    from opmap.model import Article
    from opmap.pipeline import process_article

    article = Article(id="t1", path=str(tmp_path / "t1.txt"),
                      text="Peshmerga forces cleared the village of Gird Qolan on Monday.")
    result = process_article(article, Resources.load())
    [place] = [p for p in result.places if p.name == "Girdaqolan"]
    assert (place.lat, place.lon) == (36.31, 43.61)


def test_fetch_failures_are_one_clear_line(dump_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPMAP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OPMAP_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(DataError, match=r"XX.zip: not a GeoNames dump archive"):
        fetch_geonames(["XX"], dump_server)
    with pytest.raises(DataError, match=r"SY.zip: download failed"):
        fetch_geonames(["SY"], dump_server)
    with pytest.raises(DataError, match=r"not a two-letter country code: Iraq"):
        fetch_geonames(["Iraq"], dump_server)
    assert not (tmp_path / "data" / "gazetteer").exists() or not list((tmp_path / "data" / "gazetteer").iterdir())


def test_cli_fetch_prints_attribution_and_counts(dump_server: str, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "OPMAP_DATA_DIR": str(tmp_path / "data"), "OPMAP_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-m", "opmap.cli", "gazetteer", "fetch", "IQ", "--url", dump_server],
                            capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert "CC BY 4.0" in result.stdout and "GeoNames (https://www.geonames.org)" in result.stdout
    assert "3 GeoNames places" in result.stdout and "names new to the index" in result.stdout
    failed = subprocess.run([sys.executable, "-m", "opmap.cli", "gazetteer", "fetch", "XX", "--url", dump_server],
                            capture_output=True, text=True, env=env, check=False)
    assert failed.returncode == 2 and failed.stderr.count("\n") == 1 and "XX.zip" in failed.stderr
