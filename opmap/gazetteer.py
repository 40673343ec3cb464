"""The offline gazetteer: GeoNames places (a shipped cities500 extract) and curated tables, as one index.

Sources are small classes with one method, `entries()`, as geopy keeps one interface per provider.
The index is built once and cached in the user cache directory as plain JSON (data only: loading it
cannot run code), keyed on and verified against the hash of its sources and of its own content, so a
run loads it instead of rebuilding it; a tampered or half-written cache is rebuilt.
`opmap.offline.OfflineGeocoder` is the index as a geopy geocoder.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import math
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from opmap.errors import DataError
from opmap.model import GazetteerEntry
from opmap.shipped import shipped
from opmap.spelling import ascii_name, key_similarity, name_key, skeleton
from opmap.userdata import cache_dir, data_dir
from opmap.vocabulary import vocabulary_path, word_list

CURATED_CSV = shipped("gazetteer", "curated.csv")
GEONAMES_CSV = shipped("gazetteer", "geonames_cities.csv")
# The cached index is rebuilt whenever the code that builds it changes.
INDEX_VERSION = hashlib.sha1(b"".join((Path(__file__).read_bytes(),
                                      (Path(__file__).parent / "spelling.py").read_bytes(),
                                      Path(vocabulary_path("not_place_names")).read_bytes()))).hexdigest()
COLUMNS = ("name", "alt_names", "type", "lat", "lon", "precision", "zone", "country", "geonameid", "source")
# Iraq and its border area (lon/lat box); GeoNames places outside it are left out of the index.
REGION_BOX = (38.0, 28.5, 49.5, 38.0)
REGION_COUNTRIES = frozenset({"IQ", "SY", "TR", "IR", "KW", "SA", "JO"})
# Capitalised English words that GeoNames lists as alternate names of some town: never place names.
NOT_PLACE_NAMES = frozenset(name_key(w) for w in word_list("not_place_names"))
VARIANT_SIMILARITY = 0.75
VARIANT_SIMILARITY_LONG = 0.6
VARIANT_SIMILARITY_SHORT = 0.85  # two-consonant names ('Saadia') need a closer spelling
# A district row is placed at its seat town when one of that name lies this close (ACLED practice).
SEAT_REACH_KM = 60.0
# GeoNames lists some admin units as alternate names of their seat town; those belong to the unit.
ADMIN_UNIT_WORDS = ("district", "governorate", "province", "sub-district", "subdistrict", "qada", "nahiya")


@dataclass(frozen=True)
class GeoNamesCitiesSource:
    """GeoNames populated places (cities500) of Iraq and its border area: the compact extract shipped
    in data/gazetteer/geonames_cities.csv (its recipe and CC BY 4.0 attribution are beside it)."""

    path: Path = GEONAMES_CSV

    def fingerprint(self) -> str:
        try:
            return f"geonames {hashlib.sha1(self.path.read_bytes()).hexdigest()}"
        except OSError as exc:
            raise DataError(f"{self.path}: cannot read the GeoNames extract ({exc.strerror})") from exc

    def entries(self) -> Iterator[GazetteerEntry]:
        try:
            handle = self.path.open(encoding="utf-8", newline="")
        except OSError as exc:
            raise DataError(f"{self.path}: cannot read the GeoNames extract ({exc.strerror})") from exc
        with handle:
            for row in csv.DictReader(handle):
                alts = tuple(a for a in row["alternatenames"].split("|")
                             if a and not any(w in a.lower() for w in ADMIN_UNIT_WORDS))
                yield GazetteerEntry(
                    key=f"geonames:{row['geonameid']}", name=ascii_name(row["name"]), type="settlement",
                    lat=float(row["lat"]), lon=float(row["lon"]), precision=1, country=row["country"],
                    source=f"GeoNames {row['geonameid']} (cities500, CC BY 4.0)",
                    population=int(row["population"] or 0), alt_names=alts)


@dataclass(frozen=True)
class CsvSource:
    """A curated or user table with the columns in COLUMNS; its rows replace GeoNames rows."""

    path: Path
    prefix: str = "curated"

    def fingerprint(self) -> str:
        try:
            return f"{self.path} {hashlib.sha1(self.path.read_bytes()).hexdigest()}"
        except OSError as exc:
            raise DataError(f"{self.path}: cannot read gazetteer table ({exc.strerror})") from exc

    def entries(self, problems: list[str] | None = None) -> Iterator[GazetteerEntry]:
        """The table's rows as entries. With a `problems` list, each bad row is named there in one
        line and skipped (and an unreadable table is one line); without it the first raises."""
        def problem(error: DataError) -> None:
            if problems is None:
                raise error
            problems.append(f"{error}; skipped")

        try:
            data = self.path.read_bytes()
        except OSError as exc:
            problem(DataError(f"{self.path}: cannot read gazetteer table ({exc.strerror})"))
            return
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            problem(DataError(f"{self.path}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                              "rows with unreadable characters"))
            text = data.decode("utf-8-sig", errors="replace")
        if "\x00" in text:
            problem(DataError(f"{self.path}: binary file, not a gazetteer table"))
            return
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            missing = {"name", "lat", "lon"} - set(reader.fieldnames or ())
        except csv.Error as exc:
            problem(DataError(f"{self.path}: not a CSV table ({exc})"))
            return
        if missing:
            problem(DataError(f"{self.path}: gazetteer table lacks column(s) {', '.join(sorted(missing))}"))
            return
        number = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                problem(DataError(f"{self.path}:{reader.line_num}: unreadable row ({exc})"))
                continue
            number = reader.line_num
            try:
                yield self._entry(row, number)
            except DataError as exc:
                problem(exc)

    def _entry(self, row: dict[str, str], number: int) -> GazetteerEntry:
        if None in row or any(not isinstance(v, str) for v in row.values()):
            raise DataError(f"{self.path}:{number}: row has more or fewer cells than the header")
        name = (row.get("name") or "").strip()
        if not name:
            raise DataError(f"{self.path}:{number}: a gazetteer row needs a name")
        try:
            lat = float(row["lat"]) if (row.get("lat") or "").strip() else None
            lon = float(row["lon"]) if (row.get("lon") or "").strip() else None
            precision = int(row.get("precision") or 1)
            population = int(float(row.get("population") or 0))
        except (ValueError, OverflowError) as exc:
            raise DataError(f"{self.path}:{number}: bad number in row {name!r} ({exc})") from exc
        if (lat is None) != (lon is None) or (lat is not None and lon is not None and not (
                math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180)):
            raise DataError(f"{self.path}:{number}: coordinates of {name!r} out of range or incomplete")
        if precision not in (1, 2, 3) or population < 0:
            raise DataError(f"{self.path}:{number}: precision must be 1, 2 or 3 and population not negative "
                            f"in row {name!r}")
        geonameid = (row.get("geonameid") or "").strip()
        return GazetteerEntry(
            key=f"geonames:{geonameid}" if geonameid else f"{self.prefix}:{name}",
            name=name, type=(row.get("type") or "settlement").strip(), lat=lat, lon=lon,
            precision=precision, country=(row.get("country") or "").strip(),
            source=(row.get("source") or str(self.path.name)).strip(), zone=(row.get("zone") or "").strip(),
            zone_basis=(row.get("source") or "").strip() if row.get("zone") else "",
            population=population, table=self.prefix,
            alt_names=tuple(a.strip() for a in (row.get("alt_names") or "").split("|") if a.strip()))


@dataclass(eq=False)  # compared and hashed by identity, so answers can be memoised per index
class GazetteerIndex:
    """Entries and a name-key → entry-positions map; what the matcher and the resolver read."""

    entries: list[GazetteerEntry] = field(default_factory=list)
    names: dict[str, list[int]] = field(default_factory=dict)
    skeletons: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # skeleton -> (entry, key)
    first_words: set[str] = field(default_factory=set)  # first word of every name key, for a fast skip
    max_words: int = 1

    @classmethod
    def build(cls, sources: Iterable[GeoNamesCitiesSource | CsvSource]) -> GazetteerIndex:
        by_key: dict[str, GazetteerEntry] = {}
        for source in sources:
            for entry in source.entries():
                previous = by_key.get(entry.key)
                if previous is not None:
                    entry = _merged(entry, previous)
                by_key[entry.key] = entry
        entries = _districts_at_their_seats(list(by_key.values()))
        index = cls()
        for entry in entries:
            index.add(entry)
        return index

    def add(self, entry: GazetteerEntry) -> None:
        position = len(self.entries)
        self.entries.append(entry)
        for form in {entry.name, *entry.alt_names}:
            key = name_key(form)
            if not key or len(key) < 3 or key in NOT_PLACE_NAMES:
                continue
            slots = self.names.setdefault(key, [])
            if position not in slots:
                slots.append(position)
            self.first_words.add(key.split(" ", 1)[0])
            bones = skeleton(form)
            if len(bones) >= 2:
                forms = self.skeletons.setdefault(bones, [])
                if (position, key) not in forms:
                    forms.append((position, key))
            self.max_words = max(self.max_words, key.count(" ") + 1)

    def lookup(self, key: str) -> list[GazetteerEntry]:
        positions = self.names.get(key)
        if positions is None:  # most words of a text: no list to build
            return []
        return [self.entries[i] for i in positions]

    def variants(self, surface: str, types: frozenset[str] | None = None) -> list[GazetteerEntry]:
        return _variants(self, surface, types)

    def close_variants(self, surface: str, types: frozenset[str] | None = None) -> list[GazetteerEntry]:
        """The one Iraqi entry a spelling the tables lack most likely means, or [] when unsure.

        Candidates share the name's consonant skeleton, are close in spelling to one of the entry's
        names, lie in Iraq (fuzzy matches abroad are too often wrong), are of the cued feature type
        when a cue gave one; two different close places mean no answer."""
        bones = skeleton(surface)
        key = name_key(surface)
        if len(bones) < 2 or key in NOT_PLACE_NAMES:
            return []
        best: dict[int, float] = {}
        for position, form in self.skeletons.get(bones, ()):
            best[position] = max(best.get(position, 0.0), key_similarity(key, form))
        needed = VARIANT_SIMILARITY_SHORT if len(bones) < 3 else VARIANT_SIMILARITY
        close = [self.entries[i] for i, score in best.items()
                 if score >= needed or (len(bones) >= 4 and score >= VARIANT_SIMILARITY_LONG)]
        iraqi = [e for e in close if e.country == "IQ" and (types is None or e.type in types)]
        return iraqi if len({e.key for e in iraqi}) == 1 else []


@lru_cache(maxsize=1 << 14)
def _variants(index: GazetteerIndex, surface: str, types: frozenset[str] | None) -> list[GazetteerEntry]:
    """Memoised `GazetteerIndex.close_variants`: a report repeats its names, a corpus even more."""
    return index.close_variants(surface, types)


def _districts_at_their_seats(entries: list[GazetteerEntry]) -> list[GazetteerEntry]:
    """Place a district at its seat town (ACLED codes district-level events to the district capital),
    when a settlement of the district's name lies within SEAT_REACH_KM of the district's own point."""
    towns: dict[str, list[GazetteerEntry]] = {}
    for e in entries:
        if e.type == "settlement" and e.country == "IQ" and e.lat is not None:
            for form in (e.name, *e.alt_names):
                towns.setdefault(name_key(form), []).append(e)
    from opmap.resolve import geodesic_km

    out = []
    for e in entries:
        if e.type == "district" and e.lat is not None and e.lon is not None:
            seat_name = re.sub(r"\s+district$", "", e.name, flags=re.IGNORECASE)
            near = [t for t in towns.get(name_key(seat_name), ())
                    if t.lat is not None and t.lon is not None
                    and geodesic_km((t.lon, t.lat), (e.lon, e.lat)) <= SEAT_REACH_KM]
            if near:
                seat = max(near, key=lambda t: t.population)
                e = replace(e, lat=seat.lat, lon=seat.lon, precision=2,
                            source=f"placed at its seat {seat.name} ({seat.source}); {e.source}")
        out.append(e)
    return out


def _merged(entry: GazetteerEntry, previous: GazetteerEntry) -> GazetteerEntry:
    """A row that replaces another keeps the other's spellings and population."""
    return replace(entry, alt_names=tuple(dict.fromkeys((*entry.alt_names, previous.name,
                                                         *previous.alt_names))),
                   population=entry.population or previous.population)


