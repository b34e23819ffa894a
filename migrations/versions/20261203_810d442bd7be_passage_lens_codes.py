"""lens codes on the network's passages (Jeugdwet goals, steering, toetsstenen), by passage key

Revision ID: 810d442bd7be
Revises: b7d4a9c2e1f3
Created: 2026-12-03 23:00:00
"""

from alembic import op
import sqlalchemy as sa
import peerreview.db

revision = '810d442bd7be'
down_revision = 'b7d4a9c2e1f3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('passage_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('passage_key', sa.String(length=120), nullable=False),
    sa.Column('lens', sa.String(length=48), nullable=False),
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.Column('applied_by_id', sa.Integer(), nullable=True),
    sa.Column('applied_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['applied_by_id'], ['user.id'], name=op.f('fk_passage_code_applied_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_passage_code_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passage_code')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_passage_code_gemeente_id_id')),
    sa.UniqueConstraint('passage_key', 'lens', 'code', name=op.f('uq_passage_code_passage_key_lens_code'))
    )
    with op.batch_alter_table('passage_code', schema=None) as batch_op:
        batch_op.create_index('ix_passage_code_lens_code', ['lens', 'code'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('passage_code', schema=None) as batch_op:
        batch_op.drop_index('ix_passage_code_lens_code')
    op.drop_table('passage_code')
