"""network search: the stems of every passage, per dialect (PostgreSQL tsvector + GIN; SQLite FTS5)

The side table is not a model (see ``peerreview.network.search``): its shape differs per database, and
``peerreview.migrations.include_name`` keeps it (and every index named ``ix_network_search_*``) out of
the comparison of models and migrations.

* PostgreSQL: a plain table with a weighted ``tsvector`` of the pre-stemmed words (made with the
  ``simple`` configuration, so our stems stay as they are; title weight A, text weight B) and a GIN index
  on it; the passage's deletion cascades to its row. The stems are not stored a second time as text: the
  ``tsvector`` holds them, and a second copy made each row too wide to stay in the table (every search
  then read TOAST: twice as slow on 50,000 passages, see bench/network_search.py).
* SQLite: an FTS5 table whose rowid is the passage id, and a trigger that deletes the row with its
  passage (FTS5 tables have no foreign keys).

Rows are written by ``peerreview.network.search.refresh`` when the indexer rebuilds a visitatie's passages;
``flask network reindex`` fills the table for passages indexed before this migration.

Revision ID: b7d4a9c2e1f3
Revises: 5e2b8c41d9a7
Created: 2026-12-03 23:00:00
"""

from alembic import op

revision = 'b7d4a9c2e1f3'
down_revision = '5e2b8c41d9a7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_context().dialect.name == 'postgresql':
        op.execute(
            """
            CREATE TABLE network_search (
                passage_id integer NOT NULL,
                document tsvector NOT NULL,
                CONSTRAINT pk_network_search PRIMARY KEY (passage_id),
                CONSTRAINT fk_network_search_passage_id_network_passage FOREIGN KEY (passage_id)
                    REFERENCES network_passage (id) ON DELETE CASCADE
            )
            """
        )
        op.execute('CREATE INDEX ix_network_search_document ON network_search USING gin (document)')
        # What a search reads of every matching passage (access and facets), without its wide text: an
        # index-only scan instead of reading the passage table (50,000 passages: 10 instead of 70 ms).
        op.execute(
            'CREATE INDEX ix_network_search_passage_filters ON network_passage (id) '
            'INCLUDE (audience, kind, gemeente_id, round_id)'
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE network_search USING fts5("
            "title_stems, stems, tokenize = 'unicode61 remove_diacritics 0')"
        )
        op.execute(
            'CREATE TRIGGER network_search_passage_deleted AFTER DELETE ON network_passage '
            'BEGIN DELETE FROM network_search WHERE rowid = old.id; END'
        )


def downgrade() -> None:
    if op.get_context().dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_network_search_passage_filters')
    else:
        op.execute('DROP TRIGGER IF EXISTS network_search_passage_deleted')
    op.execute('DROP TABLE IF EXISTS network_search')
