"""The command line: parse arguments, call the pipeline, report; no logic of its own."""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
import traceback
from pathlib import Path
from types import FrameType
from typing import Any

from opmap.errors import OpmapError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="opmap", description="Map reports of military and security "
                                     "operations in Iraq: places, reported areas, zones.")
    parser.add_argument("--verbose", action="store_true", help="show the traceback of an unexpected error")
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
    run.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS,
                     help="show the traceback of an unexpected error")
    run.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    run.add_argument("--max-report-size", type=int, default=None, metavar="BYTES",
                     help="refuse a report (a file, or a line of a .jsonl) larger than this (default 5,000,000)")
    run.add_argument("--report-budget", type=float, default=None, metavar="SECONDS",
                     help="stop working on a report after this long, with a warning (default 30; 0: no limit)")
    run.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD",
                     help="show on the map who held each disputed district on this date "
                          "(default: the latest event date of the run)")
    run.add_argument("--self-contained", action="store_true",
                     help="write map.html as one file with Leaflet and every script inlined (no network but tiles)")
    run.add_argument("--online", nargs="?", const="nominatim", default=None, metavar="PROVIDER",
                     help="also ask an online geocoder (geopy provider name; default nominatim) for places "
                          "the offline gazetteer cannot locate; off unless given")
    run.add_argument("--offline", action="store_true", help="never go online, whatever the config file says")
    run.add_argument("--online-domain", default=None, help="the provider's host[:port], e.g. a self-hosted Nominatim")
    run.add_argument("--user-agent", default=None, help="User-Agent for the online geocoder (Nominatim requires one)")
    zones = commands.add_parser("zones", help="build zone polygons from authoritative admin boundaries")
    zones_commands = zones.add_subparsers(dest="zones_command", required=True)
    build = zones_commands.add_parser("build", help="dissolve an admin boundary file (OCHA COD-AB ADM2/ADM3, "
                                      "geoBoundaries) into zones that opmap run then uses")
    build.add_argument("--admin", type=Path, required=True, help="any OGR-readable file of districts or sub-districts")
    fetch = zones_commands.add_parser("fetch", help="download OCHA COD-AB or geoBoundaries for Iraq, then build")
    fetch.add_argument("--source", choices=("ocha", "geoboundaries"), default="ocha")
    fetch.add_argument("--url", default=None, help="download from this URL instead of the source's public one")
    as_of = zones_commands.add_parser("as-of", help="write the disputed districts with who held each on a date")
    as_of.add_argument("date", help="YYYY-MM-DD")
    as_of.add_argument("--zones", type=Path, default=None,
                       help="zones whose district cells to use (default: the ones opmap run would use)")
    as_of.add_argument("--out", type=Path, required=True, help="GeoJSON file to write")
    for sub in (build, fetch):
        sub.add_argument("--table", type=Path, default=None,
                         help="zone table CSV (default data/zones/districts.csv)")
        sub.add_argument("--out", type=Path, default=None,
                         help="zones GeoJSON to write (default: the user data folder, where opmap run finds it)")
    gazetteer = commands.add_parser("gazetteer", help="manage the offline gazetteer")
    gazetteer_commands = gazetteer.add_subparsers(dest="gazetteer_command", required=True)
    geonames = gazetteer_commands.add_parser("import-geonames",
                                             help="load a GeoNames country dump (e.g. IQ.txt) into the local index")
    geonames.add_argument("dump", type=Path)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a command; an unexpected error ends as one line (the traceback with --verbose), exit 3."""
    args = _parser().parse_args(argv)
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _terminated)  # so `finally` blocks remove temporary files
    try:
        return _command(args)
    except (KeyboardInterrupt, SystemExit) as exc:
        if isinstance(exc, SystemExit) and exc.code != _TERMINATED:
            raise
        print("opmap: interrupted; earlier outputs are unchanged", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.verbose:
            traceback.print_exc()
        print(f"opmap: unexpected error ({type(exc).__name__}: {printable(str(exc))[:300]}); nothing was replaced; "
              "--verbose shows where", file=sys.stderr)
        return 3
    finally:
        signal.signal(signal.SIGTERM, previous)


_TERMINATED = "terminated"


def printable(text: str) -> str:
    """One line with no control characters: text from files or servers never drives the terminal."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(_TERMINATED)


def _command(args: argparse.Namespace) -> int:
    if args.command == "zones":
        return _zones(args)
    if args.command == "gazetteer":
        return _gazetteer(args)
    try:
        from opmap.online import OnlineSettings, settings_from_config
        from opmap.pipeline import DEFAULT_OUT, run

        if args.offline:
            online = None
        elif args.online:
            online = OnlineSettings(args.online, args.online_domain, args.user_agent)
        else:
            config_problems: list[str] = []
            online = settings_from_config(problems=config_problems)
            for line in config_problems:
                print(f"opmap: warning: {printable(line)}", file=sys.stderr)
        limits: dict[str, Any] = {}
        if args.max_report_size is not None:
            limits["max_report_bytes"] = args.max_report_size
        if args.report_budget is not None:
            limits["budget_s"] = args.report_budget or None
        summary = run(args.paths, args.out, gazetteers=args.gazetteer, zones=args.zones, online=online,
                      self_contained=args.self_contained, as_of=args.as_of, **limits)
    except OpmapError as exc:
        print(f"opmap: {printable(str(exc))}", file=sys.stderr)
        return 2
    for line in summary.errors:
        print(f"opmap: error: {printable(line)}", file=sys.stderr)
    for line in summary.warnings:
        print(f"opmap: warning: {printable(line)}", file=sys.stderr)
    if not summary.results:
        print("opmap: no report could be read; nothing written", file=sys.stderr)
        return 2
    if not args.quiet:
        print(f"opmap: {len(summary.results)} reports, {summary.n_places} places, {summary.n_areas} areas "
              f"-> {args.out or DEFAULT_OUT} ({summary.seconds:.1f} s)")
    return 1 if summary.errors else 0


def _zones(args: argparse.Namespace) -> int:
    from opmap import boundaries

    if args.zones_command == "as-of":
        return _zones_as_of(args)
    try:
        if args.zones_command == "build":
            built = boundaries.build_zones(args.admin, args.table, args.out)
        else:
            built = boundaries.fetch(args.source, args.url, args.out, args.table)
    except OpmapError as exc:
        print(f"opmap: {printable(str(exc))}", file=sys.stderr)
        return 2
    for note in built.notes:
        print(f"opmap: note: {note}", file=sys.stderr)
    print(f"opmap: {built.units} units -> {built.zones_path} (district cells: {built.districts_path})")
    return 0


def _zones_as_of(args: argparse.Namespace) -> int:
    import datetime as dt

    from opmap.control import write_line_as_of

    try:
        date = dt.date.fromisoformat(args.date)
    except ValueError:
        print(f"opmap: {args.date!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return 2
    try:
        path = write_line_as_of(date, args.out, args.zones)
    except OpmapError as exc:
        print(f"opmap: {printable(str(exc))}", file=sys.stderr)
        return 2
    print(f"opmap: disputed districts as of {date} -> {path}")
    return 0


def _gazetteer(args: argparse.Namespace) -> int:
    from opmap.gazetteer import import_geonames_dump

    try:
        target, count = import_geonames_dump(args.dump)
    except OpmapError as exc:
        print(f"opmap: {printable(str(exc))}", file=sys.stderr)
        return 2
    print(f"opmap: {count} GeoNames places from {args.dump} -> {target}; the index rebuilds on the next run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
