"""Run by tests/test_qgis.py with Debian's /usr/bin/python3 (python3-qgis): open opmap's project and
GeoPackage in QGIS itself, report what QGIS sees as JSON on stdout, and render the layers to a PNG."""

import json
import sys

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
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
    return facts


def main(project_path, gpkg_path, png_path):
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    report = {"read": project.read(project_path), "order": [], "layers": {}, "defaults": {}}
    report["order"] = [node.name() for node in project.layerTreeRoot().findLayers()]
    for layer in project.mapLayers().values():
        facts = {"valid": layer.isValid(), "crs": layer.crs().authid(), "provider": layer.providerType(),
                 "source": layer.source()}
        if isinstance(layer, QgsVectorLayer):
            facts["count"] = layer.featureCount()
            facts.update(renderer_facts(layer))
        report["layers"][layer.name()] = facts
    # Each GeoPackage table opened on its own: QGIS applies the default style from layer_styles.
    for name in ("zones", "places", "areas", "operations", "uncertainty"):
        layer = QgsVectorLayer(f"{gpkg_path}|layername={name}", name, "ogr")
        report["defaults"][name] = {"valid": layer.isValid(), **renderer_facts(layer)}
    vectors = [project.mapLayersByName(n)[0] for n in ("operations", "places", "areas", "uncertainty", "zones")]
    settings = QgsMapSettings()
    settings.setLayers(vectors)
    web = QgsCoordinateReferenceSystem("EPSG:3857")
    settings.setDestinationCrs(web)
    extent = QgsRectangle()
    for layer in vectors[:3]:
        transform = QgsCoordinateTransform(layer.crs(), web, project)
        extent.combineExtentWith(transform.transformBoundingBox(layer.extent()))
    extent.scale(1.15)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(900, 700))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(png_path, "PNG")
    colours, non_white = set(), 0
    for x in range(0, image.width(), 3):
        for y in range(0, image.height(), 3):
            pixel = image.pixel(x, y) & 0xFFFFFF
            colours.add(pixel)
            non_white += pixel != 0xFFFFFF
    report["render"] = {"colours": len(colours), "non_white_share": non_white / ((image.width() // 3 + 1)
                                                                               * (image.height() // 3 + 1))}
    print(json.dumps(report))
    app.exitQgis()


if __name__ == "__main__":
    main(*sys.argv[1:4])
