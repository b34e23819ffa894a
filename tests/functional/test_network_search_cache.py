"""What the network keeps per process (``peerreview.network.cache``): a repeated search runs no counting
statement, every write to the index (a reindex, a refresh) makes it count again, a result kept for one
access scope is never handed to another, names are read fresh, a lens filter is never kept; the matrix's
figures follow an import of key figures. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from peerreview.accounts.models import NetworkRole
from peerreview.db import utcnow
from peerreview.indicators.models import Area, Indicator, IndicatorValue
from peerreview.network import indexer, matrix, search
from peerreview.network.lens_services import set_codes
from peerreview.network.models import Audience, PassageKind
from peerreview.portret.models import Portret, Publication
from peerreview.tenants.models import Gemeente
from tests.factories import definitive
from tests.functional.test_network_search import index, passage, texts


@pytest.fixture
def world(session, make):
    deventer = make.gemeente("Deventer")
    round_ = make.round("Ronde 2026")
    return {
        "deventer": make.visitatie(deventer, round_),
        "member": make.user(gemeente=make.gemeente("Zaltbommel")),
        "analyst": make.user(network_role=NetworkRole.ANALYST),
    }


def counting_statements(session):
    """The statements sent on the test's connection that read the search table."""
    sent: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if "network_search" in statement:
            sent.append(statement)

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", note)
    return sent, lambda: event.remove(connection, "before_cursor_execute", note)


def test_a_repeated_search_does_not_count_again_until_the_index_changes(session, world):
    v = world["deventer"]
    first = passage(session, v, "De wachtlijst is korter.")
    index(session, v, first)
    sent, stop = counting_statements(session)
    assert texts(search.search(session, world["member"], "wachtlijst")) == [first.text]
    assert texts(search.search(session, world["member"], "wachtlijst")) == [first.text]
    assert len(sent) == 1  # the second search was answered from the cache
    second = passage(session, v, "Een tweede wachtlijst.")
    index(session, v, first, second)  # refresh gives the index a new stamp
    assert sorted(texts(search.search(session, world["member"], "wachtlijst"))) == sorted([first.text, second.text])
    stop()
    assert len(sent) == 1 + 2 + 1  # the refresh's delete and insert, then one count under the new stamp
    assert search.search(session, world["member"], "wachtlijst", page=2).page == 1  # beyond the last page
    sent, stop = counting_statements(session)
    for _ in range(2):
        assert search.search_all(session, world["member"], "wachtlijst").total == 2
    stop()
    assert len(sent) == 2  # an export's thousands of ids are not kept


def test_a_kept_result_never_reaches_another_access_scope(session, world):
    v = world["deventer"]
    concept = passage(session, v, "Vertrouwelijke wachtlijst.", audience=Audience.CONCEPT, kind=PassageKind.STERKTE)
    public = passage(session, v, "Openbare wachtlijst.", audience=Audience.OPENBAAR)
    index(session, v, concept, public)
    for _ in range(2):  # the second round is answered from the cache, per audience
        assert set(texts(search.search(session, world["analyst"], "wachtlijst"))) == {concept.text, public.text}
        member = search.search(session, world["member"], "wachtlijst")
        assert texts(member) == [public.text] and member.total == 1
        assert {i.value for i in member.facets["kind"]} == {"sectie"}  # the concept strength is not counted
        assert texts(search.search(session, None, "wachtlijst")) == [public.text]


