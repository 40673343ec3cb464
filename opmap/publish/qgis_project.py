"""`opmap.qgs`: a QGIS project that opens the GeoPackage's layers, styled and in order, over an
OpenStreetMap XYZ basemap. Plain XML (no QGIS at run time); paths are relative to the project file,
so the output folder can be moved or shared whole.

What QGIS 3.22 needs to read it as meant: layer ids longer than 10 characters (shorter ones are
replaced on reading, which detaches the tree node from its layer), `SpatialRefSys/ProjectionsEnabled`
set (else the project CRS is not read), and the start view in `ProjectViewSettings`.
"""

from __future__ import annotations

import uuid
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyproj

from opmap.publish.files import atomic_write
from opmap.publish.styles import DOCTYPE, QGIS_VERSION, LayerStyle

OSM_XYZ = "type=xyz&url=https://tile.openstreetmap.org/{z}/{x}/{y}.png&zmax=19&zmin=0"
WKB_TYPES = {"point": "Point", "polygon": "Polygon"}


def _srs(parent: ET.Element, epsg: int) -> ET.Element:
    crs = pyproj.CRS.from_epsg(epsg)
    ref = ET.SubElement(parent, "spatialrefsys")
    ET.SubElement(ref, "wkt").text = crs.to_wkt("WKT2_2019")
    with warnings.catch_warnings():  # QGIS reads the WKT; the PROJ string is for older readers
        warnings.simplefilter("ignore", UserWarning)
        ET.SubElement(ref, "proj4").text = crs.to_proj4()
    ET.SubElement(ref, "srid").text = str(epsg)
    ET.SubElement(ref, "authid").text = f"EPSG:{epsg}"
    ET.SubElement(ref, "description").text = crs.name
    ET.SubElement(ref, "geographicflag").text = "true" if crs.is_geographic else "false"
    return ref


def layer_id(name: str) -> str:
    """A stable layer id in QGIS's own form (name + uuid), long enough that QGIS keeps it."""
    return f"{name}_{uuid.uuid5(uuid.NAMESPACE_URL, 'opmap:' + name).hex}"


def _map_layer(lid: str, name: str, source: str, provider: str, epsg: int,
               style: LayerStyle | None) -> ET.Element:
    attributes = {"type": "vector" if style else "raster", "autoRefreshEnabled": "0"}
    if style:
        attributes |= {"geometry": WKB_TYPES[style.geometry], "labelsEnabled": "1" if style.label_field else "0"}
    layer = ET.Element("maplayer", attributes)
    ET.SubElement(layer, "id").text = lid
    ET.SubElement(layer, "datasource").text = source
    ET.SubElement(layer, "layername").text = name
    _srs(ET.SubElement(layer, "srs"), epsg)
    ET.SubElement(layer, "provider", {"encoding": "UTF-8"} if style else {}).text = provider
    if style:
        for child in style.root():
            layer.append(child)
    return layer


def project_xml(gpkg_name: str, order: Sequence[str], styles: Mapping[str, LayerStyle],
                extent: tuple[float, float, float, float] | None = None,
                hidden: Sequence[str] = ()) -> str:
    """The project: `order` top to bottom (the `hidden` ones unchecked), then the OSM basemap; an
    EPSG:3857 canvas opening on `extent` (west, south, east, north in degrees)."""
    qgis = ET.Element("qgis", {"projectname": "opmap", "version": QGIS_VERSION})
    ET.SubElement(qgis, "homePath", {"path": ""})
    ET.SubElement(qgis, "title").text = "opmap"
    _srs(ET.SubElement(qgis, "projectCrs"), 3857)
    layers: list[tuple[str, str, str, str, int, LayerStyle | None]] = [
        (layer_id(name), name, f"./{gpkg_name}|layername={name}", "ogr", 4326, styles[name]) for name in order]
    layers.append((layer_id("OpenStreetMap"), "OpenStreetMap", OSM_XYZ, "wms", 3857, None))
    tree = ET.SubElement(qgis, "layer-tree-group")
    for lid, name, source, provider, _, _ in layers:
        ET.SubElement(tree, "layer-tree-layer", {"id": lid, "name": name, "source": source,
                                                 "providerKey": provider,
                                                 "checked": "Qt::Unchecked" if name in hidden else "Qt::Checked",
                                                 "expanded": "1"})
    if extent:
        west, south, east, north = extent
        to_web = pyproj.Transformer.from_crs(4326, 3857, always_xy=True)
        (xmin, xmax), (ymin, ymax) = to_web.transform([west, east], [south, north])
        box = {"xmin": f"{xmin:.3f}", "ymin": f"{ymin:.3f}", "xmax": f"{xmax:.3f}", "ymax": f"{ymax:.3f}"}
        canvas = ET.SubElement(qgis, "mapcanvas", {"name": "theMapCanvas", "annotationsVisible": "1"})
        ET.SubElement(canvas, "units").text = "meters"
        element = ET.SubElement(canvas, "extent")
        for key, value in box.items():
            ET.SubElement(element, key).text = value
        ET.SubElement(canvas, "rotation").text = "0"
        _srs(ET.SubElement(canvas, "destinationsrs"), 3857)
        view = ET.SubElement(qgis, "ProjectViewSettings", {"UseProjectScales": "0", "rotation": "0"})
        ET.SubElement(view, "Scales")
        _srs(ET.SubElement(view, "DefaultViewExtent", box), 3857)
    order_element = ET.SubElement(qgis, "layerorder")
    for lid, *_ in layers:
        ET.SubElement(order_element, "layer", {"id": lid})
    project_layers = ET.SubElement(qgis, "projectlayers")
    for lid, name, source, provider, epsg, style in layers:
        project_layers.append(_map_layer(lid, name, source, provider, epsg, style))
    properties = ET.SubElement(qgis, "properties")
    paths = ET.SubElement(properties, "Paths")
    ET.SubElement(paths, "Absolute", {"type": "bool"}).text = "false"
    srs = ET.SubElement(properties, "SpatialRefSys")
    ET.SubElement(srs, "ProjectionsEnabled", {"type": "int"}).text = "1"
    ET.indent(qgis)
    return DOCTYPE + "\n" + ET.tostring(qgis, encoding="unicode") + "\n"


def write_project(target: Path, gpkg: Path, order: Sequence[str], styles: Mapping[str, LayerStyle],
                  extent: tuple[float, float, float, float] | None = None, hidden: Sequence[str] = ()) -> Path:
    text = project_xml(gpkg.name, order, styles, extent, hidden)

    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    return atomic_write(target, write)
