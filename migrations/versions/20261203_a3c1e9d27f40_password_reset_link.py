"""one password-reset link per account

Revision ID: a3c1e9d27f40
Revises: 51486ca67409
Created: 2026-12-03 17:30:00
"""

from alembic import op
import sqlalchemy as sa
import peerreview.db

revision = 'a3c1e9d27f40'
down_revision = '51486ca67409'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('user', sa.Column('password_reset_hash', sa.String(length=64), nullable=True))
    op.add_column('user', sa.Column('password_reset_expires_at', peerreview.db.UTCDateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_user_password_reset_hash'), 'user', ['password_reset_hash'], unique=True)


def downgrade() -> None:
    op.drop_index(op.f('ix_user_password_reset_hash'), table_name='user')
    with op.batch_alter_table('user') as batch_op:
        batch_op.drop_column('password_reset_expires_at')
        batch_op.drop_column('password_reset_hash')
