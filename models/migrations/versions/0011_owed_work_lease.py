"""owed work lease: when the scheduler last enqueued an item, signal, moment, delivery
or vacancy

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 22:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLES = ('item', 'signal', 'moment', 'delivery', 'vacancy')


def upgrade() -> None:
    """Upgrade schema."""
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('queued_at', sa.DateTime(), nullable=True))
            batch_op.create_index(f'ix_{table}_queued_at', ['queued_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_queued_at')
            batch_op.drop_column('queued_at')
