"""Case texts, visit notes and annotations the gemeente may not read never reach a published portret:
a portret is generated from material with a unique marker in each of them, adopted and published
*openbaar*, and neither the public page nor the text of its PDF holds any marker."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from sqlalchemy import select

from peerreview.review.models import Annotation, AnnotationKind
from peerreview.selfeval.models import Answer, Casus, Submission
from peerreview.visit.models import Conversation
from tests.factories import definitive

CASE_MARKER = "CASUSMARKER7Q"
NOTES_MARKER = "NOTITIEMARKER4K"
ANNOTATION_MARKER = "AANTEKENINGMARKER9Z"


def _secrets(released: bool):
    """Adds the marked material before the portret is generated. Released: the annotation is on a case
    text (never in a portret); not released: an ordinary strength the team has not shared yet."""

    def prepare(session, world) -> None:
        visitatie = world["visitatie"]
        casus = Casus(
            gemeente_id=visitatie.gemeente_id,
            visitatie_id=visitatie.id,
            pseudonym="Casus Sam",
            consent_scope="dossier",
        )
        session.add(casus)
        session.flush()
        key = f"casus{casus.id}_dossieronderzoek"
        text = f"<p>Sam wachtte acht maanden op hulp. {CASE_MARKER}</p>"
        session.add(
            Answer(
                gemeente_id=visitatie.gemeente_id,
                visitatie_id=visitatie.id,
                question_key=key,
                revision=1,
                value={"html": text},
                plain=f"Sam wachtte acht maanden op hulp. {CASE_MARKER}",
            )
        )
        submission = session.scalar(select(Submission).where(Submission.visitatie_id == visitatie.id))
        snapshot = dict(submission.snapshot)
        snapshot["answers"] = {**snapshot.get("answers", {}), key: {"value": {"html": text}, "plain": CASE_MARKER}}
        snapshot["cases"] = [
            {"id": casus.id, "pseudonym": "Casus Sam", "fields": {"dossieronderzoek": {"value": {"html": text}}}}
        ]
        submission.snapshot = snapshot
        conversation = session.get(Conversation, world["conversation"].id)
        conversation.notes = f"<p>Vertrouwelijk: {NOTES_MARKER}</p>"
        conversation.notes_plain = f"Vertrouwelijk: {NOTES_MARKER}"
        session.add(
            Annotation(
                gemeente_id=visitatie.gemeente_id,
                visitatie_id=visitatie.id,
                submission_id=submission.id,
                question_key=key if released else "s1_1",
                themes=["T3"],
                kind=AnnotationKind.STERKTE,
                body=f"Sterk punt: {ANNOTATION_MARKER}",
            )
        )
        session.flush()

    return prepare


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("released", [True, False], ids=["annotations released", "annotations not released"])
def test_no_case_text_note_or_unreleased_annotation_reaches_the_published_portret(
    app, session, make, client, client_for, run_jobs, released
):
    world = definitive(app, session, make, release=released, prepare=_secrets(released))
    coordinator = client_for(world["coordinator"])
    response = coordinator.post_form(
        f"{world['base']}/portret/publicatie", {"scope": "openbaar"}, token_from=f"{world['base']}/portret"
    )
    assert response.status_code == 302
    run_jobs()
    page = client.get(world["public"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Deventer" in html
    pdf = client.get(f"{world['public']}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.data, capture_output=True, check=True).stdout.decode()
    assert "Deventer" in text  # the text was extracted
    for marker in (CASE_MARKER, NOTES_MARKER, ANNOTATION_MARKER):
        assert marker not in html, marker
        assert marker not in text, marker
    # the material was really there for the team: the markers are in the database, not lost on the way
    assert session.scalar(select(Conversation.notes_plain).where(Conversation.id == world["conversation"].id)).endswith(
        NOTES_MARKER
    )
