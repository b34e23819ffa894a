"""Jobs go out only after the commit that makes their input visible, and run (inline or on rq)."""

from sqlalchemy import select

from peerreview.mail import services as mail
from peerreview.mail.models import OutgoingMail


def test_a_job_runs_after_commit(app, session, run_jobs):
    with app.test_request_context():
        from peerreview import db

        s = db.session()
        mail.send(
            s, "a@example.nl", "Onderwerp", "password_reset", user=type("U", (), {"name": "A"}), link="x", minutes=5
        )
        s.commit()
    assert run_jobs() in (0, 1)  # 1 with an rq worker, 0 when it already ran inline
    delivered = session.scalar(select(OutgoingMail))
    assert delivered.sent_at is not None
    assert delivered.attempts == 1


def test_a_job_is_dropped_on_rollback(app, session, run_jobs):
    with app.test_request_context():
        from peerreview import db

        s = db.session()
        mail.send(
            s, "a@example.nl", "Onderwerp", "password_reset", user=type("U", (), {"name": "A"}), link="x", minutes=5
        )
        assert s.info["outbox"]
        s.rollback()
        assert "outbox" not in s.info
    assert run_jobs() == 0
    assert session.scalars(select(OutgoingMail)).all() == []


def test_delivery_is_idempotent(app, session, run_jobs):
    from peerreview.mail.tasks import deliver_mail

    with app.test_request_context():
        from peerreview import db

        s = db.session()
        message = mail.send(
            s, "a@example.nl", "Onderwerp", "password_reset", user=type("U", (), {"name": "A"}), link="x", minutes=5
        )
        s.commit()
        run_jobs()
        deliver_mail(mail_id=message.id)  # a retry after success does nothing
    assert session.get(OutgoingMail, message.id).attempts == 1


def test_savepoints_neither_send_nor_drop_jobs(app, session, run_jobs):
    """A SAVEPOINT release is no commit, and a rolled-back SAVEPOINT keeps the outer transaction's jobs."""
    from sqlalchemy import text

    with app.test_request_context():
        from peerreview import db

        s = db.session()
        mail.send(
            s, "a@example.nl", "Onderwerp", "password_reset", user=type("U", (), {"name": "A"}), link="x", minutes=5
        )
        with s.begin_nested():
            s.execute(text("SELECT 1"))
        assert s.info["outbox"], "released savepoint must not send the job early"
        nested = s.begin_nested()
        nested.rollback()
        assert s.info["outbox"], "rolled-back savepoint must not drop the outer jobs"
        s.commit()
    run_jobs()
    assert session.scalar(select(OutgoingMail)).sent_at is not None


# --- the transactional outbox ---------------------------------------------------------------------


def send_reset_mail(s):
    return mail.send(
        s, "a@example.nl", "Onderwerp", "password_reset", user=type("U", (), {"name": "A"}), link="x", minutes=5
    )


def test_the_job_row_is_written_in_the_data_transaction_and_rolled_back_with_it(app, session):
    from peerreview import db
    from peerreview.jobs import JobOutbox

    with app.test_request_context():
        s = db.session()
        message = send_reset_mail(s)
        assert s.get(JobOutbox, s.info["outbox"][0]).kwargs == {"mail_id": message.id}
        s.rollback()
    assert session.scalars(select(JobOutbox)).all() == []
    with app.test_request_context():
        s = db.session()
        message = send_reset_mail(s)
        s.commit()
    row = session.scalar(select(JobOutbox))
    assert row.function == "peerreview.mail.tasks:deliver_mail" and row.kwargs == {"mail_id": message.id}
    assert row.dispatched_at is not None  # handed over (or run inline) right after the commit


def test_a_job_marks_its_outbox_row_done_with_its_own_commit(app, session, run_jobs):
    from peerreview import db
    from peerreview.jobs import JobOutbox

    with app.test_request_context():
        s = db.session()
        send_reset_mail(s)
        s.commit()
    run_jobs()
    session.expire_all()
    row = session.scalar(select(JobOutbox))
    assert row.done_at is not None and row.attempts == 1
    assert session.scalar(select(OutgoingMail)).sent_at is not None


