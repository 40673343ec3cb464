"""The HTML map in real Chromium (Debian package), every network request blocked (tiles included)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from opmap.pipeline import RunSummary

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Leaflet is there, the layer control is drawn, and every layer's data is inflated and added.
READY = ("typeof L !== 'undefined' && document.querySelectorAll('.leaflet-control-layers-overlays label').length > 0"
         " && document.documentElement.dataset.opmapReady === 'yes'")
LAUNCH_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


DRAWN = """cls => opmap.all.reduce(function (n, g) {
    return n + g.getLayers().filter(function (l) { return l._map && l.options.className === cls; }).length; }, 0)"""


def distinct_places(summary: RunSummary) -> set[tuple[str, float, float]]:
    return {(p.name, round(p.lon, 5), round(p.lat, 5)) for r in summary.results for p in r.places
            if p.lon is not None and p.lat is not None}


def click_a_feature(page, cls: str, wanted: str) -> str:  # type: ignore[no-untyped-def]
    """Zoom to a drawn feature of class `cls` and click on the canvas inside it (the real mouse, as
    a reader would) until a popup holding `wanted` opens; return the popup's text."""
    text = ""
    for index in range(6):
        text = _click_feature(page, cls, wanted, index)
        if wanted in text:
            return text
    raise AssertionError(f"no popup with {wanted!r} opened by clicking {cls}; last popup: {text!r}")


def _click_feature(page, cls: str, wanted: str, index: int) -> str:  # type: ignore[no-untyped-def]
    points = page.evaluate("""([cls, index]) => {
        var found = [], map = null;
        opmap.all.forEach(function (g) { g.eachLayer(function (l) {
            if (l._map && l.options.className === cls) { found.push(l); map = l._map; } }); });
        var l = found[index];
        if (!l) { return []; }
        map.closePopup();
        if (l.getBounds) { map.fitBounds(l.getBounds(), {animate: false, maxZoom: 12}); }
        else { map.setView(l.getLatLng(), 11, {animate: false}); }
        var centre = l.getBounds ? l.getBounds().getCenter() : l.getLatLng();
        var out = [map.latLngToContainerPoint(centre)];
        if (l.getLatLngs) {
            var ring = l.getLatLngs()[0]; if (Array.isArray(ring[0])) { ring = ring[0]; }
            for (var i = 0; i < ring.length; i += Math.max(1, Math.floor(ring.length / 12))) {
                var p = map.latLngToContainerPoint(ring[i]), c = out[0];
                out.push({x: c.x + 0.7 * (p.x - c.x), y: c.y + 0.7 * (p.y - c.y)});
            }
        }
        var box = map.getContainer().getBoundingClientRect();
        return out.map(function (p) { return [p.x + box.left, p.y + box.top]; }); }""", [cls, index])
    assert points or index > 0, f"no drawn feature of class {cls}"
    text = ""
    for x, y in points:
        page.mouse.click(x, y)
        page.wait_for_timeout(150)
        popup = page.locator(".leaflet-popup .opmap-popup")
        if popup.count():
            text = popup.first.inner_text()
            if wanted in text:
                return text
    return text


def test_default_map_needs_no_network_but_tiles(browser, example_run: RunSummary, example_out: Path) -> None:  # type: ignore[no-untyped-def]
    page, seen = open_offline(browser, example_out / "map.html")
    assert page.evaluate("typeof L.geoJSON") == "function"
    assert seen["requests"] and all(u.startswith("https://tile.openstreetmap.org/") for u in seen["requests"])
    tile_failures = [m for m in seen["console"] if "@ https://tile.openstreetmap.org/" in m]
    assert [m for m in seen["console"] if m not in tile_failures] == [] and seen["errors"] == []
    page.close()


