"""The command line: parse arguments, call the pipeline, report; no logic of its own.

Diagnostics go through `logging` (logger `opmap`) to stderr as one `opmap: ...` line each: -q/--quiet
keeps only problems, -v/--verbose adds debug lines. The progress bar appears on a terminal only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import signal
import sys
import traceback
from pathlib import Path
from types import FrameType
from typing import Any

from opmap import __version__
from opmap.errors import OpmapError

log = logging.getLogger("opmap")
PREFIXES = {logging.DEBUG: "debug: ", logging.INFO: "", logging.WARNING: "warning: ", logging.ERROR: "error: ",
            logging.CRITICAL: ""}


class _LineFormatter(logging.Formatter):
    """`opmap: warning: <message>`, one line per record."""

    def format(self, record: logging.LogRecord) -> str:
        return f"opmap: {PREFIXES.get(record.levelno, '')}{printable(record.getMessage())}"


def printable(text: str) -> str:
    """One line with no control characters: text from files or servers never drives the terminal."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


class _StderrHandler(logging.Handler):
    """Writes to whatever `sys.stderr` is when a line is logged (not when the handler was made)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            print(self.format(record), file=sys.stderr)
        except Exception:
            self.handleError(record)


def _configure_logging(quiet: bool, verbose: bool) -> None:
    handler = _StderrHandler()
    handler.setFormatter(_LineFormatter())
    log.handlers[:] = [handler]
    log.propagate = False
    log.setLevel(logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO)


def _say(args: argparse.Namespace, line: str) -> None:
    """A command's result line on stdout, unless --quiet."""
    if not args.quiet:
        print(line)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="opmap", description="Map reports of military and security "
                                     "operations in Iraq: places, reported areas, zones.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    loudness = common.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    loudness.add_argument("-v", "--verbose", action="store_true", help="also print debug lines (timings, sources)")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", parents=[common], help="read reports and publish the map, GeoJSON and GeoPackage")
    run.add_argument("paths", nargs="*", type=Path,
                     help="report files (.txt, .html, .jsonl) or folders of them (default: the example reports "
                          "shipped with opmap)")
    run.add_argument("--out", type=Path, default=None, help="output folder (default: ./maps)")
    run.add_argument("--gazetteer", type=Path, action="append", default=[],
                     help="your own gazetteer CSV (same columns as data/gazetteer/curated.csv); "
                          "its rows take precedence; may be repeated")
    run.add_argument("--zones", type=Path, default=None,
                     help="zone polygons (GeoJSON with a 'zone' property) instead of the approximate default")
    run.add_argument("--max-report-size", type=int, default=None, metavar="BYTES",
                     help="refuse a report (a file, or a line of a .jsonl) larger than this (default 5,000,000)")
    run.add_argument("--report-budget", type=float, default=None, metavar="SECONDS",
                     help="stop working on a report after this long, with a warning (default 30; 0: no limit)")
    run.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD",
                     help="show on the map who held each disputed district on this date "
                          "(default: the latest event date of the run)")
    run.add_argument("--self-contained", action="store_true",
                     help="(the default now) map.html as one file with Leaflet and every script inlined")
    run.add_argument("--cdn", action="store_true",
                     help="map.html loads Leaflet from a CDN instead of carrying it inline (smaller, needs network)")
    run.add_argument("--online", nargs="?", const="nominatim", default=None, metavar="PROVIDER",
                     help="also ask an online geocoder (geopy provider name; default nominatim) for places "
                          "the offline gazetteer cannot locate; off unless given")
    run.add_argument("--offline", action="store_true", help="never go online, whatever the config file says")
    run.add_argument("--online-domain", default=None, help="the provider's host[:port], e.g. a self-hosted Nominatim")
    run.add_argument("--user-agent", default=None, help="User-Agent for the online geocoder (Nominatim requires one)")
    run.add_argument("--jobs", type=int, default=None, metavar="N",
                     help="worker processes (default: all cores; 1 runs in this process)")
    run.add_argument("--engine", choices=("local", "dask"), default="local",
                     help="local: this machine's cores; dask: a Dask distributed cluster (pip install 'opmap[dask]')")
    run.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="the Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster of --jobs workers)")
    run.add_argument("--format", dest="formats", action="append", default=None,
                     choices=("all", "geojson", "gpkg", "csv", "qgis", "html", "parquet"),
                     help="write only this output (repeatable; 'parquet' is GeoParquet; 'all' is every one); "
                          "default: geojson, gpkg, csv, qgis and html")
    zones = commands.add_parser("zones", help="build zone polygons from authoritative admin boundaries")
    zones_commands = zones.add_subparsers(dest="zones_command", required=True)
    build = zones_commands.add_parser("build", parents=[common], help="dissolve an admin boundary file (OCHA COD-AB ADM2/ADM3, "
                                      "geoBoundaries) into zones that opmap run then uses")
    build.add_argument("--admin", type=Path, required=True, help="any OGR-readable file of districts or sub-districts")
    fetch = zones_commands.add_parser("fetch", parents=[common], help="download OCHA COD-AB or geoBoundaries for Iraq, then build")
    fetch.add_argument("--source", choices=("ocha", "geoboundaries"), default="ocha")
    fetch.add_argument("--url", default=None, help="download from this URL instead of the source's public one")
    as_of = zones_commands.add_parser("as-of", parents=[common], help="write the disputed districts with who held each on a date")
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
    geonames = gazetteer_commands.add_parser("import-geonames", parents=[common],
                                             help="load a GeoNames country dump (e.g. IQ.txt) into the local index")
    geonames.add_argument("dump", type=Path)
    dumps = gazetteer_commands.add_parser(
        "fetch", parents=[common], help="download GeoNames country dumps (e.g. IQ SY TR IR) and import them (CC BY 4.0)")
    dumps.add_argument("countries", nargs="+", metavar="COUNTRY", help="two-letter country codes")
    dumps.add_argument("--url", default=None,
                       help="where the dumps are (default https://download.geonames.org/export/dump/)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a command; an unexpected error ends as one line (the traceback with --verbose), exit 3."""
    args = _parser().parse_args(argv)
    _configure_logging(args.quiet, args.verbose)
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _terminated)  # so `finally` blocks remove temporary files
    try:
        return _command(args)
    except (KeyboardInterrupt, SystemExit) as exc:
        if isinstance(exc, SystemExit) and exc.code != _TERMINATED:
            raise
        log.critical("interrupted; earlier outputs are unchanged")
        return 130
    except Exception as exc:
        if args.verbose:
            traceback.print_exc()
        log.critical("unexpected error (%s: %s); nothing was replaced; --verbose shows where",
                     type(exc).__name__, printable(str(exc))[:300])
        return 3
    finally:
        signal.signal(signal.SIGTERM, previous)


