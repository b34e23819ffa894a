"""zelfevaluatie: answers, revisions, documents, cases, submissions

Revision ID: 26bfb679b207
Revises: 2a826575560f
Created: 2026-11-22 07:25:22.105216
"""

from alembic import op
import sqlalchemy as sa
import peerreview.db
from sqlalchemy.dialects import postgresql

revision = '26bfb679b207'
down_revision = '2a826575560f'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=80), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('value', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('plain', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_answer_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_answer_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_answer_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_answer_gemeente_id_id')),
    sa.UniqueConstraint('visitatie_id', 'question_key', name=op.f('uq_answer_visitatie_id_question_key'))
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_gemeente_id'), ['gemeente_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_visitatie_id'), ['visitatie_id'], unique=False)

    op.create_table('casus',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sa.String(length=80), nullable=False),
    sa.Column('consent_given_by', sa.String(length=20), nullable=False),
    sa.Column('consent_given_on', sa.Date(), nullable=False),
    sa.Column('consent_scope', sa.Text(), nullable=False),
    sa.Column('consent_recorded_how', sa.String(length=20), nullable=False),
    sa.Column('consent_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['consent_recorded_by_id'], ['user.id'], name=op.f('fk_casus_consent_recorded_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_casus_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_casus_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['user.id'], name=op.f('fk_casus_withdrawn_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_casus')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_casus_gemeente_id_id'))
    )
    with op.batch_alter_table('casus', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_casus_gemeente_id'), ['gemeente_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_casus_visitatie_id'), ['visitatie_id'], unique=False)

    op.create_table('checklist_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('item_key', sa.String(length=60), nullable=False),
    sa.Column('status', sa.Enum('aanwezig', 'niet_aanwezig', 'niet_relevant', name='documentstatus', native_enum=False, length=32), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_checklist_item_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_checklist_item_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_item')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_checklist_item_gemeente_id_id')),
    sa.UniqueConstraint('visitatie_id', 'item_key', name=op.f('uq_checklist_item_visitatie_id_item_key'))
    )
    with op.batch_alter_table('checklist_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checklist_item_gemeente_id'), ['gemeente_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checklist_item_visitatie_id'), ['visitatie_id'], unique=False)

    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('item_key', sa.String(length=60), nullable=True),
    sa.Column('section_keys', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=160), nullable=False),
    sa.Column('filetype', sa.String(length=8), nullable=False),
    sa.Column('mimetype', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_document_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_document_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_document_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_document_gemeente_id_id'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_gemeente_id'), ['gemeente_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_visitatie_id'), ['visitatie_id'], unique=False)

    op.create_table('privacy_clearance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('text_hash', sa.String(length=64), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_privacy_clearance_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_privacy_clearance_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_privacy_clearance_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_clearance')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_privacy_clearance_gemeente_id_id')),
    sa.UniqueConstraint('visitatie_id', 'question_key', 'kind', 'text_hash', name=op.f('uq_privacy_clearance_visitatie_id_question_key_kind_text_hash'))
    )
    with op.batch_alter_table('privacy_clearance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_privacy_clearance_gemeente_id'), ['gemeente_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_privacy_clearance_visitatie_id'), ['visitatie_id'], unique=False)

    op.create_table('section_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('section_key', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_section_assignment_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_section_assignment_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_section_assignment_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_section_assignment')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_section_assignment_gemeente_id_id')),
    sa.UniqueConstraint('visitatie_id', 'section_key', name=op.f('uq_section_assignment_visitatie_id_section_key'))
    )
    with op.batch_alter_table('section_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_section_assignment_gemeente_id'), ['gemeente_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_section_assignment_visitatie_id'), ['visitatie_id'], unique=False)

    op.create_table('section_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('section_key', sa.String(length=40), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_section_note_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_section_note_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_section_note_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_section_note')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_section_note_gemeente_id_id'))
    )
    with op.batch_alter_table('section_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_section_note_gemeente_id'), ['gemeente_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_section_note_visitatie_id'), ['visitatie_id'], unique=False)

    op.create_table('submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reopened_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reopened_by_id', sa.Integer(), nullable=True),
    sa.Column('reopen_reason', sa.Text(), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('pdf_checksum', sa.String(length=64), nullable=True),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id', 'visitatie_id'], ['visitatie.gemeente_id', 'visitatie.id'], name=op.f('fk_submission_gemeente_id_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_submission_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reopened_by_id'], ['user.id'], name=op.f('fk_submission_reopened_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_submission_submitted_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_submission_gemeente_id_id')),
    sa.UniqueConstraint('visitatie_id', 'number', name=op.f('uq_submission_visitatie_id_number'))
    )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_gemeente_id'), ['gemeente_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_visitatie_id'), ['visitatie_id'], unique=False)

    op.create_table('answer_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('value', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('plain', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_answer_revision_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'answer_id'], ['answer.gemeente_id', 'answer.id'], name=op.f('fk_answer_revision_gemeente_id_answer_id_answer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_answer_revision_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_revision')),
    sa.UniqueConstraint('answer_id', 'number', name=op.f('uq_answer_revision_answer_id_number')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_answer_revision_gemeente_id_id'))
    )
    with op.batch_alter_table('answer_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_revision_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_revision_gemeente_id'), ['gemeente_id'], unique=False)

    with op.batch_alter_table('visitatie', schema=None) as batch_op:
        batch_op.add_column(sa.Column('definition_version', sa.Integer(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('visitatie', schema=None) as batch_op:
        batch_op.drop_column('definition_version')

    with op.batch_alter_table('answer_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_revision_gemeente_id'))
        batch_op.drop_index(batch_op.f('ix_answer_revision_answer_id'))

    op.drop_table('answer_revision')
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_visitatie_id'))
        batch_op.drop_index(batch_op.f('ix_submission_gemeente_id'))

    op.drop_table('submission')
    with op.batch_alter_table('section_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_section_note_visitatie_id'))
        batch_op.drop_index(batch_op.f('ix_section_note_gemeente_id'))

    op.drop_table('section_note')
    with op.batch_alter_table('section_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_section_assignment_visitatie_id'))
        batch_op.drop_index(batch_op.f('ix_section_assignment_gemeente_id'))

    op.drop_table('section_assignment')
    with op.batch_alter_table('privacy_clearance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_clearance_visitatie_id'))
        batch_op.drop_index(batch_op.f('ix_privacy_clearance_gemeente_id'))

    op.drop_table('privacy_clearance')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_visitatie_id'))
        batch_op.drop_index(batch_op.f('ix_document_gemeente_id'))

    op.drop_table('document')
    with op.batch_alter_table('checklist_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checklist_item_visitatie_id'))
        batch_op.drop_index(batch_op.f('ix_checklist_item_gemeente_id'))

    op.drop_table('checklist_item')
    with op.batch_alter_table('casus', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_casus_visitatie_id'))
        batch_op.drop_index(batch_op.f('ix_casus_gemeente_id'))

    op.drop_table('casus')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_visitatie_id'))
        batch_op.drop_index(batch_op.f('ix_answer_gemeente_id'))

    op.drop_table('answer')
