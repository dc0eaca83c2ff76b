"""Prices in one currency: dated exchange rates (units of a currency per 1 US dollar).

The project ships `config/rates/usd.csv` (its source and date are in its header comment); the
schema upgrade loads it into `exchange_rates`. `smmatlas rates import FILE` adds a user's own
CSV (`date,currency,per_usd`, `#` comments allowed). A price is converted at the rate of its
capture date: the newest rate on or before that day (the newest import for one day), else the
earliest rate known. The SQL view `offers_usd` applies the same rule.
"""

from __future__ import annotations

import bisect
import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from config.errors import RatesError  # noqa: F401 - re-exported
from storage.models import ExchangeRate

SHIPPED = Path(__file__).resolve().parents[1] / "config" / "rates" / "usd.csv"
COLUMNS = ("date", "currency", "per_usd")


def read_rates(text: str, name: str = "rates") -> list[tuple[date, str, float]]:
    lines = [(n, ln) for n, ln in enumerate(text.splitlines(), 1) if ln.strip()]
    lines = [(n, ln) for n, ln in lines if not ln.lstrip().startswith("#")]
    if not lines:
        raise RatesError(f"{name}: no rates (expected a header 'date,currency,per_usd')")
    reader = csv.reader(io.StringIO("\n".join(ln for _, ln in lines)))
    header = [h.strip().lower() for h in next(reader)]
    if any(c not in header for c in COLUMNS):
        raise RatesError(
            f"{name}: the header must name the columns date, currency, per_usd (got {header})"
        )
    at = {c: header.index(c) for c in COLUMNS}
    out = []
    for (number, _), row in zip(lines[1:], reader, strict=True):
        try:
            day = date.fromisoformat(row[at["date"]].strip())
            currency = row[at["currency"]].strip().upper()
            per_usd = float(row[at["per_usd"]])
        except (IndexError, ValueError) as exc:
            raise RatesError(f"{name} line {number}: not 'YYYY-MM-DD,CUR,number': {row}") from exc
        if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
            raise RatesError(f"{name} line {number}: {currency!r} is not an ISO 4217 code")
        if not per_usd > 0 or per_usd == float("inf"):
            raise RatesError(f"{name} line {number}: the rate must be a positive number")
        out.append((day, currency, per_usd))
    return out


def import_rates(session: Session, path: Path, source: str | None = None) -> int:
    """Add the rates of a CSV file; a row already imported from the same source is updated."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RatesError(f"cannot read {path}: {exc}") from exc
    rows = read_rates(text, str(path))
    source = source or Path(path).name
    now = datetime.now(UTC)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for day, currency, per_usd in rows:
        stmt = insert(ExchangeRate).values(
            currency=currency, date=day, per_usd=per_usd, source=source, imported_at=now
        )
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=["currency", "date", "source"],
                set_={"per_usd": per_usd, "imported_at": now},
            )
        )
    session.commit()
    return len(rows)


@dataclass
class RateTable:
    """Rates by currency, sorted by (date, import order)."""

    by_currency: dict[str, list[tuple[date, int, float]]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> RateTable:
        table = cls()
        try:
            rows = list(
                session.execute(
                    select(ExchangeRate).order_by(ExchangeRate.date, ExchangeRate.id)
                ).scalars()
            )
        except SQLAlchemyError:  # an older atlas opened read-only: no exchange_rates yet
            session.rollback()
            rows = []
        for r in rows:
            table.by_currency.setdefault(r.currency, []).append((r.date, r.id, r.per_usd))
        if not table.by_currency and SHIPPED.exists():  # no rates stored: the shipped file
            for day, cur, per_usd in read_rates(SHIPPED.read_text(encoding="utf-8")):
                table.by_currency.setdefault(cur, []).append((day, 0, per_usd))
        return table

    def per_usd(self, currency: str, day: date | datetime | None) -> float | None:
        rates = self.by_currency.get((currency or "").upper())
        if not rates:
            return None
        if day is None:
            return rates[-1][2]
        if isinstance(day, datetime):
            day = (day if day.tzinfo is None else day.astimezone(UTC)).date()
        i = bisect.bisect_right(rates, (day, float("inf"), 0.0))
        return rates[i - 1][2] if i else rates[0][2]

    def usd_per_1000(
        self, price: float | None, currency: str, per: int | None, day: date | datetime | None
    ) -> float | None:
        rate = self.per_usd(currency, day)
        if price is None or rate is None or not per:
            return None
        return round(price / rate * 1000.0 / per, 4)


def rate_rows(session: Session) -> tuple[list[str], list[tuple]]:
    rows = session.execute(
        select(
            ExchangeRate.date,
            ExchangeRate.currency,
            ExchangeRate.per_usd,
            ExchangeRate.source,
        ).order_by(ExchangeRate.currency, ExchangeRate.date, ExchangeRate.id)
    )
    return ["date", "currency", "per_usd", "source"], [
        (d.isoformat(), c, p, s) for d, c, p, s in rows
    ]
