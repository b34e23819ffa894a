"""A submitted plusversie whose case texts carry unique markers, annotated by an assigned review team."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from peerreview.accounts.models import MembershipRole, NetworkRole
from peerreview.rounds.models import Variant
from tests.factories import complete_selfeval, start_selfeval


def marker(n: int) -> str:
    """A word that occurs nowhere but in the text of case ``n`` (no digits: the personal-data check)."""
    return "Zqxv" + "abcdefghij"[n] * 3 + "Markeerwoord"


@pytest.fixture
def plus_world(app, session, make, run_jobs) -> dict[str, Any]:
    from peerreview.review import annotating, assignments
    from peerreview.selfeval import cases, services, submission

    gemeente = make.gemeente("Peel en Maas", regio="Noord-Limburg")
    lead_home, member_home = make.gemeente("Emmen", regio="Drenthe"), make.gemeente("Utrecht", regio="Utrecht stad")
    coordinator = make.user("coord@peelenmaas.nl", gemeente=gemeente, role=MembershipRole.COORDINATOR)
    writer = make.user("schrijver@peelenmaas.nl", gemeente=gemeente)
    viewer = make.user("kijker@peelenmaas.nl", gemeente=gemeente, role=MembershipRole.VIEWER)
    lead = make.user("lead@emmen.nl", gemeente=lead_home, role=MembershipRole.COORDINATOR)
    member = make.user("lid@utrecht.nl", gemeente=member_home)
    staff = make.user("ronde@netwerk.nl", network_role=NetworkRole.ROUND_COORDINATOR)
    visitatie = start_selfeval(session, make.visitatie(gemeente, make.round("Ronde Zuid")), Variant.PLUS)
    complete_selfeval(app, session, visitatie, writer)
    with app.test_request_context():
        visitatie = session.merge(visitatie)
        definition = services.definition_for(visitatie)
        made = []
        for n, pseudonym in enumerate(("Casus Noor", "Casus Vos", "Casus Sem")):
            casus = cases.create(
                session,
                writer,
                visitatie,
                pseudonym=pseudonym,
                given_by="jongere",
                given_on=date(2026, 10, 2),
                scope="Inzage in het dossier en een interview.",
                recorded_how="schriftelijk",
            )
            for field in cases.fields(definition):
                key = casus.field_key(field.key)
                for revision, tail in enumerate(("en wat volgde.", "en wat daarna volgde."), start=0):
                    html = f"<p>Bij {pseudonym} in stap {field.title}: {marker(n)} {tail}</p>"
                    services.save_answer(session, writer, visitatie, field.question, {"html": html}, revision, key=key)
            made.append(casus)
        submission.submit(session, coordinator, visitatie)
        assignments.set_team(session, staff, visitatie, lead.id, [member.id])
        for user in (lead, member):
            assignments.declare(session, user, visitatie)
        notes = []
        for n, casus in enumerate(made):
            for author, kind in ((lead, "vraag"), (member, "sterkte")):
                note = annotating.create_annotation(
                    session,
                    author,
                    visitatie,
                    annotating.AnnotationInput(
                        casus.field_key("dossieronderzoek"), None, None, marker(n), ["T3"], kind, "Wat viel op?"
                    ),
                )
                notes.append(note)
            annotating.reply(session, coordinator, notes[-1], "Dat lichten we toe.")
        annotating.create_annotation(
            session,
            lead,
            visitatie,
            annotating.AnnotationInput(
                "s1_1", None, None, "", ["T7"], "sterkte", "Een visie die breed gedragen wordt."
            ),
        )
        session.commit()
    run_jobs()
    return {
        "app": app,
        "gemeente": gemeente,
        "visitatie": visitatie,
        "cases": made,
        "annotations": notes,
        "coordinator": coordinator,
        "writer": writer,
        "viewer": viewer,
        "lead": lead,
        "member": member,
        "staff": staff,
    }
