"""The network's portretten library: who sees which portret (the rule of ``portret.published``, plus the
concept ones for analysts and round coordinators), the context columns, filters and sorting, and two or
three portretten side by side section by section."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from peerreview.accounts.models import MembershipRole, NetworkRole
from peerreview.portret import services as portret_services
from peerreview.portret.models import Portret, PortretVersion, Publication, VersionKind
from peerreview.rounds.models import Round, Visitatie, VisitatieState
from tests.factories import definitive


def add_portret(session, gemeente, round_, *, motto, sections, publication=Publication.NETWERK, adopted=True):
    """A portret written directly (version 1), adopted and published as asked, or only released as concept."""
    visitatie = Visitatie(
        round_id=round_.id,
        gemeente_id=gemeente.id,
        state=VisitatieState.DEFINITIEF if adopted else VisitatieState.PORTRET_CONCEPT,
        annotations_released_at=datetime.now(UTC),
    )
    session.add(visitatie)
    session.flush()
    content = {
        "skeleton": 1,
        "gemeente": gemeente.name,
        "motto": motto,
        "sections": [{"key": "titel", "kind": "title", "level": 1, "title": f"{gemeente.name}: {motto}", "html": ""}]
        + [
            {"key": key, "kind": "narrative", "level": 1, "title": title, "html": html, "provenance": {}}
            for key, title, html in sections
        ],
    }
    portret = Portret(
        gemeente_id=gemeente.id, visitatie_id=visitatie.id, skeleton_version=1, current_version=1, released_version=1
    )
    session.add(portret)
    session.flush()
    session.add(
        PortretVersion(
            gemeente_id=gemeente.id,
            portret_id=portret.id,
            number=1,
            content=content,
            checksum=portret_services.checksum(content),
            kind=VersionKind.DEFINITIEF if adopted else VersionKind.CONCEPT,
        )
    )
    if adopted:
        portret.proposed_version = portret.adopted_version = 1
        portret.adopted_at = portret.published_at = datetime.now(UTC)
        portret.publication = publication
    session.commit()
    return visitatie


@pytest.fixture
def world(app, session, make):
    w = definitive(app, session, make)  # Deventer, adopted, published to nobody beyond the gemeente yet
    deventer = w["visitatie"]
    session.get(Portret, w["portret_id"]).publication = Publication.NETWERK
    round_ = session.get(Round, deventer.round_id)
    hoogeveen = make.gemeente("Hoogeveen", regio="Drenthe", inhabitants=56_000)
    apeldoorn = make.gemeente("Apeldoorn", regio="Midden-IJssel", inhabitants=167_000)
    assen = make.gemeente("Assen", regio="Drenthe", inhabitants=69_000)
    emmen_round = Round(name="Ronde Noord", starts_on=date(2025, 9, 1), ends_on=date(2026, 6, 30))
    session.add(emmen_round)
    session.flush()
    w["hoogeveen"] = add_portret(
        session,
        hoogeveen,
        emmen_round,
        motto="Samen sterk in de wijk",
        sections=[
            ("visie", "Visie", "<p>Hoogeveen kiest voor de wijk.</p>"),
            ("historie", "Historie", "<p>Eerst.</p>"),
        ],
        publication=Publication.OPENBAAR,
    )
    w["apeldoorn"] = add_portret(
        session,
        apeldoorn,
        round_,
        motto="Gewoon doen",
        sections=[("visie", "Visie", "<p>Apeldoorn werkt met vaste gezichten.</p>")],
        publication=Publication.GEMEENTE,
    )
    w["assen"] = add_portret(
        session,
        assen,
        round_,
        motto="Geheim motto van een concept",
        sections=[("visie", "Visie", "<p>Conceptte tekst van Assen.</p>")],
        adopted=False,
    )
    w["apeldoorn_member"] = make.user("lid@apeldoorn.nl", gemeente=apeldoorn, role=MembershipRole.COORDINATOR)
    w["analyst"] = make.user("analist@netwerk.nl", network_role=NetworkRole.ANALYST)
    session.commit()
    return w


def names_in_table(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(r'<th scope="row">\s*(.*?)\n', body)]


def test_a_member_sees_network_and_public_portretten_but_not_one_kept_within_a_gemeente(client_for, world):
    html = client_for(world["outsider"]).get("/netwerk/portretten").get_data(as_text=True)
    assert names_in_table(html) == ["Deventer", "Hoogeveen"]
    assert "Gewoon doen" not in html  # Apeldoorn: alleen de gemeente
    assert "Assen" not in html  # a concept: analysts and round coordinators only
    assert "Samen sterk in de wijk" in html


def test_even_its_own_members_do_not_find_a_portret_kept_within_the_gemeente_in_the_library(client_for, world):
    html = client_for(world["apeldoorn_member"]).get("/netwerk/portretten").get_data(as_text=True)
    assert "Apeldoorn" not in names_in_table(html)


def test_an_analyst_also_sees_concepts_marked_but_cannot_open_or_read_their_motto(client_for, world):
    html = client_for(world["analyst"]).get("/netwerk/portretten").get_data(as_text=True)
    assert names_in_table(html) == ["Assen", "Deventer", "Hoogeveen"]
    row = html.split(f'id="kies-{world["assen"].id}"', 1)[1].split("</tr>", 1)[0]
    assert "concept" in row and "niet te openen" in row
    assert "Geheim motto" not in html
    assert f'value="{world["assen"].id}" id="kies-{world["assen"].id}" disabled' in html


def test_a_round_coordinator_opens_a_concept_from_the_library(client_for, world):
    html = client_for(world["staff"]).get("/netwerk/portretten").get_data(as_text=True)
    assert f'href="/visitaties/{world["assen"].id}/portret"' in html
    assert "Geheim motto van een concept" in html


def test_without_an_account_only_public_portretten_if_any(client, world):
    response = client.get("/netwerk/portretten")
    if response.status_code == 200:
        html = response.get_data(as_text=True)
        assert names_in_table(html) == ["Hoogeveen"]
    else:
        assert response.status_code in (302, 404)


def test_filters_by_context_round_and_state(client_for, world):
    client = client_for(world["analyst"])
    assert names_in_table(client.get("/netwerk/portretten?jeugdregio=Drenthe").get_data(as_text=True)) == [
        "Assen",
        "Hoogeveen",
    ]
    assert names_in_table(client.get("/netwerk/portretten?status=concept").get_data(as_text=True)) == ["Assen"]
    round_id = world["hoogeveen"].round_id
    assert names_in_table(client.get(f"/netwerk/portretten?ronde={round_id}").get_data(as_text=True)) == ["Hoogeveen"]
    html = client.get("/netwerk/portretten?province=Friesland").get_data(as_text=True)
    assert names_in_table(html) == [] and "Geen portretten bij dit filter" in html


def test_sorts_on_a_column_both_ways_with_aria_sort(client_for, world):
    client = client_for(world["analyst"])
    html = client.get("/netwerk/portretten?sorteer=grootteklasse").get_data(as_text=True)
    # Deventer (40.000) below Assen (69.000) and Hoogeveen (56.000), who share a class: by name
    assert names_in_table(html) == ["Deventer", "Assen", "Hoogeveen"]
    assert re.search(
        r'<th scope="col" aria-sort="ascending">\s*<a href="[^"]*sorteer=grootteklasse&amp;richting=af', html
    )
    html = client.get("/netwerk/portretten?sorteer=grootteklasse&richting=af").get_data(as_text=True)
    assert names_in_table(html)[-1] == "Deventer"
    html = client.get("/netwerk/portretten?sorteer=ronde&richting=af").get_data(as_text=True)
    assert 'aria-sort="descending"' in html
    assert names_in_table(html)[-1] == "Hoogeveen"  # the earlier round last
    assert html.count("aria-sort=") == 1


def test_two_portretten_side_by_side_section_by_section(client_for, world):
    deventer, hoogeveen = world["visitatie"].id, world["hoogeveen"].id
    response = client_for(world["outsider"]).get(f"/netwerk/portretten/vergelijk?p={deventer}&p={hoogeveen}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    visie = html.split('id="naast-visie"', 1)[1].split("</section>", 1)[0]
    assert "Hoogeveen kiest voor de wijk." in visie
    assert 'class="compare-grid cols-2"' in visie and visie.count('class="compare-cell"') == 2
    historie = html.split('id="naast-historie"', 1)[1].split("</section>", 1)[0]
    assert "Eerst." in historie and "Deventer vóór de transitie" in historie  # each its own title
    inrichting = html.split('id="naast-inrichting"', 1)[1].split("</section>", 1)[0]
    assert "Hoogeveen" in inrichting and "Dit portret heeft geen hoofdstuk" in inrichting  # Hoogeveen has none
    assert html.index('id="naast-historie"') < html.index('id="naast-visie"')  # the skeleton's order


def test_comparison_is_404_if_any_portret_is_not_the_readers(client_for, world):
    client = client_for(world["outsider"])
    deventer = world["visitatie"].id
    for other in (world["apeldoorn"].id, world["assen"].id, 2**31 - 1):
        assert client.get(f"/netwerk/portretten/vergelijk?p={deventer}&p={other}").status_code == 404
    assert client.get(f"/netwerk/portretten/vergelijk?p={deventer}&p=abc").status_code == 404


def test_comparison_asks_for_two_or_three(client_for, world):
    client = client_for(world["staff"])
    ids = [world[k].id for k in ("visitatie", "hoogeveen", "apeldoorn", "assen")]
    one = client.get(f"/netwerk/portretten/vergelijk?p={ids[0]}")
    assert one.status_code == 400 and "Kies twee of drie" in one.get_data(as_text=True)
    four = client.get("/netwerk/portretten/vergelijk?" + "&".join(f"p={i}" for i in ids))
    assert four.status_code in (400, 404)
    three = client.get("/netwerk/portretten/vergelijk?" + "&".join(f"p={i}" for i in ids[1:]))
    assert three.status_code == 200 and "cols-3" in three.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    ["ronde=99999999999999999999&status=%3Cscript%3E&sorteer=iets&richting=op", "province=%3C%2F&ses_decile=-1"],
)
def test_hostile_library_queries_give_the_page(client_for, world, query):
    response = client_for(world["analyst"]).get(f"/netwerk/portretten?{query}")
    assert response.status_code == 200


def test_a_comparison_with_hostile_ids_is_not_found(client_for, world):
    client = client_for(world["analyst"])
    for query in ("p=0&p=1", "p=2147483648&p=1", "p=-1&p=1", "p=%EF%BC%91"):
        assert client.get(f"/netwerk/portretten/vergelijk?{query}").status_code == 404, query
    assert client.get("/netwerk/portretten/vergelijk?p=%00").status_code < 500


def test_the_comparison_without_a_choice_says_how_to_choose(client_for, world):
    response = client_for(world["outsider"]).get("/netwerk/portretten/vergelijk")
    assert response.status_code == 200 and "Kies twee of drie portretten" in response.get_data(as_text=True)
