"""`smmatlas dossier DOMAIN|--cluster N -o DIR`: one self-contained HTML file per portal or
cluster (screenshots embedded as data: URIs, no external resource: a Content-Security-Policy
forbids any fetch) and a PDF printed by Chromium, with the evidence and a manifest beside them:

    DIR/<case>/dossier.html, dossier.pdf, evidence/..., manifest.json, SHA256SUMS

Every value a portal chose (names, accounts, URLs) is HTML-escaped by the template engine
(Jinja2 autoescape) and shown as text, never as a link.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from atlas.report import Case, Cited, PortalFacts, case_folder, data_root, iso, load_case

TEMPLATES = Path(__file__).with_name("templates")
MAX_SCREENSHOTS = 8  # per portal, in the HTML (all of them stay in evidence/)
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _money(x: float) -> str:
    return f"{x:,.4f}".rstrip("0").rstrip(".")


def catalogue(p: PortalFacts) -> list[dict]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for o in p.offers:
        groups[(o["platform"], o["product"])].append(o)
    rows = []
    for (platform, product), offers in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        ranges = []
        for (cur, per), xs in sorted(_by(offers, lambda o: (o["currency"], o["per"])).items()):
            lo, hi = min(o["price"] for o in xs), max(o["price"] for o in xs)
            unit = "per 1000" if per == 1000 else f"per {per}"
            ranges.append(f"{_money(lo)}–{_money(hi)} {cur} {unit}")
        rows.append(
            {"platform": platform, "product": product, "n": len(offers), "range": "; ".join(ranges)}
        )
    return rows


def _by(items, key) -> dict:
    out: dict = defaultdict(list)
    for x in items:
        out[key(x)].append(x)
    return out


def price_ranges(p: PortalFacts) -> list[str]:
    out = []
    for (cur, per), xs in sorted(_by(p.offers, lambda o: (o["currency"], o["per"])).items()):
        lo, hi = min(o["price"] for o in xs), max(o["price"] for o in xs)
        out.append(f"{len(xs)} priced {_money(lo)} to {_money(hi)} {cur} per {per}")
    return out


def render_html(case: Case, folder: Path, evidence: dict) -> str:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default=True),
    )
    shots_of: dict[int, str] = {
        c["capture_id"]: c["screenshot"] for c in evidence["captures"] if c.get("screenshot")
    }
    offsets = {c["capture_id"]: c.get("packet_offset") for c in evidence["captures"]}

    def screenshots(p: PortalFacts) -> list[dict]:
        out, seen = [], set()
        for c in p.captures:
            rel = shots_of.get(c.id)
            if not rel or rel in seen or len(out) >= MAX_SCREENSHOTS:
                continue
            seen.add(rel)
            data = (folder / rel).read_bytes()
            out.append(
                {
                    "url": c.url,
                    "when": iso(c.fetched_at),
                    "sha256": Path(rel).stem,
                    "data": "data:image/png;base64," + base64.b64encode(data).decode("ascii"),
                }
            )
        return out

    def record_of(c: Cited) -> str:
        offset = offsets.get(c.id)
        return f"captures.warc.gz#{offset}" if offset is not None else "not in the packet"

    def tie_evidence(tie: dict) -> list[dict]:
        value = str(tie["value"]).lower()
        return [
            {"url": c.url, "when": iso(c.fetched_at), "sha256": c.sha256}
            for c in case.captures()
            if any(x.lower().endswith(value) for x in c.proves)
        ]

    def capture_ips(p: PortalFacts) -> list[str]:
        return sorted({c.ip for c in p.captures if c.ip})

    template = env.get_template("dossier.html.j2")
    return template.render(
        case=case,
        generated=iso(case.generated_at),
        iso=iso,
        catalogue=catalogue,
        price_ranges=price_ranges,
        screenshots=screenshots,
        record_of=record_of,
        tie_evidence=tie_evidence,
        capture_ips=capture_ips,
        problems=evidence["problems"],
    )


def print_pdf(html: Path, pdf: Path) -> None:
    """Print the dossier with Chromium, offline (every request but the file itself aborted)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_context(java_script_enabled=False).new_page()
            target = html.resolve().as_uri()
            page.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url in (target,) or route.request.url.startswith("data:")
                    else route.abort()
                ),
            )
            page.goto(target, wait_until="load")
            page.pdf(path=str(pdf), format="A4", print_background=True)
        finally:
            browser.close()


def write_dossier(case: Case, out: Path, pdf: bool = True) -> Path:
    from atlas.packet import write_evidence, write_manifest

    folder = case_folder(out, case)
    evidence = write_evidence(case, folder / "evidence")
    html = folder / "dossier.html"
    html.write_text(render_html(case, folder, evidence), encoding="utf-8")
    if pdf:
        print_pdf(html, folder / "dossier.pdf")
    write_manifest(folder, case)
    return folder


def run_dossier(args) -> int:
    from atlas.cli import UserError
    from storage.db import open_db

    root = data_root(args.db, args.data)
    engine, sessions = open_db(args.db)
    with sessions() as session:
        case = load_case(session, args.domain, args.cluster, root)
    engine.dispose()
    try:
        folder = write_dossier(case, Path(args.output), pdf=not args.no_pdf)
    except OSError as exc:
        raise UserError(f"cannot write the dossier: {exc}") from exc
    print(f"wrote {folder / 'dossier.html'}" + ("" if args.no_pdf else " and dossier.pdf"))
    return 0
