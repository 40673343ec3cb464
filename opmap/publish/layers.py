"""The published layers as GeoDataFrames (EPSG:4326), one row per place, area or zone."""

from __future__ import annotations

import json
from collections.abc import Sequence

import geopandas as gpd
from shapely.geometry import Point

from opmap.model import ArticleResult
from opmap.zones import ZoneMap

CRS = "EPSG:4326"


def _provenance(result: ArticleResult) -> dict[str, object]:
    a = result.article
    return {"article": a.id, "title": a.title, "source": a.source, "url": a.url,
            "published": a.published.isoformat() if a.published else None,
            "event_date": result.event_date.isoformat() if result.event_date else None,
            "date_basis": result.date_basis}


def place_layer(results: Sequence[ArticleResult]) -> gpd.GeoDataFrame:
    rows, geometries = [], []
    for result in results:
        meta = _provenance(result)
        for p in result.places:
            rows.append({**meta, "name": p.name, "type": p.type, "surfaces": list(p.surfaces),
                         "mentions": len(p.surfaces), "roles": list(p.roles), "zone": p.zone,
                         "zone_basis": p.zone_basis, "controlled_by": p.controlled_by or None,
                         "precision": p.precision or None, "quote": p.quote,
                         "gazetteer": p.source, "entry": p.entry_key, "geocoder": p.geocoder or None,
                         "country": p.country or None, "shown_as": shown_as(p.zone, p.country, p.type)})
            geometries.append(Point(p.lon, p.lat) if p.lon is not None and p.lat is not None else None)
    return gpd.GeoDataFrame(rows, geometry=geometries, crs=CRS) if rows else _empty(
        ["article", "name", "surfaces", "zone", "event_date"])


ACROSS_ZONES = "across_zones"
SPREAD_TYPES = frozenset({"river", "country", "range", "region"})


def shown_as(zone: str, country: str, kind: str) -> str:
    """The zone a place is drawn as: its zone, except an Iraqi feature no single zone holds (a river
    crossing zones, Iraq as a whole, a long range) is drawn as `across_zones`, not as outside Iraq."""
    if zone == "outside" and (country == "IQ" or (not country and kind in SPREAD_TYPES)):
        return ACROSS_ZONES
    return zone


