"""Online geocoding: opt-in, rate-limited, cached, tested against a local server in Nominatim's format."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

import pytest

from opmap.model import Article
from opmap.online import OnlineGeocoder, OnlineSettings
from opmap.pipeline import Resources, process_article

# One result as Nominatim's /search?format=json returns it (fields as documented by Nominatim).
NOMINATIM_RESULT = {
    "place_id": 123456, "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
    "osm_type": "node", "osm_id": 987654321, "lat": "35.6123", "lon": "44.2101", "class": "place",
    "type": "village", "place_rank": 19, "importance": 0.21, "addresstype": "village", "name": "Zarqa Tepe",
    "display_name": "Zarqa Tepe, Kirkuk Governorate, Iraq", "boundingbox": ["35.5923", "35.6323", "44.1901", "44.2301"],
}


class Nominatim(BaseHTTPRequestHandler):
    queries: ClassVar[list[dict[str, list[str]]]] = []

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = parse_qs(url.query)
        Nominatim.queries.append(query)
        body = json.dumps([NOMINATIM_RESULT] if url.path == "/search" and "Zarqa" in query.get("q", [""])[0]
                          else []).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def nominatim() -> Iterator[str]:
    Nominatim.queries = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Nominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


REPORT = "Peshmerga retook the villages of Zarqa Tepe and Bor Kand near Kirkuk on Monday."


def article() -> Article:
    return Article("o", REPORT, "o.txt", published=dt.date(2018, 7, 19))


def test_unlocated_place_is_asked_online_and_cached(nominatim: str, resources: Resources, tmp_path: Path) -> None:
    online = OnlineGeocoder(OnlineSettings("nominatim", nominatim, "opmap-tests", min_delay_s=0),
                            cache_path=tmp_path / "online.sqlite")
    with_online = Resources(resources.index, resources.zones, online)
    result = process_article(article(), with_online)
    place = next(p for p in result.places if p.name == "Zarqa Tepe")
    assert (place.lon, place.lat, place.geocoder) == (44.2101, 35.6123, "nominatim")
    assert place.zone == "disputed" and "Kirkuk Governorate" in place.source
    assert next(p for p in result.places if p.name == "Bor Kand").lon is None
    asked = [q["q"][0] for q in Nominatim.queries]
    assert sorted(asked) == ["Bor Kand", "Zarqa Tepe"]
    assert Nominatim.queries[0]["countrycodes"] == ["iq,sy,tr,ir"] and "viewbox" in Nominatim.queries[0]
    process_article(article(), with_online)
    assert len(Nominatim.queries) == 2, "the second run is answered from the cache"


def test_network_failure_warns_and_offline_answer_stands(resources: Resources, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket closes
    online = OnlineGeocoder(OnlineSettings("nominatim", f"http://127.0.0.1:{port}", "opmap-tests", min_delay_s=0),
                            cache_path=tmp_path / "online.sqlite")
    result = process_article(article(), Resources(resources.index, resources.zones, online))
    assert online.failed
    kirkuk = next(p for p in result.places if p.name == "Kirkuk")
    assert kirkuk.lon is not None and kirkuk.geocoder == "offline"


def test_without_online_nothing_reaches_the_network(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from opmap.pipeline import run

    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network use in a test without --online")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    (tmp_path / "r.txt").write_text(f"published: 2018-07-19\n\n{REPORT}", encoding="utf-8")
    summary = run([tmp_path / "r.txt"], tmp_path / "out")
    assert summary.results and not summary.errors
    assert attempts == []


def test_config_file_turns_online_on(nominatim: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    config = tmp_path / "opmap.toml"
    config.write_text(f'[online]\nprovider = "nominatim"\ndomain = "{nominatim}"\nuser_agent = "opmap-tests"\n'
                      "min_delay_s = 0\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text(f"published: 2018-07-19\n\n{REPORT}", encoding="utf-8")
    env = {**__import__("os").environ, "OPMAP_CONFIG": str(config), "OPMAP_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-m", "opmap.cli", "run", str(tmp_path / "r.txt"), "--out",
                             str(tmp_path / "out")], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "out" / "places.geojson").read_text(encoding="utf-8"))
    tepe = next(f for f in data["features"] if f["properties"]["name"] == "Zarqa Tepe")
    assert tepe["geometry"]["coordinates"] == [44.2101, 35.6123] and tepe["properties"]["geocoder"] == "nominatim"
    offline = subprocess.run([sys.executable, "-m", "opmap.cli", "run", str(tmp_path / "r.txt"), "--offline",
                              "--out", str(tmp_path / "out2")], capture_output=True, text=True, env=env, check=False)
    assert offline.returncode == 0
    data = json.loads((tmp_path / "out2" / "places.geojson").read_text(encoding="utf-8"))
    assert next(f for f in data["features"] if f["properties"]["name"] == "Zarqa Tepe")["geometry"] is None


def test_bad_config_is_one_clear_error(tmp_path: Path) -> None:
    from opmap.errors import DataError
    from opmap.online import settings_from_config

    config = tmp_path / "opmap.toml"
    config.write_text('[online]\nprovder = "nominatim"\n', encoding="utf-8")
    with pytest.raises(DataError, match="unknown \\[online\\] setting"):
        settings_from_config(config)
