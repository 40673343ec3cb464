"""Engines: a process pool and a local Dask cluster publish the same features as one process, in
the same order; bad engine settings are one clear error."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from opmap.errors import OpmapError
from opmap.pipeline import EXAMPLES, RunSummary, run

from .conftest import SHARED

DEV = Path(os.environ.get("OPMAP_DEV_CORPUS") or SHARED / "corpus" / "dev")
CORPUS = [DEV] if DEV.is_dir() else [EXAMPLES]  # the dev corpus when it is beside the checkout
LAYERS = ("places", "areas", "uncertainty", "operations", "zones")


def table(path: Path) -> object:
    import pandas as pd

    return pd.read_csv(path).drop(columns=["timestamp"], errors="ignore")  # ACLED's timestamp: when written


def features(out: Path) -> dict[str, list[dict[str, object]]]:
    return {name: json.loads((out / f"{name}.geojson").read_text(encoding="utf-8"))["features"]
            for name in LAYERS}


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunSummary, Path]:
    out = tmp_path_factory.mktemp("serial")
    return run(CORPUS, out, jobs=1), out


def test_process_pool_gives_the_same_features_in_the_same_order(serial: tuple[RunSummary, Path],
                                                                  tmp_path: Path) -> None:
    summary, out = serial
    pooled = run(CORPUS, tmp_path, jobs=2)
    assert pooled.n_reports == summary.n_reports > 0 and pooled.n_places == summary.n_places > 0
    assert features(tmp_path) == features(out)
    assert table(tmp_path / "operations.csv").equals(table(out / "operations.csv"))
    assert [r.article.id for r in pooled.results] == [r.article.id for r in summary.results]


def test_local_dask_cluster_gives_the_same_features(serial: tuple[RunSummary, Path], tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the dask extra is not installed (pip install 'opmap[dask]')")
    summary, out = serial
    on_dask = run(CORPUS, tmp_path, jobs=2, engine="dask")
    assert on_dask.n_reports == summary.n_reports
    assert features(tmp_path) == features(out)


def test_every_engine_names_operations_after_their_first_report(serial: tuple[RunSummary, Path]) -> None:
    summary, _ = serial
    order = {r.article.id: i for i, r in enumerate(summary.results)}
    for result in summary.results:
        if result.operation:
            named_after = [a for a in order if result.operation.operation_id.endswith(f"-{a}")]
            assert named_after and min(order[a] for a in named_after) <= order[result.article.id]


def test_small_chunks_and_flushes_change_nothing(serial: tuple[RunSummary, Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import opmap.engines
    import opmap.publish

    monkeypatch.setattr(opmap.engines, "CHUNK_REPORTS", 7)
    monkeypatch.setattr(opmap.publish, "FLUSH_REPORTS", 5)
    _, out = serial
    run(CORPUS, tmp_path, jobs=1)
    assert features(tmp_path) == features(out)


def test_bad_engine_settings_are_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OpmapError, match="at least 1"):
        run([EXAMPLES], tmp_path, jobs=0)
    with pytest.raises(OpmapError, match="needs --engine dask"):
        run([EXAMPLES], tmp_path, scheduler="tcp://127.0.0.1:1")
    assert not list(tmp_path.glob("*.geojson"))  # nothing half-written


def test_geoparquet_holds_the_layers_and_the_reports_table(tmp_path: Path) -> None:
    import geopandas as gpd
    import pandas as pd
    import pyarrow.parquet as pq

    summary = run([EXAMPLES], tmp_path, formats=["parquet"])
    places = gpd.read_parquet(tmp_path / "places.parquet")
    assert len(places) == summary.n_places and places.crs.to_epsg() == 4326
    geo = json.loads(pq.read_schema(tmp_path / "places.parquet").metadata[b"geo"])
    assert geo["version"].startswith("1.") and geo["primary_column"] == "geometry"
    reports = pd.read_parquet(tmp_path / "reports.parquet")
    assert set(places["article"]) <= set(reports["article"]) and "title" not in places.columns
    assert not (tmp_path / "places.geojson").exists()  # only the asked format


def test_geoparquet_past_a_part_size_is_a_folder_one_dataset(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import geopandas as gpd

    import opmap.engines
    import opmap.publish
    import opmap.publish.files

    monkeypatch.setattr(opmap.engines, "CHUNK_REPORTS", 2)
    monkeypatch.setattr(opmap.publish, "FLUSH_REPORTS", 2)
    monkeypatch.setattr(opmap.publish.files, "PARQUET_PART_ROWS", 5)
    summary = run([EXAMPLES], tmp_path, formats=["parquet"])
    folder = tmp_path / "places.parquet"
    assert folder.is_dir() and len(list(folder.glob("part-*.parquet"))) > 1
    assert len(gpd.read_parquet(folder)) == summary.n_places


def test_the_map_past_its_size_points_to_the_geopackage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import opmap.publish

    monkeypatch.setattr(opmap.publish, "MAP_LIMIT_REPORTS", 2)
    run([EXAMPLES], tmp_path)
    page = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert "Too large for one web map" in page and 'href="opmap.gpkg"' in page and "leaflet" not in page.lower()


def test_files_written_chunk_by_chunk_hold_the_layers_built_whole(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A run keeps little of each report: operation rows wait on disk for their ids, reports held back
    for dating wait on disk, places are summed compactly. Its files must still hold what the layers
    built at once from every result hold (`RunResult.layers`, written whole); only the order differs,
    as reports held back for dating are written last."""
    import pandas as pd
    import pyogrio

    import opmap.engines
    import opmap.pipeline
    import opmap.publish
    from opmap.publish.files import write_csv, write_geojson, write_geopackage
    from opmap.publish.operations import acled_table

    def rows(frame: pd.DataFrame) -> list[str]:  # each row as text, '; '-joined lists sorted, in sorted order
        return sorted(json.dumps({k: "; ".join(sorted(v.split("; "))) if isinstance(v, str) and "; " in v else
                                  str(v) for k, v in row.items()}, sort_keys=True)
                      for row in frame.to_dict("records"))

    monkeypatch.setattr(opmap.engines, "CHUNK_REPORTS", 3)
    monkeypatch.setattr(opmap.publish, "FLUSH_REPORTS", 2)
    monkeypatch.setattr(opmap.pipeline, "HELD_BATCH", 2)
    streamed, whole = tmp_path / "streamed", tmp_path / "whole"
    summary = run(CORPUS, streamed, jobs=1)
    layers = summary.layers()
    assert len(layers["operations"]) > 2 and len(layers["distinct_places"]) > 2
    whole.mkdir()
    for name in LAYERS:
        write_geojson(layers[name], whole / f"{name}.geojson")
    for name, found in features(streamed).items():
        assert sorted(map(json.dumps, found)) == sorted(map(json.dumps, features(whole)[name])), name
    write_csv(acled_table(layers["operations"]), whole / "operations.csv")
    assert rows(table(streamed / "operations.csv")) == rows(table(whole / "operations.csv"))  # type: ignore[arg-type]
    write_geopackage({"distinct_places": layers["distinct_places"], "operations": layers["operations"]},
                     whole / "opmap.gpkg")
    for name in ("distinct_places", "operations"):
        one, other = (pyogrio.read_dataframe(folder / "opmap.gpkg", layer=name) for folder in (streamed, whole))
        assert list(one.columns) == list(other.columns) and rows(one) == rows(other), name
