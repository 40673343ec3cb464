"""Publishing: layers as GeoDataFrames, written as GeoJSON, GeoPackage, GeoParquet and an HTML map.

Results arrive in chunks (`Publisher.add`) and are written as they come, so memory stays bounded by a
chunk whatever the corpus: GeoJSON features are appended, GeoPackage tables grow, GeoParquet gets a
part per chunk. Operations and distinct places wait for `finish`, when grouping has named the
operations and every report has been counted. Every file is written to a temporary name beside its
target and renamed into place, so an interrupted run never leaves a half-written output behind, and
an earlier output stays whole.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from opmap.errors import OpmapError
from opmap.model import ArticleResult
from opmap.publish.files import (
    CSVStream,
    GeoJSONStream,
    GeoPackageStream,
    GeoParquetStream,
    geojson_part,
    write_geojson,
    write_too_large_page,
)
from opmap.publish.layers import (
    DistinctPlaces,
    area_layer,
    distinct_place_layer,
    place_layer,
    report_table,
    uncertainty_layer,
    without_provenance,
    zone_layer,
)
from opmap.publish.operations import DISPUTE_COLUMNS, acled_table, disputes, event_numbers, operation_layer
from opmap.publish.output_folder import replaced_as_a_set
from opmap.publish.qgis_project import write_project
from opmap.publish.styles import default_styles
from opmap.publish.web_map import WIDE_AREA_KM2, write_map
from opmap.spill import Spill
from opmap.zones import ZoneMap

GPKG_ORDER = ("zones", "places", "distinct_places", "areas", "operations", "uncertainty")
GEOMETRY_TYPES = {"places": "Point", "distinct_places": "Point", "areas": "Polygon", "operations": "Point",
                  "uncertainty": "Polygon"}
PROJECT_ORDER = ("operations", "distinct_places", "places", "areas", "uncertainty", "zones")  # top first
PROJECT_HIDDEN = ("places",)  # one row per report: drawn once per place by `distinct_places` instead
IN_IRAQ = ("kurdistan_region", "disputed", "federal_iraq")
FORMATS = ("geojson", "gpkg", "csv", "qgis", "html", "parquet")
DEFAULT_FORMATS = ("geojson", "gpkg", "csv", "qgis", "html")
# Past this many reports one HTML map is too heavy for a browser; the page then points to the
# GeoPackage / GeoParquet instead.
MAP_LIMIT_REPORTS = 20_000
STREAMED = ("places", "areas", "uncertainty")
FLUSH_REPORTS = 1_000  # reports per write: each write to a GeoPackage has a fixed cost


def build_layers(results: Sequence[ArticleResult], zones: ZoneMap) -> dict[str, gpd.GeoDataFrame]:
    """The published layers as GeoDataFrames (EPSG:4326), by name: what the files hold, and what the
    Python API returns."""
    places, areas = place_layer(results), area_layer(results)
    return {"zones": zone_layer(zones), "places": places, "distinct_places": distinct_place_layer(places),
            "areas": areas,
            "operations": operation_layer(results, zones), "uncertainty": uncertainty_layer(areas)}


def reported_extent(layers: dict[str, gpd.GeoDataFrame], area_bounds: Sequence[float] | None = None,
                    operation_bounds: Sequence[float] | None = None) -> tuple[float, float, float, float] | None:
    """West, south, east, north of what was reported: the areas (but campaign-scale figures) and the
    operations in Iraq's zones, else the places there (a country's or a river's representative point
    would stretch the view). `area_bounds`, `operation_bounds`: the bounds of the areas and of the
    operations in Iraq's zones already written (a run published in chunks)."""
    areas, operations = layers["areas"], layers["operations"]
    if len(areas) and "area_km2" in areas.columns:
        areas = areas[~(areas["area_km2"].astype(float) > WIDE_AREA_KM2)]
    if len(operations):
        operations = operations[operations["zone"].isin(IN_IRAQ)]
    shapes = [g for frame in (areas, operations) for g in frame.geometry if g is not None and not g.is_empty]
    for bounds in (area_bounds, operation_bounds):
        if bounds is not None:
            shapes.append(shapely.box(*bounds))
    if not shapes:
        places = layers["distinct_places"]
        shapes = [g for g, zone in zip(places.geometry, places["shown_as"], strict=True)
                  if zone in IN_IRAQ] if len(places) else []
    if not shapes:
        return None
    west, south, east, north = (float(v) for v in gpd.GeoSeries(shapes).total_bounds)
    margin = max(0.08 * max(east - west, north - south), 0.05)
    return west - margin, south - margin, east + margin, north + margin


