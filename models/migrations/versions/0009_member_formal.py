"""drafts: address a member formally (u) or not (je)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 18:50:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('formal', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('formal')
