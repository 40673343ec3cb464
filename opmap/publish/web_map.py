"""The interactive HTML map (folium): zone outlines, areas and places in layer groups per zone.

Each map part is a small object with its own template, as folium's plugins are: `Legend` here, the
others in `map_parts`. Popups are built in the browser with `textContent`, never `innerHTML`, so a report's
text shows as text whatever markup it contains.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from opmap.publish.files import atomic_write
from opmap.publish.layers import distinct_place_layer, one_per_operation
from opmap.publish.map_parts import (
    CompactGeoJson,
    FullscreenButton,
    MapReady,
    MeasureTool,
    OpmapScripts,
    PlaceSearch,
    SafePopups,
    TimeSlider,
    compact_features,
    inline_leaflet,
    script_json,
    simplified,
)
from opmap.publish.popups import (
    AREA_POPUP,
    MAX_TITLES,
    OPERATION_POPUP,
    PLACE_POPUP,
    SHARED_AREA_POPUP,
    SHARED_UNCERTAINTY_POPUP,
    UNCERTAINTY_POPUP,
    area_popups,
    one_per_shape,
    operation_popups,
    place_popups,
    uncertainty_popups,
)
from opmap.publish.styles import SHOWN_COLOURS, SHOWN_LABELS, SHOWN_ORDER, ZONE_COLOURS, ZONE_ORDER
from opmap.zones import ZONE_LABELS

__all__ = ["ZONE_COLOURS", "ZONE_ORDER", "Legend", "SafePopups", "build_map", "write_map"]


class Legend(MacroElement):
    """The legend, a Leaflet control in the bottom-left corner above the scale bar (Leaflet stacks a
    corner's controls, so the two never overlap): zone colours, what the symbols are, how approximate
    the zones are. Its text folds away with one click."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomleft"});
            legend.onAdd = function () {
                var box = L.DomUtil.create("div", "opmap-control opmap-legend");
                box.id = "opmap-legend";
                box.style.maxWidth = "250px";
                var head = L.DomUtil.create("div", "opmap-legend-head", box);
                var title = L.DomUtil.create("b", "", head);
                title.textContent = "opmap";
                var summary = L.DomUtil.create("span", "", head);
                summary.textContent = " — " + {{ this.summary }} + " ";
                var fold = L.DomUtil.create("button", "opmap-legend-fold", head);
                fold.type = "button"; fold.textContent = "–"; fold.title = "Fold the legend";
                var body = L.DomUtil.create("div", "opmap-legend-body", box);
                {{ this.entries }}.forEach(function (entry) {
                    var row = L.DomUtil.create("div", "", body);
                    var swatch = L.DomUtil.create("span", "opmap-swatch", row);
                    swatch.style.background = entry[1];
                    if (entry[2]) { swatch.style.borderRadius = "50%"; }
                    row.appendChild(document.createTextNode(entry[0]));
                });
                var note = L.DomUtil.create("div", "opmap-legend-note", body);
                note.textContent = {{ this.note }};
                fold.addEventListener("click", function () {
                    var hidden = body.style.display === "none";
                    body.style.display = hidden ? "" : "none";
                    fold.textContent = hidden ? "–" : "+";
                });
                L.DomEvent.disableClickPropagation(box);
                L.DomEvent.disableScrollPropagation(box);
                return box;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        {% macro header(this, kwargs) %}
        <style>.opmap-legend { font: 12px/1.4 sans-serif; }
               .opmap-legend .opmap-swatch { display: inline-block; width: 11px; height: 11px; opacity: 0.75;
                                              margin-right: 5px; vertical-align: middle; }
               .opmap-legend-note { font-size: 11px; margin-top: 3px; }
               .opmap-legend-fold { border: 0; background: #eee; padding: 0 6px; }</style>
        {% endmacro %}
    """)

    def __init__(self, summary: str, zone_note: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.summary = script_json(summary)
        entries = [(ZONE_LABELS[z], ZONE_COLOURS[z], False) for z in ZONE_ORDER if z not in ("unknown", "outside")]
        entries.append((SHOWN_LABELS["across_zones"], SHOWN_COLOURS["across_zones"], True))
        entries.append((ZONE_LABELS["outside"], ZONE_COLOURS["outside"], False))
        self.entries = script_json(entries)
        self.note = script_json(
            "Filled shapes: reported areas, drawn at the stated size (their uncertainty band can be shown from "
            "the layer list; faint dashed outlines: figures over 5,000 km², such as campaign totals). Small dots: places, one per place, with the reports that name it. Ringed dots: "
            "operations, one per operation however many reports tell it. The slider shows the reports up to a day; undated features always show. " + zone_note)


# A reported area larger than this (a campaign-wide total, a governorate's worth) is drawn as a faint
# dashed outline, so it does not bury the operations it contains, and is left out of the start view.
WIDE_AREA_KM2 = 5000.0
IN_IRAQ = ("kurdistan_region", "disputed", "federal_iraq")  # the start view: what was reported in Iraq
WIDE_AREA_STYLE = {"fillOpacity": 0.04, "dashArray": "10 6", "weight": 1.5}
# From this many reports on, the map draws the reports giving the same area (in the same zone) as one
# shape listing them, and simplifies outlines, so a browser holds it in well under 150 MB of JS heap.
AGGREGATE_REPORTS = 10_000


def _group(fmap: folium.Map, name: str, data: dict[str, Any], style: dict[str, Any], fields: Sequence[Any],
           tooltip: str, show: bool = True, timed: bool = False, searchable: bool = False,
           wide: dict[str, Any] | None = None) -> None:
    """One layer group holding one GeoJSON layer with its safe popups and tooltips."""
    group = folium.FeatureGroup(name=name, show=show)
    layer = CompactGeoJson(data, style, timed=timed, searchable=searchable, wide=wide)
    SafePopups(fields, tooltip).add_to(layer)
    layer.add_to(group)
    group.add_to(fmap)


def _date_span(frames: list[gpd.GeoDataFrame]) -> tuple[str, int] | None:
    """The first event date and the number of days to the last, when they differ."""
    days = sorted({d for frame in frames if len(frame) and "event_date" in frame
                   for d in frame["event_date"] if isinstance(d, str) and d})
    if len(days) < 2:
        return None
    return days[0], (dt.date.fromisoformat(days[-1]) - dt.date.fromisoformat(days[0])).days


def build_map(places: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, zones: gpd.GeoDataFrame,
              operations: gpd.GeoDataFrame | None = None, self_contained: bool = True,
              control_line: dict[str, Any] | None = None, uncertainty: gpd.GeoDataFrame | None = None,
              distinct_places: gpd.GeoDataFrame | None = None, cdn: bool = False,
              aggregate_from: int = AGGREGATE_REPORTS) -> folium.Map:
    """Zone outlines, then per zone its operations, reported areas and places (each place once, with
    the reports that name it), each a layer group drawn on one canvas; the areas' uncertainty bands
    (hidden until asked for); legend, time slider, place search, measure tool, full-screen button.
    Leaflet and every script are inlined unless `cdn` (then the browser fetches them from CDNs).
    From `aggregate_from` reports on, areas and bands with the same shape are drawn once (see
    `one_per_shape`), outlines simplified, and the legend says so."""
    fmap = folium.Map(location=[35.5, 44.0], zoom_start=7, tiles="OpenStreetMap", control_scale=True,
                      prefer_canvas=True)
    if not cdn:  # `self_contained` is the default now; kept so older callers still work
        fmap.default_js, fmap.default_css = [], []
        fmap.get_root().header.add_child(inline_leaflet(), name="leaflet_inline")  # type: ignore[attr-defined]
    else:
        fmap.default_js = [(name, url) for name, url in fmap.default_js if name == "leaflet"]
        fmap.default_css = [(name, url) for name, url in fmap.default_css if name == "leaflet_css"]
    OpmapScripts().add_to(fmap)
    operations = operations if operations is not None else gpd.GeoDataFrame(
        {"zone": [], "event_date": []}, geometry=[], crs="EPSG:4326")
    if distinct_places is None:
        distinct_places = distinct_place_layer(places)
    approximate = bool(len(zones)) and bool(zones["approximate"].any())
    for zone in ZONE_ORDER:
        label, colour = ZONE_LABELS[zone], ZONE_COLOURS[zone]
        outline = zones[zones["zone"] == zone]
        if len(outline):
            _group(fmap, f"{label} — zone{' (approximate)' if approximate else ''}",
                   compact_features(outline, ("zone", "label")),
                   {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.06, "dashArray": "6 4",
                    "className": "opmap-zone", "interactive": False}, (), "")
    if control_line and control_line.get("features"):
        _control_groups(fmap, control_line)
    n_reports = len({str(a) for frame in (places, areas, operations) if "article" in frame.columns
                     for a in frame["article"]})
    aggregated = n_reports >= aggregate_from
    bands = uncertainty_popups(uncertainty) if uncertainty is not None and not aggregated else None
    band_popup: tuple[tuple[str, str], ...] = UNCERTAINTY_POPUP
    if uncertainty is not None and aggregated:
        bands, band_popup = uncertainty_popups(one_per_shape(simplified(uncertainty))), SHARED_UNCERTAINTY_POPUP
    if bands is not None and len(bands):
        _group(fmap, f"Uncertainty bands of the areas ({len(bands)}{' shapes' if aggregated else ''})",
               compact_features(bands, ("event_date", *(k for _, k in band_popup))),
               {"color": "#333", "weight": 1, "dashArray": "4 4", "fill": False, "className": "opmap-uncertainty"},
               band_popup, "uncertainty_text", show=False, timed=True)
    shown_places = place_popups(distinct_places)
    shapes = area_popups(one_per_shape(simplified(areas))) if aggregated and len(areas) else area_popups(areas)
    layered = (("operations", operation_popups(one_per_operation(operations)), "zone", OPERATION_POPUP, "title",
                {"radius": 8, "weight": 2, "color": "#000", "fillOpacity": 0.8, "className": "opmap-operation"}),
               ("reported areas", shapes, "zone", SHARED_AREA_POPUP if aggregated else AREA_POPUP, "area_text",
                {"weight": 2, "fillOpacity": 0.45, "className": "opmap-area"}),
               ("places", shown_places, "shown_as", PLACE_POPUP, "name",
                {"radius": 5, "weight": 1, "color": "#222", "fillOpacity": 0.9, "className": "opmap-place"}))
    for zone in SHOWN_ORDER:
        label, colour = SHOWN_LABELS[zone], SHOWN_COLOURS[zone]
        for kind, frame, key, popup, tooltip, style in layered:  # operations first: areas above stay clickable
            if not len(frame) or key not in frame.columns:
                continue
            fields = ("event_date", "name", "article", "area_km2", *(k for _, k in popup))
            data = compact_features(frame[frame[key] == zone], tuple(dict.fromkeys(fields)))
            if data["r"]:
                coloured = {**style, "fillColor": colour}
                if kind == "reported areas":
                    coloured["color"] = colour
                if kind == "places" and zone == "across_zones":
                    coloured |= {"radius": 7, "weight": 2, "dashArray": "2 2"}
                count = f"{len(data['r'])}"
                if kind == "reported areas" and aggregated:
                    count = f"{len(data['r'])} shapes for {int(frame[frame[key] == zone]['n_merged'].sum())} areas"
                _group(fmap, f"{label} — {kind} ({count})", data, coloured, popup, tooltip,
                       timed=True, searchable=kind == "places",
                       wide={"km2": WIDE_AREA_KM2, "style": WIDE_AREA_STYLE} if kind == "reported areas" else None)
    n_articles = len(set(places["article"])) if len(places) else 0
    span = _date_span([operations, areas, places])
    folium.LayerControl(collapsed=True).add_to(fmap)
    note = ("Zone lines are approximate; replace them with authoritative boundaries (--zones). "
            if approximate else "")
    if aggregated:
        merged = int(shapes["n_merged"].sum()) if "n_merged" in shapes.columns else 0
        note += (f"A large run ({n_reports:,} reports): reports giving the same area in the same zone are drawn "
                 f"as one shape ({merged:,} areas as {len(shapes):,} shapes), whose popup lists them "
                 f"(the first {MAX_TITLES}; every report is in the GeoPackage); outlines are simplified to "
                 "within 0.5 % of their size.")
    Legend(f"{n_articles} reports, {len(areas)} reported areas, {len(shown_places)} places", note.strip()).add_to(fmap)
    if span:
        TimeSlider(*span).add_to(fmap)
    PlaceSearch().add_to(fmap)
    MeasureTool().add_to(fmap)
    FullscreenButton().add_to(fmap)
    MapReady().add_to(fmap)
    sized = areas[~(areas["area_km2"].astype(float) > WIDE_AREA_KM2)] if "area_km2" in areas.columns else areas
    in_iraq = operations[operations["zone"].isin(IN_IRAQ)] if len(operations) else operations
    located = [g for g in [*sized.geometry, *in_iraq.geometry] if g is not None and not g.is_empty]
    if not located and len(shown_places):
        located = [g for g, z in zip(shown_places.geometry, shown_places["shown_as"], strict=True)
                   if z in IN_IRAQ]
    if located:
        west, south, east, north = gpd.GeoSeries(located).total_bounds
        fmap.fit_bounds([[south, west], [north, east]], max_zoom=10)
    return fmap


CONTROL_COLOURS = ("#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf")
CONTROL_FIELDS = ("name", "controlled_by", "as_of", "source", "cells")


def _control_groups(fmap: folium.Map, line: dict[str, Any]) -> None:
    """The line as it stood on a date: disputed districts grouped and coloured by who held them
    (hidden at first; the layer control shows them)."""
    frame = gpd.GeoDataFrame.from_features(line["features"], crs="EPSG:4326")
    frame["controlled_by"] = frame["controlled_by"].fillna("no record")
    as_of = str(frame["as_of"].iloc[0])
    for i, holder in enumerate(sorted(set(frame["controlled_by"]))):
        held = frame[frame["controlled_by"] == holder]
        colour = CONTROL_COLOURS[i % len(CONTROL_COLOURS)]
        _group(fmap, f"Held on {as_of} by {holder} ({len(held)} districts)", compact_features(held, CONTROL_FIELDS),
               {"color": colour, "weight": 1, "fillColor": colour, "fillOpacity": 0.25, "className": "opmap-control"},
               CONTROL_FIELDS, "name", show=False)


def write_map(places: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, target: Path,
              operations: gpd.GeoDataFrame | None = None, self_contained: bool = True,
              control_line: dict[str, Any] | None = None, uncertainty: gpd.GeoDataFrame | None = None,
              distinct_places: gpd.GeoDataFrame | None = None, cdn: bool = False,
              aggregate_from: int = AGGREGATE_REPORTS) -> Path:
    fmap = build_map(places, areas, zones, operations, self_contained, control_line, uncertainty, distinct_places,
                     cdn, aggregate_from)
    return atomic_write(target, lambda path: fmap.save(str(path)))
