"""candidates and off-site links (issue 9)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 13:55:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema: two new tables; no existing row is touched."""
    op.create_table(
        "sightings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("source", sa.String(length=253), nullable=True),
        sa.Column("portal_id", sa.Integer(), nullable=True),
        sa.Column("capture_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("context", sa.Text(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["capture_id"], ["captures.id"]),
        sa.ForeignKeyConstraint(["portal_id"], ["portals.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url", "kind", "value"),
    )
    op.create_index("ix_sightings_domain", "sightings", ["domain"])
    op.create_index("ix_sightings_portal_id", "sightings", ["portal_id"])
    op.create_table(
        "candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("found_from", sa.String(length=253), nullable=True),
        sa.Column("sighting_id", sa.Integer(), nullable=True),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["sighting_id"], ["sightings.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("domain"),
    )
    op.create_index("ix_candidates_state", "candidates", ["state"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_candidates_state", table_name="candidates")
    op.drop_table("candidates")
    op.drop_index("ix_sightings_portal_id", table_name="sightings")
    op.drop_index("ix_sightings_domain", table_name="sightings")
    op.drop_table("sightings")
