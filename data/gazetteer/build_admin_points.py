"""Recompute the OCHA COD-AB representative points cited in curated.csv.

Rows whose ``source`` reads ``OCHA COD-AB 2019 <pcode>[+<pcode>...] representative
point`` take their lat/lon from shapely's ``representative_point()`` of that
administrative polygon (or of the union of several).  This script rebuilds those
figures from the COD-AB GeoJSON files so the recipe can be checked or repeated:

    python data/gazetteer/build_admin_points.py \
        --cod-dir ../shared/reference/ocha_cod_ab_irq_2019 --check

Modes: ``--list`` prints every unit's point; ``--check`` (default) compares the
CSV with freshly computed points and exits 1 on any difference; ``--write``
rewrites the lat/lon of those rows in place.  The COD files are read, never copied.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape

COD_FILES = {
    0: "irq_admbnda_adm0_cso_itos_20190603.geojson",
    1: "irq_admbnda_adm1_cso_20190603.geojson",
    2: "irq_admbnda_adm2_cso_20190603.geojson",
    3: "irq_admbnda_adm3_cso_20190603.geojson",
}
PCODE = r"IQ(?:G\d\d(?:Q\d\d(?:N\d\d)?)?)?"
SOURCE_RE = re.compile(rf"OCHA COD-AB 2019 ({PCODE}(?:\+{PCODE})*) representative point")
DECIMALS = 5
DEFAULT_CSV = Path(__file__).with_name("curated.csv")


def load_units(cod_dir: Path) -> dict[str, tuple[str, Any]]:
    """Map every pcode (IQ, IQGnn, IQGnnQnn, IQGnnQnnNnn) to (English name, geometry)."""
    units: dict[str, tuple[str, Any]] = {}
    for level, filename in COD_FILES.items():
        path = cod_dir / filename
        with path.open(encoding="utf-8") as handle:
            collection = json.load(handle)
        for feature in collection["features"]:
            props = feature["properties"]
            pcode = str(props[f"ADM{level}_PCODE"])
            units[pcode] = (str(props[f"ADM{level}_EN"]), shape(feature["geometry"]))
    return units


def representative_point(units: dict[str, tuple[str, Any]], pcodes: Sequence[str]) -> tuple[float, float]:
    """Return (lat, lon) of the representative point of one unit or of a union of units."""
    geometries = [units[code][1] for code in pcodes]
    merged = geometries[0] if len(geometries) == 1 else shapely.union_all(geometries)
    point = merged.representative_point()
    return round(float(point.y), DECIMALS), round(float(point.x), DECIMALS)


def cited_pcodes(source: str) -> list[str] | None:
    """Pcodes named by a source citation, or None when the row cites something else."""
    match = SOURCE_RE.search(source)
    return match.group(1).split("+") if match else None


def read_rows(csv_path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_rows(csv_path: Path, fieldnames: list[str], rows: Iterable[dict[str, str]]) -> None:
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cod-dir", type=Path, required=True, help="folder with the COD-AB GeoJSON files")
    parser.add_argument(
        "--csv", type=Path, default=DEFAULT_CSV, help="gazetteer table (default: curated.csv)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="print pcode,name,lat,lon for every unit")
    mode.add_argument("--write", action="store_true", help="rewrite lat/lon of COD-derived rows")
    mode.add_argument("--check", action="store_true", help="report differences (default)")
    args = parser.parse_args(argv)

    units = load_units(args.cod_dir)
    if args.list:
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["pcode", "name_en", "lat", "lon"])
        for pcode in sorted(units):
            lat, lon = representative_point(units, [pcode])
            out.writerow([pcode, units[pcode][0], f"{lat:.{DECIMALS}f}", f"{lon:.{DECIMALS}f}"])
        return 0

    fieldnames, rows = read_rows(args.csv)
    differences = 0
    for row in rows:
        pcodes = cited_pcodes(row["source"])
        if pcodes is None:
            continue
        unknown = [code for code in pcodes if code not in units]
        if unknown:
            print(f"{row['name']}: unknown pcode(s) {', '.join(unknown)}", file=sys.stderr)
            differences += 1
            continue
        lat, lon = representative_point(units, pcodes)
        new_lat, new_lon = f"{lat:.{DECIMALS}f}", f"{lon:.{DECIMALS}f}"
        if (row["lat"], row["lon"]) != (new_lat, new_lon):
            differences += 1
            print(f"{row['name']}: {row['lat']},{row['lon']} -> {new_lat},{new_lon}", file=sys.stderr)
            row["lat"], row["lon"] = new_lat, new_lon
    if args.write:
        write_rows(args.csv, fieldnames, rows)
        print(f"updated {differences} row(s) in {args.csv}")
        return 0
    print(f"{differences} difference(s)")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
