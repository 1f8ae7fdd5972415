"""integrations: API tokens, contact keys, signed webhooks, dead deliveries, moment events,
session epochs

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 18:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    op.create_table('moment_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('moment_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=60), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['moment_id'], ['moment.id'], name=op.f('fk_moment_event_moment_id_moment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moment_event'))
    )
    with op.batch_alter_table('moment_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moment_event_moment_id'), ['moment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moment_event_published_at'), ['published_at'], unique=False)
    with op.batch_alter_table('recruiter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('webhook_format', sa.String(length=20), nullable=False, server_default='standard'))
        batch_op.add_column(sa.Column('webhook_secret', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('webhook_secret_previous', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('webhook_previous_until', sa.DateTime(), nullable=True))
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key', sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_contact_key'), ['key'])
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retry_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('alerted_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_column('alerted_at')
        batch_op.drop_column('retry_until')
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_contact_key'), type_='unique')
        batch_op.drop_column('key')
    with op.batch_alter_table('recruiter', schema=None) as batch_op:
        batch_op.drop_column('webhook_previous_until')
        batch_op.drop_column('webhook_secret_previous')
        batch_op.drop_column('webhook_secret')
        batch_op.drop_column('webhook_format')
        batch_op.drop_column('session_epoch')
    with op.batch_alter_table('moment_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moment_event_published_at'))
        batch_op.drop_index(batch_op.f('ix_moment_event_moment_id'))
    op.drop_table('moment_event')
    op.drop_table('api_token')
