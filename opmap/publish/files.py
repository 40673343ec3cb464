"""GeoJSON (RFC 7946) and GeoPackage 1.2 files, written with pyogrio via a temporary name."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import geopandas as gpd
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


def write_geopackage(layers: Mapping[str, gpd.GeoDataFrame], target: Path) -> Path:
    def write(path: Path) -> None:
        for name, frame in layers.items():
            flat = frame.copy()
            for column in flat.columns:
                if column != "geometry" and flat[column].map(lambda v: isinstance(v, list)).any():
                    flat[column] = flat[column].map(lambda v: "; ".join(v) if isinstance(v, list) else v)
            pyogrio.write_dataframe(flat, path, layer=name, driver="GPKG", VERSION="1.2", append=path.exists())

    return atomic_write(target, write)
