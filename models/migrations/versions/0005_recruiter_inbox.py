"""recruiter inbox: sign-in links, recruiter language/admin/alerts, contact details

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 17:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('sign_in_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recruiter_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['recruiter_id'], ['recruiter.id'], name=op.f('fk_sign_in_link_recruiter_id_recruiter'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_link_token_hash'))
    )
    with op.batch_alter_table('sign_in_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_link_recruiter_id'), ['recruiter_id'], unique=False)
    with op.batch_alter_table('recruiter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('admin', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=False, server_default='en'))
        batch_op.add_column(sa.Column('alerts', sa.String(length=20), nullable=False, server_default='immediate'))
    with op.batch_alter_table('moment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feedback', sa.Text(), nullable=True))
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('recruiter_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('origin', sa.String(length=20), nullable=False, server_default='moment'))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_contact_recruiter_id_recruiter'), 'recruiter', ['recruiter_id'], ['id'])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contact_recruiter_id_recruiter'), type_='foreignkey')
        batch_op.drop_column('created_at')
        batch_op.drop_column('origin')
        batch_op.drop_column('recruiter_id')
        batch_op.drop_column('note')
        batch_op.drop_column('channel')
    with op.batch_alter_table('moment', schema=None) as batch_op:
        batch_op.drop_column('feedback')
    with op.batch_alter_table('recruiter', schema=None) as batch_op:
        batch_op.drop_column('alerts')
        batch_op.drop_column('language')
        batch_op.drop_column('admin')
    with op.batch_alter_table('sign_in_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_link_recruiter_id'))
    op.drop_table('sign_in_link')