def test_a_dedupe_key_queues_the_same_job_once_while_it_waits(app, session):
    from peerreview import db, jobs
    from peerreview.jobs import JobOutbox
    from peerreview.mail.tasks import deliver_mail

    with app.app_context():
        s = db.session()
        first = jobs.enqueue_after_commit(s, deliver_mail, dedupe_key="same-content", mail_id=1)
        second = jobs.enqueue_after_commit(s, deliver_mail, dedupe_key="same-content", mail_id=1)
        other = jobs.enqueue_after_commit(s, deliver_mail, dedupe_key="other-content", mail_id=1)
        assert first.id == second.id != other.id
        assert jobs.status(s, "same-content") == "waiting" and jobs.status(s, "never") is None
        assert first.rq_id == "same-content" and other.rq_id == "other-content"
        s.rollback()
    assert session.scalars(select(JobOutbox)).all() == []


def test_a_stale_job_is_reported_handed_over_again_and_finishes(app, session):
    """A worker killed mid-job leaves its row started with an old heartbeat: the dispatcher runs it again."""
    from datetime import timedelta

    from peerreview import jobs
    from peerreview.db import utcnow
    from peerreview.jobs import JobOutbox

    message = OutgoingMail(recipient="a@example.nl", subject="s", body_text="t", body_html="h")
    session.add(message)
    session.flush()
    long_ago = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 60)
    row = JobOutbox(
        function="peerreview.mail.tasks:deliver_mail",
        kwargs={"mail_id": message.id},
        queue="default",
        dedupe_key="mail-stale",
        rq_job_id="mail-stale",
        dispatched_at=long_ago,
        started_at=long_ago,
        heartbeat_at=long_ago,
        attempts=1,
    )
    session.add(row)
    session.commit()
    with app.app_context():
        from peerreview import db

        assert jobs.status(db.session(), "mail-stale") == "stale"
        assert jobs.recover_stale() == 1
        assert jobs.recover_stale() == 0  # recovered once: it waits for its hand-over now
        assert jobs.dispatch_pass() == (0, 1)  # nothing left to recover, one job handed over
        if not app.config["JOBS_INLINE"]:
            from rq import SimpleWorker

            SimpleWorker([jobs.queue("default")], connection=jobs.redis_connection()).work(burst=True)
    session.expire_all()
    assert session.get(JobOutbox, row.id).done_at is not None
    assert session.get(OutgoingMail, message.id).sent_at is not None


def test_the_dispatch_command_hands_over_what_is_pending(app, session, run_jobs):
    from peerreview.jobs import JobOutbox

    message = OutgoingMail(recipient="a@example.nl", subject="s", body_text="t", body_html="h")
    session.add(message)
    session.flush()
    session.add(
        JobOutbox(function="peerreview.mail.tasks:deliver_mail", kwargs={"mail_id": message.id}, queue="default")
    )
    session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "dispatch", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 opdracht(en) aangeboden" in result.output
    run_jobs()
    session.expire_all()
    assert session.get(OutgoingMail, message.id).sent_at is not None
    again = app.test_cli_runner().invoke(args=["jobs", "dispatch", "--once"])
    assert "0 opdracht(en) aangeboden" in again.output


# --- PDFs: a GET never queues --------------------------------------------------------------------------


def outbox_rows(session, prefix):
    from peerreview.jobs import JobOutbox

    session.expire_all()
    return session.scalars(select(JobOutbox).where(JobOutbox.dedupe_key.like(f"{prefix}%"))).all()