def test_layer_control_collapsed_and_legend_clear_of_the_scale(browser, example_run: RunSummary, example_out: Path) -> None:  # type: ignore[no-untyped-def]
    page, _ = open_offline(browser, example_out / "map.html")
    control = page.locator(".leaflet-control-layers")
    assert control.count() == 1
    assert "leaflet-control-layers-expanded" not in (control.get_attribute("class") or "")
    assert not page.locator(".leaflet-control-layers-list").is_visible()
    legend = page.locator("#opmap-legend").bounding_box()
    scales = [page.locator(".leaflet-control-scale-line").nth(i).bounding_box()
              for i in range(page.locator(".leaflet-control-scale-line").count())]
    assert legend and scales and all(scales)
    for scale in scales:
        apart = (legend["x"] + legend["width"] <= scale["x"] or scale["x"] + scale["width"] <= legend["x"]
                 or legend["y"] + legend["height"] <= scale["y"] or scale["y"] + scale["height"] <= legend["y"])
        assert apart, (legend, scale)
    # Hovering opens the layer list.
    control.hover()
    assert page.locator(".leaflet-control-layers-list").is_visible()
    page.close()


def test_places_drawn_once_each_on_a_canvas(browser, example_run: RunSummary, example_out: Path) -> None:  # type: ignore[no-untyped-def]
    page, _ = open_offline(browser, example_out / "map.html")
    distinct = distinct_places(example_run)
    per_report = sum(1 for r in example_run.results for p in r.places if p.lon is not None)
    assert page.evaluate(DRAWN, "opmap-place") == len(distinct) < per_report
    markers = page.evaluate("""() => { var out = [];
        opmap.all.forEach(function (g) { g.eachLayer(function (l) {
            if (l.options.className === 'opmap-place') { var p = l.getLatLng();
                out.push([l.feature.properties.name, p.lng.toFixed(5), p.lat.toFixed(5)]); } }); });
        return out; }""")
    assert len({tuple(m) for m in markers}) == len(markers)
    mapped = sum(1 for r in example_run.results for a in r.areas if a.geometry is not None)
    assert page.evaluate(DRAWN, "opmap-area") == mapped
    assert page.evaluate(DRAWN, "opmap-zone") == 3
    operations = {r.operation.operation_id for r in example_run.results if r.operation}
    assert page.evaluate(DRAWN, "opmap-operation") == len(operations)
    # One canvas holds the features: no SVG path per feature.
    assert page.locator(".leaflet-overlay-pane canvas").count() >= 1
    assert page.locator(".leaflet-overlay-pane path").count() == 0
    page.close()


def test_popups_read_as_an_analyst_would_write_them(browser, example_run: RunSummary, example_out: Path) -> None:  # type: ignore[no-untyped-def]
    import re

    page, seen = open_offline(browser, example_out / "map.html")
    text = click_a_feature(page, "opmap-area", "Reported area:")
    assert re.search(r"Reported area: (?:\S+ )?[\d,.]+ km²", text), text
    assert re.search(r"Zone: \d+ % [a-zA-Z]", text), text
    assert re.search(r"Uncertainty: ±[\d.]+ (?:km|m)\b", text), text
    assert "area km2" not in text and "uncertainty m" not in text and "{" not in text
    place = click_a_feature(page, "opmap-place", "Place:")
    assert re.search(r"Reports: named in \d+ reports?", place), place
    assert seen["errors"] == []
    page.close()


def test_uncertainty_bands_can_be_shown(browser, example_run: RunSummary, example_out: Path) -> None:  # type: ignore[no-untyped-def]
    page, _ = open_offline(browser, example_out / "map.html")
    assert page.evaluate(DRAWN, "opmap-uncertainty") == 0
    held = """() => opmap.all.reduce(function (n, g) { return n + g.getLayers().filter(function (l) {
        return l.options.className === 'opmap-uncertainty'; }).length; }, 0)"""
    assert page.evaluate(held) == 0  # a hidden layer's features are built only when it is first shown
    page.locator(".leaflet-control-layers").hover()
    band = page.locator(".leaflet-control-layers-overlays label", has_text="Uncertainty bands")
    band.locator("input").check()
    mapped = sum(1 for r in example_run.results for a in r.areas if a.geometry is not None)
    assert page.evaluate(DRAWN, "opmap-uncertainty") == mapped
    band.locator("input").uncheck()
    assert page.evaluate(DRAWN, "opmap-uncertainty") == 0
    page.close()


