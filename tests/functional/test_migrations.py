"""Migrations that move data: run down and up again on the test database, with real rows in it."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from alembic import command

from peerreview import migrations
from tests.factories import visited

BEFORE_INTERVIEWER_TABLE = "51486ca67409"


def _interviewer_rows(engine: sa.Engine) -> list[tuple[int, int, int]]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT gemeente_id, conversation_id, user_id FROM conversation_interviewer ORDER BY user_id")
        )
        return [tuple(row) for row in rows]


@pytest.mark.real_commits  # migrates the schema itself
def test_interviewer_ids_move_to_the_interviewer_table_and_back(app, session, make):
    world = visited(app, session, make)
    conversation, lead, member = world["conversation"], world["lead"], world["member"]
    gone = make.user("Vertrokken Reviewer")
    gone_id = gone.id
    session.delete(gone)
    session.commit()
    session.close()
    engine = app.extensions["peerreview.engine"]
    assert _interviewer_rows(engine) == [(conversation.gemeente_id, conversation.id, lead.id)]
    try:
        command.downgrade(migrations.config(engine), BEFORE_INTERVIEWER_TABLE)
        with engine.begin() as connection:
            stored = connection.scalar(
                sa.text("SELECT interviewer_ids FROM conversation WHERE id = :id"), {"id": conversation.id}
            )
            assert (json.loads(stored) if isinstance(stored, str) else stored) == [lead.id]
            # As the old code could leave it: the member twice, and a user who no longer exists.
            connection.execute(
                sa.text("UPDATE conversation SET interviewer_ids = :ids WHERE id = :id"),
                {"ids": json.dumps([member.id, gone_id, lead.id, member.id]), "id": conversation.id},
            )
        command.upgrade(migrations.config(engine), "head")
        assert _interviewer_rows(engine) == sorted(
            [
                (conversation.gemeente_id, conversation.id, lead.id),
                (conversation.gemeente_id, conversation.id, member.id),
            ],
            key=lambda row: row[2],
        )
        assert migrations.differences(engine) == []
    finally:
        command.upgrade(migrations.config(engine), "head")
