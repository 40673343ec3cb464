"""The command line: one clear line per bad input, the rest still mapped, outputs never half-written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write


def opmap(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "opmap.cli", *args], capture_output=True, text=True,
                          timeout=300, check=False)


def test_bad_inputs_are_named_and_good_reports_still_mapped(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    write(reports / "good.txt", "published: 2018-07-19\n\nPeshmerga cleared 30 km² south of Makhmour on Monday.")
    write(reports / "empty.txt", "")
    (reports / "binary.txt").write_bytes(bytes(range(256)))
    (reports / "latin1.txt").write_bytes("Clashes near Kirkuk \xe9".encode("latin-1"))
    write(reports / "nodate.txt", "published: the other day\n\nShelling hit Tuz Khurmatu on Monday.")
    write(reports / "noplace.txt", "Nothing of note happened on Monday.")
    out = tmp_path / "out"
    result = opmap("run", str(reports), str(tmp_path / "missing.txt"), "--out", str(out))
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert all(line.startswith("opmap: ") for line in lines)
    assert "Traceback" not in result.stderr
    expected = {"empty.txt": "empty file", "binary.txt": "binary file", "latin1.txt": "not valid UTF-8",
                "missing.txt": "no such file", "nodate.txt": "unreadable published date",
                "noplace.txt": "no place names"}
    for name, problem in expected.items():
        assert sum(name in line and problem in line for line in lines) == 1, (name, lines)
    assert (out / "areas.geojson").exists() and (out / "map.html").exists()
    assert "good" in (out / "places.geojson").read_text(encoding="utf-8")


def test_run_with_nothing_readable_keeps_earlier_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    earlier = write(out / "places.geojson", '{"type": "FeatureCollection", "features": []}')
    write(tmp_path / "empty.txt", "")
    result = opmap("run", str(tmp_path / "empty.txt"), "--out", str(out))
    assert result.returncode == 2
    assert "nothing written" in result.stderr
    assert earlier.read_text(encoding="utf-8") == '{"type": "FeatureCollection", "features": []}'


def test_bad_user_gazetteer_is_one_line_and_the_run_goes_on(tmp_path: Path) -> None:
    table = write(tmp_path / "extra.csv", "name,lat\nSomewhere,not-a-number\n")
    result = opmap("run", "--gazetteer", str(table), "--out", str(tmp_path / "o"))
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if "extra.csv" in line]
    assert len(problems) == 1 and "lacks column(s) lon" in problems[0]
    assert "Traceback" not in result.stderr
    assert (tmp_path / "o" / "map.html").is_file()


def test_user_gazetteer_takes_precedence(tmp_path: Path) -> None:
    table = write(tmp_path / "extra.csv", "name,alt_names,type,lat,lon\nZarqa Tepe,Zarka Tepe,settlement,35.61,44.21\n")
    write(tmp_path / "r.txt", "published: 2018-07-19\n\nClashes hit Zarka Tepe on Monday.")
    out = tmp_path / "o"
    result = opmap("run", str(tmp_path / "r.txt"), "--gazetteer", str(table), "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = (out / "places.geojson").read_text(encoding="utf-8")
    assert "Zarqa Tepe" in text and "44.21" in text


def test_version_and_python_dash_m() -> None:
    import opmap as package

    for command in (["opmap.cli"], ["opmap"]):
        result = subprocess.run([sys.executable, "-m", *command, "--version"], capture_output=True, text=True,
                                timeout=60, check=False)
        assert result.returncode == 0 and result.stdout.strip() == f"opmap {package.__version__}"


def test_no_path_maps_the_shipped_examples_into_maps_of_the_current_folder(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "opmap", "run", "-q"], capture_output=True, text=True,
                            timeout=300, check=False, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # -q: problems only
    written = {p.name for p in (tmp_path / "maps").iterdir()}
    assert {"map.html", "places.geojson", "areas.geojson", "zones.geojson", "operations.geojson",
            "uncertainty.geojson", "operations.csv", "opmap.gpkg", "opmap.qgs"} <= written
    assert "makhmour" in (tmp_path / "maps" / "places.geojson").read_text(encoding="utf-8")


def test_a_folder_without_reports_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("not a report", encoding="utf-8")
    result = opmap("run", str(tmp_path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(tmp_path) in lines[0] and ".txt, .html or .jsonl" in lines[0], lines
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [["run"], ["zones", "build"], ["zones", "fetch"], ["zones", "as-of"],
                                     ["gazetteer", "import-geonames"]])
def test_every_command_takes_quiet_and_verbose(command: list[str]) -> None:
    from opmap.cli import _parser

    text = _parser()._subparsers._group_actions[0].choices[command[0]].format_help()  # type: ignore[union-attr]
    if len(command) == 2:
        sub = _parser()._subparsers._group_actions[0].choices[command[0]]  # type: ignore[union-attr]
        text = sub._subparsers._group_actions[0].choices[command[1]].format_help()  # type: ignore[union-attr]
    assert "-q, --quiet" in text and "-v, --verbose" in text


def test_verbose_adds_debug_lines(tmp_path: Path) -> None:
    write(tmp_path / "r.txt", "published: 2018-07-19\n\nClashes hit Kirkuk on Monday.")
    quiet = opmap("run", str(tmp_path / "r.txt"), "--out", str(tmp_path / "o"), "-q")
    verbose = opmap("run", str(tmp_path / "r.txt"), "--out", str(tmp_path / "o"), "-v")
    assert quiet.returncode == verbose.returncode == 0
    assert quiet.stdout == quiet.stderr == ""  # no terminal: no progress bar either
    assert any(line.startswith("opmap: debug: ") for line in verbose.stderr.splitlines()), verbose.stderr
