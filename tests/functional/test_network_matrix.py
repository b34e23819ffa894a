"""The theme matrix: who sees which gemeenten and cells (anonymous only *openbaar*, a gemeente member also
*netwerk* but no *concept*, an analyst everything with concept marked), a withdrawn publication and a
withdrawn consent disappearing after the rebuild, a cell's passages with their place in the portret, the
filters, the chosen indicators, the CSV, and a query count that does not grow with the gemeenten."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from peerreview.accounts.models import MembershipRole, NetworkRole
from peerreview.network import indexer
from peerreview.network.models import Audience, PassageKind
from peerreview.portret.models import Portret, Publication
from peerreview.rounds.models import Round, Visitatie
from peerreview.tenants.models import Gemeente
from tests.factories import definitive

MATRIX = "/netwerk/thema-matrix"
_names = itertools.count()


def passage(visitatie: Visitatie, key: str, kind: PassageKind, audience: Audience, themes: list[str], text: str, **kw):
    return {
        "key": key,
        "kind": kind,
        "audience": audience,
        "visitatie_id": visitatie.id,
        "gemeente_id": visitatie.gemeente_id,
        "round_id": visitatie.round_id,
        "portret_id": kw.get("portret_id"),
        "section_key": kw.get("section_key"),
        "title": kind.label,
        "text": text,
        "judgement": kw.get("judgement"),
        "themes": themes,
    }


def shared(app, session, make, name: str, audience: Audience, round_: Round, province: str = "Drenthe") -> Visitatie:
    """A gemeente whose visitatie has material with ``audience`` in the index (written directly: the matrix
    reads only the index)."""
    gemeente = make.gemeente(name, regio=f"Regio {name}")
    gemeente.province = province
    visitatie = make.visitatie(gemeente, round_)
    with app.test_request_context():
        indexer.write_index(
            session,
            [
                passage(
                    visitatie,
                    f"summary:x{visitatie.id}",
                    PassageKind.SAMENVATTING,
                    audience,
                    ["T3"],
                    f"Samenvatting {name}",
                    judgement="in_ontwikkeling",
                ),
                passage(
                    visitatie, f"annotation:x{visitatie.id}a", PassageKind.STERKTE, audience, ["T3"], f"Sterk {name}"
                ),
                passage(visitatie, f"annotation:x{visitatie.id}b", PassageKind.STERKTE, audience, ["T3", "T4"], "Twee"),
                passage(visitatie, f"lesson:x{visitatie.id}", PassageKind.LES, audience, ["T3"], f"Les van {name}"),
            ],
        )
        session.commit()
    return visitatie


@pytest.fixture
def world(app, session, make):
    w = definitive(app, session, make)
    visitatie = session.get(Visitatie, w["visitatie"].id)
    w["visitatie_id"] = visitatie.id
    w["analyst"] = make.user("analist@netwerk.nl", network_role=NetworkRole.ANALYST)
    w["member"] = w["outsider"]  # coordinator of Zwolle: a participant of the network
    w["assen"] = shared(app, session, make, "Assen", Audience.NETWERK, visitatie.round)
    w["emmen_concept"] = shared(app, session, make, "Coevorden", Audience.CONCEPT, visitatie.round)
    w["meppel"] = shared(app, session, make, "Meppel", Audience.OPENBAAR, visitatie.round)
    publish(app, session, w, Publication.OPENBAAR)
    return w


def publish(app, session, world, scope: Publication) -> None:
    item = session.get(Portret, world["portret_id"])
    item.publication, item.published_at = scope, datetime.now(UTC)
    if scope is Publication.GEMEENTE:
        item.publication_withdrawn_at = datetime.now(UTC)
    session.commit()
    with app.test_request_context():
        indexer.reindex_visitatie(session, world["visitatie_id"])
        session.commit()


def rows(html: str) -> set[str]:
    return {name for name in ("Deventer", "Assen", "Coevorden", "Meppel") if f'<th scope="row">{name}<' in html}


def test_each_reader_sees_the_gemeenten_of_their_audiences(client, client_for, world):
    anonymous = client.get(MATRIX)
    assert anonymous.status_code == 200
    assert rows(anonymous.get_data(as_text=True)) == {"Deventer", "Meppel"}
    member = client_for(world["member"]).get(MATRIX).get_data(as_text=True)
    assert rows(member) == {"Deventer", "Assen", "Meppel"}
    assert "concept" not in member.split("<table", 1)[1]
    analyst = client_for(world["analyst"]).get(MATRIX).get_data(as_text=True)
    assert rows(analyst) == {"Deventer", "Assen", "Coevorden", "Meppel"}
    coevorden = analyst.split('<th scope="row">Coevorden<', 1)[1].split("</tr>", 1)[0]
    assert coevorden.count('<span class="mk">concept</span>') == 2  # its two cells with material: T3, T4
    assert analyst.count('<span class="mk">concept</span>') == 2


def test_a_cell_shows_the_judgement_in_words_and_the_counts(client, world):
    html = client.get(MATRIX).get_data(as_text=True)
    deventer_row = html.split('<th scope="row">Deventer<', 1)[1].split("</tr>", 1)[0]
    assert "Duidelijk aanwezig" in deventer_row  # T7, the team's summary
    assert "1\u00a0st · 0\u00a0op" in deventer_row and "0\u00a0st · 1\u00a0op" in deventer_row
    meppel_row = html.split('<th scope="row">Meppel<', 1)[1].split("</tr>", 1)[0]
    assert "In ontwikkeling" in meppel_row and "2\u00a0st · 0\u00a0op · 1\u00a0les" in meppel_row


def test_a_cells_page_shows_its_passages_with_links_into_the_portret(client, world, session):
    visitatie = session.get(Visitatie, world["visitatie_id"])
    page = client.get(f"{MATRIX}/{visitatie.gemeente_id}/T7")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "De visie staat al jaren." in html and "Een visie die breed gedragen wordt." in html
    assert f'href="/portretten/deventer/{visitatie.id}#sectie-' in html
    assert "concept" not in html.split("<main", 1)[1]


def test_concept_material_opens_only_for_analysts_and_is_marked(client, client_for, world):
    url = f"{MATRIX}/{world['emmen_concept'].gemeente_id}/T3"
    assert client.get(url).status_code == 404
    assert client_for(world["member"]).get(url).status_code == 404
    page = client_for(world["analyst"]).get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Les van Coevorden" in html and '<span class="badge">concept</span>' in html
    assert "/portretten/" not in html.split("<main", 1)[1]


def test_an_unknown_theme_or_a_cell_without_visible_material_is_404(client, world, session):
    visitatie = session.get(Visitatie, world["visitatie_id"])
    assert client.get(f"{MATRIX}/{visitatie.gemeente_id}/T13").status_code == 404
    # only the portret's summary section touches T12: no cell of its own
    assert client.get(f"{MATRIX}/{visitatie.gemeente_id}/T12").status_code == 404
    assert client.get(f"{MATRIX}/{world['assen'].gemeente_id}/T3").status_code == 404  # netwerk only


def test_a_withdrawn_publication_disappears_from_the_matrix_after_the_rebuild(
    app, client_for, session, world, run_jobs
):
    member = client_for(world["member"])
    assert "Deventer" in rows(member.get(MATRIX).get_data(as_text=True))
    response = client_for(world["coordinator"]).post_form(
        f"{world['base']}/portret/publicatie", {"scope": "gemeente"}, token_from=f"{world['base']}/portret"
    )
    assert response.status_code == 302
    run_jobs()
    assert "Deventer" not in rows(member.get(MATRIX).get_data(as_text=True))
    analyst = client_for(world["analyst"]).get(MATRIX).get_data(as_text=True)
    row = analyst.split('<th scope="row">Deventer<', 1)[1].split("</tr>", 1)[0]
    assert '<span class="mk">concept</span>' in row  # its released review stays, as concept


def test_a_withdrawn_consent_disappears_from_the_matrix_after_the_rebuild(app, client_for, session, world, run_jobs):
    from peerreview.selfeval import cases
    from tests.functional.test_network_index import add_case

    visitatie = session.get(Visitatie, world["visitatie_id"])
    casus, annotation = add_case(session, visitatie, "Wat de vader zei")
    with app.test_request_context():  # a stale row of an earlier build
        indexer.write_index(
            session,
            [
                passage(
                    visitatie,
                    f"annotation:{annotation.id}",
                    PassageKind.STERKTE,
                    Audience.OPENBAAR,
                    ["T11"],
                    "Wat de vader zei",
                )
            ],
        )
        session.commit()
    reader = client_for(world["member"])
    assert reader.get(f"{MATRIX}/{visitatie.gemeente_id}/T11").status_code == 200
    with app.test_request_context():
        cases.withdraw(
            session, session.merge(world["coordinator"]), session.merge(visitatie), casus, withdrawn_by="ouder"
        )
        session.commit()
    run_jobs()
    assert reader.get(f"{MATRIX}/{visitatie.gemeente_id}/T11").status_code == 404
    assert "Wat de vader zei" not in reader.get(MATRIX).get_data(as_text=True)


def test_filters_by_context_and_by_theme(client_for, world, session):
    session.get(Gemeente, world["meppel"].gemeente_id).province = "Overijssel"
    session.get(Gemeente, session.get(Visitatie, world["visitatie_id"]).gemeente_id).province = "Overijssel"
    session.commit()
    reader = client_for(world["analyst"])
    html = reader.get(f"{MATRIX}?province=Overijssel").get_data(as_text=True)
    assert rows(html) == {"Deventer", "Meppel"}
    html = reader.get(f"{MATRIX}?thema=T3&thema=T4").get_data(as_text=True)
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert ">T3<" in head and ">T4<" in head and ">T7<" not in head
    assert "Deventer" not in rows(html)  # nothing of Deventer's on T3/T4
    empty = reader.get(f"{MATRIX}?province=Limburg").get_data(as_text=True)
    assert "Geen gemeente past bij dit filter" in empty


def test_chosen_indicators_show_value_and_index_against_nederland(client_for, world, session):
    html = client_for(world["analyst"]).get(f"{MATRIX}?indicator=JH121").get_data(as_text=True)
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert "Jeugdhulp zonder verblijf" in head or "JH121" in head or "index NL = 100" in head
    row = html.split('<th scope="row">Deventer<', 1)[1].split("</tr>", 1)[0]
    assert "5,9 %" in row  # the latest period, 2020-H1
    assert ">82<" in row  # 5.9 / 7.2 * 100


def test_the_matrix_as_csv(client, world):
    response = client.get(f"{MATRIX}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("gemeente;provincie;") and "T7 oordeel" in lines[0]
    deventer = next(line for line in lines if line.startswith("Deventer;"))
    assert "Duidelijk aanwezig" in deventer
    assert not any(line.startswith("Coevorden;") for line in lines)  # concept: not for anonymous readers


def _statements(session):
    connection = session.connection()
    sent: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(connection, "before_cursor_execute", note)
    return sent, lambda: event.remove(connection, "before_cursor_execute", note)


def test_the_matrix_runs_as_many_queries_for_30_gemeenten_as_for_3(app, client_for, make, session):
    analyst = make.user(network_role=NetworkRole.ANALYST)
    member_gemeente = make.gemeente("Eigen")
    member = make.user(gemeente=member_gemeente, role=MembershipRole.COORDINATOR)
    round_ = make.round("Landelijke ronde")
    counts = []
    for n in (3, 30):
        while len(session.scalars(select(Visitatie).where(Visitatie.round_id == round_.id)).all()) < n:
            audience = (Audience.OPENBAAR, Audience.NETWERK, Audience.CONCEPT)[next(_names) % 3]
            shared(app, session, make, f"Gemeente {next(_names)}", audience, round_)
        sent, stop = _statements(session)
        for reader in (analyst, member):
            client = client_for(reader)
            assert client.get(f"{MATRIX}?indicator=JH121&indicator=LASTEN_GEBRUIKER").status_code == 200
            assert client.get(f"{MATRIX}.csv").status_code == 200
        stop()
        counts.append(len(sent))
    assert counts[0] == counts[1], counts


def test_a_gemeente_shows_its_newest_round_even_when_an_earlier_one_was_entered_later(app, client_for, make, session):
    from datetime import date

    from peerreview.network import matrix

    current = make.round("Ronde 2026")
    earlier = make.round("Ronde 2023")  # entered afterwards, as the demo does: a higher id, an earlier start
    earlier.starts_on, earlier.ends_on = date(2023, 1, 9), date(2023, 12, 15)
    session.commit()
    now = shared(app, session, make, "Assen", Audience.NETWERK, current)
    with app.test_request_context():
        before = make.visitatie(session.get(Gemeente, now.gemeente_id), earlier)
        indexer.write_index(
            session,
            [passage(before, "summary:old", PassageKind.SAMENVATTING, Audience.NETWERK, ["T3"], "Oud", judgement="x")],
        )
        session.commit()
    found = matrix.aggregate(session, (Audience.OPENBAAR, Audience.NETWERK), gemeente_ids=[now.gemeente_id])
    assert found[now.gemeente_id][0] == current.id
    texts = [p.text for p in matrix.passages(session, (Audience.NETWERK,), now.gemeente_id, "T3")]
    assert "Samenvatting Assen" in texts and "Oud" not in texts
