"""Operations: who acted, with whose support, in what strength, at what cost, and what was hit.

Read from the report's sentences with plain patterns over an actor vocabulary:
"about 500 Peshmerga" is a force size; "14 ISIS fighters were killed" a casualty of ISIS;
"five tunnels were destroyed" a thing destroyed; "with coalition air support" the coalition
supporting the others. Figures are kept as written (with their hedge) and as numbers.
"""

from __future__ import annotations

import datetime as dt
import re

from opmap.extract.areas import CLEARED, NUMBER, parse_number
from opmap.model import Casualty, Figure, Mention, Operation

# Actor -> the words reports use for it (matched case-insensitively on word boundaries).
ACTORS: dict[str, tuple[str, ...]] = {
    "Peshmerga": ("peshmerga", "kurdish forces", "kurdish fighters", "kurdish troops", "kurdish security forces",
                  "zeravani", "krg forces"),
    "Iraqi security forces": ("iraqi security forces", "isf", "iraqi army", "iraqi forces", "iraqi troops",
                              "iraqi military", "counter-terrorism service", "counter terrorism service", "cts",
                              "federal police", "iraqi police", "anti-terrorism forces", "golden division",
                              "rapid response", "iraqi soldiers"),
    "PMF": ("popular mobilization forces", "popular mobilisation forces", "pmf", "pmu", "hashd al-shaabi",
            "hashd", "al-hashd al-shaabi", "popular mobilization units"),
    "Coalition": ("coalition", "cjtf-oir", "combined joint task force", "operation inherent resolve",
                  "us-led coalition", "u.s.-led coalition", "us forces", "u.s. forces", "american forces",
                  "coalition aircraft", "coalition warplanes", "international coalition"),
    "ISIS": ("isis", "isil", "islamic state", "daesh", "is militants", "is fighters", "jihadists",
             "militants", "insurgents", "terrorists"),
    "PKK": ("pkk", "kurdistan workers' party", "kurdistan workers party"),
    "Turkey": ("turkish army", "turkish military", "turkish forces", "turkish drone", "turkish warplanes",
               "turkish jets"),
    "Iran": ("irgc", "islamic revolutionary guard corps", "revolutionary guards", "iranian forces"),
}
_ACTOR_WORDS = sorted(((w, a) for a, ws in ACTORS.items() for w in ws), key=lambda x: -len(x[0]))
ACTOR = re.compile(r"\b(" + "|".join(re.escape(w) for w, _ in _ACTOR_WORDS) + r")\b", re.IGNORECASE)
_ACTOR_OF = {w: a for w, a in _ACTOR_WORDS}
_ACTOR_PATTERN = "|".join(re.escape(w) for w, _ in _ACTOR_WORDS)
_HEDGE = r"(?:about|around|approximately|some|nearly|almost|over|more than|at least|up to|roughly|an estimated)"
FORCE = re.compile(rf"(?P<hedge>\b{_HEDGE}\s+)?(?P<value>\b{NUMBER}|thousands|hundreds|dozens)\s+(?:of\s+)?"
                   rf"(?P<actor>{_ACTOR_PATTERN})(?:\s+(?:fighters|troops|soldiers|members|forces))?\b"
                   rf"(?!\s+(?:fighters\s+|troops\s+|soldiers\s+|members\s+|forces\s+)?(?:(?:were|have been|"
                   rf"had been|was)\s+)?(?:killed|wounded|injured|captured|arrested|dead|positions?|targets?|"
                   rf"tunnels?|vehicles?|hideouts?|members|fighters|troops|soldiers|forces))",
                   re.IGNORECASE)
KILLED_WORDS = {"killed": "killed", "killing": "killed", "dead": "killed", "died": "killed", "wounded": "wounded",
                "wounding": "wounded", "injured": "wounded", "captured": "captured", "capturing": "captured",
                "arrested": "captured", "detained": "captured"}
