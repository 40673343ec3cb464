"""The fast paths of place extraction give exactly what the plain ones give.

Each shortcut in opmap.extract.toponyms (possessive letter runs, organisation runs read from their
head words, gates before the cue patterns, name lists read between full stops) is checked against
the plain version it replaced, on many sentences built from pieces in our own words: names with
articles, hyphens and apostrophes, place words in both cases, organisations, odd spaces (tab,
no-break space, new line) and a letter whose lower case is longer (İ).
"""

from __future__ import annotations

import random
import re

from hypothesis import given, seed, settings
from hypothesis import strategies as st

from opmap.extract import toponyms
from opmap.extract.sentences import Sentences
from opmap.extract.toponyms import CUES, Token, organisation_spans, tokenize
from opmap.pipeline import Resources

PIECES = [
    "Qara Tepe", "Kani Sard", "al-Nour", "Al-Hamra", "El Safi", "el-Bir", "Tell Aswad", "Jabal Khidr", "Mount Zawa",
    "Dar Salam's", "O’Malley", "Sheikh Hamid", "Kirkuk", "Erbil", "Mosul", "Hawija", "Makhmour", "Baghdad",
    "village", "villages of", "the villages", "towns", "hamlet", "localities", "area", "region", "Region", "Dam",
    "dam", "Air Base", "air base", "Valley", "River Valley", "Bridge", "oil field", "Border Crossing", "district",
    "District", "sub-district", "Sub-district", "province", "Province", "governorate", "Mountains", "Heights",
    "hills", "Range", "front", "fronts of", "north of", "south-east of", "northern", "capture of", "fall of",
    "liberation of", "outskirts of", "from", "to", "towards", "into", "near", "nearby", "outside", "close to",
    "in the vicinity of", ", a village in", ", the town", ", an area", "including", "such as", "namely", "were",
    "areas of", "the areas:", "sites like", "mayor of", "Governor of", "head of", "10 km south of", "5 miles east of",
    "is 20 kilometres north of", "Islamic State", "Islamic State in Iraq", "Kurdistan Region Security Council",
    "Ministry of Defence", "Popular Mobilization Forces", "Peshmerga", "al-Qaeda in", "operations command",
    "and", "of", "the", "for", "in", "said", "ISIS", "PKK", "UN", "a", "’s", "'s", "-", "‐", ",", ".", ":", ";",
    "—", "(", ")", "“", "”", "\t", "\u00a0", "\n", "  ", "İnci", "Ẓafar", "ʿAin", "2017", "30",
    "the districts of Kani Sard", "nine villages were freed: Qara Tepe", "the areas of Tell Aswad",
    "sites such as Kani Sard", "the Governor of Hawija", "Qara Tepe, 12 km north of", "Kani Sard and Tell Aswad",
    "sub-districts", "provinces", "from Qara Tepe to", "the recapture of Tell Aswad", "hamlets, among them, were",
    "Kani Sard, a small village", "troops entered Qara Tepe", "the Makhmour front", "the fronts of Gwer-Kani Sard",
    "land claimed by both Erbil and", "TALKS BETWEEN", "relations between", "Wadi Hauran", "the Hay Nour neighbourhood",
    "in Qara Tepe, north of Mosul", "\n-- Near Kani Sard,", "Kani Sard, a small town near", "Highway 2", "the axis of",
]
SEPARATORS = [" ", " ", " ", ", ", " and ", "-", "\t", ". ", "\n", "", ": "]


@st.composite
def texts(draw: st.DrawFn) -> str:
    n = draw(st.integers(min_value=1, max_value=40))
    parts = []
    for _ in range(n):
        parts.append(draw(st.sampled_from(PIECES)))
        parts.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(parts)


