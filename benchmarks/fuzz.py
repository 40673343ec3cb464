"""Fuzz: generated hostile reports through `process_article` (and, with --cli, through `opmap run`).

    .venv/bin/python benchmarks/fuzz.py [--reports 10000] [--seed 13] [--cli 300]

Prints one summary line: exceptions, reports over 2 s, invalid geometries, areas off by more than 1 %
(and, with --cli N, how many of N one-report runs of the command line ended in a traceback).
The exit status is 1 when anything was found. The reports come from tests/fuzz_reports.py.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from opmap.model import Article  # noqa: E402
from opmap.pipeline import Resources, process_article  # noqa: E402
from tests.fuzz_reports import Findings, check_result, hostile_report  # noqa: E402

SLOW_S = 2.0


def fuzz(reports: int, seed: int, show: int) -> Findings:
    resources = Resources.load()
    rng = random.Random(seed)
    findings = Findings()
    for number in range(reports):
        text = hostile_report(rng)
        label = f"report {number} (seed {seed})"
        article = Article(id=f"fuzz-{number}", text=text, path=f"fuzz/{number}.txt", title="fuzz")
        started = time.perf_counter()
        try:
            result = process_article(article, resources)
        except Exception as exc:
            findings.exceptions.append(f"{label}: {type(exc).__name__}: {exc}")
            if len(findings.exceptions) <= show:
                traceback.print_exc()
            continue
        finally:
            findings.reports += 1
        elapsed = time.perf_counter() - started
        if elapsed > SLOW_S:
            findings.slow.append(f"{label}: {elapsed:.1f} s")
        check_result(result, findings, label)
        if (number + 1) % 1000 == 0:
            print(f"... {number + 1}: {findings.summary()}", file=sys.stderr, flush=True)
    return findings


def fuzz_cli(runs: int, seed: int) -> tuple[int, list[str]]:
    """`opmap run` on one generated report (as a file, random bytes included) per run."""
    rng = random.Random(seed + 1)
    tracebacks = []
    with tempfile.TemporaryDirectory() as folder:
        for number in range(runs):
            report = Path(folder) / f"r{number}.txt"
            data = hostile_report(rng).encode("utf-8", "surrogatepass")
            if rng.random() < 0.1:
                data = bytes(rng.randrange(256) for _ in range(rng.randint(1, 400))) + data
            report.write_bytes(data)
            done = subprocess.run([sys.executable, "-m", "opmap.cli", "run", str(report), "--out",
                                   str(Path(folder) / "out"), "-q"], capture_output=True, text=True,
                                  errors="replace", timeout=600, check=False)
            if "Traceback" in done.stderr or done.returncode not in (0, 1, 2):
                tracebacks.append(f"run {number}: exit {done.returncode}: {done.stderr[-300:]}")
    return runs, tracebacks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--cli", type=int, default=0, help="also run the command line this many times")
    parser.add_argument("--show", type=int, default=3, help="print the first N problems of each kind")
    args = parser.parse_args()
    started = time.perf_counter()
    findings = fuzz(args.reports, args.seed, args.show)
    for kind in (findings.exceptions, findings.slow, findings.invalid, findings.off_area):
        for line in kind[:args.show]:
            print(line)
    print(f"fuzz: {findings.summary()} ({time.perf_counter() - started:.0f} s)")
    bad = bool(findings.exceptions or findings.slow or findings.invalid or findings.off_area)
    if args.cli:
        runs, tracebacks = fuzz_cli(args.cli, args.seed)
        for line in tracebacks[:args.show]:
            print(line)
        print(f"fuzz: command line: {runs} runs, {len(tracebacks)} tracebacks")
        bad = bad or bool(tracebacks)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
