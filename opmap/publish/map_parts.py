"""Map parts for the HTML map, each a small folium/branca element with its own template.

- `CompactGeoJson`: one Leaflet GeoJSON layer per layer group, its features sent as columns of
  properties plus polyline-encoded coordinates at 1e-5° (~1 m), gzipped, inflated in the page. Plain
  GeoJSON of 10,000 polygons with popups is ~15 MB; this is ~3 MB, and the encoding is vectorised
  (numpy), not a Python loop over vertices.
- `TimeSlider`: filters every timed layer by `event_date` <= the slider's day. It removes and re-adds
  features inside each GeoJSON layer, so it works with the layer control: a hidden group stays hidden,
  a group shown again shows only the features up to the slider's day. (folium's TimestampedGeoJson
  is one layer of its own outside the layer groups, so it cannot be toggled per zone.)
- `PlaceSearch`, `MeasureTool`, `FullscreenButton`: small controls written here, so the
  self-contained map needs no plugin from a CDN.
- `InlineLeaflet`: Leaflet's script and stylesheet (images as data: URIs) from `xstatic-leaflet`.

Text from reports only ever reaches the page as JSON with `<`, `>` and `&` escaped, and is put into
the DOM with `textContent`.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

PRECISION = 1e5  # 5 decimals: ~1 m


_HIDDEN = str.maketrans({"{": "\ue000", "}": "\ue001", "%": "\ue002", "#": "\ue003"})
_SHOWN = (("\ue000", "\\u007b"), ("\ue001", "\\u007d"), ("\ue002", "\\u0025"), ("\ue003", "\\u0023"),
          ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def _hide(value: Any) -> Any:
    if isinstance(value, str):
        return value.translate(_HIDDEN)
    if isinstance(value, list | tuple):
        return [_hide(v) for v in value]
    if isinstance(value, dict):
        return {k: _hide(v) for k, v in value.items()}
    return value


def script_json(value: Any) -> str:
    """JSON safe inside a <script> element and inside branca's second Jinja pass over rendered scripts:
    no `</script>` or `<!--` can form, and `{`, `}`, `%`, `#` in strings are \\u escapes, so a report
    containing `{{ ... }}` is text, never a template."""
    text = json.dumps(_hide(value), ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in _SHOWN:
        text = text.replace(raw, escaped)
    return text


def _polyline(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Google polyline encoding of integer `values`: the bytes and each value's length in bytes."""
    zigzag = np.where(values < 0, ~(values << 1), values << 1).astype(np.uint64)
    chunks = np.zeros((len(values), 8), dtype=np.uint64)
    rest = zigzag.copy()
    for i in range(8):
        chunks[:, i] = rest & np.uint64(0x1F)
        rest = rest >> np.uint64(5)
    lengths = np.maximum(1, 8 - np.argmax(chunks[:, ::-1] != 0, axis=1))
    lengths[zigzag == 0] = 1
    used = np.arange(8)[None, :] < lengths[:, None]
    more = np.arange(8)[None, :] < (lengths - 1)[:, None]
    coded = chunks + np.where(more, np.uint64(0x20), np.uint64(0)) + np.uint64(63)
    return coded[used].astype(np.uint8), lengths


