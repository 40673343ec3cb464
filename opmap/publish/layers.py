"""The published layers as GeoDataFrames (EPSG:4326), one row per place, area or zone."""

from __future__ import annotations

import json
from array import array
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from opmap.model import ArticleResult
from opmap.zones import ZoneMap

CRS = "EPSG:4326"
# The columns whose type must not depend on which reports a chunk holds (a chunk where every value is
# missing would otherwise give a text column in one part and a number in the next).
# Missing values are NaN (float64), as pandas gives a whole column with a missing value, so code reading
# the layers never meets pandas' NA.
NUMBERS = {"precision": "float64", "area_km2": "float64", "range_min_km2": "float64", "range_max_km2": "float64",
           "distance_km": "float64", "uncertainty_m": "float64", "event_year": "float64",
           "total_area_km2": "float64", "fatalities": "float64", "inter1": "float64", "inter2": "float64"}
# Provenance of a report: in GeoJSON on every row (self-contained); in GeoPackage and GeoParquet once,
# in the `reports` table, joined by `article`.
REPORT_COLUMNS = ("article", "title", "source", "url", "published", "event_date", "date_basis")


PLACE_COLUMNS = (*REPORT_COLUMNS, "name", "type", "surfaces", "mentions", "roles", "zone", "zone_basis",
                 "controlled_by", "precision", "quote", "gazetteer", "entry", "geocoder", "country", "shown_as")
AREA_COLUMNS = (*REPORT_COLUMNS, "quote", "area_km2", "value_as_written", "unit_as_written", "hedge",
                "range_min_km2", "range_max_km2", "status", "direction", "direction_text", "distance_km",
                "anchors", "shape_model", "precision", "uncertainty_m", "basis", "zone", "zone_shares",
                "controlled_by", "flag")
UNCERTAINTY_COLUMNS = ("article", "quote", "zone", "uncertainty_m", "area_km2", "event_date")
DISTINCT_COLUMNS = ("name", "type", "zone", "shown_as", "precision", "n_reports", "titles", "articles", "first_date",
                    "last_date", "event_date")


