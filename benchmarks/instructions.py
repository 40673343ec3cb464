"""Benchmark: machine instructions per report for extraction + resolution of places, counted by valgrind.

    .venv/bin/python benchmarks/instructions.py [--seeds 0 1] [--passes 3]

Wall-clock rates on a shared or virtual machine move by a quarter from run to run; instruction counts
do not depend on the machine's load. Each case runs the extraction loop of `benchmarks/pipeline.py`
(the example and dev-corpus reports) under `valgrind --tool=callgrind` once with one pass and once with
`--passes` passes over the reports: the difference divided by the extra reports is the cost of a warm
report (start-up, index loading and each pattern's first compilation cancel out). Python's string
hashing changes set and dict order, and with it a little of the work: each `--seeds` value is one
PYTHONHASHSEED. About 8.4 million instructions per report went with 1,000 reports per CPU second on
this project's 2-core machine (issue 9's bar).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def loop(passes: int) -> None:
    """The measured work: `passes` passes of extraction + resolution over the benchmark's reports."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.pipeline import corpus
    from opmap.extract.sentences import Sentences
    from opmap.extract.toponyms import find_mentions
    from opmap.pipeline import Resources
    from opmap.resolve import resolve

    resources = Resources.load()
    reports = corpus()
    for _ in range(passes):
        for report in reports:
            resolve(report.id, find_mentions(report.text, resources.index, Sentences.split(report.text)))
    print(len(reports))


def instructions(passes: int, seed: int) -> tuple[int, int]:
    """(instructions counted, reports per pass) for one run of `loop` under callgrind."""
    run = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                          __file__, "--loop", str(passes)], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONHASHSEED": str(seed)}, cwd=ROOT)
    collected = next(line for line in run.stderr.splitlines() if "Collected" in line)
    return int(collected.rsplit(":", 1)[1].replace(",", "").strip()), int(run.stdout.split()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--loop", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.loop is not None:
        loop(args.loop)
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 1
    for seed in args.seeds:
        one, reports = instructions(1, seed)
        many, _ = instructions(args.passes, seed)
        extra = reports * (args.passes - 1)
        print(f"PYTHONHASHSEED={seed}: {(many - one) / extra / 1e6:.2f} million instructions per warm report "
              f"({reports} reports, {args.passes} passes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
