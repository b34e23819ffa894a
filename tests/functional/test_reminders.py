"""Deadline reminders: sent once per threshold, to the people who must act, never after the deadline."""

from datetime import date

from sqlalchemy import select

from peerreview.accounts.models import MembershipRole
from peerreview.mail.models import OutgoingMail
from peerreview.rounds.models import VisitatieState
from peerreview.rounds.reminders import send_due

DUE = date(2027, 1, 15)  # the factory round's zelfevaluatie deadline


def run(app, session, today):
    with app.test_request_context():
        count = send_due(session, today)
        session.commit()
    return count


def subjects(session):
    return [(m.recipient, m.subject) for m in session.scalars(select(OutgoingMail).order_by(OutgoingMail.id))]


def test_reminders_go_out_at_14_and_3_days_once_each(app, make, session):
    deventer = make.gemeente("Deventer")
    make.user("coord@deventer.nl", gemeente=deventer, role=MembershipRole.COORDINATOR)
    make.user("invuller@deventer.nl", gemeente=deventer, role=MembershipRole.CONTRIBUTOR)
    make.user("meelezer@deventer.nl", gemeente=deventer, role=MembershipRole.VIEWER)
    make.visitatie(deventer)

    assert run(app, session, date(2026, 12, 31)) == 0  # 15 days before: nothing yet
    assert run(app, session, date(2027, 1, 1)) == 2  # 14 days before
    assert run(app, session, date(2027, 1, 1)) == 0  # a second run the same day sends nothing
    assert run(app, session, date(2027, 1, 5)) == 0
    assert run(app, session, date(2027, 1, 12)) == 2  # 3 days before
    assert run(app, session, date(2027, 1, 12)) == 0  # and again only once
    assert run(app, session, date(2027, 1, 16)) == 0  # past the deadline
    sent = subjects(session)
    assert sorted(r for r, _ in sent) == ["coord@deventer.nl"] * 2 + ["invuller@deventer.nl"] * 2
    assert sent[0][1] == "Herinnering: zelfevaluatie indienen uiterlijk 15 januari 2027"
    body = session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).first().body_text
    assert "(over 14 dagen)" in body and "/visitaties/" in body


def test_a_missed_run_sends_only_the_nearest_reminder(app, make, session):
    deventer = make.gemeente("Deventer")
    make.user(gemeente=deventer, role=MembershipRole.COORDINATOR)
    make.visitatie(deventer)
    assert run(app, session, date(2027, 1, 14)) == 1
    assert run(app, session, date(2027, 1, 15)) == 0


def test_no_reminder_when_the_phase_is_done(app, make, session):
    deventer = make.gemeente("Deventer")
    make.user(gemeente=deventer, role=MembershipRole.COORDINATOR)
    visitatie = make.visitatie(deventer)
    visitatie.state = VisitatieState.INGEDIEND  # the review phase has no deadline in this round
    session.commit()
    assert run(app, session, date(2027, 1, 12)) == 0


def test_the_command_runs(app, make, session):
    deventer = make.gemeente("Deventer")
    make.user(gemeente=deventer, role=MembershipRole.COORDINATOR)
    make.visitatie(deventer)
    result = app.test_cli_runner().invoke(args=["reminders"])
    assert result.exit_code == 0
    assert "herinnering(en) verstuurd" in result.output


def test_the_review_team_is_reminded_of_the_review_deadline(app, make, session):
    from peerreview.review.models import ReviewAssignment, TeamRole
    from peerreview.rounds.models import Phase, RoundDeadline

    deventer, emmen = make.gemeente("Deventer"), make.gemeente("Emmen")
    reviewer = make.user("reviewer@emmen.nl", gemeente=emmen)
    visitatie = make.visitatie(deventer)
    visitatie.state = VisitatieState.IN_REVIEW
    visitatie.round.deadlines.append(RoundDeadline(phase=Phase.REVIEW, due_on=date(2027, 2, 26)))
    session.add(
        ReviewAssignment(gemeente_id=deventer.id, visitatie_id=visitatie.id, user_id=reviewer.id, role=TeamRole.LEAD)
    )
    session.commit()
    assert run(app, session, date(2027, 2, 23)) == 1
    assert subjects(session)[-1] == ("reviewer@emmen.nl", "Herinnering: review afronden uiterlijk 26 februari 2027")