def test_the_portret_pdf_page_queues_nothing_on_get_and_once_on_repeated_posts(
    app, session, make, client_for, run_jobs
):
    from tests.factories import visited

    world = visited(app, session, make)
    lead = client_for(world["lead"])
    base = world["base"]
    assert lead.post_form(f"{base}/portret/genereren", token_from=f"{base}/portret").status_code == 302
    run_jobs()
    for _ in range(3):
        page = lead.get(f"{base}/portret/pdf")
        assert page.status_code == 202
    assert outbox_rows(session, "portret-pdf-") == []
    assert "De PDF van deze versie is nog niet gemaakt." in page.get_data(as_text=True)
    if not app.config["JOBS_INLINE"]:
        for _ in range(2):
            assert lead.post_form(f"{base}/portret/pdf", token_from=f"{base}/portret").status_code == 302
        assert len(outbox_rows(session, "portret-pdf-")) == 1  # the second request found the first waiting
        response = lead.get(f"{base}/portret/pdf")
        waiting = response.get_data(as_text=True)
        assert response.headers["X-Job-State"] == "waiting" and "De PDF wordt gemaakt" in waiting
        # the page does not refresh itself (WCAG 2.2.1); a script asks in the background and opens the PDF
        assert 'http-equiv="refresh"' not in waiting and "pdfwait.js" in waiting and "data-pdf-wait=" in waiting
    else:
        assert lead.post_form(f"{base}/portret/pdf", token_from=f"{base}/portret").status_code == 302
    run_jobs()
    response = lead.get(f"{base}/portret/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert len(outbox_rows(session, "portret-pdf-")) == 1


def test_the_submission_pdf_is_queued_once_at_submission_and_never_by_a_get(app, session, make, client_for, run_jobs):
    from peerreview.selfeval.models import Submission
    from tests.factories import visited

    world = visited(app, session, make)
    coordinator = client_for(world["coordinator"])
    assert len(outbox_rows(session, "submission-pdf-")) == 1  # queued by the submission itself
    submitted = session.scalar(select(Submission))
    if not app.config["JOBS_INLINE"]:
        for _ in range(3):
            assert coordinator.get(f"{world['base']}/zelfevaluatie/pdf").status_code == 202
        assert len(outbox_rows(session, "submission-pdf-")) == 1
    run_jobs()
    response = coordinator.get(f"{world['base']}/zelfevaluatie/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert outbox_rows(session, "submission-pdf-")[0].dedupe_key.endswith(submitted.checksum[:16])


def test_an_interrupted_pdf_render_says_so_and_can_be_restarted(app, session, make, client_for, run_jobs):
    from datetime import timedelta

    from peerreview.db import utcnow
    from peerreview.jobs import JobOutbox
    from peerreview.selfeval.models import Submission
    from tests.factories import visited

    world = visited(app, session, make)
    long_ago = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 60)
    for row in outbox_rows(session, "submission-pdf-"):  # what a worker killed mid-render leaves behind
        row.done_at, row.dispatched_at, row.started_at, row.heartbeat_at = None, long_ago, long_ago, long_ago
    submitted = session.scalar(select(Submission))
    submitted.pdf, submitted.pdf_checksum = None, None
    session.commit()
    coordinator = client_for(world["coordinator"])
    page = coordinator.get(f"{world['base']}/zelfevaluatie/pdf")
    assert page.status_code == 202
    assert "De vorige opdracht is onderbroken; je kunt opnieuw starten." in page.get_data(as_text=True)
    restarted = coordinator.post_form(
        f"{world['base']}/zelfevaluatie/pdf", token_from=f"{world['base']}/zelfevaluatie/lezen"
    )
    assert restarted.status_code == 302
    assert len(outbox_rows(session, "submission-pdf-")) == 2  # a new job; the stale one is left as it was
    run_jobs()
    assert coordinator.get(f"{world['base']}/zelfevaluatie/pdf").data.startswith(b"%PDF")
    assert session.scalars(select(JobOutbox).where(JobOutbox.rq_job_id.like("outbox-%"))).first() is not None


def test_an_interrupted_portret_generation_says_so_and_may_be_started_again(app, session, make, client_for, run_jobs):
    from datetime import timedelta

    from peerreview.db import utcnow
    from peerreview.portret.models import GenerationStatus, Portret
    from tests.factories import visited

    world = visited(app, session, make)
    lead = client_for(world["lead"])
    base = world["base"]
    lead.post_form(f"{base}/portret/genereren", token_from=f"{base}/portret")
    run_jobs()
    # what a worker killed at 35 % leaves behind
    long_ago = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 60)
    (row,) = outbox_rows(session, "portret-draft-")
    row.done_at, row.started_at, row.heartbeat_at = None, long_ago, long_ago
    portret = session.scalar(select(Portret))
    portret.generation_status, portret.generation_progress = GenerationStatus.RUNNING, 35
    session.commit()
    assert lead.get(f"{base}/portret/status").json["status"] == "interrupted"
    page = lead.get(f"{base}/portret").get_data(as_text=True)
    assert "De vorige opdracht is onderbroken; je kunt opnieuw starten." in page
    assert lead.post_form(f"{base}/portret/genereren", token_from=f"{base}/portret").status_code == 302
    run_jobs()
    session.expire_all()
    portret = session.scalar(select(Portret))
    assert portret.generation_status is GenerationStatus.DONE and portret.current_version == 2
    assert "onderbroken" not in lead.get(f"{base}/portret").get_data(as_text=True)