def encode_geometries(geometries: np.ndarray) -> list[Any]:
    """Per geometry: [x, y] for a point, [ring, ...] for a polygon, [[ring, ...], ...] for a multipolygon;
    each ring a polyline string of (lon, lat) deltas at 1e-5°, its closing vertex dropped."""
    out: list[Any] = [None] * len(geometries)
    kinds = shapely.get_type_id(geometries)
    for index in np.flatnonzero(kinds == 0):
        point = geometries[index]
        out[index] = [round(point.x, 5), round(point.y, 5)]
    polygonal = np.flatnonzero((kinds == 3) | (kinds == 6))
    if not len(polygonal):
        return out
    parts, part_owner = shapely.get_parts(geometries[polygonal], return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    first = np.r_[True, ring_of[1:] != ring_of[:-1]]
    last = np.r_[ring_of[1:] != ring_of[:-1], True]
    coords, ring_of, first = coords[~last], ring_of[~last], first[~last]
    grid = np.round(coords * PRECISION).astype(np.int64)
    delta = grid.copy()
    delta[1:] -= grid[:-1]
    delta[first] = grid[first]
    encoded, lengths = _polyline(delta.reshape(-1))
    text = encoded.tobytes().decode("ascii")
    per_vertex = lengths.reshape(-1, 2).sum(axis=1)
    ring_bytes = np.bincount(ring_of, weights=per_vertex, minlength=len(rings)).astype(np.int64)
    ends = np.cumsum(ring_bytes)
    ring_text = [text[e - n:e] for e, n in zip(ends.tolist(), ring_bytes.tolist(), strict=True)]
    polygons: list[list[str]] = [[] for _ in range(len(parts))]
    for ring, part in zip(ring_text, ring_part.tolist(), strict=True):
        polygons[part].append(ring)
    owners: dict[int, list[list[str]]] = {}
    for polygon, owner in zip(polygons, part_owner.tolist(), strict=True):
        owners.setdefault(owner, []).append(polygon)
    for owner, owned in owners.items():
        index = polygonal[owner]
        out[index] = owned[0] if kinds[index] == 3 else owned
    return out


def simplified(frame: gpd.GeoDataFrame, share: float = 0.005) -> gpd.GeoDataFrame:
    """The frame with each polygon's outline simplified to within `share` of its size (the radius of a
    disc of its area): a drawn disc keeps ~30 vertices instead of ~70, and its area changes by well
    under 1 %. Points and empty geometries are left as they are."""
    if not len(frame):
        return frame
    geometries = np.asarray(frame.geometry.values)
    polygonal = np.isin(shapely.get_type_id(geometries), (3, 6))
    if not polygonal.any():
        return frame
    out = geometries.copy()
    radius = np.sqrt(shapely.area(geometries[polygonal]) / np.pi)
    out[polygonal] = shapely.simplify(geometries[polygonal], radius * share, preserve_topology=True)
    frame = frame.copy()
    frame["geometry"] = gpd.GeoSeries(out, index=frame.index, crs=frame.crs)
    return frame


def pack(data: dict[str, Any]) -> str:
    """JSON, gzipped, base64: only [A-Za-z0-9+/=], so nothing in it can be markup or a template."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, list | tuple) for v in value):  # a listing: [[date, title, url], ...]
            return [[_cell(v) for v in item] for item in value]
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def compact_features(frame: gpd.GeoDataFrame, fields: tuple[str, ...]) -> dict[str, Any]:
    """Located features only, the listed fields as columns, geometries encoded."""
    if not len(frame):
        return {"f": [], "r": [], "g": []}
    located = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    keep = [f for f in fields if f in located.columns]
    rows = [[_cell(v) for v in row] for row in located[keep].astype(object).itertuples(index=False, name=None)]
    return {"f": keep, "r": rows, "g": encode_geometries(np.asarray(located.geometry.values))}


class OpmapScripts(MacroElement):
    """The page-wide functions every part uses: decoding, safe popups, and the registry of timed layers."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <script>
        var opmap = {timed: [], searchable: [], pending: [], all: []};
        opmap.inflate = function (packed) {
            var bytes = Uint8Array.from(atob(packed), function (c) { return c.charCodeAt(0); });
            var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
            return new Response(stream).text().then(JSON.parse);
        };
        opmap.load = function (layer, packed, timed, searchable, group) {
            layer.opmapOnLoad = layer.opmapOnLoad || [];
            function build(data) {
                data.r.forEach(function (row, n) { layer.addData(opmap.feature(data, n)); });
                layer.opmapAll = layer.getLayers();
                opmap.all.push(layer);
                if (timed) { opmap.timed.push(layer); if (opmap.showUntil) { opmap.showUntil(layer); } }
                if (searchable) { opmap.searchable.push(layer); }
                layer.opmapOnLoad.forEach(function (then) { then(layer); });
            }
            var loading = opmap.inflate(packed).then(function (data) {
                // A hidden group (uncertainty bands, the control line) gets its features only when first shown.
                if (!group || group._map) { build(data); } else { group.once("add", function () { build(data); }); }
            });
            opmap.pending.push(loading);
        };
        opmap.whenLoaded = function (layer, then) { (layer.opmapOnLoad = layer.opmapOnLoad || []).push(then); };
        opmap.ready = function (then) {
            Promise.all(opmap.pending).then(then).catch(function (e) { console.error("opmap: " + e); });
        };
        opmap.decodeRing = function (text) {
            var out = [], i = 0, x = 0, y = 0;
            function next() {
                var shift = 0, result = 0, b;
                do { b = text.charCodeAt(i++) - 63; result |= (b & 0x1f) << shift; shift += 5; } while (b >= 0x20);
                return (result & 1) ? ~(result >> 1) : (result >> 1);
            }
            while (i < text.length) { x += next(); y += next(); out.push([x / 1e5, y / 1e5]); }
            if (out.length) { out.push(out[0].slice()); }
            return out;
        };
        opmap.geometry = function (g) {
            if (typeof g[0] === "number") { return {type: "Point", coordinates: g}; }
            if (typeof g[0] === "string") { return {type: "Polygon", coordinates: g.map(opmap.decodeRing)}; }
            return {type: "MultiPolygon", coordinates: g.map(function (p) { return p.map(opmap.decodeRing); })};
        };
        opmap.feature = function (data, n) {
            var props = {}, row = data.r[n];
            data.f.forEach(function (key, k) { props[key] = row[k]; });
            return {type: "Feature", properties: props, geometry: opmap.geometry(data.g[n])};
        };
        opmap.keepNoCoordinates = function (feature, layer) {
            // The layer holds the coordinates as LatLngs; its feature keeps only the properties (the
            // geometry is rebuilt from the layer when asked for), so each vertex is held once, not twice.
            delete feature.geometry;
            Object.defineProperty(feature, "geometry", {enumerable: false, configurable: true,
                get: function () { return layer.toGeoJSON(6).geometry; }});
        };
        opmap.link = function (url, text) {  // a link for an http(s) address, else the text alone
            var element = document.createElement(/^https?:\\/\\//.test(String(url || "")) ? "a" : "span");
            if (element.tagName === "A") {
                element.href = String(url); element.target = "_blank"; element.rel = "noopener noreferrer";
            }
            element.textContent = String(text);
            return element;
        };
        opmap.text = function (props, fields) {
            var box = document.createElement("div");
            box.className = "opmap-popup";
            fields.forEach(function (field) {
                var key = Array.isArray(field) ? field[1] : field;
                var name = Array.isArray(field) ? field[0] : key.replace(/_/g, " ");
                var value = props[key];
                if (value === null || value === undefined || value === "") { return; }
                var row = document.createElement("div");
                var label = document.createElement("b");
                label.textContent = name + ": ";
                row.appendChild(label);
                if (Array.isArray(value) && Array.isArray(value[0])) {  // reports as [date, title, url]
                    row.className = "opmap-listing";
                    value.forEach(function (item) {
                        var line = document.createElement("div");
                        if (item[0]) { line.appendChild(document.createTextNode(String(item[0]) + " — ")); }
                        line.appendChild(opmap.link(item[2], item[1]));
                        row.appendChild(line);
                    });
                } else if (key === "url") {
                    row.appendChild(opmap.link(value, value));
                } else {
                    if (Array.isArray(value)) { value = value.join(", "); }
                    var text = document.createElement("span");
                    text.textContent = String(value);
                    row.appendChild(text);
                }
                box.appendChild(row);
            });
            return box;
        };
        </script>
        <style>.opmap-popup { max-width: 320px; max-height: 320px; overflow-y: auto; font: 12px/1.35 sans-serif; }
               .opmap-popup div { margin-bottom: 2px; }
               .opmap-popup span { white-space: pre-line; }
               .opmap-control { background: #fff; padding: 5px 7px; border-radius: 4px;
                                box-shadow: 0 1px 4px rgba(0,0,0,0.35); font: 12px/1.4 sans-serif; }
               .opmap-control button { font: 12px sans-serif; cursor: pointer; }
               .opmap-fullscreen { position: fixed !important; inset: 0; width: 100% !important;
                                   height: 100% !important; z-index: 10000; }</style>
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "OpmapScripts"


class CompactGeoJson(MacroElement):
    """One Leaflet GeoJSON layer inside its parent layer group, from `compact_features` data sent
    gzipped and base64-encoded, and inflated in the page (DecompressionStream, in every browser since
    2023): 10,000 areas with their popups fit in a few MB."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON(null, {
            style: function (feature) {
                var base = {{ this.style }}, wide = {{ this.wide }};
                if (wide && feature && Number(feature.properties.area_km2) > wide.km2) {
                    return Object.assign({}, base, wide.style);
                }
                return base;
            },
            pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, {{ this.style }}); },
            onEachFeature: opmap.keepNoCoordinates
        }).addTo({{ this._parent.get_name() }});
        opmap.load({{ this.get_name() }}, "{{ this.packed }}", {{ this.timed|tojson }}, {{ this.searchable|tojson }},
                   {{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, data: dict[str, Any], style: dict[str, Any], timed: bool = False,
                 searchable: bool = False, wide: dict[str, Any] | None = None) -> None:
        super().__init__()
        self._name = "CompactGeoJson"
        self.packed = pack(data)
        self.style = script_json(style)
        self.wide = script_json(wide)  # {"km2": N, "style": {...}}: how areas larger than N km² are drawn
        self.timed, self.searchable = timed, searchable


class MapReady(MacroElement):
    """Marks the page (`<html data-opmap-ready="yes">`) once every layer's data is loaded; add it last."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        opmap.ready(function () { document.documentElement.dataset.opmapReady = "yes"; });
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapReady"


class SafePopups(MacroElement):
    """Popups (the listed fields) and a one-field tooltip for every feature of the parent layer,
    built with `textContent`, so a report's markup shows as text."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        opmap.whenLoaded({{ this._parent.get_name() }}, function (group) { group.eachLayer(function (layer) {
            var props = layer.feature.properties;
            {% if this.has_fields %}
            layer.bindPopup(function () { return opmap.text(props, {{ this.fields }}); }, {maxWidth: 340});
            {% endif %}
            {% if this.tooltip %}
            var tip = props[{{ this.tooltip }}];
            if (tip !== null && tip !== undefined && tip !== "") {
                layer.bindTooltip(function () { var s = document.createElement("span");
                    s.textContent = String(tip); return s; }, {sticky: true});
            }
            {% endif %}
        }); });
        {% endmacro %}
    """)

    def __init__(self, fields: Sequence[Any], tooltip: str = "") -> None:
        super().__init__()
        self._name = "SafePopups"
        self.fields = script_json(list(fields))
        self.has_fields = bool(fields)
        self.tooltip = script_json(tooltip) if tooltip else ""


class TimeSlider(MacroElement):
    """A day slider: every timed layer shows only features with `event_date` <= the chosen day
    (features without a date always show)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var first = Date.parse({{ this.first }} + "T00:00:00Z"), days = {{ this.days }};
            function iso(n) { return new Date(first + n * 86400000).toISOString().slice(0, 10); }
            var control = L.control({position: "bottomright"});
            control.onAdd = function () {
                var box = L.DomUtil.create("div", "opmap-control opmap-time");
                var label = L.DomUtil.create("div", "opmap-time-label", box);
                var input = L.DomUtil.create("input", "opmap-time-slider", box);
                input.type = "range"; input.min = 0; input.max = days; input.step = 1; input.value = days;
                input.style.width = "220px";
                L.DomEvent.disableClickPropagation(box);
                L.DomEvent.disableScrollPropagation(box);
                opmap.showUntil = function (group) {  // also called for a layer built later
                    var until = iso(Number(input.value));
                    group.opmapAll.forEach(function (layer) {
                        var day = layer.feature.properties.event_date;
                        var show = !day || String(day) <= until;
                        if (show && !group.hasLayer(layer)) { group.addLayer(layer); }
                        if (!show && group.hasLayer(layer)) { group.removeLayer(layer); }
                    });
                };
                function apply() {
                    label.textContent = "Reports up to " + iso(Number(input.value));
                    opmap.timed.forEach(opmap.showUntil);
                }
                input.addEventListener("input", apply);
                opmap.ready(apply);
                return box;
            };
            control.addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self, first: str, days: int) -> None:
        super().__init__()
        self._name = "TimeSlider"
        self.first, self.days = script_json(first), days


class PlaceSearch(MacroElement):
    """A place-name box (with the names as suggestions): goes to the place and opens its popup."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var control = L.control({position: "topleft"});
            control.onAdd = function () {
                var box = L.DomUtil.create("div", "opmap-control opmap-search");
                var input = L.DomUtil.create("input", "", box);
                input.type = "search"; input.placeholder = "Find a place"; input.setAttribute("list", "opmap-places");
                var list = L.DomUtil.create("datalist", "", box);
                list.id = "opmap-places";
                var seen = {};
                opmap.ready(function () { opmap.searchable.forEach(function (group) {
                    group.opmapAll.forEach(function (layer) {
                        var name = layer.feature.properties.name;
                        if (name && !seen[name]) {
                            seen[name] = layer;
                            var option = document.createElement("option"); option.value = name; list.appendChild(option);
                        }
                    });
                }); });
                L.DomEvent.disableClickPropagation(box);
                function go() {
                    var wanted = input.value.trim().toLowerCase(), found = null;
                    Object.keys(seen).forEach(function (name) {
                        if (!found && name.toLowerCase() === wanted) { found = seen[name]; }
                    });
                    if (!found) { Object.keys(seen).forEach(function (name) {
                        if (!found && wanted && name.toLowerCase().indexOf(wanted) === 0) { found = seen[name]; }
                    }); }
                    box.classList.toggle("opmap-not-found", !found);
                    if (found) {
                        map.setView(found.getLatLng(), Math.max(map.getZoom(), 11));
                        if (found._map) { found.openPopup(); }
                    }
                }
                input.addEventListener("change", go);
                input.addEventListener("keydown", function (e) { if (e.key === "Enter") { go(); } });
                return box;
            };
            control.addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "PlaceSearch"


class MeasureTool(MacroElement):
    """Click "Measure", then click points on the map: the line's great-circle length in km."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var control = L.control({position: "topleft"});
            control.onAdd = function () {
                var box = L.DomUtil.create("div", "opmap-control opmap-measure");
                var button = L.DomUtil.create("button", "", box);
                var label = L.DomUtil.create("span", "", box);
                button.type = "button"; button.textContent = "Measure";
                L.DomEvent.disableClickPropagation(box);
                var active = false, line = null, points = [];
                function total() {
                    var metres = 0;
                    for (var i = 1; i < points.length; i++) { metres += map.distance(points[i - 1], points[i]); }
                    return metres;
                }
                button.addEventListener("click", function () {
                    active = !active;
                    button.textContent = active ? "Done" : "Measure";
                    if (active) {
                        points = []; if (line) { map.removeLayer(line); }
                        line = L.polyline([], {color: "#000", weight: 2, dashArray: "4 4", interactive: false}).addTo(map);
                        label.textContent = " click points on the map";
                    }
                });
                map.on("click", function (e) {
                    if (!active) { return; }
                    map.closePopup();
                    points.push(e.latlng); line.setLatLngs(points);
                    label.textContent = " " + (total() / 1000).toFixed(2) + " km";
                });
                return box;
            };
            control.addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "MeasureTool"


class FullscreenButton(MacroElement):
    """Map to full screen and back (the Fullscreen API where allowed, else the map fills the window)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var control = L.control({position: "topleft"});
            control.onAdd = function () {
                var box = L.DomUtil.create("div", "opmap-control opmap-fullscreen-control");
                var button = L.DomUtil.create("button", "", box);
                button.type = "button"; button.textContent = "Full screen";
                L.DomEvent.disableClickPropagation(box);
                button.addEventListener("click", function () {
                    var element = map.getContainer();
                    if (document.fullscreenElement) { document.exitFullscreen(); }
                    else if (element.requestFullscreen && !element.classList.contains("opmap-fullscreen")) {
                        element.requestFullscreen().catch(function () { element.classList.add("opmap-fullscreen"); });
                    } else { element.classList.toggle("opmap-fullscreen"); }
                    setTimeout(function () { map.invalidateSize(); }, 200);
                });
                return box;
            };
            control.addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "FullscreenButton"


def inline_leaflet() -> Element:
    """Leaflet's stylesheet and script from the installed `xstatic-leaflet`, inlined, its images as
    data: URIs, for a map that needs no network (tiles aside)."""
    import xstatic.pkg.leaflet as leaflet

    base = Path(leaflet.BASE_DIR)
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def image(match: re.Match[str]) -> str:
        data = base64.b64encode((base / match.group(1)).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", image, css)
    script = (base / "leaflet.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    script = re.sub(r"//# sourceMappingURL=\S+", "", script)
    # branca compiles an Element's text as a Jinja template: keep Leaflet's braces out of its reach.
    return Element("{% raw %}" + f"<style>{css}</style>\n<script>{script}</script>" + "{% endraw %}")
