"""verbeteragenda: agenda, own points, reporting periods, action lines with their sources, parts with
their status history, progress updates

Revision ID: 0404814080b9
Revises: 731c6ff30127
Created: 2026-12-03 22:43:04
"""

from alembic import op
import sqlalchemy as sa
import peerreview.db
from sqlalchemy import Text  # noqa: F401  (autogenerate renders JSONB(astext_type=Text()))
from sqlalchemy.dialects import postgresql

revision = '0404814080b9'
down_revision = '731c6ff30127'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('improvement_agenda',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_improvement_agenda_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_improvement_agenda_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_improvement_agenda_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_improvement_agenda')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_improvement_agenda_gemeente_id_id')),
    sa.UniqueConstraint('visitatie_id', name=op.f('uq_improvement_agenda_visitatie_id'))
    )
    op.create_table('agenda_action_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('themes', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('process_goal', sa.Text(), nullable=False),
    sa.Column('outcome_goal', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id', 'agenda_id'], ['improvement_agenda.gemeente_id', 'improvement_agenda.id'], name=op.f('fk_agenda_action_line_gemeente_id_agenda_id_improvement_agenda'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_agenda_action_line_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_action_line')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_agenda_action_line_gemeente_id_id'))
    )
    with op.batch_alter_table('agenda_action_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_action_line_agenda_id'), ['agenda_id'], unique=False)

    op.create_table('agenda_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reminder_sent_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id', 'agenda_id'], ['improvement_agenda.gemeente_id', 'improvement_agenda.id'], name=op.f('fk_agenda_period_gemeente_id_agenda_id_improvement_agenda'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_agenda_period_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_period')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_agenda_period_gemeente_id_id'))
    )
    with op.batch_alter_table('agenda_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_period_agenda_id'), ['agenda_id'], unique=False)

    op.create_table('agenda_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=3), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_agenda_point_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'agenda_id'], ['improvement_agenda.gemeente_id', 'improvement_agenda.id'], name=op.f('fk_agenda_point_gemeente_id_agenda_id_improvement_agenda'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_agenda_point_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_point')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_agenda_point_gemeente_id_id'))
    )
    with op.batch_alter_table('agenda_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_point_agenda_id'), ['agenda_id'], unique=False)

    op.create_table('agenda_action_line_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_line_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('ontwikkelpunt', 'verbeterpunt', 'eigen', name='sourcekind', native_enum=False, length=32), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('theme', sa.String(length=3), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id', 'action_line_id'], ['agenda_action_line.gemeente_id', 'agenda_action_line.id'], name=op.f('fk_agenda_action_line_source_gemeente_id_action_line_id_agenda_action_line'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_agenda_action_line_source_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_action_line_source')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_agenda_action_line_source_gemeente_id_id'))
    )
    with op.batch_alter_table('agenda_action_line_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_action_line_source_action_line_id'), ['action_line_id'], unique=False)
        batch_op.create_index('ix_agenda_action_line_source_kind_source', ['kind', 'source_id'], unique=False)

    op.create_table('agenda_part',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_line_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('owner_role', sa.String(length=160), nullable=False),
    sa.Column('owner_organisation', sa.String(length=160), nullable=False),
    sa.Column('owner_user_id', sa.Integer(), nullable=True),
    sa.Column('planning', sa.String(length=40), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('nog_niet_gestart', 'in_voorbereiding', 'in_uitvoering', 'gereed', 'doorlopend', 'vervallen', name='partstatus', native_enum=False, length=32), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('indicator', sa.Text(), nullable=False),
    sa.Column('indicator_code', sa.String(length=40), nullable=True),
    sa.Column('indicator_target', sa.String(length=120), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id', 'action_line_id'], ['agenda_action_line.gemeente_id', 'agenda_action_line.id'], name=op.f('fk_agenda_part_gemeente_id_action_line_id_agenda_action_line'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_agenda_part_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_user_id'], ['user.id'], name=op.f('fk_agenda_part_owner_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_part')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_agenda_part_gemeente_id_id'))
    )
    with op.batch_alter_table('agenda_part', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_part_action_line_id'), ['action_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_part_owner_user_id'), ['owner_user_id'], unique=False)

    op.create_table('agenda_part_status',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('nog_niet_gestart', 'in_voorbereiding', 'in_uitvoering', 'gereed', 'doorlopend', 'vervallen', name='partstatus', native_enum=False, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], name=op.f('fk_agenda_part_status_changed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'part_id'], ['agenda_part.gemeente_id', 'agenda_part.id'], name=op.f('fk_agenda_part_status_gemeente_id_part_id_agenda_part'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_agenda_part_status_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_part_status')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_agenda_part_status_gemeente_id_id'))
    )
    with op.batch_alter_table('agenda_part_status', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_part_status_part_id'), ['part_id'], unique=False)

    op.create_table('agenda_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('nog_niet_gestart', 'in_voorbereiding', 'in_uitvoering', 'gereed', 'doorlopend', 'vervallen', name='partstatus', native_enum=False, length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_agenda_progress_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'part_id'], ['agenda_part.gemeente_id', 'agenda_part.id'], name=op.f('fk_agenda_progress_gemeente_id_part_id_agenda_part'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id', 'period_id'], ['agenda_period.gemeente_id', 'agenda_period.id'], name=op.f('fk_agenda_progress_gemeente_id_period_id_agenda_period'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_agenda_progress_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_progress')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_agenda_progress_gemeente_id_id')),
    sa.UniqueConstraint('part_id', 'period_id', name=op.f('uq_agenda_progress_part_id_period_id'))
    )
    with op.batch_alter_table('agenda_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_progress_period_id'), ['period_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('agenda_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_progress_period_id'))

    op.drop_table('agenda_progress')
    with op.batch_alter_table('agenda_part_status', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_part_status_part_id'))

    op.drop_table('agenda_part_status')
    with op.batch_alter_table('agenda_part', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_part_owner_user_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_part_action_line_id'))

    op.drop_table('agenda_part')
    with op.batch_alter_table('agenda_action_line_source', schema=None) as batch_op:
        batch_op.drop_index('ix_agenda_action_line_source_kind_source')
        batch_op.drop_index(batch_op.f('ix_agenda_action_line_source_action_line_id'))

    op.drop_table('agenda_action_line_source')
    with op.batch_alter_table('agenda_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_point_agenda_id'))

    op.drop_table('agenda_point')
    with op.batch_alter_table('agenda_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_period_agenda_id'))

    op.drop_table('agenda_period')
    with op.batch_alter_table('agenda_action_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_action_line_agenda_id'))

    op.drop_table('agenda_action_line')
    op.drop_table('improvement_agenda')
