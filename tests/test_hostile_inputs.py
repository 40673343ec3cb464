"""Nothing an input can do stops a run: reports isolated and bounded, shapes valid over every figure,
option files row by row, online answers checked, outputs replaced whole, caches that cannot run code."""

from __future__ import annotations

import json
import math
import random
import re
import sqlite3
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from opmap.extract.sentences import Sentences
from opmap.extract.toponyms import CUES, ROAD, find_mentions, road_matches
from opmap.model import Article
from opmap.online import OnlineGeocoder, OnlineSettings
from opmap.pipeline import Resources, process_article, process_safely, run
from opmap.shapes import GEOD, area_shape, corridor_shape, geodesic_area_km2
from tests.conftest import write
from tests.fuzz_reports import Findings, check_result, hostile_report

ROOT = Path(__file__).resolve().parent.parent
GOOD = "published: 2018-07-19\n\nPeshmerga forces cleared 30 square kilometres south of Makhmour on Monday.\n"


def opmap(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "opmap.cli", *args], capture_output=True, text=True,
                          errors="replace", timeout=timeout, check=False, cwd=ROOT)


# --- every report isolated -------------------------------------------------------------------------

@seed(13)
@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.randoms(use_true_random=False))
def test_fuzzed_reports_never_raise_and_draw_true_shapes(resources: Resources, rng: random.Random) -> None:
    findings = Findings()
    text = hostile_report(rng)
    started = time.perf_counter()
    result = process_article(Article("fuzz", text, "fuzz.txt"), resources)
    assert time.perf_counter() - started < 10
    check_result(result, findings, "fuzz")
    assert not findings.invalid and not findings.off_area, (findings.invalid, findings.off_area)


def test_a_failing_report_is_one_warning_and_the_run_goes_on(resources: Resources) -> None:
    broken = Resources(resources.index, None, None)  # type: ignore[arg-type]  # zones missing: every report fails
    result = process_safely(Article("r1", GOOD, "in/r1.txt"), broken)
    assert result.failed and not result.places
    [line] = result.warnings
    assert line.startswith("in/r1.txt: report 'r1' could not be processed (AttributeError")


def test_a_report_over_its_time_budget_is_stopped(resources: Resources) -> None:
    text = " ".join(f"The army cleared the village of Mosul and the village of Kirkuk {i}." for i in range(20000))
    started = time.perf_counter()
    result = process_safely(Article("long", text, "long.txt"), resources, budget_s=0.2)
    assert time.perf_counter() - started < 2
    assert result.failed and "time budget of 0.2 s" in result.warnings[0]


def test_an_alarm_repeated_while_the_budget_is_taken_down_does_not_escape() -> None:
    """Held off the CPU, a process can have a second alarm due while the first one's exception unwinds:
    it must not be raised in the budget's own exit, or the timer would outlive the report."""
    import contextlib
    import signal
    import sys

    from opmap.budget import OverBudget, time_budget

    in_exit = compile("import sys\nframe = sys._getframe()", contextlib.__file__, "exec")
    names: dict[str, object] = {}
    exec(in_exit, names)  # a frame of contextlib's code, as in its __exit__
    with pytest.raises(OverBudget), time_budget(5):
        handler = signal.getsignal(signal.SIGALRM)
        assert callable(handler)
        handler(signal.SIGALRM, names["frame"])  # taken down: nothing raised
        handler(signal.SIGALRM, sys._getframe())  # the report's own code: raised
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # and the timer is stopped


# --- patterns that cannot backtrack ----------------------------------------------------------------

def _seconds(call: object) -> float:
    started = time.perf_counter()
    call()  # type: ignore[operator]
    return time.perf_counter() - started


ADVERSARIAL = {
    "Al- prefixes": lambda n: "Al-" * n,
    "hyphenated capitals": lambda n: "Mosul-" * n,
    "capitalised words": lambda n: "Mosul " * n,
    "comma list": lambda n: "Mosul, " * n,
    "and list": lambda n: "Mosul and " * n,
    "digits": lambda n: "1," * n,
    "number words": lambda n: "one " * n,
    "directions": lambda n: "north, " * n,
}


