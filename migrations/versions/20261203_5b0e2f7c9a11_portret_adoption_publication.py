"""portret: feedback deadline, two-step adoption, publication, version kinds

Revision ID: 5b0e2f7c9a11
Revises: 85e598b2d1d4
Created: 2026-12-03 19:50:00
"""

from alembic import op
import sqlalchemy as sa

import peerreview.db

revision = '5b0e2f7c9a11'
down_revision = '85e598b2d1d4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('portret') as batch_op:
        batch_op.add_column(sa.Column('feedback_deadline', peerreview.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('proposed_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('proposed_at', peerreview.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('proposed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('adopted_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('adopted_at', peerreview.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('adopted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column(
            'publication',
            sa.Enum('gemeente', 'netwerk', 'openbaar', name='publication', native_enum=False, length=32),
            nullable=False, server_default='gemeente',
        ))
        batch_op.add_column(sa.Column('published_at', peerreview.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('published_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('publication_withdrawn_at', peerreview.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key('fk_portret_proposed_by_id_user', 'user', ['proposed_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key('fk_portret_adopted_by_id_user', 'user', ['adopted_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key('fk_portret_published_by_id_user', 'user', ['published_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_portret_publication', ['publication'])
    with op.batch_alter_table('portret_version') as batch_op:
        batch_op.add_column(sa.Column(
            'kind',
            sa.Enum('concept', 'definitief', 'erratum', name='versionkind', native_enum=False, length=32),
            nullable=False, server_default='concept',
        ))
        batch_op.add_column(sa.Column('erratum_reason', sa.Text(), nullable=False, server_default=sa.text("''")))


def downgrade() -> None:
    with op.batch_alter_table('portret_version') as batch_op:
        batch_op.drop_column('erratum_reason')
        batch_op.drop_column('kind')
    with op.batch_alter_table('portret') as batch_op:
        batch_op.drop_index('ix_portret_publication')
        batch_op.drop_constraint('fk_portret_published_by_id_user', type_='foreignkey')
        batch_op.drop_constraint('fk_portret_adopted_by_id_user', type_='foreignkey')
        batch_op.drop_constraint('fk_portret_proposed_by_id_user', type_='foreignkey')
        for column in ('publication_withdrawn_at', 'published_by_id', 'published_at', 'publication', 'adopted_by_id',
                       'adopted_at', 'adopted_version', 'proposed_by_id', 'proposed_at', 'proposed_version',
                       'feedback_deadline'):
            batch_op.drop_column(column)
