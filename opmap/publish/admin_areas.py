"""Governorate, district and sub-district of a point in Iraq, from the OCHA COD-AB names shipped in
`data/admin/iraq_admin3.geojson` (simplified outlines, CC BY 3.0 IGO; see its README)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from opmap.errors import DataError
from opmap.shipped import shipped

ADMIN_TABLE = shipped("admin", "iraq_admin3.geojson")
NEAREST_KM = 10.0  # a point this close to a sub-district (a border, a simplified-away sliver) takes it
KM_PER_DEGREE = 111.0


@dataclass(frozen=True)
class AdminArea:
    """The administrative units a point lies in (COD-AB English names and pcodes)."""

    admin1: str
    admin2: str
    admin3: str
    admin1_pcode: str
    admin2_pcode: str
    admin3_pcode: str


@dataclass(frozen=True)
class AdminTable:
    areas: tuple[AdminArea, ...]
    tree: shapely.STRtree

    @classmethod
    def load(cls, path: Path = ADMIN_TABLE) -> AdminTable:
        try:
            features = json.loads(path.read_text(encoding="utf-8"))["features"]
            areas = tuple(AdminArea(**{k: str(v) for k, v in f["properties"].items()}) for f in features)
            geometries = [shape(f["geometry"]) for f in features]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{path}: cannot read the admin table ({exc})") from exc
        return cls(areas, shapely.STRtree(geometries))

    def at(self, lons: np.ndarray, lats: np.ndarray) -> list[AdminArea | None]:
        """The unit of every point (None: farther than NEAREST_KM from every sub-district)."""
        points = shapely.points(lons, lats)
        out: list[AdminArea | None] = [None] * len(points)
        inside = self.tree.query(points, predicate="intersects")
        for point, area in zip(inside[0].tolist(), inside[1].tolist(), strict=True):
            if out[point] is None:
                out[point] = self.areas[area]
        missing = [i for i, a in enumerate(out) if a is None]
        if missing:
            near, distance = self.tree.query_nearest(points[missing], return_distance=True,
                                                     max_distance=NEAREST_KM / KM_PER_DEGREE)
            for point, area, _ in zip(near[0].tolist(), near[1].tolist(), distance.tolist(), strict=True):
                if out[missing[point]] is None:
                    out[missing[point]] = self.areas[area]
        return out


@lru_cache(maxsize=1)
def admin_table() -> AdminTable:
    return AdminTable.load()
