"""Operations: one point per reported operation, and the ACLED-style table of them.

An operation point is one article: its point is the centroid of its reported areas, else its first
located place that is not the dateline; it carries the report's own figures (actors, support, force
size, casualties, damage, villages) and the operation id it shares with other reports of the same
operation. `derive_operation` is the one place that decides this, so a
richer model of operations (several per report, merged across reports) replaces only that function.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import Point

from opmap.extract.operations import ACTOR_TYPES, DISORDER_TYPES, sides
from opmap.model import ArticleResult
from opmap.publish.layers import typed
from opmap.publish.styles import decimal_year
from opmap.zones import ZoneMap

CRS = "EPSG:4326"


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
    """The operation's figures as this report gives them: actors in ACLED's terms (actor1 and its
    allies against actor2), support, strength, cost, damage, event type."""
    op = result.operation
    if op is None:
        return {}
    killed = [c.count for c in op.casualties if c.kind == "killed"]
    supporters = tuple(who for who, _ in op.support if who in ACTOR_TYPES)
    civilians = any(c.side == "civilians" and c.kind in ("killed", "wounded", "captured") for c in op.casualties)
    who = sides(op.actors, supporters, civilians and op.event_type == "Violence against civilians")
    inter1 = ACTOR_TYPES[who.actor1][1] if who.actor1 in ACTOR_TYPES else None
    inter2 = ACTOR_TYPES[who.actor2][1] if who.actor2 in ACTOR_TYPES else None
    event_type = op.event_type or "Strategic developments"
    return {
        "operation_id": op.operation_id,
        "disorder_type": DISORDER_TYPES.get(event_type, ""), "event_type": event_type,
        "sub_event_type": op.sub_event_type or "Other",
        "actor1": _acled_name(who.actor1), "assoc_actor_1": "; ".join(_acled_name(a) for a in who.assoc_actor_1),
        "inter1": inter1, "actor2": _acled_name(who.actor2),
        "assoc_actor_2": "; ".join(_acled_name(a) for a in who.assoc_actor_2), "inter2": inter2,
        "interaction": _interaction(inter1, inter2),
        "civilian_targeting": "Civilian targeting" if who.actor2 == "civilians" else "",
        "actors": "; ".join(op.actors),
        "supported_by": "; ".join(f"{who} ({kind})" for who, kind in op.support),
        "force_size": "; ".join(f"{f.hedge + ' ' if f.hedge else ''}{f.value:g} {f.what}" for f in op.force_sizes),
        "force_by_actor": "; ".join(f"{f.what}={f.value:g}" for f in op.force_sizes) or None,
        "casualties": "; ".join(f"{c.count:g} {c.side} {c.kind}" for c in op.casualties),
        "fatalities": int(sum(killed)) if killed else None,
        "destroyed": "; ".join(f"{f.value:g} {f.what}" for f in op.destroyed),
        "villages_cleared": "; ".join(op.villages_cleared),
        "operation_name": op.name,
        "phase": str(op.phase) if op.phase else "",  # text, as every chunk of a run must type it alike
    }


def _acled_name(actor: str) -> str:
    return ACTOR_TYPES[actor][0] if actor in ACTOR_TYPES else actor


def _interaction(inter1: int | None, inter2: int | None) -> str:
    """ACLED's two-digit interaction code: the two actor types, lower first; '10' for a state force alone."""
    if inter1 is None:
        return ""
    if inter2 is None:
        return f"{inter1}0"
    low, high = sorted((inter1, inter2))
    return f"{low}{high}"


