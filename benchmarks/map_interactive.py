"""Benchmark: how soon the HTML map of N reports (default 3,000) is interactive in Chromium.

    .venv/bin/python benchmarks/map_interactive.py [--reports 3000] [--corpus ../shared/corpus/dev]

The reports are copies of a corpus's reports (default: the dev corpus beside the checkout), each copy
with its own id, so the map holds what a long campaign's reports hold: many reports naming the same
places, many areas. opmap runs over them (timed, one process), then Debian's Chromium opens map.html
with every network request blocked (tiles too) and the script measures, from navigation start:
`ready` (every layer's data inflated and drawn), and `interactive` (a real mouse click on a place
marker has opened its popup), then the page's JS heap in use. It prints the figures and the map's size.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from opmap.pipeline import run  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ID_LINE = re.compile(r"^id:.*$", re.MULTILINE)


def copies(corpus: Path, n: int, into: Path) -> int:
    """Write n reports into `into`, cycling over the corpus's .txt reports, each with a distinct id."""
    reports = sorted(corpus.glob("*.txt"))
    if not reports:
        raise SystemExit(f"{corpus}: no .txt reports")
    texts = [r.read_text(encoding="utf-8") for r in reports]
    for i in range(n):
        text, stem = texts[i % len(texts)], reports[i % len(reports)].stem
        copy_id = f"{stem}-copy{i // len(reports):03d}"
        header, _, body = text.partition("\n\n")
        header = ID_LINE.sub(f"id: {copy_id}", header) if ID_LINE.search(header) else f"{header}\nid: {copy_id}"
        (into / f"{copy_id}.txt").write_text(f"{header}\n\n{body}", encoding="utf-8")
    return n


def measure(html: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox",
                                                                     "--disable-gpu",
                                                                     "--enable-precise-memory-info"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                   else route.abort())
        started = time.perf_counter()
        page.goto(html.as_uri(), wait_until="commit")
        page.wait_for_selector("[data-opmap-ready='yes']", timeout=60000, state="attached")
        ready = time.perf_counter() - started
        point = page.evaluate("""() => { var found = null;
            opmap.all.forEach(function (g) { g.eachLayer(function (l) {
                if (!found && l._map && l.options.className === 'opmap-place') { found = l; } }); });
            var p = found._map.latLngToContainerPoint(found.getLatLng());
            var box = found._map.getContainer().getBoundingClientRect();
            return [p.x + box.left, p.y + box.top]; }""")
        page.mouse.click(point[0], point[1])
        page.wait_for_selector(".leaflet-popup .opmap-popup", timeout=30000)
        interactive = time.perf_counter() - started
        drawn = page.evaluate("""() => { var n = {};
            opmap.all.forEach(function (g) { g.eachLayer(function (l) {
                if (l._map) { n[l.options.className] = (n[l.options.className] || 0) + 1; } }); });
            return n; }""")
        heap = page.evaluate("() => performance.memory ? performance.memory.usedJSHeapSize / 1048576 : -1")
        browser.close()
    return {"ready_s": ready, "interactive_s": interactive, "js_heap_mb": heap,
            **{f"drawn {k}": v for k, v in drawn.items()}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=3000)
    parser.add_argument("--jobs", type=int, default=1, help="processes for the opmap run (default 1)")
    beside = [up / "shared" / "corpus" / "dev" for up in (ROOT.parent, ROOT.parent.parent)]
    parser.add_argument("--corpus", type=Path, default=next((c for c in beside if c.is_dir()), beside[0]))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        reports, out = Path(folder) / "reports", Path(folder) / "out"
        reports.mkdir()
        copies(args.corpus, args.reports, reports)
        started = time.perf_counter()
        summary = run([reports], out, jobs=args.jobs)
        seconds = time.perf_counter() - started
        html = out / "map.html"
        print(f"{len(summary.results)} reports, {summary.n_places} place rows, {summary.n_areas} areas: "
              f"opmap run {seconds:.1f} s, map.html {html.stat().st_size / 1e6:.1f} MB")
        for key, value in measure(html).items():
            print(f"{key}: {value:.2f}" if isinstance(value, float) else f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
