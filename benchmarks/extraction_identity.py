"""Check that a speed change leaves extraction untouched: dump everything opmap learns from a set of
reports (mentions with spans, cues, roles and candidates; places; areas with their geometry; dates;
operations) to JSON, then compare a later dump against it.

    .venv/bin/python benchmarks/extraction_identity.py --write /tmp/before.json [PATHS...]
    .venv/bin/python benchmarks/extraction_identity.py --check /tmp/before.json [PATHS...]

PATHS default to the example reports and, if present, the dev corpus. `--check` prints the first
differing reports and exits 1 when anything differs.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from opmap.extract.sentences import Sentences  # noqa: E402
from opmap.extract.toponyms import find_mentions  # noqa: E402
from opmap.model import Article  # noqa: E402
from opmap.pipeline import EXAMPLES, Resources, process_article  # noqa: E402
from opmap.reading import read_articles  # noqa: E402

DEV_CANDIDATES = [ROOT.parent / "shared" / "corpus" / "dev", ROOT.parent.parent / "shared" / "corpus" / "dev"]


def plain(value: Any) -> Any:
    """A JSON-ready copy: dataclasses as dicts, geometries as WKT, dates as ISO strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if isinstance(value, Article):
            return value.id
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if hasattr(value, "wkt"):
        return value.wkt
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def dump(paths: list[Path]) -> dict[str, Any]:
    resources = Resources.load()
    out: dict[str, Any] = {}
    for article in read_articles(paths, []):
        if not isinstance(article, Article):
            continue
        sentences = Sentences.split(article.text)
        mentions = find_mentions(article.text, resources.index, sentences)
        result = process_article(article, resources)
        out[f"{article.path}#{article.id}"] = {
            "sentences": [list(sentences.starts), list(sentences.ends)],
            "mentions": plain(mentions),
            "result": plain(dataclasses.replace(result, article=article)),
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", type=Path, help="write the dump here")
    mode.add_argument("--check", type=Path, help="compare with this earlier dump")
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args()
    paths = args.paths or [EXAMPLES, *[d for d in DEV_CANDIDATES if d.is_dir()][:1]]
    now = dump(paths)
    if args.write:
        tmp = args.write.with_suffix(".tmp")
        tmp.write_text(json.dumps(now, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(args.write)
        print(f"{len(now)} reports written to {args.write}")
        return 0
    before = json.loads(args.check.read_text(encoding="utf-8"))
    now = json.loads(json.dumps(now))  # the same JSON round trip the stored dump went through
    differing = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
    for key in differing[:10]:
        old, new = before.get(key, {}), now.get(key, {})
        parts = [p for p in ("sentences", "mentions", "result") if old.get(p) != new.get(p)]
        print(f"DIFFERS {key}: {', '.join(parts)}")
    print(f"{len(now)} reports checked, {len(differing)} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
