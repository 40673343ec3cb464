"""Place mentions: gazetteer names matched on word boundaries, plus cued names the gazetteer lacks.

Rules, in the analyst's terms:
- a name is matched whole (longest match first), must start with a capital letter (or a non-Latin
  letter), and may carry a leading article ("al-Hawija");
- a name inside an organisation's name is not a place ("Kurdistan Region Security Council",
  "Islamic State of Iraq and Syria");
- a capitalised name after a place cue ("the villages of X, Y and Z", "Mount X", "X district") is a
  mention even when the gazetteer lacks it, so an analyst sees it unresolved.
"""

from __future__ import annotations

import bisect
import itertools
import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import lru_cache
from typing import NamedTuple

from opmap.extract.sentences import Sentences
from opmap.gazetteer import NOT_PLACE_NAMES, GazetteerIndex
from opmap.model import GazetteerEntry, Mention
from opmap.spelling import ARTICLES, fold_token, name_key
from opmap.vocabulary import word_list

_TOKEN = re.compile(r"[^\W_]+(?:['’ʿ](?![sS]\b)[^\W_]+)*")
# Words that make a capitalised run an organisation's name rather than a place.
ORGANISATION_HEADS = frozenset(fold_token(w) for w in word_list("organisation_heads"))  # folded like token keys
_CONNECTORS = frozenset({"of", "and", "for", "the"})
# Armed groups whose names end 'in <country>' ('Islamic State in Iraq', 'al-Qaeda in Iraq').
NAMED_IN_HEADS = frozenset(fold_token(w) for w in ["resistance", "state", "qaeda", "qaida"])
# Every repetition is bounded (a word of at most 41 characters and 4 apostrophes, a list of at most 40
# names), so no pattern built from these can backtrack beyond a constant per position: matching stays
# linear in the text.
_WORD = r"[A-Z][\w‐-]{0,40}(?:['’](?![sS]\b)[\w‐-]{1,40}){0,4}"  # a capitalised word; a possessive 's ends it
_NAME = rf"(?:(?:al|el|Al|El)[-‐ ])?{_WORD}(?:\s{{1,20}}(?:(?:al|el)[-‐] ?)?{_WORD}){{0,3}}"
# The same words with possessive letter runs ('{0,40}+': never given back). In every pattern but ROAD a
# name is followed by a space, a comma, an apostrophe or the pattern's end, never by a letter or hyphen,
# so a shorter run could never match where the whole run failed: the same matches, without the engine
# retrying each word letter by letter (tests/test_toponyms.py compares the two forms).
_WORD_RUN = r"[A-Z][\w‐-]{0,40}+(?:['’](?![sS]\b)[\w‐-]{1,40}+){0,4}"
_NAME_RUN = rf"(?:(?:al|el|Al|El)[-‐ ])?{_WORD_RUN}(?:\s{{1,20}}(?:(?:al|el)[-‐] ?)?{_WORD_RUN}){{0,3}}"
# Words after a name that make it a feature's name: 'Haditha Dam', 'Harir air base', 'Wadi Neft intersection'.
FEATURE_HEADS = (r"(?:River\s+|river\s+)?(?:[Vv]alley)|[Bb]ridge|[Oo]il ?[Ff]ields?|[Pp]lains?|[Aa]ir ?[Bb]ase|"
                 r"[Mm]ilitary [Bb]ase|[Bb]ase|[Aa]irport|[Bb]order [Cc]rossing|[Cc]rossing|[Jj]unction|[Ii]ntersection|"
                 r"[Cc]heckpoint|[Dd]am|[Ff]actory|[Rr]efinery|[Pp]eak|[Dd]esert|[Bb]asin|[Rr]oad|[Hh]ighway|"
                 r"[Cc]amp|[Ss]hrine|[Mm]onastery|[Rr]esort|[Pp]lateau|[Ww]adi|[Ss]trip|[Ii]sland")
_LIST = rf"{_NAME_RUN}(?:\s*,\s*(?:and\s+)?{_NAME_RUN}|\s+and\s+{_NAME_RUN}){{0,40}}"
_NAME_START = r"(?:[A-Z]|[ae]l[-‐ ])"  # how every name begins ('Al-' and 'El-' begin with a capital)


class Gate:
    """A cheap test that every match of a cue pattern passes, so that the pattern (slow: it tries a name
    at every letter) reads only the sentences where it may match. Some word of `words`, found in the
    lower-cased text, is followed by `then` (matched right after it) and, with `after_a_name`, has a
    capitalised word just before it ('spaced': spaces between; 'joined': nothing between).
    (A plain class: a dataclass would cost its code generation at every start.)"""

    __slots__ = ("after_a_name", "then", "words")

    def __init__(self, words: tuple[str, ...], then: re.Pattern[str] | None = None, after_a_name: str = "") -> None:
        self.words, self.then, self.after_a_name = words, then, after_a_name

    def passes(self, text: str, at: int, word: str) -> bool:
        if self.then is not None and self.then.match(text, at + len(word)) is None:
            return False
        return not self.after_a_name or _capital_word_before(text, at, self.after_a_name == "spaced")


def _capital_word_before(text: str, at: int, spaced: bool) -> bool:
    """Whether a run of word characters, hyphens and apostrophes holding a capital A-Z ends just before
    `at` (with `spaced`, before the spaces that end at `at`): the last word of a name can end there."""
    end = at
    while end > 0 and text[end - 1].isspace():
        end -= 1
    if spaced == (end == at):
        return False
    begin = end
    while begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] in "_'’‐-"):
        begin -= 1
    return any("A" <= c <= "Z" for c in text[begin:end])


_FEATURE_WORDS = ("river", "valley", "bridge", "oil", "plain", "air", "military", "base", "airport", "border", "crossing",
                  "junction", "intersection", "checkpoint", "dam", "factory", "refinery", "peak", "desert", "basin",
                  "road", "highway", "camp", "shrine", "monastery", "resort", "plateau", "wadi", "strip",
                  "island")
