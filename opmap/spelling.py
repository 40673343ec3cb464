"""One normalisation for place names, so that transliteration variants meet on the same key.

`name_key("al-Ḥawījah") == name_key("Hawija")`: case, diacritics, apostrophes, hyphens, a leading
Arabic article, doubled letters and a final -ah are folded away. The gazetteer index and the text
matcher both use it, so a variant is found when any of its spellings folds to a known key.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

ARTICLES = frozenset({"al", "el", "ad", "ash", "as", "at", "an", "ar", "az", "adh", "ath"})
_SPECIAL = str.maketrans({"ı": "i", "ə": "e", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae",
                          "ʿ": "", "ʾ": "", "’": "", "‘": "", "'": "", "`": "", "´": "", "ʼ": ""})
_WORD = re.compile(r"[^\W_]+")
_DOUBLE = re.compile(r"(\w)\1+")


def strip_accents(text: str) -> str:
    """Latin letters without their diacritics; other scripts unchanged."""
    if text.isascii():
        return text.translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1 << 16)
def fold_token(token: str) -> str:
    """One word folded: lower case, no accents or doubled letters, final -ah as -a."""
    word = strip_accents(token).casefold()
    word = _DOUBLE.sub(r"\1", word)
    if len(word) > 3 and word.endswith("ah"):
        word = word[:-1]
    return word


def name_tokens(name: str) -> list[str]:
    """The folded words of a name, a leading Arabic article dropped."""
    words = [fold_token(w) for w in _WORD.findall(strip_accents(name.translate(_SPECIAL)))]
    while len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return words


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """The index key of a name: its folded words joined by single spaces (memoised: reports repeat
    their names)."""
    return " ".join(name_tokens(name))


def ascii_name(name: str) -> str:
    """A readable ASCII form of a name for display ('Zāwītah' -> 'Zawitah')."""
    return strip_accents(name).encode("ascii", "ignore").decode() or name


_DIGRAPHS = (("kh", "x"), ("gh", "x"), ("dh", "z"), ("th", "t"), ("sh", "s"), ("ch", "c"), ("ou", "u"),
             ("q", "k"), ("g", "k"), ("ph", "f"), ("v", "w"))
_VOWELS = re.compile(r"[aeiouyw]")
_REPEATS = re.compile(r"(.)\1+")


def skeleton(name: str) -> str:
    """The consonant skeleton of a name, for variant spellings the tables do not list.

    kh/gh/x, q/k/g, dh/z, ou/u fold together; vowels (and y, w) after the first letter drop out:
    'Khaniqain' and 'Khanaqin' both give 'xnkn', 'Kifiri' and 'Kifri' 'kfr', 'Qara Chokh' and
    'Qarachogh' 'krcx'. Only a candidate key: the matcher still asks for strong evidence.
    """
    words = []
    for word in name_tokens(name):
        for a, b in _DIGRAPHS:
            word = word.replace(a, b)
        if not word:
            continue
        head = "a" if word[0] in "aeiou" else word[0]
        words.append(head + _VOWELS.sub("", word[1:]))
    return _REPEATS.sub(r"\1", "".join(words))


def key_similarity(a: str, b: str) -> float:
    """How alike two folded keys are, 0..1."""
    return SequenceMatcher(None, a, b).ratio()