def operation_layer(results: Sequence[ArticleResult], zones: ZoneMap,
                    numbers: Sequence[int] | None = None) -> gpd.GeoDataFrame:
    """The `operations` layer: points with date, report, size and zone. With `numbers` (each result's
    place in the run), a `_report` column keeps each row's, for naming operations later."""
    rows, points, kept = [], [], []
    for number, result in enumerate(results):
        op = derive_operation(result)
        if op is None:
            continue
        kept.append(numbers[number] if numbers is not None else number)
        rows.append({"article": op.article, "title": op.title, "source": op.source, "url": op.url,
                     "event_date": op.event_date.isoformat() if op.event_date else None,
                     "event_year": decimal_year(op.event_date) if op.event_date else None, "location": op.location,
                     "basis": op.basis, "precision": op.precision, "n_areas": op.n_areas,
                     "total_area_km2": op.total_area_km2, "zone": zones.zone_at(op.point.x, op.point.y),
                     "notes": op.notes or _place_quote(result, op.location), "date_basis": result.date_basis,
                     "country_code": _country_code(result, op.location), **what_the_report_says(result)})
        points.append(op.point)
    if not rows:
        frame = gpd.GeoDataFrame({c: [] for c in ("article", "event_date", "event_year", "zone")}, geometry=[],
                                 crs=CRS)
    else:
        frame = typed(gpd.GeoDataFrame(rows, geometry=points, crs=CRS))
    if numbers is not None:
        frame["_report"] = pd.Series(kept, dtype="int64", index=frame.index)
    return frame


def _place_quote(result: ArticleResult, name: str) -> str:
    return next((p.quote for p in result.places if p.name == name and p.quote), "")


def _country_code(result: ArticleResult, name: str) -> str:
    return next((p.country for p in result.places if p.name == name and p.country), "")


def _column(frame: gpd.GeoDataFrame, name: str) -> object:
    return frame[name] if len(frame) and name in frame.columns else ""


# ACLED's export columns, in its order and with its names (ACLED codebook); opmap's own follow.
ACLED_COLUMNS = ("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                 "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
                 "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
                 "fatalities", "tags", "timestamp")
OPMAP_COLUMNS = ("operation_id", "article", "title", "url", "zone", "n_areas", "total_area_km2", "actors",
                 "supported_by", "force_size", "casualties", "destroyed", "villages_cleared", "operation_name",
                 "phase", "figures_disputed", "date_basis", "admin1_pcode", "admin2_pcode", "admin3_pcode", "WKT")
COUNTRIES = {"IQ": ("Iraq", 368), "SY": ("Syria", 760), "IR": ("Iran", 364), "TR": ("Turkey", 792),
             "JO": ("Jordan", 400), "SA": ("Saudi Arabia", 682), "KW": ("Kuwait", 414)}
COMPARED_FIGURES = (("fatalities", "fatalities"), ("total_area_km2", "area km²"))


def time_precision(date_basis: str) -> int:
    """ACLED's time precision from how the event date was read: 1 a day the report names, 2 within a
    week (a 'last week' span, the publication date standing in, or a day inferred from another report of
    the operation), 3 within a month."""
    basis = date_basis.lower()
    if not basis or "no publication date" in basis:
        return 3
    if "month" in basis:
        return 3
    if "week" in basis or "publication date" in basis or basis.startswith("inferred"):
        return 2
    return 1


def event_ids(articles: Sequence[str]) -> list[str]:
    """'IRQ' + a number derived from the report's id: the same report gets the same id on every run,
    whatever else the run holds (clashes resolved in the order of the ids, so still reproducible)."""
    taken: set[int] = set()
    numbers: dict[str, int] = {}
    for article in sorted(set(articles)):
        number = int(hashlib.sha1(article.encode("utf-8")).hexdigest()[:12], 16) % 90_000_000 + 10_000_000
        while number in taken:
            number += 1
        taken.add(number)
        numbers[article] = number
    return [f"IRQ{numbers[a]}" for a in articles]


def disputed_figures(operations: gpd.GeoDataFrame) -> list[str]:
    """Per row: the figures the reports of its operation disagree on, each report's value named
    ('fatalities: 20 (report-a) / 25 (report-b)'); empty when they agree or only one report tells."""
    if not len(operations) or "operation_id" not in operations.columns:
        return [""] * len(operations)
    notes: dict[str, str] = {}
    for op_id, group in operations.groupby("operation_id", sort=False):
        if len(group) < 2:
            continue
        found = []
        for column, label in COMPARED_FIGURES:
            if column not in group.columns:
                continue
            told = [(str(a), v) for a, v in zip(group["article"], group[column], strict=True)
                    if v is not None and v == v and v != ""]
            if len({str(v) for _, v in told}) > 1:
                found.append(f"{label}: " + " / ".join(f"{_figure_text(v)} ({a})" for a, v in told))
        if "force_by_actor" in group.columns:
            forces: dict[str, list[tuple[str, float]]] = {}
            for article, told_forces in zip(group["article"], group["force_by_actor"], strict=True):
                given: dict[str, float] = {}  # each report's first figure per actor
                for item in str(told_forces or "").split("; "):
                    actor, _, written = item.rpartition("=")
                    if actor:
                        given.setdefault(actor, float(written))
                for actor, figure in given.items():
                    forces.setdefault(actor, []).append((str(article), figure))
            for actor, values in forces.items():
                if len({v for _, v in values}) > 1:
                    found.append(f"{actor} force size: " + " / ".join(f"{v:g} ({a})" for a, v in values))
        if found:
            notes[str(op_id)] = "; ".join(found)
    return [notes.get(str(o), "") for o in operations["operation_id"]]


