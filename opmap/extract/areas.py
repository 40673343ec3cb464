"""Area statements: a figure, a unit, a status and a relation to one or two anchors.

"Thirty square kilometres were cleared south of Mount Qarachogh" gives 30 km², status cleared,
direction S, anchor = the mention after "south of". A parenthesised conversion ("140 km² (54 square
miles)") is the same statement; a size or a controlled area ("the 36,000 km² that make up Nineveh",
"14,666 km² under Peshmerga control") is not a cleared area; "liberated 200 km" is flagged, not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from opmap.extract.sentences import Sentences
from opmap.model import AreaStatement, Mention
from opmap.spelling import name_key

SQ_MILE_KM2 = 2.589988
UNITS_KM2: tuple[tuple[str, float], ...] = (
    (r"km²|km2|km\^2|sq\.?[\s-]?kms?\b|square[\s-]+(?:kilomet(?:re|er)s?|kms?)\b|sq\.?\s+kilomet(?:re|er)s?|"
     r"kilomet(?:re|er)s?\s+square[d]?|kilomet(?:re|er)s?²", 1.0),
    (r"square[\s-]+miles?\b|sq\.?[\s-]?mi(?:les?)?\b|mi²", SQ_MILE_KM2),
    (r"hectares?\b|\bha\b", 0.01),
    (r"(?:dunams?|dunums?|donums?|dönüms?)\b", 0.0025),  # the Iraqi dunam: 2,500 m²
    (r"acres?\b", 0.00404686),
)
UNIT_HINTS = ("km", "kilomet", "square", "sq", "mi²", "mile", "hectare", " ha", "dunam", "dunum", "donum", "dönüm", "acre")
AMBIGUOUS_UNIT = r"(?:km|kms|kilomet(?:re|er)s?)\b"
_WORD_NUMBERS = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"])}
_WORD_NUMBERS.update({w: 10 * (i + 2) for i, w in enumerate(
    ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])})
_SCALES = {"hundred": 100, "thousand": 1000}
_NUMBER_WORD = r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|" \
               r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|" \
               r"eighty|ninety|hundred|thousand|a|an)"
# Repetitions bounded so that a long run of digits or number words cannot make matching quadratic.
NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}}){{1,8}}(?:\.\d{{1,12}})?|\d{{1,24}}(?:\.\d{{1,12}})?|" \
         rf"(?:{_NUMBER_WORD}(?:[\s-]{{1,3}}(?:and\s+)?{_NUMBER_WORD}){{0,8}}))"
HEDGES = r"(?:about|around|approximately|approx\.?|roughly|some|nearly|almost|over|more than|at least|" \
         r"less than|up to|close to|an estimated|an area of|an area measuring|estimated|just over|" \
         r"just under|a total of|in excess of|upwards of)"
_UNIT_ALTERNATION = "|".join(f"(?:{u})" for u, _ in UNITS_KM2)
AREA = re.compile(
    rf"(?P<hedge>\b{HEDGES}\s+)?(?P<value>\b{NUMBER})(?:\s*(?:-|–|to)\s*(?P<upper>{NUMBER}))?"
    rf"\s*(?:-\s*)?(?P<unit>{_UNIT_ALTERNATION})", re.IGNORECASE)
AMBIGUOUS = re.compile(rf"(?P<hedge>\b{HEDGES}\s+)?(?P<value>\b\d[\d,.]{{0,24}})\s*(?P<unit>{AMBIGUOUS_UNIT})"
                       r"(?!\s*(?:\(|north|south|east|west|from|away|of|long|deep|wide|inside|into|to\b|"
                       r"toward|towards|beyond|behind|outside|north-|south-|along|per|an?\s+hour|/))",
                       re.IGNORECASE)
# 'advanced 7 km along the X-Y road', 'pushed 5 kilometres into the desert': a distance gained, kept flagged.
ADVANCE = re.compile(rf"\b(?:advanc(?:ed|ing|es)|push(?:ed|ing)|mov(?:ed|ing)|progress(?:ed|ing)|penetrat(?:ed|ing))\s+"
                     rf"(?:(?:forward|deeper|further|ahead)\s+)?(?P<hedge>{HEDGES}\s+)?(?P<value>\d[\d,.]*)\s*"
                     rf"(?P<unit>{AMBIGUOUS_UNIT}|miles?\b)", re.IGNORECASE)
CLEARED = re.compile(r"\b(?:clear(?:ed|ing|s)?|liberat(?:ed|ing|e|es|ion)|retak(?:en|e|ing)|retook|"
                     r"recaptur(?:ed|e|ing)|freed|free|seiz(?:ed|e|ing)|captur(?:ed|e|ing)|regain(?:ed)?|"
                     r"reclaim(?:ed)?|drove|driven|pushed|purg(?:ed|e)|took|taken|secur(?:ed|e)|"
                     r"re-?established|restor(?:ed|e)|expel(?:led)?|swept|wrested|gained|won|advanced|inspect(?:ed|ion|ing)|"
                     r"comb(?:ed|ing)|search(?:ed|ing)|scour(?:ed|ing)|"
                     # 'the search covered 11 km²', 'the operation covered some 15 km²': what it swept
                     r"(?:operations?|search(?:es)?|sweeps?|raids?|campaign|mission|patrols?)\s+(?:has\s+|have\s+)?covered)\b",
                     re.IGNORECASE)
TARGETED = re.compile(r"\b(?:target(?:ed|s|ing)?|offensive to|launched|aim(?:s|ed|ing)? to|push to|"
                      r"operation to|seeks? to|besieg(?:ed|ing)|encircl(?:ed|ing)|surround(?:ed|ing)|"
                      r"(?:air ?)?strikes?|struck|bomb(?:ed|ing)|pound(?:ed|ing)|shell(?:ed|ing))\b",
                      re.IGNORECASE)
PLANNED = re.compile(r"\b(?:plan(?:s|ned|ning)? to|will|would|intends? to|expected to|are set to)\b",
                     re.IGNORECASE)
AIMED_CLEARING = re.compile(r"\b(?:plan(?:s|ned)? to|will|would|intends? to|intended to|is set to|are set to|"
                            r"expected to|going to|preparing to|aim(?:s|ed|ing)? to|seek(?:s|ing)? to|"
                            r"with the aim of|in order to|attempt(?:s|ing)? to|tr(?:y|ies|ying) to|"
                            # 'the second phase of the operation ... to search the areas of X'
                            r"(?:operation|offensive|campaign|phase|drive)\b[^.;:]{0,60}?\bto)\s+"
                            r"(?:\w+\s+){0,2}?(?:clear(?:ing)?|liberat(?:e|ing)|retak(?:e|ing)|recaptur(?:e|ing)|"
                            r"free(?:ing)?|seiz(?:e|ing)|captur(?:e|ing)|tak(?:e|ing)|push(?:ing)?|comb(?:ing)?|"
                            r"secur(?:e|ing)|sweep(?:ing)?|search(?:ing)?|purg(?:e|ing))\b", re.IGNORECASE)
UNDER_WAY = re.compile(r"\b(?:launched|began|begun|started|under ?way|ongoing|offensive|operation|advancing|"
                       r"advanced|pushing|pushed|moved|marched|attacking|attacked|stormed)\b", re.IGNORECASE)
LOSS = re.compile(r"\b(?:lost|los(?:e|ing)|burn(?:ed|t|ing)?|torch(?:ed|ing)|arson|exploit\w*|ceded|"
                  r"withdr(?:ew|awn) from|abandon(?:ed)?)\b", re.IGNORECASE)
NOT_CLEARANCE = re.compile(r"\b(?:make up|makes up|total area|area of (?:the )?(?:province|governorate|"
                           r"country|region)|size of|the size|spans?|stretch(?:es)?|covers an area|"
                           r"under (?:the |their |its )?(?:full )?control|controls?|controlled|holds?|held by|"
                           r"percent|per cent|%|remain(?:s|ed)? under|still hold)\b", re.IGNORECASE)
# A campaign's running total, not one operation's area: kept with its figure, flagged, not drawn.
# ('so far' is not one: an operation under way reports its own area 'so far'.)
CAMPAIGN_TOTAL = re.compile(r"\b(?:since the (?:start|beginning|outbreak) of (?:the |this )?(?:war|campaign|fight|"
                            r"conflict|year)|since (?:19|20)\d\d|(?:over|in|during) the (?:last|past) (?:\w+ )?"
                            r"(?:months|years)|so far this year|in total since|throughout the (?:war|campaign)|"
                            r"nationwide|across (?:all of )?(?:Iraq|the country)|(?:in|across) (?:the )?(?:various|all|"
                            r"several|many) (?:provinces|governorates|regions|parts) of (?:the country|Iraq))\b",
                            re.IGNORECASE)
# 'cleared 1,250 km² in the provinces of Nineveh, Kirkuk and Diyala': a total over several provinces
SEVERAL_PROVINCES = re.compile(r"\s*(?:of\s+\w+\s+)?(?:in|across)\s+(?:the\s+)?(?:\w+\s+)?(?:provinces|governorates)\b",
                               re.IGNORECASE)
_DIR_WORD = r"(?:north|south|east|west)(?:[\s-]?(?:east|west))?(?:ern)?"
# the part of a place a side names: 'the southern outskirts of X', "X's western bank"
_SIDE_NOUNS = (r"(?:outskirts|flank|side|edge|countryside|areas?|parts?|regions?|sectors?|villages|desert|reaches|"
               r"fringes?|banks?|approaches|suburbs|neighbou?rhoods?|districts|shore|foothills|slopes|axis)")
# "Kirkuk's southwestern countryside": the side of the place named just before
POSSESSIVE_SIDE = re.compile(rf"['’]s\s+(?P<dir>{_DIR_WORD})\s+{_SIDE_NOUNS}\b", re.IGNORECASE)
# 'stretching from Baiji to Tikrit': an area between the two
SPAN_FROM = re.compile(r"\b(?:stretch\w*|extend\w*|running|runs|ran|reaching|spanning|span)\s+from\b", re.IGNORECASE)
DIRECTION = re.compile(rf"\b(?P<dir>{_DIR_WORD}(?:\s*,\s*{_DIR_WORD}){{0,8}}(?:\s*,?\s*(?:and|-|/|&)\s*{_DIR_WORD})?)"
                       rf"\s+(?:of|from)\b"
                       rf"|\b(?:in|to)\s+the\s+(?P<dir2>{_DIR_WORD})\s+of\b"
                       rf"|\b(?P<dir3>{_DIR_WORD})\s+{_SIDE_NOUNS}\s+of\b"
                       # 'in southern Kirkuk', 'southwestern Mosul': the adjective straight before a name
                       rf"|\b(?P<dir4>(?:north|south|east|west)(?:[\s-]?(?:east|west))?ern)\s+(?=(?-i:[A-Z]))",
                       re.IGNORECASE)
BETWEEN = re.compile(r"\bbetween\b", re.IGNORECASE)
LINEAR_BEFORE = re.compile(r"\b(?:road|roads|highway|route|line|lines|border|corridor|link|bridge|pipeline|"
                           r"railway|track|stretch)\s*$", re.IGNORECASE)
_COMPASS = frozenset({"N", "NE", "E", "SE", "S", "SW", "W", "NW"}) | {f"{a}+{b}" for a in "NS" for b in "EW"}
ALONG = re.compile(r"\b(?:along(?!\s+with\b)|alongside|on both sides of|astride)\b", re.IGNORECASE)
AROUND = re.compile(r"\b(?:around|surrounding|near|nearby|close to|in the vicinity of|on the outskirts of|"
                    r"outskirts of|in the area of|in the region of|vicinity of)\b", re.IGNORECASE)
# 'near the town of X' anchors the area on X without saying on which side ('around X' and 'in the X
# area' say it surrounds X).
NEAR = re.compile(r"near|nearby|close to|in the vicinity of|vicinity of", re.IGNORECASE)
ROUND_ABOUT = ("around", "near")
# 'cleared 50 km² in Daquq district' anchors on Daquq district without a side; 'in the Daquq area' is around it.
IN_PLACE = re.compile(r"\b(?:in|inside|within|across|at)\s+(?=(?:the\s+)?(?:(?:town|city|village|province|district|"
                      r"region|governorate|sub-?district)\s+of\s+)?(?:al-)?(?-i:[A-Z]))", re.IGNORECASE)
_AREA_AFTER = re.compile(r"\s+(?:area|region|surroundings|countryside)\b", re.IGNORECASE)
_COREFERENCE = re.compile(r"^\s*the\s+(mountains?|range|ridge|city|town|village|province|governorate|"
                          r"district|river|dam|airfield|airport|air ?base|base|bridge|camp|valley|wadi|lake|"
                          r"oilfield|refinery)\b(?!\s+of\b)", re.IGNORECASE)  # 'the town of X' names X
_COREF_TYPES = {"mountain": {"mountain", "range", "hill"}, "mountains": {"mountain", "range", "hill"},
                "range": {"mountain", "range"}, "ridge": {"mountain", "range"},
                "city": {"settlement"}, "town": {"settlement"}, "village": {"settlement"},
                "province": {"governorate"}, "governorate": {"governorate"}, "district": {"district"},
                "river": {"river"}, "dam": {"dam", "facility"}, "airfield": {"facility"}, "airport": {"facility"},
                "airbase": {"facility"}, "air base": {"facility"}, "base": {"facility", "camp"},
                "bridge": {"facility", "bridge"}, "camp": {"camp", "facility"}, "valley": {"valley"},
                "wadi": {"valley"}, "lake": {"lake"}, "oilfield": {"facility"}, "refinery": {"facility"}}
_CUE_TYPES = {"mount": "mountain", "range": "range", "village": "settlement", "district": "district",
              "governorate": "governorate"}
# How far after a relation word its anchor may start ("south of the oil-rich city of Kirkuk").
ANCHOR_REACH = 60
NEIGHBOUR_SENTENCES = 3


def parse_number(text: str) -> float | None:
    """'1,200' -> 1200, '2.5' -> 2.5, 'Thirty-five' -> 35, 'a hundred and twenty' -> 120."""
    raw = text.strip().lower()
    if re.match(r"^[\d,.]+$", raw):
        try:
            return float(raw.replace(",", ""))
        except ValueError:
            return None
    total, current = 0, 0
    seen = False
    for word in re.split(r"[\s-]+", raw):
        if word == "and":
            continue
        if word in ("a", "an"):
            current = max(current, 1)
        elif word in _WORD_NUMBERS:
            current += _WORD_NUMBERS[word]
            seen = True
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] == 1000:
                total, current = total + current, 0
            seen = True
        else:
            return None
    return float(total + current) if seen else None


def direction_code(words: str) -> str:
    """'north-east' -> 'NE', 'north and east' -> 'N+E', 'southeastern' -> 'SE'."""
    parts = re.split(r"\s*(?:,\s*and\b|\band\b|/|&|,)\s*", words.lower().strip())
    codes = []
    for part in parts:
        part = re.sub(r"ern$", "", part.replace("-", "").replace(" ", ""))
        code = "".join(c[0].upper() for c in re.findall(r"north|south|east|west", part))
        if code:
            codes.append(code)
    return "+".join(codes)


@dataclass(frozen=True)
class _Relation:
    direction: str
    text: str
    anchors: tuple[Mention, ...]
    strength: int  # 3 same-sentence compass/between, 2 neighbouring compass, 1 around/near
    distance_km: float | None = None  # '10 km south of X'
    at: int = 0  # text offset of the relation word
    weak: bool = False  # a bare 'in X' / 'at X': where, not which side


_DISTANCE_BEFORE = re.compile(r"(\d+(?:\.\d+)?)\s*(km|kms|kilomet(?:re|er)s?|miles?)\s*$", re.IGNORECASE)


def _anchor_after(pos: int, text: str, mentions: list[Mention], limit: int = 1) -> tuple[Mention, ...]:
    """The place(s) a relation word points at: mentions starting soon after it, or a coreference."""
    window = text[pos:pos + ANCHOR_REACH]
    coref = _COREFERENCE.match(window)
    after = [m for m in mentions if pos <= m.start <= pos + ANCHOR_REACH]
    if coref and (not after or after[0].start > pos + coref.end()):
        word = coref.group(1).lower()
        wanted = _COREF_TYPES[word]
        earlier = [m for m in mentions if m.end <= pos and _mention_type(m) in wanted]
        if earlier:
            return (_salient(earlier, mentions, text),)
    if not after:
        return ()
    return tuple(after[:limit])


def _salient(earlier: list[Mention], mentions: list[Mention], text: str) -> Mention:
    """The place 'the town' or 'the mountain' stands for: of those the story has named so far, the first
    its lead names (the lead names the story's subject), else the one the story names most, the first
    named on a tie."""
    told = [m for m in mentions if m.role != "dateline"]
    if told:
        ends = [e for e in (text.find(". ", told[0].start), text.find("\n", told[0].start)) if e >= 0]
        lead_end = min(ends) if ends else len(text)
        in_lead = [m for m in earlier if m.role != "dateline" and m.start < lead_end]
        if in_lead:
            return in_lead[0]
    counts: dict[str, int] = {}
    for m in mentions:
        counts[name_key(m.surface)] = counts.get(name_key(m.surface), 0) + 1
    return max(earlier, key=lambda m: counts[name_key(m.surface)])


def _mention_type(m: Mention) -> str:
    if m.candidates:
        return m.candidates[0].type
    return _CUE_TYPES.get(m.cue, "settlement")


def _relations_in(span: tuple[int, int], text: str, mentions: list[Mention], same: bool) -> list[_Relation]:
    start, end = span
    chunk = text[start:end]
    found: list[_Relation] = []
    for m in BETWEEN.finditer(chunk):
        if LINEAR_BEFORE.search(chunk, max(0, m.start() - 30), m.start()):
            continue  # 'the road between A and B' places the road, not the area
        anchors = _anchor_after(start + m.end(), text, mentions, limit=2)
        joined = re.match(r"\s+and\s+", text[anchors[0].end:]) if len(anchors) == 1 else None
        if joined is not None:  # 'between Zummar and the mountain': the second is a coreference
            anchors = (anchors[0], *_anchor_after(anchors[0].end + joined.end(), text, mentions)[:1])
        if len(anchors) == 2:
            found.append(_Relation("between", chunk[m.start():m.end() + 40].split(",")[0], anchors,
                                   3 if same else 2, at=start + m.start()))
    for m in SPAN_FROM.finditer(chunk):
        anchors = _anchor_after(start + m.end(), text, mentions, limit=2)
        if len(anchors) == 2 and re.search(r"\b(?:to|and|as far as)\b", text[anchors[0].end:anchors[1].start]):
            found.append(_Relation("between", m.group(0), anchors, 3 if same else 2, at=start + m.start()))
    for m in POSSESSIVE_SIDE.finditer(chunk):
        owner = [x for x in mentions if x.end == start + m.start()]
        if owner:
            found.append(_Relation(direction_code(m.group("dir")), owner[0].surface + m.group(0), (owner[0],),
                                   3 if same else 2, at=start + m.start()))
    for m in DIRECTION.finditer(chunk):
        anchors = _anchor_after(start + m.end(), text, mentions)
        words = m.group("dir") or m.group("dir2") or m.group("dir3") or m.group("dir4")
        if m.group("dir4") and (not anchors or anchors[0].start != start + m.end()
                                or _mention_type(anchors[0]) in ("country", "region")):
            continue  # 'northern Iraq' is a part of the country, not a side of it
        if anchors:
            far = _DISTANCE_BEFORE.search(text, max(0, start + m.start() - 25), start + m.start())
            distance = None
            if far:
                distance = float(far.group(1)) * (1.609344 if far.group(2).lower().startswith("mi") else 1.0)
            found.append(_Relation(direction_code(words), (far.group(0) if far else "") + m.group(0), anchors,
                                   3 if same else 2, distance, at=start + m.start()))
    for m in ALONG.finditer(chunk):
        anchors = _anchor_after(start + m.end(), text, mentions)
        if anchors:
            found.append(_Relation("along", m.group(0), anchors, 3 if same else 2, at=start + m.start()))
    for m in IN_PLACE.finditer(chunk):
        anchors = _anchor_after(start + m.end(), text, mentions)
        if anchors and anchors[0].start - (start + m.end()) <= 25 and _mention_type(anchors[0]) not in ("country",):
            kind = "around" if _AREA_AFTER.match(text, anchors[0].end) else "near"
            found.append(_Relation(kind, m.group(0).strip(), anchors, 1 if same else 0, at=start + m.start(),
                                   weak=kind == "near"))  # 'in the X area' says around X; a bare 'in X' is weak
    for m in AROUND.finditer(chunk):
        anchors = _anchor_after(start + m.end(), text, mentions)
        if anchors:
            found.append(_Relation("near" if NEAR.fullmatch(m.group(0)) else "around", m.group(0), anchors, 1 if same else 0, at=start + m.start()))
    return found


def _best_relation(sentence_index: int, sentences: Sentences, text: str, mentions: list[Mention],
                   value_pos: int) -> _Relation | None:
    """The relation an area figure stands in: the one nearest the figure in its own sentence; only
    when that sentence has none, or just 'around/near X', a compass direction from the sentences
    around it (about X itself, when the own sentence named X: 'villages south of Kirkuk ... 140 km²
    near Kirkuk' is south of Kirkuk, 'outskirts of Fallujah ... Fallujah, west of Baghdad' is not)."""
    span = sentences.span(sentence_index)
    own = _relations_in(span, text, mentions, same=True)
    figures = [m for m in AREA.finditer(text, *span) if not text[max(0, m.start() - 2):m.start()].strip().endswith("(")]
    if len(figures) > 1 and own:
        # several figures in one sentence: each takes the relation nearest it ('15 square miles south
        # of X, including 400 dunams around Y')
        return min(own, key=lambda r: _gap(r, value_pos))
    own = [r for r in own if not _locates_another_anchor(r, mentions, text)]
    straight = [r for r in own if r.direction in ROUND_ABOUT and _straight_after_figure(r, text, value_pos)]
    if straight:
        return straight[0]
    if any(r.direction not in ROUND_ABOUT for r in own):
        return min((r for r in own if r.direction not in ROUND_ABOUT), key=lambda r: _gap(r, value_pos))
    own_places = any(span[0] <= m.start < span[1] for m in mentions)
    lo = max(0, sentence_index - NEIGHBOUR_SENTENCES)
    hi = min(len(sentences) - 1, sentence_index + 1)
    near: list[_Relation] = []  # in order of preference: the sentences before, nearest first, then the next
    for i in [*range(sentence_index - 1, lo - 1, -1), *range(sentence_index + 1, hi + 1)]:
        start, end = sentences.span(i)
        if AREA.search(text, start, end):
            continue  # a sentence with a figure of its own keeps its relation to itself
        # from a neighbouring sentence only a compass direction carries over; a 'between' there is
        # about something else, unless the figure's own sentence names no place ('The targeted area
        # was about 120 km².' after '... between A and B')
        near.extend(r for r in _relations_in((start, end), text, mentions, same=False)
                    if r.direction in _COMPASS or (r.direction == "between" and not own_places))
    if own:
        around = min(own, key=lambda r: _gap(r, value_pos))
        same_anchor = [r for r in near if name_key(r.anchors[0].surface) == name_key(around.anchors[0].surface)]
        if same_anchor:
            return same_anchor[0]
        if near and all(r.weak for r in own):
            return near[0]  # a bare 'in X' yields to a side the neighbouring sentences give
        return around
    return near[0] if near else None


# 'cleared 9 km² around Khalidiya island, ...', '5 sq km near the village of X, ...': the words
# between the figure and its 'around', and between 'around' and its anchor
_FIGURE_TO_RELATION = re.compile(r"\s*(?:\([^)]{0,40}\)\s*)?(?:of\s+(?:desert|land|territory|farmland|terrain)\s+)?$",
                                 re.IGNORECASE)
_RELATION_TO_ANCHOR = re.compile(r"\s+(?:the\s+)?(?:(?:town|city|village|island|mountains?|area)\s+of\s+)?$",
                                 re.IGNORECASE)


def _straight_after_figure(relation: _Relation, text: str, value_pos: int) -> bool:
    """Whether an 'around X' or 'near the village of X' follows the figure straight on: '9 km² around X' is
    around X, '5 km² near the village of X' is near X, whatever side of another place the rest of the
    sentence names (it says where X lies)."""
    figure = AREA.match(text, value_pos)
    if figure is None or relation.at < figure.end() or not relation.anchors:
        return False
    word = AROUND.match(text, relation.at)
    return word is not None and _FIGURE_TO_RELATION.fullmatch(text, figure.end(), relation.at) is not None and \
        _RELATION_TO_ANCHOR.fullmatch(text, word.end(), relation.anchors[0].start) is not None


_APPOSITION = re.compile(r"(?:\s+(?:area|region|district|sub-?district|village|town|city|countryside|valley))?"
                         r"\s*,\s*(?:in\s+|on\s+the\s+|(?:some|about|around|roughly|nearly)\s+)?"
                         r"(?:\d+(?:\.\d+)?\s*(?:km|kms|kilomet(?:re|er)s?|miles?)\s+)?$", re.IGNORECASE)


# 'in the Wadi Horan area of western Anbar': a compass adjective after 'X area of' places X within a part
# of the province, it is not the area's side
_PART_OF = re.compile(r"(?:\s+(?:area|region|district|sub-?district|valley|desert|mountains?|hills))?\s+(?:of|in)\s+",
                      re.IGNORECASE)


def _locates_another_anchor(relation: _Relation, mentions: list[Mention], text: str) -> bool:
    """'in the Kubaisa area, southwest of Hit', 'west of the town of Rutba, some 380 km west of Baghdad',
    'near the village of X, on the western bank of the Tigris', 'the X area of western Anbar': a compass
    phrase set off after a place says where that place lies, not on which side of its own anchor the area
    is."""
    if relation.direction in ROUND_ABOUT or relation.direction == "between":
        return False
    before = [m for m in mentions if m.end <= relation.at and m not in relation.anchors]
    if not before:
        return False
    adjective = not re.search(r"\b(?:of|from)\s*$", relation.text)  # 'western Anbar', not 'west of Anbar'
    return _APPOSITION.fullmatch(text, before[-1].end, relation.at) is not None or \
        (adjective and _PART_OF.fullmatch(text, before[-1].end, relation.at) is not None)


def _gap(relation: _Relation, value_pos: int) -> tuple[int, int]:
    """Relations after the figure first ('30 km² south of X'), then the nearest."""
    return (0 if relation.at >= value_pos else 1, abs(relation.at - value_pos))


def _status(sentence: str) -> str | None:
    """cleared / targeted / planned, or None when the figure is not a clearance at all: a figure needs
    a clearing, targeting or planning verb in its sentence ('burned 300 dunams of orchards' is not)."""
    cleared = CLEARED.search(sentence)
    if NOT_CLEARANCE.search(sentence) and not cleared:
        return None
    if LOSS.search(sentence) and not cleared:
        return None
    if AIMED_CLEARING.search(sentence):
        # an aim: 'targeted' when an offensive is under way on it, 'planned' when it is to come
        return "targeted" if UNDER_WAY.search(sentence) else "planned"
    if cleared:
        return "cleared"
    if TARGETED.search(sentence):
        return "targeted"
    if PLANNED.search(sentence):
        return "planned"
    return None


def _in_conversion(text: str, start: int, previous_end: int | None) -> bool:
    """True for the '(54 square miles)' that restates the figure just before it."""
    if previous_end is None:
        return False
    gap = text[previous_end:start]
    return len(gap) <= 6 and "(" in gap


def find_areas(text: str, sentences: Sentences, mentions: list[Mention]) -> list[AreaStatement]:
    """Every area statement in the text, conversions and non-clearances left out."""
    statements: list[AreaStatement] = []
    lowered = text.lower()
    if not any(word in lowered for word in UNIT_HINTS):
        return statements
    previous_end: int | None = None
    for m in AREA.finditer(text):
        value = parse_number(m.group("value"))
        if value is None or value < 0:  # a zero figure is kept: shapes flags it, draws nothing
            continue
        if _in_conversion(text, m.start(), previous_end):
            previous_end = m.end()
            continue
        previous_end = m.end()
        unit_text = m.group("unit")
        factor = next(f for u, f in UNITS_KM2 if re.fullmatch(u, unit_text, re.IGNORECASE))
        if factor == 0.01 and unit_text.lower() == "ha" and not re.search(r"\d", m.group("value")):
            continue
        clause = _clause(text, m.start(), m.end())
        status = _status(clause)
        if status is None:
            continue
        km2 = value * factor
        range_km2 = None
        upper = parse_number(m.group("upper")) if m.group("upper") else None
        if upper is not None and upper > value:
            range_km2 = (value * factor, upper * factor)
            km2 = (range_km2[0] + range_km2[1]) / 2
        flag = ""
        sentence = sentences.sentence(sentences.index_at(m.start()))
        if CAMPAIGN_TOTAL.search(clause) and not any(x.sentence == sentence for x in mentions):
            flag = "a campaign's running total with no place of its own: kept, not mapped"
        elif SEVERAL_PROVINCES.match(text, m.end()):
            flag = "a total over several provinces: kept, not mapped"
        statements.append(_statement(text, sentences, mentions, m, km2, unit_text, status, range_km2, flag=flag))
    for m in ADVANCE.finditer(text):
        if any(s.start <= m.start("value") < s.start + 40 for s in statements):
            continue
        statements.append(_statement(text, sentences, mentions, m, None, m.group("unit"), "cleared", None,
                                     flag="an advance by distance: a length, not an area; not mapped"))
    for m in AMBIGUOUS.finditer(text):
        clause = _clause(text, m.start(), m.end())
        if not CLEARED.search(clause) or any(s.start <= m.start() < s.start + 80 for s in statements):
            continue
        statements.append(_statement(text, sentences, mentions, m, None, m.group("unit"), "cleared", None,
                                     flag="ambiguous unit: a length, not an area; not mapped"))
    statements.sort(key=lambda s: s.start)
    return _one_per_figure(statements)


def _one_per_figure(statements: list[AreaStatement]) -> list[AreaStatement]:
    """A report that gives the same figure twice describes one area: keep the telling that says most
    about where it lies (a two-anchor relation, then a compass direction, then any relation)."""
    def detail(s: AreaStatement) -> int:
        return (2 if s.direction == "between" else 1 if s.direction and s.direction != "around" else 0) * 2 \
            + (1 if s.direction else 0)

    kept: list[AreaStatement] = []
    for s in statements:
        same = next((k for k in kept if s.area_km2 is not None and k.area_km2 is not None
                     and abs(k.area_km2 - s.area_km2) <= 0.01 * s.area_km2), None)
        if same is None:
            kept.append(s)
        elif detail(s) > detail(same):
            kept[kept.index(same)] = s
    return kept


def _clause(text: str, start: int, end: int) -> str:
    """The sentence part around a figure, up to the neighbouring semicolons or sentence ends."""
    left = max(text.rfind(c, 0, start) for c in ".;!?\n")
    rights = [p for p in (text.find(c, end) for c in ".;!?\n") if p != -1]
    return text[left + 1:min(rights) if rights else len(text)]


def _statement(text: str, sentences: Sentences, mentions: list[Mention], m: re.Match[str], km2: float | None,
               unit_text: str, status: str, range_km2: tuple[float, float] | None,
               flag: str = "") -> AreaStatement:
    index = sentences.index_at(m.start())
    relation = None if flag and km2 is not None else _best_relation(index, sentences, text, mentions, m.start())
    hedge = (m.group("hedge") or "").strip().lower()
    if hedge.startswith("an area") or hedge == "a total of":
        hedge = ""
    return AreaStatement(
        quote=sentences.sentence(index), start=m.start(), value_text=m.group("value"), unit_text=unit_text,
        area_km2=round(km2, 6) if km2 is not None else None, hedge=hedge, range_km2=range_km2, status=status,
        direction=relation.direction if relation and relation.direction != "near" else None, direction_text=relation.text if relation else "",
        anchor_surfaces=tuple(a.surface for a in relation.anchors) if relation else (),
        anchor_offsets=tuple(a.start for a in relation.anchors) if relation else (), flag=flag,
        distance_km=relation.distance_km if relation else None)
