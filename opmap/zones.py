"""Zones: every place and area classified as kurdistan_region, disputed, federal_iraq or outside.

Zone polygons come from a GeoJSON file with a `zone` property per feature, picked in this order: the
user's own (`--zones FILE`), the zones `opmap zones build` stored in the user data folder, the shipped
approximate default (`data/zones/default_zones.geojson`, see its README).
Points are classified with an STRtree; an area polygon gets `zone_shares` (zone -> fraction of its
geodesic area) and `zone` = the largest share.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from opmap.errors import DataError
from opmap.model import AreaReport, Place
from opmap.shapes import GEOD
from opmap.shipped import shipped
from opmap.userdata import data_dir

DEFAULT_ZONES = shipped("zones", "default_zones.geojson")
USER_ZONES_FILE = "zones.geojson"
ZONE_NAMES = ("kurdistan_region", "disputed", "federal_iraq")
ZONED = ZONE_NAMES
CITY_POPULATION = 250_000
CLEAR_SHARE = 0.75
BROAD_TYPES = frozenset({"country", "region", "governorate", "river"})
ZONE_LABELS = {"kurdistan_region": "Kurdistan Region", "disputed": "Disputed territories",
               "federal_iraq": "Federal Iraq", "outside": "Outside Iraq", "unknown": "Unknown"}


def user_zones_path() -> Path:
    """Where `opmap zones build` stores the zones `opmap run` uses when no --zones is given."""
    return data_dir() / USER_ZONES_FILE


def zones_path(path: Path | None = None) -> Path:
    """The zones file to use: the one given, else the user-built one when present, else the default."""
    if path:
        return Path(path)
    built = user_zones_path()
    return built if built.is_file() else DEFAULT_ZONES


def _zone_feature(path: Path, number: int, feature: object) -> tuple[str, BaseGeometry]:
    """One feature's zone and (valid, polygonal) geometry, or DataError naming the feature."""
    where = f"{path}: feature {number}"
    if not isinstance(feature, dict):
        raise DataError(f"{where} is not a GeoJSON object")
    props = feature.get("properties") or {}
    zone = props.get("zone") if isinstance(props, dict) else None
    if zone not in ZONE_NAMES:
        raise DataError(f"{where} has zone {zone!r}; expected one of {', '.join(ZONE_NAMES)}")
    if not feature.get("geometry"):
        raise DataError(f"{where} ({zone}) has no geometry")
    try:
        geometry = shape(feature["geometry"])
        if not geometry.is_valid:
            geometry = shapely.make_valid(geometry)
        bounds = geometry.bounds
    except Exception as exc:  # shapely raises many kinds on malformed coordinates
        raise DataError(f"{where} ({zone}) has a bad geometry ({type(exc).__name__}: {exc})") from exc
    if geometry.is_empty or geometry.area <= 0 or not all(map(math.isfinite, bounds)) or not (
            -180 <= bounds[0] <= bounds[2] <= 180 and -90 <= bounds[1] <= bounds[3] <= 90):
        raise DataError(f"{where} ({zone}) has no area or coordinates out of range")
    return str(zone), geometry