def _figure_text(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def acled_table(operations: gpd.GeoDataFrame) -> pd.DataFrame:
    """The operations as ACLED rows (its 31 columns first, in order), then opmap's columns, the point
    as WKT last."""
    from opmap.publish.admin_areas import admin_table

    n = len(operations)
    if not n:
        return pd.DataFrame({c: [] for c in (*ACLED_COLUMNS, *OPMAP_COLUMNS)})
    lons, lats = operations.geometry.x.to_numpy(), operations.geometry.y.to_numpy()
    admins = admin_table().at(lons, lats)

    def column(name: str, default: Any = "") -> list[Any]:
        if name not in operations.columns:
            return [default] * n
        return [default if v is None or (isinstance(v, float) and v != v) else v for v in operations[name]]

    countries = [COUNTRIES["IQ"] if admin is not None else COUNTRIES.get(str(code), ("", None))
                 for admin, code in zip(admins, column("country_code"), strict=True)]
    dates = column("event_date")
    fatalities = [int(v) if v != "" else 0 for v in column("fatalities")]
    forces = column("force_size")
    stamp = int(time.time())
    frame = pd.DataFrame({
        "event_id_cnty": event_ids([str(a) for a in operations["article"]]),
        "event_date": dates, "year": [int(str(d)[:4]) if d else None for d in dates],
        "time_precision": [time_precision(str(b)) for b in column("date_basis")],
        "disorder_type": column("disorder_type", "Strategic developments"),
        "event_type": column("event_type", "Strategic developments"),
        "sub_event_type": column("sub_event_type", "Other"),
        "actor1": column("actor1"), "assoc_actor_1": column("assoc_actor_1"),
        "inter1": pd.array(column("inter1", None), dtype="Int64"),
        "actor2": column("actor2"), "assoc_actor_2": column("assoc_actor_2"),
        "inter2": pd.array(column("inter2", None), dtype="Int64"),
        "interaction": column("interaction"), "civilian_targeting": column("civilian_targeting"),
        "iso": pd.array([c[1] for c in countries], dtype="Int64"),
        "region": ["Middle East" if c[0] else "" for c in countries], "country": [c[0] for c in countries],
        "admin1": [a.admin1 if a else "" for a in admins], "admin2": [a.admin2 if a else "" for a in admins],
        "admin3": [a.admin3 if a else "" for a in admins], "location": column("location"),
        "latitude": lats.round(6), "longitude": lons.round(6), "geo_precision": column("precision", 3),
        "source": column("source"), "source_scale": [""] * n, "notes": column("notes"),
        "fatalities": fatalities,
        "tags": [f"force size={f}" if f else "" for f in forces], "timestamp": [stamp] * n,
    })
    for name in ("operation_id", "article", "title", "url", "zone", "n_areas", "total_area_km2", "actors",
                 "supported_by", "force_size", "casualties", "destroyed", "villages_cleared", "operation_name", "phase",
                 "date_basis"):
        frame[name] = column(name, None if name in ("n_areas", "total_area_km2") else "")
    frame["figures_disputed"] = disputed_figures(operations)
    for level in ("admin1", "admin2", "admin3"):
        frame[f"{level}_pcode"] = [getattr(a, f"{level}_pcode") if a else "" for a in admins]
    frame["WKT"] = shapely.to_wkt(operations.geometry.to_numpy(), rounding_precision=6)
    return frame[[*ACLED_COLUMNS, *OPMAP_COLUMNS]]
