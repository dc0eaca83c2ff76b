"""Output formats of `smmatlas export`, registered by name in one place.

Like Scrapy's FEED_EXPORTERS, `EXPORTERS` maps a format name to the import path of a callable
`(session, ExportOptions) -> bytes`, loaded only when used (`load_object`). Adding a format is
one entry here and one function anywhere. Every exporter honours `options.domains` (checked
before it runs: an unknown domain is an error, never an empty file) and writes spreadsheet-safe
cells where it writes cells (atlas/cells.py).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

EXPORTERS: dict[str, str] = {
    "json": "atlas.exporters.export_json_bytes",
    "csv": "atlas.exporters.export_csv_bytes",
    "xlsx": "atlas.exporters.export_xlsx_bytes",
    "stix": "atlas.stix.export_stix_bytes",  # STIX 2.1 bundle (issue 8)
    "misp": "atlas.misp.export_misp_bytes",  # MISP event JSON (issue 8)
}
BINARY = {"xlsx"}  # formats never written to a terminal


@dataclass
class ExportOptions:
    domains: list[str] | None = None
    bom: bool = False  # CSV: start with a UTF-8 byte-order mark (spreadsheets then read UTF-8)


Exporter = Callable[[Session, ExportOptions], bytes]


def get_exporter(name: str) -> Exporter:
    from scrapy.utils.misc import load_object

    if name not in EXPORTERS:
        raise KeyError(f"unknown format {name!r}; known: {', '.join(EXPORTERS)}")
    return load_object(EXPORTERS[name])


def export_json_bytes(session: Session, options: ExportOptions) -> bytes:
    from atlas.export import export_json

    data = export_json(session, options.domains)
    from extract.sanity import finite_json  # strict JSON: no NaN/Infinity (issue 13)

    text = json.dumps(finite_json(data), ensure_ascii=False, indent=1, allow_nan=False)
    return (text + "\n").encode("utf-8")


def export_csv_bytes(session: Session, options: ExportOptions) -> bytes:
    from atlas.export import export_offers_csv

    return export_offers_csv(session, options.domains, bom=options.bom).encode("utf-8")


# --- XLSX: one sheet per table -------------------------------------------------------------
def _lead_sheet(session: Session, model, kind: str, value: str, domains) -> tuple[list, list]:
    from atlas.export import _iso
    from storage.models import Capture, Portal

    query = (
        select(Portal.domain, model, Capture)
        .join(model, model.portal_id == Portal.id)
        .outerjoin(Capture, Capture.id == model.capture_id)
        .order_by(Portal.domain, model.id)
    )
    if domains:
        query = query.where(Portal.domain.in_(domains))
    columns = ["domain", kind, value, "url", "capture_url", "captured_at", "capture_sha256"]
    columns += ["first_seen", "last_seen"]
    rows = [
        [
            domain,
            getattr(x, kind),
            getattr(x, value) or None,
            x.url,
            c.url if c else None,
            _iso(c.fetched_at) if c else None,
            c.sha256 if c else None,
            _iso(x.first_seen),
            _iso(x.last_seen),
        ]
        for domain, x, c in session.execute(query)
    ]
    return columns, rows


def workbook_sheets(session: Session, domains: list[str] | None) -> dict[str, tuple[list, list]]:
    """Sheet name -> (columns, rows) of raw values."""
    from atlas.export import OFFER_CSV_COLUMNS, _iso, offer_rows
    from storage.models import Capture, Contact, Identifier, Payment, Portal

    portals = select(Portal).order_by(Portal.domain)
    evidence = (
        select(Portal.domain, Capture)
        .join(Capture, Capture.portal_id == Portal.id)
        .order_by(Portal.domain, Capture.id)
    )
    if domains:
        portals = portals.where(Portal.domain.in_(domains))
        evidence = evidence.where(Portal.domain.in_(domains))
    p_cols = ["domain", "url", "status", "kind", "software", "first_seen", "last_seen"]
    return {
        "portals": (
            p_cols,
            [
                [p.domain, p.url, p.status, p.kind, p.software]
                + [_iso(p.first_seen), _iso(p.last_seen)]
                for p in session.execute(portals).scalars()
            ],
        ),
        "offers": (OFFER_CSV_COLUMNS, offer_rows(session, domains)),
        "payments": _lead_sheet(session, Payment, "method", "account", domains),
        "contacts": _lead_sheet(session, Contact, "kind", "value", domains),
        "identifiers": _lead_sheet(session, Identifier, "kind", "value", domains),
        "evidence": (
            ["domain", "url", "http_status", "fetched_at", "sha256", "warc_file", "warc_offset"],
            [
                [d, c.url, c.http_status, _iso(c.fetched_at), c.sha256, c.warc_file]
                + [c.warc_offset]
                for d, c in session.execute(evidence)
            ],
        ),
    }


def export_xlsx_bytes(session: Session, options: ExportOptions) -> bytes:
    """An XLSX workbook, one sheet per table; every text cell stored as text, never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from atlas.cells import safe_cell

    wb = Workbook(write_only=True)
    for name, (columns, rows) in workbook_sheets(session, options.domains).items():
        ws = wb.create_sheet(name)
        ws.append(list(columns))
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(ws, value=safe_cell(value))
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, whatever it starts with
                cells.append(cell)
            ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