_TERMINATED = "terminated"


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(_TERMINATED)


def _command(args: argparse.Namespace) -> int:
    if args.command == "zones":
        return _zones(args)
    if args.command == "gazetteer":
        return _gazetteer(args)
    try:
        from opmap.online import OnlineSettings, settings_from_config
        from opmap.pipeline import DEFAULT_OUT, EXAMPLES, run

        if args.offline:
            online = None
        elif args.online:
            online = OnlineSettings(args.online, args.online_domain, args.user_agent)
        else:
            config_problems: list[str] = []
            online = settings_from_config(problems=config_problems)
            for line in config_problems:
                log.warning("%s", line)
        limits: dict[str, Any] = {}
        if args.max_report_size is not None:
            limits["max_report_bytes"] = args.max_report_size
        if args.report_budget is not None:
            limits["budget_s"] = args.report_budget or None
        from opmap.publish import FORMATS

        paths = args.paths or [EXAMPLES]
        out = args.out or DEFAULT_OUT
        formats = FORMATS if args.formats and "all" in args.formats else args.formats
        log.debug("mapping %s into %s", ", ".join(map(str, paths)), out.resolve())
        summary = run(paths, out, gazetteers=args.gazetteer, zones=args.zones, online=online,
                      cdn=args.cdn and not args.self_contained, as_of=args.as_of, jobs=args.jobs,
                      engine=args.engine, scheduler=args.scheduler, formats=formats, keep_results=False,
                      show_progress=not args.quiet, **limits)
    except OpmapError as exc:
        log.critical("%s", exc)
        return 2
    for line in summary.warnings:
        log.warning("%s", line)
    if not summary.n_reports:
        *earlier, last = summary.errors or ["no report could be read"]
        for line in earlier:
            log.error("%s", line)
        log.error("%s; nothing written", last)
        return 2
    for line in summary.errors:
        log.error("%s", line)
    _say(args, f"opmap: {summary.n_reports} reports, {summary.n_places} places, {summary.n_areas} areas "
               f"-> {out} ({summary.seconds:.1f} s)")
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
        log.critical("%s", exc)
        return 2
    for note in built.notes:
        log.info("note: %s", note)
    _say(args, f"opmap: {built.units} units -> {built.zones_path} (district cells: {built.districts_path})")
    return 0


def _zones_as_of(args: argparse.Namespace) -> int:
    import datetime as dt

    from opmap.control import write_line_as_of

    try:
        date = dt.date.fromisoformat(args.date)
    except ValueError:
        log.critical("%r is not a date (YYYY-MM-DD)", args.date)
        return 2
    try:
        path = write_line_as_of(date, args.out, args.zones)
    except OpmapError as exc:
        log.critical("%s", exc)
        return 2
    _say(args, f"opmap: disputed districts as of {date} -> {path}")
    return 0


def _gazetteer(args: argparse.Namespace) -> int:
    from opmap.gazetteer import GEONAMES_ATTRIBUTION, GEONAMES_DUMPS, fetch_geonames, import_geonames_dump

    try:
        if args.gazetteer_command == "fetch":
            print(f"opmap: {GEONAMES_ATTRIBUTION}")  # shown even with --quiet: the licence asks for it
            imports = fetch_geonames(args.countries, args.url or GEONAMES_DUMPS)
        else:
            imports = [import_geonames_dump(args.dump)]
    except OpmapError as exc:
        log.critical("%s", exc)
        return 2
    for done in imports:
        outside = f", {done.outside_box} of them outside the Iraq region box (kept)" if done.outside_box else ""
        added = f"; {done.names_added} names new to the index" if args.gazetteer_command == "fetch" else ""
        _say(args, f"opmap: {done.rows} GeoNames places{outside} -> {done.table}{added}")
    _say(args, "opmap: the index rebuilds on the next run and uses them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