# GeoNames feature class.code -> opmap feature type and precision code.
GEONAMES_TYPES: dict[str, tuple[str, int]] = {
    "T.MT": ("mountain", 1), "T.PK": ("mountain", 1), "T.PKS": ("mountain", 2), "T.MTS": ("range", 2),
    "T.RDGE": ("range", 2), "T.HLLS": ("range", 2), "T.HLL": ("hill", 1), "T.VAL": ("valley", 2),
    "T.PLN": ("region", 3), "T.DSRT": ("region", 3), "H.WAD": ("valley", 2), "H.STM": ("river", 2),
    "H.STMI": ("river", 2), "H.LK": ("lake", 2), "H.LKS": ("lake", 2), "H.RSV": ("lake", 2),
    "S.DAM": ("dam", 1), "A.ADM1": ("governorate", 3), "A.ADM2": ("district", 2), "A.ADM3": ("subdistrict", 2),
    "A.PCLI": ("country", 3), "L.RGN": ("region", 3), "L.AREA": ("region", 3), "S.AIRB": ("facility", 1),
    "S.AIRP": ("facility", 1), "S.CMP": ("camp", 1), "S.CMPRF": ("camp", 1), "R.RD": ("road", 2),
}
GEONAMES_COLUMNS = 19


GEONAMES_DUMPS = "https://download.geonames.org/export/dump/"
GEONAMES_ATTRIBUTION = ("Place names from GeoNames (https://www.geonames.org), licensed under "
                        "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).")
