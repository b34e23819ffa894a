"""reflectie comments and guest links

Revision ID: 7cb3247e1847
Revises: 5b0e2f7c9a11
Created: 2026-12-03 19:52:39.169386
"""

from alembic import op
import sqlalchemy as sa
import peerreview.db
from sqlalchemy import Text  # noqa: F401  (autogenerate renders JSONB(astext_type=Text()))


revision = '7cb3247e1847'
down_revision = '5b0e2f7c9a11'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reflectie_guest_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('portret_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_reflectie_guest_link_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'portret_id'], ['portret.gemeente_id', 'portret.id'], name=op.f('fk_reflectie_guest_link_gemeente_id_portret_id_portret'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_reflectie_guest_link_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reflectie_guest_link')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_reflectie_guest_link_gemeente_id_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_reflectie_guest_link_token_hash'))
    )
    with op.batch_alter_table('reflectie_guest_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reflectie_guest_link_portret_id'), ['portret_id'], unique=False)

    op.create_table('reflectie_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('portret_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('guest_link_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('feitelijke_onjuistheid', 'niet_herkenbaar', 'deels_herkenbaar', 'aanvulling', 'nuance', 'les', 'verbeterpunt', name='commentkind', native_enum=False, length=32), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('correction', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('theme', sa.String(length=4), nullable=True),
    sa.Column('section_key', sa.String(length=80), nullable=True),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('exact', sa.Text(), nullable=True),
    sa.Column('prefix', sa.String(length=64), nullable=False),
    sa.Column('suffix', sa.String(length=64), nullable=False),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.Column('anchor_status', sa.Enum('anchored', 'moved', 'detached', name='anchorstatus', native_enum=False, length=32), nullable=False),
    sa.Column('original_exact', sa.Text(), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decision', sa.Enum('verwerkt', 'deels_verwerkt', 'niet_verwerkt', name='decision', native_enum=False, length=32), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_version', sa.Integer(), nullable=True),
    sa.Column('changed_section', sa.String(length=80), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', peerreview.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], name=op.f('fk_reflectie_comment_answered_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_reflectie_comment_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['gemeente_id', 'guest_link_id'], ['reflectie_guest_link.gemeente_id', 'reflectie_guest_link.id'], name=op.f('fk_reflectie_comment_gemeente_id_guest_link_id_reflectie_guest_link'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id', 'merged_into_id'], ['reflectie_comment.gemeente_id', 'reflectie_comment.id'], name=op.f('fk_reflectie_comment_gemeente_id_merged_into_id_reflectie_comment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id', 'portret_id'], ['portret.gemeente_id', 'portret.id'], name=op.f('fk_reflectie_comment_gemeente_id_portret_id_portret'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_reflectie_comment_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reflectie_comment')),
    sa.UniqueConstraint('gemeente_id', 'id', name=op.f('uq_reflectie_comment_gemeente_id_id'))
    )
    with op.batch_alter_table('reflectie_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reflectie_comment_portret_id'), ['portret_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reflectie_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reflectie_comment_portret_id'))

    op.drop_table('reflectie_comment')
    with op.batch_alter_table('reflectie_guest_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reflectie_guest_link_portret_id'))

    op.drop_table('reflectie_guest_link')
