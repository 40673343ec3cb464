"""The shipped word lists load, and the extractor really reads them (a word added to a list changes
what is found)."""

from __future__ import annotations

from pathlib import Path

import pytest

from opmap import vocabulary
from opmap.errors import DataError
from opmap.shipped import shipped

LISTS = sorted(p.stem for p in Path(shipped("vocabulary")).glob("*.txt"))


def test_every_list_loads_without_comments_or_blanks() -> None:
    assert {"not_place_names", "organisation_heads", "titles", "not_a_name_start", "feature_words"} <= set(LISTS)
    for name in LISTS:
        words = vocabulary.word_list(name)
        assert words, name
        assert all(w and "#" not in w and w == w.strip() and w == w.lower() for w in words), name


def test_comments_and_blank_lines_are_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "demo.txt").write_text("# heading\n\nbrigade  # an armed unit\n  council\n", encoding="utf-8")
    monkeypatch.setattr(vocabulary, "vocabulary_path", lambda name: str(tmp_path / f"{name}.txt"))
    assert vocabulary.word_list("demo") == ["brigade", "council"]


def test_a_missing_list_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vocabulary, "vocabulary_path", lambda name: str(tmp_path / f"{name}.txt"))
    with pytest.raises(DataError, match=r"missing\.txt: cannot read the word list"):
        vocabulary.word_list("missing")


def test_organisation_heads_come_from_the_list() -> None:
    from opmap.extract.toponyms import ORGANISATION_HEADS
    from opmap.spelling import fold_token

    assert {fold_token(w) for w in vocabulary.word_list("organisation_heads")} == ORGANISATION_HEADS
    assert fold_token("Command") in ORGANISATION_HEADS
