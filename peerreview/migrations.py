"""Alembic, driven from Python: the scripts live in ``migrations/`` at the top of the checkout."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from peerreview.config import ROOT

# What the migrations create per dialect and no model describes: the network's search index
# (``peerreview.network.search``; on SQLite an FTS5 table with its shadow tables ``network_search_*``) and
# its PostgreSQL-only indexes (``ix_network_search_*``).
SEARCH_TABLES = "network_search"
SEARCH_INDEXES = "ix_network_search"


def include_name(name: str | None, type_: str, _parent_names: Any) -> bool:
    """Leave the search index out of the comparison of models and database."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(SEARCH_TABLES)
    if type_ == "index":
        return not name.startswith(SEARCH_INDEXES)
    return True


def config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(config(engine), revision)


def revision(engine: Engine, message: str) -> None:
    command.revision(config(engine), message=message, autogenerate=True)


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(config(engine)).get_current_head()


def differences(engine: Engine) -> list[Any]:
    """What autogenerate would change: empty when the models and the migrations agree."""
    from peerreview.models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "compare_server_default": True, "include_name": include_name},
        )
        return list(compare_metadata(context, Base.metadata))