def test_features_no_zone_holds_are_not_called_outside_iraq(browser, example_run: RunSummary, example_out: Path) -> None:  # type: ignore[no-untyped-def]
    spread = {p.name for r in example_run.results for p in r.places
              if p.lon is not None and p.zone == "outside" and p.country == "IQ"}
    assert spread, "the examples name a river or Iraq as a whole"
    page, _ = open_offline(browser, example_out / "map.html")
    groups = page.evaluate("""() => { var out = {};
        opmap.all.forEach(function (g) { g.eachLayer(function (l) {
            if (l.options.className === 'opmap-place') { out[l.feature.properties.name] = l.feature.properties.zone_text; } }); });
        return out; }""")
    for name in spread:
        assert groups[name].startswith("Across zones"), (name, groups[name])
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert any(label.strip().startswith("Across zones") for label in labels), labels
    page.close()


def test_hostile_report_text_shows_as_text(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from opmap.pipeline import run

    hostile = ('published: 2018-07-19\ntitle: <img src=x onerror="window.pwned=1">\n\n'
               'Peshmerga cleared 30 km² south of Makhmour on Monday. <script>window.pwned=2</script>')
    (tmp_path / "hostile.txt").write_text(hostile, encoding="utf-8")
    run([tmp_path / "hostile.txt"], tmp_path / "out")
    page, seen = open_offline(browser, tmp_path / "out" / "map.html")
    popup = click_a_feature(page, "opmap-area", "Quote:")
    assert "<script>" in popup or "<img" in popup
    assert page.evaluate("window.pwned") is None
    assert seen["errors"] == []
    page.close()


HOSTILE = ('published: 2018-07-19\ntitle: <img src=x onerror="window.pwned=1"> {{ 7*7 }}\n\n'
           'Peshmerga cleared 30 km² south of Makhmour on Monday. <script>window.pwned=2</script> {% if 1 %}x{% endif %}')


@pytest.fixture(scope="module")
def self_contained(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from opmap.cli import main
    from opmap.pipeline import EXAMPLES, run

    folder = tmp_path_factory.mktemp("self-contained")
    (folder / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    out = folder / "out"
    assert main(["run", str(EXAMPLES), str(folder / "hostile.txt"), "--out", str(out), "--self-contained", "-q"]) == 0
    summary = run([EXAMPLES, folder / "hostile.txt"])
    return out / "map.html", summary


def open_offline(browser, html: Path):  # type: ignore[no-untyped-def]
    """Open `html` with every network request blocked; collect requests, console errors, page errors."""
    page = browser.new_page()
    seen: dict[str, list[str]] = {"requests": [], "console": [], "errors": []}
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.on("console", lambda msg: seen["console"].append(f"{msg.text} @ {msg.location.get('url', '')}")
            if msg.type == "error" else None)

    def block(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            seen["requests"].append(route.request.url)
            route.abort()

    page.route("**/*", block)
    page.goto(html.as_uri())
    page.wait_for_function(READY,
                           timeout=20000)
    return page, seen


def test_self_contained_map_works_with_every_request_blocked(browser, self_contained) -> None:  # type: ignore[no-untyped-def]
    html, summary = self_contained
    page, seen = open_offline(browser, html)
    assert page.evaluate("typeof L.geoJSON") == "function"
    labels = [label.strip() for label in page.locator(".leaflet-control-layers-overlays label").all_inner_texts()]
    for zone in ("Kurdistan Region — zone", "Disputed territories — zone", "Federal Iraq — zone"):
        assert any(label.startswith(zone) for label in labels), labels
    areas = [(r.event_date, a) for r in summary.results for a in r.areas if a.geometry is not None]
    assert page.evaluate(DRAWN, "opmap-area") == len(areas) == 5
    # Only optional tiles were asked for, and nothing else: Leaflet and every script are inline.
    assert seen["requests"] and all(u.startswith("https://tile.openstreetmap.org/") for u in seen["requests"])
    for control in (".opmap-search input", ".opmap-measure button", ".opmap-fullscreen-control button"):
        assert page.locator(control).count() == 1, control

    # Clicking an area shows its quote.
    popup = click_a_feature(page, "opmap-area", "Quote:")
    assert any(a.statement.quote in popup for _, a in areas), popup
    page.keyboard.press("Escape")
    page.evaluate("opmap.all[0]._map.closePopup()")

    # The time slider moves, and filters the areas by date together with the layer toggles.
    slider = page.locator("input.opmap-time-slider")
    first_day = min(r.event_date for r in summary.results if r.event_date)
    slider.focus()
    page.keyboard.press("Home")
    assert page.locator(".opmap-time-label").inner_text() == f"Reports up to {first_day.isoformat()}"
    assert page.evaluate(DRAWN, "opmap-area") == sum(1 for day, _ in areas if day <= first_day) < len(areas)
    page.locator(".leaflet-control-layers").hover()
    disputed = page.locator(".leaflet-control-layers-overlays label", has_text="Disputed territories — reported areas")
    disputed.locator("input").uncheck()
    slider.focus()
    page.keyboard.press("End")
    hidden_disputed = sum(1 for _, a in areas if a.zone == "disputed")
    assert page.evaluate(DRAWN, "opmap-area") == len(areas) - hidden_disputed
    page.locator(".leaflet-control-layers").hover()
    disputed.locator("input").check()
    assert page.evaluate(DRAWN, "opmap-area") == len(areas)

    # The place search goes to a place and opens its popup.
    page.keyboard.press("Escape")
    search = page.locator(".opmap-search input")
    wanted = next(p.name for r in summary.results for p in r.places if p.lon is not None and p.zone != "unknown")
    search.fill(wanted.lower())
    search.press("Enter")
    page.wait_for_selector(".leaflet-popup .opmap-popup", timeout=5000)
    assert f"Place: {wanted}" in page.locator(".leaflet-popup .opmap-popup").inner_text()

    tile_failures = [m for m in seen["console"] if "@ https://tile.openstreetmap.org/" in m]
    assert [m for m in seen["console"] if m not in tile_failures] == []
    assert seen["errors"] == []
    page.close()


def test_self_contained_map_shows_hostile_markup_as_text(browser, self_contained) -> None:  # type: ignore[no-untyped-def]
    html, summary = self_contained
    page, seen = open_offline(browser, html)
    hostile = [a for r in summary.results if r.article.id.startswith("hostile") for a in r.areas]
    assert len(hostile) == 1
    page.evaluate("""() => { opmap.all.forEach(function (g) { g.eachLayer(function (l) {
        if (l.options.className === 'opmap-area' && String(l.feature.properties.article).indexOf('hostile') !== 0) {
            g.removeLayer(l); } }); }); }""")  # only the hostile area is left to click
    popup = click_a_feature(page, "opmap-area", "Quote:")
    assert "<script>window.pwned=2</script>" in popup
    assert '<img src=x onerror="window.pwned=1"> {{ 7*7 }}' in popup
    assert "{% if 1 %}x{% endif %}" in popup
    assert page.evaluate("window.pwned") is None
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"], .opmap-popup script').length") == 0
    assert seen["errors"] == []
    page.close()


def test_ten_thousand_areas_fit_the_budget_and_decode_exactly(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import time

    import geopandas as gpd
    import numpy as np
    import shapely

    from opmap.publish.web_map import write_map

    rng = np.random.default_rng(3)
    n = 10_000
    centres = shapely.points(rng.uniform(41, 47.5, n), rng.uniform(31, 37, n))
    shapes = list(shapely.buffer(centres, rng.uniform(0.02, 0.1, n), quad_segs=10))
    for i in range(0, n, 50):  # some multipolygons and some polygons with a hole
        shapes[i] = shapely.MultiPolygon([shapes[i], shapely.buffer(shapely.Point(40.5, 30.5 + i / n), 0.01)])
    for i in range(25, n, 50):
        shapes[i] = shapes[i].difference(shapely.buffer(shapes[i].centroid, 0.01))
    zones = ["kurdistan_region", "disputed", "federal_iraq"]
    areas = gpd.GeoDataFrame({"article": [f"a{i // 2}" for i in range(n)], "quote": [f"Area {i} was cleared." for i in range(n)],
                              "zone": [zones[i % 3] for i in range(n)], "event_date": ["2016-10-17"] * n},
                             geometry=shapes, crs="EPSG:4326")
    empty = gpd.GeoDataFrame({"zone": [], "article": [], "approximate": []}, geometry=[], crs="EPSG:4326")
    started = time.perf_counter()
    write_map(empty, areas, empty, tmp_path / "map.html", self_contained=True)
    seconds = time.perf_counter() - started
    size = (tmp_path / "map.html").stat().st_size
    assert seconds <= 3 and size <= 5e6, (seconds, size)

    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
    page.goto((tmp_path / "map.html").as_uri())
    page.wait_for_function(READY, timeout=30000)
    assert page.evaluate("opmap.timed.reduce(function (n, g) { return n + g.getLayers().length; }, 0)") == n
    decoded = page.evaluate("""() => { var out = {};
        opmap.timed.forEach(function (g) { g.eachLayer(function (l) {
            var q = l.feature.properties.quote; var i = Number(q.split(' ')[1]);
            if (i === 0 || i === 25 || i === 777) { out[i] = l.feature.geometry; } }); });
        return out; }""")
    assert decoded["0"]["type"] == "MultiPolygon" and len(decoded["0"]["coordinates"]) == 2
    assert decoded["25"]["type"] == "Polygon" and len(decoded["25"]["coordinates"]) == 2
    for key, shape in (("0", shapes[0]), ("25", shapes[25]), ("777", shapes[777])):
        got = np.array([xy for ring in json_rings(decoded[key]) for xy in ring])
        want = shapely.get_coordinates(shape)
        assert got.shape == want.shape and np.abs(got - want).max() <= 0.6e-5, key
    assert errors == []
    page.close()


def json_rings(geometry: dict) -> list[list[list[float]]]:  # type: ignore[type-arg]
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]  # type: ignore[no-any-return]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def test_a_campaign_total_does_not_bury_the_map(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An area of a campaign's size is a faint outline and stays out of the start view."""
    import geopandas as gpd
    import shapely

    from opmap.publish.web_map import write_map

    small = shapely.Point(43.6, 35.8).buffer(0.03)
    huge = shapely.Point(41.5, 32.5).buffer(1.1)
    areas = gpd.GeoDataFrame({"article": ["a", "b"], "quote": ["Thirty km² were cleared.", "A total was given."],
                              "zone": ["disputed", "federal_iraq"], "event_date": ["2016-10-17"] * 2,
                              "area_km2": [30.0, 41000.0]}, geometry=[small, huge], crs="EPSG:4326")
    empty = gpd.GeoDataFrame({"zone": [], "article": [], "approximate": []}, geometry=[], crs="EPSG:4326")
    write_map(empty, areas, empty, tmp_path / "map.html")
    page, seen = open_offline(browser, tmp_path / "map.html")
    styles = page.evaluate("""() => { var out = {};
        opmap.all.forEach(function (g) { g.eachLayer(function (l) {
            out[l.feature.properties.area_km2] = [l.options.fillOpacity, l.options.dashArray || ""]; }); });
        return out; }""")
    assert styles["41000"][0] < 0.1 and styles["41000"][1] and styles["30"][0] >= 0.3, styles
    view = page.evaluate("() => { var b = opmap.all[0]._map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
    assert view[0] > 42.5 and view[1] > 34.5, view  # on the 30 km², not stretched to the desert disc
    assert seen["errors"] == []
    page.close()


IN_THE_REGION = ("title: Peshmerga sweep hills near Soran\npublished: 2019-05-02\n\n"
                 "Peshmerga units cleared 25 km² east of Soran on Wednesday after reports of militants in the hills.\n")


def copies_of_the_examples(into: Path, n: int) -> list[Path]:
    """`n` copies of each example report and of a report of an area in the Kurdistan Region (the
    examples' areas are all in the disputed territories), each copy with its own id and its own link."""
    from opmap.pipeline import EXAMPLES

    into.mkdir()
    written = []
    sources = [(s.stem, s.read_text(encoding="utf-8")) for s in sorted(EXAMPLES.glob("*.txt"))]
    for copy in range(n):
        for stem, text in [*sources, ("soran", IN_THE_REGION)]:
            header, _, body = text.partition("\n\n")
            kept = [line for line in header.splitlines() if not line.startswith(("id:", "url:"))]
            path = into / f"{stem}-{copy}.txt"
            path.write_text("\n".join([*kept, f"id: {stem}-{copy}", f"url: https://example.org/{stem}/{copy}"])
                            + f"\n\n{body}",
                            encoding="utf-8")
            written.append(path)
    return written


def test_a_large_run_draws_each_shape_once_and_lists_its_reports(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """From `aggregate_from` reports on (lowered here to a small corpus), the reports giving the same area
    share one shape whose popup links to each of them; zones stay apart and the map says what it did."""
    from opmap.pipeline import run
    from opmap.publish import build_layers
    from opmap.publish.web_map import write_map

    reports = copies_of_the_examples(tmp_path / "reports", 3)
    summary = run([tmp_path / "reports"])
    layers = build_layers(summary.results, summary.zone_map)
    maps = {}
    for name, threshold in (("small", 10_000), ("large", len(reports))):
        maps[name] = tmp_path / f"{name}.html"
        write_map(layers["places"], layers["areas"], layers["zones"], maps[name], operations=layers["operations"],
                  uncertainty=layers["uncertainty"], aggregate_from=threshold)

    def area_labels(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
        labels = [t.strip() for t in page.locator(".leaflet-control-layers-overlays label").all_inner_texts()]
        return {t.split(" — ")[0]: t.split(" — ")[1] for t in labels if " — reported areas" in t}

    mapped = [a for r in summary.results for a in r.areas if a.geometry is not None and not a.geometry.is_empty]
    page, seen = open_offline(browser, maps["small"])
    assert page.evaluate(DRAWN, "opmap-area") == len(mapped)
    small_zones = area_labels(page)
    assert "large run" not in page.locator("#opmap-legend").inner_text()
    page.close()

    page, seen = open_offline(browser, maps["large"])
    drawn = page.evaluate(DRAWN, "opmap-area")
    assert 0 < drawn == len(mapped) // 3  # each copy's area drawn once, not three times
    large_zones = area_labels(page)
    assert set(large_zones) == set(small_zones) >= {"Kurdistan Region", "Disputed territories"}  # kept apart
    for zone, label in large_zones.items():
        shapes = int(label.split("(")[1].split(" ")[0])
        assert label == f"reported areas ({shapes} shapes for {3 * shapes} areas)", (zone, label)
    assert f"A large run ({len(reports)} reports)" in page.locator("#opmap-legend").inner_text()
    page.locator(".leaflet-control-layers").hover()
    bands = page.locator(".leaflet-control-layers-overlays label", has_text="Uncertainty bands").locator("input")
    bands.check()
    assert page.evaluate(DRAWN, "opmap-uncertainty") == drawn
    bands.uncheck()

    text = click_a_feature(page, "opmap-area", "Stated in: 3 reports")
    assert "Reported area:" in text and "Quote:" in text and "Reports:" in text, text
    links = page.locator(".leaflet-popup .opmap-listing a").evaluate_all("(links) => links.map(a => a.href)")
    stems = {link.rsplit("/", 2)[1] for link in links}
    assert len(stems) == 1, links  # the three copies of one report, each with its own link
    assert sorted(links) == [f"https://example.org/{next(iter(stems))}/{n}" for n in range(3)], links
    assert seen["errors"] == []
    page.close()
