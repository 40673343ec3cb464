"""Opt-in online geocoding: any geopy provider, rate-limited, cached on disk, biased to Iraq.

Nothing here runs unless the user asks (`opmap run --online`). It is asked only for places the
offline gazetteer could not locate. Answers, including 'not found', are cached in SQLite per
provider and query, so a second run asks nothing. A network failure gives one warning, switches
online lookups off for the rest of the run, and the offline answer stands.
"""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from opmap import __version__
from opmap.model import Place
from opmap.userdata import cache_dir

DEFAULT_USER_AGENT = f"opmap/{__version__} (conflict-report mapping; https://github.com/opmap)"
# lat/lon corners of Iraq and its border area, for providers that take a viewbox.
VIEWBOX = ((28.5, 38.0), (38.0, 49.5))
NOMINATIM_DELAY_S = 1.0  # Nominatim's usage policy: at most one request per second


@dataclass(frozen=True)
class OnlineSettings:
    """Which provider to ask and how; `domain` may carry a scheme ('http://127.0.0.1:8080')."""

    provider: str = "nominatim"
    domain: str | None = None
    user_agent: str | None = None
    min_delay_s: float | None = None


def config_path() -> Path:
    """The user's config file: OPMAP_CONFIG, else opmap.toml in the platform's config folder."""
    import os

    if os.environ.get("OPMAP_CONFIG"):
        return Path(os.environ["OPMAP_CONFIG"])
    import platformdirs

    return Path(platformdirs.user_config_dir("opmap")) / "opmap.toml"


def settings_from_config(path: Path | None = None, problems: list[str] | None = None) -> OnlineSettings | None:
    """Online settings from the config file's [online] table, or None when it has none.

        [online]
        provider = "nominatim"        # any geopy provider name
        domain = "nominatim.example"  # optional: a self-hosted server
        user_agent = "my-team-opmap"
        min_delay_s = 1.0

    With a `problems` list, an unreadable file or a bad setting is named there in one line and
    skipped (the run goes on offline or with the other settings); without it, DataError is raised."""
    import tomllib

    from opmap.errors import DataError

    def problem(text: str) -> None:
        if problems is None:
            raise DataError(text)
        problems.append(f"{text}; skipped")

    path = path or config_path()
    if not path.is_file():
        return None
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("online")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        problem(f"{path}: unreadable config ({exc})")
        return None
    if table is None:
        return None
    if not isinstance(table, dict):
        problem(f"{path}: [online] must be a table")
        return None
    if table.get("enabled") is False:
        return None
    for key in sorted(set(table) - {"provider", "domain", "user_agent", "min_delay_s", "enabled"}):
        problem(f"{path}: unknown [online] setting {key!r}")
    values: dict[str, Any] = {}
    for key in ("provider", "domain", "user_agent"):
        if key in table:
            if isinstance(table[key], str) and table[key].strip() and table[key].isprintable():
                values[key] = table[key].strip()
            else:
                problem(f"{path}: [online] {key} must be a non-empty line of text")
    if "min_delay_s" in table:
        delay = table["min_delay_s"]
        if isinstance(delay, int | float) and not isinstance(delay, bool) and 0 <= delay <= 3600:
            values["min_delay_s"] = float(delay)
        else:
            problem(f"{path}: [online] min_delay_s must be a number of seconds from 0 to 3600")
    return OnlineSettings(values.get("provider", "nominatim"), values.get("domain"), values.get("user_agent"),
                          values.get("min_delay_s"))


@dataclass(frozen=True)
class OnlineAnswer:
    lon: float
    lat: float
    address: str


