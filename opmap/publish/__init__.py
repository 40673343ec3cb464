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
from opmap.publish.layers import area_layer, place_layer, uncertainty_layer, zone_layer
from opmap.publish.operations import acled_table, operation_layer
from opmap.publish.output_folder import replaced_as_a_set
from opmap.publish.qgis_project import write_project
from opmap.publish.styles import default_styles
from opmap.publish.web_map import write_map
from opmap.zones import ZoneMap

GPKG_ORDER = ("zones", "places", "areas", "operations", "uncertainty")  # tables, as the issue lists them
PROJECT_ORDER = ("operations", "places", "areas", "uncertainty", "zones")  # QGIS layer tree, top first


def publish(results: Sequence[ArticleResult], zones: ZoneMap, out: Path, self_contained: bool = False,
            control_line: dict[str, Any] | None = None) -> list[Path]:
    """Write one GeoJSON per layer, operations.csv, opmap.gpkg with default styles, opmap.qgs and
    map.html (with every script and style inlined when `self_contained`) to `out`, replacing the
    folder's earlier outputs as a set (see opmap.publish.output_folder)."""
    with replaced_as_a_set(out) as staging:
        written = _write_all(results, zones, staging, self_contained, control_line)
    return [out / path.name for path in written]


def _write_all(results: Sequence[ArticleResult], zones: ZoneMap, out: Path, self_contained: bool,
               control_line: dict[str, Any] | None) -> list[Path]:
    places, areas = place_layer(results), area_layer(results)
    layers = {"zones": zone_layer(zones), "places": places, "areas": areas,
              "operations": operation_layer(results, zones), "uncertainty": uncertainty_layer(areas)}
    styles = default_styles(layers)
    written = [write_geojson(layers[name], out / f"{name}.geojson")
               for name in ("places", "areas", "zones", "operations", "uncertainty")]
    written.append(write_csv(acled_table(layers["operations"]), out / "operations.csv"))
    gpkg = write_geopackage({name: layers[name] for name in GPKG_ORDER}, out / "opmap.gpkg",
                            {name: (style.qml(), style.description) for name, style in styles.items()})
    located = [g for g in [*areas.geometry, *places.geometry] if g is not None and not g.is_empty]
    bounds = gpd.GeoSeries(located).total_bounds if located else None
    extent = (bounds[0], bounds[1], bounds[2], bounds[3]) if bounds is not None else None
    written += [gpkg, write_project(out / "opmap.qgs", gpkg, PROJECT_ORDER, styles, extent),
                write_map(places, areas, layers["zones"], out / "map.html", operations=layers["operations"],
                          self_contained=self_contained, control_line=control_line)]
    return written
