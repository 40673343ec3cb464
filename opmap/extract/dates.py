"""The main event date of a report, relative words resolved against its publication date.

"on Monday night" in a report published Thursday 19 July 2018 is 2018-07-16; "last week" and
"earlier this month" give the first day of that span (and rank below named days); "yesterday",
"last night", "overnight" are the day before publication; "today" and "this morning" the day itself;
"July 16" or "16 July 2018" are read as written (year from the publication date when absent).
Of the dates a report gives, those within the two weeks up to publication count (failing that, those
not after publication); among them relative day words beat written dates, and both beat the day a
statement was made ("said on Monday"); then the latest day wins (older days are background: "captured
on August 7 ... on August 10 jets bombed"), or without a publication date the first in the text. With none, the publication
date stands, and the basis says so. A range ("15-27 October") gives its first day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|" \
         r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_MONTH2 = _MONTH.replace("?P<month>", "?P<month2>")
EXPLICIT = re.compile(
    rf"(?<!\d)(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{{1,2}}(?:st|nd|rd|th)?)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<year>(?:19|20)\d\d))?\b"
    rf"|\b{_MONTH2}\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year2>(?:19|20)\d\d))?")
WEEKDAY = re.compile(r"\b(?P<last>last\s+|this\s+past\s+|past\s+)?(?P<weekday>Monday|Tuesday|Wednesday|Thursday|"
                     r"Friday|Saturday|Sunday)s?\b(?!\s*,?\s*(?:\d{1,2}\s+)?(?:January|February|March|April|May|"
                     r"June|July|August|September|October|November|December)\b)")
RELATIVE = re.compile(r"\b(?P<word>today|this morning|this afternoon|this evening|tonight|earlier today|"
                      r"yesterday|last night|overnight|the day before)\b", re.IGNORECASE)
VAGUE = re.compile(r"\b(?:last week|earlier this week|this week|earlier this month|this month|last month)\b",
                   re.IGNORECASE)
_OFFSETS = {"yesterday": -1, "last night": -1, "overnight": -1, "the day before": -1}
RECENT_DAYS = 14


# A reporting word, then only names, articles, prepositions and words for the statement itself, up to
# the day: 'said a Peshmerga commander on Monday', 'in a tweet on Friday' (not 'said strikes hit on Sunday').
REPORTING = re.compile(r"\b(?:[Ss]aid|[Ss]ays|told|tells|announced|stated|reported|added|confirmed|statement|"
                       r"tweet|tweeted|published|wrote|declared)\b,?"
                       r"(?:\s+(?:[A-Z][\w'’-]*|a|an|the|on|in|to|by|of|at|late|early|during|press|news|"
                       r"conference|briefing|interview|statement|tweet|post|commander|spokesman|spokesperson|official|officials|"
                       r"source|sources|officer|minister|ministry|council|command|general|colonel|media|agency|"
                       r"military|security|local|senior|kurdish|iraqi),?)*\s+$")
REPORTING_AFTER = re.compile(r"^[^.;]{0,12}\b(?:said|says|told|announced|stated|reported|tweeted)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateCandidate:
    date: dt.date
    position: int
    phrase: str
    explicit: bool = False
    reporting: bool = False  # 'said on Monday': the day of the statement, not of the event

    vague: bool = False  # 'last week', 'earlier this month': the first day of that span

    @property
    def rank(self) -> int:
        """Relative day words first (news gives the event's day that way), then written dates, then
        vague spans, then the days that statements were made."""
        return 3 if self.reporting else 2 if self.vague else 1 if self.explicit else 0


def _explicit(m: re.Match[str], published: dt.date | None) -> dt.date | None:
    month = MONTHS[(m.group("month") or m.group("month2")).lower().rstrip(".")]
    day = int(m.group("day") or m.group("day2"))
    year_text = m.group("year") or m.group("year2")
    if year_text:
        year = int(year_text)
    elif published is not None:
        year = published.year
    else:
        return None
    try:
        found = dt.date(year, month, day)
    except ValueError:
        return None
    if not year_text and published is not None and found > published:
        try:
            found = found.replace(year=year - 1)
        except ValueError:
            return None
    return found


def _weekday(m: re.Match[str], published: dt.date) -> dt.date:
    back = (published.weekday() - WEEKDAYS[m.group("weekday").lower()]) % 7
    if back == 0 and m.group("last"):
        back = 7
    return published - dt.timedelta(days=back)


def _reporting(text: str, at: int, end: int | None = None) -> bool:
    """True for the day a statement was made ('said on Monday', 'in a tweet on Friday said') and for
    day words inside a quotation (the speaker's 'today' is not the report's)."""
    if REPORTING.search(text, max(0, at - 60), at):
        return True
    if end is not None and REPORTING_AFTER.match(text, end):
        return True
    paragraph = text.rfind("\n", 0, at) + 1
    return text.rfind("“", paragraph, at) > text.rfind("”", paragraph, at)


def date_candidates(text: str, published: dt.date | None) -> list[DateCandidate]:
    found: list[DateCandidate] = []
    for m in EXPLICIT.finditer(text):
        date = _explicit(m, published)
        if date is not None:
            found.append(DateCandidate(date, m.start(), m.group(0), explicit=True,
                                       reporting=_reporting(text, m.start(), m.end())))
    if published is not None:
        explicit_spans = [(c.position, c.position + len(c.phrase)) for c in found]
        for m in WEEKDAY.finditer(text):
            if any(s <= m.start() < e for s, e in explicit_spans):
                continue
            found.append(DateCandidate(_weekday(m, published), m.start(), m.group(0),
                                       reporting=_reporting(text, m.start(), m.end())))
        for m in RELATIVE.finditer(text):
            offset = _OFFSETS.get(m.group("word").lower(), 0)
            found.append(DateCandidate(published + dt.timedelta(days=offset), m.start(), m.group(0),
                                       reporting=_reporting(text, m.start(), m.end())))
        for m in VAGUE.finditer(text):
            found.append(DateCandidate(_span_start(m.group(0).lower(), published), m.start(), m.group(0),
                                       vague=True, reporting=_reporting(text, m.start(), m.end())))
    found.sort(key=lambda c: c.position)
    return found


def _span_start(phrase: str, published: dt.date) -> dt.date:
    """The first day of the span a vague phrase names, relative to publication."""
    if "week" in phrase:
        this_monday = published - dt.timedelta(days=published.weekday())
        return this_monday - dt.timedelta(days=7) if "last" in phrase else this_monday
    first = published.replace(day=1)
    if "last month" in phrase:
        return (first - dt.timedelta(days=1)).replace(day=1)
    return first


def event_date(text: str, published: dt.date | None, title: str = "") -> tuple[dt.date | None, str]:
    """The report's main event date and the basis it was read from."""
    for source in (text, title):
        candidates = date_candidates(source, published)
        if published is not None:
            recent = [c for c in candidates if published - dt.timedelta(days=RECENT_DAYS) <= c.date <= published]
            candidates = recent or [c for c in candidates if c.date <= published]
        if candidates:
            # news reports the latest thing that happened; older days in the window are background
            latest_first = -1 if published is not None else 0
            best = min(candidates, key=lambda c: (c.rank, latest_first * c.date.toordinal(), c.position))
            relative = published is not None and not EXPLICIT.fullmatch(best.phrase)
            basis = f"'{best.phrase}'" + (f" relative to publication {published:%a %Y-%m-%d}" if relative
                                          and published else "")
            return best.date, basis
    if published is not None:
        return published, "no day in the text: publication date"
    return None, "no day in the text and no publication date"
