"""respondent proposals: the gemeente proposes people for the visit; the team adopts or declines

Revision ID: 4dcdd5ae3576
Revises: b7d41c9e0a52
Created: 2026-12-04 11:20:03.777167
"""

from alembic import op
import sqlalchemy as sa
import peerreview.db

revision = '4dcdd5ae3576'
down_revision = 'b7d41c9e0a52'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('respondent_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('role', sa.String(length=160), nullable=False),
    sa.Column('organisation', sa.String(length=160), nullable=False),
    sa.Column('group', sa.Enum('gemeente', 'toegang', 'aanbieders', 'onderwijs', 'zorg', 'veiligheid', 'inwoners', 'overig', name='respondentgroup', native_enum=False, length=32), nullable=False),
    sa.Column('motivation', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('voorgesteld', 'overgenomen', 'afgewezen', 'ingetrokken', name='proposalstatus', native_enum=False, length=32), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('respondent_id', sa.Integer(), nullable=True),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_respondent_proposal_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_respondent_proposal_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_respondent_proposal_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user.id'], name=op.f('fk_respondent_proposal_proposed_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_respondent_proposal')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_respondent_proposal_gemeente_id_id'))
    )
    with op.batch_alter_table('respondent_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_respondent_proposal_visitatie_id'), ['visitatie_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('respondent_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_respondent_proposal_visitatie_id'))

    op.drop_table('respondent_proposal')
