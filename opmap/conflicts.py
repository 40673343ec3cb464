"""Conflicting figures: two different areas stated for the same anchor, side and day are flagged.

Reports disagree ("30 km²" in one, "40 km²" in another for the same ground on the same day); both
are kept and drawn, and each carries a flag naming the other figure, so an analyst sees the
disagreement instead of two silently overlapping areas.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from opmap.model import AreaReport, ArticleResult

AGREE = 0.01  # figures within 1 % of each other are the same figure


def _key(result: ArticleResult, area: AreaReport) -> tuple[dt.date | None, tuple[str, ...], str] | None:
    if area.geometry is None or not area.statement.area_km2 or not area.anchors:
        return None
    return result.event_date, tuple(sorted(area.anchors)), area.statement.direction or ""


def flag_conflicting_figures(results: Sequence[ArticleResult], warnings: list[str]) -> list[ArticleResult]:
    """The results with each area whose figure disagrees with another for the same anchors, side and
    event date flagged (and one warning per disagreement)."""
    figures: dict[tuple[dt.date | None, tuple[str, ...], str], list[tuple[float, str]]] = {}
    for result in results:
        for area in result.areas:
            key = _key(result, area)
            if key is not None and area.statement.area_km2:
                figures.setdefault(key, []).append((area.statement.area_km2, result.article.id))
    conflicting = {key: found for key, found in figures.items()
                   if max(v for v, _ in found) > min(v for v, _ in found) * (1 + AGREE)}
    for (date, anchors, direction), found in conflicting.items():
        stated = ", ".join(f"{v:g} km² ({article})" for v, article in found)
        side = f"{direction} of " if direction and direction not in ("around", "between") else ""
        warnings.append(f"conflicting figures for the area {side}{' / '.join(anchors)} on {date or 'an unknown day'}: "
                        f"{stated}; each is drawn and flagged")
    if not conflicting:
        return list(results)
    out = []
    for result in results:
        areas = []
        for area in result.areas:
            key = _key(result, area)
            if key in conflicting:
                others = ", ".join(f"{v:g} km² ({article})" for v, article in conflicting[key]
                                   if v != area.statement.area_km2 or article != result.article.id)
                flag = f"conflicting figures for the same area and day: also {others}"
                statement = replace(area.statement, flag="; ".join(f for f in (area.statement.flag, flag) if f))
                area = replace(area, statement=statement)
            areas.append(area)
        out.append(replace(result, areas=tuple(areas)))
    return out
