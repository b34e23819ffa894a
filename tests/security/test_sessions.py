"""Logout, password change and blocking end every session of the user, copied cookies included."""

from sqlalchemy import select

from peerreview.accounts.models import NetworkRole, User
from peerreview.audit.models import AuditEvent
from tests.factories import PASSWORD
from tests.security._accounts import login

COOKIE = "peerreview_session"


def copy_cookie(source, target):
    """What an attacker who copied the session cookie holds: the same cookie in another browser."""
    target.set_cookie(COOKIE, source.get_cookie(COOKIE).value, domain="localhost")
    return target


def test_a_copied_session_cookie_stops_working_after_logout(app, client, make):
    gemeente = make.gemeente("Deventer")
    make.user("lid@deventer.nl", gemeente=gemeente)
    assert login(client, "lid@deventer.nl").status_code == 302
    thief = copy_cookie(client, app.test_client())
    assert thief.get(f"/gemeenten/{gemeente.slug}").status_code == 200
    assert client.post_form("/uitloggen", token_from="/").status_code == 302
    response = thief.get(f"/gemeenten/{gemeente.slug}")
    assert response.status_code == 302
    assert "/inloggen" in response.headers["Location"]


def test_logout_ends_the_sessions_on_other_devices_too(client, client_for, make):
    user = make.user("lid@example.nl")
    other_device = client_for(user)
    assert other_device.get("/").status_code == 200
    login(client, "lid@example.nl")
    client.post_form("/uitloggen", token_from="/")
    assert other_device.get("/").status_code == 302


def test_logging_in_again_after_logout_works(client, make):
    make.user("lid@example.nl")
    login(client, "lid@example.nl")
    client.post_form("/uitloggen", token_from="/")
    assert login(client, "lid@example.nl").status_code == 302
    assert client.get("/").status_code == 200


def test_logout_needs_a_post_with_a_csrf_token(client, make):
    make.user("lid@example.nl")
    login(client, "lid@example.nl")
    assert client.get("/uitloggen").status_code == 405
    assert client.post("/uitloggen").status_code == 400
    assert client.get("/").status_code == 200  # still logged in


def test_a_copied_cookie_stops_working_after_a_password_change(app, client, make):
    make.user("lid@example.nl")
    login(client, "lid@example.nl")
    thief = copy_cookie(client, app.test_client())
    assert thief.get("/").status_code == 200
    new = "paarse olifanten dansen samba"
    assert client.post_form("/account", {"current": PASSWORD, "password": new, "confirm": new}).status_code == 302
    assert thief.get("/").status_code == 302
    assert client.get("/").status_code == 200  # the session that changed it goes on


def test_blocking_a_user_ends_every_session_and_refuses_login(app, client, client_for, make, session):
    admin = make.user("beheer@example.nl", network_role=NetworkRole.ADMIN)
    user = make.user("lid@example.nl")
    login(client, "lid@example.nl")
    thief = copy_cookie(client, app.test_client())
    admin_client = client_for(admin)
    response = admin_client.post_form(f"/beheer/gebruikers/{user.id}/blokkeren", token_from="/beheer/gebruikers")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert thief.get("/").status_code == 302
    assert login(app.test_client(), "lid@example.nl").status_code == 200  # refused: the form again
    session.expire_all()
    assert session.get(User, user.id).active is False
    assert "user_blocked" in session.scalars(select(AuditEvent.action)).all()
    # unblocking lets the user log in again
    admin_client.post_form(f"/beheer/gebruikers/{user.id}/blokkeren", token_from="/beheer/gebruikers")
    assert login(app.test_client(), "lid@example.nl").status_code == 302


def test_an_admin_cannot_block_themselves(client_for, make, session):
    admin = make.user("beheer@example.nl", network_role=NetworkRole.ADMIN)
    admin_client = client_for(admin)
    response = admin_client.post_form(
        f"/beheer/gebruikers/{admin.id}/blokkeren", token_from="/beheer/gebruikers", follow_redirects=True
    )
    assert "Je kunt je eigen account niet blokkeren" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, admin.id).active is True


def test_only_admins_may_block(client_for, make, session):
    user = make.user("lid@example.nl")
    other = make.user("ander@example.nl")
    response = client_for(user).post_form(f"/beheer/gebruikers/{other.id}/blokkeren", token_from="/")
    assert response.status_code == 404
    session.expire_all()
    assert session.get(User, other.id).active is True


def test_pages_name_the_signed_in_user_for_the_draft_storage_key(client, make):
    """Unsaved drafts in localStorage are keyed by this id (static/app.js draftKey)."""
    user = make.user("lid@example.nl")
    login(client, "lid@example.nl")
    html = client.get("/").get_data(as_text=True)
    assert f'<body data-user="{user.id}">' in html
    assert "data-clear-drafts" in html  # the logout form clears the drafts
    client.post_form("/uitloggen", token_from="/")
    assert "data-user" not in client.get("/inloggen").get_data(as_text=True)
