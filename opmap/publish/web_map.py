"""The interactive HTML map (folium): zone outlines, areas and places in layer groups per zone.

Each map part is a small object with its own template, as folium's plugins are: `Legend` here, the
others in `map_parts`. Popups are built in the browser with `textContent`, never `innerHTML`, so a report's
text shows as text whatever markup it contains.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from opmap.publish.files import atomic_write
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
)
from opmap.publish.styles import ZONE_COLOURS, ZONE_ORDER
from opmap.zones import ZONE_LABELS

__all__ = ["ZONE_COLOURS", "ZONE_ORDER", "Legend", "SafePopups", "build_map", "write_map"]
PLACE_FIELDS = ("name", "type", "zone", "controlled_by", "precision", "quote", "source", "title", "event_date", "url",
                "article", "gazetteer")
AREA_FIELDS = ("quote", "area_km2", "value_as_written", "unit_as_written", "hedge", "range_min_km2",
               "range_max_km2", "status", "direction", "distance_km", "anchors", "shape_model", "basis", "precision",
               "uncertainty_m", "zone", "zone_shares", "controlled_by", "flag", "source", "title", "event_date", "url",
               "article")
OPERATION_FIELDS = ("title", "event_date", "operation_id", "location", "actors", "supported_by", "force_size",
                    "casualties", "destroyed", "villages_cleared", "n_areas", "total_area_km2", "zone", "basis",
                    "precision", "source", "url", "article")


class Legend(MacroElement):
    """A fixed legend: zone colours, what the symbols are, and how approximate the zones are."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <div id="opmap-legend" style="position: fixed; bottom: 24px; left: 12px; z-index: 9999;
             background: rgba(255,255,255,0.92); padding: 8px 10px; border-radius: 4px;
             box-shadow: 0 1px 4px rgba(0,0,0,0.3); font: 12px/1.4 sans-serif; max-width: 260px;">
          <b>opmap</b> — {{ this.summary }}<br>
          {% for label, colour in this.entries %}
          <span style="display:inline-block;width:12px;height:12px;background:{{ colour }};
                opacity:0.7;margin-right:4px;vertical-align:middle;"></span>{{ label }}<br>
          {% endfor %}
          <span style="font-size:11px;">Filled shapes: reported areas (approximate polygons of the stated
          size). Dots: places. Large ringed dots: operations (under their areas). The slider shows the
          reports up to a day; undated features always show. {{ this.zone_note }}</span>
        </div>
        {% endmacro %}
    """)

    def __init__(self, summary: str, zone_note: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.summary = summary
        self.zone_note = zone_note
        self.entries = [(ZONE_LABELS[z], ZONE_COLOURS[z]) for z in ZONE_ORDER if z != "unknown"]


def _group(fmap: folium.Map, name: str, data: dict[str, Any], style: dict[str, Any], fields: tuple[str, ...],
           tooltip: str, show: bool = True, timed: bool = False, searchable: bool = False) -> None:
    """One layer group holding one GeoJSON layer with its safe popups and tooltips."""
    group = folium.FeatureGroup(name=name, show=show)
    layer = CompactGeoJson(data, style, timed=timed, searchable=searchable)
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
              operations: gpd.GeoDataFrame | None = None, self_contained: bool = False,
              control_line: dict[str, Any] | None = None) -> folium.Map:
    """Zone outlines, then per zone its reported areas, places and operations, each a layer group;
    legend, time slider, place search, measure tool and full-screen button."""
    fmap = folium.Map(location=[35.5, 44.0], zoom_start=7, tiles="OpenStreetMap", control_scale=True)
    if self_contained:
        fmap.default_js, fmap.default_css = [], []
        fmap.get_root().header.add_child(inline_leaflet(), name="leaflet_inline")  # type: ignore[attr-defined]
    OpmapScripts().add_to(fmap)
    operations = operations if operations is not None else gpd.GeoDataFrame(
        {"zone": [], "event_date": []}, geometry=[], crs="EPSG:4326")
    approximate = bool(len(zones)) and bool(zones["approximate"].any())
    for zone in ZONE_ORDER:
        label, colour = ZONE_LABELS[zone], ZONE_COLOURS[zone]
        outline = zones[zones["zone"] == zone]
        if len(outline):
            _group(fmap, f"{label} — zone{' (approximate)' if approximate else ''}",
                   compact_features(outline, ("zone", "label")),
                   {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.06, "dashArray": "6 4",
                    "className": "opmap-zone"}, (), "label")
    if control_line and control_line.get("features"):
        _control_groups(fmap, control_line)
    for zone in ZONE_ORDER:
        label, colour = ZONE_LABELS[zone], ZONE_COLOURS[zone]
        for kind, frame, fields, tooltip, style in (  # operations first: areas above them stay clickable
                ("operations", operations, OPERATION_FIELDS, "title",
                 {"radius": 8, "weight": 2, "color": "#000", "fillColor": colour, "fillOpacity": 0.8,
                  "className": "opmap-operation"}),
                ("reported areas", areas, AREA_FIELDS, "anchors",
                 {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.45, "className": "opmap-area"}),
                ("places", places, PLACE_FIELDS, "name",
                 {"radius": 5, "weight": 1, "color": "#222", "fillColor": colour, "fillOpacity": 0.9,
                  "className": "opmap-place"})):
            data = compact_features(frame[frame["zone"] == zone] if len(frame) else frame, fields)
            if data["r"]:
                _group(fmap, f"{label} — {kind} ({len(data['r'])})", data, style, fields, tooltip,
                       timed=True, searchable=kind == "places")
    n_articles = len(set(places["article"])) if len(places) else 0
    span = _date_span([operations, areas, places])
    Legend(f"{n_articles} reports, {len(areas)} reported areas",
           "Zone lines are approximate; replace them with authoritative boundaries (--zones)."
           if approximate else "").add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    if span:
        TimeSlider(*span).add_to(fmap)
    PlaceSearch().add_to(fmap)
    MeasureTool().add_to(fmap)
    FullscreenButton().add_to(fmap)
    MapReady().add_to(fmap)
    located = [g for g in [*areas.geometry, *places.geometry] if g is not None and not g.is_empty]
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
              operations: gpd.GeoDataFrame | None = None, self_contained: bool = False,
              control_line: dict[str, Any] | None = None) -> Path:
    fmap = build_map(places, areas, zones, operations, self_contained, control_line)
    return atomic_write(target, lambda path: fmap.save(str(path)))
