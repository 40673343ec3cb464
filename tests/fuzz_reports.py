"""Hostile reports for fuzzing: sentences in our own words, remixed with every unit, absurd figures,
unknown and repeated anchors, long names, nested quotes, lists and random Unicode.

`hostile_report(rng)` is shared by the hypothesis test (tests/test_hostile_inputs.py) and the longer
fuzz script (benchmarks/fuzz.py); `check_result` says what is wrong with one report's result.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from opmap.model import ArticleResult
from opmap.shapes import geodesic_area_km2

KNOWN = ["Makhmour", "Mosul", "Kirkuk", "Mount Qarachogh", "Erbil", "Sinjar", "Tuz Khurmatu", "Hawija",
         "Baiji", "Qayyarah", "Tal Afar", "Daquq", "Khanaqin", "Jalawla", "Sulaimani", "Duhok", "Baghdad",
         "Ramadi", "Fallujah", "Samarra", "Tikrit", "Bashiqa", "Gwer", "Rabia", "Zummar", "Shirqat"]
UNKNOWN = ["Qaryat Zzyx", "Tell Abu Nowhere", "Wadi Imaginary", "Kani Fictional", "Bir Unmapped"]
NUMBERS = ["30", "thirty", "1,200", "0", "-40", "0.000001", "0.5", "2.5", "100,000,000", "50,000,000",
           "25,000,000", "438,000", "1e9", "nan", "999999999999999999999", "12", "three hundred", "7.25",
           "0.004", "90", "1,000,000", "1/2", "10-15", "between 20 and 30", "about 45", "more than 60"]
UNITS = ["square kilometres", "square kilometers", "km²", "km2", "sq km", "sq. km", "hectares", "acres",
         "square miles", "sq mi", "dunams", "donums", "square metres", "m²", "km", "kilometres", "miles",
         "square feet", "feddans", ""]
RELATIONS = ["north of {a}", "south of {a}", "east of {a}", "west of {a}", "south-east of {a}",
             "north and east of {a}", "around {a}", "near {a}", "between {a} and {b}", "between {a} and {a}",
             "along the {a}-{b} road", "some {n} km south of {a}", "in the vicinity of {a}", "outside {a}",
             "on the outskirts of {a}", "", "west of the {a} district", "in {a} province"]
VERBS = ["cleared", "liberated", "retook", "secured", "swept", "combed", "recaptured", "took control of"]
ACTORS = ["Peshmerga forces", "Iraqi troops", "Counter-terrorism units", "The army", "Federal police"]
NOISE = ["\u202e", "\u200b", "\ufeff", "\x07", "\x1b[31m", "\u0000", "\ud800", "«", "»", "“", "”", "'", '"',
         "—", "…", "ا", "ك", "ر", "د", "Ö", "ß", "\u0301", "🙂", "\t", "\r", "\n\n"]


def _name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.6:
        return rng.choice(KNOWN)
    if roll < 0.8:
        return rng.choice(UNKNOWN)
    if roll < 0.9:
        return "Al-" * (rng.randint(1, 400) if rng.random() < 0.1 else rng.randint(1, 5)) + rng.choice(KNOWN)
    return " ".join(rng.choice(KNOWN + UNKNOWN) for _ in range(rng.randint(2, 12)))


def _area_sentence(rng: random.Random) -> str:
    relation = rng.choice(RELATIONS).format(a=_name(rng), b=_name(rng), n=rng.choice(NUMBERS))
    figure = f"{rng.choice(NUMBERS)} {rng.choice(UNITS)}".strip()
    return f"{rng.choice(ACTORS)} {rng.choice(VERBS)} {figure} {relation}.".replace("  ", " ")


def _list_sentence(rng: random.Random) -> str:
    count = rng.randint(2, 800) if rng.random() < 0.05 else rng.randint(2, 30)
    villages = ", ".join(f"the village of {_name(rng)}" for _ in range(count))
    return f"{rng.choice(ACTORS)} {rng.choice(VERBS)} {villages} and an area of {rng.choice(NUMBERS)} " \
           f"{rng.choice(UNITS)}."


def _quoted(rng: random.Random, depth: int) -> str:
    if depth == 0:
        return _area_sentence(rng)
    return f'A commander said "{_quoted(rng, depth - 1)}" and \u201c{_area_sentence(rng)}\u201d.'


def _noise(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 20)):
        where = rng.randrange(len(chars) + 1)
        piece = rng.choice(NOISE) if rng.random() < 0.7 else chr(rng.randint(0x20, 0x2FFFF))
        chars.insert(where, piece)
    return "".join(chars)


def hostile_report(rng: random.Random) -> str:
    """One generated report of a few sentences, some of them hostile."""
    parts = []
    for _ in range(rng.randint(1, 6)):
        roll = rng.random()
        if roll < 0.55:
            parts.append(_area_sentence(rng))
        elif roll < 0.65:
            parts.append(_list_sentence(rng))
        elif roll < 0.75:
            parts.append(_quoted(rng, rng.randint(1, 6)))
        elif roll < 0.8:
            parts.append(f"{rng.choice(KNOWN)}, {rng.choice(NUMBERS)} km {rng.choice(['north', 'south'])} of "
                         f"{rng.choice(KNOWN)}, was {rng.choice(VERBS)} on 3 May 2017.")
        else:
            parts.append(f"On {rng.randint(1, 40)} July {rng.randint(1900, 2100)} {rng.choice(ACTORS)} "
                         f"advanced toward {_name(rng)}.")
    text = " ".join(parts)
    if rng.random() < 0.3:
        text = _noise(rng, text)
    return text


@dataclass
class Findings:
    """What went wrong over a fuzz run."""

    reports: int = 0
    exceptions: list[str] = field(default_factory=list)
    slow: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    off_area: list[str] = field(default_factory=list)
    areas: int = 0
    shaped: int = 0
    flagged: int = 0

    def summary(self) -> str:
        return (f"{self.reports} reports, {self.areas} area statements ({self.shaped} shaped, {self.flagged} "
                f"kept without a shape): {len(self.exceptions)} exceptions, {len(self.slow)} over 2 s, "
                f"{len(self.invalid)} invalid geometries, {len(self.off_area)} areas off by more than 1 %")


def check_result(result: ArticleResult, findings: Findings, label: str) -> None:
    """Record invalid geometries and areas more than 1 % from the stated figure."""
    for area in result.areas:
        findings.areas += 1
        geometry = area.geometry
        if geometry is None:
            findings.flagged += 1
            continue
        findings.shaped += 1
        if geometry.is_empty or not geometry.is_valid:
            findings.invalid.append(f"{label}: {area.statement.quote[:80]!r}")
            continue
        stated = area.statement.area_km2
        if stated is None or not math.isfinite(stated) or stated <= 0:
            findings.invalid.append(f"{label}: a shape for the figure {stated!r}")
            continue
        measured = geodesic_area_km2(geometry)
        if abs(measured - stated) / stated > 0.01:
            findings.off_area.append(f"{label}: stated {stated:g} km², drawn {measured:g} km²")
