"""GeoJSON (RFC 7946) and GeoPackage 1.2 files, written with pyogrio via a temporary name."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from opmap.errors import OpmapError


def atomic_write(target: Path, write: Callable[[Path], None]) -> Path:
    """Call `write(temporary_path)` and rename the result over `target` only if it succeeded."""
    handle, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    temporary.unlink()  # GDAL drivers want to create the file themselves
    try:
        write(temporary)
        os.replace(temporary, target)
    except Exception as exc:
        temporary.unlink(missing_ok=True)
        if isinstance(exc, OpmapError):
            raise
        raise OpmapError(f"{target}: could not be written ({exc}); the earlier file is unchanged") from exc
    return target


def write_geojson(frame: gpd.GeoDataFrame, target: Path) -> Path:
    def write(path: Path) -> None:
        pyogrio.write_dataframe(frame, path, driver="GeoJSON", RFC7946="YES", COORDINATE_PRECISION=6,
                                WRITE_NAME="NO")

    return atomic_write(target, write)


def write_geopackage(layers: Mapping[str, gpd.GeoDataFrame], target: Path,
                     styles: Mapping[str, tuple[str, str]] | None = None) -> Path:
    """GeoPackage 1.2 with one table per layer, in order, and their default QGIS styles (name → QML,
    description) in `layer_styles`."""
    def write(path: Path) -> None:
        for name, frame in layers.items():
            flat = frame.copy()
            for column in flat.columns:
                if column != "geometry" and flat[column].map(lambda v: isinstance(v, list)).any():
                    flat[column] = flat[column].map(lambda v: "; ".join(v) if isinstance(v, list) else v)
            pyogrio.write_dataframe(flat, path, layer=name, driver="GPKG", VERSION="1.2", append=path.exists())
        if styles:
            add_layer_styles(path, styles)

    return atomic_write(target, write)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: object) -> object:
    """A text cell a spreadsheet would read as a formula gets a leading apostrophe (OWASP's rule for
    CSV injection); everything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(frame: pd.DataFrame, target: Path) -> Path:
    """A CSV table (GDAL's CSV driver): a GeoDataFrame's geometry as a WKT column first; a plain table
    as its columns come (one of them may be a WKT string). Text cells that start like a formula
    (= + - @ tab CR) are neutralised."""

    safe = frame.copy()
    geometry = safe.geometry.name if isinstance(safe, gpd.GeoDataFrame) else None
    for column in safe.columns:
        if column != geometry and not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(neutralised)

    def write(path: Path) -> None:
        if isinstance(safe, gpd.GeoDataFrame):
            pyogrio.write_dataframe(safe, path, driver="CSV", GEOMETRY="AS_WKT")
        else:
            pyogrio.write_dataframe(safe, path, driver="CSV")

    return atomic_write(target, write)


def add_layer_styles(path: Path, styles: Mapping[str, tuple[str, str]]) -> None:
    """Store each layer's default QGIS style in the GeoPackage's `layer_styles` table, the table and
    columns QGIS itself reads and writes, marked `useAsDefault` so QGIS applies it on opening."""
    import pandas as pd

    now = pd.Timestamp.now(tz="UTC").tz_localize(None).floor("s")
    table = pd.DataFrame([{"f_table_catalog": "", "f_table_schema": "", "f_table_name": name,
                           "f_geometry_column": "geom", "styleName": name, "styleQML": qml, "styleSLD": "",
                           "useAsDefault": True, "description": description, "owner": "opmap", "ui": "",
                           "update_time": now} for name, (qml, description) in styles.items()])
    pyogrio.write_dataframe(table, path, layer="layer_styles", driver="GPKG", VERSION="1.2", append=True)
