"""Read reports from .txt (header block or YAML front matter), .html and .jsonl files."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO, ClassVar

from opmap.errors import InputError
from opmap.model import Article

SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
MAX_REPORT_BYTES = 5_000_000  # a report larger than this is refused (news reports are ~10 KB)
BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f\u2028\u2029]")
HEADER_LINE = re.compile(r"^([A-Za-z][\w-]{0,40})\s*:\s*(.*)$")
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d %b %Y", "%b %d, %Y", "%Y/%m/%d",
                "%d/%m/%Y", "%d.%m.%Y")


def parse_published(value: str) -> dt.date | None:
    """A publication date in the common forms; None for 'unknown'; ValueError if unreadable."""
    text = value.strip().strip("'\"")
    if not text or text.lower() in ("unknown", "none", "null", "n/a"):
        return None
    iso = re.match(r"^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$", text)
    if iso:
        return dt.date.fromisoformat(iso.group(1))
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unreadable published date {text!r}")


def article_files(paths: Iterable[str | Path]) -> Iterator[Path | InputError]:
    """The report files under each path, in a stable order; a missing path is an error."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            reports = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not reports:
                yield InputError(str(path), "the folder holds no .txt, .html or .jsonl report")
            yield from reports
        elif path.is_file():
            if path.suffix.lower() in SUFFIXES:
                yield path
            else:
                yield InputError(str(path), f"unsupported file type {path.suffix or '(none)'!r} "
                                            f"(expected {', '.join(SUFFIXES)})")
        else:
            yield InputError(str(path), "no such file or directory")


def read_text(path: Path, max_bytes: int = MAX_REPORT_BYTES) -> str:
    """The file's text: UTF-8 (BOM stripped) or UTF-16/UTF-32 with a BOM; empty, oversized, binary
    (a NUL byte anywhere) and undecodable files are errors."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(str(path), f"report of {size:,} bytes is over the size limit of {max_bytes:,} "
                                        "bytes (--max-report-size); not read")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    return decode_report(str(path), data)


def decode_report(where: str, data: bytes) -> str:
    """Bytes to report text: the encoding a BOM names, else UTF-8; NUL anywhere marks binary."""
    encoding = next((name for bom, name in BOMS if data.startswith(bom)), "utf-8")
    if encoding.startswith("utf-8") and b"\x00" in data:
        raise InputError(where, f"binary file, not a text report (NUL byte at offset {data.index(0):,})")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(where, f"not valid {encoding.upper()} (byte 0x{data[exc.start]:02x} at offset "
                                f"{exc.start})") from exc
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise InputError(where, f"binary file, not a text report (NUL at character {text.index(chr(0)):,})")
    if not text.strip():
        raise InputError(where, "empty file")
    return clean_text(text)


def clean_text(text: str) -> str:
    """Line ends made \\n; lone surrogates (from JSON escapes) and control characters other than
    tab and newline replaced, so no later stage or file writer meets them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SURROGATE.sub("\ufffd", text)
    return _CONTROL.sub(" ", text)


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Split a `key: value` header block (ended by a blank line) or YAML front matter from the body."""
    lines = text.split("\n")
    meta: dict[str, str] = {}
    if lines and lines[0].strip() == "---":
        for i, line in enumerate(lines[1:], start=1):
            if line.strip() in ("---", "..."):
                return meta, "\n".join(lines[i + 1:])
            m = HEADER_LINE.match(line)
            if m:
                meta[m.group(1).lower()] = m.group(2).strip().strip("'\"")
        return {}, text  # no closing fence: not front matter
    for i, line in enumerate(lines):
        if not line.strip():
            if i == 0:
                return {}, text
            return meta, "\n".join(lines[i + 1:])
        m = HEADER_LINE.match(line)
        if not m or len(m.group(2)) > 500:
            return {}, text
        meta[m.group(1).lower()] = m.group(2).strip()
    return {}, text  # only header-like lines and no body: treat all as text


def make_article(path: Path, meta: dict[str, str], body: str, default_id: str,
                 warnings: list[str]) -> Article:
    """An Article from metadata and body; an unreadable date is a warning, not a failure."""
    if not body.strip():
        raise InputError(str(path), "the report has no text")
    published = None
    raw_date = meta.get("published") or meta.get("date") or ""
    try:
        published = parse_published(raw_date)
    except ValueError as exc:
        warnings.append(f"{path}: {exc}; relative dates in it stay unresolved")
    return Article(
        id=str(meta.get("id") or default_id), text=body, path=str(path), title=meta.get("title", ""),
        source=meta.get("source", ""), url=meta.get("url", ""), published=published)


class _MainText(HTMLParser):
    """Collect the visible text of an article page and its metadata."""

    SKIP: ClassVar[set[str]] = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg", "figure"}
    BLOCK: ClassVar[set[str]] = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
             "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.parts: list[str] = []
        self.article_parts: list[str] = []
        self.skip_depth = 0
        self.in_article = 0
        self.in_title = False
        self.title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or "").lower()
            content = a.get("content", "")
            mapping = {"og:title": "title", "og:url": "url", "og:site_name": "source",
                       "article:published_time": "published", "date": "published",
                       "dc.date": "published", "pubdate": "published"}
            if key in mapping and content:
                self.meta.setdefault(mapping[key], content)
        elif tag == "link" and a.get("rel") == "canonical" and a.get("href"):
            self.meta.setdefault("url", a["href"])
        elif tag == "time" and a.get("datetime"):
            self.meta.setdefault("published", a["datetime"])
        if tag in self.SKIP:
            self.skip_depth += 1
        if tag == "article":
            self.in_article += 1
        if tag == "title":
            self.in_title = True
        if tag in self.BLOCK:
            self._add("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skip_depth:
            self.skip_depth -= 1
        if tag == "article" and self.in_article:
            self.in_article -= 1
        if tag == "title":
            self.in_title = False
        if tag in self.BLOCK:
            self._add("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        elif not self.skip_depth:
            self._add(data)

    def _add(self, data: str) -> None:
        self.parts.append(data)
        if self.in_article:
            self.article_parts.append(data)

    def body(self) -> str:
        raw = "".join(self.article_parts) if "".join(self.article_parts).strip() else "".join(self.parts)
        paragraphs = [" ".join(p.split()) for p in raw.split("\n")]
        return "\n".join(p for p in paragraphs if p)


def read_html(path: Path, text: str, warnings: list[str]) -> Article:
    parser = _MainText()
    parser.feed(text)
    parser.close()
    meta = dict(parser.meta)
    if parser.title.strip():
        meta.setdefault("title", " ".join(parser.title.split()))
    published = meta.get("published", "")
    if "T" in published:
        meta["published"] = published.split("T", 1)[0]
    return make_article(path, meta, parser.body(), path.stem, warnings)


def read_jsonl(path: Path, warnings: list[str], max_bytes: int = MAX_REPORT_BYTES
               ) -> Iterator[Article | InputError]:
    """One article per line, read line by line (a file may be far larger than memory; each line is
    held to the size limit)."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield InputError(str(path), f"cannot read: {exc.strerror or exc}")
        return
    with handle:
        head = handle.read(4)
        handle.seek(0)
        wide = next((name for bom, name in BOMS if head.startswith(bom) and name[4:6] in ("16", "32")), None)
        if wide:  # UTF-16/32 files are small in practice: decoded whole, then split
            data = handle.read(max_bytes + 1)
            if len(data) > max_bytes:
                yield InputError(str(path), f"UTF-16/32 file over the size limit of {max_bytes:,} bytes "
                                            "(--max-report-size); not read")
                return
            lines: Iterable[bytes | str | None] = decode_report(str(path), data).split("\n")
        else:
            lines = _bounded_lines(handle, max_bytes)
        found = False
        for number, raw in enumerate(lines, start=1):
            where = f"{path}:{number}"
            if raw is None:
                yield InputError(where, f"line over the size limit of {max_bytes:,} bytes (--max-report-size); "
                                        "skipped")
                continue
            if isinstance(raw, bytes):
                raw = raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw
                if not raw.strip():
                    continue
                try:
                    line = decode_report(where, raw)
                except InputError as exc:
                    yield exc
                    continue
            else:
                line = raw
            if not line.strip():
                continue
            found = True
            yield from _jsonl_article(path, where, number, line, warnings)
        if not found:
            yield InputError(str(path), "empty file")


