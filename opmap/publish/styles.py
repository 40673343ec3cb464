"""Default QGIS styles (QML) for the published layers, written as plain XML without QGIS.

The element and option names are those QGIS 3.22 itself writes with `QgsMapLayer.exportNamedStyle`
(renderer-v2, symbols with both `Option` maps and legacy `prop` pairs, simple labeling). Zones and
areas are categorised by `zone`, places by `zone` with labels on `name`, operations graduated by date.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd

from opmap.zones import ZONE_LABELS

QGIS_VERSION = "3.22.16-Białowieża"
DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
ZONE_COLOURS = {"kurdistan_region": "#1b9e77", "disputed": "#d95f02", "federal_iraq": "#7570b3",
                "outside": "#8c8c8c", "unknown": "#444444"}
ZONE_ORDER = ("kurdistan_region", "disputed", "federal_iraq", "outside", "unknown")
# How places are drawn: their zone, or `across_zones` for an Iraqi feature no one zone holds.
SHOWN_COLOURS = {**ZONE_COLOURS, "across_zones": "#2b8cbe"}
SHOWN_ORDER = ("kurdistan_region", "disputed", "federal_iraq", "across_zones", "outside", "unknown")
SHOWN_LABELS = {**ZONE_LABELS, "across_zones": "Across zones (rivers, ranges, Iraq as a whole)"}
DATE_RAMP = ("#fecc5c", "#fd8d3c", "#f03b20", "#bd0026", "#67000d")  # older → newer
GEOMETRY_TYPES = {"point": "0", "line": "1", "polygon": "2"}


def rgba(colour: str, alpha: int = 255) -> str:
    """'#1b9e77' → '27,158,119,255', the colour form QGIS symbol properties use."""
    value = colour.lstrip("#")
    return ",".join(str(int(value[i:i + 2], 16)) for i in (0, 2, 4)) + f",{alpha}"


@dataclass(frozen=True)
class Symbol:
    """One QGIS symbol: a simple fill for polygons or a simple circle marker for points."""

    kind: str  # fill | marker
    colour: str
    alpha: int = 255
    outline: str = "#232323"
    outline_width: float = 0.26
    outline_style: str = "solid"  # solid | dash | no
    fill_style: str = "solid"  # solid | no
    size: float = 2.4

    def properties(self) -> dict[str, str]:
        if self.kind == "marker":
            return {"angle": "0", "color": rgba(self.colour, self.alpha), "joinstyle": "bevel", "name": "circle",
                    "offset": "0,0", "offset_unit": "MM", "outline_color": rgba(self.outline),
                    "outline_style": self.outline_style, "outline_width": str(self.outline_width),
                    "outline_width_unit": "MM", "scale_method": "diameter", "size": str(self.size),
                    "size_unit": "MM", "horizontal_anchor_point": "1", "vertical_anchor_point": "1"}
        return {"color": rgba(self.colour, self.alpha), "joinstyle": "bevel", "offset": "0,0",
                "offset_unit": "MM", "outline_color": rgba(self.outline), "outline_style": self.outline_style,
                "outline_width": str(self.outline_width), "outline_width_unit": "MM", "style": self.fill_style}

    def element(self, name: str) -> ET.Element:
        symbol = ET.Element("symbol", {"type": self.kind, "name": name, "alpha": "1", "clip_to_extent": "1",
                                       "force_rhr": "0"})
        layer = ET.SubElement(symbol, "layer", {"class": "SimpleMarker" if self.kind == "marker" else "SimpleFill",
                                                "enabled": "1", "locked": "0", "pass": "0"})
        options = ET.SubElement(layer, "Option", {"type": "Map"})
        for key, value in self.properties().items():
            ET.SubElement(options, "Option", {"name": key, "value": value, "type": "QString"})
        for key, value in self.properties().items():
            ET.SubElement(layer, "prop", {"k": key, "v": value})
        return symbol


@dataclass(frozen=True)
class LayerStyle:
    """A layer's default style: the renderer, optional labels, and a one-line description."""

    renderer: ET.Element
    geometry: str  # point | polygon
    description: str
    label_field: str = ""

    def root(self) -> ET.Element:
        qgis = ET.Element("qgis", {"version": QGIS_VERSION, "styleCategories": "Symbology|Labeling",
                                   "labelsEnabled": "1" if self.label_field else "0"})
        qgis.append(self.renderer)
        if self.label_field:
            qgis.append(simple_labels(self.label_field))
        ET.SubElement(qgis, "blendMode").text = "0"
        ET.SubElement(qgis, "featureBlendMode").text = "0"
        ET.SubElement(qgis, "layerGeometryType").text = GEOMETRY_TYPES[self.geometry]
        return qgis

    def qml(self) -> str:
        ET.indent(root := self.root())
        return DOCTYPE + "\n" + ET.tostring(root, encoding="unicode") + "\n"


