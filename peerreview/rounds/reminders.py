"""Deadline reminders: run daily (``flask --app wsgi reminders``; deploy/systemd has a timer).

For every visitatie whose current phase has a deadline in ``DAYS_BEFORE`` days (or fewer, if a run
was missed), the people who must act get one e-mail per threshold. ``ReminderSent`` rows make a
second run on the same day send nothing. The same run reminds everyone invited to a reflectiesessie a
few days before it (``reflectiesessie.services.send_reminders``), and the owners of the verbeteragenda's
parts before a reporting period ends (``agenda.services.send_reminders``).
"""

from __future__ import annotations

from datetime import date

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview.accounts.models import User
from peerreview.formatting import date_nl
from peerreview.mail import services as mail
from peerreview.rounds.models import Phase, ReminderSent, Visitatie, VisitatieState

DAYS_BEFORE = (14, 3)


def recipients(session: Session, visitatie: Visitatie, phase: Phase) -> list[User]:
    """Who must act in this phase: the gemeente's writers, then the review team."""
    if phase is Phase.ZELFEVALUATIE:
        from peerreview.selfeval.services import writers

        return writers(session, visitatie)
    if phase is Phase.REVIEW:
        from peerreview.review.assignments import team_of

        return [a.user for a in team_of(session, visitatie) if a.user.active]
    return []


def send_due(session: Session, today: date) -> int:
    """Send the reminders that are due; returns how many e-mails were queued."""
    sent = 0
    active = select(Visitatie).where(Visitatie.state != VisitatieState.DEFINITIEF)
    for visitatie in session.scalars(active):
        phase = visitatie.state.phase
        due = visitatie.current_deadline
        if phase is None or due is None or due < today:
            continue
        days_left = (due - today).days
        threshold = min((d for d in DAYS_BEFORE if days_left <= d), default=None)
        if threshold is None:
            continue
        already = session.scalar(
            select(ReminderSent.id).where(
                ReminderSent.visitatie_id == visitatie.id,
                ReminderSent.phase == phase,
                ReminderSent.days_before <= threshold,
            )
        )
        if already is not None:
            continue
        session.add(
            ReminderSent(
                gemeente_id=visitatie.gemeente_id, visitatie_id=visitatie.id, phase=phase, days_before=threshold
            )
        )
        link = url_for("rounds.visitatie", visitatie_id=visitatie.id, _external=True)
        for user in recipients(session, visitatie, phase):
            mail.send(
                session,
                user.email,
                f"Herinnering: {phase.label.lower()} uiterlijk {date_nl(due)}",
                "deadline_reminder",
                user=user,
                visitatie=visitatie,
                phase=phase,
                due=due,
                days_left=days_left,
                link=link,
            )
            sent += 1
    from peerreview.reflectiesessie.services import send_reminders

    sent += send_reminders(session, today)  # the reflectiesessie, a few days before it is held
    from peerreview.agenda.services import send_reminders as agenda_reminders

    sent += agenda_reminders(session, today)  # the verbeteragenda, before a reporting period ends
    session.flush()
    return sent
