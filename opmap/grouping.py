"""Grouping: reports that tell the same operation share one operation id.

Reports of one operation have event dates at most a day apart and places within SAME_OPERATION_KM;
the map then shows one operation with several sources, each source's figures kept as it gave them.
"""

from __future__ import annotations

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


def group_operations(results: list[ArticleResult]) -> list[ArticleResult]:
    """Reports of the same operation (event dates a day apart at most, places within SAME_OPERATION_KM)
    share one operation id, so the map shows one operation with several sources, each source's
    figures kept as that source gave them."""
    points = [operation_point(r) for r in results]
    parent = list(range(len(results)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(results):
        for j in range(i + 1, len(results)):
            b, pa, pb = results[j], points[i], points[j]
            if a.event_date is None or b.event_date is None or pa is None or pb is None:
                continue
            if abs((a.event_date - b.event_date).days) <= 1 and \
                    GEOD.inv(pa[0], pa[1], pb[0], pb[1])[2] <= SAME_OPERATION_KM * 1000:
                parent[root(j)] = root(i)
    grouped = []
    for i, r in enumerate(results):
        first = results[root(i)]
        op_id = f"op-{first.event_date.isoformat() if first.event_date else 'undated'}-{first.article.id}"
        grouped.append(replace(r, operation=replace(r.operation, operation_id=op_id)) if r.operation else r)
    return grouped
