"""Take the README's picture: the map of the shipped examples, in Debian's Chromium, tiles blocked.

    .venv/bin/python docs/screenshot.py   # writes docs/map.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from playwright.sync_api import sync_playwright

    from opmap.pipeline import run

    with tempfile.TemporaryDirectory() as out:
        run([], out, self_contained=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else route.abort())
            page.goto((Path(out) / "map.html").as_uri())
            page.wait_for_selector("[data-opmap-ready='yes']", timeout=20000)
            page.wait_for_timeout(500)
            page.screenshot(path=str(ROOT / "docs" / "map.png"))
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
