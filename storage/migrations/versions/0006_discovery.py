"""candidates and off-site links (issue 9)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 13:55:00

"""

from collections.abc import Sequence

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema (placeholder: filled by the change that needs it)."""


def downgrade() -> None:
    """Downgrade schema."""
