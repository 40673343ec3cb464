"""Records that cross stage borders. Plain frozen dataclasses: nothing else is shared between stages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from shapely.geometry.base import BaseGeometry

ZONES = ("kurdistan_region", "disputed", "federal_iraq", "outside", "unknown")


@dataclass(frozen=True)
class Article:
    """One report as read from disk: its text and the metadata its header gave."""

    id: str
    text: str
    path: str
    title: str = ""
    source: str = ""
    url: str = ""
    published: dt.date | None = None


@dataclass(frozen=True)
class GazetteerEntry:
    """One named place the offline gazetteer knows."""

    key: str  # stable id: "geonames:93818", "curated:Mount Qarachogh", "user:..."
    name: str
    type: str
    lat: float | None
    lon: float | None
    precision: int  # ACLED-style: 1 the place itself, 2 near it / part of it, 3 region-level
    country: str
    source: str
    zone: str = ""  # an explicit zone where a point cannot stand for the feature
    zone_basis: str = ""
    population: int = 0
    alt_names: tuple[str, ...] = ()
    table: str = "geonames"  # which source it came from: geonames | curated | user
    line: tuple[tuple[float, float], ...] = ()  # lon/lat vertices for a linear feature (a road)


@dataclass(frozen=True)
class Mention:
    """A place name as written in the text, with the sentence it sits in."""

    surface: str
    start: int
    end: int
    sentence: str
    candidates: tuple[GazetteerEntry, ...]  # empty: a cued name the gazetteer lacks
    cue: str = ""  # "village", "mount", "district", ... when a place cue introduced it
    role: str = "mentioned"  # operation | mentioned | dateline | actor
    offset_from: tuple[float, str, int] | None = None  # "X, 10 km south of Y": (km, direction, Y's offset)
    country: str = ""  # the country the text puts it in ('the Iranian city of X', "Syria's X"): ISO code

    def reread(self, role: str, offset_from: tuple[float, str, int] | None) -> Mention:
        """The mention with the role and offset a reading of its sentence gave it: built directly, as
        `dataclasses.replace` costs several times as much and runs once per mention (keep every field)."""
        return Mention(self.surface, self.start, self.end, self.sentence, self.candidates, self.cue, role,
                       offset_from, self.country)


@dataclass(frozen=True)
class Place:
    """A distinct place of one article, resolved (or not) to a gazetteer entry."""

    article_id: str
    name: str
    type: str
    lon: float | None
    lat: float | None
    surfaces: tuple[str, ...]
    roles: tuple[str, ...]
    quote: str
    precision: int
    entry_key: str  # gazetteer entry used, "" when unresolved
    geocoder: str  # "offline" or the online provider's name
    source: str  # where the gazetteer entry came from
    zone: str = "unknown"
    zone_basis: str = ""
    offsets: tuple[int, ...] = ()  # text offsets of its mentions
    country: str = ""  # ISO code of the gazetteer entry's country
    population: int = 0  # from the gazetteer, where known
    line: tuple[tuple[float, float], ...] = ()  # lon/lat vertices when the place is a line (a road)
    controlled_by: str = ""  # who held the ground on the event date (disputed territory only; opmap.control)


@dataclass(frozen=True)
class AreaStatement:
    """A reported area as extracted: the figure, its unit, the relation to its anchors."""

    quote: str
    start: int
    value_text: str
    unit_text: str
    area_km2: float | None  # None when the unit is ambiguous (flag says why)
    hedge: str = ""  # about / nearly / more than ...
    range_km2: tuple[float, float] | None = None
    status: str = "cleared"  # cleared | targeted | planned
    direction: str | None = None  # N NE ... N+E, around, between, None
    direction_text: str = ""
    anchor_surfaces: tuple[str, ...] = ()
    anchor_offsets: tuple[int, ...] = ()  # text offsets of the anchor mentions
    flag: str = ""
    distance_km: float | None = None  # '10 km south of X': the area lies that far from its anchor


@dataclass(frozen=True)
class AreaReport:
    """An area statement turned into a polygon with its basis and uncertainty."""

    article_id: str
    statement: AreaStatement
    anchors: tuple[str, ...]
    geometry: BaseGeometry | None
    shape_model: str  # sector | disc | lens | none
    precision: int
    uncertainty_m: float
    basis: str
    zone: str = "unknown"
    zone_shares: tuple[tuple[str, float], ...] = ()
    controlled_by: str = ""  # who held most of its disputed part on the event date (opmap.control)


@dataclass(frozen=True)
class Figure:
    """A counted thing as the report gives it: 'about 500 Peshmerga', 'five tunnels destroyed'."""

    what: str
    value: float
    written: str
    hedge: str
    phrase: str


@dataclass(frozen=True)
class Casualty:
    """Killed, wounded or captured, by side: '14 ISIS fighters were killed'."""

    side: str
    kind: str  # killed | wounded | captured
    count: float
    phrase: str


@dataclass(frozen=True)
class Operation:
    """What one report says of one operation: who, with whose support, how many, at what cost."""

    article_id: str
    event_date: dt.date | None
    actors: tuple[str, ...]
    support: tuple[tuple[str, str], ...]  # (supporting actor, kind)
    force_sizes: tuple[Figure, ...]
    casualties: tuple[Casualty, ...]
    destroyed: tuple[Figure, ...]
    villages_cleared: tuple[str, ...]
    operation_id: str = ""  # shared by the reports that tell the same operation
    event_type: str = ""  # ACLED's event type ("Battles", ...) read from the report's words
    sub_event_type: str = ""  # ACLED's sub-event type ("Government regains territory", ...)
    name: str = ""  # the operation's own name as the report gives it ('Heroes of Iraq')
    phase: int | None = None  # the phase of a named operation the report tells ('the third phase': 3)


@dataclass(frozen=True)
class ArticleResult:
    """Everything opmap learnt from one article."""

    article: Article
    places: tuple[Place, ...]
    areas: tuple[AreaReport, ...]
    event_date: dt.date | None
    date_basis: str
    warnings: tuple[str, ...] = field(default=())
    operation: Operation | None = None
    failed: bool = False  # processing stopped (an error or the time budget): nothing learnt, one warning
