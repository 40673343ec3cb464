"""Run by tests/test_qgis.py with Debian's /usr/bin/python3 (python3-qgis): open opmap's project as
written (nothing set by this script) and its GeoPackage in QGIS itself, report what QGIS sees as JSON
on stdout, and render the project's checked layers, in the project's CRS and start view, to a PNG."""

import json
import sys

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def renderer_facts(layer):
    renderer = layer.renderer()
    facts = {"renderer": renderer.type() if renderer else None}
    if renderer and renderer.type() == "categorizedSymbol":
        facts["attr"] = renderer.classAttribute()
        facts["categories"] = [c.value() for c in renderer.categories()]
    if renderer and renderer.type() == "graduatedSymbol":
        facts["attr"] = renderer.classAttribute()
        facts["ranges"] = [[r.lowerValue(), r.upperValue(), r.label()] for r in renderer.ranges()]
    facts["labels"] = bool(layer.labelsEnabled()) and layer.labeling() is not None
    if facts["labels"]:
        facts["label_field"] = layer.labeling().settings().fieldName
        field = facts["label_field"]
        keys = [(str(f[field]), round(f.geometry().asPoint().x(), 5), round(f.geometry().asPoint().y(), 5))
                for f in layer.getFeatures() if f.hasGeometry()]
        facts["labelled"] = len(keys)
        facts["label_repeats"] = len(keys) - len(set(keys))
    return facts


def main(project_path, gpkg_path, png_path):
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    report = {"read": project.read(project_path), "layers": {}, "defaults": {}}
    crs = project.crs()
    report["crs"] = {"valid": crs.isValid(), "authid": crs.authid()}
    nodes = project.layerTreeRoot().findLayers()
    report["order"] = [node.name() for node in nodes]
    report["unbound_nodes"] = [node.name() for node in nodes if node.layer() is None]
    report["checked"] = [node.name() for node in nodes if node.isVisible()]
    for layer in project.mapLayers().values():
        facts = {"valid": layer.isValid(), "crs": layer.crs().authid(), "provider": layer.providerType(),
                 "source": layer.source()}
        if isinstance(layer, QgsVectorLayer):
            facts["count"] = layer.featureCount()
            facts.update(renderer_facts(layer))
        report["layers"][layer.name()] = facts
    # Each GeoPackage table opened on its own: QGIS applies the default style from layer_styles.
    for name in ("zones", "places", "distinct_places", "areas", "operations", "uncertainty"):
        layer = QgsVectorLayer(f"{gpkg_path}|layername={name}", name, "ogr")
        report["defaults"][name] = {"valid": layer.isValid(), **renderer_facts(layer)}
    view = project.viewSettings().defaultViewExtent()
    to_degrees = QgsCoordinateTransform(view.crs(), QgsCoordinateReferenceSystem("EPSG:4326"), project)
    box = to_degrees.transformBoundingBox(view)
    report["view"] = {"crs": view.crs().authid(), "empty": view.isEmpty(),
                      "degrees": [box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()]}
    # Tiles need the network, which a test does not have: render the checked vector layers.
    visible = [node.layer() for node in nodes if node.isVisible() and isinstance(node.layer(), QgsVectorLayer)]
    settings = QgsMapSettings()
    settings.setLayers(visible)
    settings.setDestinationCrs(crs)
    settings.setOutputSize(QSize(900, 700))
    settings.setExtent(view)
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(png_path, "PNG")
    colours = {}
    for x in range(0, image.width(), 3):
        for y in range(0, image.height(), 3):
            pixel = image.pixel(x, y) & 0xFFFFFF
            colours[pixel] = colours.get(pixel, 0) + 1
    sampled = sum(colours.values())
    report["render"] = {"layers": [layer.name() for layer in visible], "colours": len(colours),
                        "non_white_share": 1 - colours.get(0xFFFFFF, 0) / sampled,
                        "top_colour_share": max(colours.values()) / sampled}
    print(json.dumps(report), flush=True)
    del visible, layer, nodes
    project.clear()
    app.exitQgis()


if __name__ == "__main__":
    main(*sys.argv[1:4])
