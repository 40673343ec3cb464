"""Benchmark: the whole `opmap run` on corpora of 1,000 to 100,000 reports made from the dev corpus.

    .venv/bin/python benchmarks/corpus_scale.py [--sizes 1000 10000] [--jobs 1 2] [--dask 10000]
        [--corpus ../shared/corpus/dev] [--work /tmp/opmap-scale]

The dev reports are read at run time (never copied into the repository) and copied with distinct
ids; copy k has its publication date and every year written in its text moved k years (within
1900-2099, the years the date reader knows), so copies of one report are different operations and
grouping has real work. Each case runs the CLI in a fresh process and prints wall time, CPU time
(the process and every worker it waited for), peak resident memory of the whole process tree
(sampled every 0.2 s; pages forked workers share with the main process count once per process) and
of the main process alone, the output sizes, and the load average before the run (`uptime`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from opmap.model import Article  # noqa: E402
from opmap.reading import read_articles  # noqa: E402

YEAR = re.compile(r"\b(19|20)\d\d\b")
FILE_REPORTS = 5_000  # reports per JSON Lines file: the corpus arrives partitioned


def default_corpus() -> Path:
    for candidate in (Path(os.environ.get("OPMAP_DEV_CORPUS", "")), ROOT.parent / "shared" / "corpus" / "dev",
                      ROOT.parent.parent / "shared" / "corpus" / "dev"):
        if str(candidate) not in ("", ".") and candidate.is_dir():
            return candidate
    raise SystemExit("no dev corpus: pass --corpus or set OPMAP_DEV_CORPUS")


def shift_year(year: int, k: int) -> int:
    return 1900 + (year - 1900 + k) % 200


def shifted(article: Article, k: int) -> dict[str, str]:
    """Copy k of a report: its own id, its dates k years on."""
    published = ""
    if article.published:
        year = shift_year(article.published.year, k)
        day = min(article.published.day, 28) if article.published.month == 2 else article.published.day
        published = dt.date(year, article.published.month, day).isoformat()
    text = YEAR.sub(lambda m: str(shift_year(int(m.group(0)), k)), article.text)
    return {"id": f"{article.id}-c{k}", "title": article.title, "source": article.source, "url": article.url,
            "published": published, "text": text}


def make_corpus(corpus: Path, n: int, folder: Path) -> Path:
    """`n` reports as JSON Lines files of FILE_REPORTS each under `folder`/n (made once, then reused)."""
    target = folder / f"reports-{n}"
    if (target / "done").exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    base = [a for a in read_articles([corpus], []) if isinstance(a, Article)]
    handle = None
    for i in range(n):
        if i % FILE_REPORTS == 0:
            if handle:
                handle.close()
            handle = (target / f"part-{i // FILE_REPORTS:04d}.jsonl").open("w", encoding="utf-8")
        assert handle is not None
        handle.write(json.dumps(shifted(base[i % len(base)], i // len(base))) + "\n")
    if handle:
        handle.close()
    (target / "done").write_text("")
    return target


def size_of(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def measure(command: list[str]) -> dict[str, float]:
    """Run `command`; wall, CPU (waited-for children) and the peak RSS summed over its process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 -- not a pipe: many warnings must never block the run
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, text=True)
    root = psutil.Process(process.pid)
    peak = peak_main = 0
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            peak_main = max(peak_main, root.memory_info().rss)
        except psutil.Error:
            pass
        time.sleep(0.2)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    log.seek(0)
    stderr = log.read()
    log.close()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "peak_mb": peak / 2**20, "main_mb": peak_main / 2**20}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--dask", type=int, nargs="*", default=[10_000], help="sizes to run with --engine dask")
    parser.add_argument("--corpus", type=Path, default=None, help="dev corpus folder (default ../shared/corpus/dev)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/opmap-scale"), help="where corpora and outputs go")
    parser.add_argument("--format", default=None, help="also pass --format to opmap run")
    args = parser.parse_args()
    corpus = args.corpus or default_corpus()
    cases = [(n, f"--jobs {j}", ["--jobs", str(j)]) for n in args.sizes for j in args.jobs]
    cases += [(n, "--engine dask (local, 2 workers)", ["--engine", "dask", "--jobs", "2"]) for n in args.dask]
    cases.sort(key=lambda c: c[0])
    print("| reports | run | wall s | CPU s | CPU ms/report | peak RSS MiB (tree) | of which main | outputs MB "
          "| load before |")
    print("|---|---|---|---|---|---|---|---|---|")
    main_peaks: dict[str, dict[int, float]] = {}  # run -> reports -> the main process's peak RSS
    for n, label, flags in cases:
        reports = make_corpus(corpus, n, args.work)
        out = args.work / f"out-{n}-{'-'.join(flags).strip('-').replace('--', '')}"
        load = os.getloadavg()[0]
        command = [sys.executable, "-m", "opmap.cli", "run", str(reports), "--out", str(out), "-q", *flags]
        if args.format:
            command += ["--format", args.format]
        m = measure(command)
        sizes = sorted((p.name, size_of(p)) for p in out.iterdir() if not p.name.startswith("."))
        print(f"| {n:,} | {label} | {m['wall']:.1f} | {m['cpu']:.1f} | {1000 * m['cpu'] / n:.2f} | "
              f"{m['peak_mb']:.0f} | {m['main_mb']:.0f} | {sum(s for _, s in sizes) / 1e6:.1f} | {load:.2f} |", flush=True)
        print("    " + ", ".join(f"{name} {size / 1e6:.1f}" for name, size in sizes), flush=True)
        main_peaks.setdefault(label, {})[n] = m["main_mb"]
    for label, peaks in main_peaks.items():  # memory bounded by a chunk: flat from the smallest to the largest
        if len(peaks) > 1:
            low, high = min(peaks), max(peaks)
            print(f"main-process peak RSS ({label}): {peaks[high]:.0f} MiB at {high:,} reports / {peaks[low]:.0f} MiB "
                  f"at {low:,} = {peaks[high] / peaks[low]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
