"""The read-only share of the verbeteragenda: a council member (MembershipRole.RAAD) sees only its own
gemeente's agenda and definitive portret; an expiring, revocable link opens the same and nothing else
(410 with a Dutch page once expired or revoked, 404 for an unknown token); everything is audit-logged."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from peerreview.accounts.models import MembershipRole
from peerreview.agenda.report_models import ShareLink
from peerreview.audit.models import AuditEvent
from peerreview.db import utcnow
from tests.functional.agenda_world import agenda_world


@pytest.fixture
def world(app, session, make):
    w = agenda_world(app, session, make)
    deventer = w["visitatie"].gemeente
    w["council"] = make.user("raad@deventer.nl", gemeente=deventer, role=MembershipRole.RAAD)
    zwolle = w["outsider"].memberships[0].gemeente
    w["zwolle_council"] = make.user("raad@zwolle.nl", gemeente=zwolle, role=MembershipRole.RAAD)
    return w


def test_a_council_member_reads_the_agenda_and_the_definitive_portret(client_for, world):
    client = client_for(world["council"])
    report = client.get(f"{world['agenda_base']}/stand-van-zaken/{world['autumn'].id}")
    assert report.status_code == 200
    assert "Het mandaat van de toegang verbreden" in report.get_data(as_text=True)
    assert client.get(f"{world['agenda_base']}/stand-van-zaken/{world['autumn'].id}/docx").status_code == 200
    assert client.get(world["public"]).status_code == 200  # the definitive portret, published to nobody
    home = client.get("/").get_data(as_text=True)
    assert f"{world['agenda_base']}/rapportage" in home and world["public"] in home


def test_a_council_member_sees_nothing_else_of_the_gemeente(client_for, world):
    client = client_for(world["council"])
    base = world["base"]
    for url in (
        base,
        f"{base}/zelfevaluatie",
        f"{base}/zelfevaluatie/lezen",
        f"{base}/review",
        f"{base}/portret",
        f"{base}/reacties",
        f"{base}/reflectiesessie",
        f"{base}/visitatie",
        "/gemeenten/deventer",
        "/netwerk/",
        "/netwerk/verbeteragendas",
    ):
        assert client.get(url).status_code == 404, url
    # read-only: no link, no publication choice
    assert (
        client.post_form(
            f"{world['agenda_base']}/leeslinks", {"label": "Raad", "expires_on": "2027-01-01"}, token_from="/account"
        ).status_code
        == 404
    )
    page = client.get(f"{world['agenda_base']}/rapportage").get_data(as_text=True)
    assert "Nieuwe leeslink" not in page and "Delen met het landelijk netwerk" not in page


def test_a_council_member_of_another_gemeente_gets_404(client_for, world):
    client = client_for(world["zwolle_council"])
    assert client.get(f"{world['agenda_base']}/rapportage").status_code == 404
    assert client.get(f"{world['agenda_base']}/stand-van-zaken/{world['autumn'].id}").status_code == 404
    assert client.get(world["public"]).status_code == 404


def test_the_council_role_gets_no_mail_meant_for_members(app, session, world):
    from peerreview.reflectiesessie.services import recipients

    with app.test_request_context():
        people = recipients(session, session.merge(world["visitatie"]))
    assert world["council"].email not in {p.email for p in people}


def _make_link(client, world, label="Gemeenteraad", days=30):
    expires = (utcnow() + timedelta(days=days)).date().isoformat()
    response = client.post_form(
        f"{world['agenda_base']}/leeslinks",
        {"label": label, "expires_on": expires},
        token_from=f"{world['agenda_base']}/rapportage",
    )
    assert response.status_code == 200
    match = re.search(r'value="(http[^"]+/verbeteragenda/gedeeld/[^"]+)"', response.get_data(as_text=True))
    assert match, "the new link is shown once"
    return match.group(1).split("localhost", 1)[1]


def test_a_share_link_opens_the_agenda_and_the_portret_and_nothing_else(client, client_for, session, world):
    url = _make_link(client_for(world["coordinator"]), world)
    page = client.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Het mandaat van de toegang verbreden" in text and "Leeslink voor Gemeenteraad" in text
    assert client.get(f"{url}/portret").status_code == 200
    # the token is no key to anything else
    assert client.get(f"{world['base']}/zelfevaluatie").status_code in (302, 404)
    assert client.get(f"{world['agenda_base']}/rapportage").status_code in (302, 404)
    assert client.get(world["public"]).status_code == 404
    stored = session.scalars(select(ShareLink)).one()
    assert stored.token_hash not in url and url.rsplit("/", 1)[1] not in stored.token_hash
    actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert "agenda_share_created" in actions
    assert actions.count("agenda_share_used") == 2
    listing = client_for(world["coordinator"]).get(f"{world['agenda_base']}/rapportage").get_data(as_text=True)
    assert "Gemeenteraad" in listing and "Werkt" in listing


def test_a_revoked_link_answers_410_with_a_dutch_page_and_an_unknown_one_404(client, client_for, session, world):
    coordinator = client_for(world["coordinator"])
    url = _make_link(coordinator, world)
    link = session.scalars(select(ShareLink)).one()
    revoke = coordinator.post_form(
        f"{world['agenda_base']}/leeslinks/{link.id}/intrekken", token_from=f"{world['agenda_base']}/rapportage"
    )
    assert revoke.status_code == 302
    gone = client.get(url)
    assert gone.status_code == 410
    assert "De gemeente heeft deze link ingetrokken." in gone.get_data(as_text=True)
    assert client.get(f"{url}/portret").status_code == 410
    assert client.get(url[:-4] + "abcd").status_code == 404
    assert client.get("/verbeteragenda/gedeeld/" + "x" * 300).status_code == 404
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "agenda_share_revoked")).one()


def test_an_expired_link_answers_410(client, client_for, session, world):
    url = _make_link(client_for(world["coordinator"]), world)
    link = session.scalars(select(ShareLink)).one()
    link.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    response = client.get(url)
    assert response.status_code == 410 and "Deze link was geldig tot" in response.get_data(as_text=True)


def test_only_the_coordinator_makes_links_and_within_a_year(client_for, session, world):
    for who in ("writer", "lead", "staff", "outsider"):
        response = client_for(world[who]).post_form(
            f"{world['agenda_base']}/leeslinks", {"label": "Raad", "expires_on": "2027-01-01"}, token_from="/account"
        )
        assert response.status_code == 404, who
    coordinator = client_for(world["coordinator"])
    too_long = (utcnow() + timedelta(days=400)).date().isoformat()
    response = coordinator.post_form(
        f"{world['agenda_base']}/leeslinks",
        {"label": "Raad", "expires_on": too_long},
        token_from=f"{world['agenda_base']}/rapportage",
    )
    assert response.status_code == 422 and "hoogstens een jaar" in response.get_data(as_text=True)
    assert session.scalars(select(ShareLink)).all() == []


def test_the_coordinator_publishes_the_agenda_to_the_network_and_it_is_logged(client_for, session, world):
    coordinator = client_for(world["coordinator"])
    response = coordinator.post_form(
        f"{world['agenda_base']}/netwerk", {"published": "ja"}, token_from=f"{world['agenda_base']}/rapportage"
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(type(world["agenda"]), world["agenda"].id).published is True
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "agenda_published_set")).one()
    assert event.details["published"] is True
    assert (
        client_for(world["writer"])
        .post_form(f"{world['agenda_base']}/netwerk", {"published": "nee"}, token_from="/account")
        .status_code
        == 404
    )


def test_the_coordinator_invites_and_assigns_the_council_role(client_for, session, world):
    from peerreview.accounts.models import Invitation, Membership

    coordinator = client_for(world["coordinator"])
    invited = coordinator.post_form(
        "/gemeenten/deventer/uitnodigen",
        {"email": "rekenkamer@deventer.nl", "role": "raad"},
        token_from="/gemeenten/deventer",
    )
    assert invited.status_code == 302
    invitation = session.scalars(select(Invitation).where(Invitation.email == "rekenkamer@deventer.nl")).one()
    assert invitation.membership_role is MembershipRole.RAAD
    writer = session.scalars(select(Membership).where(Membership.user_id == world["writer"].id)).one()
    changed = coordinator.post_form(
        f"/gemeenten/deventer/leden/{writer.id}/rol", {"role": "raad"}, token_from="/gemeenten/deventer"
    )
    assert changed.status_code == 302
    as_council = client_for(world["writer"])
    assert as_council.get(f"{world['base']}/zelfevaluatie").status_code == 404
    assert as_council.get(f"{world['agenda_base']}/rapportage").status_code == 200
    assert "Raadslid of rekenkamer" in coordinator.get("/gemeenten/deventer").get_data(as_text=True)


def test_a_council_member_cannot_own_a_part(app, session, world):
    from peerreview.agenda import services

    with app.test_request_context():
        owners = services.members(session, world["visitatie"].gemeente_id)
    assert world["council"].id not in {u.id for u in owners} and world["writer"].id in {u.id for u in owners}
