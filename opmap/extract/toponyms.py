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

import re
from dataclasses import dataclass

from opmap.extract.sentences import Sentences
from opmap.gazetteer import NOT_PLACE_NAMES, GazetteerIndex
from opmap.model import GazetteerEntry, Mention
from opmap.spelling import ARTICLES, fold_token, name_key

_TOKEN = re.compile(r"[^\W_]+(?:['’ʿ](?![sS]\b)[^\W_]+)*")
# Words that make a capitalised run an organisation's name rather than a place.
ORGANISATION_HEADS = frozenset("""
    council party government ministry parliament union forces command state army police directorate
    agency committee front movement alliance organization organisation brigade brigades division
    battalion regiment university company corporation coalition office authority service services
    units unit mobilization mobilisation network media times news post press tv channel radio
    observatory institute commission congress assembly bank group league association federation
    """.split())
_CONNECTORS = frozenset({"of", "and", "for", "the"})
_NAME = r"(?:(?:al|el|Al|El)[-‐ ])?[A-Z][\w'’‐-]*(?:\s+(?:(?:al|el)[-‐])?[A-Z][\w'’‐-]*){0,3}"
_LIST = rf"{_NAME}(?:\s*,\s*(?:and\s+)?{_NAME}|\s+and\s+{_NAME})*"
CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("village", re.compile(rf"\b(?:villages?|hamlets?|localities|locality|towns?)\s+(?:of\s+|including\s+|"
                           rf"such as\s+|like\s+|namely\s+|:\s*|—\s*|–\s*)?({_LIST})")),
    ("village", re.compile(rf"\b({_NAME})\s+(?:village|villages)\b")),
    ("mount", re.compile(rf"\b(?:Mount|Mt\.?|Jabal|Jebel)\s+({_NAME})")),
    ("range", re.compile(rf"\b({_NAME})\s+(?:Mountains?|Range|Heights|Hills?|mountains?|heights|hills?)\b")),
    ("district", re.compile(rf"\b({_NAME})\s+(?:district|sub-?district|subdistrict|District|Sub-?district)\b")),
    ("governorate", re.compile(rf"\b({_NAME})\s+(?:province|governorate|Province|Governorate)\b")),
    ("outskirts", re.compile(rf"\boutskirts\s+of\s+({_NAME})")),
    ("road", re.compile(rf"\b({_NAME})[-–‐]({_NAME})\s+(?:road|highway|Road|Highway)\b")),
)
_LEADING_ARTICLE = re.compile(r"^(?:al|el|Al|El)[-‐ ]")
_LIST_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


@dataclass(frozen=True)
class Token:
    text: str
    key: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(0), fold_token(m.group(0)), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _capitalised(word: str) -> bool:
    first = word[0]
    return first.isupper() or (first.isalpha() and not first.isascii())


def _joined(text: str, left: Token, right: Token) -> bool:
    """Two tokens belong to one name when only spaces or a hyphen stand between them."""
    gap = text[left.end:right.start]
    return len(gap) <= 2 and gap.strip(" -‐") == "" and "\n" not in gap


def organisation_spans(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Character spans of capitalised runs that name an organisation."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if not _capitalised(tokens[i].text):
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < len(tokens) and text[tokens[j - 1].end:tokens[j].start].strip(" -‐") == "":
            word = tokens[j].text
            if _capitalised(word) or (word.lower() in _CONNECTORS and j + 1 < len(tokens)
                                      and _capitalised(tokens[j + 1].text)):
                run.append(j)
                j += 1
            else:
                break
        heads = [k for k in run if tokens[k].key in ORGANISATION_HEADS and _capitalised(tokens[k].text)]
        if heads:
            last = heads[-1]
            end = last
            if last + 1 < len(tokens) and last + 1 in run and tokens[last + 1].text.lower() in ("of", "for"):
                end = run[-1]
            spans.append((tokens[run[0]].start, tokens[end].end))
        i = j
    return spans


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _dateline_end(text: str) -> int:
    """End offset of an opening dateline such as 'ERBIL, Kurdistan Region –', else 0."""
    m = re.match(r"\s*([A-Z][A-Z'’ -]{2,40}(?:,\s*[A-Z][\w ’'-]{2,40})?)\s*(?:\([^)]{1,40}\)\s*)?[–—-]\s", text)
    return m.end(1) if m else 0


def find_mentions(text: str, index: GazetteerIndex, sentences: Sentences) -> list[Mention]:
    """Every place mention in the text, in reading order."""
    tokens = tokenize(text)
    orgs = organisation_spans(text, tokens)
    dateline = _dateline_end(text)
    mentions: list[Mention] = []
    taken: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        found = _match_at(text, tokens, i, index)
        if found is None:
            i += 1
            continue
        j, entries = found
        start, end = tokens[i].start, tokens[j].end
        if i > 0 and tokens[i - 1].key in ARTICLES and _joined(text, tokens[i - 1], tokens[i]) and (
                tokens[i - 1].key in ("al", "el") or text[tokens[i - 1].end] in "-‐"):
            start = tokens[i - 1].start
        if not _inside(orgs, start, end):
            role = "dateline" if end <= dateline else "mentioned"
            mentions.append(Mention(text[start:end], start, end, sentences.at(start), tuple(entries), role=role))
            taken.append((start, end))
        i = j + 1
    mentions.extend(_cued_mentions(text, index, sentences, taken, orgs))
    mentions.sort(key=lambda m: m.start)
    return mentions


def _match_at(text: str, tokens: list[Token], i: int,
              index: GazetteerIndex) -> tuple[int, list[GazetteerEntry]] | None:
    if not _capitalised(tokens[i].text) or tokens[i].key in ARTICLES and tokens[i].key not in ("al", "el"):
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


def _cued_mentions(text: str, index: GazetteerIndex, sentences: Sentences, taken: list[tuple[int, int]],
                   orgs: list[tuple[int, int]]) -> list[Mention]:
    """Capitalised names introduced by a place cue that no gazetteer match already covers."""
    found: list[Mention] = []
    for cue, pattern in CUES:
        for m in pattern.finditer(text):
            for group in range(1, (m.lastindex or 0) + 1):
                base = m.start(group)
                for part in _list_items(m.group(group), base):
                    name, start = part
                    end = start + len(name)
                    if any(s < end and start < e for s, e in taken) or _inside(orgs, start, end):
                        continue
                    if name_key(name) in NOT_PLACE_NAMES or not name_key(name):
                        continue
                    entries = tuple(index.lookup(name_key(name)))
                    found.append(Mention(name, start, end, sentences.at(start), entries, cue=cue))
                    taken.append((start, end))
    return found


def _list_items(value: str, base: int) -> list[tuple[str, int]]:
    items, offset = [], 0
    for piece in _LIST_SPLIT.split(value):
        at = value.find(piece, offset)
        offset = at + len(piece)
        piece = piece.strip()
        if piece and _capitalised(_LEADING_ARTICLE.sub("", piece) or piece):
            items.append((piece, base + at))
    return items