@pytest.mark.parametrize("kind", sorted(ADVERSARIAL))
def test_every_place_pattern_is_linear_on_adversarial_text(kind: str) -> None:
    from opmap.extract import areas

    patterns = [*(cue[1] for cue in CUES), areas.AREA, areas.AMBIGUOUS, areas.DIRECTION]
    for pattern in patterns:
        small = _seconds(lambda p=pattern: list(p.finditer(ADVERSARIAL[kind](1000) + "!")))
        large = _seconds(lambda p=pattern: list(p.finditer(ADVERSARIAL[kind](4000) + "!")))
        assert large < 3.0, f"{pattern.pattern[:60]} took {large:.1f} s on {kind}"
        assert large < 10 * max(small, 0.02), f"{pattern.pattern[:60]} on {kind}: {small:.2f} s -> {large:.2f} s"
    road = _seconds(lambda: list(road_matches(ADVERSARIAL[kind](4000) + " road")))
    assert road < 0.5, f"roads on {kind}: {road:.1f} s"


def test_road_names_found_as_before_and_long_al_chains_are_fast() -> None:
    text = "Troops moved along the Mosul-Erbil road and the Kirkuk-Baghdad highway. " * 3
    assert [m.group(1) for m in road_matches(text)] == [m.group(1) for m in ROAD.finditer(text)]
    assert len(list(road_matches(text))) == 6
    assert _seconds(lambda: list(road_matches("Al-" * 400))) < 0.1
    assert _seconds(lambda: list(road_matches("Al-" * 4000 + " road"))) < 0.5