# --- mail: no links after delivery; retention -----------------------------------------------------------


def test_a_mail_delivered_over_smtp_keeps_no_link(app, session, run_jobs, monkeypatch):
    from peerreview import db
    from peerreview.mail import tasks

    sent = []
    monkeypatch.setattr(tasks, "_send_smtp", lambda message: sent.append(message.body_text))
    app.config["MAIL_BACKEND"] = "smtp"
    with app.test_request_context():
        s = db.session()
        mail.send(
            s,
            "a@example.nl",
            "Wachtwoord",
            "password_reset",
            user=type("U", (), {"name": "A"}),
            link="http://localhost/wachtwoord-herstellen/geheim-token",
            minutes=5,
        )
        s.commit()
    run_jobs()
    session.expire_all()
    stored = session.scalar(select(OutgoingMail))
    assert "geheim-token" in sent[0]  # the recipient got the link
    assert stored.sent_at is not None
    assert "geheim-token" not in stored.body_text and "geheim-token" not in stored.body_html
    assert "[link verwijderd na verzending]" in stored.body_text


def test_retention_deletes_rows_past_their_period_and_keeps_the_rest(app, session):
    from datetime import timedelta

    from peerreview.accounts.models import LoginAttempt
    from peerreview.audit.models import AuditEvent
    from peerreview.db import utcnow
    from peerreview.jobs import JobOutbox

    now = utcnow()
    config = app.config

    def days(key, extra):
        return now - timedelta(days=config[key] + extra)

    session.add_all(
        [
            OutgoingMail(
                recipient="old@x.nl", subject="s", body_text="t", body_html="h", sent_at=days("RETENTION_MAIL_DAYS", 1)
            ),
            OutgoingMail(
                recipient="new@x.nl", subject="s", body_text="t", body_html="h", sent_at=days("RETENTION_MAIL_DAYS", -1)
            ),
            OutgoingMail(
                recipient="unsent@x.nl",
                subject="s",
                body_text="t",
                body_html="h",
                created_at=days("RETENTION_MAIL_DAYS", 9),
            ),
            LoginAttempt(
                email="old@x.nl", address="1.2.3.4", succeeded=False, at=days("RETENTION_LOGIN_ATTEMPTS_DAYS", 1)
            ),
            LoginAttempt(
                email="new@x.nl", address="1.2.3.4", succeeded=False, at=days("RETENTION_LOGIN_ATTEMPTS_DAYS", -1)
            ),
            AuditEvent(action="login", subject="old@x.nl", at=days("RETENTION_AUDIT_DAYS", 1)),
            AuditEvent(action="login", subject="new@x.nl", at=days("RETENTION_AUDIT_DAYS", -1)),
            JobOutbox(function="f:g", kwargs={}, queue="default", done_at=days("RETENTION_JOBS_DAYS", 1)),
            JobOutbox(
                function="f:g",
                kwargs={},
                queue="default",
                last_error="waits",
                created_at=days("RETENTION_JOBS_DAYS", 9),
            ),
        ]
    )
    session.commit()
    result = app.test_cli_runner().invoke(args=["retention"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert sorted(m.recipient for m in session.scalars(select(OutgoingMail))) == ["new@x.nl", "unsent@x.nl"]
    assert [a.email for a in session.scalars(select(LoginAttempt))] == ["new@x.nl"]
    assert [e.subject for e in session.scalars(select(AuditEvent))] == ["new@x.nl"]
    assert [j.last_error for j in session.scalars(select(JobOutbox))] == ["waits"]
    assert "e-mails: 1 verwijderd" in result.output
