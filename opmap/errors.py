"""The one exception family: every user mistake ends as one clear line, never a traceback."""

from __future__ import annotations


class OpmapError(Exception):
    """A problem the user can fix; the message names the file and the problem."""


class InputError(OpmapError):
    """An input report could not be read (missing, empty, binary, bad encoding, bad header)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class DataError(OpmapError):
    """A data file opmap reads (gazetteer, zones) is missing or malformed."""