def plain_organisation_spans(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Every capitalised run read left to right, as opmap first did it."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if not tokens[i].capital:
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < len(tokens) and text[tokens[j - 1].end:tokens[j].start].strip(" -‐'’") == "":
            word = tokens[j].text
            joins_next = j + 1 < len(tokens) and tokens[j + 1].capital
            if tokens[j].capital or (word.lower() in ("of", "and", "for", "the") and joins_next) or (
                    tokens[j].key in ("al", "el") and joins_next and text[tokens[j].end:tokens[j].end + 1] in "-‐"):
                run.append(j)
                j += 1
            else:
                break
        heads = [k for k in run if tokens[k].key in toponyms.ORGANISATION_HEADS and tokens[k].capital]
        if heads:
            last = heads[-1]
            end = last
            if last + 1 < len(tokens) and last + 1 in run and tokens[last + 1].text.lower() in ("of", "for"):
                end = run[-1]
            elif tokens[last].key in toponyms.NAMED_IN_HEADS and j + 1 < len(tokens) and tokens[j].text == "in" \
                    and tokens[j + 1].capital:
                end = j + 1
            spans.append((tokens[run[0]].start, tokens[end].end))
        i = j
    return spans


def backtracking(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern with its possessive letter runs made ordinary (greedy, given back on failure)."""
    plain = pattern.pattern.replace("{0,40}+", "{0,40}").replace("{1,40}+", "{1,40}")
    assert "}+" not in plain and "*+" not in plain
    return re.compile(plain, pattern.flags)


def matches(pattern: re.Pattern[str], text: str, start: int = 0, end: int | None = None) -> list[tuple[object, ...]]:
    found = pattern.finditer(text, start, len(text) if end is None else end)
    return [(m.span(), m.groups()) for m in found]


def test_the_built_sentences_reach_every_cue() -> None:
    # the same pieces, drawn by a seeded generator: each cue pattern, the name lists and the
    # organisation runs match in some of them, so the comparisons below exercise every one
    draw = random.Random(7)
    built = ["".join(draw.choice(PIECES) + draw.choice(SEPARATORS) for _ in range(draw.randint(1, 40)))
             for _ in range(3000)]
    for _, pattern, _, _ in CUES:
        assert any(pattern.search(text) for text in built), pattern.pattern[:80]
    assert any(toponyms._NAME_LIST.search(text) for text in built)
    assert any(plain_organisation_spans(text, tokenize(text)) for text in built)


@seed(7)
@settings(max_examples=400, deadline=None, derandomize=True)
@given(texts())
def test_organisation_runs_read_from_their_heads_as_from_the_start(text: str) -> None:
    tokens = tokenize(text)
    plain = plain_organisation_spans(text, tokens)
    fast = organisation_spans(text, tokens)
    assert fast[:len(plain)] == plain  # after them: the operations commands, read the same way by both


@seed(7)
@settings(max_examples=300, deadline=None, derandomize=True)
@given(texts())
def test_possessive_letter_runs_match_as_ordinary_ones(text: str) -> None:
    for _, pattern, _, _ in CUES:
        assert matches(pattern, text) == matches(backtracking(pattern), text), pattern.pattern[:80]
    for pattern in (toponyms._NAME_LIST, toponyms._COMMANDS):
        assert matches(pattern, text) == matches(backtracking(pattern), text)


@seed(7)
@settings(max_examples=300, deadline=None, derandomize=True)
@given(texts())
def test_name_lists_between_full_stops_are_all_the_name_lists(text: str) -> None:
    assert [m.span() for m in toponyms._name_lists(text)] == [m.span() for m in toponyms._NAME_LIST.finditer(text)]


@seed(7)
@settings(max_examples=200, deadline=None, derandomize=True)
@given(texts())
def test_gated_cues_find_what_ungated_cues_find(resources: Resources, text: str) -> None:
    sentences = Sentences.split(text)
    orgs = toponyms.Spans(organisation_spans(text, tokenize(text)))
    gated = toponyms._cued_mentions(text, resources.index, sentences, orgs)
    try:
        toponyms.CUES = tuple((cue, pattern, hints, None) for cue, pattern, hints, _ in CUES)
        ungated = toponyms._cued_mentions(text, resources.index, sentences, orgs)
    finally:
        toponyms.CUES = CUES
    assert gated == ungated


def test_each_gate_lets_its_own_cue_through(resources: Resources) -> None:
    # one sentence per gated cue, in our own words; the gate must not stop it
    sentences = ["Troops reached the villages of Kani Sard and Qara Tepe.", "They cleared Kani Sard village.",
                 "Strikes hit the Qara Tepe area.", "Fighters held the Qara Tepe Dam.",
                 "Shelling from Qara Tepe to Kani Sard went on.", "Clashes north-east of Qara Tepe followed.",
                 "After the capture of Kani Sard they rested.", "Several towns were retaken, including Qara Tepe.",
                 "The Qara Tepe Mountains are steep.", "The Kani Sard District was cleared.",
                 "The Qara Tepe\tprovince is large.", "On the outskirts of Kani Sard, troops waited.",
                 "Kani Sard, a village in the north, was freed.", "Mortars fell near Qara Tepe."]
    for text in sentences:
        cues_found = toponyms._cued_mentions(text, resources.index, Sentences.split(text), toponyms.Spans())
        assert any("Kani Sard" in m.surface or "Qara Tepe" in m.surface for m in cues_found), text


@seed(7)
@settings(max_examples=300, deadline=None, derandomize=True)
@given(texts())
def test_boundaries_borders_and_action_words_as_their_plain_patterns(text: str) -> None:
    from opmap.extract import sentences

    assert [m.span() for m in sentences._boundaries(text)] == [m.span() for m in sentences._BOUNDARY.finditer(text)]
    text = text.replace("Qara", "Iraqi").replace("Kani", "Syrian")  # adjectives before place words
    assert [m.span() for m in toponyms._border_matches(text)] == [m.span() for m in toponyms._BORDER.finditer(text)]
    for sentence in (text, text.upper(), text + " Fighters ATTACKED it."):
        toponyms._reports_action.cache_clear()
        assert toponyms._reports_action(sentence) == (toponyms.OPERATION_WORDS.search(sentence) is not None)
        for cut in range(0, len(sentence), 7):  # the 40 characters before a name, as _role reads them
            before = sentence[max(0, cut - 40):cut]
            assert toponyms._may_name_parties(before) or not toponyms.ACTOR_BEFORE.search(before)


def test_the_border_and_action_comparisons_see_both_answers() -> None:
    assert list(toponyms._border_matches("Shelling hit the Iraqi border and Syrian territory."))
    assert toponyms._reports_action("Troops CLEARED the road.")
    assert not toponyms._reports_action("The weather was mild.")
    assert toponyms.ACTOR_BEFORE.search("the town disputed by Baghdad and ")
    assert not toponyms._may_name_parties("the town held since spring ")


def test_a_reread_mention_keeps_every_other_field() -> None:
    import dataclasses

    from opmap.model import Mention

    values = {f.name: f"v-{f.name}" for f in dataclasses.fields(Mention)}
    mention = Mention(**values)  # type: ignore[arg-type]
    offset = (5.0, "N", 3)
    assert mention.reread("operation", offset) == dataclasses.replace(mention, role="operation", offset_from=offset)