_OF_A_NAME = re.compile(rf"\s+of\s+{_NAME_START}")
# (cue, pattern, the words a sentence must hold for the pattern to be tried (() = the cue's CUE_HINTS),
#  gate: None or a Gate every match passes)
CUES: tuple[tuple[str, re.Pattern[str], tuple[str, ...], Gate | None], ...] = (
    ("village", re.compile(rf"\b(?:villages?|hamlets?|localities|locality|towns?|city|cities)\s+(?:of\s+|including\s+|include\s+|included\s+|"
                           rf"such as\s+|like\s+|namely\s+|:\s*|—\s*|–\s*)?({_LIST})"), (),
     Gate(("village", "hamlet", "localit", "town", "city", "cities"),
          re.compile(rf"[a-z]{{0,3}}\s+(?:of\s+|including\s+|include\s+|included\s+|such as\s+|like\s+|namely\s+|"
                     rf":\s*|—\s*|–\s*)?{_NAME_START}"))),
    ("village", re.compile(rf"\b({_LIST})\s+(?:village|villages|town|towns|hamlet)\b"), (),
     Gate(("village", "town", "hamlet"), after_a_name="spaced")),
    ("front", re.compile(rf"\b(?:fronts?|ax[ie]s)\s+of\s+({_LIST})|\b({_LIST})\s+(?:fronts?|ax[ie]s)\b"), ("front", "axis", "axes"), None),
    # 'Wadi al-Shay', 'Wadi Zghaytun': a valley named with its head first
    ("wadi", re.compile(rf"\b((?:Wadi|Wādī)\s+{_NAME_RUN})"), ("wadi", "wādī"), None),
    # 'the Hay al-Askari neighbourhood', 'the neighbourhood of Tisʿin': a part of a town
    ("neighbourhood", re.compile(rf"\b({_NAME_RUN})\s+(?:neighbou?rhood|quarter)s?\b|\b(?:neighbou?rhood|quarter)s?\s+"
                                 rf"of\s+({_NAME_RUN})"), ("neighbo", "quarter"), None),
    # a name the text locates by a side of a known place: 'in Tel Skuf, north of Mosul'
    ("place", re.compile(rf"\b(?:in|at|near|from|to|around|outside|towards?|of|into|via|past|beyond|retook|"
                         rf"recaptured|captured|entered|"
                         rf"liberated|seized|reached|stormed|shelled|struck|hit|attacked|cleared|besieged|bombed)\s+"
                         rf"({_NAME_RUN}),\s+(?:just\s+)?(?:north|south|east|west)(?:-?(?:east|west))?\s+of\s+"
                         rf"(?=[A-Z]|the\s)"), ("north", "south", "east", "west"),
     Gate((",",), re.compile(r"\s+(?:just\s+)?(?:north|south|east|west)(?:-?(?:east|west))?\s+of\s+(?:[A-Z]|the\s)"),
          "joined")),
    # a strike release's line: '-- Near Sultan Abdallah, one strike destroyed ...'
    ("place", re.compile(rf"(?<![^\n])[ \t]*(?:[-–—•*]+\s*)?Near\s+({_NAME_RUN}),"), ("near",), None),
    ("area", re.compile(rf"\b({_NAME_RUN})\s+(?:area|region)\b"), (),
     Gate(("area", "region"), after_a_name="spaced")),
    ("feature", re.compile(rf"\b({_NAME_RUN}\s+(?:{FEATURE_HEADS}))\b"), (),
     Gate(_FEATURE_WORDS, after_a_name="spaced")),
    # a list headed by a place noun: 'nine villages were cleared: A, B and C', 'the following areas: A, B'
    ("village", re.compile(rf"\b(?:villages|areas|towns|hamlets|localities|places|sites|settlements)\b[^.;:\n]{{0,50}}"
                           rf":\s*({_LIST})"), (":",), None),
    ("village", re.compile(rf"\b(?:the\s+)?areas\s+of\s+({_LIST})"), ("areas of",), None),
    ("village", re.compile(rf"\b(?:areas?|places|regions|sites)\s+(?:like|such as|including|namely)\s+({_LIST})"),
     (" like ", "such as", "including", "namely"), None),
    # a name in apposition to a place noun: 'Bartella, a largely Christian town', 'X, a village near Y'
    ("village", re.compile(rf"\b({_NAME_RUN}),\s+an?\s+(?:(?!(?:in|of|the|from|at|near|for|with|who)\b)[\w-]+\s+){{0,4}}?"
                           r"(?:town|village|city|hamlet)"
                           r"(?=\s*[,.;:)\n]|\s+(?:near|in|on|of|next|north|south|east|west|outside|close|along|about|"
                           r"some|that|which|where|whose|with|at|by|from|just|located|situated|inhabited|populated|"
                           r"home|lying|bordering|overlooking)\b)"),
     (" a ", " an "), Gate((",",), re.compile(r"\s+an?\s"), "joined")),
    # a numbered road: 'Highway 47', 'Route 1'
    ("highway", re.compile(r"\b((?:Highway|Route)\s+\d{1,3})\b"), ("highway", "route"), None),
    # a place's officials: 'the mayor of X', 'the governor of X'
    ("place", re.compile(rf"\b(?:[Mm]ayor|[Gg]overnor|[Qq]aimaqam|[Dd]istrict [Cc]ommissioner|[Hh]ead)\s+of\s+({_NAME_RUN})"),
     ("mayor", "governor", "qaimaqam", "commissioner", "head of"), None),
    # a name the text locates: 'X is 90 kilometers northeast of Erbil', 'X, 10 miles north of Y'
    ("place", re.compile(rf"\b({_NAME_RUN}),?\s+(?:is|lies|sits|located)?\s*(?:about|some|around|roughly|nearly|"
                           rf"approximately)?\s*\d+(?:\s*[-–]\s*\d+)?\s*(?:km|kms|kilomet(?:re|er)s?|miles?)\s+"
                           rf"(?:north|south|east|west)\w*\s+of\b"), ("km", "kilomet", "mile"), None),
    # 'the sub-district of X', 'A and B sub-districts'
    ("subdistrict", re.compile(rf"\b(?:sub-?districts?|subdistricts?|districts?|nahiyas?|qadhas?)\s+of\s+({_LIST})"),
     ("district", "nahiya", "qadha"), None),
    ("subdistrict", re.compile(rf"\b({_NAME_RUN}(?:\s*,\s*{_NAME_RUN}){{0,40}},?\s+and\s+{_NAME_RUN})\s+(?:sub-?districts|subdistricts|"
                               rf"districts|provinces|governorates)\b"), ("districts", "provinces", "governorates"), None),
    # 'from Sinjar to Qandil': two places of any kind (towns, mountains, regions)
    ("place", re.compile(rf"\bfrom\s+({_NAME_RUN})\s+(?:to|toward|towards|into)\s+({_NAME_RUN})"), ("from ",),
     Gate(("from",), re.compile(rf"\s+{_NAME_START}"))),
    ("compass", re.compile(rf"\b(?:[Nn]orth|[Ss]outh|[Ee]ast|[Ww]est)(?:-?(?:east|west))?(?:ern)?\s+of\s+({_NAME_RUN})"), (),
     Gate(("north", "south", "east", "west"), re.compile(rf"(?:-?(?:east|west))?(?:ern)?{_OF_A_NAME.pattern}"))),
    ("village", re.compile(rf"\b(?:recapture|capture|liberation|retaking|fall|outskirts)\s+of\s+({_NAME_RUN})"), (),
     Gate(("recapture", "capture", "liberation", "retaking", "fall", "outskirts"), _OF_A_NAME)),
    ("village", re.compile(rf"\b(?:villages|hamlets|towns)\b[^.;:]{{0,60}}?\b(?:including|include|included|such as|"
                           rf"namely|are|were)\s+({_LIST})"), (),
     Gate(("villages", "hamlets", "towns"), re.compile(rf"\b[^.;:]{{0,60}}?\b(?:including|include|included|such as|"
                                                     rf"namely|are|were)\s+{_NAME_START}"))),
    ("mount", re.compile(rf"\b((?:Mount|Mt\.?|Jabal|Jebel)\s+{_NAME_RUN})"), (), None),
    ("range", re.compile(rf"\b({_NAME_RUN}\s+(?:Mountains?|Range|Heights|Hills?|mountains?|heights|hills?))\b"), (),
     Gate(("mountain", "range", "height", "hill"), after_a_name="spaced")),
    ("district", re.compile(rf"\b({_NAME_RUN}\s+(?:district|sub-?district|subdistrict|District|Sub-?district))\b"), (),
     Gate(("district", "sub-district", "subdistrict"), after_a_name="spaced")),
    ("governorate", re.compile(rf"\b({_NAME_RUN}\s+(?:province|governorate|Province|Governorate))\b"), (),
     Gate(("province", "governorate"), after_a_name="spaced")),
    ("outskirts", re.compile(rf"\boutskirts\s+of\s+({_NAME_RUN})"), (),
     Gate(("outskirts",), _OF_A_NAME)),
    # 'X, a village in Y', 'X, a small Kurdish town north of Y': a name the text says is a place
    ("place", re.compile(rf"\b({_NAME_RUN}),\s+(?:a|an|the)\s+(?:[\w-]+\s+){{0,2}}?(?:village|town|city|hamlet|"
                           rf"district|sub-?district|area|region|mountain|valley|border town|crossing)\b"
                           rf"(?!\s+(?:elders?|chiefs?|head|mukhtar|leaders?|residents?|officials?|council|police|mayor|"
                           rf"guards?|commanders?|governor|man|woman|boy|girl|teacher|doctor))"),
     (", a ", ", an ", ", the "),
     Gate((",",), re.compile(r"\s+(?:a|an|the)\s"), "joined")),
    # movement to a place: 'heading towards X', 'pushed into X', 'entered X', 'reached X', 'advanced on X'
    ("place", re.compile(rf"\b(?:towards?|toward|into|entered|entering|reached|reaching|stormed|storming|"
                           rf"advanced on|advancing on|marched on|heading to)\s+(?:the\s+(?:town|village|city)\s+of\s+)?"
                           rf"({_NAME_RUN})"),
     ("toward", "into", "enter", "reach", "storm", "advanc", "march", "heading"), None),
    # 'near X', 'around X', 'outside X', 'near A and B': what is near, around or outside something is a place
    ("place", re.compile(rf"\b(?:near|nearby|around|outside|close to|in the vicinity of)\s+"
                         rf"({_NAME_RUN}(?:\s+and\s+{_NAME_RUN})?)"),
     ("near", "around", "outside", "close to", "vicinity"),
     Gate(("near", "around", "outside", "close to", "vicinity of"), re.compile(rf"[a-z]{{0,2}}\s+{_NAME_START}"))),
)
ROAD = re.compile(rf"\b((?:{_NAME})[-–‐](?:{_NAME})\s+(?:road|highway|Road|Highway))\b")
_ROAD_WORD = re.compile(r"\s(?:road|highway|Road|Highway)\b")
ROAD_REACH = 400  # characters before 'road' that its two names can span (two names of at most 4 words)


