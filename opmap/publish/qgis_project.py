"""`opmap.qgs`: a QGIS project that opens the GeoPackage's layers, styled and in order, over an
OpenStreetMap XYZ basemap. Plain XML (no QGIS at run time); paths are relative to the project file,
so the output folder can be moved or shared whole.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyproj

from opmap.publish.files import atomic_write
from opmap.publish.styles import DOCTYPE, QGIS_VERSION, LayerStyle

OSM_XYZ = "type=xyz&url=https://tile.openstreetmap.org/{z}/{x}/{y}.png&zmax=19&zmin=0"
WKB_TYPES = {"point": "Point", "polygon": "Polygon"}


def _srs(parent: ET.Element, epsg: int) -> None:
    crs = pyproj.CRS.from_epsg(epsg)
    ref = ET.SubElement(parent, "spatialrefsys")
    ET.SubElement(ref, "wkt").text = crs.to_wkt("WKT2_2019")
    ET.SubElement(ref, "authid").text = f"EPSG:{epsg}"
    ET.SubElement(ref, "description").text = crs.name
    ET.SubElement(ref, "geographicflag").text = "true" if crs.is_geographic else "false"


def _map_layer(layer_id: str, name: str, source: str, provider: str, epsg: int,
               style: LayerStyle | None) -> ET.Element:
    attributes = {"type": "vector" if style else "raster", "autoRefreshEnabled": "0"}
    if style:
        attributes |= {"geometry": WKB_TYPES[style.geometry], "labelsEnabled": "1" if style.label_field else "0"}
    layer = ET.Element("maplayer", attributes)
    ET.SubElement(layer, "id").text = layer_id
    ET.SubElement(layer, "datasource").text = source
    ET.SubElement(layer, "layername").text = name
    _srs(ET.SubElement(layer, "srs"), epsg)
    ET.SubElement(layer, "provider", {"encoding": "UTF-8"} if style else {}).text = provider
    if style:
        for child in style.root():
            layer.append(child)
    return layer


def project_xml(gpkg_name: str, order: Sequence[str], styles: Mapping[str, LayerStyle],
                extent: tuple[float, float, float, float] | None = None) -> str:
    """The project: `order` top to bottom, then the OSM basemap; EPSG:3857 canvas."""
    qgis = ET.Element("qgis", {"projectname": "opmap", "version": QGIS_VERSION})
    ET.SubElement(qgis, "homePath", {"path": ""})
    ET.SubElement(qgis, "title").text = "opmap"
    _srs(ET.SubElement(qgis, "projectCrs"), 3857)
    layers: list[tuple[str, str, str, str, int, LayerStyle | None]] = [(f"opmap_{name}", name, f"./{gpkg_name}|layername={name}", "ogr", 4326, styles[name])
              for name in order]
    layers.append(("opmap_osm", "OpenStreetMap", OSM_XYZ, "wms", 3857, None))
    tree = ET.SubElement(qgis, "layer-tree-group")
    for layer_id, name, source, provider, _, _ in layers:
        ET.SubElement(tree, "layer-tree-layer", {"id": layer_id, "name": name, "source": source,
                                                 "providerKey": provider, "checked": "Qt::Checked",
                                                 "expanded": "1"})
    if extent:
        west, south, east, north = extent
        canvas = ET.SubElement(qgis, "mapcanvas", {"name": "theMapCanvas"})
        ET.SubElement(canvas, "units").text = "meters"
        to_web = pyproj.Transformer.from_crs(4326, 3857, always_xy=True)
        (xmin, xmax), (ymin, ymax) = to_web.transform([west, east], [south, north])
        box = ET.SubElement(canvas, "extent")
        for key, value in (("xmin", xmin), ("ymin", ymin), ("xmax", xmax), ("ymax", ymax)):
            ET.SubElement(box, key).text = f"{value:.3f}"
        _srs(ET.SubElement(canvas, "destinationsrs"), 3857)
    order_element = ET.SubElement(qgis, "layerorder")
    for layer_id, *_ in layers:
        ET.SubElement(order_element, "layer", {"id": layer_id})
    project_layers = ET.SubElement(qgis, "projectlayers")
    for layer_id, name, source, provider, epsg, style in layers:
        project_layers.append(_map_layer(layer_id, name, source, provider, epsg, style))
    properties = ET.SubElement(qgis, "properties")
    paths = ET.SubElement(properties, "Paths")
    ET.SubElement(paths, "Absolute", {"type": "bool"}).text = "false"
    ET.indent(qgis)
    return DOCTYPE + "\n" + ET.tostring(qgis, encoding="unicode") + "\n"


def write_project(target: Path, gpkg: Path, order: Sequence[str], styles: Mapping[str, LayerStyle],
                  extent: tuple[float, float, float, float] | None = None) -> Path:
    text = project_xml(gpkg.name, order, styles, extent)

    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    return atomic_write(target, write)