@dataclass
class OnlineGeocoder:
    """A geopy provider behind geopy's RateLimiter and an on-disk cache."""

    settings: OnlineSettings
    cache_path: Path = field(default_factory=lambda: cache_dir() / "online.sqlite")
    failed: str = ""  # the first network failure; no more requests after it
    rejected: list[str] = field(default_factory=list)  # answers refused (one line each), not cached
    _geocode: Any = None
    _db: sqlite3.Connection | None = None

    @property
    def name(self) -> str:
        return self.settings.provider

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            for attempt in (1, 2):
                self._db = sqlite3.connect(self.cache_path)
                try:
                    self._db.execute("CREATE TABLE IF NOT EXISTS answers (provider TEXT, query TEXT, answer TEXT, "
                                     "PRIMARY KEY (provider, query))")
                    self._db.execute("SELECT count(*) FROM answers").fetchone()
                    break
                except sqlite3.DatabaseError:  # not a database (half-written, tampered): start afresh
                    self._db.close()
                    if attempt == 2:
                        raise
                    self.cache_path.unlink(missing_ok=True)
        assert self._db is not None
        return self._db

    def _provider(self) -> Any:
        if self._geocode is None:
            from geopy.extra.rate_limiter import RateLimiter
            from geopy.geocoders import get_geocoder_for_service

            cls = get_geocoder_for_service(self.settings.provider)
            kwargs: dict[str, Any] = {"user_agent": self.settings.user_agent or DEFAULT_USER_AGENT, "timeout": 10}
            domain = self.settings.domain
            if domain:
                scheme, _, host = domain.rpartition("://")
                kwargs["domain"] = host
                if scheme:
                    kwargs["scheme"] = scheme
            geocoder = cls(**kwargs)
            delay = self.settings.min_delay_s
            if delay is None:
                delay = NOMINATIM_DELAY_S if self.settings.provider == "nominatim" else 0.0
            self._geocode = RateLimiter(geocoder.geocode, min_delay_seconds=delay, max_retries=0,
                                        swallow_exceptions=False)
        return self._geocode

    def _ask(self, query: str) -> OnlineAnswer | None:
        kwargs: dict[str, Any] = {"exactly_one": True}
        if self.settings.provider == "nominatim":
            kwargs.update(country_codes=["iq", "sy", "tr", "ir"], viewbox=list(VIEWBOX), bounded=False)
        else:
            query = f"{query}, Iraq"
        location = self._provider()(query, **kwargs)
        if location is None:
            return None
        return OnlineAnswer(location.longitude, location.latitude, location.address)

    def locate(self, name: str) -> OnlineAnswer | None:
        """The provider's answer for a place name (cached), or None; raises nothing after a failure."""
        if self.failed:
            return None
        db = self._connect()
        row = db.execute("SELECT answer FROM answers WHERE provider = ? AND query = ?",
                         (self.settings.provider, name)).fetchone()
        if row is not None:
            try:
                data = json.loads(row[0])
                return checked_answer(OnlineAnswer(**data)) if data is not None else None
            except (TypeError, ValueError, RecursionError):
                db.execute("DELETE FROM answers WHERE provider = ? AND query = ?", (self.settings.provider, name))
                db.commit()  # a damaged row: asked again
        from geopy.exc import GeopyError

        try:
            answer = self._ask(name)
        except (GeopyError, OSError) as exc:
            self.failed = f"{type(exc).__name__}: {plain_text(str(exc))}"
            return None
        except (TypeError, ValueError, AttributeError) as exc:  # a reply geopy could not make sense of
            self.rejected.append(f"online geocoder ({self.name}): unreadable answer for {plain_text(name)!r} "
                                 f"({type(exc).__name__}: {plain_text(str(exc))}); not used, not cached")
            return None
        if answer is not None:
            try:
                answer = checked_answer(answer)
            except ValueError as exc:
                self.rejected.append(f"online geocoder ({self.name}): answer for {plain_text(name)!r} rejected: "
                                     f"{exc}; not used, not cached")
                return None
        db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?)", (self.settings.provider, name,
                   json.dumps(answer.__dict__ if answer else None)))
        db.commit()
        return answer


# The region of interest: Iraq and its border area (lon/lat box), where an answer must lie.
REGION_OF_INTEREST = (VIEWBOX[0][1], VIEWBOX[0][0], VIEWBOX[1][1], VIEWBOX[1][0])
MAX_ADDRESS = 200


def plain_text(text: str, limit: int = MAX_ADDRESS) -> str:
    """Server text made safe to show and store: control and escape characters dropped, one line."""
    flat = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return flat[:limit]


def checked_answer(answer: OnlineAnswer) -> OnlineAnswer:
    """The answer with numeric, finite coordinates inside the region of interest and a clean
    address; ValueError saying what is wrong otherwise."""
    try:
        lon, lat = float(answer.lon), float(answer.lat)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError("coordinates are not numbers") from exc
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValueError("coordinates are not finite")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"coordinates out of range ({lat:g}, {lon:g})")
    west, south, east, north = REGION_OF_INTEREST
    if not (west <= lon <= east and south <= lat <= north):
        raise ValueError(f"({lat:.4f}, {lon:.4f}) lies outside Iraq and its border area")
    return OnlineAnswer(lon, lat, plain_text(str(answer.address)))


def locate_online(places: list[Place], online: OnlineGeocoder) -> list[Place]:
    """Ask the online geocoder for the places the offline gazetteer could not locate."""
    out = []
    for p in places:
        answer = online.locate(p.name) if p.lon is None and p.type not in ("road", "country") else None
        if answer is None:
            out.append(p)
        else:
            out.append(replace(p, lon=answer.lon, lat=answer.lat, precision=2, geocoder=online.name,
                               source=f"{online.name}: {answer.address}"))
    return out