CASUALTY = re.compile(rf"(?P<value>\b{NUMBER})\s+(?:(?P<actor>{_ACTOR_PATTERN})\s+)?(?:fighters?|militants?|"
                      rf"members?|soldiers?|troops|personnel|civilians?|people|insurgents?|terrorists?|"
                      rf"peshmerga|jihadists?)?\s*(?:were|was|have been|had been|are)?\s*"
                      rf"(?P<kind>killed|dead|died|wounded|injured|captured|arrested|detained)\b", re.IGNORECASE)
KILLING = re.compile(rf"\b(?P<kind>killing|killed|wounding|wounded|capturing|captured)\s+(?P<value>{NUMBER})\s+"
                     rf"(?:(?P<actor>{_ACTOR_PATTERN})\s*)?(?:fighters?|militants?|members?|soldiers?|"
                     rf"insurgents?|terrorists?|jihadists?|civilians?|people)?", re.IGNORECASE)
# What reports count as destroyed or hit: 'five tunnels', 'two car bombs', '30 different areas'.
_THING = (r"(?P<thing>(?:[a-z-]+\s+){0,2}?(?:tunnels?|vehicles?|car bombs?|vbieds?|ieds?|bombs?|positions?|"
          r"hideouts?|caves?|weapons caches?|caches?|depots?|bunkers?|trenches|fighting positions?|mortar systems?|"
          r"mortars?|launchers?|boats?|buildings?|targets?|areas?|bases?|checkpoints?|houses?|tanks?|trucks?))")
DESTROYED = re.compile(rf"(?P<value>\b{NUMBER})\s+{_THING}(?:\s+[a-z]+){{0,5}}?\s+(?:were|was|have been|had been)?"
                       rf"\s*(?P<verb>destroyed|demolished|hit|struck|targeted|dismantled|seized|defused|cleared)\b",
                       re.IGNORECASE)
DESTROYED_ACTIVE = re.compile(rf"\b(?P<verb>destroyed|destroying|demolished|hit|struck|targeted|dismantled|"
                              rf"defused)\s+(?P<value>{NUMBER})\s+{_THING}\b", re.IGNORECASE)
SUPPORT = re.compile(rf"\b(?:with|backed by|supported by|under the cover of|aided by|assisted by)\s+"
                     rf"(?:the\s+)?(?:(?P<actor>{_ACTOR_PATTERN})\s+)?(?:-led\s+)?(?P<kind>air support|airstrikes|"
                     rf"air strikes|air cover|artillery support|artillery|aircraft|warplanes|drones|advisers|"
                     rf"advisors)", re.IGNORECASE)
SUPPORT_ACTIVE = re.compile(rf"\b(?P<actor>{_ACTOR_PATTERN})[^.;]{{0,40}}?\b(?:provided|gave|offered)\s+"
                            rf"(?P<kind>air support|air cover|artillery support|support)", re.IGNORECASE)


_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def _spans_with(text: str, trigger: re.Pattern[str]) -> list[tuple[int, int]]:
    """The sentences that hold a trigger word: the figure patterns only run there (speed)."""
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if trigger.search(m.group(0))]


def _find(pattern: re.Pattern[str], text: str, spans: list[tuple[int, int]]) -> list[re.Match[str]]:
    return [m for start, end in spans for m in pattern.finditer(text, start, end)]


FORCE_TRIGGER = re.compile(r"\d|thousands|hundreds|dozens|(?:ty|teen|hundred|thousand)\b", re.IGNORECASE)
CASUALTY_TRIGGER = re.compile(r"kill|dead|died|wound|injur|captur|arrest|detain", re.IGNORECASE)
DAMAGE_TRIGGER = re.compile(r"destroy|demolish|\bhit\b|struck|target|dismantl|seiz|defus|clear", re.IGNORECASE)
SUPPORT_TRIGGER = re.compile(r"air|artillery|aircraft|warplane|drone|advis|support", re.IGNORECASE)


def actor_of(words: str) -> str:
    return _ACTOR_OF.get(words.lower(), words)


def actors(text: str) -> tuple[str, ...]:
    """Every actor the report names, in order of first mention."""
    return tuple(dict.fromkeys(actor_of(m.group(1)) for m in ACTOR.finditer(text)))