@dataclass(frozen=True)
class ZoneMap:
    """Zone polygons and a spatial index over them."""

    zones: tuple[str, ...]
    geometries: tuple[BaseGeometry, ...]
    tree: shapely.STRtree
    source: str
    approximate: bool

    @classmethod
    def load(cls, path: Path | None = None, problems: list[str] | None = None) -> ZoneMap:
        """The zones of a file. With a `problems` list, each bad feature is named there in one line and
        skipped; without it the first raises DataError. A file with no usable feature raises."""
        path = zones_path(path)
        zones, geometries, approximate = [], [], False
        for number, feature in enumerate(_zone_features(path), start=1):
            try:
                zone, geometry = _zone_feature(path, number, feature)
            except DataError as exc:
                if problems is None:
                    raise
                problems.append(f"{exc}; skipped")
                continue
            props = feature.get("properties") or {}
            zones.append(zone)
            geometries.append(geometry)
            approximate = approximate or bool(props.get("approximate"))
        if not geometries:
            raise DataError(f"{path}: zones file has no features")
        shapely.prepare(geometries)
        return cls(tuple(zones), tuple(geometries), shapely.STRtree(geometries), str(path), approximate)

    def zone_at(self, lon: float, lat: float) -> str:
        """The zone a point lies in, or 'outside' when it lies in none."""
        hits = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        if len(hits) == 0:
            return "outside"
        return self.zones[int(min(hits))]

    def zone_shares(self, polygon: BaseGeometry) -> dict[str, float]:
        """Zone -> fraction of the polygon's geodesic area (the rest is 'outside')."""
        total = abs(GEOD.geometry_area_perimeter(polygon)[0])
        if total <= 0:
            return {}
        shares: dict[str, float] = {}
        for i in self.tree.query(polygon, predicate="intersects"):
            part = shapely.intersection(self.geometries[int(i)], polygon)
            if part.is_empty:
                continue
            area = abs(GEOD.geometry_area_perimeter(part)[0]) if part.geom_type in (
                "Polygon", "MultiPolygon", "GeometryCollection") else 0.0
            if area > 0:
                zone = self.zones[int(i)]
                shares[zone] = shares.get(zone, 0.0) + area / total
        rest = 1.0 - sum(shares.values())
        if rest > 1e-6:
            shares["outside"] = rest
        return {z: round(f, 4) for z, f in sorted(shares.items(), key=lambda kv: -kv[1]) if round(f, 4) > 0}


