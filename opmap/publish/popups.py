"""What the map's popups say, in an analyst's words: '30 km²', '±19 km', '72 % disputed / 28 % federal',
'named in 3 reports'. The GeoJSON and GeoPackage keep the raw fields; these columns are added for the
map only, each popup a list of (label, column) rows."""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from opmap.publish.map_parts import encode_geometries
from opmap.publish.styles import SHOWN_LABELS

SHARE_NAMES = {"kurdistan_region": "Kurdistan Region", "disputed": "disputed", "federal_iraq": "federal",
               "outside": "outside Iraq"}
PRECISION_TEXT = {1: "1 — the place itself", 2: "2 — near it, or part of a larger feature", 3: "3 — region level"}
MAX_TITLES = 25

AREA_POPUP = (("Reported area", "area_text"), ("Status", "status"), ("Where", "basis"),
              ("Uncertainty", "uncertainty_text"), ("Zone", "shares_text"), ("Held by", "controlled_by"),
              ("Shape", "shape_model"), ("Precision", "precision_text"), ("Note", "flag"), ("Quote", "quote"),
              ("Report", "title"), ("Source", "source"), ("Event date", "event_date"), ("Link", "url"))
PLACE_POPUP = (("Place", "name"), ("Kind", "type"), ("Zone", "zone_text"), ("Precision", "precision_text"),
               ("Reports", "reports_text"), ("Dates", "dates_text"), ("Named in", "titles_text"))
OPERATION_POPUP = (("Report", "title"), ("Told by", "reports_text"), ("Event", "event_text"),
                   ("Event date", "event_date"), ("Operation", "operation_id"), ("Where", "location"), ("Actors", "actors"),
                   ("Supported by", "supported_by"), ("Force size", "force_size"), ("Casualties", "casualties"),
                   ("Destroyed", "destroyed"), ("Villages cleared", "villages_cleared"), ("Areas", "areas_text"),
                   ("Zone", "zone_text"), ("Source", "source"), ("Link", "url"), ("All reports", "titles_text"))
# A large run's map draws the reports that give the same shape as one shape: its popup says so and lists them.
SHARED_AREA_POPUP = (("Reported area", "area_text"), ("Stated in", "reports_text"), ("Reports", "reports"),
                     ("More", "reports_more"), ("Status", "status"), ("Where", "basis"),
                     ("Uncertainty", "uncertainty_text"), ("Zone", "shares_text"), ("Held by", "controlled_by"),
                     ("Shape", "shape_model"), ("Precision", "precision_text"), ("Note", "flag"),
                     ("Quote", "quote"))
UNCERTAINTY_POPUP = (("Uncertainty band", "uncertainty_text"), ("Reported area", "area_text"), ("Quote", "quote"))
SHARED_UNCERTAINTY_POPUP = (*UNCERTAINTY_POPUP[:2], ("Stated in", "reports_text"), UNCERTAINTY_POPUP[2])


def km2(value: float) -> str:
    """30 → '30 km²', 1234.5 → '1,235 km²', 2.25 → '2.3 km²'."""
    return f"{value:,.0f} km²" if value >= 10 else f"{value:.1f} km²".replace(".0 km²", " km²")


def distance(metres: float) -> str:
    """18832 → '±19 km', 4200 → '±4.2 km', 800 → '±800 m'."""
    if metres < 1000:
        return f"±{metres:.0f} m"
    km = metres / 1000
    return f"±{km:.0f} km" if km >= 10 else f"±{km:.1f} km"


def shares(text: Any) -> str:
    """'{"disputed": 0.7227, "federal_iraq": 0.2773}' → '72 % disputed / 28 % federal' (largest first;
    the part in no zone is 'outside Iraq')."""
    try:
        parts = {str(k): float(v) for k, v in json.loads(text or "{}").items()}
    except (TypeError, ValueError):
        return ""
    rest = 1.0 - sum(parts.values())
    if rest > 0.005:
        parts["outside"] = parts.get("outside", 0.0) + rest
    ordered = sorted(((share, zone) for zone, share in parts.items() if round(share * 100) >= 1), reverse=True)
    return " / ".join(f"{round(share * 100):.0f} % {SHARE_NAMES.get(zone, zone)}" for share, zone in ordered)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and value == value else None


def _precision(value: Any) -> str:
    number = _number(value)
    return PRECISION_TEXT.get(int(number), "") if number is not None else ""


def _word(value: Any) -> str:
    """A text field's value, '' when missing (None, or NaN where chunks were joined)."""
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def area_text(row: dict[str, Any]) -> str:
    value = _number(row.get("area_km2"))
    if value is None:
        written = " ".join(_word(row.get(k)) for k in ("value_as_written", "unit_as_written")).strip()
        return f"'{written}' (no figure in km²)" if written else ""
    hedge = _word(row.get("hedge"))
    text = (f"{hedge} " if hedge else "") + km2(value)
    low, high = _number(row.get("range_min_km2")), _number(row.get("range_max_km2"))
    if low is not None and high is not None:
        text += f" (between {km2(low)} and {km2(high)}; drawn at the middle)"
    unit = _word(row.get("unit_as_written"))
    if unit and "km" not in unit.replace(" ", "").lower():
        text += f", written '{_word(row.get('value_as_written'))} {unit}'"
    return text


