"""Well-known campaigns, battles and named operations with the day each began: the table
`data/campaigns/campaigns.csv` (see its README), read once, on first use, into a compact index.

The event-date extractor (opmap.extract.dates) asks it two things: which campaign a phrase such as
'since the start of the battle for Mosul' means on a given publication date, and which named operations
a report names that began shortly before it was published.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from opmap.errors import DataError
from opmap.shipped import shipped

AFTERMATH_DAYS = 60  # a campaign is still 'the battle' this long after its recorded end
OPEN_END_DAYS = 180  # without a recorded end, this long after its start
COLUMNS = ("name", "aliases", "targets", "country", "start", "end", "source")


@dataclass(frozen=True)
class Campaign:
    name: str
    aliases: tuple[str, ...]
    targets: tuple[str, ...]
    country: str
    start: dt.date
    end: dt.date | None  # None: no end day recorded (ongoing, or ended without a day)
    source: str

    def current(self, published: dt.date) -> bool:
        """Whether a report published then can still speak of this campaign as under way: from its start
        to AFTERMATH_DAYS after its end (OPEN_END_DAYS after its start when no end is recorded)."""
        if self.end is None:
            return self.start <= published <= self.start + dt.timedelta(days=OPEN_END_DAYS)
        return self.start <= published <= self.end + dt.timedelta(days=AFTERMATH_DAYS)


def fold(name: str) -> str:
    """A name compared loosely: lower case, no accents, apostrophes, hyphens or leading Arabic article."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"[-\s]+", " ", text).strip()
    return re.sub(r"^(?:al|el|ar|ad|as|ash|at) ", "", text)


@dataclass(frozen=True)
class CampaignTable:
    campaigns: tuple[Campaign, ...]  # by start
    starts: tuple[dt.date, ...]
    by_name: dict[str, tuple[int, ...]]  # folded name, alias or target -> campaigns

    def started_between(self, after: dt.date, until: dt.date) -> tuple[Campaign, ...]:
        """The campaigns that began after `after` and on or before `until`."""
        lo = bisect.bisect_right(self.starts, after)
        hi = bisect.bisect_right(self.starts, until)
        return self.campaigns[lo:hi]

    def named(self, name: str) -> tuple[Campaign, ...]:
        return tuple(self.campaigns[i] for i in self.by_name.get(fold(name), ()))


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def read_table(path: str) -> CampaignTable:
    """The table at `path`; a bad row is one clear line naming the file, the row and the problem."""
    try:
        with open(path, encoding="utf-8", newline="") as lines:
            rows = list(csv.DictReader(lines))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{path}: cannot read the campaigns table ({exc})") from exc
    campaigns = []
    for number, row in enumerate(rows, start=2):
        missing = [c for c in COLUMNS if row.get(c) is None]
        if missing:
            raise DataError(f"{path}: row {number} lacks the column(s) {', '.join(missing)}")
        try:
            start = dt.date.fromisoformat(row["start"].strip())
            end = dt.date.fromisoformat(row["end"].strip()) if row["end"].strip() else None
        except ValueError as exc:
            raise DataError(f"{path}: row {number} ({row['name']}): start and end must be ISO dates ({exc})") from exc
        if not row["name"].strip() or (end is not None and end < start):
            raise DataError(f"{path}: row {number}: a campaign needs a name and an end on or after its start")
        campaigns.append(Campaign(row["name"].strip(), _split(row["aliases"]), _split(row["targets"]),
                                  row["country"].strip(), start, end, row["source"].strip()))
    campaigns.sort(key=lambda c: c.start)
    by_name: dict[str, list[int]] = {}
    for i, c in enumerate(campaigns):
        for name in {fold(n) for n in (c.name, *c.aliases, *c.targets)}:
            by_name.setdefault(name, []).append(i)
    return CampaignTable(tuple(campaigns), tuple(c.start for c in campaigns),
                         {k: tuple(v) for k, v in by_name.items()})


@cache
def campaign_table() -> CampaignTable:
    """The shipped table, read on first use only (the extractor asks for it behind cheap text gates)."""
    return read_table(str(shipped("campaigns", "campaigns.csv")))


def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


@cache
def _names_pattern(campaign: Campaign) -> re.Pattern[str]:
    return _pattern((campaign.name, *campaign.aliases))


@cache
def _places_pattern(campaign: Campaign) -> re.Pattern[str]:
    return _pattern((campaign.name, *campaign.aliases, *campaign.targets))


def names_operation(text: str, campaign: Campaign) -> bool:
    """Whether the text names the operation itself (its name or an alias, as written)."""
    return _names_pattern(campaign).search(text) is not None


def first_mention(text: str, campaign: Campaign, until: int) -> int | None:
    """Where the text first names the campaign or one of its targets, if before `until`."""
    m = _places_pattern(campaign).search(text, 0, until)
    return m.start() if m else None
