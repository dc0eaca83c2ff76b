"""`smmatlas report`: a takedown packet for one portal or one operator cluster.

A *case* is what a packet, a dossier and their evidence are built from: the portals (one, or
every portal of a cluster of `smmatlas clusters`), their facts, hosting and abuse contacts, the
values that tie the cluster, and the captures cited as evidence (each portal's entry page and
every page a payment account, contact, identifier or offer was read from).

`write_report` writes, for one kind of recipient (`--to registrar|host|payment|platform`):

    DIR/<case>/xarf/<to>-<n>-<portal>.json   XARF v4 (content/fraud), validated by `xarf`
    DIR/<case>/email/<to>-<n>.txt            a plain-text e-mail a person can send as is
    DIR/<case>/recipients.json               who each report goes to and where that came from
    DIR/<case>/evidence/...                  WARC + WACZ of the cited captures, screenshots
    DIR/<case>/manifest.json                 SHA-256 of every file (`smmatlas verify DIR`)
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Capture, Contact, Identifier, Offer, Payment, Portal

RECIPIENTS = ("registrar", "host", "payment", "platform")
MAX_CAPTURES_PER_PORTAL = 25


@dataclass
class Cited:
    """One capture cited as evidence, with what it proves."""

    id: int
    url: str
    sha256: str
    fetched_at: datetime
    last_fetched_at: datetime
    http_status: int
    content_type: str | None
    warc_path: Path | None
    warc_offset: int | None
    ip: str | None = None
    screenshot: Path | None = None
    screenshot_sha256: str | None = None
    proves: list[str] = field(default_factory=list)


@dataclass
class PortalFacts:
    domain: str
    url: str
    status: str
    kind: str | None
    software: str | None
    first_seen: datetime
    last_seen: datetime
    offers: list[dict]
    payments: list[dict]
    contacts: list[dict]
    identifiers: list[dict]
    hosting: dict
    captures: list[Cited]


@dataclass
class Case:
    key: str  # safe as a file name: portal-<domain> or cluster-<n>
    title: str
    portals: list[PortalFacts]
    ties: list[dict]  # values the cluster's portals share: {"kind", "value", "domains"}
    generated_at: datetime

    def captures(self) -> list[Cited]:
        return [c for p in self.portals for c in p.captures]


def utc(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def iso(at: datetime | None) -> str:
    at = utc(at)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ") if at else ""


def safe_name(text: str) -> str:
    """A file-name-safe form of a value a portal chose (domain, account)."""
    return re.sub(r"[^a-z0-9._-]+", "_", text.lower()).strip("._")[:80] or "x"


def data_root(db_url: str | None, data: str | None) -> Path:
    """Where evidence paths are resolved: --data, else the SQLite file's folder, else data/."""
    if data:
        return Path(data)
    from storage.db import data_dir, default_url

    url = db_url or default_url()
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).parent
    return data_dir()


def _resolve(root: Path, stored: str | None) -> Path | None:
    from storage.evidence import resolve_path

    return resolve_path(root, stored)


def _cited(c: Capture, root: Path) -> Cited:
    return Cited(
        id=c.id,
        url=c.url,
        sha256=c.sha256,
        fetched_at=utc(c.fetched_at),
        last_fetched_at=utc(c.last_fetched_at),
        http_status=c.http_status,
        content_type=c.content_type,
        warc_path=_resolve(root, c.warc_file),
        warc_offset=c.warc_offset,
        ip=getattr(c, "ip_address", None),
        screenshot=_resolve(root, c.screenshot),
        screenshot_sha256=getattr(c, "screenshot_sha256", None),
    )


