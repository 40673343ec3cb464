"""The HTML map in real Chromium (Debian package), every request answered locally or blocked."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from opmap.pipeline import RunSummary

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def local_assets() -> dict[str, Path]:
    """Leaflet's files from the installed xstatic-leaflet package, by the name the page asks for."""
    import xstatic.pkg.leaflet as leaflet

    base = Path(leaflet.BASE_DIR)
    return {"leaflet.js": base / "leaflet.js", "leaflet.css": base / "leaflet.css"}


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


def test_map_opens_with_zone_layers_and_areas(browser, example_run: RunSummary, example_out: Path) -> None:  # type: ignore[no-untyped-def]
    assets = local_assets()
    page = browser.new_page()
    errors: list[str] = []
    served: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def answer(route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
            return
        name = url.split("?")[0].rsplit("/", 1)[-1]
        if name in assets and "leaflet@" in url:
            served.append(name)
            route.fulfill(path=str(assets[name]))
        else:
            route.abort()

    page.route("**/*", answer)
    page.goto((example_out / "map.html").as_uri())
    page.wait_for_function("typeof L !== 'undefined' && document.querySelectorAll('.leaflet-control-layers-overlays label').length > 0",
                           timeout=20000)
    assert sorted(served) == ["leaflet.css", "leaflet.js"]
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert any(label.strip().startswith("Kurdistan Region") for label in labels), labels
    assert any(label.strip().startswith("Disputed territories") for label in labels), labels
    assert any("reported areas" in label for label in labels), labels
    mapped = sum(1 for r in example_run.results for a in r.areas if a.geometry is not None)
    zone_paths = 3
    drawn = page.locator("path.leaflet-interactive").count()
    places = sum(1 for r in example_run.results for p in r.places if p.lon is not None)
    assert drawn == mapped + zone_paths + places, (drawn, mapped, places)
    assert errors == []
    page.close()


def test_hostile_report_text_shows_as_text(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from opmap.pipeline import run

    hostile = ('published: 2018-07-19\ntitle: <img src=x onerror="window.pwned=1">\n\n'
               'Peshmerga cleared 30 km² south of Makhmour on Monday. <script>window.pwned=2</script>')
    (tmp_path / "hostile.txt").write_text(hostile, encoding="utf-8")
    run([tmp_path / "hostile.txt"], tmp_path / "out")
    assets = local_assets()
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else (
        route.fulfill(path=str(assets[route.request.url.rsplit("/", 1)[-1]]))
        if route.request.url.rsplit("/", 1)[-1] in assets and "leaflet@" in route.request.url
        else route.abort()))
    page.goto((tmp_path / "out" / "map.html").as_uri())
    page.wait_for_function("typeof L !== 'undefined'", timeout=20000)
    areas = page.locator("path.leaflet-interactive")
    areas.nth(areas.count() - 2).click(force=True)
    page.wait_for_selector(".opmap-popup", timeout=5000)
    popup = page.locator(".opmap-popup").inner_text()
    assert "<script>" in popup or "<img" in popup
    assert page.evaluate("window.pwned") is None
    assert errors == []
    page.close()