def _renderer(kind: str, **attributes: str) -> ET.Element:
    return ET.Element("renderer-v2", {"type": kind, "symbollevels": "0", "forceraster": "0",
                                      "enableorderby": "0", "referencescale": "-1", **attributes})


def single_symbol(symbol: Symbol) -> ET.Element:
    renderer = _renderer("singleSymbol")
    ET.SubElement(renderer, "symbols").append(symbol.element("0"))
    return renderer


def categorised(attribute: str, categories: Sequence[tuple[str, str, Symbol]]) -> ET.Element:
    """A categorized renderer on `attribute`: (value, label, symbol) per category."""
    renderer = _renderer("categorizedSymbol", attr=attribute)
    listed, symbols = ET.SubElement(renderer, "categories"), ET.SubElement(renderer, "symbols")
    for index, (value, label, symbol) in enumerate(categories):
        ET.SubElement(listed, "category", {"value": value, "label": label, "symbol": str(index), "render": "true"})
        symbols.append(symbol.element(str(index)))
    return renderer


def graduated(attribute: str, ranges: Sequence[tuple[float, float, str, Symbol]]) -> ET.Element:
    """A graduated renderer on numeric `attribute`: (lower, upper, label, symbol) per class."""
    renderer = _renderer("graduatedSymbol", attr=attribute, graduatedMethod="GraduatedColor")
    listed, symbols = ET.SubElement(renderer, "ranges"), ET.SubElement(renderer, "symbols")
    for index, (lower, upper, label, symbol) in enumerate(ranges):
        ET.SubElement(listed, "range", {"lower": f"{lower:.15f}", "upper": f"{upper:.15f}", "label": label,
                                        "symbol": str(index), "render": "true"})
        symbols.append(symbol.element(str(index)))
    method = ET.SubElement(renderer, "classificationMethod", {"id": "Custom"})
    ET.SubElement(method, "symmetricMode", {"enabled": "0", "symmetrypoint": "0", "astride": "0"})
    ET.SubElement(method, "labelFormat", {"format": "%1 - %2", "labelprecision": "4", "trimtrailingzeroes": "1"})
    return renderer


def simple_labels(field: str) -> ET.Element:
    """Labels on `field`: dark text with a white halo, placed around the point."""
    labeling = ET.Element("labeling", {"type": "simple"})
    settings = ET.SubElement(labeling, "settings", {"calloutType": "simple"})
    style = ET.SubElement(settings, "text-style", {
        "fieldName": field, "isExpression": "0", "fontSize": "8", "fontSizeUnit": "Point",
        "fontFamily": "Sans Serif", "namedStyle": "Regular", "textColor": "30,30,30,255", "textOpacity": "1",
        "fontWeight": "50", "fontItalic": "0", "allowHtml": "0", "blendMode": "0", "multilineHeight": "1"})
    ET.SubElement(style, "text-buffer", {"bufferDraw": "1", "bufferSize": "0.8", "bufferSizeUnits": "MM",
                                         "bufferColor": "255,255,255,255", "bufferOpacity": "0.9",
                                         "bufferNoFill": "1", "bufferJoinStyle": "128", "bufferBlendMode": "0"})
    ET.SubElement(settings, "text-format", {"multilineAlign": "3", "wrapChar": "", "autoWrapLength": "0"})
    ET.SubElement(settings, "placement", {"placement": "6", "dist": "1", "distUnits": "MM", "priority": "5",
                                          "offsetType": "0", "quadOffset": "4", "layerType": "PointGeometry"})
    ET.SubElement(settings, "rendering", {"drawLabels": "1", "obstacle": "1", "displayAll": "0",
                                          "scaleVisibility": "0", "maxNumLabels": "2000",
                                          "upsidedownLabels": "0", "limitNumLabels": "0"})
    return labeling


