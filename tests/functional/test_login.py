"""Login, logout, rate limits, idle sessions and two-factor login."""

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from peerreview.accounts.models import LoginAttempt, MembershipRole, NetworkRole
from peerreview.audit.models import AuditEvent
from tests.factories import PASSWORD


def login(client, email, password=PASSWORD, **kwargs):
    return client.post_form("/inloggen", {"email": email, "password": password}, **kwargs)


def actions(session):
    session.expire_all()
    return [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_login_and_logout(client, make, session):
    gemeente = make.gemeente("Deventer")
    user = make.user("lid@deventer.nl", gemeente=gemeente, name="Anouk Aalbers")
    response = login(client, "Lid@Deventer.nl ")
    assert response.status_code == 302
    home = client.get("/")
    assert "Goedendag, Anouk" in home.get_data(as_text=True)
    client.post_form("/uitloggen", token_from="/")
    assert client.get("/").status_code == 302  # back to the login page
    assert actions(session) == ["login", "logout"]
    session.refresh(user)
    assert user.last_login_at is not None


def test_wrong_password_gets_a_dutch_message_and_keeps_the_email(client, make, session):
    make.user("lid@example.nl")
    response = login(client, "lid@example.nl", "verkeerd-wachtwoord")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dit e-mailadres en wachtwoord horen niet bij elkaar" in html
    assert 'value="lid@example.nl"' in html
    assert actions(session) == ["login_failed"]


def test_unknown_account_gets_the_same_message(client):
    response = login(client, "niemand@example.nl", "wat-dan-ook-123")
    assert "Dit e-mailadres en wachtwoord horen niet bij elkaar" in response.get_data(as_text=True)


def test_too_many_failures_block_the_account_even_with_the_right_password(client, make, session):
    make.user("lid@example.nl")
    for _ in range(5):
        assert login(client, "lid@example.nl", "fout-fout-fout").status_code == 200
    response = login(client, "lid@example.nl")
    assert response.status_code == 429
    assert "Te veel mislukte inlogpogingen. Wacht 15 minuten" in response.get_data(as_text=True)
    assert "login_blocked" in actions(session)
    # another account from the same address is not blocked by this account's failures
    make.user("ander@example.nl")
    assert login(client, "ander@example.nl").status_code == 302


@pytest.fixture
def config_overrides(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("config_overrides", [{"LOGIN_MAX_FAILURES_PER_ADDRESS": 3}], indirect=True)
def test_too_many_failures_from_one_address_block_that_address(client, make):
    make.user("lid@example.nl")
    for n in range(3):
        login(client, f"poging{n}@example.nl", "fout-fout-fout")
    response = login(client, "lid@example.nl")
    assert response.status_code == 429


def test_old_failures_do_not_count(client, make, session):
    make.user("lid@example.nl")
    for _ in range(5):
        login(client, "lid@example.nl", "fout-fout-fout")
    from datetime import timedelta

    for attempt in session.scalars(select(LoginAttempt)):
        attempt.at -= timedelta(minutes=16)
    session.commit()
    assert login(client, "lid@example.nl").status_code == 302


def test_next_parameter_only_allows_local_paths(client, make):
    make.user("lid@example.nl")
    response = login(client, "lid@example.nl", token_from="/inloggen")
    assert response.headers["Location"] == "/"
    client.post_form("/uitloggen", token_from="/")
    token = client.csrf("/inloggen")
    response = client.post(
        "/inloggen?next=//evil.example/", data={"csrf_token": token, "email": "lid@example.nl", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
    client.post_form("/uitloggen", token_from="/")
    token = client.csrf("/inloggen")
    response = client.post(
        "/inloggen?next=/account", data={"csrf_token": token, "email": "lid@example.nl", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/account"  # a local path is followed


@pytest.mark.parametrize("config_overrides", [{"IDLE_TIMEOUT_MINUTES": 30}], indirect=True)
def test_session_ends_after_inactivity(client_for, make):
    user = make.user()
    client = client_for(user)
    assert client.get("/").status_code == 200
    with client.session_transaction() as sess:
        sess["last_seen"] = int(time.time()) - 31 * 60
    response = client.get("/account")
    assert response.status_code == 302
    assert "/inloggen" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "niet actief en bent daarom uitgelogd" in page
    assert client.get("/account").status_code == 302


def test_inactive_user_cannot_log_in(client, make):
    make.user("weg@example.nl", active=False)
    assert login(client, "weg@example.nl").status_code == 200


def test_changing_the_password_ends_other_sessions(client, client_for, make):
    user = make.user("lid@example.nl")
    other_device = client_for(user)
    assert other_device.get("/").status_code == 200
    login(client, "lid@example.nl")
    response = client.post_form(
        "/account",
        {"current": PASSWORD, "password": "een nieuw lang wachtwoord", "confirm": "een nieuw lang wachtwoord"},
    )
    assert response.status_code == 302
    assert other_device.get("/").status_code == 302  # logged out
    assert client.get("/").status_code == 200  # this session continues


def test_weak_new_password_is_refused_with_a_reason(client, make):
    make.user("lid@example.nl")
    login(client, "lid@example.nl")
    response = client.post_form("/account", {"current": PASSWORD, "password": "kort", "confirm": "kort"})
    assert "Kies een wachtwoord van minstens 12 tekens." in response.get_data(as_text=True)


# --- two-factor login ------------------------------------------------------------------------------


def enrol(client, session, user):
    page = client.get("/account/tweestaps").get_data(as_text=True)
    assert "<svg" in page  # the QR code
    with client.session_transaction() as sess:
        secret = sess["totp_setup"]
    response = client.post_form(
        "/account/tweestaps", {"code": pyotp.TOTP(secret).now()}, token_from="/account/tweestaps"
    )
    html = response.get_data(as_text=True)
    assert "Tweestapsverificatie staat aan" in html
    codes = re.findall(r"<li>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</li>", html)
    session.expire_all()
    return secret, codes


def test_two_factor_enrolment_and_login(client, make, session):
    user = make.user("lid@example.nl")
    login(client, "lid@example.nl")
    secret, codes = enrol(client, session, user)
    assert len(codes) == 10
    client.post_form("/uitloggen", token_from="/")

    response = login(client, "lid@example.nl")
    assert response.headers["Location"].endswith("/inloggen/tweestaps")
    assert client.get("/").status_code == 302  # not logged in yet

    wrong = client.post_form("/inloggen/tweestaps", {"code": "000000"})
    assert "Deze code klopt niet" in wrong.get_data(as_text=True)
    # a code is accepted once: the enrolment code cannot be replayed in the same 30 seconds
    code = pyotp.TOTP(secret).now()
    replay = client.post_form("/inloggen/tweestaps", {"code": code})
    assert replay.status_code == 200
    # the recovery codes work, each once
    ok = client.post_form("/inloggen/tweestaps", {"code": codes[0].upper()})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200
    client.post_form("/uitloggen", token_from="/")
    login(client, "lid@example.nl")
    again = client.post_form("/inloggen/tweestaps", {"code": codes[0]})
    assert again.status_code == 200
    assert "recovery_code_used" in actions(session)


def test_network_roles_must_set_up_two_factor(client, make):
    make.user("analist@example.nl", network_role=NetworkRole.ANALYST, two_factor_exempt=False)
    login(client, "analist@example.nl")
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/tweestaps")
    assert client.get("/account/tweestaps").status_code == 200


def test_gemeente_members_may_skip_two_factor(client, make):
    gemeente = make.gemeente()
    make.user("lid@example.nl", gemeente=gemeente, role=MembershipRole.COORDINATOR, two_factor_exempt=False)
    login(client, "lid@example.nl")
    assert client.get("/").status_code == 200


def test_a_new_reviewer_must_set_up_two_factor_within_minutes(client, make, session):
    from peerreview import SECOND_FACTOR_RECHECK_SECONDS
    from peerreview.review.models import ReviewAssignment, TeamRole

    emmen, deventer = make.gemeente("Emmen"), make.gemeente("Deventer")
    user = make.user("lid@emmen.nl", gemeente=emmen, two_factor_exempt=False)
    login(client, "lid@emmen.nl")
    assert client.get("/").status_code == 200
    visitatie = make.visitatie(deventer)
    session.add(
        ReviewAssignment(gemeente_id=deventer.id, visitatie_id=visitatie.id, user_id=user.id, role=TeamRole.LEAD)
    )
    session.commit()
    assert client.get("/").status_code == 200  # asked a moment ago: not yet again
    with client.session_transaction() as state:
        needed, at = state["second_factor_check"]
        state["second_factor_check"] = [needed, at - SECOND_FACTOR_RECHECK_SECONDS - 1]
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/tweestaps")


def test_second_factor_step_expires(client, make, session):
    make.user("lid@example.nl")
    login(client, "lid@example.nl")
    enrol(client, session, None)
    client.post_form("/uitloggen", token_from="/")
    login(client, "lid@example.nl")
    with client.session_transaction() as sess:
        sess["pending_login"]["at"] -= 600
        sess.modified = True
    response = client.get("/inloggen/tweestaps")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/inloggen")
