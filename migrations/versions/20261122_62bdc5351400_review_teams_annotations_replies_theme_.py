"""review: teams, annotations, replies, theme summaries, visit questions

Revision ID: 62bdc5351400
Revises: 26bfb679b207
Created: 2026-11-22 07:49:21.849915
"""

from alembic import op
import sqlalchemy as sa
import peerreview.db
from sqlalchemy import Text  # noqa: F401  (autogenerate renders JSONB(astext_type=sa.Text()))
from sqlalchemy.dialects import postgresql

revision = '62bdc5351400'
down_revision = '26bfb679b207'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('review_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('lead', 'member', name='teamrole', native_enum=False, length=32), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('declared_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['user.id'], name=op.f('fk_review_assignment_assigned_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_review_assignment_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_review_assignment_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_review_assignment_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_assignment')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_review_assignment_gemeente_id_id')),
    sa.UniqueConstraint('visitatie_id', 'user_id', name=op.f('uq_review_assignment_visitatie_id_user_id'))
    )
    with op.batch_alter_table('review_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_assignment_gemeente_id'), ['gemeente_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_assignment_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_assignment_visitatie_id'), ['visitatie_id'], unique=False)

    op.create_table('theme_summary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('theme_code', sa.String(length=4), nullable=False),
    sa.Column('judgement', sa.String(length=24), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_theme_summary_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_theme_summary_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_theme_summary_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_summary')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_theme_summary_gemeente_id_id')),
    sa.UniqueConstraint('visitatie_id', 'theme_code', name=op.f('uq_theme_summary_visitatie_id_theme_code'))
    )
    with op.batch_alter_table('theme_summary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_summary_gemeente_id'), ['gemeente_id'], unique=False)

    op.create_table('visit_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('theme_code', sa.String(length=4), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_visit_question_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_visit_question_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_question')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_visit_question_gemeente_id_id'))
    )
    with op.batch_alter_table('visit_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_question_gemeente_id'), ['gemeente_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_question_visitatie_id'), ['visitatie_id'], unique=False)

    op.create_table('annotation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=80), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('exact', sa.Text(), nullable=True),
    sa.Column('prefix', sa.String(length=64), nullable=False),
    sa.Column('suffix', sa.String(length=64), nullable=False),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.Column('anchor_status', sa.Enum('anchored', 'moved', 'detached', name='anchorstatus', native_enum=False, length=32), nullable=False),
    sa.Column('original_exact', sa.Text(), nullable=True),
    sa.Column('themes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('kind', sa.Enum('sterkte', 'ontwikkelpunt', 'vraag', 'ontbrekend_bewijs', name='annotationkind', native_enum=False, length=32), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_annotation_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'submission_id'], ['submission.gemeente_id', 'submission.id'], name=op.f('fk_annotation_gemeente_id_submission_id_submission'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_annotation_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_annotation_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotation')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_annotation_gemeente_id_id'))
    )
    with op.batch_alter_table('annotation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annotation_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annotation_gemeente_id'), ['gemeente_id'], unique=False)
        batch_op.create_index('ix_annotation_visitatie_question', ['visitatie_id', 'question_key'], unique=False)

    op.create_table('annotation_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('annotation_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_annotation_reply_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'annotation_id'], ['annotation.gemeente_id', 'annotation.id'], name=op.f('fk_annotation_reply_gemeente_id_annotation_id_annotation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_annotation_reply_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotation_reply')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_annotation_reply_gemeente_id_id'))
    )
    with op.batch_alter_table('annotation_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annotation_reply_annotation_id'), ['annotation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annotation_reply_gemeente_id'), ['gemeente_id'], unique=False)

    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('same_region_rule', sa.String(length=8), server_default='block', nullable=False))
        batch_op.add_column(sa.Column('open_review', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('anonymous_review', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('visitatie', schema=None) as batch_op:
        batch_op.add_column(sa.Column('annotations_released_at', peerreview.db.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('visitatie', schema=None) as batch_op:
        batch_op.drop_column('annotations_released_at')

    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('anonymous_review')
        batch_op.drop_column('open_review')
        batch_op.drop_column('same_region_rule')

    with op.batch_alter_table('annotation_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annotation_reply_gemeente_id'))
        batch_op.drop_index(batch_op.f('ix_annotation_reply_annotation_id'))

    op.drop_table('annotation_reply')
    with op.batch_alter_table('annotation', schema=None) as batch_op:
        batch_op.drop_index('ix_annotation_visitatie_question')
        batch_op.drop_index(batch_op.f('ix_annotation_gemeente_id'))
        batch_op.drop_index(batch_op.f('ix_annotation_author_id'))

    op.drop_table('annotation')
    with op.batch_alter_table('visit_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_question_visitatie_id'))
        batch_op.drop_index(batch_op.f('ix_visit_question_gemeente_id'))

    op.drop_table('visit_question')
    with op.batch_alter_table('theme_summary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_summary_gemeente_id'))

    op.drop_table('theme_summary')
    with op.batch_alter_table('review_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_assignment_visitatie_id'))
        batch_op.drop_index(batch_op.f('ix_review_assignment_user_id'))
        batch_op.drop_index(batch_op.f('ix_review_assignment_gemeente_id'))

    op.drop_table('review_assignment')
