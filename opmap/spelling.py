"""One normalisation for place names, so that transliteration variants meet on the same key.

`name_key("al-Ḥawījah") == name_key("Hawija")`: case, diacritics, apostrophes, hyphens, a leading
Arabic article, doubled letters and a final -ah are folded away. The gazetteer index and the text
matcher both use it, so a variant is found when any of its spellings folds to a known key.
"""

from __future__ import annotations

import re
import unicodedata

ARTICLES = frozenset({"al", "el", "ad", "ash", "as", "at", "an", "ar", "az", "adh", "ath"})
_SPECIAL = str.maketrans({"ı": "i", "ə": "e", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae",
                          "ʿ": "", "ʾ": "", "’": "", "‘": "", "'": "", "`": "", "´": "", "ʼ": ""})
_WORD = re.compile(r"[^\W_]+")
_DOUBLE = re.compile(r"(\w)\1+")


def strip_accents(text: str) -> str:
    """Latin letters without their diacritics; other scripts unchanged."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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


def name_key(name: str) -> str:
    """The index key of a name: its folded words joined by single spaces."""
    return " ".join(name_tokens(name))


def ascii_name(name: str) -> str:
    """A readable ASCII form of a name for display ('Zāwītah' -> 'Zawitah')."""
    return strip_accents(name).encode("ascii", "ignore").decode() or name