def area_popups(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = areas.copy()
    if not len(frame):
        return frame
    records = frame.to_dict("records")
    frame["area_text"] = [area_text(r) for r in records]
    frame["uncertainty_text"] = [distance(float(r["uncertainty_m"])) + " (the area may lie this far off)"
                                 if _number(r.get("uncertainty_m")) else "" for r in records]
    frame["shares_text"] = [shares(r.get("zone_shares")) for r in records]
    frame["precision_text"] = [_precision(r.get("precision")) for r in records]
    return frame


def uncertainty_popups(bands: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = bands.copy()
    if not len(frame):
        return frame
    records = frame.to_dict("records")
    frame["uncertainty_text"] = [distance(float(r["uncertainty_m"])) + " around the drawn area"
                                 if _number(r.get("uncertainty_m")) else "" for r in records]
    frame["area_text"] = [area_text(r) for r in records]
    return frame


def place_popups(places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = places.copy()
    if not len(frame):
        return frame
    frame["zone_text"] = [SHOWN_LABELS.get(str(z), str(z)) for z in frame["shown_as"]]
    frame["precision_text"] = [_precision(p) for p in frame["precision"]]
    frame["reports_text"] = [f"named in {n} report{'s' if n != 1 else ''}" for n in frame["n_reports"]]
    frame["dates_text"] = [(f if f == last else f"{f} to {last}") if f else ""
                           for f, last in zip(frame["first_date"], frame["last_date"], strict=True)]
    frame["titles_text"] = [_titles(titles) for titles in frame["titles"]]
    return frame


def operation_popups(operations: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = operations.copy()
    if not len(frame):
        return frame
    records = frame.to_dict("records")
    frame["event_text"] = [" — ".join(str(r[k]) for k in ("event_type", "sub_event_type") if r.get(k))
                           for r in records]
    frame["areas_text"] = [(f"{int(r['n_areas'])} area{'s' if r['n_areas'] != 1 else ''}"
                            + (f", {km2(float(r['total_area_km2']))} in all" if _number(r.get("total_area_km2"))
                               else "")) if _number(r.get("n_areas")) else "" for r in records]
    frame["zone_text"] = [SHOWN_LABELS.get(str(z), str(z)) for z in frame["zone"]]
    if "n_reports" in frame.columns:
        frame["reports_text"] = [f"{n} reports (figures above from the first)" if n > 1 else ""
                                 for n in frame["n_reports"]]
        frame["titles_text"] = [_titles(t) if len(t) > 1 else "" for t in frame["titles"]]
    return frame


def _titles(titles: list[str]) -> str:
    more = [f"… and {len(titles) - MAX_TITLES} more"] if len(titles) > MAX_TITLES else []
    return "\n".join([*titles[:MAX_TITLES], *more])


def one_per_shape(frame: gpd.GeoDataFrame, listed: int = MAX_TITLES,
                  where: str = "the GeoPackage (opmap.gpkg)") -> gpd.GeoDataFrame:
    """One row per drawn shape: rows in the same zone whose geometries are the same at 1e-5° (reports
    giving the same area around the same place) become one, with the earliest report's fields and
    date, `n_merged` (rows drawn as this one), `n_reports`, `reports_text` ('3 reports, 2016-10-17 to 2016-11-02'), `reports`
    (up to `listed` of [date, title, url], earliest first) and `reports_more` ('… and 12 more — see
    the GeoPackage')."""
    located = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if not len(located):
        return located
    dates, articles = _texts(located, "event_date"), _texts(located, "article")
    order = sorted(range(len(located)), key=lambda i: (dates[i] == "", dates[i], articles[i]))
    located = located.iloc[order]
    dates, articles, titles, urls = (_texts(located, c) for c in ("event_date", "article", "title", "url"))
    shapes = [json.dumps(g, separators=(",", ":")) for g in encode_geometries(np.asarray(located.geometry.values))]
    groups: dict[tuple[str, str], list[int]] = {}
    for row, (zone, shape) in enumerate(zip(_texts(located, "zone"), shapes, strict=True)):
        groups.setdefault((str(zone), shape), []).append(row)
    firsts = sorted(rows[0] for rows in groups.values())
    members = {rows[0]: rows for rows in groups.values()}
    kept = located.iloc[firsts].copy()
    n_reports, listings, more, texts = [], [], [], []
    for first in firsts:
        rows = members[first]
        seen = list(dict.fromkeys(articles[r] for r in rows))
        by_report = {articles[r]: r for r in reversed(rows)}  # each report's earliest row
        shown = [[dates[by_report[a]], titles[by_report[a]] or a, urls[by_report[a]]] for a in seen[:listed]]
        days = [d for d in (dates[r] for r in rows) if d]
        span = f", {days[0]}" + (f" to {days[-1]}" if days[-1] != days[0] else "") if days else ""
        n_reports.append(len(seen))
        listings.append(shown)
        rest = len(seen) - listed
        more.append(f"… and {rest} more report{'s' if rest != 1 else ''} — see {where}" if rest > 0 else "")
        texts.append(f"{len(seen)} report{'s' if len(seen) != 1 else ''}{span}")
    kept["n_reports"], kept["reports_more"], kept["reports_text"] = n_reports, more, texts
    kept["n_merged"] = [len(members[first]) for first in firsts]
    kept["reports"] = pd.Series(listings, index=kept.index, dtype=object)
    return kept


def _texts(frame: gpd.GeoDataFrame, name: str) -> list[str]:
    """The column's values as text, '' where missing (or where the column is absent)."""
    if name not in frame.columns:
        return [""] * len(frame)
    return [str(v) if v is not None and v == v and v != "" else "" for v in frame[name]]
