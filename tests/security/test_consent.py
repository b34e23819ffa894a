"""Withdrawing consent leaves no byte of the case's text anywhere in the database.

Every field of three cases carries a marker word unique to its case (two revisions each); reviewers quote
it in annotations with replies; the zelfevaluatie is submitted (snapshot and rendered PDF). After the
withdrawal of case 0, every text, JSON and binary column of every table is dumped: case 0's marker occurs
nowhere (PDFs are read as text too), while the other cases' markers are still there (so the dump sees them).
"""

from __future__ import annotations

import io
import json
from typing import Any

import pypdf
from sqlalchemy import func, select

from peerreview.audit.models import AuditEvent
from peerreview.models import Base
from peerreview.review.models import Annotation, AnnotationReply
from peerreview.selfeval.models import Answer, AnswerRevision, Casus, Submission
from tests.security.conftest import marker


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        text = value.decode("latin-1")
        if value.startswith(b"%PDF"):
            text += "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(value)).pages)
        return text
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def occurrences(session, word: str) -> list[str]:
    """``table.column`` of every stored value that contains ``word``, over the whole schema."""
    session.rollback()
    found = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(table.select()).mappings():
            found.extend(f"{table.name}.{column}" for column, value in row.items() if word in _text_of(value))
    return sorted(set(found))


def test_withdrawing_consent_removes_every_copy_of_the_case_text(client_for, session, plus_world, run_jobs):
    first, second = plus_world["cases"][0], plus_world["cases"][1]
    before = occurrences(session, marker(0))
    # the case text is in the answers, their revisions, the snapshot, the PDF and the annotations' quotes
    assert {
        "answer.plain",
        "answer.value",
        "answer_revision.plain",
        "annotation.exact",
        "annotation.original_exact",
        "submission.snapshot",
        "submission.pdf",
    } <= set(before)
    annotations_on_first = session.scalar(
        select(func.count()).select_from(Annotation).where(Annotation.question_key.like(f"casus{first.id}\\_%", "\\"))
    )
    assert annotations_on_first == 2

    writer = client_for(plus_world["writer"])
    page = f"/visitaties/{plus_world['visitatie'].id}/zelfevaluatie/casussen/{first.id}"
    response = writer.post_form(f"{page}/toestemming-intrekken", {"withdrawn_by": "jongere"}, token_from=page)
    assert response.status_code == 302

    session.expire_all()  # the request wrote through its own session
    assert occurrences(session, marker(0)) == []
    # the other cases are untouched (and the dump does find what is there)
    assert {"answer.plain", "annotation.exact", "submission.snapshot"} <= set(occurrences(session, marker(1)))
    submission = session.scalar(select(Submission))
    # the old PDF is deleted and a new one queued (inline jobs have already rendered it)
    assert submission.pdf is None or submission.pdf_checksum == submission.checksum
    assert submission.snapshot["cases"][0]["pseudonym"] == "Casus Noor"
    assert "fields" not in submission.snapshot["cases"][0]
    assert session.scalar(select(func.count()).select_from(Annotation).where(Annotation.question_key.like("casus%")))
    assert session.scalar(select(func.count()).select_from(AnnotationReply)) == 2  # the other two cases' replies
    casus = session.get(Casus, first.id)
    assert casus.consent_withdrawn_by == "jongere" and casus.withdrawn_by_id == plus_world["writer"].id
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "consent_withdrawn"))
    assert event.actor_id == plus_world["writer"].id and event.object_id == first.id
    assert event.details["withdrawn_by"] == "jongere"
    assert event.details["removed"] == {
        "answers": 6,
        "revisions": 12,
        "clearances": 0,
        "submissions": 1,
        "annotations": 2,
        "replies": 1,
    }
    # the page says who withdrew and who recorded it
    html = writer.get(page).get_data(as_text=True)
    assert "door: Jongere" in html and f"vastgelegd door {plus_world['writer'].name}" in html

    # the PDF is made again, without the case
    pdf_url = f"/visitaties/{plus_world['visitatie'].id}/zelfevaluatie/pdf"
    run_jobs()
    again = writer.get(pdf_url)
    assert again.status_code == 200 and again.mimetype == "application/pdf"
    text = _text_of(again.data)
    assert marker(0) not in text and marker(1) in text and marker(2) in text
    assert occurrences(session, marker(0)) == []
    assert session.get(Casus, second.id).withdrawn_at is None


def test_withdrawal_needs_to_know_who_withdrew_and_keeps_everything_until_then(client_for, session, plus_world):
    first = plus_world["cases"][0]
    writer = client_for(plus_world["writer"])
    page = f"/visitaties/{plus_world['visitatie'].id}/zelfevaluatie/casussen/{first.id}"
    for data in ({}, {"withdrawn_by": "buurman"}):
        response = writer.post_form(f"{page}/toestemming-intrekken", data, token_from=page)
        assert response.status_code == 422
        assert "Kies wie de toestemming heeft ingetrokken" in response.get_data(as_text=True)
    session.rollback()
    assert session.get(Casus, first.id).withdrawn_at is None
    assert session.scalar(select(func.count()).select_from(AnswerRevision)) > 0
    assert session.scalar(
        select(func.count()).select_from(Answer).where(Answer.question_key.like(f"casus{first.id}_%"))
    )


def test_a_reviewer_cannot_withdraw_consent(client_for, session, plus_world):
    first = plus_world["cases"][0]
    lead = client_for(plus_world["lead"])
    url = f"/visitaties/{plus_world['visitatie'].id}/zelfevaluatie/casussen/{first.id}/toestemming-intrekken"
    response = lead.post(url, data={"csrf_token": lead.csrf("/account"), "withdrawn_by": "jongere"})
    assert response.status_code == 404
    session.rollback()
    assert session.get(Casus, first.id).withdrawn_at is None
