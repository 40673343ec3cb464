"""Grouping: reports that tell the same operation share one operation id.

Reports of one operation have event dates at most a day apart and places within SAME_OPERATION_KM;
the map then shows one operation with several sources, each source's figures kept as it gave them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from opmap.model import ArticleResult
from opmap.shapes import GEOD, main_place

SAME_OPERATION_KM = 40.0


def operation_point(result: ArticleResult) -> tuple[float, float] | None:
    """Where a report's operation happened: the centroid of its areas, else its main place."""
    polygons = [a.geometry for a in result.areas if a.geometry is not None]
    if polygons:
        c = polygons[0].centroid
        return (c.x, c.y)
    place = main_place(result.places)
    return (place.lon, place.lat) if place and place.lon is not None and place.lat is not None else None


def operation_groups(keys: Sequence[tuple[dt.date | None, tuple[float, float] | None]]) -> list[int]:
    """For each report (event date, operation point), the index of the first report of its operation.

    Linear in the corpus: reports are bucketed by event date, and only reports of the same or the
    next day are compared, through a spatial index (shapely STRtree) queried with a box a little
    wider than SAME_OPERATION_KM, then measured geodesically."""
    import numpy as np
    import shapely

    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_day: dict[int, list[int]] = defaultdict(list)
    for i, (date, point) in enumerate(keys):
        if date is not None and point is not None:
            by_day[date.toordinal()].append(i)
    reach_lat = SAME_OPERATION_KM / 110.5 * 1.05  # degrees of latitude, with a margin
    for day, today in sorted(by_day.items()):
        near = today + by_day.get(day + 1, [])
        if len(near) < 2:
            continue
        xy = np.array([keys[i][1] for i in near], dtype=float)
        tree = shapely.STRtree(shapely.points(xy))
        lat = xy[: len(today), 1]
        reach_lon = reach_lat / np.clip(np.cos(np.radians(np.abs(lat) + reach_lat)), 0.01, None)
        boxes = shapely.box(xy[: len(today), 0] - reach_lon, lat - reach_lat,
                            xy[: len(today), 0] + reach_lon, lat + reach_lat)
        which, other = tree.query(boxes)
        keep = which != other
        which, other = which[keep], other[keep]
        if not len(which):
            continue
        metres = GEOD.inv(xy[which, 0], xy[which, 1], xy[other, 0], xy[other, 1])[2]
        for a, b in zip(which[metres <= SAME_OPERATION_KM * 1000], other[metres <= SAME_OPERATION_KM * 1000],
                        strict=True):
            ra, rb = root(near[a]), root(near[b])
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)  # the first report of the operation stays its root
    return [root(i) for i in range(len(keys))]


def operation_id(date: dt.date | None, article_id: str) -> str:
    return f"op-{date.isoformat() if date else 'undated'}-{article_id}"


def group_operations(results: list[ArticleResult]) -> list[ArticleResult]:
    """Reports of the same operation (event dates a day apart at most, places within SAME_OPERATION_KM)
    share one operation id, named after the operation's first report, so the map shows one operation
    with several sources, each source's figures kept as that source gave them."""
    firsts = operation_groups([(r.event_date, operation_point(r)) for r in results])
    grouped = []
    for r, first_index in zip(results, firsts, strict=True):
        first = results[first_index]
        op_id = operation_id(first.event_date, first.article.id)
        grouped.append(replace(r, operation=replace(r.operation, operation_id=op_id)) if r.operation else r)
    return grouped
