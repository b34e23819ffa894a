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
