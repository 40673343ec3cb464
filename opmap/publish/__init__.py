"""Publishing: layers as GeoDataFrames, written as GeoJSON, GeoPackage, GeoParquet and an HTML map.

Results arrive in chunks (`Publisher.add`) and are written as they come, so memory stays bounded by a
chunk whatever the corpus: GeoJSON features are appended, GeoPackage tables grow, GeoParquet gets a
part per chunk. Operations wait for `finish`, when grouping has named them. Every file is written to
a temporary name beside its target and renamed into place, so an interrupted run never leaves a
half-written output behind, and an earlier output stays whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from opmap.errors import OpmapError
from opmap.model import ArticleResult
from opmap.publish.files import (
    GeoJSONStream,
    GeoPackageStream,
    GeoParquetStream,
    write_csv,
    write_geojson,
    write_too_large_page,
)
from opmap.publish.layers import (
    AREA_COLUMNS,
    PLACE_COLUMNS,
    UNCERTAINTY_COLUMNS,
    area_layer,
    place_layer,
    report_table,
    uncertainty_layer,
    without_provenance,
    zone_layer,
)
from opmap.publish.operations import OPERATION_COLUMNS, acled_table, operation_layer
from opmap.publish.qgis_project import write_project
from opmap.publish.styles import default_styles
from opmap.publish.web_map import write_map
from opmap.zones import ZoneMap

GPKG_ORDER = ("zones", "places", "areas", "operations", "uncertainty")  # tables, as the issue lists them
PROJECT_ORDER = ("operations", "places", "areas", "uncertainty", "zones")  # QGIS layer tree, top first
FORMATS = ("geojson", "gpkg", "csv", "qgis", "html", "parquet")
DEFAULT_FORMATS = ("geojson", "gpkg", "csv", "qgis", "html")
# Past this many reports one self-contained HTML map is too heavy for a browser; the page then points
# to the GeoPackage / GeoParquet instead.
MAP_LIMIT_REPORTS = 20_000
STREAMED = ("places", "areas", "uncertainty")
FLUSH_REPORTS = 1_000


class Publisher:
    """Writes the layers of a run chunk by chunk; `finish` adds operations, styles, project and map."""

    def __init__(self, zones: ZoneMap, out: Path, formats: Sequence[str] = DEFAULT_FORMATS,
                 self_contained: bool = False, map_limit: int | None = None) -> None:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OpmapError(f"{out}: cannot create the output folder ({exc.strerror})") from exc
        unknown = set(formats) - set(FORMATS)
        if unknown:
            raise OpmapError(f"unknown output format(s) {', '.join(sorted(unknown))} (known: {', '.join(FORMATS)})")
        if "parquet" in formats:
            import importlib.util

            if importlib.util.find_spec("pyarrow") is None:
                raise OpmapError("--format parquet needs pyarrow: pip install 'opmap[parquet]'")
        self.out, self.zones, self.formats = out, zones, tuple(formats)
        self.self_contained = self_contained
        self.map_limit = map_limit if map_limit is not None else MAP_LIMIT_REPORTS
        self.zone_frame = zone_layer(zones)
        self.reports = 0
        self.pending: list[ArticleResult] = []
        self.pending_first = 0
        self.bounds: list[float] | None = None
        self.operations: list[gpd.GeoDataFrame] = []
        self.for_map: dict[str, list[gpd.GeoDataFrame]] | None = {"places": [], "areas": []}
        self.geojson = {name: GeoJSONStream(out / f"{name}.geojson") for name in STREAMED} \
            if "geojson" in formats else {}
        self.gpkg = GeoPackageStream(out / "opmap.gpkg") if "gpkg" in formats or "qgis" in formats else None
        if self.gpkg is not None:
            from opmap.publish.layers import _empty

            schemas = {"places": (PLACE_COLUMNS, "Point"), "areas": (AREA_COLUMNS, "Polygon"),
                       "operations": (OPERATION_COLUMNS, "Point"), "uncertainty": (UNCERTAINTY_COLUMNS, "Polygon")}
            for name in GPKG_ORDER:  # every table made now, in order, so later rows only append
                if name == "zones":
                    self.gpkg.add(name, self.zone_frame)
                else:
                    columns, geometry = schemas[name]
                    empty = _empty(columns)  # operations, one row per report, keep their provenance
                    self.gpkg.create(name, empty if name == "operations" else without_provenance(empty), geometry)
        self.parquet = {name: GeoParquetStream(out / f"{name}.parquet")
                        for name in (*STREAMED, "reports")} if "parquet" in formats else {}

    def add(self, results: Sequence[ArticleResult], first_index: int) -> None:
        """Take one chunk of results (reports `first_index` ... in the run's order); they are written
        once FLUSH_REPORTS have gathered, as each write to a GeoPackage has a fixed cost."""
        if not self.pending:
            self.pending_first = first_index
        self.pending.extend(results)
        if len(self.pending) >= FLUSH_REPORTS:
            self.flush()

    def flush(self) -> None:
        results, first_index = self.pending, self.pending_first
        self.pending = []
        if not results:
            return
        places, areas = place_layer(results), area_layer(results)
        layers = {"places": places, "areas": areas, "uncertainty": uncertainty_layer(areas)}
        operations = operation_layer(results, self.zones, first_index)
        self.operations.append(operations)
        reports = report_table(results)
        for name, stream in self.geojson.items():
            stream.add(layers[name])
        if self.gpkg is not None:
            for name in STREAMED:
                self.gpkg.add(name, without_provenance(layers[name]))
            self.gpkg.add_table("reports", reports)
        for name, parquet in self.parquet.items():
            parquet.add(reports if name == "reports" else without_provenance(layers[name]))
        located = [g for g in [*areas.geometry, *places.geometry] if g is not None and not g.is_empty]
        if located:
            b = gpd.GeoSeries(located).total_bounds
            self.bounds = list(b) if self.bounds is None else [min(self.bounds[0], b[0]), min(self.bounds[1], b[1]),
                                                               max(self.bounds[2], b[2]), max(self.bounds[3], b[3])]
        self.reports += len(results)
        if self.for_map is not None:
            if "html" in self.formats and self.reports <= self.map_limit:
                self.for_map["places"].append(places)
                self.for_map["areas"].append(areas)
            else:
                self.for_map = None

    def finish(self, operation_ids: Sequence[str] | None = None, control_line: dict[str, Any] | None = None,
               progress: Callable[[str], None] | None = None) -> list[Path]:
        """Name the operations (one id per report of the run, in order), write the operation files,
        styles, QGIS project and map, and rename every streamed file into place."""
        self.flush()
        operations = pd.concat(self.operations, ignore_index=True) if self.operations else operation_layer([], self.zones)
        operations = gpd.GeoDataFrame(operations, geometry="geometry", crs=self.zone_frame.crs)
        if operation_ids is not None and len(operations):
            named = operations["operation_id"].notna()  # a report with an operation of its own
            operations.loc[named, "operation_id"] = [operation_ids[i] for i in operations.loc[named, "_report"]]
        operations = operations.drop(columns=["_report"], errors="ignore")
        layers: dict[str, gpd.GeoDataFrame] = {"zones": self.zone_frame, "operations": operations,
                                               "places": operations.iloc[:0], "areas": operations.iloc[:0],
                                               "uncertainty": operations.iloc[:0]}  # styles need only their names
        styles = default_styles(layers)
        written: list[Path] = []
        for name in STREAMED:
            if name in self.geojson:
                written.append(self.geojson[name].close())
        if "geojson" in self.formats:
            written += [write_geojson(self.zone_frame, self.out / "zones.geojson"),
                        write_geojson(operations, self.out / "operations.geojson")]
        if progress:
            progress("geojson")
        if "csv" in self.formats:
            written.append(write_csv(acled_table(operations), self.out / "operations.csv"))
        if self.gpkg is not None:
            self.gpkg.add("operations", operations)
            gpkg = self.gpkg.close({name: (style.qml(), style.description) for name, style in styles.items()})
            if "gpkg" in self.formats or "qgis" in self.formats:
                written.append(gpkg)
            if "qgis" in self.formats:
                extent = (self.bounds[0], self.bounds[1], self.bounds[2], self.bounds[3]) if self.bounds else None
                written.append(write_project(self.out / "opmap.qgs", gpkg, PROJECT_ORDER, styles, extent))
        if progress:
            progress("gpkg")
        if self.parquet:
            for parquet in self.parquet.values():
                written.append(parquet.close())
            written.append(GeoParquetStream(self.out / "operations.parquet").write_whole(operations))
            written.append(GeoParquetStream(self.out / "zones.parquet").write_whole(self.zone_frame))
        if "html" in self.formats:
            if self.for_map is not None:
                places = _concat(self.for_map["places"], place_layer([]))
                areas = _concat(self.for_map["areas"], area_layer([]))
                written.append(write_map(places, areas, self.zone_frame, self.out / "map.html",
                                         operations=operations, self_contained=self.self_contained,
                                         control_line=control_line))
            else:
                others = [f for f in ("opmap.gpkg", "places.parquet") if (self.out / f).exists()]
                written.append(write_too_large_page(self.out / "map.html", self.reports, self.map_limit, others))
        if progress:
            progress("map")
        return written

    def discard(self) -> None:
        """Drop every temporary file of an unfinished run; earlier outputs stay as they were."""
        for stream in self.geojson.values():
            stream.discard()
        for parquet in self.parquet.values():
            parquet.discard()
        if self.gpkg is not None:
            self.gpkg.discard()


def _concat(frames: list[gpd.GeoDataFrame], empty: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=empty.crs)


def publish(results: Sequence[ArticleResult], zones: ZoneMap, out: Path, self_contained: bool = False,
            control_line: dict[str, Any] | None = None,
            formats: Sequence[str] = DEFAULT_FORMATS) -> list[Path]:
    """Write one GeoJSON per layer, operations.csv, opmap.gpkg with default styles, opmap.qgs and
    map.html (with every script and style inlined when `self_contained`) to `out`, in one go."""
    publisher = Publisher(zones, out, formats, self_contained)
    try:
        publisher.add(results, 0)
        return publisher.finish(None, control_line)
    except BaseException:
        publisher.discard()
        raise
