"""Redis unreachable while a request queues work: the request succeeds, its jobs wait in the outbox,
and once Redis is back the dispatcher hands each over exactly once."""

from __future__ import annotations

from sqlalchemy import func, select

from peerreview.accounts.models import Invitation, MembershipRole, NetworkRole
from peerreview.mail.models import OutgoingMail
from tests.faults.conftest import pending_jobs, queued_on_redis, redis_down


def redis_back_and_dispatch(app, run_jobs) -> int:
    """Redis is back: the dispatcher hands over what waited; a second pass finds nothing left."""
    from peerreview import jobs

    with app.app_context():
        handed = jobs.dispatch()
        assert jobs.dispatch() == 0, "a second dispatcher pass handed over a job again"
    assert queued_on_redis(app) == handed
    run_jobs()
    return handed


def assert_each_mail_sent_once(session, recipients):
    session.expire_all()
    mails = session.scalars(select(OutgoingMail).where(OutgoingMail.recipient.in_(recipients))).all()
    assert sorted(m.recipient for m in mails) == sorted(recipients)  # one row each: no duplicate
    assert all(m.sent_at is not None and m.attempts == 1 for m in mails), [(m.recipient, m.attempts) for m in mails]


def test_an_invitation_succeeds_while_redis_is_down_and_is_mailed_once_when_it_is_back(
    app, make, session, client_for, run_jobs
):
    deventer = make.gemeente("Deventer")
    coordinator = make.user(gemeente=deventer, role=MembershipRole.COORDINATOR)
    client = client_for(coordinator)
    with redis_down(app):
        response = client.post_form(
            "/gemeenten/deventer/uitnodigen",
            {"email": "nieuw@deventer.nl", "role": "contributor"},
            token_from="/gemeenten/deventer",
        )
        assert response.status_code == 302
        waiting = pending_jobs(session)
        assert [j.function for j in waiting] == ["peerreview.mail.tasks:deliver_mail"]
        assert waiting[0].last_error.startswith("Redis:")
        assert session.scalar(select(func.count()).select_from(Invitation)) == 1
        assert session.scalar(select(OutgoingMail)).sent_at is None
    assert redis_back_and_dispatch(app, run_jobs) == 1
    assert_each_mail_sent_once(session, ["nieuw@deventer.nl"])
    assert pending_jobs(session) == []


def test_a_password_reset_succeeds_while_redis_is_down_and_is_mailed_once_when_it_is_back(
    app, make, client, session, run_jobs
):
    make.user("lid@example.nl")
    with redis_down(app):
        response = client.post_form("/wachtwoord-vergeten", {"email": "lid@example.nl"}, follow_redirects=True)
        assert response.status_code == 200
        assert len(pending_jobs(session)) == 1
    assert redis_back_and_dispatch(app, run_jobs) == 1
    assert_each_mail_sent_once(session, ["lid@example.nl"])


def test_a_submission_succeeds_while_redis_is_down_and_its_mails_and_pdf_follow_once(
    app, make, session, client_for, run_jobs
):
    from peerreview.selfeval.models import Submission
    from tests.factories import complete_selfeval, start_selfeval

    deventer = make.gemeente("Deventer")
    coordinator = make.user("coord@deventer.nl", gemeente=deventer, role=MembershipRole.COORDINATOR)
    writer = make.user("schrijver@deventer.nl", gemeente=deventer)
    staff = [make.user(f"ronde{i}@netwerk.nl", network_role=NetworkRole.ROUND_COORDINATOR) for i in (1, 2)]
    visitatie = start_selfeval(session, make.visitatie(deventer, make.round("Ronde Oost")))
    complete_selfeval(app, session, visitatie, writer)
    base = f"/visitaties/{visitatie.id}/zelfevaluatie"
    with redis_down(app):
        response = client_for(coordinator).post_form(f"{base}/indienen")
        assert response.status_code == 302
        kinds = sorted(j.function.rsplit(":", 1)[1] for j in pending_jobs(session))
        assert kinds == ["deliver_mail", "deliver_mail", "render_submission_pdf"]
        assert client_for(coordinator).get(f"{base}/pdf").status_code == 202  # waiting, and a GET queues nothing
        assert len(pending_jobs(session)) == 3
    assert redis_back_and_dispatch(app, run_jobs) == 3
    assert_each_mail_sent_once(session, [u.email for u in staff])
    submitted = session.scalar(select(Submission))
    assert submitted.pdf.startswith(b"%PDF") and submitted.pdf_checksum == submitted.checksum
    assert client_for(coordinator).get(f"{base}/pdf").data == submitted.pdf


def test_a_pdf_request_succeeds_while_redis_is_down_and_is_rendered_once_when_it_is_back(
    app, make, session, client_for, run_jobs, monkeypatch
):
    from peerreview import jobs
    from peerreview.portret import tasks
    from peerreview.portret.models import PortretVersion
    from tests.factories import visited

    world = visited(app, session, make)
    with app.app_context():
        jobs.queue("pdf").empty()  # the submission's PDF: not what this test is about
    lead = client_for(world["lead"])
    base = world["base"]
    lead.post_form(f"{base}/portret/genereren", token_from=f"{base}/portret")
    run_jobs()
    renders = []
    real = tasks.render_pdf
    monkeypatch.setattr(tasks, "render_pdf", lambda html: renders.append(1) or real(html))
    with redis_down(app):
        for _ in range(2):  # asked twice, e.g. a double click
            assert lead.post_form(f"{base}/portret/pdf", token_from=f"{base}/portret").status_code == 302
        assert [j.function for j in pending_jobs(session)] == ["peerreview.portret.tasks:render_portret_pdf"]
        assert "De PDF wordt gemaakt" in lead.get(f"{base}/portret/pdf").get_data(as_text=True)
    assert redis_back_and_dispatch(app, run_jobs) == 1
    session.expire_all()
    version = session.scalar(select(PortretVersion))
    assert renders == [1]
    assert lead.get(f"{base}/portret/pdf").data == version.pdf and version.pdf.startswith(b"%PDF")
