"""Word lists the extractor and the gazetteer read, shipped as text in `data/vocabulary/` (one word a
line, `#` starts a comment; see its README): vocabulary is data an analyst can read and extend, not code."""

from __future__ import annotations

from opmap.errors import DataError
from opmap.shipped import shipped


def vocabulary_path(name: str) -> str:
    return str(shipped("vocabulary", f"{name}.txt"))


def word_list(name: str) -> list[str]:
    """The words of `data/vocabulary/<name>.txt`, in file order, comments and blank lines left out."""
    path = vocabulary_path(name)
    try:
        with open(path, encoding="utf-8") as lines:
            return [word for line in lines if (word := line.split("#", 1)[0].strip())]
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read the word list ({exc})") from exc
