"""Invitations, password reset, memberships and network roles."""

import re
from datetime import timedelta

from sqlalchemy import select

from peerreview.accounts.models import Invitation, Membership, MembershipRole, NetworkRole, User
from peerreview.audit.models import AuditEvent
from peerreview.mail.models import OutgoingMail
from tests.factories import PASSWORD


def last_mail(session, to):
    session.expire_all()
    mail = session.scalars(
        select(OutgoingMail).where(OutgoingMail.recipient == to).order_by(OutgoingMail.id.desc())
    ).first()
    assert mail is not None, f"no mail to {to}"
    return mail


def flashed(response):
    return re.findall(r'<p class="flash flash-(\w+)"[^>]*>(.*?)</p>', response.get_data(as_text=True), re.S)


def link_in(mail, path):
    match = re.search(rf"http://localhost({path}/[\w\-.]+)", mail.body_text)
    assert match, mail.body_text
    return match.group(1)


def test_coordinator_invites_a_colleague_who_creates_an_account(app, client, client_for, make, session, run_jobs):
    deventer = make.gemeente("Deventer")
    coordinator = make.user(gemeente=deventer, role=MembershipRole.COORDINATOR, name="Carlijn Claessen")
    response = client_for(coordinator).post_form(
        "/gemeenten/deventer/uitnodigen",
        {"email": "nieuw@deventer.nl", "role": "contributor"},
        token_from="/gemeenten/deventer",
    )
    assert response.status_code == 302
    run_jobs()
    mail = last_mail(session, "nieuw@deventer.nl")
    assert mail.sent_at is not None
    assert "Carlijn Claessen nodigt je uit als invuller bij Deventer" in mail.body_text
    assert "<a href=" in mail.body_html
    link = link_in(mail, "/uitnodiging")

    page = client.get(link)
    assert "Maak je account aan voor nieuw@deventer.nl" in page.get_data(as_text=True)
    weak = client.post_form(link, {"name": "Daan Dijkhof", "password": "kort", "confirm": "kort"})
    assert "minstens 12 tekens" in weak.get_data(as_text=True)
    assert 'value="Daan Dijkhof"' in weak.get_data(as_text=True)  # nothing typed is lost
    done = client.post_form(
        link, {"name": "Daan Dijkhof", "password": "lange zin als wachtwoord", "confirm": "lange zin als wachtwoord"}
    )
    assert done.status_code == 302
    assert "Goedendag, Daan" in client.get("/").get_data(as_text=True)

    user = session.scalar(select(User).where(User.email == "nieuw@deventer.nl"))
    assert user.role_in(deventer.id) is MembershipRole.CONTRIBUTOR
    assert client.get(link).status_code == 404  # used once
    actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["invitation_sent", "invitation_accepted"]


def test_invitation_for_an_existing_account_asks_to_log_in_first(client, client_for, make, session):
    deventer, zwolle = make.gemeente("Deventer"), make.gemeente("Zwolle")
    coordinator = make.user(gemeente=deventer, role=MembershipRole.COORDINATOR)
    existing = make.user("bestaand@example.nl", gemeente=zwolle)
    client_for(coordinator).post_form(
        "/gemeenten/deventer/uitnodigen",
        {"email": "bestaand@example.nl", "role": "viewer"},
        token_from="/gemeenten/deventer",
    )
    link = link_in(last_mail(session, "bestaand@example.nl"), "/uitnodiging")
    assert "Log in met dat account" in client.get(link).get_data(as_text=True)
    client.post_form("/inloggen", {"email": "bestaand@example.nl", "password": PASSWORD})
    assert "Uitnodiging accepteren" in client.get(link).get_data(as_text=True)
    assert client.post_form(link).status_code == 302
    session.expire_all()
    assert session.get(User, existing.id).role_in(deventer.id) is MembershipRole.VIEWER


def test_expired_and_revoked_invitations_do_not_work(client, client_for, make, session):
    deventer = make.gemeente("Deventer")
    coordinator = make.user(gemeente=deventer, role=MembershipRole.COORDINATOR)
    coordinator_client = client_for(coordinator)
    coordinator_client.post_form(
        "/gemeenten/deventer/uitnodigen", {"email": "a@example.nl", "role": "viewer"}, token_from="/gemeenten/deventer"
    )
    link = link_in(last_mail(session, "a@example.nl"), "/uitnodiging")
    invitation = session.scalar(select(Invitation))
    invitation.expires_at -= timedelta(days=15)
    session.commit()
    response = client.get(link)
    assert response.status_code == 404
    assert "niet (meer) geldig" in response.get_data(as_text=True)

    coordinator_client.post_form(
        "/gemeenten/deventer/uitnodigen", {"email": "b@example.nl", "role": "viewer"}, token_from="/gemeenten/deventer"
    )
    second = session.scalars(select(Invitation).where(Invitation.email == "b@example.nl")).one()
    coordinator_client.post_form(
        f"/gemeenten/deventer/uitnodigingen/{second.id}/intrekken", token_from="/gemeenten/deventer"
    )
    assert client.get(link_in(last_mail(session, "b@example.nl"), "/uitnodiging")).status_code == 404


