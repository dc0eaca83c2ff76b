"""exchange rates and analyst views (issue 11)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 13:50:00

Adds `exchange_rates` (filled from the shipped config/rates/usd.csv) and read-only views for
analysts (sqlite3 shell, pandas, Datasette): domains instead of ids, UTC timestamps written
with `Z`, and offers with `price_usd_per_1000` at the rate of their capture date.

SQLite note: a later migration that rebuilds a table these views read (Alembic batch
"move and copy") must run with `PRAGMA legacy_alter_table=ON` (set here for the rest of this
upgrade), or SQLite refuses the rename with "error in view ...".
"""

import csv
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RATES_FILE = Path(__file__).resolve().parents[3] / "config" / "rates" / "usd.csv"
VIEWS = ("offers_usd", "portal_overview", "leads", "price_changes")


def _shipped_rates() -> list[dict]:
    if not RATES_FILE.exists():
        return []
    lines = [ln for ln in RATES_FILE.read_text(encoding="utf-8").splitlines() if ln.strip()]
    rows = csv.DictReader(ln for ln in lines if not ln.lstrip().startswith("#"))
    now = datetime.now(UTC)
    return [
        {
            "currency": r["currency"].strip().upper(),
            "date": date.fromisoformat(r["date"].strip()),
            "per_usd": float(r["per_usd"]),
            "source": "config/rates/usd.csv",
            "imported_at": now,
        }
        for r in rows
    ]


