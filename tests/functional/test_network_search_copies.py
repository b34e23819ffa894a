"""PostgreSQL's search rows carry copies of what a search filters and counts by (audience, kind, gemeente,
round, themes: ``peerreview.network.search.refresh``). After every rebuild they equal the passage's own
columns: a published portret, its withdrawal, a withdrawn consent. SQLite's search table holds the stems
only (the search joins the passage), so these tests run on PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from peerreview.accounts.models import NetworkRole
from peerreview.network import indexer, search
from peerreview.network.models import NetworkPassage
from peerreview.portret.models import Portret, Publication
from peerreview.rounds.models import Visitatie
from tests.factories import definitive
from tests.functional.test_network_index import add_case


@pytest.fixture(autouse=True)
def _postgresql_only(session):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the copies exist in PostgreSQL's search table only")


def copies(session) -> set[tuple]:
    rows = session.execute(
        sa.text("SELECT passage_id, audience, kind, gemeente_id, round_id, themes FROM network_search")
    )
    return {(passage_id, a, k, g, r, tuple(themes)) for passage_id, a, k, g, r, themes in rows}


def originals(session) -> set[tuple]:
    session.expire_all()
    return {
        (p.id, p.audience.value, p.kind.value, p.gemeente_id, p.round_id, tuple(sorted(p.themes)))
        for p in session.scalars(select(NetworkPassage))
    }


def reindex(app, session, visitatie_id: int) -> None:
    with app.test_request_context():
        indexer.reindex_visitatie(session, visitatie_id)
        session.commit()


def test_the_copies_follow_a_publication_and_its_withdrawal(app, session, make):
    w = definitive(app, session, make)
    visitatie_id = w["visitatie"].id
    portret = session.scalar(select(Portret).where(Portret.visitatie_id == visitatie_id))
    for publication in (Publication.NETWERK, Publication.OPENBAAR, Publication.GEMEENTE):
        portret.publication = publication
        session.commit()
        reindex(app, session, visitatie_id)
        found = copies(session)
        assert found and found == originals(session)
    assert {audience for _id, audience, *_rest in found} == {"concept"}  # withdrawn: concept again
    assert "sectie" not in {kind for _id, _a, kind, *_rest in found}  # and the sections are gone


def test_the_copies_follow_a_withdrawn_consent(app, session, make, run_jobs):
    from peerreview.selfeval import cases

    w = definitive(app, session, make)
    visitatie = session.get(Visitatie, w["visitatie"].id)
    analyst = make.user(network_role=NetworkRole.ANALYST)
    casus, annotation = add_case(session, visitatie, "Het verhaal van de moeder")
    reindex(app, session, visitatie.id)
    # a row an earlier, wrong build left behind, searchable: the rebuild after the withdrawal must take it
    with app.test_request_context():
        (stale,) = indexer.write_index(
            session,
            [
                {
                    "key": f"annotation:{annotation.id}",
                    "kind": "sterkte",
                    "audience": "concept",
                    "visitatie_id": visitatie.id,
                    "gemeente_id": visitatie.gemeente_id,
                    "round_id": visitatie.round_id,
                    "portret_id": None,
                    "section_key": None,
                    "title": "Sterkte",
                    "text": annotation.body,
                    "judgement": None,
                    "themes": ["T3"],
                }
            ],
        )
        search.refresh(session, [stale])
        session.commit()
    assert search.search(session, analyst, "moeder").total == 1
    with app.test_request_context():
        cases.withdraw(session, session.merge(w["coordinator"]), session.merge(visitatie), casus, withdrawn_by="ouder")
        session.commit()
    run_jobs()
    assert search.search(session, analyst, "moeder").total == 0
    assert copies(session) == originals(session) and copies(session)
