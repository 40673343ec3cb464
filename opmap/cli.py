"""The command line: parse arguments, call the pipeline, report; no logic of its own."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from opmap.errors import OpmapError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="opmap", description="Map reports of military and security "
                                     "operations in Iraq: places, reported areas, zones.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="read reports and publish the map, GeoJSON and GeoPackage")
    run.add_argument("paths", nargs="*", type=Path,
                     help="report files (.txt, .html, .jsonl) or folders of them (default: data/examples)")
    run.add_argument("--out", type=Path, default=None, help="output folder (default: maps/)")
    run.add_argument("--gazetteer", type=Path, action="append", default=[],
                     help="your own gazetteer CSV (same columns as data/gazetteer/curated.csv); "
                          "its rows take precedence; may be repeated")
    run.add_argument("--zones", type=Path, default=None,
                     help="zone polygons (GeoJSON with a 'zone' property) instead of the approximate default")
    run.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        from opmap.pipeline import DEFAULT_OUT, run

        summary = run(args.paths, args.out, gazetteers=args.gazetteer, zones=args.zones)
    except OpmapError as exc:
        print(f"opmap: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("opmap: interrupted; earlier outputs are unchanged", file=sys.stderr)
        return 130
    for line in summary.errors:
        print(f"opmap: error: {line}", file=sys.stderr)
    for line in summary.warnings:
        print(f"opmap: warning: {line}", file=sys.stderr)
    if not summary.results:
        print("opmap: no report could be read; nothing written", file=sys.stderr)
        return 2
    if not args.quiet:
        print(f"opmap: {len(summary.results)} reports, {summary.n_places} places, {summary.n_areas} areas "
              f"-> {args.out or DEFAULT_OUT} ({summary.seconds:.1f} s)")
    return 1 if summary.errors else 0


if __name__ == "__main__":
    sys.exit(main())
