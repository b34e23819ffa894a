"""Conversation interviewers as rows; drop single-column indexes that a unique constraint leads with

``conversation.interviewer_ids`` (a JSON list of user ids that nothing kept true) becomes the association
table ``conversation_interviewer``: a tenant reference to the conversation and a foreign key to the user.
Upgrade moves every listed id that is still a user into it; downgrade writes the lists back.

Each index dropped here covers one column that already leads a unique constraint's index
(``gemeente_id`` of every tenant-owned table leads ``UNIQUE (gemeente_id, id)``, ``visitatie_id`` leads
``UNIQUE (visitatie_id, ...)``, and so on). PostgreSQL and SQLite both use a composite index for a lookup
on its leading column, so the single-column ones only cost time and space on every write.

Revision ID: 85e598b2d1d4
Revises: 017c0d609f5f
Created: 2026-12-03 17:09:07.186955
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = '85e598b2d1d4'
down_revision = '017c0d609f5f'
branch_labels = None
depends_on = None

# (table, column): the index ix_<table>_<column> is covered by a unique constraint that starts with the column.
COVERED = [
    ('annotation', 'gemeente_id'),
    ('annotation_reply', 'gemeente_id'),
    ('answer', 'gemeente_id'),
    ('answer', 'visitatie_id'),
    ('answer_revision', 'answer_id'),
    ('answer_revision', 'gemeente_id'),
    ('casus', 'gemeente_id'),
    ('checklist_item', 'gemeente_id'),
    ('checklist_item', 'visitatie_id'),
    ('conversation', 'gemeente_id'),
    ('conversation_respondent', 'conversation_id'),
    ('conversation_respondent', 'gemeente_id'),
    ('document', 'gemeente_id'),
    ('duiding', 'gemeente_id'),
    ('indicator_value', 'indicator_id'),
    ('membership', 'gemeente_id'),
    ('membership', 'user_id'),
    ('network_role', 'user_id'),
    ('portret', 'gemeente_id'),
    ('portret_version', 'gemeente_id'),
    ('portret_version', 'portret_id'),
    ('privacy_clearance', 'gemeente_id'),
    ('privacy_clearance', 'visitatie_id'),
    ('quote', 'gemeente_id'),
    ('reminder_sent', 'gemeente_id'),
    ('reminder_sent', 'visitatie_id'),
    ('respondent', 'gemeente_id'),
    ('review_assignment', 'gemeente_id'),
    ('review_assignment', 'visitatie_id'),
    ('round_deadline', 'round_id'),
    ('section_assignment', 'gemeente_id'),
    ('section_assignment', 'visitatie_id'),
    ('section_note', 'gemeente_id'),
    ('submission', 'gemeente_id'),
    ('submission', 'visitatie_id'),
    ('theme_summary', 'gemeente_id'),
    ('visit_question', 'gemeente_id'),
    ('visitatie', 'gemeente_id'),
    ('visitatie', 'round_id'),
]

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql')
conversation = sa.table(
    'conversation',
    sa.column('id', sa.Integer),
    sa.column('gemeente_id', sa.Integer),
    sa.column('interviewer_ids', JSON),
)
interviewer = sa.table(
    'conversation_interviewer',
    sa.column('gemeente_id', sa.Integer),
    sa.column('conversation_id', sa.Integer),
    sa.column('user_id', sa.Integer),
)
user = sa.table('user', sa.column('id', sa.Integer))


def upgrade() -> None:
    op.create_table('conversation_interviewer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id', 'conversation_id'], ['conversation.gemeente_id', 'conversation.id'], name=op.f('fk_conversation_interviewer_gemeente_id_conversation_id_conversation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_conversation_interviewer_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_conversation_interviewer_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_interviewer')),
    sa.UniqueConstraint('conversation_id', 'user_id', name=op.f('uq_conversation_interviewer_conversation_id_user_id')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_conversation_interviewer_gemeente_id_id'))
    )
    op.create_index(op.f('ix_conversation_interviewer_user_id'), 'conversation_interviewer', ['user_id'], unique=False)

    connection = op.get_bind()
    users = set(connection.scalars(sa.select(user.c.id)))
    rows = [
        {'gemeente_id': gemeente_id, 'conversation_id': conversation_id, 'user_id': user_id}
        for conversation_id, gemeente_id, ids in connection.execute(
            sa.select(conversation.c.id, conversation.c.gemeente_id, conversation.c.interviewer_ids)
        )
        # Nothing kept the list true: an id of a deleted user has nobody to point at and is left out.
        for user_id in sorted({int(i) for i in ids or []} & users)
    ]
    if rows:
        connection.execute(interviewer.insert(), rows)
    op.drop_column('conversation', 'interviewer_ids')

    for table, column in COVERED:
        op.drop_index(f'ix_{table}_{column}', table_name=table)


def downgrade() -> None:
    for table, column in COVERED:
        op.create_index(f'ix_{table}_{column}', table, [column], unique=False)

    # NOT NULL needs a default for the rows there are; adding the column in place keeps SQLite from copying
    # the table (dropping the old copy would cascade-delete the conversations' quotes and respondents).
    op.add_column('conversation', sa.Column('interviewer_ids', JSON, nullable=False, server_default='[]'))
    connection = op.get_bind()
    lists: dict[int, list[int]] = {}
    for conversation_id, user_id in connection.execute(
        sa.select(interviewer.c.conversation_id, interviewer.c.user_id).order_by(interviewer.c.user_id)
    ):
        lists.setdefault(conversation_id, []).append(user_id)
    for conversation_id, ids in lists.items():
        connection.execute(conversation.update().where(conversation.c.id == conversation_id).values(interviewer_ids=ids))
    if connection.dialect.name == 'postgresql':
        op.alter_column('conversation', 'interviewer_ids', server_default=None)
    op.drop_index(op.f('ix_conversation_interviewer_user_id'), table_name='conversation_interviewer')
    op.drop_table('conversation_interviewer')