def road_matches(text: str) -> Iterator[re.Match[str]]:
    """ROAD's matches, as `ROAD.finditer` finds them, but tried only in a window before each 'road' or
    'highway': a long run of capitalised words without one costs nothing."""
    done = 0
    for word in _ROAD_WORD.finditer(text):
        m = ROAD.search(text, max(done, word.start() - ROAD_REACH), word.end())
        if m is not None:
            done = m.end()
            yield m
UNIT_WORDS = {"district": "district", "subdistrict": "district", "sub": "district", "province": "governorate",
              "governorate": "governorate", "region": "governorate", "mountains": "mount", "mountain": "mount",
              "heights": "mount", "hils": "mount", "hil": "mount", "range": "mount", "mount": "mount"}
MOUNT_WORDS = frozenset({"mount", "mt", "jabal", "jebel"})
CUE_ENTRY_TYPES = {"district": {"district", "subdistrict"}, "governorate": {"governorate", "region"},
                   "mount": {"mountain", "range", "hill"}}
UNIT_SUFFIXES = {"district": ("district", "sub district"), "governorate": ("governorate", "province"),
                 "mount": ("mountains",)}
DIRECTIONAL_ADJECTIVES = frozenset({"northern", "southern", "eastern", "western", "central", "northeastern",
                                    "northwestern", "southeastern", "southwestern"})
DEMONYMS = {"kurdish": "Kurdistan Region", "iraqi": "Iraq", "iranian": "Iran", "turkish": "Turkey", "syrian": "Syria", "jordanian": "Jordan",
            "saudi": "Saudi Arabia", "kuwaiti": "Kuwait"}
CUE_VARIANT_TYPES = {"village": frozenset({"settlement"}), "front": frozenset({"settlement"}),
                     "area": frozenset({"settlement", "valley", "region", "facility", "subdistrict"}), "mount": frozenset({"mountain", "range", "hill"}),
                     "range": frozenset({"mountain", "range", "hill"}), "district": frozenset({"district", "subdistrict"}),
                     "governorate": frozenset({"governorate"}), "outskirts": frozenset({"settlement"}),
                     "subdistrict": frozenset({"subdistrict", "district", "settlement"})}
ACTOR_AFTER = re.compile(r"^(?:['’]s)?\s*(?:government|authorities|officials|leaders|leadership|administration)?"
                         r"\s*(?:has |have |had )?(?:said|says|announced|agreed|agree|denied|deny|claimed|accused|"
                         r"rejected|demanded|stated|insisted|insists|warned|wants|responded|condemned|signed|traded|"
                         r"exchanged|urged|called|blamed|welcomed|criticized|criticised|announced|threatened|"
                         r"reached an agreement|negotiat\w*)\b", re.IGNORECASE)
ACTOR_BEFORE = re.compile(r"\b(?:disputed|claimed|contested)\s+(?:by|between)\s+(?:both\s+)?(?:[\w-]+\s+and\s+)?$|"
                          r"\b(?:talks|relations|agreement|dispute|tensions|negotiations)\s+between\s+"
                          r"(?:[\w-]+\s+and\s+)?$",
                          re.IGNORECASE)
SPEAKERS_IN = re.compile(r"\b(?:officials?|sources?|spokes(?:man|woman|person)|authorities|residents?|police|"
                         r"commanders?|journalists?|reporters?|correspondents?|analysts?|diplomats?|ministry|"
                         r"leaders?)\s+(?:in|from|based in)\s+(?:the\s+)?$", re.IGNORECASE)
REPORTED = re.compile(r"^[^.;]{0,40}?\b(?:said|say|says|told|reported|report|stated|announced|confirmed|claimed|"
                      r"added|noted)\b", re.IGNORECASE)
OPERATION_WORDS = re.compile(r"\b(?:clear(?:ed|ing)?|liberat\w+|retak\w+|retook|recaptur\w+|attack\w*|"
                             r"operations?|offensive|assault|air ?strikes?|strikes?|struck|clash\w*|fight\w*|"
                             r"kill\w*|wounded|launched|bomb\w*|shell\w*|ambush\w*|raid\w*|advanc\w+|"
                             r"besieg\w+|storm\w*|captur\w+|seiz\w+|freed|destroy\w*|targeted|battle\w*)\b",
                             re.IGNORECASE)
_OPERATION_WORDS_LOWER = re.compile(OPERATION_WORDS.pattern)  # its words are all lower case
PLACE_PREPOSITIONS = frozenset(fold_token(w) for w in {"nearby", "in", "near", "of", "from", "to", "outside", "around", "towards", "toward", "at",
                                "into", "between", "and", "via", "across", "through", "inside", "reach", "reached"})
TITLES = frozenset(fold_token(w) for w in word_list("titles"))
NOT_A_NAME_START = frozenset(fold_token(w) for w in word_list("not_a_name_start"))
FEATURE_WORDS = frozenset(fold_token(w) for w in word_list("feature_words"))
_BORDER_ADJECTIVES = ("Iraqi", "Iranian", "Turkish", "Syrian", "Jordanian", "Saudi", "Kuwaiti", "Kurdish")
_BORDER = re.compile(rf"\b({'|'.join(_BORDER_ADJECTIVES)})\s+(?:(?:border|frontier)s?|soil|"
                     r"territory|territories|airspace|region|side(?=\s+of\s+the\s+borders?))\b")
LEADING_NOISE = frozenset({"the", "in", "on", "at", "of", "and", "from", "to", "by", "as", "after", "during",
                           "near", "while", "with", "for", "a", "an", "when", "but", "both", "besides", "including",
                           "except", "like", "beyond", "across", "around", "also"})
