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


Key = tuple[dt.date | None, tuple[str, ...], str]


class FigureBook:
    """The stated figures of a run, gathered report by report and kept compact (per area: its figure,
    report id, quote and flag, grouped by anchors, side and day), so a run of any length finds its
    conflicting figures without keeping its reports."""

    def __init__(self) -> None:
        self.figures: dict[Key, list[tuple[float, str, str, str]]] = {}

    def add(self, result: ArticleResult) -> None:
        for area in result.areas:
            key = _key(result, area)
            if key is not None and area.statement.area_km2:
                self.figures.setdefault(key, []).append((area.statement.area_km2, result.article.id,
                                                         area.statement.quote, area.statement.flag))

    def conflicting(self, warnings: list[str]) -> dict[Key, list[tuple[float, str, str, str]]]:
        """The figures that disagree, by key (one warning each, in the order the keys first came)."""
        conflicting = {key: found for key, found in self.figures.items()
                       if max(f[0] for f in found) > min(f[0] for f in found) * (1 + AGREE)}
        for (date, anchors, direction), found in conflicting.items():
            stated = ", ".join(f"{v:g} km² ({article})" for v, article, _, _ in found)
            side = f"{direction} of " if direction and direction not in ("around", "between") else ""
            warnings.append(f"conflicting figures for the area {side}{' / '.join(anchors)} on "
                            f"{date or 'an unknown day'}: {stated}; each is drawn and flagged")
        return conflicting

    def flags(self, warnings: list[str]) -> dict[tuple[str, str, float | None], str]:
        """(article, quote, area_km2) -> the flag each area whose figure another report contradicts takes
        (one warning per disagreement)."""
        flags: dict[tuple[str, str, float | None], str] = {}
        for found in self.conflicting(warnings).values():
            for km2, article, quote, own in found:
                flags[(article, quote, km2)] = "; ".join(f for f in (own, _flag(found, km2, article)) if f)
        return flags


def _flag(found: list[tuple[float, str, str, str]], km2: float, article: str) -> str:
    others = ", ".join(f"{v:g} km² ({a})" for v, a, _, _ in found if v != km2 or a != article)
    return f"conflicting figures for the same area and day: also {others}"


def flag_conflicting_figures(results: Sequence[ArticleResult], warnings: list[str]) -> list[ArticleResult]:
    """The results with each area whose figure disagrees with another for the same anchors, side and
    event date flagged (and one warning per disagreement)."""
    book = FigureBook()
    for result in results:
        book.add(result)
    conflicting = book.conflicting(warnings)
    if not conflicting:
        return list(results)
    out = []
    for result in results:
        areas = []
        for area in result.areas:
            key = _key(result, area)
            if key in conflicting:
                flag = _flag(conflicting[key], area.statement.area_km2 or 0.0, result.article.id)
                statement = replace(area.statement, flag="; ".join(f for f in (area.statement.flag, flag) if f))
                area = replace(area, statement=statement)
            areas.append(area)
        out.append(replace(result, areas=tuple(areas)))
    return out
