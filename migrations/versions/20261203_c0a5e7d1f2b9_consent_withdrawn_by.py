"""who withdrew a case's consent

Revision ID: c0a5e7d1f2b9
Revises: a3c1e9d27f40
Created: 2026-12-03 17:20:00
"""

from alembic import op
import sqlalchemy as sa

revision = 'c0a5e7d1f2b9'
down_revision = 'a3c1e9d27f40'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('casus') as batch_op:
        batch_op.add_column(sa.Column('consent_withdrawn_by', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('casus') as batch_op:
        batch_op.drop_column('consent_withdrawn_by')
