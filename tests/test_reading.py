"""Reading reports: header blocks, front matter, HTML, JSON lines, and every kind of bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from opmap.errors import InputError
from opmap.model import Article
from opmap.reading import parse_published, read_articles, split_header
from tests.conftest import write


def read_all(paths: list[Path]) -> tuple[list[Article], list[InputError], list[str]]:
    warnings: list[str] = []
    items = list(read_articles(paths, warnings))
    return ([i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, InputError)],
            warnings)


def test_header_block_gives_metadata_and_id(tmp_path: Path) -> None:
    write(tmp_path / "r1.txt", "title: A test\nsource: Our desk\npublished: 2018-07-19\nid: abc\n\n"
                               "Peshmerga held the line near Makhmour.\n")
    [article], errors, _ = read_all([tmp_path / "r1.txt"])
    assert not errors
    assert (article.id, article.title, article.source) == ("abc", "A test", "Our desk")
    assert article.published == dt.date(2018, 7, 19)
    assert article.text.strip() == "Peshmerga held the line near Makhmour."


def test_id_defaults_to_file_name_and_plain_text_has_no_header(tmp_path: Path) -> None:
    write(tmp_path / "plain-report.txt", "Fighting was reported: near Kirkuk on Monday.\nMore text.\n")
    [article], _, _ = read_all([tmp_path / "plain-report.txt"])
    assert article.id == "plain-report"
    assert article.published is None
    assert article.text.startswith("Fighting was reported")


def test_yaml_front_matter() -> None:
    meta, body = split_header("---\ntitle: 'Quoted'\npublished: 2016-10-18\n---\nBody text here.\n")
    assert meta == {"title": "Quoted", "published": "2016-10-18"}
    assert body.strip() == "Body text here."


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    write(tmp_path / "page.html", """<html><head><title>Site | Story</title>
        <meta property="og:title" content="Peshmerga advance">
        <meta property="article:published_time" content="2016-10-17T09:00:00Z">
        <link rel="canonical" href="https://example.org/story"></head>
        <body><nav>Home News Sport</nav><article><p>Peshmerga advanced east of Mosul.</p>
        <script>var x = 1;</script><p>Nine villages were cleared.</p></article>
        <footer>Copyright</footer></body></html>""")
    [article], errors, _ = read_all([tmp_path / "page.html"])
    assert not errors
    assert article.title == "Peshmerga advance"
    assert article.url == "https://example.org/story"
    assert article.published == dt.date(2016, 10, 17)
    assert "Nine villages were cleared." in article.text
    assert "Home News" not in article.text and "var x" not in article.text


def test_jsonl_one_article_per_line_and_bad_lines_named(tmp_path: Path) -> None:
    write(tmp_path / "batch.jsonl", '{"id": "a1", "text": "Clashes in Kirkuk.", "published": "2017-10-16"}\n'
                                    "not json\n"
                                    '{"title": "no text field"}\n'
                                    '{"text": "Strikes near Mosul."}\n')
    articles, errors, _ = read_all([tmp_path / "batch.jsonl"])
    assert [a.id for a in articles] == ["a1", "batch-4"]
    assert [e.path for e in errors] == [f"{tmp_path / 'batch.jsonl'}:2", f"{tmp_path / 'batch.jsonl'}:3"]
    assert "not valid JSON" in str(errors[0]) and "'text'" in str(errors[1])


def test_bad_inputs_each_get_one_clear_error(tmp_path: Path) -> None:
    write(tmp_path / "empty.txt", "  \n")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "latin1.txt").write_bytes("Peshmerga near Makhmour \xe9t\xe9".encode("latin-1"))
    write(tmp_path / "good.txt", "Peshmerga cleared villages near Makhmour.")
    articles, errors, _ = read_all([tmp_path, tmp_path / "missing.txt"])
    assert [a.id for a in articles] == ["good"]
    problems = {Path(e.path).name: e.problem for e in errors}
    assert problems["empty.txt"] == "empty file"
    assert problems["binary.txt"].startswith("binary file")
    assert problems["latin1.txt"].startswith("not valid UTF-8")
    assert problems["missing.txt"] == "no such file or directory"
    assert all("\n" not in str(e) for e in errors)


def test_unreadable_date_is_a_warning_and_the_report_still_reads(tmp_path: Path) -> None:
    write(tmp_path / "d.txt", "published: sometime last spring\n\nClashes near Kirkuk on Monday.")
    [article], errors, warnings = read_all([tmp_path / "d.txt"])
    assert not errors and article.published is None
    assert len(warnings) == 1 and "d.txt" in warnings[0] and "unreadable published date" in warnings[0]


def test_published_forms() -> None:
    assert parse_published("2018-07-19T10:00:00+03:00") == dt.date(2018, 7, 19)
    assert parse_published("19 July 2018") == dt.date(2018, 7, 19)
    assert parse_published("July 19, 2018") == dt.date(2018, 7, 19)
    assert parse_published("unknown") is None