def count_reports(paths: Iterable[str | Path]) -> int:
    """How many reports the paths hold (a file each, a line each in JSON Lines), counted without
    parsing them, so progress can show an ETA."""
    total = 0
    for item in article_files(paths):
        if isinstance(item, Path) and item.suffix.lower() == ".jsonl":
            try:
                with item.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            except OSError:
                continue
        elif isinstance(item, Path):
            total += 1
    return total




def _bounded_lines(handle: BinaryIO, max_bytes: int) -> Iterator[bytes | None]:
    """The file's lines, None for each line longer than `max_bytes` (read past in bounded chunks)."""
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:  # skip the rest of the long line without holding it
                rest = handle.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line


def _jsonl_article(path: Path, where: str, number: int, line: str,
                   warnings: list[str]) -> Iterator[Article | InputError]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        yield InputError(where, f"not valid JSON ({exc.msg})")
        return
    except RecursionError:
        yield InputError(where, "JSON nested too deeply")
        return
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        yield InputError(where, "a line needs a JSON object with a 'text' string")
        return
    meta = {k: clean_text(str(v)) for k, v in record.items() if k != "text" and v is not None}
    try:
        yield make_article(Path(where), meta, clean_text(record["text"]), f"{path.stem}-{number}", warnings)
    except InputError as exc:
        yield exc


def read_articles(paths: Iterable[str | Path], warnings: list[str], max_bytes: int = MAX_REPORT_BYTES
                  ) -> Iterator[Article | InputError]:
    """Every article under the paths; unreadable inputs come out as InputError values, not raised.
    A report over `max_bytes` is refused with one line, never read into memory."""
    for item in article_files(paths):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            suffix = item.suffix.lower()
            if suffix == ".jsonl":
                yield from read_jsonl(item, warnings, max_bytes)
                continue
            text = read_text(item, max_bytes)
            if suffix in (".html", ".htm"):
                yield read_html(item, text, warnings)
            else:
                meta, body = split_header(text)
                yield make_article(item, meta, body, item.stem, warnings)
        except InputError as exc:
            yield exc


def unique_ids(items: Iterable[Article | InputError], warnings: list[str]) -> Iterator[Article | InputError]:
    """Articles with distinct ids: a repeated id gets a suffix (-2, -3, ...) and one warning, so two
    reports are never merged under one id."""
    seen: dict[str, str] = {}  # id -> the path of the report that has it
    for item in items:
        if isinstance(item, Article):
            if item.id in seen and seen[item.id] != item.path:  # the same file given twice is no collision
                number = 2
                while f"{item.id}-{number}" in seen:
                    number += 1
                new_id = f"{item.id}-{number}"
                warnings.append(f"{item.path}: id {item.id!r} is already used by another report; "
                                f"this one is mapped as {new_id!r}")
                item = replace(item, id=new_id)
            seen.setdefault(item.id, item.path)
        yield item
