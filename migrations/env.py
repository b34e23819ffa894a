"""Alembic environment: runs online against the engine handed over by ``peerreview.migrations``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from peerreview.migrations import include_name
from peerreview.models import Base

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        # Instances starting together must not migrate at the same time.
        connection.execute(text("SELECT pg_advisory_lock(hashtext('peerreview-alembic'))"))
        connection.execute(text("SET lock_timeout = '10s'"))
        connection.commit()
    try:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            compare_type=True,
            compare_server_default=True,
            include_name=include_name,  # the search index is not a model (peerreview.network.search)
            render_as_batch=not postgres,  # SQLite alters tables by copying them
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    finally:
        if postgres:
            connection.execute(text("SELECT pg_advisory_unlock(hashtext('peerreview-alembic'))"))
            connection.commit()
