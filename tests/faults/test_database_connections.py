"""Database connections terminated (a PostgreSQL restart, a failover, an idle-connection reaper):
the next request gets a fresh connection (pool_pre_ping), and a request whose connection dies
half-way commits nothing."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from peerreview.accounts.models import Invitation, MembershipRole
from peerreview.audit.models import AuditEvent
from peerreview.jobs import JobOutbox
from peerreview.mail.models import OutgoingMail
from tests.conftest import DATABASE_URL

TERMINATE_OTHERS = sa.text(
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
)


@pytest.fixture
def admin():
    """A connection of its own (outside the app's pool) that terminates the others."""
    engine = sa.create_engine(DATABASE_URL, poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()


def terminate_others(admin) -> int:
    with admin.begin() as connection:
        return int(connection.execute(TERMINATE_OTHERS).scalar_one())


def counts(session, email):
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(Invitation).where(Invitation.email == email)),
        session.scalar(select(func.count()).select_from(OutgoingMail).where(OutgoingMail.recipient == email)),
        session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.subject == email)),
    )


def invite(client, email):
    return client.post_form(
        "/gemeenten/deventer/uitnodigen", {"email": email, "role": "contributor"}, token_from="/gemeenten/deventer"
    )


@pytest.fixture
def coordinator_client(make, client_for):
    deventer = make.gemeente("Deventer")
    return client_for(make.user(gemeente=deventer, role=MembershipRole.COORDINATOR))


def test_the_next_request_recovers_after_the_pooled_connections_were_terminated(
    app, session, admin, coordinator_client
):
    assert coordinator_client.get("/gemeenten/deventer").status_code == 200  # the pool holds a connection now
    session.close()
    assert terminate_others(admin) >= 1
    assert coordinator_client.get("/gemeenten/deventer").status_code == 200
    assert invite(coordinator_client, "na@deventer.nl").status_code == 302
    assert counts(session, "na@deventer.nl") == (1, 1, 1)


def test_a_request_whose_connection_dies_half_way_writes_nothing(app, session, admin, coordinator_client, monkeypatch):
    from peerreview.mail import services as mail

    real_send = mail.send

    def send_then_lose_the_connection(s, *args, **kwargs):
        message = real_send(s, *args, **kwargs)  # invitation, audit event, mail and job row are flushed
        pid = s.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        with admin.begin() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return message

    monkeypatch.setattr(mail, "send", send_then_lose_the_connection)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert invite(coordinator_client, "half@deventer.nl").status_code == 500
    assert counts(session, "half@deventer.nl") == (0, 0, 0)
    assert session.scalar(select(func.count()).select_from(JobOutbox)) == 0

    monkeypatch.setattr(mail, "send", real_send)
    assert invite(coordinator_client, "half@deventer.nl").status_code == 302  # the user tries again: it works
    assert counts(session, "half@deventer.nl") == (1, 1, 1)


def test_under_load_every_invitation_is_stored_whole_or_not_at_all(app, session, admin, make, client_for):
    """Four clients invite while another connection keeps terminating the app's connections."""
    deventer = make.gemeente("Deventer")
    users = [make.user(f"coord{i}@deventer.nl", gemeente=deventer, role=MembershipRole.COORDINATOR) for i in range(4)]
    session.close()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    stop = threading.Event()
    answers: dict[str, int] = {}

    def killer():
        while not stop.wait(0.2):
            terminate_others(admin)

    def inviter(user, n):
        client = client_for(user)
        for i in range(n):
            email = f"u{user.id}-{i}@deventer.nl"
            try:
                answers[email] = invite(client, email).status_code
            except sa.exc.DBAPIError:  # the error page lost its connection too: the server answers a bare 500
                answers[email] = 500
            except AssertionError:  # the form page itself failed (500), so there was no CSRF token to post with
                answers[email] = 500

    threads = [threading.Thread(target=inviter, args=(user, 5)) for user in users]
    reaper = threading.Thread(target=killer)
    reaper.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    stop.set()
    reaper.join()
    assert len(answers) == 20 and set(answers.values()) <= {302, 500}, answers
    for email, status in answers.items():
        stored = counts(session, email)
        # an acknowledged invitation is stored whole; a failed one whole or not at all (the commit may
        # have gone through just before the connection died), never in part
        assert stored == (1, 1, 1) if status == 302 else stored in ((0, 0, 0), (1, 1, 1)), (email, status, stored)
    invitations = session.scalar(select(func.count()).select_from(Invitation))
    assert session.scalar(select(func.count()).select_from(JobOutbox)) == invitations  # one mail job each
    assert invite(client_for(users[0]), "after@deventer.nl").status_code == 302  # and it recovers
