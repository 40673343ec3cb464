"""Shapes: a polygon of the stated size on the stated side of its anchor(s), built in metres.

Shape model per relation (all in a local azimuthal equidistant projection centred on the anchor):
- compass direction ("south of X"): a circular sector with its apex at the anchor, centred on the
  bearing, 90° wide (a combination such as "north and east of" widens it to cover both);
- "around X" / "near X", or no relation at all: a disc centred on the anchor;
- "between X and Y": an ellipse centred midway, its long axis along X–Y (at most 4:1);
- "along the X-Y road": a corridor of even width on both sides of the road's line;
- "N km south of X": a disc centred N km from X on that bearing;
- a list of cleared villages with no other relation: their hull, shrunk or grown to the stated area.
The stated area is met geodesically (pyproj.Geod) to well within 1 % by rescaling once. The
uncertainty band is the distance by which the true area may lie beyond the polygon.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pyproj
from shapely.affinity import scale
from shapely.geometry import LineString, MultiPoint, Polygon
from shapely.geometry.polygon import orient
from shapely.validation import make_valid

from opmap.model import AreaReport, AreaStatement, Article, Place

if TYPE_CHECKING:
    from opmap.zones import ZoneMap

GEOD = pyproj.Geod(ellps="WGS84")
BEARINGS = {"N": 0.0, "NE": 45.0, "E": 90.0, "SE": 135.0, "S": 180.0, "SW": 225.0, "W": 270.0, "NW": 315.0}
SECTOR_HALF_ANGLE = 45.0
ARC_STEPS = 48
MAX_ELLIPSE_RATIO = 4.0
# Rank of feature types from most to least specific, for placing an area the report gives no anchor.
SPECIFICITY = {"district": 1, "subdistrict": 1, "governorate": 2, "region": 3, "country": 4, "river": 3}
PROVINCE_SCALE_KM2 = 2_000.0
COUNTRY_SCALE_KM2 = 40_000.0  # above every governorate but Anbar: Diyala's 17,685 km² is a governorate's figure
MIN_HULL_VILLAGES = 3
TOWN_DENSITY_PER_KM2 = 2000.0
# The range of figures drawn: below 0.001 km² (a disc 18 m across) a figure is a slip or a joke and
# cannot be drawn to 1 % at the 6 decimals GeoJSON keeps; above Iraq's own area it cannot be true.
MIN_AREA_KM2 = 0.001
IRAQ_AREA_KM2 = 438_317.0
# A sector beyond a town's edge thinner than this is drawn as a disc just beyond the edge instead.
MIN_BAND_M = 25.0
MAX_TOWN_RADIUS_M = 10_000.0


@dataclass(frozen=True)
class Shape:
    polygon: Polygon  # lon/lat, counter-clockwise exterior
    model: str  # sector | disc | lens
    uncertainty_m: float
    precision: int


@lru_cache(maxsize=4096)
def local_frame(lon0: float, lat0: float) -> pyproj.Transformer:
    """Lon/lat degrees -> metres in an azimuthal equidistant projection centred on (lon0, lat0) on
    WGS84 (`.transform(lon, lat)`; `direction="INVERSE"` goes back). One PROJ pipeline: about 0.1 ms
    to build, where `Transformer.from_crs` between two CRS objects costs ~10 ms, with the same
    coordinates."""
    return pyproj.Transformer.from_pipeline(
        f"+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        f"+step +proj=aeqd +lat_0={lat0:.6f} +lon_0={lon0:.6f} +ellps=WGS84")


def to_local(frame: pyproj.Transformer, lons: Sequence[float], lats: Sequence[float]) -> tuple[Any, Any]:
    return frame.transform(lons, lats)


def to_lonlat(frame: pyproj.Transformer, xs: Sequence[float], ys: Sequence[float]) -> tuple[Any, Any]:
    return frame.transform(xs, ys, direction="INVERSE")


def geodesic_area_km2(polygon: Polygon) -> float:
    area, _ = GEOD.geometry_area_perimeter(polygon)
    return abs(area) / 1e6


def direction_bearing(direction: str) -> tuple[float, float]:
    """Central bearing and half-angle (degrees) of a direction such as 'S', 'NE' or 'N+E'."""
    parts = [BEARINGS[p] for p in direction.split("+") if p in BEARINGS]
    if not parts:
        raise ValueError(f"unknown direction {direction!r}")
    x = sum(math.sin(math.radians(b)) for b in parts)
    y = sum(math.cos(math.radians(b)) for b in parts)
    centre = math.degrees(math.atan2(x, y)) % 360
    spread = max(min(abs(b - centre), 360 - abs(b - centre)) for b in parts)
    return centre, min(90.0, SECTOR_HALF_ANGLE + spread)


def _local_ring(model: str, scale: float, bearing: float, half_angle: float,
                major_bearing: float = 0.0, ratio: float = 1.0, inner: float = 0.0) -> list[tuple[float, float]]:
    """Vertices in local metres (x east, y north) for a shape of unit 'scale'."""
    if model == "sector":
        steps = max(8, int(ARC_STEPS * half_angle / 90))
        angles = [math.radians(bearing - half_angle + 2 * half_angle * k / steps) for k in range(steps + 1)]
        points = [(scale * math.sin(b), scale * math.cos(b)) for b in angles]
        if inner > 0:
            points += [(inner * math.sin(b), inner * math.cos(b)) for b in reversed(angles)]
        else:
            points.insert(0, (0.0, 0.0))
        return points
    a, b = scale * math.sqrt(ratio), scale / math.sqrt(ratio)
    theta = math.radians(major_bearing)
    points = []
    for k in range(ARC_STEPS * 2):
        t = 2 * math.pi * k / (ARC_STEPS * 2)
        u, v = a * math.cos(t), b * math.sin(t)  # u along the major axis
        points.append((u * math.sin(theta) + v * math.cos(theta), u * math.cos(theta) - v * math.sin(theta)))
    return points


def _build(centre: tuple[float, float], model: str, scale: float, bearing: float, half_angle: float,
           major_bearing: float, ratio: float, inner: float = 0.0) -> Polygon:
    xs, ys = zip(*_local_ring(model, scale, bearing, half_angle, major_bearing, ratio, inner), strict=True)
    lons, lats = to_lonlat(local_frame(round(centre[0], 6), round(centre[1], 6)), xs, ys)
    return orient(Polygon(zip(lons, lats, strict=True)), sign=1.0)


def corridor_shape(line: tuple[tuple[float, float], ...], area_km2: float) -> Shape:
    """'along the X-Y road': a band of even width on both sides of the line, of the stated area."""
    lon0 = sum(p[0] for p in line) / len(line)
    lat0 = sum(p[1] for p in line) / len(line)
    frame = local_frame(round(lon0, 6), round(lat0, 6))
    xs, ys = to_local(frame, [p[0] for p in line], [p[1] for p in line])
    local = LineString(zip(xs, ys, strict=True))
    target = area_km2 * 1e6
    length = local.length
    # buffer area = 2 w L + pi w^2 (round caps): solve for the half-width w
    half_width = (-2 * length + math.sqrt(4 * length ** 2 + 4 * math.pi * target)) / (2 * math.pi)
    if half_width < MIN_BAND_M:  # a band too thin to draw: a disc of the area at the road's middle
        middle = local.interpolate(0.5, normalized=True)
        lon, lat = to_lonlat(frame, middle.x, middle.y)
        disc = area_shape([(lon, lat)], "around", area_km2)
        return Shape(disc.polygon, "disc", disc.uncertainty_m, 3)
    polygon = Polygon()
    for _ in range(3):
        band = local.buffer(half_width, quad_segs=16)
        lons, lats = to_lonlat(frame, *band.exterior.xy)
        polygon = orient(Polygon(zip(lons, lats, strict=True)), sign=1.0)
        factor = target / (geodesic_area_km2(polygon) * 1e6)
        if abs(factor - 1) < 1e-5:
            break
        half_width *= factor
    return Shape(polygon, "corridor", round(half_width, 1), 2)


def village_hull(points: list[tuple[float, float]], area_km2: float) -> Shape:
    """'cleared 11 villages ... an area of 25 square miles': the hull of the located villages, shrunk
    or grown (evenly buffered) to the stated area."""
    lon0 = sum(p[0] for p in points) / len(points)
    lat0 = sum(p[1] for p in points) / len(points)
    frame = local_frame(round(lon0, 6), round(lat0, 6))
    xs, ys = to_local(frame, [p[0] for p in points], [p[1] for p in points])
    hull = MultiPoint(list(zip(xs, ys, strict=True))).convex_hull
    target = area_km2 * 1e6
    if hull.area >= target:
        local = scale(hull, math.sqrt(target / hull.area), math.sqrt(target / hull.area), origin="centroid")
        grown = 0.0
    else:
        low, high = 0.0, math.sqrt(target / math.pi) + 1.0
        for _ in range(40):  # the buffer distance that gives the stated area
            mid = (low + high) / 2
            low, high = (mid, high) if hull.buffer(mid, quad_segs=16).area < target else (low, mid)
        grown = high
        local = hull.buffer(grown, quad_segs=16)
    lons, lats = to_lonlat(frame, *local.exterior.xy)
    polygon = orient(Polygon(zip(lons, lats, strict=True)), sign=1.0)
    factor = math.sqrt(target / (geodesic_area_km2(polygon) * 1e6))
    polygon = scale(polygon, factor, factor, origin=polygon.centroid)  # lon/lat scale is fine at ~1e-4
    return Shape(orient(polygon, sign=1.0), "village hull", round(max(grown, math.sqrt(target / math.pi)), 1), 2)


def offset_disc(anchor: tuple[float, float], direction: str, distance_km: float, area_km2: float) -> Shape:
    """'30 km² some 10 km south of X': a disc of the stated area centred that far from X that way."""
    bearing, _ = direction_bearing(direction)
    lon, lat, _ = GEOD.fwd(anchor[0], anchor[1], bearing, distance_km * 1000.0)
    shape = area_shape([(lon, lat)], "around", area_km2)
    return Shape(shape.polygon, "offset disc", shape.uncertainty_m, 2)


def area_shape(anchors: list[tuple[float, float]], direction: str | None, area_km2: float,
               anchor_extent_m: float = 0.0) -> Shape:
    """The polygon for `area_km2` with the stated relation to the anchor points (lon, lat).

    `anchor_extent_m`: how far the anchor itself reaches (a town's built-up radius); a sector then
    starts at that distance, so "east of a city" lies beyond the city."""
    if area_km2 <= 0:
        raise ValueError("an area must be positive")
    target_m2 = area_km2 * 1e6
    bearing, half_angle, major, ratio = 0.0, 180.0, 0.0, 1.0
    centre = anchors[0]
    if direction == "between" and len(anchors) >= 2:
        model = "lens"
        (x1, y1), (x2, y2) = anchors[0], anchors[1]
        major, _, span_m = GEOD.inv(x1, y1, x2, y2)
        mid_lon, mid_lat, _ = GEOD.fwd(x1, y1, major, span_m / 2)
        centre = (mid_lon, mid_lat)
        radius = math.sqrt(target_m2 / math.pi)
        ratio = min(MAX_ELLIPSE_RATIO, max(1.0, (span_m / 2 / radius) ** 2))
        scale = radius
        precision = 2
        uncertainty = max(span_m / 2, radius)
    elif direction and (direction in BEARINGS or "+" in direction):
        model = "sector"
        bearing, half_angle = direction_bearing(direction)
        inner = anchor_extent_m
        if inner and math.sqrt(target_m2 / math.radians(half_angle) + inner ** 2) - inner < MIN_BAND_M:
            # a band too thin to draw: a disc of the area just beyond the town's edge that way
            radius = math.sqrt(target_m2 / math.pi)
            lon, lat, _ = GEOD.fwd(anchors[0][0], anchors[0][1], bearing, inner + radius)
            disc = area_shape([(lon, lat)], "around", area_km2)
            return Shape(disc.polygon, "offset disc", disc.uncertainty_m, 2)
        scale = math.sqrt(target_m2 / math.radians(half_angle) + inner ** 2)
        precision = 2
        uncertainty = scale
    else:
        model = "disc"
        scale = math.sqrt(target_m2 / math.pi)
        precision = 2 if direction == "around" else 3
        uncertainty = 2 * scale
    inner = anchor_extent_m if model == "sector" else 0.0
    polygon = _build(centre, model, scale, bearing, half_angle, major, ratio, inner)
    for _ in range(3):  # rescale so the geodesic area meets the figure
        factor = math.sqrt(target_m2 / (geodesic_area_km2(polygon) * 1e6))
        if abs(factor - 1) < 1e-5:
            break
        # scale the outer radius so that the area between inner and outer grows by factor²
        scale = math.sqrt(max(scale ** 2 * factor ** 2 + inner ** 2 * (1 - factor ** 2), inner ** 2 * 1.0001)) \
            if inner else scale * factor
        polygon = _build(centre, model, scale, bearing, half_angle, major, ratio, inner)
    return Shape(polygon, model, round(uncertainty, 1), precision)


def main_place(places: Sequence[Place], area_km2: float = 0.0) -> Place | None:
    """Where a report's unanchored area most likely lies: its first located, non-dateline place of the
    most specific kind (a town before a governorate before a region before a country), or, for an
    area too large for a town's surroundings, the first that could hold it."""
    located = [p for p in places if p.lon is not None and p.roles != ("dateline",)]
    if area_km2 >= COUNTRY_SCALE_KM2:
        located = [p for p in located if p.type in ("country", "region")] or located
    elif area_km2 >= PROVINCE_SCALE_KM2:
        located = [p for p in located if p.type in ("governorate", "region", "country")] or located
    # an Iraqi place before a neighbour's ('Diyala province' before 'Iran' in a report of a border sweep)
    return min(located, key=lambda p: (p.country not in ("IQ", ""), SPECIFICITY.get(p.type, 0)), default=None)


def anchor_extent_m(place: Place) -> float:
    """How far a town reaches from its point: "east of Mosul" begins at Mosul's edge, not its centre.
    Grows with population (a built-up area of roughly 2,000 people per km²), at most 10 km; 0 for
    features without a population figure (mountains, districts)."""
    if place.type != "settlement" or place.population <= 0:
        return 0.0
    return min(MAX_TOWN_RADIUS_M, math.sqrt(place.population / TOWN_DENSITY_PER_KM2 / math.pi) * 1000.0)


def figure_problem(area_km2: float) -> str:
    """Why a stated figure cannot be drawn (zero, negative, microscopic, larger than Iraq), or ''."""
    if not math.isfinite(area_km2) or area_km2 <= 0:
        return f"a figure of {area_km2:g} km² is not a positive area"
    if area_km2 < MIN_AREA_KM2:
        return f"a figure of {area_km2:.3g} km² is too small to map (under {MIN_AREA_KM2:g} km²)"
    if area_km2 > IRAQ_AREA_KM2:
        return f"a figure of {area_km2:,.0f} km² is larger than Iraq ({IRAQ_AREA_KM2:,.0f} km²): impossible"
    return ""


def valid_polygon(polygon: Polygon) -> Polygon:
    """The polygon, repaired when its ring crosses itself: the largest part of `make_valid`."""
    if polygon.is_valid and not polygon.is_empty:
        return polygon
    repaired = make_valid(polygon)
    parts = [g for g in getattr(repaired, "geoms", [repaired]) if isinstance(g, Polygon) and not g.is_empty]
    if not parts:
        raise ValueError("the shape could not be repaired")
    return orient(max(parts, key=lambda g: g.area), sign=1.0)


def shape_area(article: Article, statement: AreaStatement, places: Sequence[Place],
               zones: ZoneMap, villages: Sequence[str] = ()) -> AreaReport:
    """The polygon for one area statement, placed on its anchors, or on the report's main place."""
    by_offset = {o: p for p in places for o in p.offsets}
    anchors = [by_offset[o] for o in statement.anchor_offsets if o in by_offset]
    located = [p for p in anchors if p.lon is not None and p.lat is not None]
    direction = statement.direction
    if direction == "between" and len(anchors) >= 2:
        basis = f"between {anchors[0].name} and {anchors[1].name}"
    elif anchors:
        basis = f"{'around' if direction == 'around' else (direction or 'no direction given') + ' of'} " \
                f"{anchors[0].name}"
    else:
        basis = ""
    if statement.area_km2 is None or statement.flag:  # a flagged statement is kept, not drawn
        return AreaReport(article.id, statement, tuple(p.name for p in anchors), None, "none", 0, 0.0,
                          statement.flag or "no figure in km²", "unknown")
    problem = figure_problem(statement.area_km2)
    if problem:
        return AreaReport(article.id, replace(statement, flag=problem), tuple(p.name for p in anchors), None,
                          "none", 0, 0.0, f"{problem}: kept as stated, not drawn", "unknown")
    village_points = [(p.lon, p.lat) for p in places if p.lon is not None and p.lat is not None
                      and p.type == "settlement" and any(v in p.surfaces for v in villages)]
    if direction is None and len(village_points) >= MIN_HULL_VILLAGES:
        names = [p.name for p in places if any(v in p.surfaces for v in villages) and p.lon is not None]
        shape = village_hull(village_points, statement.area_km2)
        shape = Shape(valid_polygon(shape.polygon), shape.model, shape.uncertainty_m, shape.precision)
        shares = zones.zone_shares(shape.polygon)
        return AreaReport(article.id, statement, tuple(names), shape.polygon, shape.model, shape.precision,
                          shape.uncertainty_m, f"hull of the cleared villages {', '.join(names)}",
                          next(iter(shares), "outside"), tuple(shares.items()))
    if not located or (direction == "between" and len(located) < 2):
        fallback = main_place(places, statement.area_km2)
        if fallback is None:
            return AreaReport(article.id, statement, tuple(p.name for p in anchors), None, "none", 0, 0.0,
                              "no located anchor in the report: not mapped", "unknown")
        located = [fallback]
        why = f"anchor {anchors[0].name} not located" if anchors else "no place given for the area"
        basis = f"{why}; placed around {fallback.name}, the report's main place"
        direction = None
    first = located[0]
    if direction == "along" and first.line:
        shape = corridor_shape(first.line, statement.area_km2)
    elif statement.distance_km and direction in BEARINGS and first.lon is not None and first.lat is not None:
        shape = offset_disc((first.lon, first.lat), direction, statement.distance_km, statement.area_km2)
    else:
        shape = area_shape([(p.lon, p.lat) for p in located if p.lon is not None and p.lat is not None],
                           direction if direction != "along" else None, statement.area_km2,
                           anchor_extent_m(located[0]))
    shape = Shape(valid_polygon(shape.polygon), shape.model, shape.uncertainty_m, shape.precision)
    shares = zones.zone_shares(shape.polygon)
    zone = next(iter(shares), "outside")
    precision = max(shape.precision, max(p.precision for p in located))
    return AreaReport(article.id, statement, tuple(p.name for p in anchors) or (located[0].name,),
                      shape.polygon, shape.model, precision, shape.uncertainty_m,
                      basis or f"{shape.model} around {located[0].name}", zone, tuple(shares.items()))
