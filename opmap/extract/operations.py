"""Operations: who acted, with whose support, in what strength, at what cost, and what was hit.

Read from the report's sentences with plain patterns over an actor vocabulary:
"about 500 Peshmerga" is a force size; "14 ISIS fighters were killed" a casualty of ISIS;
"five tunnels were destroyed" a thing destroyed; "with coalition air support" the coalition
supporting the others. Figures are kept as written (with their hedge) and as numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from opmap.extract.areas import CLEARED, NUMBER, parse_number
from opmap.extract.sentences import Sentences
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
SUPPORT_BACKED = re.compile(rf"\b(?:backed by|supported by|with the (?:help|support|backing) of|with support from|"
                            rf"aided by|assisted by)\s+(?:the\s+)?(?P<actor>{_ACTOR_PATTERN})(?P<kind>)\b", re.IGNORECASE)
SUPPORT_ACTIVE = re.compile(rf"\b(?P<actor>{_ACTOR_PATTERN})[^.;]{{0,40}}?\b(?:provided|gave|offered)\s+"
                            rf"(?P<kind>air support|air cover|artillery support|support)", re.IGNORECASE)


def _spans_with(text: str, trigger: re.Pattern[str], sentences: Sentences | None = None) -> list[tuple[int, int]]:
    """The sentences (the shared splitter's, so 'U.S.-led' stays whole) that hold a trigger word: the
    figure patterns only run there (speed)."""
    split = sentences if sentences is not None and sentences.text == text else Sentences.split(text)
    spans = (split.span(i) for i in range(len(split)))
    return [(start, end) for start, end in spans if trigger.search(text, start, end)]


def _find(pattern: re.Pattern[str], text: str, spans: list[tuple[int, int]]) -> list[re.Match[str]]:
    return [m for start, end in spans for m in pattern.finditer(text, start, end)]


FORCE_TRIGGER = re.compile(r"\d|thousands|hundreds|dozens|(?:ty|teen|hundred|thousand)\b", re.IGNORECASE)
CASUALTY_TRIGGER = re.compile(r"kill|dead|died|wound|injur|captur|arrest|detain", re.IGNORECASE)
DAMAGE_TRIGGER = re.compile(r"destroy|demolish|\bhit\b|struck|target|dismantl|seiz|defus|clear", re.IGNORECASE)
SUPPORT_TRIGGER = re.compile(r"air|artillery|aircraft|warplane|drone|advis|support|backed|backing|help|aided|assisted",
                             re.IGNORECASE)


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


def force_sizes(text: str, sentences: Sentences | None = None) -> tuple[Figure, ...]:
    """'about 500 Peshmerga', 'some 3,500 Peshmerga fighters'."""
    out = []
    for m in _find(FORCE, text, _spans_with(text, FORCE_TRIGGER, sentences)):
        figure = _figure(m, actor_of(m.group("actor")))
        if figure is not None and figure.value >= 10:
            out.append(figure)
    return tuple(out)


def casualties(text: str, sentences: Sentences | None = None) -> tuple[Casualty, ...]:
    """'14 ISIS fighters were killed', 'killing 20 militants', 'two Peshmerga were wounded'."""
    out: list[Casualty] = []
    seen: set[int] = set()
    spans = _spans_with(text, CASUALTY_TRIGGER, sentences)
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


def destroyed(text: str, sentences: Sentences | None = None) -> tuple[Figure, ...]:
    """'five tunnels were destroyed', 'struck 30 different areas'."""
    out = []
    spans = _spans_with(text, DAMAGE_TRIGGER, sentences)
    for pattern in (DESTROYED, DESTROYED_ACTIVE):
        for m in _find(pattern, text, spans):
            figure = _figure(m, f"{m.group('thing').strip().lower()} {m.group('verb').lower()}")
            if figure is not None:
                out.append(figure)
    return tuple(out)


def support(text: str, sentences: Sentences | None = None) -> tuple[tuple[str, str], ...]:
    """(supporting actor, kind): 'with coalition air support' -> ('Coalition', 'air support')."""
    out: list[tuple[str, str]] = []
    spans = _spans_with(text, SUPPORT_TRIGGER, sentences)
    for pattern in (SUPPORT, SUPPORT_ACTIVE, SUPPORT_BACKED):
        for m in _find(pattern, text, spans):
            who = actor_of(m.group("actor")) if m.group("actor") else "Coalition" if "air" in m.group("kind").lower() \
                else "unknown"
            if pattern is SUPPORT_BACKED and any(w == who for w, _ in out):
                continue
            out.append((who, m.group("kind").lower() or "support"))
    return tuple(dict.fromkeys(out))


def operation_of(article_id: str, text: str, mentions: list[Mention], date: dt.date | None,
                 sentences: Sentences | None = None) -> Operation:
    """The operation a report tells, as one record."""
    split = sentences if sentences is not None and sentences.text == text else Sentences.split(text)
    named, losses = actors(text), casualties(text, split)
    kind = event_kind(text, named, losses, split)
    name, phase = operation_name(text)
    return Operation(article_id, date, named, support(text, split), force_sizes(text, split), losses,
                     destroyed(text, split), villages_cleared(text, mentions), event_type=kind.event_type,
                     sub_event_type=kind.sub_event_type, name=name, phase=phase)


# An operation's own name: quoted after 'dubbed' or 'named', or quoted next to 'operation' or
# 'campaign', or 'Operation X' in capitals.
_QUOTED = r"[\"“”'‘’]\s*(?P<{0}>[A-Z][^\"“”‘’\n]{{2,60}}?)\s*[\"“”'‘’]"
OPERATION_NAME = re.compile(
    r"\b(?:dubbed|named|code-?named|called|titled|known as)[:,]?\s+" + _QUOTED.format("dubbed")
    + r"|\b(?:operation|campaign|offensive)\s+" + _QUOTED.format("after")
    + r"|" + _QUOTED.format("before") + r"\s+(?:military\s+|security\s+)?(?:operation|campaign|offensive)\b"
    + r"|\bOperation\s+(?P<capital>[A-Z][\w-]+(?:\s+(?:of\s+)?[A-Z][\w-]+){0,3})"
    + r"|\bthe\s+(?P<bare>[A-Z][\w-]+(?:\s+(?:of\s+)?[A-Z][\w-]+){1,3})\s+(?:military\s+)?(?:operation|campaign)\b")
# 'the Kurdish Peshmerga operation' is who fought it, not a name
NOT_NAME_WORDS = frozenset({"kurdish", "iraqi", "turkish", "iranian", "syrian", "us", "u.s.", "american", "coalition",
                            "peshmerga", "isis", "isil", "army", "federal", "joint", "security", "military", "police",
                            "pmf", "popular", "counter-terrorism", "air", "ground", "special", "new", "latest",
                            "islamic", "state", "daesh", "pkk"})
# Umbrella names cover years of operations: they do not tell one operation from another.
UMBRELLA_OPERATIONS = frozenset({"inherent resolve", "enduring freedom", "iraqi freedom", "new dawn"})
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
            "ninth": 9, "tenth": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10}
PHASE = re.compile(r"\b(?:(?P<ordinal>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
                   r"\d{1,2}(?:st|nd|rd|th))\s+(?:phase|stage)|(?:phase|stage)\s+(?P<number>one|two|three|four|five|"
                   r"six|seven|eight|nine|ten|\d{1,2})\b)", re.IGNORECASE)


def operation_name(text: str) -> tuple[str, int | None]:
    """The name the report gives its operation ('' when none) and, for a named operation, the phase it
    tells (the first phase it names), as an analyst files reports of one named operation together."""
    for m in OPERATION_NAME.finditer(text):
        name = next(g for g in (m.group("dubbed"), m.group("after"), m.group("before"), m.group("capital"),
                                m.group("bare")) if g)
        name = name.strip(" ,.:;–-")
        if m.group("bare") and any(w.lower() in NOT_NAME_WORDS for w in name.split()):
            continue
        name = re.sub(r"^(?:Operation|Op\.)\s+", "", name)
        if any(u in name.lower() for u in UMBRELLA_OPERATIONS) or len(name) < 3:
            continue
        phase = PHASE.search(text)
        if phase is None:
            return name, None
        word = (phase.group("ordinal") or phase.group("number")).lower()
        return name, ORDINALS.get(word) or int(re.sub(r"\D", "", word))
    return "", None


# ACLED's event types: which sub-event belongs to which event type and which disorder type.
EVENT_TYPES = {
    "Armed clash": "Battles", "Government regains territory": "Battles",
    "Non-state actor overtakes territory": "Battles",
    "Air/drone strike": "Explosions/Remote violence", "Shelling/artillery/missile attack": "Explosions/Remote violence",
    "Remote explosive/landmine/IED": "Explosions/Remote violence", "Suicide bomb": "Explosions/Remote violence",
    "Attack": "Violence against civilians", "Abduction/forced disappearance": "Violence against civilians",
    "Non-violent transfer of territory": "Strategic developments", "Arrests": "Strategic developments",
    "Disrupted weapons use": "Strategic developments", "Looting/property destruction": "Strategic developments",
    "Other": "Strategic developments",
}
DISORDER_TYPES = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
                  "Violence against civilians": "Political violence", "Strategic developments": "Strategic developments"}
# ACLED's actor types (inter codes) for the actors opmap names, and the name written in the table.
ACTOR_TYPES: dict[str, tuple[str, int]] = {
    "Peshmerga": ("Peshmerga (Kurdistan Regional Government forces)", 1),
    "Iraqi security forces": ("Military Forces of Iraq", 1),
    "PMF": ("Popular Mobilization Forces", 1),
    "Coalition": ("International coalition forces (US-led)", 8),
    "ISIS": ("Islamic State (Iraq)", 2),
    "PKK": ("PKK: Kurdistan Workers' Party", 2),
    "Turkey": ("Military Forces of Turkey", 8),
    "Iran": ("Military Forces of Iran", 8),
    "civilians": ("Civilians (Iraq)", 7),
}
# Who fights whom: an actor's opponents among the ones opmap names.
OPPONENTS: dict[str, tuple[str, ...]] = {
    "Peshmerga": ("ISIS",), "Iraqi security forces": ("ISIS",), "PMF": ("ISIS",), "Coalition": ("ISIS",),
    "ISIS": ("Peshmerga", "Iraqi security forces", "PMF", "Coalition", "civilians"),
    "Turkey": ("PKK",), "Iran": ("PKK",), "PKK": ("Turkey", "Iran"),
}

AIR_STRIKE = re.compile(r"\b(?:air ?strikes?|air raids?|airstrikes?|drone strikes?|(?:war)?planes? (?:struck|bombed|hit)|"
                        r"(?:jets|aircraft|drones?|warplanes) (?:struck|bombed|hit|targeted)|bombard(?:ed|ment) from the air|"
                        r"aerial bombardment)\b", re.IGNORECASE)
SHELLING = re.compile(r"\b(?:shell(?:ed|ing|s)|artillery (?:fire|strikes?|barrage)|mortars? (?:rounds?|fire|shells?|attacks?)|"
                      r"rockets? (?:fire|attacks?|landed|hit)|missiles?|katyusha|fired (?:rockets|mortars))\b", re.IGNORECASE)
EXPLOSIVE = re.compile(r"\b(?:ieds?|roadside bombs?|improvised explosive|landmines?|mines? exploded|explosive devices?|"
                       r"car bombs?|vbieds?|booby[- ]trap(?:ped|s)?)\b", re.IGNORECASE)
SUICIDE = re.compile(r"\bsuicide (?:bomb(?:er|ing)?s?|attacks?|vests?)\b", re.IGNORECASE)
FIGHTING = re.compile(r"\b(?:clash(?:ed|es)?|fight(?:ing|s)?|fought|battles?|gun ?fights?|firefights?|exchange of fire|"
                      r"heavy resistance|repell?(?:ed)? (?:an? )?attack|attacked|ambush(?:ed)?|offensive|assault)\b", re.IGNORECASE)
OVERTAKEN = re.compile(r"\b(?:isis|isil|islamic state|daesh|militants|jihadists)\b[^.;]{0,60}?\b(?:seized|captured|overran|"
                       r"took control of|stormed)\b", re.IGNORECASE)
ARRESTS = re.compile(r"\b(?:arrest(?:ed|s)?|detain(?:ed|s)?|round(?:ed)? up)\b", re.IGNORECASE)
DISRUPTED = re.compile(r"\b(?:defus(?:ed|ing)|dismantl(?:ed|ing)|disarm(?:ed|ing)|detonated under control)\b", re.IGNORECASE)
ABDUCTION = re.compile(r"\b(?:kidnapp?(?:ed|ing)|abduct(?:ed|ion)|hostages?)\b", re.IGNORECASE)


@dataclass(frozen=True)
class EventKind:
    """ACLED's event classification of one report's operation."""

    event_type: str
    sub_event_type: str

    @property
    def disorder_type(self) -> str:
        return DISORDER_TYPES[self.event_type]


def event_kind(text: str, named: tuple[str, ...], losses: tuple[Casualty, ...],
               sentences: Sentences | None = None) -> EventKind:
    """ACLED's event and sub-event type of what the report tells, from its words: ground retaken
    (with fighting a battle, without it a non-violent transfer), else a clash, else an air strike,
    shelling, explosive or suicide bomb, else violence against civilians, arrests, weapons disrupted;
    'Other' strategic development when none of these is told."""
    split = sentences if sentences is not None and sentences.text == text else Sentences.split(text)
    told = [split.sentence(i) for i in range(len(split))]
    state = any(a in named for a in ("Peshmerga", "Iraqi security forces", "PMF", "Coalition", "Turkey", "Iran"))
    killed = any(c.kind in ("killed", "wounded") and c.side != "civilians" for c in losses)
    fighting = any(FIGHTING.search(t) for t in told) or killed

    def sub(kind: str) -> EventKind:
        return EventKind(EVENT_TYPES[kind], kind)

    if any(OVERTAKEN.search(t) for t in told) and not any(CLEARED.search(t) and not OVERTAKEN.search(t)
                                                            for t in told if state):
        return sub("Non-state actor overtakes territory")
    if state and any(CLEARED.search(t) for t in told):
        return sub("Government regains territory" if fighting else "Non-violent transfer of territory")
    if any(FIGHTING.search(t) for t in told) and len(named) >= 2:
        return sub("Armed clash")
    for pattern, kind in ((SUICIDE, "Suicide bomb"), (AIR_STRIKE, "Air/drone strike"),
                          (SHELLING, "Shelling/artillery/missile attack"),
                          (EXPLOSIVE, "Remote explosive/landmine/IED")):
        if any(pattern.search(t) for t in told):
            if kind == "Remote explosive/landmine/IED" and any(DISRUPTED.search(t) for t in told) and not killed:
                return sub("Disrupted weapons use")
            return sub(kind)
    if any(c.side == "civilians" and c.kind == "killed" for c in losses):
        return sub("Attack")
    if any(ABDUCTION.search(t) for t in told):
        return sub("Abduction/forced disappearance")
    if fighting and named:
        return sub("Armed clash")
    if any(ARRESTS.search(t) for t in told):
        return sub("Arrests")
    if any(DISRUPTED.search(t) for t in told):
        return sub("Disrupted weapons use")
    return sub("Other")


@dataclass(frozen=True)
class Sides:
    """Who acted and against whom, in ACLED's terms: actor1 with its allies, actor2 with its allies."""

    actor1: str
    assoc_actor_1: tuple[str, ...]
    actor2: str
    assoc_actor_2: tuple[str, ...]


def sides(named: tuple[str, ...], supporters: tuple[str, ...] = (), targets_civilians: bool = False) -> Sides:
    """actor1: the first actor named who has an opponent in the report (else the first named);
    actor2: its first opponent named; each side's other actors (and actor1's supporters) are its
    associates. Civilians are actor2 when the report tells of them killed and no armed opponent."""
    if not named:
        return Sides("", (), "", ())
    acting = [a for a in named if a not in supporters] or list(named)
    first = next((a for a in acting if any(o in named for o in OPPONENTS.get(a, ()))), acting[0])
    opponents = [a for a in named if a in OPPONENTS.get(first, ())]
    second = opponents[0] if opponents else ("civilians" if targets_civilians and first != "civilians" else "")
    allies = [a for a in (*named, *supporters) if a not in (first, second) and a not in OPPONENTS.get(first, ())
              and first not in OPPONENTS.get(a, ())]
    others = [a for a in opponents[1:] if a != second]
    return Sides(first, tuple(dict.fromkeys(allies)), second, tuple(dict.fromkeys(others)))


def villages_cleared(text: str, mentions: list[Mention]) -> tuple[str, ...]:
    """Villages named in a sentence that reports clearing, retaking or freeing."""
    clearing: dict[str, bool] = {}  # asked once per sentence, not once per village in it
    for m in mentions:
        if m.cue in ("village", "list", "front") and m.sentence not in clearing:
            clearing[m.sentence] = CLEARED.search(m.sentence) is not None
    return tuple(dict.fromkeys(m.surface for m in mentions if m.cue in ("village", "list", "front")
                               and clearing[m.sentence]))