def zone_categories(symbol_for: dict[str, Symbol]) -> list[tuple[str, str, Symbol]]:
    return [(zone, ZONE_LABELS[zone], symbol_for[zone]) for zone in ZONE_ORDER]


def date_ranges(dates: Sequence[str]) -> list[tuple[float, float, str, Symbol]]:
    """Up to five classes of consecutive event dates (oldest pale, newest dark) on `event_year`."""
    days = sorted({dt.date.fromisoformat(d) for d in dates if d})
    if not days:
        return []
    k = min(len(DATE_RAMP), len(days))
    chunks = [days[i * len(days) // k:(i + 1) * len(days) // k] for i in range(k)]
    ramp = [DATE_RAMP[round(i * (len(DATE_RAMP) - 1) / max(k - 1, 1))] for i in range(k)]
    return [(decimal_year(chunk[0]), decimal_year(chunk[-1]),
             chunk[0].isoformat() if chunk[0] == chunk[-1] else f"{chunk[0].isoformat()} – {chunk[-1].isoformat()}",
             Symbol("marker", colour, outline="#000000", outline_width=0.3, size=3.4))
            for chunk, colour in zip(chunks, ramp, strict=True)]


def decimal_year(day: dt.date) -> float:
    """2016-10-17 → 2016.79..., the numeric date the operations layer is graduated on."""
    start = dt.date(day.year, 1, 1)
    return round(day.year + (day - start).days / (dt.date(day.year + 1, 1, 1) - start).days, 5)


def default_styles(layers: dict[str, gpd.GeoDataFrame]) -> dict[str, LayerStyle]:
    """opmap's default style for each published layer present in `layers`."""
    styles: dict[str, LayerStyle] = {}
    if "zones" in layers:
        styles["zones"] = LayerStyle(categorised("zone", zone_categories({
            z: Symbol("fill", c, alpha=30, outline=c, outline_width=0.6, outline_style="dash")
            for z, c in ZONE_COLOURS.items()})), "polygon", "opmap zones, categorised by zone")
    if "uncertainty" in layers:
        styles["uncertainty"] = LayerStyle(single_symbol(
            Symbol("fill", "#000000", alpha=0, outline="#555555", outline_width=0.3, outline_style="dash",
                   fill_style="no")), "polygon", "opmap uncertainty bands: outline only")
    if "areas" in layers:
        styles["areas"] = LayerStyle(categorised("zone", zone_categories({
            z: Symbol("fill", c, alpha=120, outline=c, outline_width=0.5) for z, c in ZONE_COLOURS.items()})),
            "polygon", "opmap reported areas, categorised by zone")
    if "places" in layers:
        styles["places"] = LayerStyle(categorised("zone", zone_categories({
            z: Symbol("marker", c, outline="#222222", outline_width=0.2, size=2.2)
            for z, c in ZONE_COLOURS.items()})), "point", "opmap places, one row per report, by zone")
    if "distinct_places" in layers:
        styles["distinct_places"] = LayerStyle(categorised("shown_as", [
            (z, SHOWN_LABELS[z], Symbol("marker", SHOWN_COLOURS[z], outline="#222222", outline_width=0.2,
                                        size=2.4 if z != "across_zones" else 3.0))
            for z in SHOWN_ORDER]), "point", "opmap places, one per place, labelled by name", "name")
    if "operations" in layers:
        frame = layers["operations"]
        ranges = date_ranges([d for d in frame["event_date"] if isinstance(d, str)]) if len(frame) else []
        renderer = graduated("event_year", ranges) if ranges else single_symbol(
            Symbol("marker", DATE_RAMP[-1], outline="#000000", outline_width=0.3, size=3.4))
        styles["operations"] = LayerStyle(renderer, "point", "opmap operations, graduated by event date")
    return styles
