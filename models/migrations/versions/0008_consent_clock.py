"""consent clock: a member's legal basis and when consent was given

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 18:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_basis', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('consent_given_on', sa.Date(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('consent_given_on')
        batch_op.drop_column('legal_basis')
