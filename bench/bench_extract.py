"""Extraction benchmark: extract_page on sandbox pages against parsing them with lxml alone.

    .venv/bin/python bench/bench_extract.py [--portals 40]

Both run in this process over the same pages; the ratio extract/parse is the number to watch
(how many HTML parses one page's full extraction costs).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    import lxml.html

    from extract.page import extract_page
    from sandbox.build import build_web

    ap = argparse.ArgumentParser()
    ap.add_argument("--portals", type=int, default=40)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        build_web(Path(tmp), seed=3, portals=args.portals)
        pages = []
        for site in sorted((Path(tmp) / "late" / "sites").iterdir()):
            for f in sorted((site / "files").rglob("*.htm*")):
                pages.append((f"http://{site.name}/{f.name}", f.read_text("utf-8", "replace")))
    size = sum(len(h) for _, h in pages)
    t0 = time.perf_counter()
    for _, html in pages:
        lxml.html.fromstring(html)
    parse_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    offers = sum(len(extract_page(html, url).offers) for url, html in pages)
    extract_s = time.perf_counter() - t0
    print(json.dumps({
        "pages": len(pages), "mib": round(size / 2**20, 1), "offers": offers,
        "parse_seconds": round(parse_s, 3), "extract_seconds": round(extract_s, 3),
        "extract_to_parse_ratio": round(extract_s / parse_s, 1),
    }, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
