"""The main event date of a report, relative words resolved against its publication date.

"on Monday night" in a report published Thursday 19 July 2018 is 2018-07-16; "last week" and
"earlier this month" give the first day of that span (and rank below named days); "yesterday",
"last night", "overnight" are the day before publication; "today" and "this morning" the day itself;
"July 16" or "16 July 2018" are read as written (year from the publication date when absent).
Of the dates a report gives, those within the two weeks up to publication count (failing that, those
not after publication); the day an operation was launched comes first, then relative day words beat
written dates, and both beat the day a statement was made ("said on Monday") and a progress mark ("by
Tuesday morning, 19 had been killed"); among day words the lead's wins (the lead tells the news), among
written dates the latest (older days are background: "captured on August 7 ... on August 10 jets
bombed"), or without a publication date the first in the text. "The previous day" is the day before
the last day the story named. With none, the publication
date stands, and the basis says so. A range ("15-27 October") gives its first day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from opmap.extract.campaigns import Campaign, campaign_table, first_mention, names_operation

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
# Numeric dates: ISO '2019-03-14', and day/month/year '14/3/2019' or '14.03.2019' as Iraqi and Kurdish
# outlets write them (read month/day only when the second number cannot be a month).
NUMERIC = re.compile(r"(?<![\d/.-])(?:(?P<iy>(?:19|20)\d\d)-(?P<im>\d\d)-(?P<id>\d\d)|"
                     r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>(?:19|20)\d\d))(?![\d/.-]?\d)")
WEEKDAY = re.compile(r"\b(?P<last>last\s+|this\s+past\s+|past\s+)?(?P<weekday>Monday|Tuesday|Wednesday|Thursday|"
                     r"Friday|Saturday|Sunday)s?\b(?!\s*,?\s*(?:\d{1,2}\s+)?(?:January|February|March|April|May|"
                     r"June|July|August|September|October|November|December)\b)")
RELATIVE = re.compile(r"\b(?P<word>today|this morning|this afternoon|this evening|tonight|earlier today|"
                      r"yesterday|last night|overnight|the day before yesterday|the day before|the previous day)\b",
                      re.IGNORECASE)
# 'the previous day' in a story that has named a day: the day before that one, not before publication.
DAY_BEFORE_NAMED = ("the day before", "the previous day")
NUMBER_WORDS = {w: i for i, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                            "nine", "ten", "eleven", "twelve", "thirteen", "fourteen"])}
DAYS_AGO = re.compile(r"\b(?P<n>\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
                      r"fourteen)\s+(?P<unit>days?|weeks?)\s+(?:ago|earlier|before)\b", re.IGNORECASE)
# 'on the 14th': a day of the publication month (of the month before, when that day is still to come).
ORDINAL_DAY = re.compile(r"\b(?:on|since|from)\s+the\s+(?P<day>\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?[A-Z])")
# A day that opens a span: what was launched, begun or started then, or what has gone on since then.
LAUNCH = re.compile(r"\b(?:launch\w*|beg[au]n|begin\w*|start\w*|commenc\w*|kick\w* off|opened|"
                    r"got under ?way|initiated)\b", re.IGNORECASE)
SINCE = re.compile(r"\bsince\b", re.IGNORECASE)
# Where the clause of a day begins, looking back: a launch verb before it governs the day ('launched an
# operation against the group in the north on Monday'), one beyond a comma or 'and' does not.
CLAUSE_BREAK = re.compile(r"[,;:(]|\b(?:and|but|after|before|while|when|until)\b", re.IGNORECASE)
# Looking on from the day, the clause it governs ends at these ('on Friday, a day after launching ...').
AFTER_BREAK = re.compile(r"\b(?:and|but|after|before|while|when|until)\b", re.IGNORECASE)
# 'By Tuesday morning, 19 had been killed': how far things had got by a day, not when they happened.
PROGRESS = re.compile(r"\b(?:[Bb]y|[Uu]ntil|[Tt]ill)\s+(?:late\s+|early\s+|the\s+)?$")
# 'announced on Thursday the launch of the second phase': the statement is the launch.
LAUNCH_OBJECT = re.compile(r"\s*,?\s*(?:the\s+)?(?:launch(?:ing)?|start|beginning)\s+of\b", re.IGNORECASE)
PASSIVE_LAUNCH = re.compile(r"\b(?:was|were|had been)\s+(?:launched|begun|started)\b", re.IGNORECASE)
# Past perfect ('had withdrawn on Monday'): background to the event the report tells.
PAST_PERFECT = re.compile(r"\bhad\s+(?:already\s+|been\s+|recently\s+)*\w+(?:ed|en|wn|ne|ght|ft|lt|nt|ld|ok)\b",
                          re.IGNORECASE)
# 'announced on Monday that its troops ...': the day of a statement, followed by what it said.
THAT_CLAUSE = re.compile(r"^\s*,?\s*that\s+(?:its|their|the|his|her|a|an|[A-Z]|\w+\s+(?:had|have|has|were|was)\b)")
WEEKDAY_RANGE_END = re.compile(r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\s*(?:and|to|through|"
                               r"until|till|[-–])\s*(?:(?:again|then|also)\s+)?(?:on\s+)?$")
SPAN_DAYS = re.compile(r"\b(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)[- ]day\s+(?:[\w-]+\s+)?"
                       r"(?:operation|offensive|campaign|battle|assault|push|sweep)\b", re.IGNORECASE)
SPAN_END = re.compile(r"\b(?:concluded|ended|finished|completed|wrapped up|came to an end)\b", re.IGNORECASE)
URL_DATE = re.compile(r"/(?P<year>(?:19|20)\d\d)/(?P<month>0?[1-9]|1[0-2])(?:/|$)")
URL_DAY = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)(?P<sep>[/-])(?P<month>0?[1-9]|1[0-2])(?P=sep)(?P<day>0?[1-9]|[12]\d|3[01])"
                     r"(?=[/-]|$|\.html?)")
VAGUE = re.compile(r"\b(?:last week|earlier this week|this week|earlier this month|this month|last month)\b",
                   re.IGNORECASE)
_OFFSETS = {"yesterday": -1, "last night": -1, "overnight": -1, "the day before": -1, "the previous day": -1,
            "the day before yesterday": -2}
RECENT_DAYS = 14
LAUNCH_REACH_DAYS = 7  # a launch told after the lead, further back than this from the lead's day, is the campaign's


# A reporting word, then only names, articles, prepositions and words for the statement itself, up to
# the day: 'said a Peshmerga commander on Monday', 'in a tweet on Friday' (not 'said strikes hit on Sunday').
# Statements and reactions: the day a ministry said, condemned or summoned is not the day of the event.
_STATEMENT_VERBS = (r"[Ss]aid|[Ss]ays|told|tells|announced|stated|reported|added|confirmed|statement|tweet|tweeted|"
                    r"published|wrote|declared|condemned|denounced|summoned|protested|recalled|vowed|warned|urged")
# 'said on Sunday that units had searched the hills on Friday': in reported speech the past perfect is the
# event told in the past tense shifted back, not background to it.
REPORTED_SPEECH = re.compile(rf"\b(?:{_STATEMENT_VERBS})\b")
REPORTING = re.compile(rf"\b(?:{_STATEMENT_VERBS})\b,?"
                       r"(?:\s+(?:[A-Z][\w'’-]*|a|an|the|on|in|to|by|of|at|late|early|during|press|news|today|"
                       r"yesterday|this|morning|evening|"
                       r"conference|briefing|interview|statement|tweet|post|commander|spokesman|spokesperson|official|officials|"
                       r"source|sources|officer|minister|ministry|council|command|general|colonel|media|agency|"
                       r"military|security|local|senior|kurdish|iraqi),?)*\s+$")
REPORTING_AFTER = re.compile(r"[^.;,]{0,12}\b(?:said|says|told|announced|stated|reported|tweeted|condemned|"
                             r"denounced|summoned|protested|recalled|vowed|warned|urged)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateCandidate:
    date: dt.date
    position: int
    phrase: str
    explicit: bool = False
    reporting: bool = False  # 'said on Monday': the day of the statement, not of the event

    vague: bool = False  # 'last week', 'earlier this month': the first day of that span
    launch: bool = False  # 'launched on Monday', 'since August 26': the day an operation began
    background: bool = False  # 'had withdrawn on Monday': before the reported event
    progress: bool = False  # 'by Tuesday morning': how far things had got by then
    since: bool = False  # a launch only because a span runs 'since' that day
    campaign: str = ""  # 'since the start of the battle for X': the campaign (of the campaigns table) it names

    @property
    def rank(self) -> int:
        """The day an operation was launched first (a report of a launch and a later day is dated by
        the launch); then relative day words (news gives the event's day that way), written dates,
        the days statements were made (a day, at least), vague spans and progress marks, and past-perfect
        background."""
        if self.launch and not self.reporting and not self.vague and not self.progress:
            return -1
        return 5 if self.background else 4 if self.vague or self.progress else 3 if self.reporting \
            else 1 if self.explicit else 0


# 'since the beginning of the battle for Mosul', 'since the start of the operation to liberate the city',
# 'since the Mosul offensive began': a span from the day a well-known campaign began (opmap.extract.campaigns).
_CAPWORD = r"[A-Z][\w'’-]*"
_CAMPAIGN_NOUN = r"(?P<noun>(?i:battle|offensive|operations?|campaign|assault|war|fight))"
_CAMPAIGN_MODIFIERS = r"(?:(?:military|ground|major|liberation|current|latest|new|joint|security|final|Iraqi|Turkish|" \
                      r"Kurdish|Syrian|US-led|government|army)\s+)*"
_CAMPAIGN_TARGET = (r"(?:\s+(?:to\s+(?:liberate|retake|recapture|free|clear|reclaim|take|capture|storm)|for|of|on|against|"
                    rf"in|into)\s+(?:the\s+(?:city|town)\s+of\s+)?(?P<post>the\s+(?:city|town)\b|"
                    rf"(?:(?:eastern|western|northern|southern|east|west|north|south)\s+)?{_CAPWORD}(?:\s+{_CAPWORD}){{0,2}})"
                    rf"|\s+(?P<named>['‘“\"]?{_CAPWORD}(?:[ -]{_CAPWORD}){{0,2}}['’”\"]?))?")
_CAMPAIGN_PRE = rf"(?P<pre>(?:['‘“\"]?{_CAPWORD}['’”\"]?\s+){{0,3}}?)"
SINCE_CAMPAIGN = re.compile(
    r"(?<![\w-])[Ss]ince\s+the\s+(?:very\s+)?(?:beginning|start|launch|outset|onset|commencement)\s+of\s+(?:the\s+|this\s+|its\s+)?"
    rf"{_CAMPAIGN_PRE}{_CAMPAIGN_MODIFIERS}{_CAMPAIGN_NOUN}\b{_CAMPAIGN_TARGET}")
SINCE_CAMPAIGN_BEGAN = re.compile(
    rf"(?<![\w-])[Ss]ince\s+the\s+{_CAMPAIGN_PRE}{_CAMPAIGN_MODIFIERS}{_CAMPAIGN_NOUN}\b{_CAMPAIGN_TARGET}\s+(?:was\s+|were\s+|had\s+been\s+)?"
    r"(?:began|begun|started|launched|kicked\s+off|got\s+under\s*way|commenced|opened)\b")
CITY_WORDS = re.compile(r"the\s+(?:city|town)", re.IGNORECASE)
OPERATION_REACH_DAYS = 7  # a day re-read to an operation's start lies at most this far before it


RANGE_JOIN = re.compile(r"\s*(?:to|and|through|until|till|[-–])\s*", re.IGNORECASE)


def _explicit(m: re.Match[str], published: dt.date | None, year_hint: int | None = None) -> dt.date | None:
    month = MONTHS[(m.group("month") or m.group("month2")).lower().rstrip(".")]
    day = int(m.group("day") or m.group("day2"))
    year_text = m.group("year") or m.group("year2")
    if year_text:
        year = int(year_text)
    elif published is not None:
        year = published.year
    elif year_hint is not None:
        year = year_hint
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


def _numeric(m: re.Match[str]) -> dt.date | None:
    """'2019-03-14'; '14/3/2019' day first, unless only month first can be right ('3/14/2019')."""
    try:
        if m.group("iy"):
            return dt.date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
        a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("y"))
        return dt.date(year, a, b) if b > 12 >= a else dt.date(year, b, a)
    except ValueError:
        return None


def _weekday(m: re.Match[str], published: dt.date) -> dt.date:
    back = (published.weekday() - WEEKDAYS[m.group("weekday").lower()]) % 7
    if back == 0 and m.group("last"):
        back = 7
    return published - dt.timedelta(days=back)


def _reporting(text: str, at: int, end: int | None = None, absolute: bool = False) -> bool:
    """True for the day a statement was made ('said on Monday', 'in a tweet on Friday said') and for
    relative day words inside a quotation (the speaker's 'today' is not the report's; an `absolute` day,
    a weekday or a date, names the same day whoever says it: 'an operation yesterday, Sunday')."""
    if REPORTING.search(text, max(0, at - 60), at):
        return True
    if end is not None and (REPORTING_AFTER.match(text, end) or THAT_CLAUSE.match(text[end:end + 20])):
        return True
    if absolute:
        return False
    paragraph = text.rfind("\n", 0, at) + 1
    return text.rfind("“", paragraph, at) > text.rfind("”", paragraph, at)


def _sentence_start(text: str, at: int) -> int:
    return max(text.rfind(". ", 0, at), text.rfind("\n", 0, at), text.rfind("? ", 0, at)) + 1


def _background(text: str, sentence: int, at: int) -> bool:
    """A day told in the past perfect just before it ('had withdrawn on Monday') is background to the
    reported event, unless the lead reports speech before it ('The command said on Sunday that units had
    searched the hills on Friday': the news, its tense shifted back; later on, 'sources told us that the
    fighters had withdrawn on Monday' stays background)."""
    perfect = PAST_PERFECT.search(text, max(sentence, at - 80), at)
    if perfect is None:
        return False
    return at >= _lead_end(text) or REPORTED_SPEECH.search(text, sentence, perfect.start()) is None


def _candidate(text: str, date: dt.date, m: re.Match[str], explicit: bool = False,
               vague: bool = False) -> DateCandidate:
    """A day the text gives, with what its surroundings say about it: a statement's day, a launch,
    or past-perfect background."""
    start, end = m.start(), m.end()
    sentence = _sentence_start(text, start)
    after = text[end:end + 40]
    stop = re.search(r"[.;\n]", after)
    before = text[max(sentence, start - 50):start]
    clause = text[max(sentence, start - 120):start]
    breaks = [b.end() for b in CLAUSE_BREAK.finditer(clause)]
    clause = clause[breaks[-1]:] if breaks else clause
    after = after[:stop.start()] if stop else after
    after_break = AFTER_BREAK.search(after)
    verb = LAUNCH.search(clause) or LAUNCH.search(after[:after_break.start()] if after_break else after)
    passive = PASSIVE_LAUNCH.search(text, max(sentence, start - 50), end)
    announced_launch = bool(LAUNCH_OBJECT.match(text, end))
    since = bool(SINCE.search(before))
    launch = bool(since or (verb and not passive) or announced_launch)
    background = _background(text, sentence, start)
    progress = bool(PROGRESS.search(text, max(sentence, start - 20), start))
    absolute = explicit or "weekday" in m.re.groupindex
    reporting = _reporting(text, start, end, absolute) and not announced_launch
    return DateCandidate(date, start, m.group(0), reporting=reporting, launch=launch,
                         background=background, progress=progress, since=since and not (verb and not passive),
                         explicit=explicit, vague=vague)


def date_candidates(text: str, published: dt.date | None, year_hint: int | None = None) -> list[DateCandidate]:
    """Every day the text gives. Without a publication date, written dates without a year take
    `year_hint` (e.g. from the report's url) and relative words give nothing."""
    found: list[DateCandidate] = []
    written = list(EXPLICIT.finditer(text))
    range_ends: set[int] = set()
    for k, m in enumerate(written):
        after = written[k + 1] if k + 1 < len(written) else None
        if m.start() in range_ends:
            continue  # 'from Jan. 24 to Jan. 27': a range gives its first day
        ranged = after is not None and RANGE_JOIN.fullmatch(text, m.end(), after.start()) is not None
        date = _explicit(m, published, year_hint)
        if ranged and after is not None:
            range_ends.add(after.start())
            end = _explicit(after, published, year_hint)
            if end is not None and not (m.group("year") or m.group("year2")):
                # the first day takes the year the last one gives: 'Dec. 30 and Jan. 2, 2021' starts in 2020
                date = _explicit(m, None, end.year)
                if date is not None and date > end:
                    date = _explicit(m, None, end.year - 1)
        if date is not None:
            candidate = _candidate(text, date, m, explicit=True)
            if ranged and not candidate.reporting:
                # 'attacks between July 20 and July 28': the span the report covers begins that day
                candidate = replace(candidate, launch=True, since=True)
            found.append(candidate)
    for m in NUMERIC.finditer(text):
        date = _numeric(m)
        if date is not None:
            found.append(_candidate(text, date, m, explicit=True))
    if published is not None:
        explicit_spans = [(c.position, c.position + len(c.phrase)) for c in found]
        for m in WEEKDAY.finditer(text):
            if any(s <= m.start() < e for s, e in explicit_spans) or \
                    WEEKDAY_RANGE_END.search(text, max(0, m.start() - 24), m.start()):
                continue  # 'on Monday and Tuesday': a range gives its first day
            found.append(_candidate(text, _weekday(m, published), m))
        for m in ORDINAL_DAY.finditer(text):
            day = int(m.group("day"))
            month_first = published.replace(day=1)
            if day > published.day:
                month_first = (month_first - dt.timedelta(days=1)).replace(day=1)
            try:
                found.append(_candidate(text, month_first.replace(day=day), m, explicit=True))
            except ValueError:
                continue
        named = [c.position for c in found]
        for m in DAYS_AGO.finditer(text):
            n = m.group("n").lower()
            days = (int(n) if n.isdigit() else NUMBER_WORDS.get(n, 1)) * (7 if m.group("unit").lower()[0] == "w" else 1)
            found.append(_candidate(text, published - dt.timedelta(days=days), m))
        for m in VAGUE.finditer(text):
            found.append(_candidate(text, _span_start(m.group(0).lower(), published), m, vague=True))
        if text.find("ince the") >= 0:  # cheap gate: the campaigns table is read only past it
            found.extend(_campaign_candidates(text, published))
        # 'the previous day' counts back from the story's last named day, a statement's day included
        # ('the command said on Sunday ... moved through the wadi the previous day': Saturday)
        told = sorted((c for c in found if not c.vague), key=lambda c: c.position)
        for m in RELATIVE.finditer(text):
            word = m.group("word").lower()
            if _in_a_name(text, m.start()):
                continue  # 'Baghdad Today', 'USA Today': an outlet's name, not a day
            if word in ("overnight", "last night") and any(
                    _sentence_start(text, p) == _sentence_start(text, m.start()) for p in named):
                continue  # 'an overnight strike on Sunday': the day the text gives
            when = published + dt.timedelta(days=_OFFSETS.get(word, 0))
            if word in DAY_BEFORE_NAMED:
                earlier = [c for c in told if c.position < m.start()]
                if earlier:
                    when = earlier[-1].date - dt.timedelta(days=1)
            found.append(_candidate(text, when, m))
    found.sort(key=lambda c: c.position)
    return found


def _campaign_candidates(text: str, published: dt.date) -> list[DateCandidate]:
    """'since the start of the battle for Mosul', 'since the Tal Afar offensive began': the day that campaign
    began, when the campaigns table has one under way at publication (up to AFTERMATH_DAYS after its end)
    that the phrase names, or, for 'the city' or no name, whose target or name the report mentions first
    (up to the phrase's sentence). Ranked as a span 'since' a written day in the same place would be."""
    found = []
    at = text.find("ince the")
    while at > 0:
        m = SINCE_CAMPAIGN.match(text, at - 1) or SINCE_CAMPAIGN_BEGAN.match(text, at - 1)
        at = text.find("ince the", at + 8)
        if m is not None:
            campaign = _campaign_named(text, m, published)
            if campaign is None:
                continue
            start, end = m.start(), m.end()
            sentence = _sentence_start(text, start)
            background = _background(text, sentence, start)
            found.append(DateCandidate(campaign.start, start, m.group(0), explicit=True,
                                       reporting=_reporting(text, start, end), launch=True, background=background,
                                       since=True, campaign=f"{campaign.name} ({campaign.source})"))
    return found


def _campaign_named(text: str, m: re.Match[str], published: dt.date) -> Campaign | None:
    """The campaign a 'since the start of ...' phrase means, under way at publication; None if it names
    one the table does not know, or none is under way."""
    table = campaign_table()
    names = [n.strip(" '‘’“”\"") for n in (m.group("pre"), m.group("post"), m.group("named")) if n and n.strip()]
    names = [n for n in names if not CITY_WORDS.fullmatch(n)]
    if names:
        found = [c for n in names for c in table.named(n) if c.current(published)]
        return max(found, key=lambda c: c.start, default=None)
    stop = text.find(". ", m.end())
    until = len(text) if stop < 0 else stop
    mentioned = [(p, -c.start.toordinal(), c) for c in table.campaigns if c.current(published)
                 and (p := first_mention(text, c, until)) is not None]
    return min(mentioned, key=lambda t: t[:2])[2] if mentioned else None


def _after_operation_start(best: DateCandidate, published: dt.date, named_in: str) -> Campaign | None:
    """A named operation of the campaigns table that began after the day `best` reads, within
    OPERATION_REACH_DAYS of it and by the day after publication: a report cannot tell of the operation's
    events before it began (page dates often lag a day by time zone)."""
    for campaign in campaign_table().started_between(best.date, published + dt.timedelta(days=1)):
        if (campaign.start - best.date).days <= OPERATION_REACH_DAYS and names_operation(named_in, campaign):
            return campaign
    return None


def _reread_after_start(best: DateCandidate, start: dt.date, published: dt.date) -> dt.date | None:
    """The first day on or after `start` the phrase can mean: the same weekday, or the start itself for a
    relative day; None if that lies beyond the day after publication."""
    if WEEKDAY.fullmatch(best.phrase):
        when = best.date + dt.timedelta(days=7 * -(-(start - best.date).days // 7))
    else:
        when = start
    return when if when <= published + dt.timedelta(days=1) else None


def _in_a_name(text: str, at: int) -> bool:
    """Whether a capitalised day word continues a name ('Baghdad Today'): a capitalised word just before it
    on the same line, not ending a sentence."""
    if not text[at].isupper():
        return False
    line = text.rfind("\n", 0, at) + 1
    before = text[line:at].rstrip(" ")
    if len(before) == len(text[line:at]) or not before:
        return False  # no space before it, or it opens the line
    word = before.rsplit(" ", 1)[-1]
    return word[:1].isupper() and word[-1:].isalnum()


def _span_start(phrase: str, published: dt.date) -> dt.date:
    """The first day of the span a vague phrase names, relative to publication."""
    if "week" in phrase:
        this_monday = published - dt.timedelta(days=published.weekday())
        return this_monday - dt.timedelta(days=7) if "last" in phrase else this_monday
    first = published.replace(day=1)
    if "last month" in phrase:
        return (first - dt.timedelta(days=1)).replace(day=1)
    return first


def _preference(c: DateCandidate, lead_end: int, latest_first: bool,
                lead_day: dt.date | None = None) -> tuple[int, bool, int, int]:
    """How a candidate sorts (lowest first): its rank, a span 'since' a day told after the lead counting
    as a plain day ('has shelled villages since May 3' is background to the lead's news), and so does a
    launch told after the lead more than LAUNCH_REACH_DAYS before the lead's own day (the campaign the
    news belongs to: 'the offensive launched Sept. 21' under 'forces on Thursday retook the town'); among
    day words the lead's first; then the latest day (older days are background), or with no publication
    date the first in the text."""
    later = c.position >= lead_end
    campaign = lead_day is not None and (lead_day - c.date).days > LAUNCH_REACH_DAYS
    rank = 0 if (c.since or campaign) and later and c.rank < 0 else c.rank
    return rank, later and rank == 0, -c.date.toordinal() if latest_first else 0, c.position


def _lead_end(text: str) -> int:
    """Where a report's lead ends: its first sentence (a dateline line of its own, such as 'Anbar - INA',
    is not the lead)."""
    start = len(text) - len(text.lstrip())
    line_end = text.find("\n", start)
    if 0 <= line_end - start < 40:  # a dateline or byline on its own line (blank lines after it too)
        start = line_end + 1
        start += len(text[start:]) - len(text[start:].lstrip())
        line_end = text.find("\n", start)
    sentence_end = text.find(". ", start)
    ends = [e for e in (line_end, sentence_end) if e >= 0]
    return min(ends) if ends else len(text)


# A page's own date line near its top: 'Posted on March 3, 2019', 'Published: 2019-03-03', or a date alone
# on its line ('3 March 2019').
PAGE_DATE = re.compile(rf"(?:^|\n)\s*(?:(?:[Pp]ublished|[Pp]osted|[Uu]pdated|[Dd]ate[d]?)\b[^\n\d]{{0,30}}?)?"
                       rf"(?:[A-Z][a-z]+day,?\s+)?(?P<found>{EXPLICIT.pattern}|{NUMERIC.pattern})\s*(?:\n|$|[|–-])")
PAGE_DATE_REACH = 300  # characters from the top of the text


def page_date(text: str) -> dt.date | None:
    """The date a page prints near its top on a line of its own or after 'Published', with its year."""
    m = PAGE_DATE.search(text[:PAGE_DATE_REACH])
    if m is None:
        return None
    inner = EXPLICIT.search(m.group("found"))
    if inner is not None:
        return _explicit(inner, None) if inner.group("year") or inner.group("year2") else None
    numeric = NUMERIC.search(m.group("found"))
    return _numeric(numeric) if numeric else None


# A wire story's dateline: 'BAGHDAD, Sept 26 (Reuters) -', 'ERBIL, Iraq, March 3, 2019 (AFP) -'.
# A story's dateline: 'BAGHDAD, Sept 26 (Reuters) -', 'ERBIL, Iraq, March 3, 2019 (AFP) -', 'SOUTHWEST ASIA,
# July 14, 2016 —': the day it was filed, not a day of the events it tells.
WIRE_DATELINE = re.compile(rf"\s*[A-Z][A-Za-z .'’-]{{1,40}}(?:,\s*[A-Z][A-Za-z .'’-]{{1,30}})?,\s*{_MONTH}\s+"
                           r"(?P<day>\d{1,2})(?:,\s*(?P<year>(?:19|20)\d\d))?\s*(?:\((?:Reuters|AFP|AP|Xinhua|"
                           r"Anadolu|AA|dpa|IANS|UPI|KUNA|Kurdistan24|Rudaw|[A-Z]{2,10})\)\s*)?(?:—|–|--|-|:)")
FILED_WITHIN_DAYS = 7  # a web page may carry a later date than the wire story it reprints


def wire_dateline(text: str, published: dt.date | None, year_hint: int | None = None) -> dt.date | None:
    """The day a wire story was filed, from its dateline: the day its 'on Sunday' counts from. Used when
    the report has no publication date (the year from the url) or a page date up to a week later."""
    m = WIRE_DATELINE.match(text)
    if m is None:
        return None
    year = int(m.group("year")) if m.group("year") else published.year if published else year_hint
    if year is None:
        return None
    try:
        filed = dt.date(year, MONTHS[m.group("month").lower().rstrip(".")], int(m.group("day")))
    except ValueError:
        return None
    if published is not None and not m.group("year") and filed > published:
        try:
            filed = filed.replace(year=year - 1)
        except ValueError:
            return None
    if published is not None and not 0 <= (published - filed).days <= FILED_WITHIN_DAYS:
        return None
    return filed


def year_from_url(url: str) -> int | None:
    """The year a dated url path gives ('/2015/08/the-story/'), for reports without a publication date."""
    m = URL_DATE.search(url or "")
    return int(m.group("year")) if m else None


def published_from_url(url: str) -> dt.date | None:
    """The day a dated url gives ('/2016/10/23/story', '-2016-10-23.html'): a publication date."""
    m = URL_DAY.search(url or "")
    if m is None:
        return None
    try:
        return dt.date(int(m.group("year")), int(m.group("month")), int(m.group("day")))
    except ValueError:
        return None


def event_date(text: str, published: dt.date | None, title: str = "",
               url: str = "") -> tuple[dt.date | None, str]:
    """The report's main event date and the basis it was read from."""
    from_url = published_from_url(url) if published is None else None
    if from_url is not None:
        date, basis = event_date(text, from_url, title)
        return date, f"{basis} (publication date from the url)"
    year_hint = year_from_url(url) if published is None else None
    if published is None and (stamped := page_date(text)) is not None:
        date, basis = event_date(text, stamped, title)
        return date, f"{basis} (publication date from the page's own date line)"
    filed = wire_dateline(text, published, year_hint)
    if filed is not None and filed != published:
        date, basis = event_date(text, filed, title)
        return date, f"{basis} (the wire dateline's day)"
    dateline = WIRE_DATELINE.match(text)
    for source in (text, title):
        candidates = date_candidates(source, published, year_hint)
        if dateline is not None and source is text:  # the day the story was filed is no event day
            candidates = [c for c in candidates if c.position >= dateline.end()]
        if source is text:  # nor the date a statement closes with, under its signature
            candidates = [c for c in candidates if not _closing_date_line(text, c)]
        if published is not None:
            recent = [c for c in candidates if published - dt.timedelta(days=RECENT_DAYS) <= c.date <= published]
            candidates = recent or [c for c in candidates if c.date <= published]
        if candidates:
            lead_end = _lead_end(source)
            lead_days = [c.date for c in candidates if c.position < lead_end and c.rank == 0]
            lead_day = max(lead_days) if lead_days else None
            best = min(candidates, key=lambda c: _preference(c, lead_end, published is not None, lead_day))
            relative = published is not None and not best.explicit
            basis = f"'{best.phrase}'" + (f" relative to publication {published:%a %Y-%m-%d}" if relative
                                          and published else "")
            if year_hint is not None and not re.search(r"(?:19|20)\d\d", best.phrase):
                basis += f", year {year_hint} from the url"
            if best.campaign:
                basis = f"'{best.phrase}': the start of {best.campaign}, from opmap's campaigns table"
            elif (published is not None and not best.explicit and not best.vague
                  and (source.find("peration") >= 0 or title.find("peration") >= 0)):  # cheap gate
                operation = _after_operation_start(best, published, f"{title}\n{source}")
                when = _reread_after_start(best, operation.start, published) if operation else None
                if operation is not None and when is not None:
                    return when, (f"{basis}, re-read on or after {operation.start:%Y-%m-%d} when {operation.name} "
                                  f"began (campaigns table: {operation.source})")
            return _span_start_day(source, best, basis)
    if published is not None:
        return published, "no day in the text: publication date"
    return None, "no day in the text and no publication date"


CLOSING_LINES = 3  # a statement's signature block: its last lines


def _closing_date_line(text: str, candidate: DateCandidate) -> bool:
    """Whether a written date stands alone on one of the text's last CLOSING_LINES lines ('Joint
    Operations Command / 30 November 2021'): the day the statement was issued."""
    if not candidate.explicit:
        return False
    line_start = text.rfind("\n", 0, candidate.position) + 1
    line_end = text.find("\n", candidate.position)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:line_end].strip(" .,\t") != candidate.phrase.strip(" .,"):
        return False
    return len([line for line in text[line_end:].splitlines() if line.strip()]) < CLOSING_LINES


@dataclass(frozen=True)
class DayCue:
    """A day the text names but cannot place in time on its own: a weekday ('on Wednesday', 'last
    Monday') in a report without a publication date, or a day and month without a year ('July 11-28').
    Another report of the same operation can place it (opmap.grouping.infer_event_dates)."""

    phrase: str
    position: int
    rank: int  # as DateCandidate.rank: the launch first, then day words, written dates, statements
    weekday: int | None = None  # Monday 0 ... Sunday 6
    last: bool = False  # 'last Monday', 'this past Monday': strictly before the report was written
    month: int | None = None
    day: int | None = None

    def on_or_near(self, reference: dt.date, published: bool = False) -> dt.date | None:
        """The day the cue names near a related report's date: for a weekday the one within three days
        of that event date (with `published`, the reference is a publication date and the weekday the
        one in the week up to it); for a day and month the nearest such date to it."""
        if self.weekday is not None:
            if published:
                back = (reference.weekday() - self.weekday) % 7
                return reference - dt.timedelta(days=back or (7 if self.last else 0))
            ahead = (self.weekday - reference.weekday()) % 7
            return reference + dt.timedelta(days=ahead if ahead <= 3 else ahead - 7)
        assert self.month is not None and self.day is not None
        found = []
        for year in (reference.year - 1, reference.year, reference.year + 1):
            try:
                found.append(dt.date(year, self.month, self.day))
            except ValueError:
                continue
        return min(found, key=lambda d: abs((d - reference).days), default=None)


_NO_DAY = dt.date(1, 1, 1)


def unresolved_day_cues(text: str, title: str = "") -> list[DayCue]:
    """The days a report names that it cannot date by itself (see DayCue), best first by the extractor's
    own ranking (rank, then order in the text; the title's after the text's). For the reports
    `event_date` leaves undated; it is not on the path of the others."""
    cues: list[DayCue] = []
    for offset, source in enumerate((text, title)):
        spans = []
        for m in EXPLICIT.finditer(source):
            spans.append((m.start(), m.end()))
            if m.group("year") or m.group("year2"):
                continue
            c = _candidate(source, _NO_DAY, m, explicit=True)
            cues.append(DayCue(m.group(0), offset * len(text) + m.start(), c.rank,
                               month=MONTHS[(m.group("month") or m.group("month2")).lower().rstrip(".")],
                               day=int(m.group("day") or m.group("day2"))))
        for m in WEEKDAY.finditer(source):
            if any(s <= m.start() < e for s, e in spans) or \
                    WEEKDAY_RANGE_END.search(source, max(0, m.start() - 24), m.start()):
                continue
            c = _candidate(source, _NO_DAY, m)
            cues.append(DayCue(m.group(0), offset * len(text) + m.start(), c.rank,
                               weekday=WEEKDAYS[m.group("weekday").lower()], last=bool(m.group("last"))))
    cues.sort(key=lambda c: (c.rank, c.position))
    return cues


def _span_start_day(text: str, best: DateCandidate, basis: str) -> tuple[dt.date, str]:
    """'the two-day operation ... concluded today': a span told by its last day starts N-1 days before."""
    span = SPAN_DAYS.search(text)
    sentence = _sentence_start(text, best.position)
    if span is None or best.launch or not SPAN_END.search(text, sentence, best.position + len(best.phrase) + 60):
        return best.date, basis
    n = span.group("n").lower()
    days = int(n) if n.isdigit() else NUMBER_WORDS[n]
    if days < 2:
        return best.date, basis
    return best.date - dt.timedelta(days=days - 1), f"{basis}, the last day of a {days}-day {span.group(0).split()[-1]}"