def test_a_list_of_800_villages_costs_linear_time(resources: Resources) -> None:
    def mentions(n: int) -> float:
        text = "Troops cleared " + ", ".join(f"the village of {name}" for name in
                                             ["Mosul", "Kirkuk", "Tell Nowhere", "Gwer"] * (n // 4)) + "."
        return _seconds(lambda: find_mentions(text, resources.index, Sentences.split(text)))

    small, large = mentions(200), mentions(800)
    assert large < 3
    assert large < 8 * max(small, 0.05), f"200 villages {small:.2f} s, 800 villages {large:.2f} s"


# --- shapes over the whole range a report can state -------------------------------------------------

@pytest.mark.parametrize("area_km2", [0.001, 0.01, 1, 30, 2_500, 90_000, 438_000])
@pytest.mark.parametrize("direction", ["S", "N+E", "around", "between"])
def test_shapes_are_valid_and_true_to_1_percent(area_km2: float, direction: str) -> None:
    anchors = [(43.58, 35.78), (44.39, 35.47)]
    for extent in (0.0, 10_000.0):
        shape = area_shape(anchors, direction, area_km2, extent if direction != "between" else 0.0)
        assert shape.polygon.is_valid and not shape.polygon.is_empty
        assert geodesic_area_km2(shape.polygon) == pytest.approx(area_km2, rel=0.01)


@pytest.mark.parametrize("area_km2", [0.001, 0.5, 40, 5_000])
def test_corridors_are_valid_and_true_to_1_percent(area_km2: float) -> None:
    shape = corridor_shape(((43.13, 36.34), (44.01, 36.19)), area_km2)
    assert shape.polygon.is_valid
    assert geodesic_area_km2(shape.polygon) == pytest.approx(area_km2, rel=0.01)


@pytest.mark.parametrize(("figure", "why"), [
    ("0 square kilometres", "not a positive area"), ("0.000001 acres", "too small to map|not a positive area"),
    ("100,000,000 square kilometres", "larger than Iraq"), ("50,000,000 km2", "larger than Iraq"),
])
def test_impossible_figures_are_kept_flagged_without_a_shape(resources: Resources, figure: str, why: str) -> None:
    for relation in ("south of Makhmour", "along the Mosul-Erbil road", "around Kirkuk"):
        text = f"Peshmerga forces cleared {figure} {relation} on Monday."
        result = process_article(Article("f", text, "f.txt"), resources)
        [area] = result.areas
        assert area.geometry is None and re.search(why, area.statement.flag), (relation, area.statement.flag)


def test_a_tiny_figure_beside_a_big_town_is_drawn_at_its_size(resources: Resources) -> None:
    result = process_article(Article("t", "Troops cleared 0.002 square kilometres east of Mosul.", "t.txt"),
                             resources)
    [area] = result.areas
    assert geodesic_area_km2(area.geometry) == pytest.approx(0.002, rel=0.01)
    mosul = next(p for p in result.places if p.name == "Mosul")
    c = area.geometry.centroid
    assert 45 <= GEOD.inv(mosul.lon, mosul.lat, c.x, c.y)[0] % 360 <= 135


# --- bounded, honest inputs -------------------------------------------------------------------------

def test_huge_and_single_line_reports_among_good_ones(tmp_path: Path) -> None:
    reports = tmp_path / "in"
    reports.mkdir()
    write(reports / "a.txt", GOOD)
    write(reports / "b.txt", GOOD.replace("Makhmour", "Kirkuk"))
    line = "Troops cleared the village of Mosul, " * 28_000  # about 1 MB on one line
    write(reports / "one-line.txt", line[:1_000_000])
    with (reports / "huge.txt").open("w", encoding="utf-8") as out:
        chunk = "Troops advanced near Mosul and Kirkuk. " * 25_000 + "\n"
        for _ in range(200_000_000 // len(chunk)):
            out.write(chunk)
    probe = ("import resource, subprocess, sys, time; t = time.time(); "
             f"r = subprocess.run([sys.executable, '-m', 'opmap.cli', 'run', {str(reports)!r}, '--out', "
             f"{str(tmp_path / 'out')!r}], capture_output=True, text=True); "
             "print(r.returncode, round(time.time() - t, 1), "
             "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); print(r.stderr)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    status, seconds, rss_kb = done.stdout.split("\n", 1)[0].split()
    stderr = done.stdout.split("\n", 1)[1]
    assert status == "1", stderr
    assert float(seconds) < 60 and int(rss_kb) < 1_000_000, (seconds, rss_kb)
    assert re.search(r"huge\.txt: report of [\d,]+ bytes is over the size limit", stderr), stderr
    assert "Traceback" not in stderr
    places = json.loads((tmp_path / "out" / "places.geojson").read_text(encoding="utf-8"))
    ids = {f["properties"]["article"] for f in places["features"]}
    assert {"a", "b"} <= ids


def test_utf16_reads_and_a_late_nul_marks_binary(tmp_path: Path) -> None:
    (tmp_path / "wide.txt").write_bytes(GOOD.encode("utf-16"))
    (tmp_path / "late-nul.txt").write_bytes(GOOD.encode() + b"x" * 20_000 + b"\x00" + b"more text")
    summary = run([tmp_path], None)
    assert [r.article.id for r in summary.results] == ["wide"]
    assert summary.results[0].areas and summary.results[0].areas[0].geometry is not None
    [error] = summary.errors
    assert "late-nul.txt" in error and "binary file" in error


def test_colliding_ids_are_made_unique_with_a_warning(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "id: op-1\n\n" + GOOD.split("\n\n", 1)[1])
    write(tmp_path / "b.txt", "id: op-1\n\nTroops cleared 12 square kilometres north of Kirkuk.")
    summary = run([tmp_path], None)
    assert sorted(r.article.id for r in summary.results) == ["op-1", "op-1-2"]
    assert any("id 'op-1' is already used" in w and "b.txt" in w for w in summary.warnings)


def test_lone_surrogates_in_jsonl_do_not_stop_publishing(tmp_path: Path) -> None:
    text = "Troops cleared 30 square kilometres south of Makhmour \\ud800 on Monday."
    write(tmp_path / "r.jsonl", json.dumps({"id": "s", "title": "a \\udfff title"}).replace("}", f', "text": "{text}"}}') + "\n")
    summary = run([tmp_path / "r.jsonl"], tmp_path / "out")
    assert not summary.errors and summary.results
    assert (tmp_path / "out" / "map.html").is_file()


def test_conflicting_figures_for_one_area_and_day_are_flagged(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "published: 2018-07-19\n\nTroops cleared 30 square kilometres south of Makhmour.")
    write(tmp_path / "b.txt", "published: 2018-07-19\n\nTroops cleared 40 square kilometres south of Makhmour.")
    summary = run([tmp_path], None)
    flags = [a.statement.flag for r in summary.results for a in r.areas]
    assert all("conflicting figures" in f for f in flags) and len(flags) == 2
    assert any("conflicting figures" in w and "30 km²" in w and "40 km²" in w for w in summary.warnings)


def test_conflicting_figures_are_flagged_in_the_published_files(tmp_path: Path) -> None:
    import pyogrio

    write(tmp_path / "a.txt", "published: 2018-07-19\n\nTroops cleared 30 square kilometres south of Makhmour.")
    write(tmp_path / "b.txt", "published: 2018-07-19\n\nTroops cleared 40 square kilometres south of Makhmour.")
    write(tmp_path / "c.txt", "published: 2018-07-19\n\nTroops cleared 25 square kilometres north of Kirkuk.")
    run([tmp_path], tmp_path / "out")
    features = json.loads((tmp_path / "out" / "areas.geojson").read_text(encoding="utf-8"))["features"]
    flag_of = {f["properties"]["article"]: f["properties"]["flag"] or "" for f in features}
    assert "conflicting figures" in flag_of["a"] and "conflicting figures" in flag_of["b"]
    assert "conflicting" not in flag_of["c"]
    table = pyogrio.read_dataframe(tmp_path / "out" / "opmap.gpkg", layer="areas")
    assert dict(zip(table["article"], table["flag"].fillna(""), strict=True)) == flag_of
    with sqlite3.connect(tmp_path / "out" / "opmap.gpkg") as db:  # the lookup index is not left behind
        assert not db.execute("SELECT name FROM sqlite_master WHERE name = 'opmap_flag_lookup'").fetchall()
    db.close()


# --- option files: each bad row one line, the run goes on --------------------------------------------

def test_bad_gazetteer_rows_are_named_and_skipped(tmp_path: Path) -> None:
    table = tmp_path / "extra.csv"
    table.write_bytes("name,alt_names,type,lat,lon,population\n"
                      "Zarqa Tepe,,settlement,35.61,44.21,many\n"
                      "Bor Kand,,settlement,35.62,44.22,\n"
                      "Nowhere,,settlement,999,44.2,\n"
                      "Kani Sp\xe9cial,,settlement,35.63,44.23,\n".encode("latin-1"))
    write(tmp_path / "r.txt", "published: 2018-07-19\n\nClashes hit Bor Kand on Monday.")
    result = opmap("run", str(tmp_path / "r.txt"), "--gazetteer", str(table), "--out", str(tmp_path / "o"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "extra.csv" in line]
    assert len(lines) == 3, lines  # non-numeric population, out of range, not UTF-8
    assert any(":2:" in line and "bad number" in line for line in lines)
    assert any(":4:" in line and "out of range" in line for line in lines)
    assert any("not valid UTF-8" in line for line in lines)
    assert "44.22" in (tmp_path / "o" / "places.geojson").read_text(encoding="utf-8")


def test_bad_zone_features_are_named_and_skipped(tmp_path: Path) -> None:
    default = json.loads((ROOT / "data" / "zones" / "default_zones.geojson").read_text(encoding="utf-8"))
    default["features"] += ["not an object", {"type": "Feature", "properties": {"zone": "disputed"},
                                              "geometry": {"type": "Polygon", "coordinates": [[1, 2]]}}]
    zones = write(tmp_path / "zones.geojson", json.dumps(default))
    write(tmp_path / "r.txt", GOOD)
    result = opmap("run", str(tmp_path / "r.txt"), "--zones", str(zones), "--out", str(tmp_path / "o"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "zones.geojson" in line]
    assert len(lines) == 2 and "is not a GeoJSON object" in lines[0] and "bad geometry" in lines[1]
    assert (tmp_path / "o" / "map.html").is_file()


def test_bad_config_settings_are_named_and_skipped(tmp_path: Path) -> None:
    config = write(tmp_path / "opmap.toml", '[online]\nenabled = false\ncolour = "red"\nmin_delay_s = "slow"\n')
    from opmap.online import settings_from_config

    problems: list[str] = []
    assert settings_from_config(config, problems) is None
    config = write(tmp_path / "opmap.toml", '[online]\ncolour = "red"\nmin_delay_s = "slow"\nprovider = "nominatim"\n')
    settings = settings_from_config(config, problems)
    assert settings is not None and settings.provider == "nominatim" and settings.min_delay_s is None
    assert len(problems) == 2 and "'colour'" in problems[0] and "min_delay_s" in problems[1]


def test_the_cli_turns_an_unexpected_error_into_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    import opmap.pipeline
    from opmap.cli import main

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something \x1b[31m odd")

    monkeypatch.setattr(opmap.pipeline, "run", broken)
    assert main(["run", "--out", str(tmp_path / "o")]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "RuntimeError: something" in err and "\x1b" not in err
    assert main(["run", "--verbose", "--out", str(tmp_path / "o")]) == 3
    assert "Traceback" in capsys.readouterr().err


# --- online answers checked ----------------------------------------------------------------------------

class Hostile(BaseHTTPRequestHandler):
    answers: ClassVar[dict[str, dict[str, str]]] = {
        "Zarqa Tepe": {"lat": "-22.9068", "lon": "-43.1729", "display_name": "Rio de Janeiro, Brazil"},
        "Bor Kand": {"lat": "nan", "lon": "44.2", "display_name": "x"},
        "Kani Fictional": {"lat": "999", "lon": "44.2", "display_name": "x"},
        "Gird Nowhere": {"lat": "35.6", "lon": "44.2", "display_name": "Gird \x1b[2J\x07 Nowhere, Iraq"},
    }

    def do_GET(self) -> None:
        from urllib.parse import parse_qs, urlparse

        query = parse_qs(urlparse(self.path).query).get("q", [""])[0]
        answer = self.answers.get(query)
        body = json.dumps([{"place_id": 1, "osm_type": "node", "osm_id": 1, "class": "place", "type": "village",
                            "importance": 0.1, "boundingbox": ["0", "0", "0", "0"], **answer}]
                          if answer else []).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_wrong_country_and_non_finite_answers_are_rejected_and_not_cached(resources: Resources,
                                                                        tmp_path: Path) -> None:
    import threading

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        cache = tmp_path / "online.sqlite"
        online = OnlineGeocoder(OnlineSettings("nominatim", f"http://127.0.0.1:{server.server_address[1]}",
                                               "opmap-tests", min_delay_s=0), cache_path=cache)
        text = ("Troops retook the villages of Zarqa Tepe, Bor Kand, Kani Fictional and Gird Nowhere "
                "near Kirkuk on Monday.")
        result = process_article(Article("o", text, "o.txt"), Resources(resources.index, resources.zones, online))
    finally:
        server.shutdown()
        server.server_close()
    located = {p.name: p for p in result.places}
    for name in ("Zarqa Tepe", "Bor Kand", "Kani Fictional"):
        assert located[name].lon is None, name
    assert located["Gird Nowhere"].lon == pytest.approx(44.2)
    assert "\x1b" not in located["Gird Nowhere"].source and "\x07" not in located["Gird Nowhere"].source
    assert len(online.rejected) == 3 and any("outside Iraq" in r for r in online.rejected)
    cached = dict(sqlite3.connect(cache).execute("SELECT query, answer FROM answers").fetchall())
    assert set(cached) == {"Gird Nowhere"}


def test_tampered_online_cache_rows_are_asked_again(tmp_path: Path) -> None:
    cache = tmp_path / "online.sqlite"
    db = sqlite3.connect(cache)
    db.execute("CREATE TABLE answers (provider TEXT, query TEXT, answer TEXT, PRIMARY KEY (provider, query))")
    db.executemany("INSERT INTO answers VALUES ('nominatim', ?, ?)",
                   [("A", "{not json"), ("B", '{"lon": "x"}'), ("C", '{"lon": 1e999, "lat": 0, "address": ""}')])
    db.commit()
    online = OnlineGeocoder(OnlineSettings("nominatim", "http://127.0.0.1:9", "t", min_delay_s=0), cache_path=cache)
    for name in ("A", "B", "C"):
        assert online.locate(name) is None  # asked again: the closed port is a network failure, not a crash
    (tmp_path / "junk.sqlite").write_bytes(b"half a database")
    junk = OnlineGeocoder(OnlineSettings("nominatim", "http://127.0.0.1:9", "t"), cache_path=tmp_path / "junk.sqlite")
    assert junk.locate("A") is None


# --- the gazetteer index cache cannot run code -------------------------------------------------------

def test_a_tampered_or_half_written_index_cache_is_rebuilt_never_executed(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import pickle

    from opmap import gazetteer

    monkeypatch.setenv("OPMAP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(gazetteer, "cache_dir", lambda: tmp_path / "cache")
    built = gazetteer.load_index()
    [cache] = (tmp_path / "cache").glob("gazetteer-*.json")
    assert not list((tmp_path / "cache").glob("*.tmp"))
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (Path.touch, (str(marker),))

    good = cache.read_bytes()
    for damaged in (good[: len(good) // 2], pickle.dumps(Payload()),
                    good.replace(b'"Mosul"', b'"Mosel"', 1), b'{"format": "x"}\n[]'):
        cache.write_bytes(damaged)
        index = gazetteer.load_index()
        assert not marker.exists()
        assert len(index.entries) == len(built.entries) and index.lookup("mosul")
        assert cache.read_bytes() == good, "the damaged cache is replaced by a rebuilt one"


# --- outputs replaced as a set -------------------------------------------------------------------------

def _corpus(folder: Path, tag: str, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        write(folder / f"{tag}{i}.txt", f"id: {tag}-{i}\n\nTroops cleared {10 + i} square kilometres south "
                                          f"of Makhmour on 3 May 2017.")
    return folder


OUTPUTS = {"map.html", "places.geojson", "areas.geojson", "zones.geojson", "operations.geojson",
           "uncertainty.geojson", "operations.csv", "opmap.gpkg", "opmap.qgs"}


def _one_complete_run(out: Path) -> str:
    names = {p.name for p in out.iterdir()}
    assert names == OUTPUTS, names
    tags = {f["properties"]["article"].split("-")[0]
            for name in ("places.geojson", "areas.geojson")
            for f in json.loads((out / name).read_text(encoding="utf-8"))["features"]}
    csv_tags = set(re.findall(r"\b([ab])-\d+\b", (out / "operations.csv").read_text(encoding="utf-8")))
    assert len(tags) == 1 and csv_tags <= tags, (tags, csv_tags)
    return tags.pop()


def _temporaries(out: Path) -> list[Path]:
    return [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")] + \
        [p for p in out.iterdir() if p.name.startswith(".")] if out.exists() else []


def test_killed_and_concurrent_runs_leave_one_complete_run(tmp_path: Path) -> None:
    out = tmp_path / "maps"
    a, b = _corpus(tmp_path / "a", "a", 3), _corpus(tmp_path / "b", "b", 3)
    assert opmap("run", str(a), "--out", str(out), "-q").returncode == 0
    assert _one_complete_run(out) == "a"
    # kill -9 at several moments of a run (most of them during publishing)
    for delay in (1.0, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0):
        child = subprocess.Popen([sys.executable, "-m", "opmap.cli", "run", str(b), "--out", str(out), "-q"],
                                 cwd=ROOT, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        child.kill()
        child.wait()
        assert _one_complete_run(out) in ("a", "b")
    # the killed runs' pool workers do not outlive them
    deadline = time.monotonic() + 10
    while _processes_running(str(b)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _processes_running(str(b)) == []
    # two runs into one folder at once
    both = [subprocess.Popen([sys.executable, "-m", "opmap.cli", "run", str(c), "--out", str(out), "-q"],
                             cwd=ROOT, stderr=subprocess.PIPE, text=True) for c in (a, b)]
    for child in both:
        assert child.wait(timeout=300) == 0, child.stderr.read() if child.stderr else ""
    assert _one_complete_run(out) in ("a", "b")
    assert opmap("run", str(b), "--out", str(out), "-q").returncode == 0
    assert _one_complete_run(out) == "b"
    assert _temporaries(out) == []


def _processes_running(argument: str) -> list[int]:
    """The processes whose command line holds `argument` (Linux /proc; [] elsewhere)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if argument.encode() in words:
            found.append(int(entry.name))
    return found


def test_user_files_in_the_output_folder_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "maps"
    out.mkdir()
    write(out / "my-notes.txt", "keep me")
    run([_corpus(tmp_path / "a", "a", 1)], out)
    assert (out / "my-notes.txt").read_text(encoding="utf-8") == "keep me"


def test_formula_cells_are_neutralised_in_the_csv(tmp_path: Path) -> None:
    write(tmp_path / "r.txt", "title: =HYPERLINK(\"http://example.invalid\",\"x\")\nsource: @SUM(1+1)\n"
                              "url: -2+3\n\nTroops cleared 30 square kilometres south of Makhmour on 3 May 2017.")
    run([tmp_path / "r.txt"], tmp_path / "out")
    text = (tmp_path / "out" / "operations.csv").read_text(encoding="utf-8")
    cells = [c.strip('"') for line in text.splitlines()[1:] for c in re.split(r',(?=(?:[^"]*"[^"]*")*[^"]*$)', line)]
    assert any(c.startswith("'@SUM") for c in cells), cells
    assert not any(c[:1] in ("=", "+", "-", "@") for c in cells if c and not _number(c)), cells


def _number(cell: str) -> bool:
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False
