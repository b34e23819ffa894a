"""The definitive portret: publication scopes per reader (also without an account), withdrawal (410,
unlisted), the public pages' meta and Open Graph tags, errata as new numbered versions with the earlier
one downloadable, the network's list, and the next step shown on the visitatie's pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from peerreview.accounts.models import NetworkRole
from peerreview.audit.models import AuditEvent
from peerreview.portret import services as portret_services
from peerreview.portret.models import Portret, PortretVersion, Publication, VersionKind
from peerreview.rounds.models import Visitatie, VisitatieState
from tests.factories import definitive


@pytest.fixture
def world(app, session, make):
    w = definitive(app, session, make)
    w["analyst"] = make.user("analist@netwerk.nl", network_role=NetworkRole.ANALYST)
    w["nobody"] = make.user("los@voorbeeld.nl")  # an account without a gemeente or a network role
    session.commit()
    return w


def portret(session, world) -> Portret:
    session.expire_all()
    return session.get(Portret, world["portret_id"])


def set_publication(session, world, scope: Publication) -> None:
    item = portret(session, world)
    item.publication, item.published_at = scope, datetime.now(UTC)
    session.commit()


def choose(client_for, world, scope: str):
    return client_for(world["coordinator"]).post_form(
        f"{world['base']}/portret/publicatie", {"scope": scope}, token_from=f"{world['base']}/portret"
    )


READERS = ("anonymous", "outsider", "analyst", "nobody", "coordinator", "lead")


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (Publication.GEMEENTE, {r: 404 for r in READERS}),
        (
            Publication.NETWERK,
            # a visitor without an account is sent to the login page, not told the portret does not exist
            {"anonymous": 302, "outsider": 200, "analyst": 200, "nobody": 404, "coordinator": 200, "lead": 200},
        ),
        (Publication.OPENBAAR, {r: 200 for r in READERS}),
    ],
    ids=lambda v: v.value if isinstance(v, Publication) else "",
)
def test_who_reads_the_published_portret_in_each_scope(app, client, client_for, session, world, scope, expected):
    set_publication(session, world, scope)
    for reader, status in expected.items():
        c = client if reader == "anonymous" else client_for(world[reader])
        response = c.get(world["public"])
        assert response.status_code == status, reader
        if status == 302:
            assert "/inloggen" in response.headers["Location"]
        listed = f'href="{world["public"]}"' in c.get("/portretten").get_data(as_text=True)
        assert listed is (status == 200), reader
        pdf = c.get(f"{world['public']}/pdf").status_code  # not rendered yet: the waiting page
        readable = status == 200 or reader in ("coordinator", "lead")  # the gemeente and its team always
        assert pdf == (202 if readable else 302 if status == 302 else 404), reader


def test_the_public_url_needs_its_own_gemeentes_slug(client, session, world):
    set_publication(session, world, Publication.OPENBAAR)
    assert client.get(world["public"].replace("deventer", "zwolle")).status_code == 404


def test_only_the_gemeentes_coordinator_chooses_and_the_choice_is_audit_logged(client_for, session, world):
    for who in ("writer", "lead", "staff", "outsider", "analyst"):
        response = client_for(world[who]).post_form(
            f"{world['base']}/portret/publicatie", {"scope": "openbaar"}, token_from="/account"
        )
        assert response.status_code == 404, who
    assert portret(session, world).publication is Publication.GEMEENTE
    response = choose(client_for, world, "netwerk")
    assert response.status_code == 302
    item = portret(session, world)
    assert item.publication is Publication.NETWERK and item.published_by_id == world["coordinator"].id
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "portret_published"))
    assert event is not None and event.details["publication"] == "netwerk"


def test_publishing_requests_the_definitive_pdf_so_a_public_get_finds_it(client, client_for, session, world, run_jobs):
    version = portret_services.version(session, portret(session, world), world["adopted"])
    assert version.pdf_requested_at is None
    choose(client_for, world, "openbaar")
    run_jobs()
    session.expire_all()
    response = client.get(f"{world['public']}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_a_pdf_not_yet_made_is_a_waiting_page_and_the_get_queues_nothing(client, session, world):
    from peerreview.jobs import status

    set_publication(session, world, Publication.OPENBAAR)
    response = client.get(f"{world['public']}/pdf")
    assert response.status_code == 202
    assert "nog niet beschikbaar" in response.get_data(as_text=True)
    version = portret_services.version(session, portret(session, world), world["adopted"])
    assert status(session, portret_services.pdf_job_key(version)) is None


def test_withdrawal_gives_410_and_the_portret_is_no_longer_listed(client, client_for, session, world, run_jobs):
    choose(client_for, world, "openbaar")
    run_jobs()
    assert client.get(world["public"]).status_code == 200
    response = choose(client_for, world, "gemeente")
    assert response.status_code == 302
    item = portret(session, world)
    assert item.publication is Publication.GEMEENTE and item.publication_withdrawn_at is not None
    gone = client.get(world["public"])
    assert gone.status_code == 410
    assert "niet meer gepubliceerd" in gone.get_data(as_text=True)
    assert client.get(f"{world['public']}/pdf").status_code == 410
    assert client_for(world["outsider"]).get(world["public"]).status_code == 410
    assert world["public"] not in client.get("/portretten").get_data(as_text=True)
    assert world["public"] not in client_for(world["analyst"]).get("/").get_data(as_text=True)
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "portret_publication_withdrawn"))
    # the gemeente keeps its own definitive PDF
    assert client_for(world["coordinator"]).get(f"{world['public']}/pdf").status_code == 200


def test_the_public_page_has_meta_and_open_graph_tags_and_sets_no_cookie(app, client, session, world):
    set_publication(session, world, Publication.OPENBAAR)
    item = portret(session, world)
    version = portret_services.version(session, item, world["adopted"])
    response = client.get(world["public"])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    url = app.config["BASE_URL"].rstrip("/") + world["public"]
    assert f'<link rel="canonical" href="{url}">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert '<meta property="og:type" content="article">' in page
    title = version.content["motto"] or version.content["sections"][0]["title"]
    assert f'<meta property="og:title" content="{title}">' in page
    assert '<meta name="description" content="Gemeenteportret van Deventer' in page
    assert '<meta property="og:description" content="Gemeenteportret van Deventer' in page
    assert "data-bron" not in page and "Herkomst van deze tekst" not in page
    index = client.get("/portretten")
    assert index.status_code == 200 and "Set-Cookie" not in index.headers
    assert '<meta name="description"' in index.get_data(as_text=True)


def test_a_network_portret_is_listed_on_the_start_page_of_a_participant(client_for, session, world):
    set_publication(session, world, Publication.NETWERK)
    page = client_for(world["outsider"]).get("/").get_data(as_text=True)
    assert "Gepubliceerde gemeenteportretten" in page and f'href="{world["public"]}"' in page
    assert "Deventer" in page and "Ronde Oost" in page


# --- errata ---------------------------------------------------------------------------------------------


def erratum_url(world, section="visie"):
    return f"{world['base']}/portret/erratum/{section}"


def test_an_erratum_is_a_new_numbered_version_and_the_earlier_one_stays_downloadable(
    client_for, session, world, run_jobs
):
    before = portret_services.version(session, portret(session, world), world["adopted"])
    content, checksum = before.content, before.checksum
    lead = client_for(world["lead"])
    assert lead.get(erratum_url(world)).status_code == 200
    refused = lead.post_form(erratum_url(world), {"base": world["adopted"], "title": "Visie", "html": "<p>Nieuw</p>"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Geef de reden van het erratum op" in page and "Nieuw" in page
    response = lead.post_form(
        erratum_url(world),
        {
            "base": world["adopted"],
            "title": "Visie",
            "html": "<p>De visie is in 2023 vastgesteld, niet in 2021.</p>",
            "reason": "Het jaartal van de visie klopte niet.",
        },
    )
    assert response.status_code == 302
    run_jobs()
    item = portret(session, world)
    new = portret_services.version(session, item, item.adopted_version)
    assert new.number == world["adopted"] + 1 and new.kind is VersionKind.ERRATUM
    assert new.erratum_reason == "Het jaartal van de visie klopte niet."
    assert "vastgesteld, niet in 2021" in portret_services.section_of(new.content, "visie")["html"]
    old = portret_services.version(session, item, world["adopted"])
    assert old.content == content and old.checksum == checksum and old.kind is VersionKind.DEFINITIEF
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "portret_erratum"))
    coordinator = client_for(world["coordinator"])
    shown = coordinator.get(f"{world['base']}/portret").get_data(as_text=True)
    assert "Het jaartal van de visie klopte niet." in shown and f"versie={world['adopted']}" in shown
    for number in (world["adopted"], new.number):
        pdf = coordinator.get(f"{world['public']}/pdf?versie={number}")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF"), number


def test_only_the_lead_and_round_staff_issue_an_erratum(client_for, world):
    for who, status in (("member", 404), ("coordinator", 404), ("outsider", 404), ("staff", 200), ("lead", 200)):
        assert client_for(world[who]).get(erratum_url(world)).status_code == status, who


def test_an_erratum_on_a_stale_base_is_a_conflict(client_for, session, world):
    lead = client_for(world["lead"])
    data = {"base": world["adopted"], "title": "Visie", "html": "<p>Eerste correctie</p>", "reason": "Fout"}
    assert lead.post_form(erratum_url(world), data).status_code == 302
    again = lead.post_form(erratum_url(world), {**data, "html": "<p>Tweede correctie</p>"})
    assert again.status_code == 409
    assert "Eerste correctie" in again.get_data(as_text=True)
    assert portret(session, world).adopted_version == world["adopted"] + 1


def test_after_adoption_no_save_path_adds_a_version_without_an_erratum_reason(app, session, world):
    item = portret(session, world)
    lead = session.merge(world["lead"])
    with app.test_request_context(), pytest.raises(portret_services.PortretError, match="definitief"):
        portret_services.save_section(session, lead, item, "visie", world["adopted"], "Visie", "<p>Stilletjes</p>")
    session.rollback()
    with app.test_request_context(), pytest.raises(portret_services.PortretError, match="definitief"):
        portret_services.generate(session, portret(session, world), lead)
    session.rollback()
    assert session.scalar(select(PortretVersion.number).order_by(PortretVersion.number.desc())) == world["adopted"]


# --- the next step -------------------------------------------------------------------------------------------


def test_the_next_step_follows_the_portret_through_its_states(client_for, session, world):
    item, visitatie = portret(session, world), session.get(Visitatie, world["visitatie"].id)
    item.adopted_version = item.adopted_at = None
    item.proposed_version = None
    item.feedback_deadline = datetime(2099, 12, 14, 17, 0, tzinfo=UTC)
    visitatie.state = VisitatieState.PORTRET_CONCEPT
    session.commit()
    overview = f"{world['base']}"
    page = client_for(world["writer"]).get(overview).get_data(as_text=True)
    assert "Reageer vóór 14 december 2099 op het concept" in page
    assert 'aria-current="step"' in page and "Conceptportret" in page
    assert "Reageer vóór" not in client_for(world["lead"]).get(f"{world['base']}/portret").get_data(as_text=True)

    item = portret(session, world)
    item.proposed_version = 1
    session.get(Visitatie, world["visitatie"].id).state = VisitatieState.REFLECTIE
    session.commit()
    assert "Stel het portret vast" in client_for(world["coordinator"]).get(overview).get_data(as_text=True)
    assert "Stel het portret vast" not in client_for(world["writer"]).get(overview).get_data(as_text=True)

    item = portret(session, world)
    item.adopted_version, item.adopted_at = 1, datetime.now(UTC)
    session.get(Visitatie, world["visitatie"].id).state = VisitatieState.DEFINITIEF
    session.commit()
    page = client_for(world["coordinator"]).get(f"{world['base']}/portret").get_data(as_text=True)
    assert "Kies wie het portret mag lezen" in page
    choose(client_for, world, "netwerk")
    assert "Kies wie het portret mag lezen" not in client_for(world["coordinator"]).get(overview).get_data(as_text=True)
