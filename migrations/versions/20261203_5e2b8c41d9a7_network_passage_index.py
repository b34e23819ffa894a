"""network passage index (what the national network may read, one row per passage, with its audience) and
its per-theme counts for the theme matrix

Revision ID: 5e2b8c41d9a7
Revises: 731c6ff30127
Created: 2026-12-03 22:50:00
"""

from alembic import op
import sqlalchemy as sa
import peerreview.db

revision = '5e2b8c41d9a7'
down_revision = '731c6ff30127'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('network_passage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('sectie', 'samenvatting', 'sterkte', 'ontwikkelpunt', 'les', 'verbeterpunt', name='passagekind', native_enum=False, length=32), nullable=False),
    sa.Column('audience', sa.Enum('openbaar', 'netwerk', 'concept', name='audience', native_enum=False, length=32), nullable=False),
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('portret_id', sa.Integer(), nullable=True),
    sa.Column('section_key', sa.String(length=80), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('judgement', sa.String(length=80), nullable=True),
    sa.Column('indexed_at', peerreview.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_network_passage_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['portret_id'], ['portret.id'], name=op.f('fk_network_passage_portret_id_portret'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_network_passage_round_id_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visitatie_id'], ['visitatie.id'], name=op.f('fk_network_passage_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_passage')),
    sa.UniqueConstraint('key', name=op.f('uq_network_passage_key'))
    )
    with op.batch_alter_table('network_passage', schema=None) as batch_op:
        batch_op.create_index('ix_network_passage_audience_gemeente', ['audience', 'gemeente_id', 'round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_passage_visitatie_id'), ['visitatie_id'], unique=False)

    op.create_table('network_passage_theme',
    sa.Column('passage_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['passage_id'], ['network_passage.id'], name=op.f('fk_network_passage_theme_passage_id_network_passage'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('passage_id', 'theme', name=op.f('pk_network_passage_theme'))
    )
    with op.batch_alter_table('network_passage_theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_passage_theme_theme'), ['theme'], unique=False)


    op.create_table('network_cell',
    sa.Column('visitatie_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=3), nullable=False),
    sa.Column('audience', sa.Enum('openbaar', 'netwerk', 'concept', name='audience', native_enum=False, length=32), nullable=False),
    sa.Column('gemeente_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('summaries', sa.Integer(), nullable=False),
    sa.Column('strengths', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('lessons', sa.Integer(), nullable=False),
    sa.Column('improvements', sa.Integer(), nullable=False),
    sa.Column('judgement', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['gemeente_id'], ['gemeente.id'], name=op.f('fk_network_cell_gemeente_id_gemeente'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_network_cell_round_id_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visitatie_id'], ['visitatie.id'], name=op.f('fk_network_cell_visitatie_id_visitatie'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('visitatie_id', 'theme', 'audience', name=op.f('pk_network_cell'))
    )
    with op.batch_alter_table('network_cell', schema=None) as batch_op:
        batch_op.create_index('ix_network_cell_audience_gemeente', ['audience', 'gemeente_id', 'round_id'], unique=False)
    network_index_version = op.create_table('network_index_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stamp', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_index_version'))
    )
    op.bulk_insert(network_index_version, [{'id': 1, 'stamp': 0}])


def downgrade() -> None:
    op.drop_table('network_index_version')
    with op.batch_alter_table('network_cell', schema=None) as batch_op:
        batch_op.drop_index('ix_network_cell_audience_gemeente')

    op.drop_table('network_cell')
    with op.batch_alter_table('network_passage_theme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_passage_theme_theme'))

    op.drop_table('network_passage_theme')
    with op.batch_alter_table('network_passage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_passage_visitatie_id'))
        batch_op.drop_index('ix_network_passage_audience_gemeente')

    op.drop_table('network_passage')
