"""The Python API: opmap.run on one path or many, out=None, GeoDataFrame layers; opmap.parse on text."""

from __future__ import annotations

import inspect
import json
import os
from pathlib import Path

import geopandas as gpd
import pytest

import opmap
from opmap.pipeline import EXAMPLES, RunResult
from tests.conftest import write

MAKHMOUR = EXAMPLES / "makhmour-2018-07-16.txt"
LAYERS = ("places", "areas", "operations", "zones", "uncertainty")


def test_public_names_are_typed_and_listed() -> None:
    assert set(opmap.__all__) >= {"run", "parse", "RunResult", "OfflineGeocoder", "__version__"}
    for name in ("run", "parse"):
        parameters = inspect.signature(getattr(opmap, name)).parameters.values()
        assert not any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters), name
        assert all(p.annotation is not inspect.Parameter.empty for p in parameters), name
    assert list(inspect.signature(opmap.parse).parameters) == ["text", "published", "title", "source", "url"]
    assert (Path(opmap.__file__).parent / "py.typed").is_file()


def test_one_path_as_a_string_is_one_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a string taken letter by letter would read files of this folder
    write(tmp_path / "m.txt", "Clashes near Kirkuk on Monday.")
    result = opmap.run(str(MAKHMOUR))
    assert isinstance(result, RunResult) and not result.errors
    assert [r.article.path for r in result.results] == [str(MAKHMOUR)]
    assert opmap.run(os.fspath(MAKHMOUR)).n_areas == opmap.run(MAKHMOUR).n_areas == 1


def test_many_paths_and_folders(tmp_path: Path) -> None:
    other = write(tmp_path / "tuz.txt", "published: 2016-05-02\n\nShelling hit Tuz Khurmatu on Sunday.")
    result = opmap.run([str(MAKHMOUR), other, tmp_path])
    assert sorted(Path(r.article.path).name for r in result.results) == [MAKHMOUR.name, "tuz.txt", "tuz.txt"]
    assert "tuz" in set(result.places["article"]) and len(set(result.places["article"])) == 2


def test_out_none_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = opmap.run([MAKHMOUR])
    assert result.written == [] and list(tmp_path.iterdir()) == []
    assert len(result.areas) == 1


def test_layers_are_geodataframes_in_4326_with_the_files_columns(example_run: RunResult, example_out: Path) -> None:
    for name in LAYERS:
        frame = getattr(example_run, name)
        assert isinstance(frame, gpd.GeoDataFrame), name
        assert frame.crs is not None and frame.crs.to_epsg() == 4326, name
        features = json.loads((example_out / f"{name}.geojson").read_text(encoding="utf-8"))["features"]
        assert len(frame) == len(features), name
        for feature in features:  # every property, in order (read as JSON: GDAL may skip list fields)
            assert [*feature["properties"], "geometry"] == list(frame.columns), name
    located = example_run.places.dropna(subset=["geometry"])
    # lon/lat order, inside the map extent (countries such as Iran are placed at their own points)
    assert located.geometry.x.between(35, 63).all() and located.geometry.y.between(12, 42).all()
    assert (example_run.areas["area_km2"].dropna() > 0).all()


def test_unreadable_inputs_are_errors_not_exceptions(tmp_path: Path) -> None:
    result = opmap.run([tmp_path / "missing.txt", MAKHMOUR])
    assert len(result.errors) == 1 and "missing.txt" in result.errors[0]
    assert len(result.results) == 1


def test_parse_maps_one_report_given_as_text() -> None:
    result = opmap.parse("Peshmerga forces cleared about 30 square kilometres south of Makhmour on Monday.",
                         published="2018-07-19", title="A test report", source="our words",
                         url="https://example.org/a")
    assert not result.errors and result.written == []
    area = result.areas.iloc[0]
    assert area["area_km2"] == 30 and area["direction"] == "S"
    assert area["event_date"] == "2018-07-16"  # the Monday before the publication date
    assert area["title"] == "A test report" and area["url"] == "https://example.org/a"
    assert result.places.crs.to_epsg() == 4326
    assert "Makhmur" in set(result.places["name"])


def test_parse_names_a_bad_date_as_a_warning() -> None:
    result = opmap.parse("Clashes were reported near Kirkuk.", published="the other day")
    assert any("the other day" in w for w in result.warnings)
    assert not result.errors and len(result.places) >= 1
