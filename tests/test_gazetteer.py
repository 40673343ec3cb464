"""The offline gazetteer: index, geopy-style answers, user tables and GeoNames dumps."""

from __future__ import annotations

from pathlib import Path

import pytest

from opmap.errors import DataError
from opmap.gazetteer import import_geonames_dump, load_index
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
    target, count = import_geonames_dump(tmp_path / "IQ.txt")
    assert count == 2 and target.exists()
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
