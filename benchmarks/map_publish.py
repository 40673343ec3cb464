"""Benchmark: N reported-area polygons (default 10,000) to the HTML map; prints seconds and megabytes.

    .venv/bin/python benchmarks/map_publish.py [--areas 10000] [--self-contained]

The areas are real opmap shapes (sectors, discs and lenses from `opmap.shapes.area_shape`, 5-500 km²)
around random anchors in Iraq, two per report, with quotes (70-170 characters, as in the example
reports), titles and urls of realistic length, so the popups carry what real ones do. Building the polygons is not timed; turning them into the
published layers, and the layers into map.html, is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from opmap.model import AreaReport, AreaStatement, Article, ArticleResult, Place  # noqa: E402
from opmap.publish.layers import area_layer, place_layer, zone_layer  # noqa: E402
from opmap.publish.operations import operation_layer  # noqa: E402
from opmap.publish.web_map import write_map  # noqa: E402
from opmap.shapes import area_shape  # noqa: E402
from opmap.zones import ZoneMap  # noqa: E402

DIRECTIONS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW", "around", "between")
WORDS = ("Peshmerga", "forces", "cleared", "villages", "square", "kilometres", "south", "of", "the", "district",
         "operation", "militants", "according", "to", "command", "statement", "approximately", "area")


def synthetic_results(n_areas: int, zones: ZoneMap, seed: int = 7) -> list[ArticleResult]:
    rng = random.Random(seed)
    results = []
    for n in range((n_areas + 1) // 2):
        day = dt.date(2014, 6, 1) + dt.timedelta(days=rng.randrange(1500))
        article = Article(id=f"bench-{n}", text="", path="", title=" ".join(rng.choices(WORDS, k=10)).capitalize(),
                          source="opmap benchmark (synthetic reports)",
                          url=f"https://example.org/news/{day.isoformat()}/report-{n}-" + "-".join(rng.choices(WORDS, k=5)),
                          published=day)
        anchor = (rng.uniform(41.0, 47.5), rng.uniform(31.0, 37.0))
        place = Place(article.id, f"Anchor {n}", "village", anchor[0], anchor[1], (f"Anchor {n}",), ("operation",),
                      "", 1, f"bench:{n}", "offline", "bench", zone=zones.zone_at(*anchor))
        areas = []
        for k in range(2 if 2 * n + 1 < n_areas else 1):
            direction = DIRECTIONS[(n + k) % len(DIRECTIONS)]
            km2 = round(rng.uniform(5, 500), 1)
            anchors = [anchor] + ([(anchor[0] + rng.uniform(0.1, 0.4), anchor[1] + rng.uniform(-0.2, 0.2))]
                                  if direction == "between" else [])
            shape = area_shape(anchors, direction, km2)
            quote = (f"The command said its forces had cleared about {km2:g} square kilometres "
                     + " ".join(rng.choices(WORDS, k=rng.randint(0, 12))) + f" of Anchor {n}.")
            statement = AreaStatement(quote=quote, start=0, value_text=f"{km2:g}", unit_text="square kilometres",
                                      area_km2=km2, direction=direction, direction_text=direction.lower())
            zone = zones.zone_at(shape.polygon.centroid.x, shape.polygon.centroid.y)
            areas.append(AreaReport(article.id, statement, (place.name,), shape.polygon, shape.model,
                                    shape.precision, shape.uncertainty_m, f"{shape.model} on Anchor {n}",
                                    zone=zone, zone_shares=((zone, 1.0),)))
        results.append(ArticleResult(article, (place,), tuple(areas), day, "published"))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=10_000, help="number of area polygons (default 10,000)")
    parser.add_argument("--self-contained", action="store_true", help="inline Leaflet and every script")
    args = parser.parse_args()
    zones = ZoneMap.load()
    started = time.perf_counter()
    results = synthetic_results(args.areas, zones)
    vertices = sum(len(a.geometry.exterior.coords) for r in results for a in r.areas if a.geometry is not None)
    print(f"built {sum(len(r.areas) for r in results)} area polygons ({vertices} vertices) "
          f"in {time.perf_counter() - started:.1f} s (not timed)")
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "map.html"
        started = time.perf_counter()
        areas, places = area_layer(results), place_layer([])
        operations, zone_frame = operation_layer(results, zones), zone_layer(zones)
        layers = time.perf_counter() - started
        started = time.perf_counter()
        write_map(places, areas, zone_frame, target, operations=operations, self_contained=args.self_contained)
        html = time.perf_counter() - started
        size = target.stat().st_size
    print(f"layers (areas, operations, zones): {layers:.2f} s")
    print(f"map.html with {len(areas)} area polygons{' (self-contained)' if args.self_contained else ''}: "
          f"{html:.2f} s, {size / 1e6:.2f} MB")
    print(f"areas to HTML, layers included: {layers + html:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
