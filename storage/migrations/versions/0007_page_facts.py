"""stored facts of each capture: unchanged pages skip extraction (issue 12)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema: one new table; no existing row is touched (captures crawled before it
    have no stored facts: they are extracted once more on their next fetch)."""
    op.create_table(
        "capture_facts",
        sa.Column("capture_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("currency_hint", sa.String(length=8), nullable=False),
        sa.Column("context", sa.String(length=64), nullable=False),
        sa.Column("facts", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["capture_id"], ["captures.id"]),
        sa.PrimaryKeyConstraint("capture_id"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("capture_facts")
