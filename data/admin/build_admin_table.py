"""Rebuild `iraq_admin3.geojson`: OCHA COD-AB Iraq sub-districts (ADM3, with their district and
governorate), simplified as one coverage so neighbours still share their edges, coordinates rounded.

    .venv/bin/python data/admin/build_admin_table.py PATH/irq_admbnda_adm3_cso_20190603.geojson

The source is OCHA's Common Operational Dataset, administrative boundaries of Iraq (CSO, 2019-06-03),
CC BY 3.0 IGO (see README.md here). Only names, pcodes and simplified outlines are kept.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

HERE = Path(__file__).resolve().parent
TARGET = HERE / "iraq_admin3.geojson"
TOLERANCE_DEG = 0.008  # ~800 m: below the precision of a place named in a news report
DECIMALS = 4  # ~11 m


def build(source: Path) -> dict[str, object]:
    data = json.loads(source.read_text(encoding="utf-8"))
    features = data["features"]
    geometries = [shape(f["geometry"]) for f in features]
    simplified = shapely.coverage_simplify(geometries, TOLERANCE_DEG, simplify_boundary=True)
    rounded = shapely.set_precision(simplified, 10 ** -DECIMALS)
    out = []
    for feature, geometry in sorted(zip(features, rounded, strict=True),
                                    key=lambda pair: pair[0]["properties"]["ADM3_PCODE"]):
        p = feature["properties"]
        out.append({"type": "Feature", "properties": {
            "admin1": p["ADM1_EN"], "admin1_pcode": p["ADM1_PCODE"], "admin2": p["ADM2_EN"],
            "admin2_pcode": p["ADM2_PCODE"], "admin3": p["ADM3_EN"], "admin3_pcode": p["ADM3_PCODE"]},
            "geometry": shapely.geometry.shape(mapping(shapely.make_valid(geometry)))})
    collection = {"type": "FeatureCollection",
                  "source": "OCHA COD-AB Iraq, irq_admbnda_adm3_cso_20190603 (CSO / OCHA Iraq), CC BY 3.0 IGO",
                  "features": [{**f, "geometry": _rounded(mapping(f["geometry"]))} for f in out]}
    return collection


def _rounded(geometry: object) -> object:
    if isinstance(geometry, dict):
        return {k: _rounded(v) for k, v in geometry.items()}
    if isinstance(geometry, list | tuple):
        return [_rounded(v) for v in geometry]
    if isinstance(geometry, float):
        return round(geometry, DECIMALS)
    return geometry


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    text = json.dumps(build(Path(argv[0])), ensure_ascii=False, separators=(",", ":"))
    handle, name = tempfile.mkstemp(dir=HERE, suffix=".geojson")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text + "\n")
    os.replace(name, TARGET)
    print(f"{TARGET}: {len(text) / 1000:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
