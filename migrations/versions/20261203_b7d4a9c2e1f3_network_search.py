"""network search: the stems of every passage, per dialect (PostgreSQL tsvector + GIN; SQLite FTS5)

The side table is not a model (see ``peerreview.network.search``): its shape differs per database, and
``peerreview.migrations.SEARCH_TABLES`` keeps it out of the comparison of models and migrations.

* PostgreSQL: a plain table with a generated, weighted ``tsvector`` over the pre-stemmed words (the
  ``simple`` configuration: our stems stay as they are) and a GIN index on it; the passage's deletion
  cascades to its row.
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
                title_stems text NOT NULL DEFAULT '',
                stems text NOT NULL DEFAULT '',
                document tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('simple'::regconfig, title_stems), 'A')
                    || setweight(to_tsvector('simple'::regconfig, stems), 'B')
                ) STORED,
                CONSTRAINT pk_network_search PRIMARY KEY (passage_id),
                CONSTRAINT fk_network_search_passage_id_network_passage FOREIGN KEY (passage_id)
                    REFERENCES network_passage (id) ON DELETE CASCADE
            )
            """
        )
        op.execute('CREATE INDEX ix_network_search_document ON network_search USING gin (document)')
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
    if op.get_context().dialect.name != 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS network_search_passage_deleted')
    op.execute('DROP TABLE IF EXISTS network_search')