def portal_facts(session: Session, portal: Portal, root: Path) -> PortalFacts:
    from atlas.enrichment import latest_results
    from atlas.export import one_sighting_each
    from enrich.summary import summarise

    def rows(model):
        return list(
            session.execute(select(model).where(model.portal_id == portal.id).order_by(model.id))
            .scalars()
            .all()
        )

    offers = one_sighting_each(rows(Offer))
    payments, contacts, identifiers = rows(Payment), rows(Contact), rows(Identifier)
    with_account = {p.method for p in payments if p.account}
    payments = [p for p in payments if p.account or p.method not in with_account]
    results = latest_results(session, portal.id)
    hosting = summarise(results) if results else {}

    wanted: dict[int, list[str]] = {}
    entry = session.execute(
        select(Capture.id)
        .where(Capture.portal_id == portal.id, Capture.url == portal.url)
        .order_by(Capture.last_fetched_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if entry is not None:
        wanted[entry] = ["entry page"]
    for label, items in (
        ("payment", [(x.capture_id, f"{x.method} {x.account}".strip()) for x in payments]),
        ("contact", [(x.capture_id, f"{x.kind} {x.value}") for x in contacts]),
        ("identifier", [(x.capture_id, f"{x.kind} {x.value}") for x in identifiers]),
        ("offers", [(x.capture_id, "catalogue") for x in offers]),
    ):
        for capture_id, what in items:
            if capture_id is None:
                continue
            if capture_id not in wanted and len(wanted) >= MAX_CAPTURES_PER_PORTAL:
                continue
            proves = wanted.setdefault(capture_id, [])
            text = f"{label}: {what}" if label != "offers" else "catalogue (offers)"
            if text not in proves:
                proves.append(text)
    cited = []
    if wanted:
        for c in session.execute(select(Capture).where(Capture.id.in_(wanted))).scalars():
            item = _cited(c, root)
            item.proves = wanted[c.id]
            cited.append(item)
    cited.sort(key=lambda c: (c.url != portal.url, c.url, c.id))
    return PortalFacts(
        domain=portal.domain,
        url=portal.url,
        status=portal.status or "unreachable",
        kind=portal.kind,
        software=portal.software,
        first_seen=utc(portal.first_seen),
        last_seen=utc(portal.last_seen),
        offers=[
            {
                "name": o.name,
                "platform": o.platform,
                "product": o.product,
                "price": o.price,
                "currency": o.currency,
                "per": o.per,
                "min": o.min,
                "max": o.max,
                "url": o.url,
                "capture_id": o.capture_id,
            }
            for o in offers
        ],
        payments=[
            {
                "method": x.method,
                "account": x.account or None,
                "url": x.url,
                "capture_id": x.capture_id,
            }
            for x in payments
        ],  # fmt: skip
        contacts=[
            {"kind": x.kind, "value": x.value, "url": x.url, "capture_id": x.capture_id}
            for x in contacts
        ],
        identifiers=[
            {"kind": x.kind, "value": x.value, "url": x.url, "capture_id": x.capture_id}
            for x in identifiers
        ],
        hosting=hosting,
        captures=cited,
    )


def load_case(
    session: Session, domain: str | None, cluster: int | None, root: Path, max_share: int = 10
) -> Case:
    """The case of one portal (by domain) or of the N-th cluster of `smmatlas clusters`."""
    from atlas.cli import UserError
    from atlas.clusters import find_clusters

    ties: list[dict] = []
    if cluster is not None:
        clusters = find_clusters(session, max_share=max_share)
        if not 1 <= cluster <= len(clusters):
            raise UserError(
                f"no cluster {cluster}: `smmatlas clusters` lists {len(clusters)} "
                f"(numbered 1 to {len(clusters)})"
                if clusters
                else f"no cluster {cluster}: the atlas has no operator clusters"
            )
        domains = clusters[cluster - 1].domains
        ties = clusters[cluster - 1].shared
        key, title = f"cluster-{cluster}", f"Operator cluster {cluster}: {', '.join(domains)}"
    else:
        wanted = (domain or "").strip().lower()
        if not wanted:
            raise UserError("name a portal (DOMAIN) or a cluster (--cluster N)")
        domains = [wanted]
        key, title = f"portal-{safe_name(wanted)}", wanted
    portals = list(
        session.execute(select(Portal).where(Portal.domain.in_(domains)).order_by(Portal.domain))
        .scalars()
        .all()
    )
    if not portals:
        raise UserError(f"{domains[0]} is not in the atlas (crawl it first)")
    return Case(
        key=key,
        title=title,
        portals=[portal_facts(session, p, root) for p in portals],
        ties=ties,
        generated_at=datetime.now(UTC).replace(microsecond=0),
    )


def write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def case_folder(out: Path, case: Case) -> Path:
    from atlas.cli import UserError

    folder = out / case.key
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write {folder}: {exc}") from exc
    return folder


def write_report(case: Case, to: str, out: Path, reporter: dict) -> dict:
    """Write the packet of `case` for recipients of kind `to`; return a summary."""
    from atlas.packet import write_evidence, write_manifest
    from atlas.xarf_report import email_body, find_recipients, xarf_reports

    folder = case_folder(out, case)
    evidence = write_evidence(case, folder / "evidence")
    recipients = find_recipients(case, to)
    listed = []
    for n, rcpt in enumerate(recipients, 1):
        files = []
        for portal, report in xarf_reports(case, rcpt, reporter, evidence):
            path = folder / "xarf" / f"{to}-{n}-{safe_name(portal)}.json"
            write_json(path, report)
            files.append(path.relative_to(folder).as_posix())
        body = email_body(case, rcpt, reporter, files, evidence)
        mail = folder / "email" / f"{to}-{n}.txt"
        mail.parent.mkdir(parents=True, exist_ok=True)
        mail.write_text(body, encoding="utf-8")
        listed.append(
            {**rcpt.as_dict(), "xarf": files, "email_file": mail.relative_to(folder).as_posix()}
        )
    write_json(folder / "recipients.json", {"case": case.title, "to": to, "recipients": listed})
    write_manifest(folder, case)
    return {"folder": folder, "recipients": listed, "evidence": evidence}


def reporter_from(args) -> dict:
    """The reporting party of every XARF report: --reporter EMAIL [--reporter-org NAME]."""
    from atlas.cli import UserError

    email = (args.reporter or os.environ.get("SMMATLAS_REPORTER") or "").strip()
    if not re.fullmatch(r"[^@\s]+@([a-z0-9-]+\.)+[a-z]{2,}", email, re.I):
        raise UserError(
            "say who reports: --reporter YOUR-EMAIL (or $SMMATLAS_REPORTER); "
            "abuse desks answer the reporter"
        )
    domain = email.rsplit("@", 1)[1].lower()
    org = (args.reporter_org or os.environ.get("SMMATLAS_REPORTER_ORG") or domain).strip()
    return {"org": org[:200], "contact": email, "domain": domain}


def run_report(args) -> int:
    from storage.db import open_db

    reporter = reporter_from(args)
    root = data_root(args.db, args.data)
    engine, sessions = open_db(args.db)
    with sessions() as session:
        case = load_case(session, args.domain, args.cluster, root)
    engine.dispose()
    summary = write_report(case, args.to, Path(args.output), reporter)
    for r in summary["recipients"]:
        contact = r["contact"] or r["url"] or "no contact known"
        print(f"{r['to']}: {r['name']} <{contact}> -> {r['email_file']}")
    print(f"wrote {summary['folder']} ({len(summary['recipients'])} recipients)")
    return 0


# --- command line (registered by atlas/cli.py) ---------------------------------------------
def _case_arguments(p) -> None:
    p.add_argument("domain", nargs="?", metavar="DOMAIN", help="the portal (its domain)")
    p.add_argument(
        "--cluster", type=int, metavar="N", help="the N-th cluster of `smmatlas clusters`"
    )
    p.add_argument(
        "--data", metavar="DIR", help="data folder of the evidence (default: the atlas's folder)"
    )
    p.add_argument("--db", metavar="URL", help="SQLAlchemy database URL (default: $SMMATLAS_DB)")


def _check_case_args(args) -> None:
    from atlas.cli import UserError

    if (args.domain is None) == (args.cluster is None):
        raise UserError("name either a portal (DOMAIN) or a cluster (--cluster N), not both")


def cmd_report(args) -> int:
    _check_case_args(args)
    return run_report(args)


def cmd_dossier(args) -> int:
    from atlas.dossier import run_dossier

    _check_case_args(args)
    return run_dossier(args)


def cmd_verify(args) -> int:
    from atlas.verify import run_verify

    return run_verify(args)


def add_takedown_commands(sub) -> None:
    """`report`, `dossier` and `verify` subcommands."""
    p = sub.add_parser(
        "report",
        help="write a takedown packet (XARF, e-mail, evidence) for a portal or a cluster",
        description="Write XARF v4 reports (one per recipient), a plain-text e-mail to send, "
        "and the evidence (WARC, WACZ, screenshots, manifest with SHA-256) for one portal or "
        "one operator cluster. Abuse contacts come from RDAP (run `smmatlas enrich` first) "
        "and from config/vocab/abuse.toml for payment providers and platforms.",
    )
    _case_arguments(p)
    p.add_argument("--to", choices=RECIPIENTS, required=True, help="who the request goes to")
    p.add_argument("-o", "--output", default="takedown", metavar="DIR", help="(default takedown)")
    p.add_argument("--reporter", metavar="EMAIL", help="your e-mail (default $SMMATLAS_REPORTER)")
    p.add_argument("--reporter-org", metavar="NAME", help="your organisation (default: domain)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "dossier",
        help="write a self-contained HTML (and PDF) dossier of a portal or a cluster",
        description="One HTML file (screenshots embedded) and a PDF printed by Chromium: "
        "summary, catalogue and prices, payment accounts, contacts, identifiers, hosting and "
        "abuse contacts, cluster ties, screenshots and the evidence table; with the evidence "
        "and a manifest that `smmatlas verify` checks.",
    )
    _case_arguments(p)
    p.add_argument("-o", "--output", default="dossiers", metavar="DIR", help="(default dossiers)")
    p.add_argument("--no-pdf", action="store_true", help="skip the PDF (no browser needed)")
    p.set_defaults(func=cmd_dossier)

    p = sub.add_parser(
        "verify",
        help="check a packet or dossier folder: every hash and WARC record, offline",
        description="Check every file against its manifest (SHA-256), read every WARC record "
        "back with its digests, and name anything altered. Exit 1 when something is.",
    )
    p.add_argument("folder", metavar="DIR")
    p.set_defaults(func=cmd_verify)