def distinct_place_layer(places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One point per distinct located place (same name, same point), with the number of reports that
    name it and their titles: what a map draws, where the `places` layer keeps one row per report."""
    columns = ["name", "type", "zone", "shown_as", "precision", "n_reports", "titles", "articles", "first_date",
               "last_date", "event_date"]
    if not len(places):
        return _empty(columns)
    located = places[places.geometry.notna() & ~places.geometry.is_empty]
    if not len(located):
        return _empty(columns)
    keys = list(zip(located["name"], located.geometry.x.round(5), located.geometry.y.round(5), strict=True))
    groups: dict[tuple[str, float, float], list[int]] = {}
    for row, key in enumerate(keys):
        groups.setdefault(key, []).append(row)
    records = located.to_dict("records")
    rows, points = [], []
    for (name, _, _), members in groups.items():
        first = records[members[0]]
        reports = list(dict.fromkeys(str(records[i]["article"]) for i in members))
        titles = list(dict.fromkeys(str(records[i].get("title") or records[i]["article"]) for i in members))
        dates = sorted(str(records[i]["event_date"]) for i in members if records[i].get("event_date"))
        precisions = [int(records[i]["precision"]) for i in members if records[i].get("precision") == records[i].get("precision")
                      and records[i].get("precision")]
        rows.append({"name": name, "type": first.get("type"), "zone": first.get("zone"),
                     "shown_as": first.get("shown_as") or first.get("zone"),
                     "precision": min(precisions) if precisions else None, "n_reports": len(reports),
                     "titles": titles, "articles": reports, "first_date": dates[0] if dates else None,
                     "last_date": dates[-1] if dates else None, "event_date": dates[0] if dates else None})
        points.append(first["geometry"])
    return gpd.GeoDataFrame(rows, geometry=points, crs=CRS)


def one_per_operation(operations: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One point per operation (reports sharing `operation_id`), at its first report's point, with that
    report's fields, the number of reports and their titles: what the map draws, where the
    `operations` layer keeps one row per report."""
    if not len(operations) or "operation_id" not in operations.columns:
        return operations
    keys = [str(o) if isinstance(o, str) and o else f"report:{a}"
            for o, a in zip(operations["operation_id"], operations["article"], strict=True)]
    first: dict[str, int] = {}
    titles: dict[str, list[str]] = {}
    for row, (key, title) in enumerate(zip(keys, operations["title"], strict=True)):
        first.setdefault(key, row)
        titles.setdefault(key, []).append(str(title))
    kept = operations.iloc[sorted(first.values())].copy()
    kept_keys = [keys[i] for i in sorted(first.values())]
    kept["n_reports"] = [len(titles[k]) for k in kept_keys]
    kept["titles"] = [list(dict.fromkeys(titles[k])) for k in kept_keys]
    return kept


def area_layer(results: Sequence[ArticleResult]) -> gpd.GeoDataFrame:
    rows, geometries = [], []
    for result in results:
        meta = _provenance(result)
        for r in result.areas:
            s = r.statement
            rows.append({**meta, "quote": s.quote, "area_km2": s.area_km2, "value_as_written": s.value_text,
                         "unit_as_written": s.unit_text, "hedge": s.hedge or None,
                         "range_min_km2": s.range_km2[0] if s.range_km2 else None,
                         "range_max_km2": s.range_km2[1] if s.range_km2 else None,
                         "status": s.status, "direction": s.direction, "direction_text": s.direction_text,
                         "distance_km": s.distance_km,
                         "anchors": list(r.anchors), "shape_model": r.shape_model,
                         "precision": r.precision or None, "uncertainty_m": r.uncertainty_m,
                         "basis": r.basis, "zone": r.zone, "zone_shares": json.dumps(dict(r.zone_shares)),
                         "controlled_by": r.controlled_by or None,
                         "flag": s.flag or None})
            geometries.append(r.geometry)
    return gpd.GeoDataFrame(rows, geometry=geometries, crs=CRS) if rows else _empty(
        ["article", "quote", "area_km2", "direction", "anchors", "zone", "event_date"])


def zone_layer(zones: ZoneMap) -> gpd.GeoDataFrame:
    from opmap.zones import ZONE_LABELS

    rows = [{"zone": z, "label": ZONE_LABELS[z], "approximate": zones.approximate, "source": zones.source}
            for z in zones.zones]
    return gpd.GeoDataFrame(rows, geometry=list(zones.geometries), crs=CRS)


def _empty(columns: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=CRS)


def uncertainty_layer(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Each area polygon grown by its `uncertainty_m`, buffered in metres in a local azimuthal
    equidistant projection centred on the polygon, so the band is where the area may really lie."""
    import numpy as np
    import pyproj
    import shapely

    columns = ["article", "quote", "zone", "uncertainty_m", "area_km2", "event_date"]
    rows, geometries = [], []
    for record, geometry in zip(areas.to_dict("records"), areas.geometry, strict=True):
        if geometry is None or geometry.is_empty:
            continue
        centre = geometry.centroid
        local = pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={centre.y:.6f} +lon_0={centre.x:.6f} "
                                      "+datum=WGS84 +units=m")
        forward = pyproj.Transformer.from_crs(CRS, local, always_xy=True)
        back = pyproj.Transformer.from_crs(local, CRS, always_xy=True)
        metres = float(record.get("uncertainty_m") or 0.0)
        in_metres = shapely.transform(geometry, lambda xy, t=forward: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))
        grown = shapely.transform(in_metres.buffer(metres, quad_segs=16),
                                  lambda xy, t=back: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))
        rows.append({c: record.get(c) for c in columns})
        geometries.append(grown)
    return gpd.GeoDataFrame(rows, geometry=geometries, crs=CRS) if rows else _empty(columns)