def _figure(m: re.Match[str], what: str) -> Figure | None:
    written = m.group("value")
    value = {"thousands": 1000.0, "hundreds": 100.0, "dozens": 24.0}.get(written.lower()) or parse_number(written)
    if value is None:
        return None
    hedge = (m.groupdict().get("hedge") or "").strip().lower()
    if written.lower() in ("thousands", "hundreds", "dozens"):
        hedge = hedge or written.lower()
    return Figure(what, value, written, hedge, m.group(0).strip())


def force_sizes(text: str) -> tuple[Figure, ...]:
    """'about 500 Peshmerga', 'some 3,500 Peshmerga fighters'."""
    out = []
    for m in _find(FORCE, text, _spans_with(text, FORCE_TRIGGER)):
        figure = _figure(m, actor_of(m.group("actor")))
        if figure is not None and figure.value >= 10:
            out.append(figure)
    return tuple(out)


def casualties(text: str) -> tuple[Casualty, ...]:
    """'14 ISIS fighters were killed', 'killing 20 militants', 'two Peshmerga were wounded'."""
    out: list[Casualty] = []
    seen: set[int] = set()
    spans = _spans_with(text, CASUALTY_TRIGGER)
    for pattern in (CASUALTY, KILLING):
        for m in _find(pattern, text, spans):
            value = parse_number(m.group("value"))
            if value is None or m.start("value") in seen:
                continue
            seen.add(m.start("value"))
            phrase = m.group(0)
            side = actor_of(m.group("actor")) if m.group("actor") else _side(phrase)
            out.append(Casualty(side, KILLED_WORDS.get(m.group("kind").lower(), "killed"), value, phrase.strip()))
    return tuple(out)


def _side(phrase: str) -> str:
    lowered = phrase.lower()
    if re.search(r"militant|insurgent|terrorist|jihadist", lowered):
        return "ISIS"
    if "civilian" in lowered or "people" in lowered:
        return "civilians"
    return "unknown"


def destroyed(text: str) -> tuple[Figure, ...]:
    """'five tunnels were destroyed', 'struck 30 different areas'."""
    out = []
    spans = _spans_with(text, DAMAGE_TRIGGER)
    for pattern in (DESTROYED, DESTROYED_ACTIVE):
        for m in _find(pattern, text, spans):
            figure = _figure(m, f"{m.group('thing').strip().lower()} {m.group('verb').lower()}")
            if figure is not None:
                out.append(figure)
    return tuple(out)


def support(text: str) -> tuple[tuple[str, str], ...]:
    """(supporting actor, kind): 'with coalition air support' -> ('Coalition', 'air support')."""
    out = []
    spans = _spans_with(text, SUPPORT_TRIGGER)
    for pattern in (SUPPORT, SUPPORT_ACTIVE):
        for m in _find(pattern, text, spans):
            who = actor_of(m.group("actor")) if m.group("actor") else "Coalition" if "air" in m.group("kind").lower() \
                else "unknown"
            out.append((who, m.group("kind").lower()))
    return tuple(dict.fromkeys(out))


def operation_of(article_id: str, text: str, mentions: list[Mention], date: dt.date | None) -> Operation:
    """The operation a report tells, as one record."""
    return Operation(article_id, date, actors(text), support(text), force_sizes(text), casualties(text),
                     destroyed(text), villages_cleared(text, mentions))


def villages_cleared(text: str, mentions: list[Mention]) -> tuple[str, ...]:
    """Villages named in a sentence that reports clearing, retaking or freeing."""
    clearing: dict[str, bool] = {}  # asked once per sentence, not once per village in it
    for m in mentions:
        if m.cue in ("village", "list", "front") and m.sentence not in clearing:
            clearing[m.sentence] = CLEARED.search(m.sentence) is not None
    return tuple(dict.fromkeys(m.surface for m in mentions if m.cue in ("village", "list", "front")
                               and clearing[m.sentence]))