def chunk_layers(results: Sequence[ArticleResult], zones: ZoneMap,
                 formats: Sequence[str] = DEFAULT_FORMATS) -> dict[str, Any]:
    """The rows a chunk of results adds to each streamed layer, and, when the run writes GeoJSON, those
    rows already written as GeoJSON features (`geojson`): built where the chunk was processed (a
    worker), so the process that writes the files only writes."""
    places, areas = place_layer(results), area_layer(results)
    layers = {"places": places, "areas": areas, "uncertainty": uncertainty_layer(areas),
              "operations": operation_layer(results, zones, range(len(results))), "reports": report_table(results)}
    if "geojson" in formats:
        layers["geojson"] = {name: geojson_part(layers[name]) for name in STREAMED}
    return layers


class Publisher:
    """Writes the layers of a run chunk by chunk; `finish` adds operations, distinct places, styles,
    the QGIS project and the map."""

    def __init__(self, zones: ZoneMap, out: Path, formats: Sequence[str] = DEFAULT_FORMATS, cdn: bool = False,
                 map_limit: int | None = None) -> None:
        unknown = set(formats) - set(FORMATS)
        if unknown:
            raise OpmapError(f"unknown output format(s) {', '.join(sorted(unknown))} (known: {', '.join(FORMATS)})")
        if "parquet" in formats:
            import importlib.util

            if importlib.util.find_spec("pyarrow") is None:
                raise OpmapError("--format parquet needs pyarrow: pip install 'opmap[parquet]'")
        # every file goes into a staging folder that replaces `out` as a set when the run is finished
        self.target = out
        self.folder = ExitStack()
        staging = self.folder.enter_context(replaced_as_a_set(out))
        self.out, self.zones, self.formats, self.cdn = staging, zones, tuple(formats), cdn
        self.map_limit = map_limit if map_limit is not None else MAP_LIMIT_REPORTS
        self.zone_frame = zone_layer(zones)
        self.reports = 0
        self.pending: list[dict[str, Any]] = []
        self.pending_reports = 0
        self.area_bounds: list[float] | None = None
        # operation rows wait on disk for their operation ids (known once every report is in)
        self.operations = Spill(staging)
        self.distinct = DistinctPlaces()
        # the rows a map draws (up to map_limit reports) wait on disk too, read back only to build the map
        self.for_map: Spill | None = Spill(staging)
        self.geojson = {name: GeoJSONStream(staging / f"{name}.geojson") for name in STREAMED} \
            if "geojson" in formats else {}
        self.gpkg = GeoPackageStream(staging / "opmap.gpkg") if "gpkg" in formats or "qgis" in formats else None
        if self.gpkg is not None:
            for name in GPKG_ORDER:  # every table made now, in this order; rows (and fields) come later
                if name == "zones":
                    self.gpkg.add(name, self.zone_frame)
                else:
                    self.gpkg.create(name, GEOMETRY_TYPES[name])
        self.parquet = {name: GeoParquetStream(staging / f"{name}.parquet")
                        for name in (*STREAMED, "reports")} if "parquet" in formats else {}

    def add(self, results: Sequence[ArticleResult], numbers: Sequence[int] | None = None,
            layers: dict[str, Any] | None = None) -> None:
        """Take results to publish (`numbers`: each one's place in the run, default counting on from the
        last) and, when a worker built them, their `chunk_layers`; they are written once FLUSH_REPORTS
        have gathered."""
        if layers is None:
            layers = chunk_layers(results, self.zones, self.formats)
        start = self.reports + self.pending_reports
        numbers = list(numbers) if numbers is not None else list(range(start, start + len(results)))
        ops = layers["operations"]
        if len(ops):
            ops = ops.copy()
            ops["_report"] = [numbers[int(i)] for i in ops["_report"]]
            layers["operations"] = ops
        self.pending.append(layers)
        self.pending_reports += len(results)
        if self.pending_reports >= FLUSH_REPORTS:
            self.flush()

    def flush(self) -> None:
        chunks, self.pending, self.pending_reports = self.pending, [], 0
        if not chunks:
            return
        places = _concat([c["places"] for c in chunks], chunks[0]["places"])
        areas = _concat([c["areas"] for c in chunks], chunks[0]["areas"])
        layers = {"places": places, "areas": areas,
                  "uncertainty": _concat([c["uncertainty"] for c in chunks], chunks[0]["uncertainty"])}
        operations = _concat([c["operations"] for c in chunks], chunks[0]["operations"])
        if len(operations):
            self.operations.add(operations)
        self.distinct.add(places)
        reports = pd.concat([c["reports"] for c in chunks], ignore_index=True)
        n_reports = len(reports)
        for name, stream in self.geojson.items():
            for chunk in chunks:  # chunk_layers wrote each chunk's features (the run writes GeoJSON)
                stream.add(chunk["geojson"][name])
        if self.gpkg is not None:
            for name in STREAMED:
                self.gpkg.add(name, without_provenance(layers[name]))
            self.gpkg.add_table("reports", reports)
        for name, parquet in self.parquet.items():
            parquet.add(reports if name == "reports" else without_provenance(layers[name]))
        if len(areas) and "area_km2" in areas.columns:
            drawn = areas[~(areas["area_km2"].astype(float) > WIDE_AREA_KM2)]
            shapes = [g for g in drawn.geometry if g is not None and not g.is_empty]
            if shapes:
                b = [float(v) for v in gpd.GeoSeries(shapes).total_bounds]
                self.area_bounds = b if self.area_bounds is None else [
                    min(self.area_bounds[0], b[0]), min(self.area_bounds[1], b[1]),
                    max(self.area_bounds[2], b[2]), max(self.area_bounds[3], b[3])]
        self.reports += n_reports
        if self.for_map is not None:
            if "html" in self.formats and self.reports <= self.map_limit:
                self.for_map.add(layers)
            else:
                self.for_map.close()
                self.for_map = None

    def finish(self, operation_ids: Sequence[str] | None = None, control_line: dict[str, Any] | None = None,
               progress: Callable[[str], None] | None = None,
               area_flags: dict[tuple[str, str, float | None], str] | None = None) -> list[Path]:
        """Name the operations (one id per report of the run, in order), write the operation files,
        distinct places, styles, QGIS project and map, and rename every streamed file into place."""
        self.flush()
        run = self._operations_of_the_run(operation_ids)
        operations = _OperationWriters(self, operation_ids, run)
        distinct = self.distinct.frame()
        empty = operation_layer([], self.zones).iloc[:0]  # the styles of streamed layers need only their names
        dated = pd.DataFrame({"event_date": sorted(run.dates)})  # what the operations' style reads
        layers = {"zones": self.zone_frame, "operations": dated, "distinct_places": distinct,
                  "places": empty, "areas": empty, "uncertainty": empty}
        styles = default_styles(layers)
        written: list[Path] = []
        for name in STREAMED:
            if name in self.geojson:
                written.append(self.geojson[name].close(area_flags if name == "areas" else None))
        if self.gpkg is not None:
            self.gpkg.add("distinct_places", distinct)
        files = operations.write()  # format -> the operation file written
        self.operations.close()
        if "geojson" in self.formats:
            written += [write_geojson(self.zone_frame, self.out / "zones.geojson"), files["geojson"]]
        if "csv" in files:
            written.append(files["csv"])
        if progress:
            progress("geojson")
        if self.gpkg is not None:
            if area_flags:
                self.gpkg.set_flags("areas", area_flags)
            gpkg = self.gpkg.close({name: (style.qml(), style.description) for name, style in styles.items()})
            written.append(gpkg)
            if "qgis" in self.formats:
                extent = reported_extent({"areas": empty, "operations": empty, "distinct_places": distinct},
                                         self.area_bounds, run.bounds)
                written.append(write_project(self.out / "opmap.qgs", gpkg, PROJECT_ORDER, styles, extent,
                                             PROJECT_HIDDEN))
        if progress:
            progress("gpkg")
        if self.parquet:
            for parquet in self.parquet.values():
                written.append(parquet.close())
            written.append(files["parquet"])
            written.append(GeoParquetStream(self.out / "distinct_places.parquet").write_whole(distinct))
            written.append(GeoParquetStream(self.out / "zones.parquet").write_whole(self.zone_frame))
        if "html" in self.formats:
            if self.for_map is not None:
                drawn: dict[str, list[gpd.GeoDataFrame]] = {"places": [], "areas": [], "uncertainty": []}
                for spilled in self.for_map:
                    for name, frame in spilled.items():
                        drawn[name].append(frame)
                self.for_map.close()
                places = _concat(drawn["places"], place_layer([]))
                areas = _concat(drawn["areas"], area_layer([]))
                if area_flags and len(areas):
                    areas["flag"] = [area_flags.get((a, q, k), f) for a, q, k, f in
                                     zip(areas["article"], areas["quote"], areas["area_km2"], areas["flag"], strict=True)]
                uncertainty = _concat(drawn["uncertainty"], uncertainty_layer(area_layer([])))
                written.append(write_map(places, areas, self.zone_frame, self.out / "map.html",
                                         operations=_concat(operations.for_map, empty), control_line=control_line,
                                         uncertainty=uncertainty, distinct_places=distinct, cdn=self.cdn))
            else:
                others = [f for f in ("opmap.gpkg", "opmap.qgs", "places.parquet") if (self.out / f).exists()]
                written.append(write_too_large_page(self.out / "map.html", self.reports, self.map_limit, others))
        if progress:
            progress("map")
        if self.for_map is not None:
            self.for_map.close()
        self.folder.close()  # the staging folder becomes `out`
        return [self.target / path.name for path in written]

    def _operations_of_the_run(self, operation_ids: Sequence[str] | None) -> OperationsOfTheRun:
        """What the operation files need of every operation before any is written (a first pass over
        the spilled rows)."""
        run = OperationsOfTheRun()
        disputed = []
        for chunk in self._named_operations(operation_ids):
            run.articles.update(str(a) for a in chunk["article"])
            run.dates.update(d for d in chunk["event_date"] if isinstance(d, str))
            disputed.append(chunk[[c for c in DISPUTE_COLUMNS if c in chunk.columns]])
            in_iraq = chunk[chunk["zone"].isin(IN_IRAQ)]
            if len(in_iraq):
                b = [float(v) for v in in_iraq.geometry.total_bounds]
                run.bounds = b if run.bounds is None else [
                    min(run.bounds[0], b[0]), min(run.bounds[1], b[1]),
                    max(run.bounds[2], b[2]), max(run.bounds[3], b[3])]
        if disputed:
            run.disputed = disputes(pd.concat(disputed, ignore_index=True))
        return run

    def _named_operations(self, operation_ids: Sequence[str] | None) -> Iterator[gpd.GeoDataFrame]:
        """The spilled operation rows, chunk by chunk, each named (one id per report of the run, in order)."""
        for chunk in self.operations:
            if operation_ids is not None and "operation_id" in chunk.columns:
                named = chunk["operation_id"].notna()  # a report with an operation of its own
                if named.any():
                    chunk.loc[named, "operation_id"] = [operation_ids[i] for i in chunk.loc[named, "_report"]]
            yield chunk.drop(columns=["_report"], errors="ignore")

    def discard(self) -> None:
        """Drop every temporary file of an unfinished run; earlier outputs stay as they were."""
        self.operations.close()
        if self.for_map is not None:
            self.for_map.close()
        for stream in self.geojson.values():
            stream.discard()
        for parquet in self.parquet.values():
            parquet.discard()
        if self.gpkg is not None:
            self.gpkg.discard()
        self.folder.__exit__(OpmapError, OpmapError("the run did not finish"), None)  # out stays as it was