_LOCATED_BY = re.compile(r",?\s*(?:\(|which is\s+|located\s+|some\s+|about\s+|around\s+|roughly\s+|nearly\s+)*"
                         r"(?P<distance>\d+(?:\.\d+)?)\s*(?P<unit>km|kms|kilomet(?:re|er)s?|miles?)\s+"
                         r"(?P<direction>(?:north|south|east|west)(?:[\s-]?(?:east|west))?)\s+of\s+", re.IGNORECASE)
_OTHER_PLACES = r"(?:some |several |many |a few )?other (?:areas|villages|places|towns|localities|positions)"
_NAME_LIST = re.compile(rf"{_NAME_RUN}(?:\s*,\s*{_NAME_RUN}){{1,40}},?\s+and\s+(?:{_NAME_RUN}|(?P<others>{_OTHER_PLACES}))")
# 'pro-Iran militias', 'anti-Baghdad protests': an allegiance, not a place.
# 'X's house', 'X's son': X is a person.
_PERSONS_THINGS = re.compile(r"['’]s\s+(?:house|home|family|son|sons|daughter|daughters|brother|brothers|wife|car|"
                             r"body|residence|relatives|farm|funeral|killing|death|arrest)\b")
_AFFILIATION = re.compile(r"\b(?:pro|anti)[-‐]$", re.IGNORECASE)
_LEADING_ARTICLE = re.compile(r"^(?:al|el|Al|El)[-‐ ]")
CUE_HINTS = {"area": ("area", "region"),
             "feature": (" valley", " bridge", " oil", " plain", " base", "airbase", " airport", " crossing",
                         " junction", " intersection", " checkpoint", " dam", " factory", " refinery", " peak",
                         " desert", " basin", " road", " highway", " camp", " shrine", " monastery", " resort",
                         " plateau", " wadi", " strip", " island"),
             "subdistrict": ("district", "nahiya", "qadha", "province", "governorate"),
             "village": ("from ", "village", "hamlet", "localit", "town", "cit", "captur", "liberation", "retaking", "fall of",
                         "outskirts"), "front": ("front",), "compass": ("north", "south", "east", "west"), "mount": ("mount", "mt", "jabal", "jebel"),
             "range": ("mountain", "range", "height", "hill"), "district": ("district",),
             "governorate": ("province", "governorate"), "outskirts": ("outskirts",)}
# 'the Salaheddine, Samarra and Diyala operations commands': commands named after their sectors.
_COMMANDS = re.compile(rf"{_LIST}\s+(?:operations?\s+)?commands?\b")
_LIST_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


class Token(NamedTuple):
    """A word of the text: as written, folded (`fold_token`), whether it is capitalised, where it is."""

    text: str
    key: str
    capital: bool  # _capitalised(text)
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    # a named tuple, built with tuple.__new__ from the word's memoised key and capital: a report has
    # hundreds of words, and this is the one pass over all of them
    new, info = tuple.__new__, _word_info
    # (tuples joined with + build faster than unpacked into one: measured)
    return [new(Token, (w,) + info(w) + m.span())  # noqa: RUF005
            for m in _TOKEN.finditer(text) for w in (m.group(),)]


@lru_cache(maxsize=1 << 16)
def _word_info(word: str) -> tuple[str, bool]:
    return fold_token(word), _capitalised(word)


def _capitalised(word: str) -> bool:
    first = word[0]
    return first.isupper() or (not first.isascii() and first.isalpha())


def _joined(text: str, left: Token, right: Token) -> bool:
    """Two tokens belong to one name when only spaces or a hyphen stand between them."""
    gap = text[left.end:right.start]
    return len(gap) <= 2 and gap.strip(" -‐") == "" and "\n" not in gap


def _continues_run(text: str, tokens: list[Token], j: int) -> bool:
    """Whether token j continues the capitalised run token j - 1 is in: only spaces, hyphens or
    apostrophes between, and j capitalised, or a connector ('of', 'and') or 'al-' before a capital."""
    if text[tokens[j - 1].end:tokens[j].start].strip(" -‐'’") != "":
        return False
    token = tokens[j]
    if token.capital:
        return True
    if j + 1 >= len(tokens) or not tokens[j + 1].capital:
        return False
    return token.text.lower() in _CONNECTORS or (token.key in ("al", "el") and text[token.end:token.end + 1] in "-‐")


