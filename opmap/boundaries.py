"""Authoritative boundaries in: an admin file's units matched to the zone table and dissolved to zones.

Any OGR-readable file of districts or sub-districts will do: OCHA COD-AB (matched by `ADM3_PCODE` /
`ADM2_PCODE`) or geoBoundaries (matched by `shapeName`, tolerant of spelling variants through
`opmap.spelling` and the table's `alt_names`). The result is a GeoJSON FeatureCollection of the three
zones (`approximate: false`) and, beside it, the district cells `opmap.control` uses to find who held
a place on a date. `fetch` downloads such a file first (urllib; only when the user asks).
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.base import BaseGeometry

from opmap.errors import DataError, OpmapError
from opmap.shipped import shipped
from opmap.spelling import key_similarity, name_key, skeleton
from opmap.zones import ZONE_NAMES, user_zones_path

ZONE_TABLE = shipped("zones", "districts.csv")
DECIMALS = 6
# Where `opmap zones fetch` downloads from when no --url is given. geoBoundaries' API answers with
# JSON naming the GeoJSON download; HDX's CKAN API lists the COD-AB resources (we take the
# sub-district GeoJSON, else the shapefile archive).
SOURCES = {
    "geoboundaries": "https://www.geoboundaries.org/api/current/gbOpen/IRQ/ADM2/",
    "ocha": "https://data.humdata.org/api/3/action/package_show?id=cod-ab-irq",
}
PCODE_COLUMNS = ("ADM3_PCODE", "ADM2_PCODE")
NAME_COLUMNS = ("shapeName", "ADM3_EN", "ADM2_EN", "NAME_3", "NAME_2", "name", "NAME")
CLOSE_SPELLING = 0.85  # difflib ratio of folded keys for a spelling the table lacks
CLEAR_MARGIN = 0.05  # ... and at least this much closer than the next unit
USER_AGENT = "opmap (https://github.com/opmap; zones fetch)"


@dataclass(frozen=True)
class AdminUnit:
    """One row of the zone table: a district or sub-district and its zone."""

    level: str
    pcode: str
    name: str
    alt_names: tuple[str, ...]
    governorate: str
    zone: str


@dataclass(frozen=True)
class ZoneTable:
    """Administrative unit → zone (data/zones/districts.csv or the user's copy)."""

    units: tuple[AdminUnit, ...]
    source: str

    @classmethod
    def load(cls, path: Path | None = None) -> ZoneTable:
        path = Path(path) if path else ZONE_TABLE
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                rows = list(csv.DictReader(fh))
        except OSError as exc:
            raise DataError(f"{path}: cannot read zone table ({exc.strerror})") from exc
        except UnicodeDecodeError as exc:
            raise DataError(f"{path}: zone table is not UTF-8 text") from exc
        missing = {"pcode", "name", "zone"} - set(rows[0] if rows else {})
        if missing:
            raise DataError(f"{path}: zone table lacks the column(s) {', '.join(sorted(missing))}")
        units = []
        for n, row in enumerate(rows, start=2):
            if row["zone"] not in ZONE_NAMES:
                raise DataError(f"{path}, line {n}: zone {row['zone']!r}; expected one of {', '.join(ZONE_NAMES)}")
            alt = tuple(a.strip() for a in (row.get("alt_names") or "").split("|") if a.strip())
            units.append(AdminUnit(row.get("level") or "district", row["pcode"].strip(), row["name"].strip(),
                                   alt, row.get("governorate") or "", row["zone"]))
        return cls(tuple(units), str(path))

    def by_pcode(self, pcode: str) -> AdminUnit | None:
        """The unit of a sub-district or district pcode: its own row, else its district's."""
        pcodes = {u.pcode: u for u in self.units}
        return pcodes.get(pcode) or pcodes.get(pcode[:8])

    def by_name(self, name: str) -> AdminUnit | None:
        """The unit a name stands for: same folded key as a name or variant, else the one unit with the
        same consonant skeleton, else the one clearly closest spelling (a near-tie is no match)."""
        key = name_key(name)
        if not key:
            return None
        for unit in self.units:
            if any(name_key(n) == key for n in (unit.name, *unit.alt_names)):
                return unit
        bone = skeleton(name)
        hits = {u.pcode: u for u in self.units if any(skeleton(n) == bone for n in (u.name, *u.alt_names))}
        if len(hits) == 1:
            return next(iter(hits.values()))
        candidates = list(hits.values()) or list(self.units)
        scored = sorted(((max(key_similarity(key, name_key(n)) for n in (u.name, *u.alt_names)), u.pcode, u)
                         for u in candidates), key=lambda s: -s[0])
        best, runner_up = scored[0], scored[1] if len(scored) > 1 else (0.0, "", None)
        return best[2] if best[0] >= CLOSE_SPELLING and best[0] - runner_up[0] >= CLEAR_MARGIN else None


@dataclass
class BuildResult:
    """What `build_zones` wrote and what the user should know about it."""

    zones_path: Path
    districts_path: Path
    units: int
    notes: list[str] = field(default_factory=list)


def read_admin(path: Path, layer: str | None = None) -> Any:
    """The admin file as a GeoDataFrame in EPSG:4326; one clear error when it cannot serve."""
    import geopandas as gpd
    import pyogrio

    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such admin boundary file")
    try:
        if layer is None:
            layer = _pick_layer(path)
        info = pyogrio.read_info(path, layer=layer)
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except OpmapError:
        raise
    except Exception as exc:  # GDAL's errors come in several classes; each is the user's file
        raise DataError(f"{path}: not a readable boundary file ({str(exc).splitlines()[0]})") from exc
    if info.get("geometry_type") in (None, "None", "Unknown") and (
            "geometry" not in frame or frame.geometry.isna().all()):
        raise DataError(f"{path}: the file has no geometry (a table, not boundaries)")
    geometry = frame.geometry
    if geometry.isna().all() or geometry.is_empty.all():
        raise DataError(f"{path}: the file has no geometry (every feature's geometry is empty)")
    declared = _declared_geojson_crs(path)
    if declared is not None:
        import pyproj

        try:
            pyproj.CRS.from_user_input(declared)
        except pyproj.exceptions.CRSError as exc:
            raise DataError(f"{path}: unknown coordinate reference system {declared!r}; "
                            "reproject the file to WGS 84 (EPSG:4326)") from exc
    if frame.crs is None:
        raise DataError(f"{path}: the file has no coordinate reference system (a shapefile without its "
                        ".prj?); add one, e.g. ogr2ogr -a_srs EPSG:4326")
    try:
        epsg = frame.crs.to_epsg()
        frame = frame if epsg == 4326 else frame.to_crs("EPSG:4326")
    except Exception as exc:
        raise DataError(f"{path}: unknown coordinate reference system ({frame.crs.name}): "
                        "cannot reproject it to WGS 84") from exc
    bounds = frame.total_bounds
    if not (-180 <= bounds[0] <= bounds[2] <= 180 and -90 <= bounds[1] <= bounds[3] <= 90):
        raise DataError(f"{path}: coordinates do not fit its stated coordinate reference system "
                        f"({frame.crs.name}); the CRS is wrong or unknown")
    return frame


def _declared_geojson_crs(path: Path) -> str | None:
    """The name in a GeoJSON file's (pre-RFC 7946) `crs` member, which GDAL may silently ignore."""
    if path.suffix.lower() not in (".geojson", ".json"):
        return None
    try:
        with path.open("rb") as fh:
            head = fh.read(4096).decode("utf-8", "ignore")
    except OSError:
        return None
    at = head.find('"crs"')
    if at < 0:
        return None
    found = re.search(r'"name"\s*:\s*"([^"]+)"', head[at:])
    return found.group(1) if found else None


def _pick_layer(path: Path) -> str | None:
    """The finest admin layer of a multi-layer source (an archive of adm0..adm3 shapefiles)."""
    import pyogrio

    layers = [str(row[0]) for row in pyogrio.list_layers(path)]
    if len(layers) <= 1:
        return None
    for level in ("adm3", "adm2"):
        named = sorted(n for n in layers if level in n.lower())
        if named:
            return named[0]
    raise DataError(f"{path}: {len(layers)} layers and none named adm2 or adm3; "
                    f"pass a file with one layer ({', '.join(layers[:6])})")


def _column(frame: Any, names: Sequence[str]) -> str | None:
    lower = {str(c).lower(): str(c) for c in frame.columns}
    return next((lower[n.lower()] for n in names if n.lower() in lower), None)


def match_units(frame: Any, table: ZoneTable, source: str) -> tuple[list[tuple[AdminUnit, BaseGeometry]], list[str]]:
    """Each feature of the admin file with its table unit: by pcode when the file has them, else by name."""
    pcode_column = _column(frame, PCODE_COLUMNS)
    name_column = _column(frame, NAME_COLUMNS)
    if pcode_column is None and name_column is None:
        raise DataError(f"{source}: no pcode column ({', '.join(PCODE_COLUMNS)}) and no name column "
                        f"({', '.join(NAME_COLUMNS[:3])}) to match the zone table on")
    matched: list[tuple[AdminUnit, BaseGeometry]] = []
    unmatched: list[str] = []
    for record, geometry in zip(frame.to_dict("records"), frame.geometry, strict=True):
        if geometry is None or geometry.is_empty:
            continue
        pcode = str(record.get(pcode_column) or "").strip() if pcode_column else ""
        name = str(record.get(name_column) or "").strip() if name_column else ""
        unit = table.by_pcode(pcode) if pcode else None
        if unit is None and name:
            unit = table.by_name(name)
        if unit is None:
            unmatched.append(f"{name} ({pcode})" if pcode and name else pcode or name or "(unnamed)")
            continue
        matched.append((unit, geometry if geometry.is_valid else shapely.make_valid(geometry)))
    if unmatched:
        shown = ", ".join(sorted(set(unmatched))[:20])
        more = f" and {len(set(unmatched)) - 20} more" if len(set(unmatched)) > 20 else ""
        raise DataError(f"{source}: {len(unmatched)} unit(s) match no row of the zone table {table.source}: "
                        f"{shown}{more}; add their names to alt_names or their pcodes to the table")
    notes = []
    seen = {u.pcode for u, _ in matched}
    if pcode_column is None or pcode_column.upper() == "ADM2_PCODE":
        finer = [u.name for u in table.units if u.level == "subdistrict" and u.pcode not in seen]
        if finer:
            notes.append(f"{source} has districts only: the sub-district rows {', '.join(finer)} cannot apply; "
                         "their districts' zone is used (build from sub-districts for the exact line)")
    return matched, notes


def dissolve(units: Iterable[tuple[AdminUnit, BaseGeometry]]) -> dict[str, BaseGeometry]:
    """Zone → the union of its units."""
    parts: dict[str, list[BaseGeometry]] = defaultdict(list)
    for unit, geometry in units:
        parts[unit.zone].append(geometry)
    return {zone: shapely.union_all(parts[zone]) for zone in ZONE_NAMES if parts[zone]}


def _multipolygon(geometry: BaseGeometry) -> MultiPolygon:
    geometry = geometry if geometry.is_valid else shapely.make_valid(geometry)
    polygons: list[Polygon] = []
    for part in getattr(geometry, "geoms", [geometry]):
        if isinstance(part, Polygon) and not part.is_empty:
            polygons.append(part)
        elif isinstance(part, MultiPolygon):
            polygons.extend(part.geoms)
    rounded = shapely.set_precision(MultiPolygon(polygons), 10 ** -DECIMALS)
    return MultiPolygon([shapely.geometry.polygon.orient(p, sign=1.0) for p in _polygons(rounded)])


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [] if geometry.is_empty else [geometry]
    return [p for g in getattr(geometry, "geoms", []) for p in _polygons(g)]


def _feature(properties: dict[str, Any], geometry: BaseGeometry) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": mapping(_multipolygon(geometry))}


def write_json(target: Path, data: dict[str, Any]) -> Path:
    """Write GeoJSON compactly, through a temporary file renamed over the target."""
    from opmap.publish.files import atomic_write

    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    def write(path: Path) -> None:
        path.write_text(text + "\n", encoding="utf-8")

    return atomic_write(target, write)


def districts_path_for(zones_path: Path) -> Path:
    """The district cells written beside a zones file (`zones.geojson` → `zones.districts.geojson`)."""
    return zones_path.with_name(zones_path.stem + ".districts.geojson")


def build_zones(admin: Path, table: Path | None = None, out: Path | None = None,
                layer: str | None = None) -> BuildResult:
    """Read `admin`, match its units to the zone table, dissolve, write the zones and district cells."""
    zone_table = ZoneTable.load(table)
    frame = read_admin(admin, layer)
    units, notes = match_units(frame, zone_table, str(admin))
    zones = dissolve(units)
    source = f"{Path(admin).name} dissolved by {Path(zone_table.source).name} (opmap zones build)"
    missing = [z for z in ZONE_NAMES if z not in zones]
    if missing:
        notes.append(f"no unit of {admin} falls in {', '.join(missing)}: the file covers part of Iraq only")
    out = Path(out) if out else user_zones_path()
    collection = {"type": "FeatureCollection", "features": [
        _feature({"zone": zone, "approximate": False, "source": source}, geometry) for zone, geometry in zones.items()]}
    cells: dict[str, list[BaseGeometry]] = defaultdict(list)
    by_pcode: dict[str, AdminUnit] = {}
    for unit, geometry in units:
        cells[unit.pcode].append(geometry)
        by_pcode[unit.pcode] = unit
    districts = {"type": "FeatureCollection", "features": [
        _feature({"pcode": p, "name": by_pcode[p].name, "zone": by_pcode[p].zone, "approximate": False,
                  "source": source}, shapely.union_all(cells[p]))
        for p in sorted(cells) if by_pcode[p].zone == "disputed"]}
    write_json(out, collection)
    districts_path = write_json(districts_path_for(out), districts)
    return BuildResult(out, districts_path, len(units), notes)


def fetch(source: str = "ocha", url: str | None = None, out: Path | None = None,
          table: Path | None = None, timeout: float = 60.0) -> BuildResult:
    """Download an admin boundary file for Iraq (OCHA COD-AB or geoBoundaries) and build zones from it."""
    if url is None:
        if source not in SOURCES:
            raise OpmapError(f"unknown boundary source {source!r}; expected one of {', '.join(SOURCES)}")
        url = SOURCES[source]
    with tempfile.TemporaryDirectory(prefix="opmap-fetch-") as tmp:
        admin = _download(url, Path(tmp), timeout)
        return build_zones(admin, table, out)


def _download(url: str, folder: Path, timeout: float, hops: int = 3) -> Path:
    """Fetch `url` into `folder`; follow a catalogue answer (geoBoundaries API, HDX CKAN) to the file."""
    try:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise OpmapError(f"{url}: download failed ({reason}); nothing changed") from exc
    name = Path(urllib.parse.urlparse(url).path).name or "admin"
    if body[:2] == b"PK":
        target = folder / (name if name.endswith(".zip") else name + ".zip")
        target.write_bytes(body)
        return target
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        target = folder / name
        target.write_bytes(body)
        return target
    if isinstance(data, dict) and data.get("type") in ("FeatureCollection", "Feature", "Topology"):
        target = folder / (name if name.endswith((".json", ".geojson")) else name + ".geojson")
        target.write_bytes(body)
        return target
    following = _catalogue_link(data)
    if following is None or hops == 0:
        raise OpmapError(f"{url}: the answer is neither boundaries nor a catalogue entry naming them")
    return _download(urllib.parse.urljoin(url, following), folder, timeout, hops - 1)


def _catalogue_link(data: Any) -> str | None:
    """The boundary file a catalogue answer names: geoBoundaries' gjDownloadURL, or from an HDX (CKAN)
    package the sub-district GeoJSON, else a shapefile archive."""
    if isinstance(data, list) and data:
        data = data[0]
    if not isinstance(data, dict):
        return None
    if data.get("gjDownloadURL"):
        return str(data["gjDownloadURL"])
    resources = (data.get("result") or {}).get("resources") if isinstance(data.get("result"), dict) else None
    if not resources:
        return None
    urls = [str(r.get("url") or r.get("download_url") or "") for r in resources if isinstance(r, dict)]
    for wanted in (("adm3", ".geojson"), ("adm3", ".json"), ("adm", "shp.zip"), ("", ".zip")):
        for link in urls:
            low = link.lower()
            if wanted[0] in low and low.endswith(wanted[1]):
                return link
    return None
