"""value flags and crash-safe writes (issue 13)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 13:55:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """offers.flags: implausible values flagged, never silently changed (extract/sanity.py)."""
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flags", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_column("flags")