def test_invalid_invitation_form_is_shown_again_with_the_input(client_for, make):
    deventer = make.gemeente("Deventer")
    coordinator = make.user(gemeente=deventer, role=MembershipRole.COORDINATOR)
    response = client_for(coordinator).post_form(
        "/gemeenten/deventer/uitnodigen", {"email": "geen-adres", "role": "viewer"}, token_from="/gemeenten/deventer"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vul een geldig e-mailadres in" in html
    assert 'value="geen-adres"' in html


def test_inviting_someone_who_is_already_a_member_is_refused(client_for, make):
    deventer = make.gemeente("Deventer")
    coordinator = make.user(gemeente=deventer, role=MembershipRole.COORDINATOR)
    make.user("lid@example.nl", gemeente=deventer)
    response = client_for(coordinator).post_form(
        "/gemeenten/deventer/uitnodigen",
        {"email": "lid@example.nl", "role": "viewer"},
        token_from="/gemeenten/deventer",
    )
    assert "is al lid van Deventer" in response.get_data(as_text=True)


def test_only_coordinators_of_the_gemeente_manage_members(client_for, make):
    deventer, zwolle = make.gemeente("Deventer"), make.gemeente("Zwolle")
    contributor = make.user(gemeente=deventer, role=MembershipRole.CONTRIBUTOR)
    other_coordinator = make.user(gemeente=zwolle, role=MembershipRole.COORDINATOR)
    for user in (contributor, other_coordinator):
        client = client_for(user)
        token = client.csrf("/account")
        response = client.post(
            "/gemeenten/deventer/uitnodigen", data={"csrf_token": token, "email": "x@example.nl", "role": "coordinator"}
        )
        assert response.status_code == 404
    page = client_for(contributor).get("/gemeenten/deventer").get_data(as_text=True)
    assert "Collega uitnodigen" not in page
    coordinator = client_for(make.user(gemeente=deventer, role=MembershipRole.COORDINATOR))
    assert "Collega uitnodigen" in coordinator.get("/gemeenten/deventer").get_data(as_text=True)
    response = coordinator.post_form(
        "/gemeenten/deventer/uitnodigen", {"email": "x@example.nl", "role": "coordinator"}, token_from="/account"
    )
    assert response.status_code == 302


def test_roles_change_but_a_gemeente_keeps_a_coordinator(client_for, make, session):
    deventer = make.gemeente("Deventer")
    coordinator = make.user(gemeente=deventer, role=MembershipRole.COORDINATOR)
    colleague = make.user(gemeente=deventer)
    client = client_for(coordinator)
    own = session.scalar(select(Membership).where(Membership.user_id == coordinator.id))
    other = session.scalar(select(Membership).where(Membership.user_id == colleague.id))

    refused = client.post_form(
        f"/gemeenten/deventer/leden/{own.id}/rol",
        {"role": "viewer"},
        token_from="/gemeenten/deventer",
        follow_redirects=True,
    )
    assert "altijd minstens één coördinator" in refused.get_data(as_text=True)
    client.post_form(
        f"/gemeenten/deventer/leden/{other.id}/rol", {"role": "coordinator"}, token_from="/gemeenten/deventer"
    )
    client.post_form(f"/gemeenten/deventer/leden/{own.id}/rol", {"role": "viewer"}, token_from="/gemeenten/deventer")
    session.expire_all()
    assert session.get(Membership, own.id).role is MembershipRole.VIEWER
    assert session.get(Membership, other.id).role is MembershipRole.COORDINATOR
    changes = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "role_changed").order_by(AuditEvent.id)
    ).all()
    assert [(e.details["old"], e.details["new"]) for e in changes] == [
        ("contributor", "coordinator"),
        ("coordinator", "viewer"),
    ]


