"""GeoJSON (RFC 7946) and GeoPackage 1.2 files, written with pyogrio via a temporary name."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from opmap.errors import OpmapError

# pyogrio writes through Arrow when pyarrow is installed (the same bytes, about three times faster);
# pyarrow is an extra (opmap[parquet]), so without it the plain writer is used.
USE_ARROW = importlib.util.find_spec("pyarrow") is not None


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

    safe = _csv_safe(frame)
    return atomic_write(target, lambda path: _write_csv(safe, path))


def _csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    safe = frame.copy()
    geometry = safe.geometry.name if isinstance(safe, gpd.GeoDataFrame) else None
    for column in safe.columns:
        if column != geometry and not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(neutralised)
    return safe


def _write_csv(safe: pd.DataFrame, path: Path) -> None:
    if isinstance(safe, gpd.GeoDataFrame):
        pyogrio.write_dataframe(safe, path, driver="CSV", GEOMETRY="AS_WKT")
    else:
        pyogrio.write_dataframe(safe, path, driver="CSV")


class CSVStream:
    """A CSV table (as `write_csv` writes it) grown chunk by chunk: GDAL writes each chunk, whose rows
    are appended under the first chunk's header to one temporary file, renamed over the target on
    `close`. Every chunk must have the same columns."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.temporary = _temporary_beside(target)
        self.scratch = _temporary_beside(target)
        self.handle = self.temporary.open("w", encoding="utf-8", newline="")
        self.rows = 0

    def add(self, frame: pd.DataFrame) -> None:
        if not len(frame) and self.rows:
            return
        _write_csv(_csv_safe(frame), self.scratch)
        with self.scratch.open(encoding="utf-8", newline="") as written:
            text = written.read()
        self.scratch.unlink(missing_ok=True)
        if self.rows or self.handle.tell():
            text = text[text.index("\n") + 1:] if "\n" in text else ""  # the header is written once
        self.handle.write(text)
        self.rows += len(frame)

    def close(self) -> Path:
        self.handle.close()
        os.replace(self.temporary, self.target)
        return self.target

    def discard(self) -> None:
        self.handle.close()
        self.temporary.unlink(missing_ok=True)
        self.scratch.unlink(missing_ok=True)


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


GEOJSON_OPTIONS = {"RFC7946": "YES", "COORDINATE_PRECISION": 6, "WRITE_NAME": "NO"}
FEATURES_START = '"features": [\n'
FEATURES_END = "\n]\n}\n"


def _temporary_beside(target: Path, directory: bool = False) -> Path:
    if directory:
        return Path(tempfile.mkdtemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent))
    handle, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
    os.close(handle)
    Path(name).unlink()
    return Path(name)


ARTICLE_KEY = '"article": '
_JSON_VALUE = json.JSONDecoder()


def _article_of(feature: str) -> str | None:
    """The `article` property of a GeoJSON feature written on one line, read without parsing the rest."""
    at = feature.find(ARTICLE_KEY)
    if at < 0:
        return None
    try:
        value, _ = _JSON_VALUE.raw_decode(feature, at + len(ARTICLE_KEY))
    except ValueError:
        return None
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class GeoJSONPart:
    """Some features of a FeatureCollection as GDAL writes them (one per line, joined by ',\n'), with the
    collection's opening: what a worker hands the process that writes the file."""

    opening: str
    features: str
    count: int


def geojson_part(frame: gpd.GeoDataFrame) -> GeoJSONPart:
    """The frame's features written by GDAL in memory, with the same writer and options as
    `write_geojson` (through Arrow: the same bytes as the row-by-row writer, about three times faster)."""
    if not len(frame):
        return GeoJSONPart("", "", 0)
    buffer = io.BytesIO()
    pyogrio.write_dataframe(frame, buffer, driver="GeoJSON", use_arrow=USE_ARROW, **GEOJSON_OPTIONS)
    text = buffer.getvalue().decode("utf-8")
    start, end = text.index(FEATURES_START) + len(FEATURES_START), text.rindex(FEATURES_END)
    return GeoJSONPart(text[:start], text[start:end], len(frame))