@dataclass
class OperationsOfTheRun:
    """What the operation files read of every operation of a run: report ids (their ACLED event ids),
    event days (the style's classes), the figures reports of one operation disagree on, the bounds of
    the operations in Iraq's zones."""

    articles: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    disputed: dict[str, str] = field(default_factory=dict)
    bounds: list[float] | None = None


class _OperationWriters:
    """The operation rows written chunk by chunk to every operation file the run asked for."""

    def __init__(self, publisher: Publisher, operation_ids: Sequence[str] | None, run: OperationsOfTheRun) -> None:
        self.publisher, self.operation_ids, self.run = publisher, operation_ids, run
        self.for_map: list[gpd.GeoDataFrame] = []  # kept only for a map, which holds a bounded number

    def write(self) -> dict[str, Path]:
        p = self.publisher
        event_id, stamp = event_numbers(self.run.articles), int(time.time())
        geojson = GeoJSONStream(p.out / "operations.geojson") if "geojson" in p.formats else None
        csv = CSVStream(p.out / "operations.csv") if "csv" in p.formats else None
        parquet = GeoParquetStream(p.out / "operations.parquet") if p.parquet else None
        chunks = 0
        try:
            for chunk in p._named_operations(self.operation_ids):
                chunks += 1
                if geojson is not None:
                    geojson.add(chunk)
                if csv is not None:
                    csv.add(acled_table(chunk, event_id, self.run.disputed, stamp))
                if p.gpkg is not None:
                    p.gpkg.add("operations", chunk)
                if parquet is not None:
                    parquet.add(chunk)
                if p.for_map is not None and "html" in p.formats:
                    self.for_map.append(chunk)
            if not chunks:  # no operations: the files hold none, with their fields
                empty = operation_layer([], p.zones)
                if csv is not None:
                    csv.add(acled_table(empty))
                if parquet is not None:
                    parquet.add(empty)
                if p.gpkg is not None:
                    p.gpkg.add("operations", empty)
            written = {}
            if geojson is not None:
                written["geojson"] = geojson.close()
            if csv is not None:
                written["csv"] = csv.close()
            if parquet is not None:
                written["parquet"] = parquet.close()
            return written
        except BaseException:
            for stream in (geojson, csv, parquet):
                if stream is not None:
                    stream.discard()
            raise


def _concat(frames: list[gpd.GeoDataFrame], empty: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=empty.crs)


def publish(results: Sequence[ArticleResult], zones: ZoneMap, out: Path,
            control_line: dict[str, Any] | None = None, cdn: bool = False,
            formats: Sequence[str] = DEFAULT_FORMATS) -> list[Path]:
    """Write one GeoJSON per layer, operations.csv, opmap.gpkg with default styles, opmap.qgs and
    map.html (Leaflet and every script inlined, unless `cdn`: then from CDNs) to `out` in one go,
    replacing the folder's earlier outputs as a set (see opmap.publish.output_folder)."""
    publisher = Publisher(zones, out, formats, cdn)
    try:
        publisher.add(results)
        return publisher.finish(None, control_line)
    except BaseException:
        publisher.discard()
        raise
