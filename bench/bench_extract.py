"""Extraction benchmark: extract_page on sandbox pages against parsing them with lxml alone,
and on pages built to hurt (issue 13) at 1x, 2x and 4x their size.

    .venv/bin/python bench/bench_extract.py [--portals 40] [--pathological-only] [--scale 1.0]

Both run in this process over the same pages; the ratio extract/parse is the number to watch
(how many HTML parses one page's full extraction costs). For each pathological page the time
per MiB should stay flat from 1x to 4x (linear time); `growth` is time(4x) / (4 * time(1x)).
At --scale 1 the 4x pages are 80,000 script blocks, a 200,000-row services table, 1,000 chains
of content nested 200 deep and 100,000 sibling price cards.
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


def _scripts(n: int) -> str:
    blocks = "".join(f"<script>var a{i}={i};</script>x{i} " for i in range(n))
    return f"<html><head><title>Panel</title></head><body>{blocks}<p>$1.00</p></body></html>"


def _table(n: int) -> str:
    rows = "".join(
        f"<tr><td>{i}</td><td>Instagram Followers {i}</td><td>${1 + i % 7}.{i % 100:02d}</td>"
        f"<td>10</td><td>10000</td></tr>"
        for i in range(n)
    )
    head = "<tr><th>ID</th><th>Service</th><th>Rate per 1000</th><th>Min</th><th>Max</th></tr>"
    return f"<html><body><table>{head}{rows}</table></body></html>"


def _nested(n: int) -> str:
    chain = "<div>" * 200 + "Instagram followers $1.00" + "</div>" * 200
    return "<html><body>" + chain * n + "</body></html>"


def _siblings(n: int) -> str:
    cards = "".join(f"<span>{i} Instagram Followers ${1 + i % 9}.99</span>" for i in range(n))
    return f"<html><body><div class='grid'>{cards}</div></body></html>"


# name -> (page builder, its size at 4x for --scale 1)
PATHOLOGICAL = {
    "script_blocks": (_scripts, 80_000),
    "table_rows": (_table, 200_000),
    "nested_200_deep": (_nested, 1_000),
    "sibling_cards": (_siblings, 100_000),
}


def pathological(scale: float) -> dict:
    """Seconds and seconds per MiB of extract_page on each page at 1x, 2x and 4x."""
    from extract.page import extract_page

    out = {}
    for name, (build, at4x) in PATHOLOGICAL.items():
        runs = []
        for factor in (1, 2, 4):
            n = max(1, int(at4x * scale * factor / 4))
            html = build(n)
            t0 = time.perf_counter()
            facts = extract_page(html, "http://bench.example/services", role="services")
            took = time.perf_counter() - t0
            mib = len(html.encode()) / 2**20
            runs.append(
                {"x": factor, "n": n, "mib": round(mib, 2), "seconds": round(took, 2),
                 "s_per_mib": round(took / mib, 2), "offers": len(facts.offers)}
            )  # fmt: skip
        growth = runs[-1]["seconds"] / (4 * runs[0]["seconds"]) if runs[0]["seconds"] else 0.0
        out[name] = {"runs": runs, "growth": round(growth, 2)}
        print(json.dumps({name: out[name]}), flush=True)
    return out


def main() -> None:
    import lxml.html

    from extract.page import extract_page
    from sandbox.build import build_web

    ap = argparse.ArgumentParser()
    ap.add_argument("--portals", type=int, default=40)
    ap.add_argument("--pathological-only", action="store_true")
    ap.add_argument("--scale", type=float, default=1.0, help="size of the pathological pages")
    args = ap.parse_args()
    if args.pathological_only:
        pathological(args.scale)
        return
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
    pathological(args.scale)


if __name__ == "__main__":
    main()
