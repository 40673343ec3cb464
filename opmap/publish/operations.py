"""Operations: one point per reported operation, and the ACLED-style table of them.

An operation point is one article: its point is the centroid of its reported areas, else its first
located place that is not the dateline; it carries the report's own figures (actors, support, force
size, casualties, damage, villages) and the operation id it shares with other reports of the same
operation. `derive_operation` is the one place that decides this, so a
richer model of operations (several per report, merged across reports) replaces only that function.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import Point

from opmap.model import ArticleResult
from opmap.publish.layers import typed
from opmap.publish.styles import decimal_year
from opmap.zones import ZoneMap

CRS = "EPSG:4326"
OPERATION_COLUMNS = ("article", "title", "source", "url", "event_date", "event_year", "location", "basis",
                     "precision", "n_areas", "total_area_km2", "zone", "notes", "operation_id", "actor1",
                     "actor2", "actors", "supported_by", "force_size", "casualties", "fatalities", "destroyed",
                     "villages_cleared")
ACLED_COLUMNS = ("event_date", "actor1", "actor2", "admin1", "admin2", "location", "latitude", "longitude",
                 "geo_precision", "source", "notes", "fatalities")


@dataclass(frozen=True)
class OperationPoint:
    """Where and when one operation happened, as far as its report tells."""

    article: str
    title: str
    source: str
    url: str
    event_date: dt.date | None
    point: Point
    basis: str  # "areas" (centroid of the reported areas) or "place" (a named place)
    location: str
    precision: int
    n_areas: int
    total_area_km2: float | None
    notes: str


def derive_operation(result: ArticleResult) -> OperationPoint | None:
    """One operation per article: centroid of its areas, else its first located non-dateline place."""
    shapes = [a.geometry for a in result.areas if a.geometry is not None and not a.geometry.is_empty]
    figures = [a.statement.area_km2 for a in result.areas if a.statement.area_km2 is not None]
    located = [p for p in result.places if p.lon is not None and p.lat is not None]
    operational = [p for p in located if "dateline" not in p.roles]
    if shapes:
        point = shapely.union_all(shapes).centroid
        anchors = [name for a in result.areas for name in a.anchors]
        location = anchors[0] if anchors else (operational[0].name if operational else "")
        precision = min(a.precision for a in result.areas if a.geometry is not None) or 2
        basis = "areas"
    elif operational:
        place = operational[0]
        point, location, precision, basis = Point(place.lon, place.lat), place.name, place.precision, "place"
    else:
        return None
    a = result.article
    return OperationPoint(article=a.id, title=a.title, source=a.source, url=a.url, event_date=result.event_date,
                          point=point, basis=basis, location=location, precision=precision or 3,
                          n_areas=len(shapes), total_area_km2=round(sum(figures), 3) if figures else None,
                          notes=" | ".join(a.statement.quote for a in result.areas))


def what_the_report_says(result: ArticleResult) -> dict[str, object]:
    """The operation's figures as this report gives them: actors, support, strength, cost, damage."""
    op = result.operation
    if op is None:
        return {}
    sides = [a for a in op.actors if a != "ISIS"]
    killed = [c.count for c in op.casualties if c.kind == "killed"]
    return {
        "operation_id": op.operation_id,
        "actor1": sides[0] if sides else (op.actors[0] if op.actors else ""),
        "actor2": "ISIS" if "ISIS" in op.actors and sides else (sides[1] if len(sides) > 1 else ""),
        "actors": "; ".join(op.actors),
        "supported_by": "; ".join(f"{who} ({kind})" for who, kind in op.support),
        "force_size": "; ".join(f"{f.hedge + ' ' if f.hedge else ''}{f.value:g} {f.what}" for f in op.force_sizes),
        "casualties": "; ".join(f"{c.count:g} {c.side} {c.kind}" for c in op.casualties),
        "fatalities": int(sum(killed)) if killed else None,
        "destroyed": "; ".join(f"{f.value:g} {f.what}" for f in op.destroyed),
        "villages_cleared": "; ".join(op.villages_cleared),
    }


def operation_layer(results: Sequence[ArticleResult], zones: ZoneMap,
                    first_index: int | None = None) -> gpd.GeoDataFrame:
    """The `operations` layer: points with date, report, size and zone. With `first_index`, a `_report`
    column numbers each row's report in the run (from `first_index`), for naming operations later."""
    rows, points, numbers = [], [], []
    for number, result in enumerate(results):
        op = derive_operation(result)
        if op is None:
            continue
        numbers.append(number + (first_index or 0))
        rows.append({"article": op.article, "title": op.title, "source": op.source, "url": op.url,
                     "event_date": op.event_date.isoformat() if op.event_date else None,
                     "event_year": decimal_year(op.event_date) if op.event_date else None, "location": op.location,
                     "basis": op.basis, "precision": op.precision, "n_areas": op.n_areas,
                     "total_area_km2": op.total_area_km2, "zone": zones.zone_at(op.point.x, op.point.y),
                     "notes": op.notes, **what_the_report_says(result)})
        points.append(op.point)
    if not rows:
        return typed(gpd.GeoDataFrame({c: pd.Series([], dtype=object) for c in OPERATION_COLUMNS}, geometry=[],
                                      crs=CRS))
    frame = typed(gpd.GeoDataFrame(rows, geometry=points, crs=CRS).reindex(
        columns=[*OPERATION_COLUMNS, "geometry"]))
    if first_index is not None:
        frame["_report"] = numbers
    return frame


def _column(frame: gpd.GeoDataFrame, name: str) -> object:
    return frame[name] if len(frame) and name in frame.columns else ""


def acled_table(operations: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """ACLED-style columns for the operations (actors, admin areas, fatalities: empty until known)."""
    frame = gpd.GeoDataFrame({
        "event_date": operations["event_date"].fillna("").astype(str) if len(operations) else [],
        "actor1": _column(operations, "actor1"), "actor2": _column(operations, "actor2"), "admin1": "",
        "admin2": "",
        "location": operations["location"] if len(operations) else [],
        "latitude": operations.geometry.y.round(6) if len(operations) else [],
        "longitude": operations.geometry.x.round(6) if len(operations) else [],
        "geo_precision": operations["precision"] if len(operations) else [],
        "source": operations["source"] if len(operations) else [],
        "notes": operations["notes"] if len(operations) else [],
        "fatalities": _column(operations, "fatalities"),
        "article": operations["article"] if len(operations) else [],
        "url": operations["url"] if len(operations) else [],
        "zone": operations["zone"] if len(operations) else [],
    }, geometry=operations.geometry.values if len(operations) else [], crs=CRS)
    return frame