def _sql(dialect: str) -> dict[str, str]:
    """The views' SQL for SQLite or PostgreSQL (dates, UTC text and JSON differ)."""
    if dialect == "sqlite":

        def utc(x: str) -> str:
            return f"strftime('%Y-%m-%dT%H:%M:%SZ', {x})"

        def day(x: str) -> str:
            return f"date({x})"

        registrar = "json_extract(h.data, '$.registrar.name')"
        network = "json_extract(h.data, '$.networks[0].name')"
        as_name = (
            "(SELECT json_extract(j.value, '$.as_name') FROM json_each(h.data, '$.by_ip') j"
            " LIMIT 1)"
        )
        asn = "(SELECT json_extract(j.value, '$.asn') FROM json_each(h.data, '$.by_ip') j LIMIT 1)"
    else:

        def utc(x: str) -> str:
            return f"to_char({x} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

        def day(x: str) -> str:
            return f"CAST({x} AT TIME ZONE 'UTC' AS DATE)"

        registrar = "(h.data::jsonb -> 'registrar' ->> 'name')"
        network = "(h.data::jsonb -> 'networks' -> 0 ->> 'name')"
        by_ip = "FROM jsonb_each(h.data::jsonb -> 'by_ip') e LIMIT 1)"
        as_name = f"(SELECT e.value ->> 'as_name' {by_ip}"
        asn = f"(SELECT (e.value ->> 'asn')::int {by_ip}"

    at = day("COALESCE(c.fetched_at, o.last_seen)")
    rate_before = (
        "(SELECT r.per_usd FROM exchange_rates r WHERE r.currency = o.currency"
        f" AND r.date <= {at} ORDER BY r.date DESC, r.id DESC LIMIT 1)"
    )
    rate_after = (
        "(SELECT r.per_usd FROM exchange_rates r WHERE r.currency = o.currency"
        " ORDER BY r.date ASC, r.id DESC LIMIT 1)"
    )

    def latest(source: str, expr: str) -> str:
        return (
            f"(SELECT {expr} FROM hosting_results h WHERE h.portal_id = p.id AND h.ok"
            f" AND h.source = '{source}' ORDER BY h.fetched_at DESC LIMIT 1)"
        )

    def count(table: str) -> str:
        return f"(SELECT count(*) FROM {table} x WHERE x.portal_id = p.id)"

    lead_parts = [
        f"SELECT p.domain, '{lead}' AS lead, x.{kind} AS kind, x.{value} AS value, x.url,"
        f" c.url AS capture_url, c.sha256 AS capture_sha256, {utc('x.first_seen')} AS first_seen,"
        f" {utc('x.last_seen')} AS last_seen, x.portal_id"
        f" FROM {table} x JOIN portals p ON p.id = x.portal_id"
        f" LEFT JOIN captures c ON c.id = x.capture_id{where}"
        for lead, table, kind, value, where in (
            ("payment", "payments", "method", "account", ""),
            ("contact", "contacts", "kind", "value", ""),
            ("identifier", "identifiers", "kind", "value", ""),
        )
    ]
    return {
        "offers_usd": f"""
SELECT o.id AS offer_id, p.domain, o.service_id, o.name, o.category, o.platform, o.product,
       o.kind, o.price, o.currency, o.per, o.min, o.max,
       q.per_usd AS usd_rate,
       CASE WHEN q.per_usd > 0 AND o.per > 0
            THEN round(CAST(o.price / q.per_usd * 1000.0 / o.per AS NUMERIC), 4) END
         AS price_usd_per_1000,
       o.url, c.url AS capture_url, {utc("c.fetched_at")} AS captured_at,
       c.sha256 AS capture_sha256,
       {utc("o.first_seen")} AS first_seen, {utc("o.last_seen")} AS last_seen, o.portal_id
FROM offers o
JOIN portals p ON p.id = o.portal_id
LEFT JOIN captures c ON c.id = o.capture_id
LEFT JOIN (SELECT o.id AS offer_id, COALESCE({rate_before}, {rate_after}) AS per_usd
           FROM offers o LEFT JOIN captures c ON c.id = o.capture_id) q ON q.offer_id = o.id
""",
        "portal_overview": f"""
SELECT p.domain, p.url, p.status, p.kind, p.software,
       {count("offers")} AS offers, {count("payments")} AS payments,
       {count("contacts")} AS contacts, {count("identifiers")} AS identifiers,
       {latest("rdap_domain", registrar)} AS registrar,
       {latest("rdap_ip", network)} AS network,
       {latest("asn", asn)} AS asn,
       {latest("asn", as_name)} AS as_name,
       {utc("p.first_seen")} AS first_seen, {utc("p.last_seen")} AS last_seen, p.id AS portal_id
FROM portals p
""",
        "leads": "\nUNION ALL\n".join(lead_parts),
        "price_changes": f"""
SELECT p.domain, o.name, o.platform, o.product, o.service_id, ch.run_id,
       {utc("ch.seen_at")} AS seen_at, ch.previous_price, ch.price, ch.currency, ch.per,
       ch.offer_id
FROM (SELECT b.offer_id, b.run_id, b.seen_at, b.price, b.currency, b.per,
             LAG(b.price) OVER (PARTITION BY b.offer_id ORDER BY b.seen_at, b.id)
               AS previous_price
      FROM offer_observations b) ch
JOIN offers o ON o.id = ch.offer_id
JOIN portals p ON p.id = o.portal_id
WHERE ch.previous_price IS NOT NULL AND ch.previous_price <> ch.price
""",
    }


def create_views() -> None:
    for name, body in _sql(op.get_bind().dialect.name).items():
        op.execute(f"CREATE VIEW {name} AS {body}")


def drop_views() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")


def upgrade() -> None:
    """exchange_rates (seeded from the shipped file) and the analysts' views."""
    table = op.create_table(
        "exchange_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("per_usd", sa.Float(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("currency", "date", "source"),
    )
    op.create_index("ix_exchange_rates_currency", "exchange_rates", ["currency"])
    rows = _shipped_rates()
    if rows:
        op.bulk_insert(table, rows)
    create_views()
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA legacy_alter_table=ON")


def downgrade() -> None:
    """Downgrade schema."""
    drop_views()
    op.drop_index("ix_exchange_rates_currency", table_name="exchange_rates")
    op.drop_table("exchange_rates")
