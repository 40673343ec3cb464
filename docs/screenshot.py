"""Take the README's pictures from the shipped example reports, with the tests' own tools:

- `docs/map.png`: the default map.html in Debian's Chromium, every request blocked (no tiles), a
  place's popup open and the layer list unfolded;
- `docs/qgis.png`: opmap.qgs opened by QGIS itself (Debian python3-qgis) through
  `tests/qgis_probe.py`, which renders the project's checked layers in its CRS and start view.

    .venv/bin/python docs/screenshot.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def map_picture(out: Path, target: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                   else route.abort())
        page.goto((out / "map.html").as_uri())
        page.wait_for_selector("[data-opmap-ready='yes']", timeout=20000)
        page.evaluate("""() => { var found = null;
            opmap.all.forEach(function (g) { g.eachLayer(function (l) {
                if (!found && l._map && l.options.className === 'opmap-area') { found = l; } }); });
            if (found) { found.openPopup(); } }""")
        page.wait_for_timeout(500)
        page.screenshot(path=str(target))
        browser.close()


def qgis_picture(out: Path, target: Path) -> None:
    moved = out.parent / "moved"
    shutil.copytree(out, moved)
    runtime = out.parent / "runtime"
    runtime.mkdir(mode=0o700)
    done = subprocess.run(["/usr/bin/python3", str(ROOT / "tests" / "qgis_probe.py"), str(moved / "opmap.qgs"),
                           str(moved / "opmap.gpkg"), str(target)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(runtime)})
    if done.returncode != 0:
        raise SystemExit(f"QGIS could not render the project: {done.stderr[-500:]}")


def main() -> int:
    from opmap.pipeline import run

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "maps"
        run([], out)
        map_picture(out, ROOT / "docs" / "map.png")
        qgis_picture(out, ROOT / "docs" / "qgis.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
