"""Sentence spans, so every mention and area carries the sentence it was read from."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

_BOUNDARY = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9#])|\n+")
_ABBREVIATIONS = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|Col|Lt|Gen|Maj|Capt|Sgt|Brig|Adm|St|Mt|No|vs|etc|Jan|Feb|"
                            r"Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.N|sq|approx|km)\.|\b[A-Z]\.)$")


_ENDING = re.compile(r"[.!?…\n]")


def _boundaries(text: str) -> Iterator[re.Match[str]]:
    """_BOUNDARY's matches, as `_BOUNDARY.finditer(text)` finds them: a boundary starts just after a
    full stop, question or exclamation mark or ellipsis, or at a new line, so only there is it tried."""
    done = 0
    for end in _ENDING.finditer(text):
        at = end.start() if end.group() == "\n" else end.end()
        if at >= done and (m := _BOUNDARY.match(text, at)) is not None:
            done = m.end()
            yield m


@dataclass(frozen=True)
class Sentences:
    """The sentence boundaries of one text; `at(offset)` gives the sentence around an offset."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def split(cls, text: str) -> Sentences:
        starts, ends = [0], []
        for m in _boundaries(text):
            if m.group(0).strip() == "" and "\n" not in m.group(0) and _ABBREVIATIONS.search(
                    text[max(0, m.start() - 8):m.start()]):
                continue
            ends.append(m.start())
            starts.append(m.end())
        ends.append(len(text))
        return cls(text, tuple(starts), tuple(ends))

    def index_at(self, offset: int) -> int:
        return max(0, bisect_right(self.starts, offset) - 1)

    def span(self, i: int) -> tuple[int, int]:
        return self.starts[i], self.ends[i]

    def sentence(self, i: int) -> str:
        start, end = self.span(i)
        return self.text[start:end].strip()

    def at(self, offset: int) -> str:
        return self.sentence(self.index_at(offset))

    def __len__(self) -> int:
        return len(self.starts)
