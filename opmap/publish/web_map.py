"""The interactive HTML map (folium): zone outlines, areas and places in layer groups per zone.

Each map part is a small object with its own template, as folium's plugins are: `Legend` and
`SafePopups`. Popups are built in the browser with `textContent`, never `innerHTML`, so a report's
text shows as text whatever markup it contains.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from opmap.publish.files import atomic_write
from opmap.zones import ZONE_LABELS

ZONE_COLOURS = {"kurdistan_region": "#1b9e77", "disputed": "#d95f02", "federal_iraq": "#7570b3",
                "outside": "#8c8c8c", "unknown": "#444444"}
ZONE_ORDER = ("kurdistan_region", "disputed", "federal_iraq", "outside", "unknown")
PLACE_FIELDS = ("name", "type", "zone", "precision", "quote", "source", "title", "event_date", "url",
                "article", "gazetteer")
AREA_FIELDS = ("quote", "area_km2", "status", "direction", "anchors", "basis", "precision",
               "uncertainty_m", "zone", "zone_shares", "source", "title", "event_date", "url", "article")


class SafePopups(MacroElement):
    """Bind to every feature of the parent GeoJson a popup built from its properties as plain text."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <script>
        function opmapPopup(props, fields) {
            var box = document.createElement("div");
            box.className = "opmap-popup";
            fields.forEach(function (key) {
                var value = props[key];
                if (value === null || value === undefined || value === "") { return; }
                if (Array.isArray(value)) { value = value.join(", "); }
                var row = document.createElement("div");
                var label = document.createElement("b");
                label.textContent = key.replace(/_/g, " ") + ": ";
                row.appendChild(label);
                if (key === "url" && /^https?:\\/\\//.test(String(value))) {
                    var link = document.createElement("a");
                    link.href = String(value); link.target = "_blank"; link.rel = "noopener noreferrer";
                    link.textContent = String(value);
                    row.appendChild(link);
                } else {
                    row.appendChild(document.createTextNode(String(value)));
                }
                box.appendChild(row);
            });
            return box;
        }
        </script>
        <style>.opmap-popup { max-width: 320px; font: 12px/1.35 sans-serif; }
               .opmap-popup div { margin-bottom: 2px; }</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.eachLayer(function (layer) {
            layer.bindPopup(function () { return opmapPopup(layer.feature.properties, {{ this.fields }}); },
                            {maxWidth: 340});
        });
        {% endmacro %}
    """)

    def __init__(self, fields: tuple[str, ...]) -> None:
        super().__init__()
        self._name = "SafePopups"
        self.fields = json.dumps(list(fields))


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
          size). Dots: places. {{ this.zone_note }}</span>
        </div>
        {% endmacro %}
    """)

    def __init__(self, summary: str, zone_note: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.summary = summary
        self.zone_note = zone_note
        self.entries = [(ZONE_LABELS[z], ZONE_COLOURS[z]) for z in ZONE_ORDER if z != "unknown"]


def _features(frame: gpd.GeoDataFrame, fields: tuple[str, ...]) -> dict[str, Any]:
    """A lean FeatureCollection: only located features, only the popup fields."""
    located = frame[frame.geometry.notna() & ~frame.geometry.is_empty] if len(frame) else frame
    keep = [f for f in fields if f in located.columns]
    lean = located[[*keep, "geometry"]].copy()
    if "geometry" in lean and len(lean):
        lean["geometry"] = lean.geometry.set_precision(1e-6)
    return json.loads(lean.to_json(na="null", drop_id=True)) if len(lean) else {
        "type": "FeatureCollection", "features": []}


def build_map(places: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> folium.Map:
    fmap = folium.Map(location=[35.5, 44.0], zoom_start=7, tiles="OpenStreetMap", control_scale=True)
    approximate = bool(len(zones)) and bool(zones["approximate"].any())
    for zone in ZONE_ORDER:
        label, colour = ZONE_LABELS[zone], ZONE_COLOURS[zone]
        outline = zones[zones["zone"] == zone]
        if len(outline):
            group = folium.FeatureGroup(name=f"{label} — zone{' (approximate)' if approximate else ''}",
                                        show=True)
            folium.GeoJson(json.loads(outline[["zone", "label", "geometry"]].to_json(drop_id=True)),
                           style_function=lambda _, c=colour: {"color": c, "weight": 2, "fillColor": c,
                                                               "fillOpacity": 0.06, "dashArray": "6 4"},
                           tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False)).add_to(group)
            group.add_to(fmap)
    for zone in ZONE_ORDER:
        label, colour = ZONE_LABELS[zone], ZONE_COLOURS[zone]
        zone_areas = areas[areas["zone"] == zone] if len(areas) else areas
        data = _features(zone_areas, AREA_FIELDS)
        if data["features"]:
            group = folium.FeatureGroup(name=f"{label} — reported areas ({len(data['features'])})")
            layer = folium.GeoJson(data, name=f"{zone}-areas",
                                   style_function=lambda _, c=colour: {"color": c, "weight": 2, "fillColor": c,
                                                                       "fillOpacity": 0.45})
            SafePopups(AREA_FIELDS).add_to(layer)
            layer.add_to(group)
            group.add_to(fmap)
        zone_places = places[places["zone"] == zone] if len(places) else places
        data = _features(zone_places, PLACE_FIELDS)
        if data["features"]:
            group = folium.FeatureGroup(name=f"{label} — places ({len(data['features'])})")
            layer = folium.GeoJson(data, name=f"{zone}-places",
                                   marker=folium.CircleMarker(radius=5, weight=1, color="#222",
                                                              fill_color=colour, fill_opacity=0.9))
            SafePopups(PLACE_FIELDS).add_to(layer)
            layer.add_to(group)
            group.add_to(fmap)
    n_articles = len(set(places["article"])) if len(places) else 0
    Legend(f"{n_articles} reports, {len(areas)} reported areas",
           "Zone lines are approximate; replace them with authoritative boundaries (--zones)."
           if approximate else "").add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    located = [g for g in [*areas.geometry, *places.geometry] if g is not None and not g.is_empty]
    if located:
        west, south, east, north = gpd.GeoSeries(located).total_bounds
        fmap.fit_bounds([[south, west], [north, east]], max_zoom=10)
    return fmap


def write_map(places: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, target: Path) -> Path:
    fmap = build_map(places, areas, zones)
    return atomic_write(target, lambda path: fmap.save(str(path)))