def typed(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame with its numeric columns in fixed types, whatever values this chunk holds."""
    for column, dtype in NUMBERS.items():
        if column in frame.columns:
            frame[column] = frame[column].astype(dtype)
    return frame


def report_table(results: Sequence[ArticleResult]) -> pd.DataFrame:
    """One row per report: its provenance, which the place and area rows of GeoPackage and GeoParquet
    refer to by `article`."""
    return pd.DataFrame([_provenance(r) for r in results], columns=list(REPORT_COLUMNS))


def without_provenance(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The layer for a format with a reports table: provenance left to that table, `article` kept."""
    return frame.drop(columns=[c for c in REPORT_COLUMNS if c not in ("article", "event_date") and
                               c in frame.columns])


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
    return typed(gpd.GeoDataFrame(rows, geometry=geometries, crs=CRS)) if rows else _empty(PLACE_COLUMNS)


ACROSS_ZONES = "across_zones"
SPREAD_TYPES = frozenset({"river", "country", "range", "region"})


def shown_as(zone: str, country: str, kind: str) -> str:
    """The zone a place is drawn as: its zone, except an Iraqi feature no single zone holds (a river
    crossing zones, Iraq as a whole, a long range) is drawn as `across_zones`, not as outside Iraq."""
    if zone == "outside" and (country == "IQ" or (not country and kind in SPREAD_TYPES)):
        return ACROSS_ZONES
    return zone


class DistinctPlaces:
    """`distinct_place_layer` built chunk by chunk: one entry per (name, point to 5 decimals), with the
    reports, titles and dates that name it, so a corpus of any size is summed without keeping its rows.
    Kept compact: each report's id once (its rows come together, and a report comes once), its title
    as a number, and per place the numbers of the reports naming it."""

    def __init__(self) -> None:
        self.groups: dict[tuple[str, float, float], dict[str, Any]] = {}
        self.articles: list[str] = []  # every report with a located place, in the order they came
        self.title_of = array("q")  # each report's title, as a number in `titles` (-1: its id stands in)
        self.titles: dict[str, int] = {}

    def add(self, places: gpd.GeoDataFrame) -> DistinctPlaces:
        if not len(places):
            return self
        located = places[places.geometry.notna() & ~places.geometry.is_empty]
        if not len(located):
            return self
        xs, ys = located.geometry.x.round(5), located.geometry.y.round(5)
        wanted = [c for c in ("name", "type", "zone", "shown_as", "precision", "article", "title", "event_date",
                              "geometry") if c in located.columns]
        columns = {c: located[c].tolist() for c in wanted}  # column lists: no dict built per row
        names, articles = columns["name"], columns["article"]
        titles, dates_of, precisions = (columns.get(c) for c in ("title", "event_date", "precision"))
        for k, (x, y) in enumerate(zip(xs.tolist(), ys.tolist(), strict=True)):
            article = str(articles[k])
            if not self.articles or self.articles[-1] != article:  # a report's rows come together
                self.articles.append(article)
                title = titles[k] if titles is not None else None
                self.title_of.append(self.titles.setdefault(str(title), len(self.titles)) if title else -1)
            number = len(self.articles) - 1
            key = (names[k], x, y)
            group = self.groups.get(key)
            if group is None:
                first = {c: values[k] for c, values in columns.items()}
                group = self.groups[key] = {"first": first, "reports": array("q"), "dates": [], "precision": None}
            if not group["reports"] or group["reports"][-1] != number:
                group["reports"].append(number)
            date = dates_of[k] if dates_of is not None else None
            if _given(date):  # a missing date is NaN where a chunk has some dates
                dates = group["dates"]
                group["dates"] = [min(dates[0], date), max(dates[1], date)] if dates else [date, date]
            precision = precisions[k] if precisions is not None else None
            if pd.notna(precision) and precision:  # neither missing nor 0
                group["precision"] = int(precision) if group["precision"] is None else \
                    min(group["precision"], int(precision))
        return self

    def frame(self) -> gpd.GeoDataFrame:
        if not self.groups:
            return _empty(DISTINCT_COLUMNS)
        titles = list(self.titles)
        rows, points = [], []
        for (name, _, _), group in self.groups.items():
            first, dates, reports = group["first"], group["dates"], group["reports"]
            rows.append({"name": name, "type": first.get("type"), "zone": first.get("zone"),
                         "shown_as": first.get("shown_as") or first.get("zone"),
                         "precision": group["precision"], "n_reports": len(reports),
                         "titles": list(dict.fromkeys(titles[self.title_of[i]] if self.title_of[i] >= 0
                                                      else self.articles[i] for i in reports)),
                         "articles": [self.articles[i] for i in reports],
                         "first_date": dates[0] if dates else None, "last_date": dates[-1] if dates else None,
                         "event_date": dates[0] if dates else None})
            points.append(first["geometry"])
        return gpd.GeoDataFrame(rows, geometry=points, crs=CRS)


def _given(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def distinct_place_layer(places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One point per distinct located place (same name, same point), with the number of reports that
    name it and their titles: what a map draws, where the `places` layer keeps one row per report."""
    return DistinctPlaces().add(places).frame()


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
                         # compass, 'around', 'between' or null; 'along X' is no side: its corridor shows in
                         # shape_model and its words in direction_text
                         "status": s.status, "direction": s.direction if s.direction != "along" else None,
                         "direction_text": s.direction_text,
                         "distance_km": s.distance_km,
                         "anchors": list(r.anchors), "shape_model": r.shape_model,
                         "precision": r.precision or None, "uncertainty_m": r.uncertainty_m,
                         "basis": r.basis, "zone": r.zone, "zone_shares": json.dumps(dict(r.zone_shares)),
                         "controlled_by": r.controlled_by or None,
                         "flag": s.flag or None})
            geometries.append(r.geometry)
    return typed(gpd.GeoDataFrame(rows, geometry=geometries, crs=CRS)) if rows else _empty(AREA_COLUMNS)


def zone_layer(zones: ZoneMap) -> gpd.GeoDataFrame:
    from opmap.zones import ZONE_LABELS

    rows = [{"zone": z, "label": ZONE_LABELS[z], "approximate": zones.approximate, "source": zones.source}
            for z in zones.zones]
    return gpd.GeoDataFrame(rows, geometry=list(zones.geometries), crs=CRS)


def _empty(columns: Sequence[str]) -> gpd.GeoDataFrame:
    """A layer without rows that still has every column, typed: it defines a table's fields."""
    return typed(gpd.GeoDataFrame({c: pd.Series([], dtype=object) for c in columns}, geometry=[], crs=CRS))


def uncertainty_layer(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Each area polygon grown by its `uncertainty_m`, buffered in metres in a local azimuthal
    equidistant projection centred on the polygon, so the band is where the area may really lie."""
    import numpy as np
    import shapely

    from opmap.shapes import local_frame, to_local, to_lonlat

    columns = UNCERTAINTY_COLUMNS
    present = [c for c in columns if c in areas.columns]
    rows, geometries = [], []
    for record, geometry in zip(areas[present].to_dict("records"), areas.geometry, strict=True):
        if geometry is None or geometry.is_empty:
            continue
        centre = geometry.centroid
        frame = local_frame(round(centre.x, 6), round(centre.y, 6))
        metres = float(record.get("uncertainty_m") or 0.0)
        in_metres = shapely.transform(geometry, lambda xy, f=frame: np.column_stack(to_local(f, xy[:, 0], xy[:, 1])))
        grown = shapely.transform(in_metres.buffer(metres, quad_segs=16),
                                  lambda xy, f=frame: np.column_stack(to_lonlat(f, xy[:, 0], xy[:, 1])))
        rows.append({c: record.get(c) for c in columns})
        geometries.append(grown)
    return typed(gpd.GeoDataFrame(rows, geometry=geometries, crs=CRS)) if rows else _empty(columns)