GEONAMES_USER_AGENT = "opmap (GeoNames dump download; https://github.com/opmap)"


@dataclass(frozen=True)
class GeoNamesImport:
    """What importing one GeoNames dump did: the table written, its rows, how many lie outside the
    region box (kept: a neighbour's far provinces are rarely the answer, but never silently lost), and
    how many names the index did not know before."""

    table: Path
    rows: int
    outside_box: int
    names_added: int


def import_geonames_dump(dump: Path, known_names: set[str] | None = None) -> GeoNamesImport:
    """Turn a GeoNames country dump (the 19-column tab-separated 'geoname' table, e.g. IQ.txt) into a
    table of ours in the user data folder, where every later run's index picks it up. Rows outside
    Iraq's region box are kept and counted; `known_names` (the index's name keys before the import)
    lets the answer say how many names are new."""
    rows: list[dict[str, str]] = []
    outside = 0
    new_names: set[str] = set()
    west, south, east, north = REGION_BOX
    try:
        handle = dump.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise DataError(f"{dump}: cannot read GeoNames dump ({exc.strerror})") from exc
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip() or line.startswith("#"):
                    continue
                cols = line.rstrip("\r\n").split("\t")
                if len(cols) != GEONAMES_COLUMNS:
                    raise DataError(f"{dump}:{number}: expected {GEONAMES_COLUMNS} tab-separated GeoNames "
                                    f"columns, found {len(cols)}")
                try:
                    lat, lon = float(cols[4]), float(cols[5])
                except ValueError as exc:
                    raise DataError(f"{dump}:{number}: bad latitude/longitude") from exc
                feature = f"{cols[6]}.{cols[7]}"
                kind = ("settlement", 1) if cols[6] == "P" else GEONAMES_TYPES.get(feature)
                if kind is None:
                    continue
                outside += not (west <= lon <= east and south <= lat <= north)
                alts = [a for a in cols[3].split(",") if a]
                if known_names is not None:
                    new_names.update(k for k in (name_key(f) for f in (cols[1], *alts))
                                     if len(k) >= 3 and k not in known_names)
                rows.append({"name": ascii_name(cols[1]), "alt_names": "|".join(alts),
                             "type": kind[0], "lat": f"{lat:.5f}", "lon": f"{lon:.5f}", "precision": str(kind[1]),
                             "zone": "", "country": cols[8], "geonameid": cols[0],
                             "source": f"GeoNames {cols[0]} ({dump.name}, CC BY 4.0)",
                             "population": cols[14] or "0"})
        except UnicodeDecodeError as exc:
            raise DataError(f"{dump}: not a UTF-8 GeoNames dump ({exc.reason})") from exc
    if not rows:
        raise DataError(f"{dump}: no GeoNames places, mountains, rivers or admin units in the dump")
    target = imported_dir() / f"geonames-{dump.stem}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=[*COLUMNS, "population"])
        writer.writeheader()
        writer.writerows(rows)
    temporary.replace(target)
    if known_names is not None:
        known_names.update(new_names)  # a name two dumps share counts once
    return GeoNamesImport(target, len(rows), outside, len(new_names))


