"""The analyst's read side: portal listing and read-only SQL."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from storage.models import Contact, Identifier, Offer, Payment, Portal


class QueryError(ValueError):
    pass


def format_rows(columns: list[str], rows: list[tuple], fmt: str = "table") -> str:
    if fmt == "json":
        return json.dumps([dict(zip(columns, r, strict=True)) for r in rows], default=str, indent=1)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        w.writerows(rows)
        return buf.getvalue().rstrip("\n")
    cells = [[("" if v is None else str(v)) for v in r] for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)


def portal_table(session: Session, status: str | None = None) -> str:
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
    return format_rows(list(result.keys()), [tuple(r) for r in result])


def run_query(engine: Engine, sql: str, fmt: str = "table") -> str:
    """Run one read-only statement; writes are refused by the database itself."""
    stripped = sql.strip().rstrip(";")
    if ";" in stripped:
        raise QueryError("one statement at a time")
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA query_only = ON")
            else:
                conn.execute(text("SET TRANSACTION READ ONLY"))
            try:
                result = conn.execute(text(stripped))
                columns = list(result.keys())
                rows = [tuple(r) for r in result]
            finally:
                if engine.dialect.name == "sqlite":
                    conn.exec_driver_sql("PRAGMA query_only = OFF")
                conn.rollback()
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc) or exc).splitlines()[0]
        raise QueryError(f"query failed: {reason}") from exc
    return format_rows(columns, rows, fmt)
