"""Publishing: layers as GeoDataFrames, written as GeoJSON, GeoPackage and an HTML map.

Every file is written to a temporary name beside its target and renamed into place, so an
interrupted run never leaves a half-written output behind, and an earlier output stays whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from opmap.errors import OpmapError
from opmap.model import ArticleResult
from opmap.publish.files import write_geojson, write_geopackage
from opmap.publish.layers import area_layer, place_layer, zone_layer
from opmap.publish.web_map import write_map
from opmap.zones import ZoneMap


def publish(results: Sequence[ArticleResult], zones: ZoneMap, out: Path) -> list[Path]:
    """Write places.geojson, areas.geojson, opmap.gpkg and map.html to `out`."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OpmapError(f"{out}: cannot create the output folder ({exc.strerror})") from exc
    places, areas, zone_frame = place_layer(results), area_layer(results), zone_layer(zones)
    written = [
        write_geojson(places, out / "places.geojson"),
        write_geojson(areas, out / "areas.geojson"),
        write_geopackage({"places": places, "areas": areas, "zones": zone_frame}, out / "opmap.gpkg"),
        write_map(places, areas, zone_frame, out / "map.html"),
    ]
    return written
