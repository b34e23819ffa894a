"""deadline reminders

Revision ID: 2a826575560f
Revises: 8ae8727e9053
Created: 2026-11-22 07:18:40.687822
"""

from alembic import op
import sqlalchemy as sa
import peerreview.db


revision = '2a826575560f'
down_revision = '8ae8727e9053'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reminder_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('phase', sa.Enum('zelfevaluatie', 'review', 'visitatie', 'portret', 'reflectie', name='phase', native_enum=False, length=32), nullable=False),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('sent_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_reminder_sent_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_reminder_sent_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_sent')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_reminder_sent_gemeente_id_id')),
    sa.UniqueConstraint('visitatie_id', 'phase', 'days_before', name=op.f('uq_reminder_sent_visitatie_id_phase_days_before'))
    )
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_sent_gemeente_id'), ['gemeente_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_sent_visitatie_id'), ['visitatie_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_sent_visitatie_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_sent_gemeente_id'))

    op.drop_table('reminder_sent')
