"""member concepts: what each member's interests and title are about, indexed for
vacancy matching

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 22:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'member_concept',
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('concept', sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(['member_id'], ['member.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('member_id', 'concept'),
    )
    op.create_index('ix_member_concept_concept', 'member_concept', ['concept', 'member_id'])
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('concepts_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('concepts_at')
    op.drop_index('ix_member_concept_concept', table_name='member_concept')
    op.drop_table('member_concept')
