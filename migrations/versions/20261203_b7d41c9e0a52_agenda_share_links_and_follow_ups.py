"""verbeteragenda: read-only share links for the council, and the next round's follow-ups

Revision ID: b7d41c9e0a52
Revises: e593b1a40319
Created: 2026-12-03 22:55:00

Branch note: the agenda (0404814080b9) and network (5e2b8c41d9a7) migrations both follow 731c6ff30127; this
one joins them so that this branch has one head. The integrator re-chains it after the others.
"""

from alembic import op
import sqlalchemy as sa
import peerreview.db

revision = 'b7d41c9e0a52'
down_revision = 'e593b1a40319'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agenda_share_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_agenda_share_link_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_agenda_share_link_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_agenda_share_link_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_share_link')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_agenda_share_link_gemeente_id_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_agenda_share_link_token_hash'))
    )
    with op.batch_alter_table('agenda_share_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_share_link_visitatie_id'), ['visitatie_id'], unique=False)

    op.create_table('agenda_follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('section_key', sa.String(length=80), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_agenda_follow_up_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_agenda_follow_up_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_agenda_follow_up_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_follow_up')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_agenda_follow_up_gemeente_id_id')),
    sa.UniqueConstraint('visitatie_id', 'section_key', name=op.f('uq_agenda_follow_up_visitatie_id_section_key'))
    )


def downgrade() -> None:
    op.drop_table('agenda_follow_up')
    with op.batch_alter_table('agenda_share_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_share_link_visitatie_id'))
    op.drop_table('agenda_share_link')