def fetch_geonames(countries: Iterable[str], base_url: str = GEONAMES_DUMPS,
                   timeout: float = 120.0) -> list[GeoNamesImport]:
    """Download GeoNames country dumps (`<base>/IQ.zip`, the zip GeoNames publishes, holding IQ.txt)
    and import each; the next run's index includes them. Only when the user asks: never in a run."""
    import tempfile
    import urllib.error
    import urllib.parse
    import urllib.request
    import zipfile

    given = [c.strip() for c in countries]
    bad = [c for c in given if not re.fullmatch(r"[A-Za-z]{2}", c)]
    codes = [c.upper() for c in given]
    if bad or not codes:
        raise DataError(f"not a two-letter country code: {', '.join(bad) or '(none given)'} (e.g. IQ SY TR IR)")
    known = set(load_index().names)
    done = []
    for code in codes:
        url = urllib.parse.urljoin(base_url if base_url.endswith("/") else base_url + "/", f"{code}.zip")
        with tempfile.TemporaryDirectory(prefix="opmap-geonames-") as tmp:
            archive = Path(tmp) / f"{code}.zip"
            try:
                request = urllib.request.Request(url, headers={"User-Agent": GEONAMES_USER_AGENT})
                with urllib.request.urlopen(request, timeout=timeout) as response, archive.open("wb") as out:
                    while chunk := response.read(1 << 20):
                        out.write(chunk)
            except (urllib.error.URLError, OSError, ValueError) as exc:
                reason = getattr(exc, "reason", exc)
                raise DataError(f"{url}: download failed ({reason}); nothing changed") from exc
            try:
                with zipfile.ZipFile(archive) as bundle:
                    bundle.extract(f"{code}.txt", tmp)
            except (zipfile.BadZipFile, KeyError) as exc:
                raise DataError(f"{url}: not a GeoNames dump archive holding {code}.txt ({exc})") from exc
            result = import_geonames_dump(Path(tmp) / f"{code}.txt", known)
        done.append(result)
    return done