def organisation_spans(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Character spans of capitalised runs that name an organisation.

    Runs are read left to right: a run starts at a capitalised word and takes every word that
    continues it. Only runs holding an organisation's head word give a span, so only those are read:
    from each head back to its run's start (the first capital after the last break), then forward."""
    spans: list[tuple[int, int]] = []
    done = 0  # the tokens before this one belong to runs already read
    for head in [k for k, t in enumerate(tokens) if t.capital and t.key in ORGANISATION_HEADS]:
        if head < done:
            continue
        first = head
        while first > done and _continues_run(text, tokens, first):
            first -= 1
        while not tokens[first].capital:
            first += 1
        j = head + 1
        while j < len(tokens) and _continues_run(text, tokens, j):
            j += 1
        last = max(k for k in range(head, j) if tokens[k].key in ORGANISATION_HEADS and tokens[k].capital)
        end = last
        if last + 1 < j and tokens[last + 1].text.lower() in ("of", "for"):
            end = j - 1
        elif tokens[last].key in NAMED_IN_HEADS and j + 1 < len(tokens) and tokens[j].text == "in" \
                and tokens[j + 1].capital:
            end = j + 1  # 'the Islamic Resistance in Iraq', 'al-Qaeda in Iraq': the group's name
        spans.append((tokens[first].start, tokens[end].end))
        done = j
    at = text.find("ommand")
    while at != -1:  # 'the X, Y and Z operations commands': only around the word, the list reads back from it
        line_start = max(text.rfind(".", 0, at), text.rfind("\n", 0, at), at - 200) + 1
        spans.extend((m.start(), m.end()) for m in _COMMANDS.finditer(text, line_start, at + 12))
        at = text.find("ommand", at + 6)
    return spans


class Spans:
    """Character spans kept sorted, so 'does anything overlap / contain this?' looks only at the
    spans that start nearby: a report's cost stays linear in its mentions, however long its lists."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self.items: list[tuple[int, int]] = []
        self.longest = 0
        self.extend(spans)

    def append(self, span: tuple[int, int]) -> None:
        insort(self.items, span)
        self.longest = max(self.longest, span[1] - span[0])

    def extend(self, spans: Iterable[tuple[int, int]]) -> None:
        for span in spans:
            self.append(span)

    def _near(self, start: int, end: int) -> list[tuple[int, int]]:
        """The spans that start in [start - longest, end]: the only ones that can meet [start, end)."""
        low = bisect_left(self.items, (start - self.longest, -1))
        high = bisect_right(self.items, (end, end + self.longest + 1))
        return self.items[low:high]

    def overlaps(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self._near(start, end))

    def covers(self, position: int) -> bool:
        return any(s <= position < e for s, e in self._near(position, position + 1))

    def within(self, start: int, end: int) -> bool:
        """Some span contains [start, end)."""
        return any(s <= start and end <= e for s, e in self._near(start, end))

    def inside(self, start: int, end: int) -> bool:
        """Some span lies inside [start, end)."""
        return any(start <= s and e <= end for s, e in self._near(start, end))

    def __bool__(self) -> bool:
        return bool(self.items)


def _inside(spans: Spans, start: int, end: int) -> bool:
    return spans.within(start, end)


# An opening dateline: 'ERBIL, Kurdistan Region –', 'Ebril, Kurdistan (Sputnik) –', 'NEAR YANKAJA, Iraq:'.
_DATELINE = re.compile(r"\s*(?:NEAR\s+|Near\s+)?(?P<town>[A-Z][A-Za-z'’-]+(?:[ -][A-Z][A-Za-z'’-]+){0,2})"
                       r"(?P<rest>,\s*[A-Z][\w ’'.-]{2,40}?)?\s*(?:\([^)]{1,40}\)\s*)?(?:[–—-]\s|:\s)")


def _dateline_end(text: str) -> int:
    """End offset of an opening dateline such as 'ERBIL, Kurdistan Region –', else 0."""
    m = _DATELINE.match(text)
    if m is None or (m.group("rest") is None and not m.group("town").isupper()):
        return 0  # 'Officials said:' is no dateline; a lone town in capitals is
    return m.end("rest") if m.group("rest") else m.end("town")


def _dateline_mention(text: str, index: GazetteerIndex, sentences: Sentences,
                      taken: Spans) -> list[Mention]:
    """The dateline's town, even when the tables lack it or spell it otherwise ('Ebril')."""
    m = _DATELINE.match(text)
    if m is None or not _dateline_end(text):
        return []
    start, end = m.span("town")
    town = m.group("town")
    key = name_key(town)
    if taken.overlaps(start, end) or not _could_be_a_name(key) or key.split()[0] in NOT_PLACE_NAMES:
        return []
    entries = index.lookup(key) or index.variants(town, frozenset({"settlement"}))
    return [Mention(town, start, end, sentences.at(start), tuple(entries), cue="village", role="dateline")]


def find_mentions(text: str, index: GazetteerIndex, sentences: Sentences) -> list[Mention]:
    """Every place mention in the text, in reading order."""
    tokens = tokenize(text)
    orgs = Spans(organisation_spans(text, tokens))
    dateline = _dateline_end(text)
    mentions: list[Mention] = []
    taken = Spans()
    for m in road_matches(text):
        entries = road_between(m.group(1), index) or tuple(index.lookup(name_key(m.group(1))))
        mentions.append(Mention(m.group(1), m.start(1), m.end(1), sentences.at(m.start(1)), entries, cue="road"))
        taken.append((m.start(1), m.end(1)))
    first_words = index.first_words
    # only a capitalised word that begins a gazetteer name, or a capitalised 'al'/'el', can begin a match
    # (_match_at refuses the rest)
    beginnings = [i for i, t in enumerate(tokens) if t.capital and (
        t.key in first_words if t.key not in ARTICLES else t.key in ("al", "el"))]
    after = 0  # the tokens before this one are read
    for i in beginnings:
        if i < after or (taken and taken.covers(tokens[i].start)):
            continue
        found = _match_at(text, tokens, i, index)
        if found is None:
            continue
        j, matched = found
        start, end = tokens[i].start, tokens[j].end
        if i > 0 and tokens[i - 1].text.lower() in ARTICLES and _joined(text, tokens[i - 1], tokens[i]) and (
                tokens[i - 1].key in ("al", "el") or text[tokens[i - 1].end] in "-‐"):
            start = tokens[i - 1].start
        if _inside(orgs, start, end) or _part_of_longer_name(text, tokens, i, j, index) \
                or _AFFILIATION.search(text, max(0, start - 5), start):
            after = j + 1
            continue
        start, end, j, matched, cue = _with_unit_words(text, tokens, i, j, start, end, matched, index)
        role = "dateline" if end <= dateline else "mentioned"
        mentions.append(Mention(text[start:end], start, end, sentences.at(start), tuple(matched), cue=cue,
                                role=role))
        taken.append((start, end))
        after = j + 1
    mentions.extend(_border_mentions(text, index, sentences, taken))
    mentions.extend(_dateline_mention(text, index, sentences, taken))
    listed = _list_mentions(text, index, sentences, mentions, orgs)
    mentions.extend(listed)
    taken.extend((m.start, m.end) for m in listed)
    mentions.extend(_variant_mentions(text, tokens, index, sentences, taken, orgs))
    # mentions by serial number (insertion order kept), found by span through a sorted index
    current = dict(enumerate(mentions))
    by_span: dict[tuple[int, int], list[int]] = {}
    for serial, known in current.items():
        by_span.setdefault((known.start, known.end), []).append(serial)
    next_serial = len(current)
    spans = Spans(by_span)
    for cued in _cued_mentions(text, index, sentences, orgs):
        near = dict.fromkeys(spans._near(cued.start, cued.end))
        overlapping = [k for span in near for k in by_span.get(span, ()) if k in current
                       and current[k].start < cued.end and cued.start < current[k].end]
        same = [k for k in overlapping if (current[k].start, current[k].end) == (cued.start, cued.end)
                and not current[k].cue]
        if same:  # a known name in a cue ('the villages of Hilwan'): it keeps its match, learns its cue
            for k in same:
                current[k] = replace(current[k], cue=cued.cue)
        elif all(cued.start <= current[k].start and current[k].end <= cued.end
                 and current[k].end - current[k].start < cued.end - cued.start
                 and current[k].cue != "road" for k in overlapping):
            for k in overlapping:
                del current[k]
            current[next_serial] = cued
            by_span.setdefault((cued.start, cued.end), []).append(next_serial)
            next_serial += 1
            spans.append((cued.start, cued.end))
    mentions = sorted(current.values(), key=lambda m: m.start)
    mentions = _with_repeated_mentions(text, mentions, sentences, orgs)
    mentions = [_in_named_country(text, m, index) for m in mentions]
    acting: dict[str, bool] = {}  # sentence -> whether it reports action, asked once per sentence
    read = []
    for mention in mentions:
        role = _role(text, mention, mentions, acting) if mention.role != "dateline" else mention.role
        offset_from = _offset_from(text, mention, mentions)
        read.append(mention if (role, offset_from) == (mention.role, mention.offset_from) else
                    mention.reread(role, offset_from))
    return read


_COUNTRY_BEFORE = re.compile(r"(?:\b(?P<demonym>Iranian|Syrian|Turkish|Jordanian|Saudi|Kuwaiti)\s+(?:border\s+)?"
                             r"(?:city|town|village|province|region|capital|district)\s+of\s+|"
                             r"\b(?P<country>Iran|Syria|Turkey|Jordan|Kuwait)['’]s\s+)$")


_COUNTRY_STEMS = ("Iran", "Syria", "Turk", "Jordan", "Saudi", "Kuwait")


def _in_named_country(text: str, mention: Mention, index: GazetteerIndex) -> Mention:
    """'the Iranian city of Kerman', "Syria's Idlib province": the text puts the place in a neighbouring
    country, which decides between namesakes and, when the tables lack the place, its zone."""
    window = text[max(0, mention.start - 40):mention.start]
    if not any(country in window for country in _COUNTRY_STEMS):  # each form names one of them
        return mention
    m = _COUNTRY_BEFORE.search(text, max(0, mention.start - 40), mention.start)
    if m is None:
        return mention
    name = DEMONYMS[m.group("demonym").lower()] if m.group("demonym") else m.group("country")
    countries = [e.country for e in index.lookup(name_key(name)) if e.type == "country" and e.country]
    return replace(mention, country=countries[0]) if countries else mention


def _with_repeated_mentions(text: str, mentions: list[Mention], sentences: Sentences,
                            orgs: Spans) -> list[Mention]:
    """A name the report introduced with a cue and the tables lack ('the village of Kani Sard') is a
    place wherever else the report writes it ('... then at Kani Sard'): one pass of one pattern over the
    text finds those other mentions, written the same way as a whole name, outside organisations. Like
    the cued name, a repeat replaces shorter mentions inside it ('Kani' alone)."""
    learned = {m.surface: m for m in mentions if m.cue and not m.candidates and m.cue != "road"}
    if not learned:
        return mentions
    pattern = re.compile(r"(?<![\w'’-])(?:" + "|".join(re.escape(n) for n in sorted(learned, key=len, reverse=True))
                         + r")(?![\w-]|['’][^sS\W])")
    kept = list(mentions)
    for m in pattern.finditer(text):
        start, end = m.span()
        if orgs.overlaps(start, end) or _name_continues(text, end):
            continue
        inside = [k for k in kept if k.start < end and start < k.end]
        if any(not (start <= k.start and k.end <= end and k.end - k.start < end - start) or k.cue == "road"
               for k in inside):
            continue  # the cued mention itself, or a longer name
        replaced = {id(k) for k in inside}
        kept = [k for k in kept if id(k) not in replaced]
        kept.append(replace(learned[m.group(0)], start=start, end=end, sentence=sentences.at(start),
                            role="mentioned", offset_from=None))
    return sorted(kept, key=lambda k: k.start)


def _name_continues(text: str, end: int) -> bool:
    """True when a capitalised word follows at `end` ('Kani Sard' inside 'Kani Sard Road')."""
    return text[end:end + 1] == " " and text[end + 1:end + 2].isupper()


def _offset_from(text: str, mention: Mention, mentions: list[Mention]) -> tuple[float, str, int] | None:
    """'X, 10 km south of Kirkuk': how far and which way X lies from a place the text names."""
    m = _LOCATED_BY.match(text, mention.end)
    if not m:
        return None
    first = bisect_left(mentions, m.end(), key=lambda a: a.start)
    anchor = next((a for a in itertools.takewhile(lambda a: a.start <= m.end() + 40, mentions[first:])
                   if m.end() <= a.start), None)
    if anchor is None:
        return None
    km = float(m.group("distance")) * (1.609344 if m.group("unit").lower().startswith("mi") else 1.0)
    from opmap.extract.areas import direction_code

    return km, direction_code(m.group("direction")), anchor.start


def _role(text: str, mention: Mention, mentions: list[Mention], acting: dict[str, bool] | None = None) -> str:
    """actor for a metonym ('Baghdad said', 'Erbil and Baghdad agreed', 'disputed by Baghdad and
    Erbil'); operation where the sentence reports action; mentioned otherwise."""
    after = text[mention.end:mention.end + 60]
    first = bisect_left(mentions, mention.end, key=lambda m: m.start)
    follower = next((m for m in itertools.takewhile(lambda m: m.start - mention.end <= 6, mentions[first:])
                     if m.start >= mention.end and text[mention.end:m.start].strip(" ,") in ("and", "&")), None)
    if follower is not None:
        after = text[follower.end:follower.end + 60]
    before = text[max(0, mention.start - 40):mention.start]
    if (" in " in before or " from " in before) and SPEAKERS_IN.search(before) and REPORTED.match(after):
        return "mentioned"  # 'officials in Erbil said': where the speakers sit, not where the fighting was
    if ACTOR_AFTER.match(after) or (_may_name_parties(before) and ACTOR_BEFORE.search(before)):
        return "actor"
    if acting is None:
        acting = {}
    if mention.sentence not in acting:
        acting[mention.sentence] = _reports_action(mention.sentence)
    if acting[mention.sentence]:
        return "operation"
    return "mentioned"


def _may_name_parties(before: str) -> bool:
    """False only where ACTOR_BEFORE cannot match: each of its forms ends 'by' or 'between' and a
    name or two (an ASCII text lower-cased matches as under IGNORECASE)."""
    if not before.isascii():
        return True
    lowered = before.lower()
    return "by" in lowered or "between" in lowered


@lru_cache(maxsize=256)
def _reports_action(sentence: str) -> bool:
    """Whether a sentence reports action; asked once per sentence, not once per name in it."""
    if sentence.isascii():  # lower-cased, an ASCII sentence matches as under IGNORECASE, twice as fast
        return _OPERATION_WORDS_LOWER.search(sentence.lower()) is not None
    return OPERATION_WORDS.search(sentence) is not None


def _with_unit_words(text: str, tokens: list[Token], i: int, j: int, start: int, end: int,
                     entries: list[GazetteerEntry], index: GazetteerIndex
                     ) -> tuple[int, int, int, list[GazetteerEntry], str]:
    """Take in the words that say which unit a name means: 'Diyala province', 'province of Kirkuk',
    'Daquq district', and a directional adjective: 'northern Iraq'. The unit word picks the candidate."""
    base = " ".join(t.key for t in tokens[i:j + 1])
    cue, unit = "", ""
    if j + 1 < len(tokens) and tokens[j + 1].key in UNIT_WORDS and _joined(text, tokens[j], tokens[j + 1]):
        unit = tokens[j + 1].key
        # 'Jalawla and Saadiya sub-districts': the head the list shares stays out of each name
        shared_head = unit == "sub" and j + 2 < len(tokens) and tokens[j + 2].key == "districts"
        if not shared_head:
            j += 1
            end = tokens[j].end
            if (unit == "sub" and j + 1 < len(tokens) and tokens[j + 1].key == "district") or \
                    (unit == "mountain" and j + 1 < len(tokens) and tokens[j + 1].key == "range"):
                j += 1
                end = tokens[j].end
    elif i >= 1 and tokens[i - 1].key in MOUNT_WORDS and _joined(text, tokens[i - 1], tokens[i]) \
            and tokens[i - 1].capital:
        unit = "mount"
        start = tokens[i - 1].start
    elif i >= 2 and tokens[i - 1].key == "of" and tokens[i - 2].key in ("province", "governorate") and \
            text[tokens[i - 2].end:tokens[i].start].strip().lower() == "of":
        unit = tokens[i - 2].key
        start = tokens[i - 2].start
    elif i >= 1 and tokens[i - 1].key in DIRECTIONAL_ADJECTIVES and _joined(text, tokens[i - 1], tokens[i]) \
            and tokens[i - 1].text[0].isupper():
        start = tokens[i - 1].start
    if unit:
        cue = UNIT_WORDS[unit]
        wanted = CUE_ENTRY_TYPES[cue]
        typed = [e for e in entries if e.type in wanted]
        if not typed:
            for suffix in UNIT_SUFFIXES[cue]:
                typed = [e for e in index.lookup(f"{base} {suffix}") if e.type in wanted]
                if typed:
                    break
        entries = typed or entries
    return start, end, j, entries, cue


def road_between(surface: str, index: GazetteerIndex) -> tuple[GazetteerEntry, ...]:
    """'the Erbil-Mosul road': a straight line between its two named ends, when both are known towns."""
    ends = re.match(r"^(.+?)[-–‐](.+?)\s+(?:road|highway)$", surface, re.IGNORECASE)
    if not ends:
        return ()
    points = []
    for name in ends.groups():
        towns = [e for e in index.lookup(name_key(name)) if e.type == "settlement" and e.lat is not None
                 and e.lon is not None]
        if not towns:
            return ()
        best = min(towns, key=lambda e: (e.country != "IQ", -e.population))
        points.append((best, (float(best.lon), float(best.lat))))  # type: ignore[arg-type]
    (a, pa), (b, pb) = points
    return (GazetteerEntry(
        key=f"road:{a.key}-{b.key}", name=f"{a.name}-{b.name} road", type="road",
        lat=(pa[1] + pb[1]) / 2, lon=(pa[0] + pb[0]) / 2, precision=2, country="IQ",
        source=f"straight line between {a.name} and {b.name}, the ends the report names", table="derived",
        line=(pa, pb)),)


def _part_of_longer_name(text: str, tokens: list[Token], i: int, j: int, index: GazetteerIndex) -> bool:
    """'Halgurd Hekmat' (a person), 'Kurdistan 24' (an outlet): a one-word name glued to a following
    capitalised word or a number that is neither a place nor a feature word is not a place."""
    if i != j:
        return False
    first = i - 1 if i > 0 and tokens[i - 1].key in ARTICLES else i
    if first > 0 and _preceded_by_name(text, tokens, first, index):
        return True
    if j + 1 >= len(tokens):
        return False
    after = tokens[j + 1]
    if text[tokens[j].end:after.start] != " " or after.key in UNIT_WORDS or after.key in FEATURE_WORDS:
        return False
    if after.text.isdigit():
        return True
    return after.capital and not after.text.isupper() and after.key not in NOT_PLACE_NAMES \
        and not index.lookup(after.key) and not _capitalised_sentence_start(text, tokens[i])


def _preceded_by_name(text: str, tokens: list[Token], i: int, index: GazetteerIndex) -> bool:
    """'Hawre Amedi', 'Abdul Mohsen al-Abbasi': a capitalised word that is no place, title, feature or
    direction, glued before the name, makes it part of a person's name."""
    before = tokens[i - 1]
    if text[before.end:tokens[i].start] not in (" ", "-") or not before.capital or before.text.isupper():
        return False
    if _capitalised_sentence_start(text, before):
        return False
    key = before.key
    return not (key in NOT_PLACE_NAMES or key in UNIT_WORDS or key in FEATURE_WORDS or key in MOUNT_WORDS
                or key in DIRECTIONAL_ADJECTIVES or key in NOT_A_NAME_START or key in TITLES
                or index.lookup(key) or key in ORGANISATION_HEADS)


def _capitalised_sentence_start(text: str, token: Token) -> bool:
    before = text[:token.start].rstrip()
    return not before or before[-1] in ".!?\n\"“("


def _list_mentions(text: str, index: GazetteerIndex, sentences: Sentences, mentions: list[Mention],
                   orgs: Spans) -> list[Mention]:
    """In a list of three or more capitalised names ('In Hawija, Zab, Rashad and Abasiya') of which
    one is a known place, or that ends 'and some other areas', the names are places, even when the
    gazetteer lacks them."""
    found: list[Mention] = []
    known = Spans((m.start, m.end) for m in mentions)
    for m in _name_lists(text):
        listed = m.group(0)[:m.start("others") - m.start()] if m.group("others") else m.group(0)
        items = _list_items(listed, m.start())
        if len(items) < 3:
            continue
        spans = [(start, start + len(name)) for name, start in items]
        if not m.group("others") and not any(known.inside(s, e) for s, e in spans):
            continue  # a list is of places when it holds a known place, or ends 'and other areas'
        items = [(n, st) for n, st in items if not re.fullmatch(r"(?:and\s+)?", n)]
        spans = [(start, start + len(name)) for name, start in items]
        for (name, _), (s, e) in zip(items, spans, strict=True):
            key = name_key(name)
            if known.overlaps(s, e) or _inside(orgs, s, e) or not key \
                    or key in NOT_PLACE_NAMES or name.isupper() or key.split()[0] in NOT_PLACE_NAMES:
                continue
            entries = index.lookup(key) or index.variants(name, frozenset({"settlement"}))
            found.append(Mention(name, s, e, sentences.at(s), tuple(entries), cue="list"))
            known.append((s, e))
    return found


def _name_lists(text: str) -> Iterator[re.Match[str]]:
    """_NAME_LIST's matches, as `_NAME_LIST.finditer(text)` finds them, read only between the full
    stops that hold a comma and an 'and': no list crosses a full stop (none of its parts can hold
    one), and a full stop ends a name as the end of the text does."""
    begin, length = 0, len(text)
    while begin < length:
        end = text.find(".", begin)
        if end == -1:
            end = length
        if text.find(",", begin, end) != -1 and text.find("and", begin, end) != -1:
            yield from _NAME_LIST.finditer(text, begin, end)
        begin = end + 1


def _variant_mentions(text: str, tokens: list[Token], index: GazetteerIndex, sentences: Sentences,
                      taken: Spans, orgs: Spans) -> list[Mention]:
    """Spellings the tables lack ('Khaniqain', 'Kifiri'), accepted only on strong evidence: a
    capitalised word after a place preposition, not an English word, one close candidate."""
    found: list[Mention] = []
    after_preposition = [i for i in range(1, len(tokens)) if tokens[i - 1].key in PLACE_PREPOSITIONS
                         and not tokens[i - 1].text[0].isupper() and tokens[i].capital]
    for i in after_preposition:
        proper = 0  # how many of the (up to 3) words from i are capitalised and not all capitals
        while proper < 3 and i + proper < len(tokens) and tokens[i + proper].capital \
                and not tokens[i + proper].text.isupper():
            proper += 1
        for length in (3, 2, 1):
            if length > proper:
                continue
            span = tokens[i:i + length]
            if any(not _joined(text, a, b) for a, b in itertools.pairwise(span)):
                continue
            start, end = span[0].start, span[-1].end
            if taken.overlaps(start, end) or _inside(orgs, start, end):
                continue
            if j_next_is_name(text, tokens, i + length - 1) or index.lookup(name_key(text[start:end])):
                continue  # a name the tables know was already accepted or rejected by the exact pass
            entries = index.variants(text[start:end])
            if entries:
                found.append(Mention(text[start:end], start, end, sentences.at(start), tuple(entries),
                                     cue="variant"))
                taken.append((start, end))
                break
    return found


def j_next_is_name(text: str, tokens: list[Token], j: int) -> bool:
    """True when the word after token j continues a capitalised name ('Sean Ryan')."""
    return j + 1 < len(tokens) and (tokens[j + 1].capital or tokens[j + 1].text.isdigit()) \
        and text[tokens[j].end:tokens[j + 1].start] == " "


def _border_mentions(text: str, index: GazetteerIndex, sentences: Sentences,
                     taken: Spans) -> list[Mention]:
    """'the Turkish border' names Turkey: a country adjective before border or frontier."""
    found = []
    for m in _border_matches(text):
        entries = tuple(index.lookup(name_key(DEMONYMS[m.group(1).lower()])))
        if entries and not taken.overlaps(m.start(), m.end()):
            found.append(Mention(m.group(0), m.start(), m.end(), sentences.at(m.start()), entries, cue="border"))
            taken.append((m.start(), m.end()))
    return found


def _border_matches(text: str) -> Iterator[re.Match[str]]:
    """_BORDER's matches, as `_BORDER.finditer(text)` finds them: a match starts where one of the
    adjectives is written, so only those places are tried, in order."""
    places = []
    for word in _BORDER_ADJECTIVES:
        at = text.find(word)
        while at != -1:
            places.append(at)
            at = text.find(word, at + 1)
    done = 0
    for at in sorted(places):
        if at >= done and (m := _BORDER.match(text, at)) is not None:
            done = m.end()
            yield m


def _match_at(text: str, tokens: list[Token], i: int,
              index: GazetteerIndex) -> tuple[int, list[GazetteerEntry]] | None:
    if not tokens[i].capital or (tokens[i].key in ARTICLES and tokens[i].key not in ("al", "el")):
        return None
    keys = [tokens[i].key]
    best: tuple[int, list[GazetteerEntry]] | None = None
    for j in range(i, min(len(tokens), i + index.max_words)):
        if j > i:
            if not _joined(text, tokens[j - 1], tokens[j]):
                break
            keys.append(tokens[j].key)
        key = " ".join(keys)
        if key in ARTICLES:
            continue
        if " " not in key or keys[0] not in ARTICLES:
            entries = index.lookup(key)
        else:
            entries = index.lookup(" ".join(keys[1:]))
        if entries and key not in NOT_PLACE_NAMES:
            best = (j, entries)
    return best


_ALL_HINTS = tuple(sorted({h for cue, _, own_hints, _ in CUES for h in own_hints or CUE_HINTS[cue]}))


def _cued_mentions(text: str, index: GazetteerIndex, sentences: Sentences,
                   orgs: Spans) -> list[Mention]:
    """Capitalised names introduced by a place cue ('the villages of X, Y and Z', 'Mount X')."""
    found: list[Mention] = []
    seen: set[tuple[int, int]] = set()
    lowered = text.lower()
    spans = [sentences.span(i) for i in range(len(sentences))]
    starts = [a for a, _ in spans]
    holding: dict[str, set[int]] = {}  # cue word -> the sentences that hold it

    next_starts = [*starts[1:], len(text)]
    held = {hint for hint in _ALL_HINTS if hint in lowered}  # every cue word the text holds, read once
    written: dict[str, list[int]] = {}

    def sentence_of(at: int) -> int:
        return max(0, bisect.bisect_right(starts, at) - 1)

    def sentences_with(hint: str) -> set[int]:
        if hint not in holding:
            found_in: set[int] = set()
            at = lowered.find(hint)
            while at != -1:
                found_in.add(sentence_of(at))
                at = lowered.find(hint, at + 1)
            holding[hint] = found_in
        return holding[hint]

    def opened_by(gate: Gate) -> set[int]:
        """The sentences where some word of the gate passes it."""
        if len(lowered) != len(text):  # lower-casing moved the offsets: every sentence may hold a match
            return set(range(len(spans)))
        opened = set()
        for word in gate.words:
            for at in places_of(word):
                if gate.passes(text, at, word):
                    opened.add(sentence_of(at))
        return opened

    def places_of(word: str) -> list[int]:
        """Where a gate's word is written (lower-cased); gates share words (',', 'town')."""
        if word not in written:
            found, at = [], lowered.find(word)
            while at != -1:
                found.append(at)
                at = lowered.find(word, at + 1)
            written[word] = found
        return written[word]

    for cue, pattern, own_hints, gate in CUES:
        # run the pattern only over the sentences that hold one of its cue words and pass its gate
        present = [h for h in own_hints or CUE_HINTS[cue] if h in held]
        if not present:
            continue
        open_sentences = None if gate is None else opened_by(gate)
        if open_sentences is not None and not open_sentences:
            continue
        if open_sentences is None:
            chosen = set().union(*(sentences_with(h) for h in present))
        else:  # the few sentences the gate opened: does one of the words begin in them?
            chosen = {i for i in open_sentences
                      if any(lowered.find(h, starts[i], next_starts[i] + len(h) - 1) != -1 for h in present)}
        windows = [spans[i] for i in sorted(chosen)]
        for m in (m for a, b in windows for m in pattern.finditer(text, a, b)):
            for group in range(1, (m.lastindex or 0) + 1):
                if m.group(group) is None:
                    continue
                for name, start in _list_items(m.group(group), m.start(group), pairs=cue == "front"):
                    end = start + len(name)
                    key = name_key(name)
                    if (start, end) in seen or orgs.overlaps(start, end) \
                            or not _could_be_a_name(key) or _adjective_of_a_place(key, index) \
                            or _PERSONS_THINGS.match(text, end) or (cue in ("feature", "area") and _acronym(name)):
                        continue
                    seen.add((start, end))
                    if cue == "feature":
                        entries = index.lookup(key) or feature_near(name, index)
                    elif cue in ("highway", "wadi", "neighbourhood"):
                        entries = index.lookup(key)
                    else:
                        entries = index.lookup(key) or index.variants(name, CUE_VARIANT_TYPES.get(cue))
                    found.append(Mention(name, start, end, sentences.at(start), tuple(entries), cue=cue))
    return found


_FEATURE_SPLIT = re.compile(rf"^(?P<base>.+?)\s+(?P<head>{FEATURE_HEADS})$")
HEAD_TYPES = {"valley": "valley", "dam": "dam", "camp": "camp", "road": "road", "highway": "road", "desert": "region",
              "plain": "region", "plains": "region", "basin": "region", "plateau": "region", "peak": "mountain",
              "strip": "region", "island": "island"}


_QUALIFIER = re.compile(r"(?:\s+(?:International|Military|Civil|Civilian|Old|New|Main|Grand|Central))+$")


def feature_near(name: str, index: GazetteerIndex) -> list[GazetteerEntry]:
    """'Haditha Dam', 'Mosul airport', 'Tigris River Valley' when the tables lack the feature itself
    (the place it is named after may be spelled as the tables do not: 'Sulaimani airport'):
    a feature at the point of the place it is named after, precision 2 (near it), so the analyst sees
    it on the map and its zone is read there; [] when the place is unknown too."""
    m = _FEATURE_SPLIT.match(name)
    if m is None:
        return []
    base, head = m.group("base"), m.group("head").lower().split()[-1]
    kind = HEAD_TYPES.get(head, "facility")
    base = _QUALIFIER.sub("", base) or base  # 'Sulaimani International Airport' is named after Sulaimani
    named = index.lookup(name_key(base)) or index.variants(base, frozenset({"settlement"}))
    located = [e for e in named if e.lat is not None and e.lon is not None]
    if not located:
        return []
    best = min(located, key=lambda e: (e.country != "IQ", e.type != "settlement", -e.population))
    return [replace(best, key=f"near:{best.key}:{name_key(head)}", name=f"{best.name} {m.group('head')}",
                    type=kind, precision=2, population=0, alt_names=(), line=(), table="derived", zone="",
                    zone_basis="",
                    source=f"named after {best.name}: placed at its point ({best.source})")]


def _acronym(name: str) -> bool:
    """'a PKK camp', 'the KDPI base': a facility named by its owner's acronym is no place name."""
    first = name.split()[0]
    return len(first) >= 2 and first.isupper() and first.isalpha()


def _adjective_of_a_place(key: str, index: GazetteerIndex) -> bool:
    """'a Kurdistani area', 'Mosuli families': a known place's name plus -i is its adjective, not a place."""
    return " " not in key and key.endswith("i") and len(key) > 4 and not index.lookup(key) \
        and bool(index.lookup(key[:-1]))


def _could_be_a_name(key: str) -> bool:
    """Not a common word ('The'), a demonym ('Kurdish villages') or an adjective ('ISIS-held town')."""
    words = key.split()
    return bool(words) and key not in NOT_PLACE_NAMES and words[0] not in NOT_A_NAME_START \
        and words[-1] not in ("held", "controled", "controlled", "led", "based", "backed", "run", "occupied")


def _list_items(value: str, base: int, pairs: bool = False) -> list[tuple[str, int]]:
    """The names of a list; with `pairs`, 'Makhmour-Gwer' (a front between two places) is two names,
    otherwise a hyphenated name ('Avashin-Basyan', one region) stays whole."""
    items, offset = [], 0
    for piece in _LIST_SPLIT.split(value):
        at = value.find(piece, offset)
        offset = at + len(piece)
        piece = piece.strip()
        words = piece.split()
        while len(words) > 1 and words[0].lower() in LEADING_NOISE:
            at = value.find(words[1], at)
            words = words[1:]
        piece = " ".join(words)
        parts = piece.split("-")
        if pairs and len(parts) > 1 and all(len(p) >= 3 and p[0].isupper() and " " not in p and p.lower() not in ARTICLES
                                  for p in parts):
            for part in parts:  # 'Makhmour-Gwer front': two places
                items.append((part, base + value.find(part, at)))
        elif piece and _capitalised(_LEADING_ARTICLE.sub("", piece) or piece):
            items.append((piece, base + at))
    return items
