"""Listing commands' output: `--format table|json|csv` for portals, clusters, rates, stats.

CSV cells are spreadsheet-safe (atlas/cells.py); JSON keeps every value as it is; the table is
for a terminal (control and bidi characters made visible). Filter values are checked: an
unknown one is an error naming the valid ones, never an empty listing.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Iterable, Sequence

from atlas.cells import safe_row, visible
from config.errors import FilterError  # noqa: F401 - re-exported

FORMATS = ("table", "json", "csv")
# the contract's portal statuses (../shared/contract/vocabulary.md)
PORTAL_STATUSES = ("active", "unreachable", "blocked", "parked", "not_a_portal")


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=FORMATS, default="table", help="table (default), json or csv"
    )


def check_choice(option: str, value: str | None, valid: Iterable[str]) -> str | None:
    """`value` if it is one of `valid` (case-blind), else FilterError listing them."""
    if value is None:
        return None
    valid = list(valid)
    low = value.strip().lower()
    if low not in valid:
        raise FilterError(f"unknown {option} value {value!r}; valid values: {', '.join(valid)}")
    return low


def render(columns: Sequence[str], rows: Iterable[Sequence], fmt: str = "table") -> str:
    rows = [tuple(r) for r in rows]
    if fmt == "json":
        from extract.sanity import finite_json  # strict JSON: no NaN/Infinity

        data = finite_json([dict(zip(columns, r, strict=True)) for r in rows])
        return json.dumps(data, default=str, indent=1, ensure_ascii=False, allow_nan=False)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")  # RFC 4180: a CR in a cell is quoted
        w.writerow(safe_row(columns))
        w.writerows(safe_row(r) for r in rows)
        return buf.getvalue().rstrip("\r\n")
    cells = [[("" if v is None else visible(str(v))) for v in r] for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def portal_rows(session, status: str | None = None) -> tuple[list[str], list[tuple]]:
    """`smmatlas portals`: domain, status, kind, software and fact counts (status checked)."""
    from sqlalchemy import func, select

    from storage.models import Contact, Identifier, Offer, Payment, Portal

    status = check_choice("--status", status, PORTAL_STATUSES)

    def count(model):
        return (
            select(func.count())
            .where(model.portal_id == Portal.id)
            .correlate(Portal)
            .scalar_subquery()
        )

    query = select(
        Portal.domain,
        Portal.status,
        Portal.kind,
        Portal.software,
        count(Offer).label("offers"),
        count(Payment).label("payments"),
        count(Contact).label("contacts"),
        count(Identifier).label("identifiers"),
    ).order_by(Portal.domain)
    if status:
        query = query.where(Portal.status == status)
    result = session.execute(query)
    return list(result.keys()), [tuple(r) for r in result]