def test_admin_invites_for_a_network_role_and_grants_roles(client, client_for, make, session):
    admin = make.user(network_role=NetworkRole.ADMIN)
    admin_client = client_for(admin)
    response = admin_client.post_form(
        "/beheer/uitnodigen/netwerk",
        {"email": "analist@example.nl", "role": "analyst"},
        token_from="/beheer/gebruikers",
    )
    assert response.status_code == 302
    link = link_in(last_mail(session, "analist@example.nl"), "/uitnodiging")
    client.post_form(
        link, {"name": "Priya Postma", "password": "lange zin als wachtwoord", "confirm": "lange zin als wachtwoord"}
    )
    analyst = session.scalar(select(User).where(User.email == "analist@example.nl"))
    assert analyst.has_network_role(NetworkRole.ANALYST)
    # a new network member must set up two-factor login before anything else
    assert client.get("/").headers["Location"].endswith("/account/tweestaps")

    admin_client.post_form(f"/beheer/gebruikers/{analyst.id}/rollen/round_coordinator", token_from="/beheer/gebruikers")
    session.expire_all()
    assert session.get(User, analyst.id).network_role_set == {NetworkRole.ANALYST, NetworkRole.ROUND_COORDINATOR}
    refused = admin_client.post_form(
        f"/beheer/gebruikers/{admin.id}/rollen/admin", token_from="/beheer/gebruikers", follow_redirects=True
    )
    assert "eigen beheerdersrol niet intrekken" in refused.get_data(as_text=True)


def test_admin_invites_for_a_gemeente_they_do_not_belong_to(client_for, make, session):
    make.gemeente("Emmen")
    admin = make.user(network_role=NetworkRole.ADMIN)
    response = client_for(admin).post_form(
        "/beheer/uitnodigen/gemeente",
        {"email": "coord@emmen.nl", "gemeente": "emmen", "role": "coordinator"},
        token_from="/beheer/gebruikers",
    )
    assert response.status_code == 302
    invitation = session.scalar(select(Invitation))
    assert invitation.membership_role is MembershipRole.COORDINATOR
    assert invitation.gemeente.name == "Emmen"


def test_password_reset(client, make, session):
    make.user("lid@example.nl")
    response = client.post_form("/wachtwoord-vergeten", {"email": "lid@example.nl"}, follow_redirects=True)
    assert "Als dit e-mailadres bij ons bekend is" in response.get_data(as_text=True)
    link = link_in(last_mail(session, "lid@example.nl"), "/wachtwoord-herstellen")
    assert (
        client.post_form(link, {"password": "mijn nieuwe wachtwoord", "confirm": "mijn nieuwe wachtwoord"}).status_code
        == 302
    )
    assert client.get(link).status_code == 404  # works once
    assert (
        client.post_form("/inloggen", {"email": "lid@example.nl", "password": "mijn nieuwe wachtwoord"}).status_code
        == 302
    )


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, make, session):
    make.user("lid@example.nl")
    known = client.post_form("/wachtwoord-vergeten", {"email": "lid@example.nl"}, follow_redirects=True)
    assert [m.recipient for m in session.scalars(select(OutgoingMail))] == ["lid@example.nl"]
    unknown = client.post_form("/wachtwoord-vergeten", {"email": "onbekend@example.nl"}, follow_redirects=True)
    assert "Als dit e-mailadres bij ons bekend is" in unknown.get_data(as_text=True)
    assert (unknown.status_code, unknown.request.path) == (known.status_code, known.request.path)
    assert flashed(known) and flashed(unknown) == flashed(known)
    assert [m.recipient for m in session.scalars(select(OutgoingMail))] == ["lid@example.nl"]


def test_tampered_reset_link_is_refused(client, make, session):
    make.user("lid@example.nl")
    client.post_form("/wachtwoord-vergeten", {"email": "lid@example.nl"})
    link = link_in(last_mail(session, "lid@example.nl"), "/wachtwoord-herstellen")
    assert client.get(link[:-3] + "abc").status_code == 404


def test_admin_searches_users_by_name_email_or_gemeente(client_for, make):
    admin = make.user(network_role=NetworkRole.ADMIN)
    emmen = make.gemeente("Emmen")
    make.user("coord@emmen.nl", gemeente=emmen, name="Yara Terpstra")
    make.user("ander@example.nl", name="Bram Kuipers")
    client = client_for(admin)
    for query in ("terpstra", "COORD@emmen", "Emmen"):
        page = client.get(f"/beheer/gebruikers?zoek={query}").get_data(as_text=True)
        assert "Yara Terpstra" in page and "Bram Kuipers" not in page, query
    assert "Geen gebruikers gevonden." in client.get("/beheer/gebruikers?zoek=niemand").get_data(as_text=True)
