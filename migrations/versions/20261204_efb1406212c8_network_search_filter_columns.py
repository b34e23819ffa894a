"""network search: the access and facet columns and the themes in the PostgreSQL search table

A search used to join every match to ``network_passage`` (audience, kind, gemeente, round) and to
``network_passage_theme`` (70,000 rows on the benchmark's 50,000 passages) to filter and count; the search
row now carries copies of them, written by ``peerreview.network.search.refresh`` in the same transaction
as the passage (the indexer always rebuilds a passage whole, so the copies follow a withdrawn publication
or consent). The statement for a word in 6,446 passages: 26 instead of 54 ms (``EXPLAIN ANALYZE``, see
bench/README.md). The index on ``network_passage`` that let the old join read those columns without the
table goes: nothing else reads it.

SQLite: nothing changes (the FTS5 table joins the passage, as before).

Revision ID: efb1406212c8
Revises: 4dcdd5ae3576
Created: 2026-12-04 15:00:00
"""

from alembic import op

revision = 'efb1406212c8'
down_revision = '4dcdd5ae3576'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_context().dialect.name != 'postgresql':
        return
    op.execute(
        """
        ALTER TABLE network_search
            ADD COLUMN audience varchar(32),
            ADD COLUMN kind varchar(32),
            ADD COLUMN gemeente_id integer,
            ADD COLUMN round_id integer,
            ADD COLUMN themes varchar(3)[]
        """
    )
    op.execute(
        """
        UPDATE network_search AS s
        SET audience = p.audience, kind = p.kind, gemeente_id = p.gemeente_id, round_id = p.round_id,
            themes = ARRAY(
                SELECT t.theme FROM network_passage_theme AS t WHERE t.passage_id = p.id ORDER BY t.theme
            )
        FROM network_passage AS p
        WHERE p.id = s.passage_id
        """
    )
    op.execute(
        """
        ALTER TABLE network_search
            ALTER COLUMN audience SET NOT NULL,
            ALTER COLUMN kind SET NOT NULL,
            ALTER COLUMN gemeente_id SET NOT NULL,
            ALTER COLUMN round_id SET NOT NULL,
            ALTER COLUMN themes SET NOT NULL
        """
    )
    op.execute('DROP INDEX ix_network_search_passage_filters')


def downgrade() -> None:
    if op.get_context().dialect.name != 'postgresql':
        return
    op.execute(
        'CREATE INDEX ix_network_search_passage_filters ON network_passage (id) '
        'INCLUDE (audience, kind, gemeente_id, round_id)'
    )
    op.execute(
        'ALTER TABLE network_search DROP COLUMN audience, DROP COLUMN kind, DROP COLUMN gemeente_id, '
        'DROP COLUMN round_id, DROP COLUMN themes'
    )