def _zone_features(path: Path) -> list[dict[str, Any]]:
    """The zone file's features with lon/lat (EPSG:4326) coordinates. RFC 7946 GeoJSON is read as it
    is; a GeoJSON with a `crs` member naming another CRS (e.g. EPSG:3857), or any other OGR-readable
    file with a CRS (GeoPackage, shapefile), is reprojected."""
    if path.suffix.lower() not in (".geojson", ".json"):
        return _reprojected_features(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(f"{path}: cannot read zones file ({exc.strerror})") from exc
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise DataError(f"{path}: zones file is not GeoJSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise DataError(f"{path}: zones file must be a GeoJSON FeatureCollection")
    crs = data.get("crs")
    if crs is not None and not _is_lon_lat(crs):
        return _reprojected_features(path)
    listed = data.get("features")
    features: list[dict[str, Any]] = list(listed) if isinstance(listed, list) else []
    for feature in features:
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        try:
            outline = shape(geometry) if geometry else None
        except Exception:  # a malformed geometry: named and skipped feature by feature in ZoneMap.load
            continue
        if outline is not None and not _within_degrees(outline):
            raise DataError(f"{path}: coordinates are not longitude/latitude degrees and the file names no CRS; "
                            "add a 'crs' member or give a GeoPackage with its CRS")
    return features


def _is_lon_lat(crs: object) -> bool:
    """Whether a GeoJSON 2008 `crs` member names WGS84 longitude/latitude (EPSG:4326, OGC CRS84)."""
    import pyproj

    name = crs.get("properties", {}).get("name", "") if isinstance(crs, dict) else ""
    if "CRS84" in str(name).upper():
        return True
    try:
        return pyproj.CRS.from_user_input(name).to_epsg() == 4326
    except pyproj.exceptions.CRSError:
        return False


def _within_degrees(geometry: BaseGeometry) -> bool:
    west, south, east, north = geometry.bounds
    return -180.0 <= west <= east <= 180.0 and -90.0 <= south <= north <= 90.0


def _reprojected_features(path: Path) -> list[dict[str, Any]]:
    import geopandas as gpd

    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises its own errors for unreadable or unknown files
        raise DataError(f"{path}: cannot read zones file ({exc})") from exc
    if frame.crs is None:
        raise DataError(f"{path}: zones file has no CRS; give one (GeoJSON is read as EPSG:4326)")
    features: list[dict[str, Any]] = json.loads(frame.to_crs("EPSG:4326").to_json(drop_id=True))["features"]
    return features


def classify_places(places: list[Place], zones: ZoneMap) -> list[Place]:
    """Zone of every located place: its table's explicit zone, else point-in-polygon."""
    out = []
    for p in places:
        if p.zone != "unknown":
            out.append(p)
        elif p.country and p.country != "IQ":
            out.append(replace(p, zone="outside", zone_basis=f"in {p.country}, outside Iraq"))
        elif p.lon is not None and p.lat is not None:
            out.append(replace(p, zone=zones.zone_at(p.lon, p.lat),
                               zone_basis="point in " + ("approximate " if zones.approximate else "")
                                          + "zone polygons"))
        else:
            out.append(p)
    return out


def infer_unlocated_zones(places: list[Place], areas: Sequence[AreaReport]) -> list[Place]:
    """An unlocated place takes its zone from, in order: a neighbouring country its sentence opens with
    ('In Syria, the Guard struck ...'); the located towns in its own sentence; the
    reported area nearest it in the text, when that area lies mostly (>= 75 %) in one zone; the
    nearest located town; the nearest river or mountain; the nearest city. A village is not inside a
    big city, and the zone at a city's point says little about the places around it (Mosul lies on
    the disputed line), so cities come last."""
    zoned = [p for p in places if p.lon is not None and p.zone in ZONED and p.roles != ("dateline",)
             and p.type not in ("country", "region", "governorate")]
    towns = [p for p in zoned if p.type not in BROAD_TYPES and p.population <= CITY_POPULATION]
    features = [p for p in zoned if p.type in ("river", "mountain", "range", "hill", "lake", "dam", "valley")]
    cities = [p for p in zoned if p.type == "settlement" and p.population > CITY_POPULATION]
    countries = [p for p in places if p.type == "country" and p.country and p.country != "IQ"]
    clear_areas = [a for a in areas if a.geometry is not None and a.zone_shares and a.zone in ZONED
                   and a.zone_shares[0][1] >= CLEAR_SHARE]
    out = []
    for place in places:
        if place.zone != "unknown" or place.type == "country" or not place.offsets:
            out.append(place)
            continue
        at = place.offsets[0]
        if place.roles == ("dateline",):
            zone, basis = _dateline_zone(place)
            if zone:
                out.append(replace(place, zone=zone, zone_basis=f"inferred: {basis}"))
                continue
        same = {p.zone for p in towns if p.quote == place.quote}
        abroad = next((c for c in countries for surface in c.surfaces
                       if place.quote.lstrip().startswith((f"In {surface},", f"Inside {surface},"))), None)
        if abroad is not None:
            zone, basis = "outside", f"its sentence opens 'In {abroad.name}'"
        elif len(same) == 1:
            zone, basis = next(iter(same)), "located towns in the same sentence"
        elif clear_areas:
            area = min(clear_areas, key=lambda a: abs(a.statement.start - at))
            zone, basis = area.zone, f"the reported area of {area.statement.area_km2:g} km² nearest in the text"
        elif towns or features or cities:
            source = _nearest_in_text(towns or features or cities, at)
            zone, basis = source.zone, f"the nearest located place in the text, {source.name}"
        else:
            out.append(place)
            continue
        out.append(replace(place, zone=zone, zone_basis=f"inferred: {basis}"))
    return out


def _dateline_zone(place: Place) -> tuple[str, str]:
    """The zone of a dateline's town the tables lack ('TAMPA, Fla. -'): datelines in Iraq name towns the
    tables hold, so it lies abroad, unless its qualifier says 'Kurdistan' or 'Iraq' ('X, Kurdistan
    Region -': the Kurdistan Region; 'X, Iraq': no zone from the dateline)."""
    for surface in place.surfaces:
        at = place.quote.find(surface)
        if at < 0:
            continue
        qualifier = place.quote[at + len(surface):at + len(surface) + 30].lstrip(" ,").lower()
        if "kurdistan" in qualifier[:16]:  # 'Kurdistan Region', 'Iraqi Kurdistan'
            return "kurdistan_region", "the dateline's qualifier names the Kurdistan Region"
        if qualifier.startswith("iraq"):
            return "", ""
        return "outside", "a dateline town the tables lack (datelines in Iraq name towns they hold)"
    return "", ""


def _nearest_in_text(candidates: list[Place], at: int) -> Place:
    return min(candidates, key=lambda p: min(abs(o - at) for o in p.offsets))