class GeoJSONStream:
    """One RFC 7946 FeatureCollection grown chunk by chunk: GDAL writes each chunk's features (the
    same writer and options as `write_geojson`), in this process or in a worker (`GeoJSONPart`), and
    they are appended to one temporary file, renamed over the target on `close`."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.temporary = _temporary_beside(target)
        self.handle = self.temporary.open("w", encoding="utf-8")
        self.features = 0

    def add(self, frame: gpd.GeoDataFrame | GeoJSONPart) -> None:
        part = frame if isinstance(frame, GeoJSONPart) else geojson_part(frame)
        if not part.count:
            return
        self.handle.write(part.opening if self.features == 0 else ",\n")
        self.handle.write(part.features)
        self.features += part.count

    def close(self, flags: Mapping[tuple[str, str, float | None], str] | None = None) -> Path:
        """Finish the file; `flags`: (article, quote, area_km2) -> the `flag` an area's row takes now
        that every report is in (conflicting figures)."""
        if self.features and flags:
            self.handle.flush()
            self._amend(flags)
        if self.features == 0:
            self.handle.close()
            self.temporary.unlink(missing_ok=True)
            from opmap.publish.layers import _empty

            return write_geojson(_empty(("article",)), self.target)
        self.handle.write(FEATURES_END)
        self.handle.close()
        os.replace(self.temporary, self.target)
        return self.target

    def _amend(self, flags: Mapping[tuple[str, str, float | None], str]) -> None:
        """Rewrite the features whose flag changed (one feature per line), the others byte for byte. Each
        line's report id is read where GDAL put it and looked up in a set: one pass, however many flags."""
        articles = {article for article, _, _ in flags}
        self.handle.close()
        amended = self.temporary.with_name(self.temporary.name + ".amended")
        with self.temporary.open(encoding="utf-8") as source, amended.open("w", encoding="utf-8") as target:
            for line in source:
                body = line.rstrip("\n")
                comma = body.endswith(",")
                text = body[:-1] if comma else body
                if text.startswith('{ "type": "Feature"') and _article_of(text) in articles:
                    feature = json.loads(text)
                    props = feature["properties"]
                    key = (props.get("article"), props.get("quote"), props.get("area_km2"))
                    if key in flags:
                        props["flag"] = flags[key]
                        text = json.dumps(feature, ensure_ascii=False)
                target.write(text + ("," if comma else "") + ("\n" if line.endswith("\n") else ""))
        os.replace(amended, self.temporary)
        self.handle = self.temporary.open("a", encoding="utf-8")

    def discard(self) -> None:
        self.handle.close()
        self.temporary.unlink(missing_ok=True)


def _flat(frame: gpd.GeoDataFrame | pd.DataFrame) -> gpd.GeoDataFrame | pd.DataFrame:
    """Lists as '; '-joined text, for formats whose columns hold one value."""
    flat = frame.copy()
    for column in flat.columns:
        if column != "geometry" and flat[column].dtype == object and \
                flat[column].map(lambda v: isinstance(v, list)).any():
            flat[column] = flat[column].map(lambda v: "; ".join(v) if isinstance(v, list) else v)
    return flat