def imported_dir() -> Path:
    """Where `opmap gazetteer import-geonames` keeps the tables it made."""
    return data_dir() / "gazetteer"


def default_sources() -> list[GeoNamesCitiesSource | CsvSource]:
    """GeoNames cities, then imported GeoNames dumps, then the curated table (highest precedence)."""
    imported = sorted(imported_dir().glob("*.csv")) if imported_dir().is_dir() else []
    return [GeoNamesCitiesSource(), *(CsvSource(p, prefix="geonames-import") for p in imported),
            CsvSource(CURATED_CSV)]


CACHE_FORMAT = "opmap-gazetteer-index/2"
STALE_TEMPORARY_S = 600.0  # a cache being written for longer than this was left by a killed run


def load_index(user_tables: Iterable[Path] = (), use_cache: bool = True,
               problems: list[str] | None = None) -> GazetteerIndex:
    """The shipped index (cached on disk) with the user's tables laid over it, highest precedence last.
    A bad row of a user table is named in `problems` (one line each) and skipped; without a
    `problems` list it raises DataError."""
    sources = default_sources()
    fingerprint = hashlib.sha256("|".join([INDEX_VERSION, *(s.fingerprint() for s in sources)]).encode()).hexdigest()
    cache = cache_dir() / f"gazetteer-{fingerprint[:16]}.json"
    index = _read_cache(cache, fingerprint) if use_cache else None
    if index is None:
        index = GazetteerIndex.build(sources)
        if use_cache:
            _write_cache(cache, index, fingerprint)
    for table in user_tables:
        for entry in CsvSource(Path(table), prefix="user").entries(problems):
            index.add(entry)
    return index


