"""value flags and crash-safe writes (issue 13)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 13:55:00

"""

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema (placeholder: filled by the change that needs it)."""


def downgrade() -> None:
    """Downgrade schema."""
