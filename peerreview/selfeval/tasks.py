"""Background work for the zelfevaluatie: the PDF of a submission."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview.jobs import pdf_job
from peerreview.pdf import render_pdf
from peerreview.rounds.models import Visitatie
from peerreview.selfeval import cases, services
from peerreview.selfeval.models import Submission
from peerreview.selfeval.snapshot import answers_from


@pdf_job
def render_submission_pdf(session: Session, *, gemeente_id: int, submission_id: int) -> None:
    submission = session.scalar(
        select(Submission)
        .where(Submission.id == submission_id, Submission.gemeente_id == gemeente_id)
        .with_for_update(of=Submission)
    )
    if submission is None or submission.pdf_checksum == submission.checksum:
        return  # gone, or this exact snapshot was rendered already
    visitatie = session.get(Visitatie, submission.visitatie_id)
    assert visitatie is not None
    definition = services.definition_for(visitatie)
    html = render_template(
        "pdf/zelfevaluatie.html",
        visitatie=visitatie,
        definition=definition,
        submission=submission,
        answers=answers_from(submission.snapshot),
        cases=submission.snapshot.get("cases", []),
        case_fields=cases.fields(definition),
    )
    submission.pdf = render_pdf(html)
    submission.pdf_checksum = submission.checksum