class GeoPackageStream:
    """A GeoPackage 1.2 whose tables are created first, in a fixed order, then grow chunk by chunk; a
    table gains a field the first time a chunk brings that column."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.temporary = _temporary_beside(target)
        self.fields: dict[str, set[str]] = {}

    def create(self, name: str, geometry_type: str) -> None:
        empty = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs="EPSG:4326"))
        pyogrio.write_dataframe(empty, self.temporary, layer=name, driver="GPKG", VERSION="1.2",
                                append=self.temporary.exists(), geometry_type=geometry_type)
        self.fields[name] = set()

    def add(self, name: str, frame: gpd.GeoDataFrame) -> None:
        if not len(frame) and self.temporary.exists():
            return
        flat = _flat(frame)
        if name in self.fields:
            self._add_fields(name, flat)
        pyogrio.write_dataframe(flat, self.temporary, layer=name, driver="GPKG", VERSION="1.2",
                                append=self.temporary.exists(), use_arrow=USE_ARROW)
        self.fields[name] = {c for c in flat.columns if c != "geometry"}

    def _add_fields(self, name: str, frame: gpd.GeoDataFrame | pd.DataFrame) -> None:
        """Columns the table lacks, added as SQLite columns of the matching GeoPackage type."""
        import sqlite3

        missing = [c for c in frame.columns if c != "geometry" and c not in self.fields[name]]
        if not missing:
            return
        with sqlite3.connect(self.temporary) as db:
            for column in missing:
                kind = frame[column].dtype.kind
                sql_type = "INTEGER" if kind in "iu" else "REAL" if kind == "f" else \
                    "BOOLEAN" if kind == "b" else "TEXT"
                quoted = column.replace('"', '""')
                db.execute(f'ALTER TABLE "{name}" ADD COLUMN "{quoted}" {sql_type}')
        db.close()
        self.fields[name].update(missing)

    def set_flags(self, name: str, flags: Mapping[tuple[str, str, float | None], str]) -> None:
        """Set the `flag` of the rows (article, quote, area_km2) now that every report is in."""
        import sqlite3

        if "flag" not in self.fields.get(name, set()):
            return
        with sqlite3.connect(self.temporary) as db:
            # the GeoPackage's R-tree triggers name these SpatiaLite functions in their conditions; they
            # act only when a geometry or fid changes, which an update of `flag` never does
            db.create_function("ST_IsEmpty", 1, lambda _: 0)
            for function in ("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):
                db.create_function(function, 1, lambda _: None)
            # one indexed pass: a lookup per flag without an index would scan the whole table each time
            db.execute(f'CREATE INDEX "opmap_flag_lookup" ON "{name}" (article)')
            db.executemany(f'UPDATE "{name}" SET flag = ? WHERE article = ? AND quote = ? AND area_km2 IS ?',
                           [(flag, article, quote, km2) for (article, quote, km2), flag in flags.items()])
            db.execute('DROP INDEX "opmap_flag_lookup"')
        db.close()

    def add_table(self, name: str, frame: pd.DataFrame) -> None:
        """An attribute table without geometry (the reports' provenance)."""
        if len(frame):
            pyogrio.write_dataframe(frame, self.temporary, layer=name, driver="GPKG", VERSION="1.2", append=True,
                                    use_arrow=USE_ARROW)

    def close(self, styles: Mapping[str, tuple[str, str]] | None = None) -> Path:
        try:
            if styles:
                add_layer_styles(self.temporary, styles)
            os.replace(self.temporary, self.target)
        except Exception as exc:
            self.temporary.unlink(missing_ok=True)
            raise OpmapError(f"{self.target}: could not be written ({exc}); the earlier file is unchanged") from exc
        return self.target

    def discard(self) -> None:
        self.temporary.unlink(missing_ok=True)


PARQUET_PART_ROWS = 200_000  # past this, a layer is a folder of parts (one per chunk), not one file


class GeoParquetStream:
    """A GeoParquet 1.x layer written chunk by chunk: one file when it is small, else a folder of part
    files (one per chunk) with the same schema, which Dask, DuckDB, pyarrow and GDAL read as one
    dataset. Lists are '; '-joined and text columns typed as text, so every part has one schema."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.folder = _temporary_beside(target, directory=True)
        self.parts: list[Path] = []
        self.rows = 0

    def _write(self, frame: gpd.GeoDataFrame | pd.DataFrame, path: Path) -> None:
        flat = _flat(frame)
        for column in flat.columns:
            if column != "geometry" and flat[column].dtype == object:
                flat[column] = flat[column].astype("string")
        if isinstance(flat, gpd.GeoDataFrame):
            flat.to_parquet(path, index=False, schema_version="1.0.0")
        else:
            flat.to_parquet(path, index=False)

    def add(self, frame: gpd.GeoDataFrame | pd.DataFrame) -> None:
        if not len(frame) and self.parts:
            return
        part = self.folder / f"part-{len(self.parts):05d}.parquet"
        self._write(frame, part)
        self.parts.append(part)
        self.rows += len(frame)

    def write_whole(self, frame: gpd.GeoDataFrame) -> Path:
        self.add(frame)
        return self.close()

    def close(self) -> Path:
        import shutil

        if self.target.is_dir():
            shutil.rmtree(self.target)
        if len(self.parts) <= 1 or self.rows <= PARQUET_PART_ROWS:
            if len(self.parts) > 1:
                import pyarrow.parquet as pq

                merged = self.folder / "merged.parquet"
                tables = [pq.read_table(p) for p in self.parts]
                schema = _merged_geo_schema([t.schema for t in tables])
                with pq.ParquetWriter(merged, schema) as writer:
                    for table in tables:
                        writer.write_table(table.cast(schema))
                os.replace(merged, self.target)
            elif self.parts:
                os.replace(self.parts[0], self.target)
            shutil.rmtree(self.folder)
        else:
            if self.target.exists():
                self.target.unlink()
            os.replace(self.folder, self.target)
        return self.target

    def discard(self) -> None:
        import shutil

        shutil.rmtree(self.folder, ignore_errors=True)


def _merged_geo_schema(schemas: list[Any]) -> Any:
    """The first part's schema, its GeoParquet 'geo' metadata made true of every part: geometry types
    united, the per-part bounding box dropped (it is optional in GeoParquet 1.x)."""
    schema = schemas[0]
    metadata = dict(schema.metadata or {})
    if b"geo" in metadata:
        geo = json.loads(metadata[b"geo"])
        for name, column in geo.get("columns", {}).items():
            column.pop("bbox", None)
            kinds = set()
            for other in schemas:
                other_geo = json.loads((other.metadata or {}).get(b"geo", b"{}"))
                kinds.update(other_geo.get("columns", {}).get(name, {}).get("geometry_types", []))
            column["geometry_types"] = sorted(kinds)
        metadata[b"geo"] = json.dumps(geo).encode()
    return schema.with_metadata(metadata)


def write_too_large_page(target: Path, reports: int, limit: int, others: list[str]) -> Path:
    """A short page in place of a map too heavy for a browser, pointing to the files that hold it all."""
    from html import escape

    links = "".join(f'<li><a href="{escape(name)}">{escape(name)}</a></li>' for name in others)
    text = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>opmap: too large for one map</title>"
            f"</head><body><h1>Too large for one web map</h1><p>This run mapped {reports:,} reports; a "
            f"single HTML map stays usable up to about {limit:,}. Open the GeoPackage in QGIS (opmap.qgs "
            f"is styled for it), or read the GeoParquet with DuckDB, Dask or QGIS, or run opmap on a "
            f"smaller selection of reports for a web map.</p><ul>{links}</ul></body></html>\n")

    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    return atomic_write(target, write)
