"""captures as evidence: SHA-256 digests, fetch IP, screenshots, revisits (issue 8)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 13:50:00

Adds to `captures`: the IP address the response came from, the WARC-Record-ID of its response
record (revisit records refer to it), the newest WARC record proving presence (a revisit on a
recrawl) and how many revisits there were, and the screenshot's SHA-256 and time (the
`screenshot` column holds its path, relative to the data folder). Existing rows keep every
value; their WARC paths (absolute or relative to the working folder) stay readable
(storage.evidence.resolve_path).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("ip_address", sa.String(45)),
    ("warc_record_id", sa.String(100)),
    ("last_warc_file", sa.Text()),
    ("last_warc_offset", sa.Integer()),
    ("screenshot_sha256", sa.String(64)),
    ("screenshot_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("captures", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.add_column(sa.Column("revisits", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.drop_column("revisits")
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
