"""Publishing: layers as GeoDataFrames, written as GeoJSON, GeoPackage and an HTML map.

Every file is written to a temporary name beside its target and renamed into place, so an
interrupted run never leaves a half-written output behind, and an earlier output stays whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd

from opmap.model import ArticleResult
from opmap.publish.files import write_csv, write_geojson, write_geopackage
from opmap.publish.layers import (
    area_layer,
    distinct_place_layer,
    place_layer,
    uncertainty_layer,
    zone_layer,
)
from opmap.publish.operations import acled_table, operation_layer
from opmap.publish.output_folder import replaced_as_a_set
from opmap.publish.qgis_project import write_project
from opmap.publish.styles import default_styles
from opmap.publish.web_map import WIDE_AREA_KM2, write_map
from opmap.zones import ZoneMap

GPKG_ORDER = ("zones", "places", "distinct_places", "areas", "operations", "uncertainty")
PROJECT_ORDER = ("operations", "distinct_places", "places", "areas", "uncertainty", "zones")  # top first
PROJECT_HIDDEN = ("places",)  # one row per report: drawn once per place by `distinct_places` instead
IN_IRAQ = ("kurdistan_region", "disputed", "federal_iraq")


def build_layers(results: Sequence[ArticleResult], zones: ZoneMap) -> dict[str, gpd.GeoDataFrame]:
    """The published layers as GeoDataFrames (EPSG:4326), by name: what the files hold, and what the
    Python API returns."""
    places, areas = place_layer(results), area_layer(results)
    return {"zones": zone_layer(zones), "places": places, "distinct_places": distinct_place_layer(places),
            "areas": areas,
            "operations": operation_layer(results, zones), "uncertainty": uncertainty_layer(areas)}


def reported_extent(layers: dict[str, gpd.GeoDataFrame]) -> tuple[float, float, float, float] | None:
    """West, south, east, north of what was reported: the areas (but campaign-scale figures) and the
    operations in Iraq's zones, else the places there (a country's or a river's representative point
    would stretch the view)."""
    areas, operations = layers["areas"], layers["operations"]
    if len(areas) and "area_km2" in areas.columns:
        areas = areas[~(areas["area_km2"].astype(float) > WIDE_AREA_KM2)]
    if len(operations):
        operations = operations[operations["zone"].isin(IN_IRAQ)]
    shapes = [g for frame in (areas, operations) for g in frame.geometry if g is not None and not g.is_empty]
    if not shapes:
        places = layers["distinct_places"]
        shapes = [g for g, zone in zip(places.geometry, places["shown_as"], strict=True)
                  if zone in IN_IRAQ] if len(places) else []
    if not shapes:
        return None
    west, south, east, north = (float(v) for v in gpd.GeoSeries(shapes).total_bounds)
    margin = max(0.08 * max(east - west, north - south), 0.05)
    return west - margin, south - margin, east + margin, north + margin


def publish(results: Sequence[ArticleResult], zones: ZoneMap, out: Path,
            control_line: dict[str, Any] | None = None, cdn: bool = False) -> list[Path]:
    """Write one GeoJSON per layer, operations.csv, opmap.gpkg with default styles, opmap.qgs and
    map.html (Leaflet and every script inlined, unless `cdn`: then from CDNs) to `out`, replacing the
    folder's earlier outputs as a set (see opmap.publish.output_folder)."""
    with replaced_as_a_set(out) as staging:
        written = _write_all(results, zones, staging, control_line, cdn)
    return [out / path.name for path in written]


def _write_all(results: Sequence[ArticleResult], zones: ZoneMap, out: Path,
               control_line: dict[str, Any] | None, cdn: bool) -> list[Path]:
    layers = build_layers(results, zones)
    places, areas = layers["places"], layers["areas"]
    styles = default_styles(layers)
    written = [write_geojson(layers[name], out / f"{name}.geojson")
               for name in ("places", "areas", "zones", "operations", "uncertainty")]
    written.append(write_csv(acled_table(layers["operations"]), out / "operations.csv"))
    gpkg = write_geopackage({name: layers[name] for name in GPKG_ORDER}, out / "opmap.gpkg",
                            {name: (style.qml(), style.description) for name, style in styles.items()})
    written += [gpkg, write_project(out / "opmap.qgs", gpkg, PROJECT_ORDER, styles, reported_extent(layers),
                                    PROJECT_HIDDEN),
                write_map(places, areas, layers["zones"], out / "map.html", operations=layers["operations"],
                          control_line=control_line, uncertainty=layers["uncertainty"],
                          distinct_places=layers["distinct_places"], cdn=cdn)]
    return written
