"""A TOTP code is accepted once, even when the same code arrives in parallel."""

import threading

import pyotp
import pytest
from sqlalchemy import select

from peerreview.accounts.models import RecoveryCode, User
from tests.conftest import DATABASE_URL
from tests.security._accounts import login

PARALLEL = 8


def with_totp(make, session, email="lid@example.nl"):
    user = make.user(email)
    user.totp_secret = pyotp.random_base32()
    session.commit()
    return user


def pending_logins(app, count, email):
    """``count`` browsers that passed the password step and wait for the code, each from its own address."""
    clients = []
    for n in range(count):
        client = app.test_client()
        address = f"10.0.0.{n + 1}"
        assert login(client, email, address=address).headers["Location"].endswith("/inloggen/tweestaps")
        clients.append((client, address, client.csrf("/inloggen/tweestaps")))
    return clients


def signed_in(client):
    return client.get("/").status_code == 200


@pytest.mark.skipif(not DATABASE_URL, reason="the race needs PostgreSQL (SQLite serialises whole transactions)")
@pytest.mark.real_commits  # parallel requests on their own connections
def test_the_same_code_sent_in_parallel_is_accepted_exactly_once(app, client, make, session):
    user = with_totp(make, session)
    code = pyotp.TOTP(user.totp_secret).now()
    browsers = pending_logins(app, PARALLEL, user.email)
    barrier = threading.Barrier(PARALLEL)
    statuses: list[int] = []

    def verify(browser):
        client, address, token = browser
        barrier.wait()
        response = client.post(
            "/inloggen/tweestaps",
            data={"csrf_token": token, "code": code},
            environ_base={"REMOTE_ADDR": address},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=verify, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(statuses) == PARALLEL
    assert all(status < 500 for status in statuses), statuses
    assert statuses.count(302) == 1, statuses
    assert sum(signed_in(c) for c, _, _ in browsers) == 1


def test_a_used_code_is_refused_on_the_next_login(app, client, make, session):
    user = with_totp(make, session)
    code = pyotp.TOTP(user.totp_secret).now()
    first, second = pending_logins(app, 2, user.email)
    assert first[0].post("/inloggen/tweestaps", data={"csrf_token": first[2], "code": code}).status_code == 302
    response = second[0].post("/inloggen/tweestaps", data={"csrf_token": second[2], "code": code})
    assert response.status_code == 200
    assert "Deze code klopt niet of is al gebruikt" in response.get_data(as_text=True)
    assert signed_in(first[0]) and not signed_in(second[0])
    session.expire_all()
    assert session.get(User, user.id).totp_last_step is not None


def test_an_older_code_after_a_newer_one_is_refused(app, client, make, session):
    user = with_totp(make, session)
    totp = pyotp.TOTP(user.totp_secret)
    import time

    now = time.time()
    newer, older = totp.at(now), totp.at(now - 30)  # the previous step is still inside the drift window
    first, second = pending_logins(app, 2, user.email)
    assert first[0].post("/inloggen/tweestaps", data={"csrf_token": first[2], "code": newer}).status_code == 302
    assert second[0].post("/inloggen/tweestaps", data={"csrf_token": second[2], "code": older}).status_code == 200


def test_a_recovery_code_works_once(app, client, make, session):
    from peerreview.accounts import services

    user = with_totp(make, session)
    codes = services.replace_recovery_codes(session, session.get(User, user.id))
    session.commit()
    first, second = pending_logins(app, 2, user.email)
    assert first[0].post("/inloggen/tweestaps", data={"csrf_token": first[2], "code": codes[3]}).status_code == 302
    assert second[0].post("/inloggen/tweestaps", data={"csrf_token": second[2], "code": codes[3]}).status_code == 200
    session.expire_all()
    used = session.scalars(select(RecoveryCode).where(RecoveryCode.used_at.is_not(None))).all()
    assert len(used) == 1
