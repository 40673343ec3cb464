"""Control over time: who held or administered each disputed district on a given date.

The zones say where the constitutional line runs; this says who held the ground on either side of
it on a date (`data/zones/control.csv`, one row per district and period, each with its source). A
point's district comes from district cells: those `opmap zones build` wrote beside the zones in use,
else the shipped approximate `data/zones/default_districts.geojson`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import shapely
import shapely.geometry
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from opmap.errors import DataError
from opmap.model import AreaReport, Place
from opmap.shapes import GEOD
from opmap.shipped import shipped
from opmap.zones import DEFAULT_ZONES, zones_path

CONTROL_TABLE = shipped("zones", "control.csv")
DEFAULT_DISTRICTS = shipped("zones", "default_districts.geojson")


@dataclass(frozen=True)
class ControlPeriod:
    """Who held one district from `start` to `end` (inclusive; open-ended when `end` is None)."""

    pcode: str
    name: str
    start: dt.date
    end: dt.date | None
    controlled_by: str
    source: str

    def covers(self, date: dt.date) -> bool:
        return self.start <= date and (self.end is None or date <= self.end)


def districts_for(zones: Path | None = None) -> Path:
    """The district cells that go with a zones file: the ones built beside it, else the default."""
    path = zones_path(zones)
    beside = path.with_name(path.stem + ".districts.geojson")
    return beside if path != DEFAULT_ZONES and beside.is_file() else DEFAULT_DISTRICTS


def load_periods(path: Path = CONTROL_TABLE) -> dict[str, tuple[ControlPeriod, ...]]:
    """pcode → its periods, from a control table (pcode, name, from, to, controlled_by, source)."""
    periods: dict[str, list[ControlPeriod]] = {}
    try:
        with Path(path).open(encoding="utf-8", newline="") as fh:
            for n, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    start = dt.date.fromisoformat(row["from"])
                    end = dt.date.fromisoformat(row["to"]) if row["to"] else None
                except (KeyError, TypeError, ValueError) as exc:
                    raise DataError(f"{path}, line {n}: dates must be YYYY-MM-DD ({exc})") from exc
                period = ControlPeriod(row["pcode"], row["name"], start, end, row["controlled_by"], row["source"])
                periods.setdefault(period.pcode, []).append(period)
    except OSError as exc:
        raise DataError(f"{path}: cannot read control table ({exc.strerror})") from exc
    return {p: tuple(sorted(rows, key=lambda r: r.start)) for p, rows in periods.items()}


@dataclass(frozen=True)
class ControlMap:
    """Disputed district cells and the dated control table over them."""

    pcodes: tuple[str, ...]
    names: tuple[str, ...]
    cells: tuple[BaseGeometry, ...]
    tree: shapely.STRtree
    periods: dict[str, tuple[ControlPeriod, ...]]
    source: str

    @classmethod
    def load(cls, districts: Path | None = None, table: Path = CONTROL_TABLE) -> ControlMap:
        path = Path(districts) if districts else DEFAULT_DISTRICTS
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            features = [f for f in data["features"] if (f.get("properties") or {}).get("zone") == "disputed"]
        except OSError as exc:
            raise DataError(f"{path}: cannot read district cells ({exc.strerror})") from exc
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise DataError(f"{path}: district cells are not a GeoJSON FeatureCollection ({exc})") from exc
        cells = [shape(f["geometry"]) for f in features if f.get("geometry")]
        cells = [c if c.is_valid else shapely.make_valid(c) for c in cells]
        shapely.prepare(cells)
        return cls(tuple(str(f["properties"]["pcode"]) for f in features if f.get("geometry")),
                   tuple(str(f["properties"].get("name", "")) for f in features if f.get("geometry")),
                   tuple(cells), shapely.STRtree(cells), load_periods(table), str(path))

    def district_at(self, lon: float, lat: float) -> str:
        """pcode of the disputed district cell holding the point ('' outside them all)."""
        hits = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        return self.pcodes[int(min(hits))] if len(hits) else ""

    def holder(self, pcode: str, date: dt.date) -> str:
        """Who held a district on a date: its own rows, else its district's, else its governorate's."""
        for key in (pcode, pcode[:8], pcode[:5]):
            for period in self.periods.get(key, ()):
                if period.covers(date):
                    return period.controlled_by
            if key in self.periods:
                return ""
        return ""

    def controlled_by(self, lon: float, lat: float, date: dt.date | None) -> str:
        """Who held the ground at a point on a date; '' outside disputed territory or without a date."""
        if date is None:
            return ""
        pcode = self.district_at(lon, lat)
        return self.holder(pcode, date) if pcode else ""

    def controlled_by_area(self, polygon: BaseGeometry, date: dt.date | None) -> str:
        """Who held the disputed district covering most of a polygon, on a date."""
        if date is None or polygon is None or polygon.is_empty:
            return ""
        best, best_area = "", 0.0
        for i in self.tree.query(polygon, predicate="intersects"):
            part = shapely.intersection(self.cells[int(i)], polygon)
            area = abs(GEOD.geometry_area_perimeter(part)[0]) if not part.is_empty else 0.0
            if area > best_area:
                best, best_area = self.pcodes[int(i)], area
        return self.holder(best, date) if best else ""

    def mark_places(self, places: Sequence[Place], date: dt.date | None) -> list[Place]:
        """Each located place in disputed territory with who held it on the report's event date."""
        return [replace(p, controlled_by=self.controlled_by(p.lon, p.lat, date))
                if p.zone == "disputed" and p.lon is not None and p.lat is not None and date else p
                for p in places]

    def mark_areas(self, areas: Sequence[AreaReport], date: dt.date | None) -> tuple[AreaReport, ...]:
        """Each area with a share in disputed territory with who held most of that share on the date."""
        return tuple(replace(a, controlled_by=self.controlled_by_area(a.geometry, date))
                     if a.geometry is not None and date and any(z == "disputed" for z, _ in a.zone_shares) else a
                     for a in areas)


    def line_as_of(self, date: dt.date) -> dict[str, object]:
        """The disputed district cells with who held each on `date`: the line as it stood (GeoJSON)."""
        features = []
        for pcode, name, cell in zip(self.pcodes, self.names, self.cells, strict=True):
            held = self.holder(pcode, date)
            period = next((r for key in (pcode, pcode[:8], pcode[:5]) for r in self.periods.get(key, ())
                           if r.covers(date)), None)
            features.append({"type": "Feature", "geometry": shapely.geometry.mapping(cell), "properties": {
                "pcode": pcode, "name": name, "as_of": date.isoformat(), "controlled_by": held or None,
                "source": period.source if period else None, "cells": self.source}})
        return {"type": "FeatureCollection", "features": features}


def write_line_as_of(date: dt.date, out: Path, zones: Path | None = None) -> Path:
    """Write the disputed districts coloured by who held them on `date` (for QGIS or any GIS)."""
    from opmap.boundaries import write_json

    return write_json(Path(out), ControlMap.load(districts_for(zones)).line_as_of(date))


@lru_cache(maxsize=4)
def _control_map(districts: Path) -> ControlMap:
    return ControlMap.load(districts)


def controlled_by(lon: float, lat: float, date: dt.date | None, zones: Path | None = None) -> str:
    """Who held the ground at (lon, lat) on `date` by the shipped table; '' outside disputed districts
    or without a date."""
    return _control_map(districts_for(zones)).controlled_by(lon, lat, date)
