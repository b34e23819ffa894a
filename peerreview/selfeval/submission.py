"""Submitting the zelfevaluatie: what is still missing, the immutable snapshot, and reopening."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from peerreview import jobs, signals
from peerreview.accounts.models import NetworkRole, NetworkRoleGrant, User
from peerreview.accounts.services import coordinators_of
from peerreview.audit.services import record
from peerreview.db import utcnow
from peerreview.mail import services as mail
from peerreview.rounds.models import Visitatie, VisitatieState
from peerreview.selfeval import cases, documents, services
from peerreview.selfeval.definitions import Definition
from peerreview.selfeval.models import Submission
from peerreview.selfeval.snapshot import Blocker, canonical_json
from peerreview.selfeval.snapshot import answers_from as answers_from  # read by the views and the review
from peerreview.selfeval.tasks import render_submission_pdf


def blockers(session: Session, visitatie: Visitatie, definition: Definition) -> list[Blocker]:
    """Everything that must be done before the coordinator can submit, each with a link to fix it."""
    current = services.answers(session, visitatie)
    covered = documents.covered_sections(session, visitatie)
    result = [
        Blocker(
            f"{page.title}: ‘{question.label}’ is nog niet ingevuld.",
            url_for("selfeval.section", visitatie_id=visitatie.id, section_key=page.key, _anchor=f"q-{question.key}"),
        )
        for page, question in services.missing(definition, current, covered)
    ]
    result.extend(cases.blockers(session, visitatie, definition))
    return result


def build_snapshot(session: Session, visitatie: Visitatie, definition: Definition) -> dict[str, Any]:
    current = services.answers(session, visitatie)
    return {
        "visitatie_id": visitatie.id,
        "gemeente": visitatie.gemeente.name,
        "round": visitatie.round.name,
        "variant": visitatie.variant.value if visitatie.variant else None,
        "definition": {"key": definition.key, "version": definition.version},
        "answers": {
            key: {"value": a.value, "plain": a.plain, "revision": a.revision}
            for key, a in sorted(current.items())
            if key in definition.questions
        },
        "cases": cases.snapshot(session, visitatie),
        "documents": documents.snapshot(session, visitatie),
    }


def submit(session: Session, actor: User, visitatie: Visitatie) -> Submission:
    definition = services.definition_for(visitatie)
    if open_items := blockers(session, visitatie, definition):
        raise services.SelfEvalError(
            f"Er {'is' if len(open_items) == 1 else 'zijn'} nog {len(open_items)} onderdelen niet af; zie de lijst."
        )
    snapshot = build_snapshot(session, visitatie, definition)
    previous = latest_submission(session, visitatie)
    number = (
        session.scalar(select(func.max(Submission.number)).where(Submission.visitatie_id == visitatie.id)) or 0
    ) + 1
    submission = Submission(
        gemeente_id=visitatie.gemeente_id,
        visitatie_id=visitatie.id,
        number=number,
        snapshot=snapshot,
        checksum=hashlib.sha256(canonical_json(snapshot)).hexdigest(),
        submitted_by_id=actor.id,
    )
    session.add(submission)
    visitatie.state = VisitatieState.INGEDIEND
    session.flush()
    if previous is not None:  # a resubmission: the review moves its annotations to the new text
        signals.submission_revised.send(visitatie, session=session, previous=previous, new=submission)
    record(
        session,
        "selfeval_submitted",
        actor=actor,
        gemeente_id=visitatie.gemeente_id,
        obj=submission,
        number=number,
        checksum=submission.checksum,
    )
    link = url_for("selfeval.read", visitatie_id=visitatie.id, _external=True)
    for coordinator in _round_coordinators(session):
        mail.send(
            session,
            coordinator.email,
            f"Zelfevaluatie ingediend: {visitatie.gemeente.name}",
            "selfeval_submitted",
            user=coordinator,
            visitatie=visitatie,
            submission=submission,
            link=link,
        )
    request_pdf(session, submission)
    return submission


def pdf_job_key(submission: Submission) -> str:
    """One render job per submission and content: a second request for the same PDF queues nothing."""
    return f"submission-pdf-{submission.id}-{submission.checksum[:16]}"


def request_pdf(session: Session, submission: Submission) -> str | None:
    """Queue the PDF of ``submission`` unless it exists or is on its way; returns the job's state."""
    if submission.pdf is not None and submission.pdf_checksum == submission.checksum:
        return "done"
    jobs.enqueue_after_commit(
        session,
        render_submission_pdf,
        dedupe_key=pdf_job_key(submission),
        gemeente_id=submission.gemeente_id,
        submission_id=submission.id,
    )
    return jobs.status(session, pdf_job_key(submission))


def reopen(session: Session, actor: User, visitatie: Visitatie, reason: str) -> None:
    latest = latest_submission(session, visitatie)
    assert latest is not None
    latest.reopened_at, latest.reopened_by_id, latest.reopen_reason = utcnow(), actor.id, reason.strip()
    visitatie.state = VisitatieState.ZELFEVALUATIE
    record(
        session, "selfeval_reopened", actor=actor, gemeente_id=visitatie.gemeente_id, obj=latest, reason=reason.strip()
    )
    link = url_for("selfeval.overview", visitatie_id=visitatie.id, _external=True)
    for coordinator in coordinators_of(session, visitatie.gemeente_id):
        mail.send(
            session,
            coordinator.email,
            f"Zelfevaluatie heropend: {visitatie.gemeente.name}",
            "selfeval_reopened",
            user=coordinator,
            visitatie=visitatie,
            reason=reason.strip(),
            by=actor,
            link=link,
        )
    session.flush()


def latest_submission(session: Session, visitatie: Visitatie, *options: ORMOption) -> Submission | None:
    """The latest submitted version; ``options`` as for ``select().options``, e.g. to defer its snapshot."""
    return session.scalar(
        select(Submission)
        .where(Submission.visitatie_id == visitatie.id)
        .order_by(Submission.number.desc())
        .limit(1)
        .options(*options)
    )


def _round_coordinators(session: Session) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(NetworkRoleGrant)
            .where(NetworkRoleGrant.role == NetworkRole.ROUND_COORDINATOR, User.active.is_(True))
        )
    )