def test_a_withdrawn_publication_leaves_the_kept_results_with_the_reindex(app, session, make):
    w = definitive(app, session, make)
    visitatie_id = w["visitatie"].id
    analyst = make.user(network_role=NetworkRole.ANALYST)

    def publish(publication: Publication) -> None:
        session.scalar(select(Portret).where(Portret.visitatie_id == visitatie_id)).publication = publication
        session.commit()
        with app.test_request_context():
            indexer.reindex_visitatie(session, visitatie_id)
            session.commit()

    publish(Publication.NETWERK)
    strength = "Een visie die breed gedragen wordt."
    for _ in range(2):  # the second one kept
        found = search.search(session, w["outsider"], "gedragen")
        assert strength in texts(found) and not any(hit.concept for hit in found.hits)
        assert {i.value for i in found.facets["kind"]} == {"sterkte", "sectie"}
    publish(Publication.GEMEENTE)  # withdrawn: the review material is concept again, the sections gone
    found = search.search(session, w["outsider"], "gedragen")
    assert found.total == 0 and found.facets["kind"] == []
    assert [(hit.passage.text, hit.concept) for hit in search.search(session, analyst, "gedragen").hits] == [
        (strength, True)
    ]


def test_facet_names_are_read_fresh_for_a_kept_result(session, world):
    v = world["deventer"]
    index(session, v, passage(session, v, "De wachtlijst is korter."))
    assert [i.label for i in search.search(session, world["member"], "wachtlijst").facets["gemeente"]] == ["Deventer"]
    session.get(Gemeente, v.gemeente_id).name = "Deventer-Olst"
    session.commit()
    assert [i.label for i in search.search(session, world["member"], "wachtlijst").facets["gemeente"]] == [
        "Deventer-Olst"
    ]


def test_a_search_with_a_lens_follows_a_new_coding_at_once(session, world):
    v = world["deventer"]
    row = passage(session, v, "Budgetplafonds zijn ingevoerd.")
    index(session, v, row)
    lens = search.Facets(lens="sturing:financieel")
    assert search.search(session, world["analyst"], "budgetplafonds", lens).total == 0
    set_codes(session, session.merge(world["analyst"]), row, {("sturing", "financieel")})
    session.commit()  # a coding gives the index no new stamp
    assert search.search(session, world["analyst"], "budgetplafonds", lens).total == 1


def test_the_matrix_shows_imported_key_figures_at_once(app, client_for, session, make):
    w = definitive(app, session, make)
    with app.test_request_context():
        indexer.reindex_visitatie(session, w["visitatie"].id)
        session.commit()
    analyst = client_for(make.user(network_role=NetworkRole.ANALYST))

    def deventer_row() -> str:
        html = analyst.get("/netwerk/thema-matrix?indicator=JH121").get_data(as_text=True)
        return html.split('<th scope="row">Deventer<', 1)[1].split("</tr>", 1)[0]

    assert "5,9 %" in deventer_row()
    assert "5,9 %" in deventer_row()  # kept
    jh121 = session.scalar(select(Indicator).where(Indicator.code == "JH121"))
    deventer = session.scalar(select(Area).where(Area.gemeente_id == w["visitatie"].gemeente_id))
    stored = session.scalar(
        select(IndicatorValue).where(
            IndicatorValue.indicator_id == jh121.id,
            IndicatorValue.area_id == deventer.id,
            IndicatorValue.period == "2020-H1",
        )
    )
    stored.value, stored.updated_at = 6.4, utcnow()  # as the importer updates a value
    session.commit()
    assert "6,4 %" in deventer_row()
    session.add(IndicatorValue(indicator_id=jh121.id, area_id=deventer.id, period="2021", value=7.0))
    session.commit()
    assert "7,0 %" in deventer_row()  # a newer period, imported


def test_the_matrix_cells_are_kept_under_the_stamp(app, session, make):
    w = definitive(app, session, make)
    with app.test_request_context():
        indexer.reindex_visitatie(session, w["visitatie"].id)
        session.commit()
    everyone = (Audience.OPENBAAR, Audience.NETWERK, Audience.CONCEPT)
    kept = matrix.cells(session, everyone)
    assert matrix.cells(session, everyone) is kept
    assert matrix.cells(session, (Audience.OPENBAAR,)) is not kept  # another scope, its own cells
    with app.test_request_context():
        indexer.reindex_visitatie(session, w["visitatie"].id)
        session.commit()
    assert matrix.cells(session, everyone) is not kept
