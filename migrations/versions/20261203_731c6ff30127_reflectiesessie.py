"""reflectiesessie (plan, attendees, record, lessons, improvement points, wederhoor), the round's
wederhoor setting, and one attachment per outgoing e-mail (the calendar file)

Revision ID: 731c6ff30127
Revises: 7cb3247e1847
Created: 2026-12-03 20:30:00
"""

from alembic import op
import sqlalchemy as sa
import peerreview.db
from sqlalchemy import Text  # noqa: F401  (autogenerate renders JSONB(astext_type=Text()))
from sqlalchemy.dialects import postgresql

revision = '731c6ff30127'
down_revision = '7cb3247e1847'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reflectiesessie',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=True),
    sa.Column('starts_at', sa.Time(), nullable=True),
    sa.Column('ends_at', sa.Time(), nullable=True),
    sa.Column('mode', sa.Enum('op_locatie', 'digitaal', name='sessiemode', native_enum=False, length=32), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('planned_by_id', sa.Integer(), nullable=True),
    sa.Column('ics_uid', sa.String(length=200), nullable=False),
    sa.Column('ics_sequence', sa.Integer(), nullable=False),
    sa.Column('invited_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminded_for', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('recognisability', sa.Enum('herkenbaar', 'deels_herkenbaar', 'niet_herkenbaar', name='recognisability', native_enum=False, length=32), nullable=True),
    sa.Column('section_recognisability', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reactie', sa.Text(), nullable=False),
    sa.Column('reactie_revision', sa.Integer(), nullable=False),
    sa.Column('reactie_by_id', sa.Integer(), nullable=True),
    sa.Column('reactie_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('nawoord', sa.Text(), nullable=False),
    sa.Column('nawoord_revision', sa.Integer(), nullable=False),
    sa.Column('nawoord_by_id', sa.Integer(), nullable=True),
    sa.Column('nawoord_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_reflectiesessie_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_reflectiesessie_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['nawoord_by_id'], ['user.id'], name=op.f('fk_reflectiesessie_nawoord_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['planned_by_id'], ['user.id'], name=op.f('fk_reflectiesessie_planned_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reactie_by_id'], ['user.id'], name=op.f('fk_reflectiesessie_reactie_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_reflectiesessie_recorded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reflectiesessie')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_reflectiesessie_gemeente_id_id')),
    sa.UniqueConstraint('visitatie_id', name=op.f('uq_reflectiesessie_visitatie_id'))
    )
    op.create_table('improvement_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('sessie_id', sa.Integer(), nullable=True),
    sa.Column('theme', sa.String(length=3), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_improvement_point_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'sessie_id'], ['reflectiesessie.gemeente_id', 'reflectiesessie.id'], name=op.f('fk_improvement_point_gemeente_id_sessie_id_reflectiesessie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_improvement_point_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_improvement_point_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_improvement_point')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_improvement_point_gemeente_id_id'))
    )
    with op.batch_alter_table('improvement_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_improvement_point_sessie_id'), ['sessie_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_point_theme'), ['theme'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_point_visitatie_id'), ['visitatie_id'], unique=False)

    op.create_table('sessie_attendee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sessie_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=160), nullable=False),
    sa.Column('organisation', sa.String(length=160), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('agreed_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('agreed_by_id', sa.Integer(), nullable=True),
    sa.Column('present', sa.Boolean(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreed_by_id'], ['user.id'], name=op.f('fk_sessie_attendee_agreed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'sessie_id'], ['reflectiesessie.gemeente_id', 'reflectiesessie.id'], name=op.f('fk_sessie_attendee_gemeente_id_sessie_id_reflectiesessie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_sessie_attendee_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user.id'], name=op.f('fk_sessie_attendee_proposed_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sessie_attendee')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_sessie_attendee_gemeente_id_id'))
    )
    with op.batch_alter_table('sessie_attendee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sessie_attendee_sessie_id'), ['sessie_id'], unique=False)

    op.create_table('sessie_lesson',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sessie_id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=3), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_sessie_lesson_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'sessie_id'], ['reflectiesessie.gemeente_id', 'reflectiesessie.id'], name=op.f('fk_sessie_lesson_gemeente_id_sessie_id_reflectiesessie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_sessie_lesson_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_sessie_lesson_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sessie_lesson')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_sessie_lesson_gemeente_id_id'))
    )
    with op.batch_alter_table('sessie_lesson', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sessie_lesson_sessie_id'), ['sessie_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sessie_lesson_theme'), ['theme'], unique=False)
        batch_op.create_index(batch_op.f('ix_sessie_lesson_visitatie_id'), ['visitatie_id'], unique=False)

    # Plain ADD COLUMN: a batch copy of round would cascade to its visitaties on SQLite.
    op.add_column('outgoing_mail', sa.Column('attachment_name', sa.String(length=120), nullable=True))
    op.add_column('outgoing_mail', sa.Column('attachment_type', sa.String(length=120), nullable=True))
    op.add_column('outgoing_mail', sa.Column('attachment', sa.LargeBinary(), nullable=True))
    op.add_column('round', sa.Column('wederhoor', sa.Boolean(), server_default=sa.true(), nullable=False))



def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): a batch copy of round would cascade to its visitaties.
    op.drop_column('round', 'wederhoor')
    for column in ('attachment', 'attachment_type', 'attachment_name'):
        op.drop_column('outgoing_mail', column)
    with op.batch_alter_table('sessie_lesson', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sessie_lesson_visitatie_id'))
        batch_op.drop_index(batch_op.f('ix_sessie_lesson_theme'))
        batch_op.drop_index(batch_op.f('ix_sessie_lesson_sessie_id'))

    op.drop_table('sessie_lesson')
    with op.batch_alter_table('sessie_attendee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sessie_attendee_sessie_id'))

    op.drop_table('sessie_attendee')
    with op.batch_alter_table('improvement_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_improvement_point_visitatie_id'))
        batch_op.drop_index(batch_op.f('ix_improvement_point_theme'))
        batch_op.drop_index(batch_op.f('ix_improvement_point_sessie_id'))

    op.drop_table('improvement_point')
    op.drop_table('reflectiesessie')
