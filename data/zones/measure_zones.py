#!/usr/bin/env python3
"""Measure a zone GeoJSON against a reference: per-zone IoU and control points.

Usage::

    python data/zones/measure_zones.py [--zones data/zones/default_zones.geojson] \
        [--reference ../shared/eval/zones_reference.geojson] [--json]

Areas are computed in an Albers equal-area projection centred on Iraq. The reference
(OCHA COD-AB sub-districts dissolved by the same district list) is for measuring only and
is not part of this repository. Exits 1 if a control point classifies wrong.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import shapely
from pyproj import Transformer
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

HERE = Path(__file__).resolve().parent
AEA = "+proj=aea +lat_0=33 +lon_0=44 +lat_1=30 +lat_2=36 +datum=WGS84 +units=m +no_defs"
ZONES = ("kurdistan_region", "disputed", "federal_iraq")
# (name, lon, lat, expected zone); coordinates from GeoNames / Wikipedia.
CONTROL_POINTS: tuple[tuple[str, float, float, str], ...] = (
    ("Makhmur", 43.5797, 35.7762, "disputed"),
    ("Erbil", 44.0119, 36.1833, "kurdistan_region"),
    ("Kirkuk", 44.3922, 35.4681, "disputed"),
    ("Baghdad", 44.4009, 33.3406, "federal_iraq"),
    ("Mosul", 43.1189, 36.3350, "federal_iraq"),
    ("Sulaymaniyah", 45.4375, 35.5613, "kurdistan_region"),
    ("Sinjar", 41.8766, 36.3209, "disputed"),
    ("Khanaqin", 45.3907, 34.3482, "disputed"),
    ("Duhok", 42.9885, 36.8671, "kurdistan_region"),
    ("Tikrit", 43.67861, 34.61581, "federal_iraq"),
    ("Qayyarah", 43.2945, 35.7993, "federal_iraq"),
    ("Bashiqa", 43.3500, 36.4500, "disputed"),
    ("Koya", 44.6290, 36.0830, "kurdistan_region"),
)


def load_zones(path: Path) -> dict[str, BaseGeometry]:
    tr = Transformer.from_crs("EPSG:4326", AEA, always_xy=True)
    data = json.loads(path.read_text(encoding="utf-8"))
    parts: dict[str, list[BaseGeometry]] = {}
    for feat in data["features"]:
        zone = feat["properties"]["zone"]
        geom = shapely.transform(shape(feat["geometry"]), lambda x, y: tr.transform(x, y), interleaved=False)
        parts.setdefault(zone, []).append(shapely.make_valid(geom))
    return {z: unary_union(g) for z, g in parts.items()}


def classify(zones: dict[str, BaseGeometry], lon: float, lat: float) -> str:
    fwd = Transformer.from_crs("EPSG:4326", AEA, always_xy=True).transform
    pt = Point(*fwd(lon, lat))
    hits = [z for z, g in zones.items() if g.covers(pt)]
    return hits[0] if len(hits) == 1 else ("outside" if not hits else "+".join(hits))


def measure(zones: dict[str, BaseGeometry], ref: dict[str, BaseGeometry]) -> dict[str, Any]:
    iou: dict[str, float] = {}
    for zone in ZONES:
        a, b = zones.get(zone), ref.get(zone)
        if a is None or b is None:
            iou[zone] = 0.0
            continue
        iou[zone] = a.intersection(b).area / a.union(b).area
    points = []
    for name, lon, lat, want in CONTROL_POINTS:
        got = classify(zones, lon, lat)
        points.append({"name": name, "lon": lon, "lat": lat, "expected": want, "got": got})
    overlap = sum(
        zones[a].intersection(zones[b]).area
        for i, a in enumerate(ZONES)
        for b in ZONES[i + 1 :]
        if a in zones and b in zones
    )
    return {
        "iou": iou,
        "area_km2": {z: round(g.area / 1e6) for z, g in zones.items()},
        "reference_area_km2": {z: round(g.area / 1e6) for z, g in ref.items()},
        "overlap_km2": overlap / 1e6,
        "points": points,
        "points_wrong": [p["name"] for p in points if p["got"] != p["expected"]],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--zones", type=Path, default=HERE / "default_zones.geojson")
    ap.add_argument(
        "--reference",
        type=Path,
        default=HERE.parents[2] / "shared" / "eval" / "zones_reference.geojson",
        help="reference zones (default: ../shared/eval/zones_reference.geojson)",
    )
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args(argv)

    result = measure(load_zones(args.zones), load_zones(args.reference))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for zone in ZONES:
            print(
                f"IoU {zone:17s} {result['iou'][zone]:.3f}   area {result['area_km2'].get(zone, 0):>7} km2"
                f" (reference {result['reference_area_km2'].get(zone, 0):>7} km2)"
            )
        print(f"overlap between zones: {result['overlap_km2']:.3f} km2")
        for p in result["points"]:
            mark = "ok " if p["got"] == p["expected"] else "BAD"
            print(f"{mark} {p['name']:13s} {p['got']:17s} (expected {p['expected']})")
    return 1 if result["points_wrong"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
