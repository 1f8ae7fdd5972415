"""source skipped entries: what the per-poll and per-day caps left out

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 19:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('skipped_entries', sa.Integer(), nullable=False, server_default='0')
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_column('skipped_entries')
