"""Benchmark: the pipeline over many copies of the example (and, if present, dev-corpus) reports.

    .venv/bin/python benchmarks/pipeline.py [--copies 50] [--publish]

Prints the index/zones load time, articles per second for extraction + resolution of places and for
the whole per-article function (areas, dates, shapes, zones too; one core, the function a parallel
engine would map), each as wall-clock and CPU-time rates, the publish time when asked, and the
process's peak memory. Issue 9 asks extraction + resolution to stay at or above 1,000 dev-sized
reports per CPU second.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from opmap.extract.sentences import Sentences  # noqa: E402
from opmap.extract.toponyms import find_mentions  # noqa: E402
from opmap.model import Article  # noqa: E402
from opmap.pipeline import EXAMPLES, Resources, process_article  # noqa: E402
from opmap.reading import read_articles  # noqa: E402
from opmap.resolve import resolve  # noqa: E402

# the dev corpus: $OPMAP_DEV_CORPUS, or beside the checkout, or beside the folder that holds the checkout
DEV = next((d for d in (Path(os.environ.get("OPMAP_DEV_CORPUS", "")), ROOT.parent / "shared" / "corpus" / "dev",
                        ROOT.parent.parent / "shared" / "corpus" / "dev") if str(d) not in ("", ".") and d.is_dir()),
           ROOT.parent / "shared" / "corpus" / "dev")


def corpus() -> list[Article]:
    paths = [EXAMPLES] + ([DEV] if DEV.is_dir() else [])
    return [a for a in read_articles(paths, []) if isinstance(a, Article)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=50, help="copies of each report (default 50)")
    parser.add_argument("--publish", action="store_true", help="also time writing GeoJSON, GeoPackage, map")
    args = parser.parse_args()

    started = time.perf_counter()
    resources = Resources.load()
    load_s = time.perf_counter() - started
    base = corpus()
    articles = [replace(a, id=f"{a.id}-{i}") for i in range(args.copies) for a in base]
    words = sum(len(a.text.split()) for a in base) / len(base)

    started, cpu = time.perf_counter(), time.process_time()
    for a in articles:
        sentences = Sentences.split(a.text)
        mentions = find_mentions(a.text, resources.index, sentences)
        resolve(a.id, mentions)
    geoparse_s, geoparse_cpu = time.perf_counter() - started, time.process_time() - cpu

    started, cpu = time.perf_counter(), time.process_time()
    results = [process_article(a, resources) for a in articles]
    elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"reports: {len(base)} distinct x {args.copies} copies = {len(articles)} (mean {words:.0f} words)")
    print(f"load gazetteer index + zones (cached index): {load_s:.3f} s")
    # CPU-time rates too: on a shared machine the wall-clock rate says more about the neighbours.
    print(f"extraction + resolution of places: {len(articles) / geoparse_s:,.0f} articles/s wall, "
          f"{len(articles) / geoparse_cpu:,.0f} per CPU second (one core)")
    print(f"process_article (also areas, dates, shapes, zones): {len(articles) / elapsed:,.0f} articles/s wall, "
          f"{len(articles) / elapsed_cpu:,.0f} per CPU second ({elapsed:.2f} s, one core)")
    print(f"places: {sum(len(r.places) for r in results):,}  areas: {sum(len(r.areas) for r in results):,}")
    if args.publish:
        from opmap.publish import publish

        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            publish(results, resources.zones, Path(out))
            print(f"publish (GeoJSON, GeoPackage, map.html): {time.perf_counter() - started:.2f} s")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