def _read_cache(cache: Path, fingerprint: str) -> GazetteerIndex | None:
    """The cached index when its header names these sources and its content matches its digest."""
    try:
        with cache.open("rb") as handle:
            header = json.loads(handle.readline())
            body = handle.read()
        if not isinstance(header, dict) or header.get("format") != CACHE_FORMAT \
                or header.get("sources") != fingerprint or header.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        data = json.loads(body)
        index = GazetteerIndex()
        index.entries = [_entry_from_json(row) for row in data["entries"]]
        index.names = {str(k): [int(i) for i in v] for k, v in data["names"].items()}
        index.skeletons = {str(k): [(int(i), str(f)) for i, f in v] for k, v in data["skeletons"].items()}
        index.first_words = {str(w) for w in data["first_words"]}
        index.max_words = int(data["max_words"])
        n = len(index.entries)
        if any(not 0 <= i < n for v in index.names.values() for i in v) or \
                any(not 0 <= i < n for v in index.skeletons.values() for i, _ in v):
            return None
        return index
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None  # missing, half-written or tampered: rebuilt from the sources


ENTRY_FIELDS = ("key", "name", "type", "lat", "lon", "precision", "country", "source", "zone", "zone_basis",
                "population", "alt_names", "table", "line")


def _entry_from_json(row: list[object]) -> GazetteerEntry:
    values = dict(zip(ENTRY_FIELDS, row, strict=True))
    for name in ("key", "name", "type", "country", "source", "zone", "zone_basis", "table"):
        if not isinstance(values[name], str):
            raise TypeError(name)
    lat, lon = values["lat"], values["lon"]
    return GazetteerEntry(
        key=str(values["key"]), name=str(values["name"]), type=str(values["type"]),
        lat=None if lat is None else float(lat),  # type: ignore[arg-type]
        lon=None if lon is None else float(lon),  # type: ignore[arg-type]
        precision=int(values["precision"]), country=str(values["country"]),  # type: ignore[call-overload]
        source=str(values["source"]), zone=str(values["zone"]), zone_basis=str(values["zone_basis"]),
        population=int(values["population"]),  # type: ignore[call-overload]
        alt_names=tuple(str(a) for a in values["alt_names"]),  # type: ignore[attr-defined]
        table=str(values["table"]),
        line=tuple((float(x), float(y)) for x, y in values["line"]))  # type: ignore[attr-defined]


def _write_cache(cache: Path, index: GazetteerIndex, fingerprint: str) -> None:
    """Write the index under a unique temporary name, then rename: concurrent runs never mix."""
    body = json.dumps({
        "entries": [[getattr(e, name) for name in ENTRY_FIELDS] for e in index.entries],
        "names": index.names, "skeletons": index.skeletons, "first_words": sorted(index.first_words),
        "max_words": index.max_words}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    header = json.dumps({"format": CACHE_FORMAT, "sources": fingerprint,
                         "sha256": hashlib.sha256(body).hexdigest()}).encode("ascii")
    temporary = None
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        for stale in cache.parent.glob(".gazetteer-*.tmp"):  # left by a run killed while writing
            with contextlib.suppress(OSError):
                if time.time() - stale.stat().st_mtime > STALE_TEMPORARY_S:
                    stale.unlink()
        handle, name = tempfile.mkstemp(prefix=f".{cache.stem}-", suffix=".tmp", dir=cache.parent)
        temporary = Path(name)
        with os.fdopen(handle, "wb") as out:
            out.write(header + b"\n" + body)
        os.replace(temporary, cache)
    except OSError:
        pass  # a read-only cache directory only costs speed
    finally:
        if temporary is not None and temporary.exists():
            temporary.unlink(missing_ok=True)


def candidate_rank(entry: GazetteerEntry) -> tuple[float, ...]:
    """Sort key for a name's candidates without context: curated, in Iraq, populous first."""
    user = 0 if entry.table == "user" else 1
    curated = 0 if entry.table == "curated" else 1
    iraq = 0 if entry.country == "IQ" else 1
    return (user, iraq, curated, -math.log1p(entry.population))
