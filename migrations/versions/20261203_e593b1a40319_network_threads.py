"""rode draden: network threads with their evidence, versions and gemeente responses, and the
generated network reports

Revision ID: e593b1a40319
Revises: 0404814080b9
Created: 2026-12-03 22:44:59.241266
"""

from alembic import op
import sqlalchemy as sa
import peerreview.db
from sqlalchemy import Text  # noqa: F401  (autogenerate renders JSONB(astext_type=Text()))
from sqlalchemy.dialects import postgresql

revision = 'e593b1a40319'
down_revision = '0404814080b9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('network_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('pdf_checksum', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_network_report_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_report')),
    sa.UniqueConstraint('number', name=op.f('uq_network_report_number'))
    )
    op.create_table('network_thread',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('themes', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('state', sa.Enum('concept', 'ter_toetsing', 'vastgesteld', name='threadstate', native_enum=False, length=32), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('settled_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('settled_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_network_thread_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['settled_by_id'], ['user.id'], name=op.f('fk_network_thread_settled_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_thread'))
    )
    with op.batch_alter_table('network_thread', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_thread_state'), ['state'], unique=False)

    op.create_table('network_thread_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('recognition', sa.Enum('herkennen', 'niet_herkennen', name='recognition', native_enum=False, length=32), nullable=False),
    sa.Column('remark', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('responded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_network_thread_response_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['responded_by_id'], ['user.id'], name=op.f('fk_network_thread_response_responded_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['network_thread.id'], name=op.f('fk_network_thread_response_thread_id_network_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_thread_response')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_network_thread_response_gemeente_id_id')),
    sa.UniqueConstraint('thread_id', 'gemeente_id', name=op.f('uq_network_thread_response_thread_id_gemeente_id'))
    )
    op.create_table('network_thread_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('statement', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('themes', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('evidence', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_network_thread_version_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['network_thread.id'], name=op.f('fk_network_thread_version_thread_id_network_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_thread_version')),
    sa.UniqueConstraint('thread_id', 'number', name=op.f('uq_network_thread_version_thread_id_number'))
    )
    op.create_table('network_thread_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('stance', sa.Enum('steun', 'tegen', name='stance', native_enum=False, length=32), nullable=False),
    sa.Column('passage_key', sa.String(length=120), nullable=False),
    sa.Column('exact', sa.Text(), nullable=False),
    sa.Column('prefix', sa.String(length=64), nullable=False),
    sa.Column('suffix', sa.String(length=64), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('section_key', sa.String(length=80), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], name=op.f('fk_network_thread_evidence_added_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_network_thread_evidence_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_network_thread_evidence_round_id_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['network_thread.id'], name=op.f('fk_network_thread_evidence_thread_id_network_thread'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visitatie_id'], ['visitatie.id'], name=op.f('fk_network_thread_evidence_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_thread_evidence')),
    sa.UniqueConstraint('thread_id', 'passage_key', 'start', 'end', name=op.f('uq_network_thread_evidence_thread_id_passage_key_start_end'))
    )
    with op.batch_alter_table('network_thread_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_thread_evidence_gemeente_id'), ['gemeente_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_thread_evidence_passage_key'), ['passage_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('network_thread_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_thread_evidence_passage_key'))
        batch_op.drop_index(batch_op.f('ix_network_thread_evidence_gemeente_id'))

    op.drop_table('network_thread_evidence')
    op.drop_table('network_thread_version')
    op.drop_table('network_thread_response')
    with op.batch_alter_table('network_thread', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_thread_state'))

    op.drop_table('network_thread')
    op.drop_table('network_report')
