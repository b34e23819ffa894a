"""The demo: seeding twice changes nothing, and every demo role logs in to its own home page."""

import pytest
from sqlalchemy import func, select

from peerreview import demo
from peerreview.accounts.models import User
from peerreview.rounds.models import Visitatie
from peerreview.tenants.models import Gemeente


@pytest.fixture
def seeded(app, session, run_jobs):
    with app.test_request_context():
        assert demo.seed(session) is True
        session.commit()
        assert demo.seed(session) is False
        session.commit()
    run_jobs()  # with an rq worker: render the submitted PDF, deliver the e-mail
    return session


def test_demo_has_the_report_and_drenthe_municipalities(seeded):
    names = set(seeded.scalars(select(Gemeente.name)))
    assert {"Deventer", "Peel en Maas", "Roosendaal", "Utrecht", "Zaltbommel", "Apeldoorn"} <= names
    assert {"Coevorden", "Hoogeveen", "Emmen", "Assen"} <= names
    coevorden = seeded.scalar(select(Gemeente).where(Gemeente.name == "Coevorden"))
    assert coevorden.cbs_code == "GM0109"
    assert coevorden.jeugdregio.name == "Drenthe"
    assert coevorden.size_class == "20.000–50.000"
    assert seeded.scalar(select(func.count()).select_from(Visitatie)) == len(demo.PARTICIPANTS)
    assert seeded.scalar(select(func.count()).select_from(User)) == 3 + 2 * len(demo.GEMEENTEN)


DEMO_HOMES = [
    ("admin@netwerk.demo", "Gebruikers en rollen"),
    ("coordinator@netwerk.demo", "Lopende rondes"),
    ("analist@netwerk.demo", "Kengetallen, referentiegroepen en CBS-bestanden inlezen"),
    ("coordinator@deventer.demo", "Deventer: Visitatieronde jeugdhulp 2026–2027"),
    ("invuller@peel-en-maas.demo", "Peel en Maas: Visitatieronde jeugdhulp 2026–2027"),
    ("coordinator@coevorden.demo", "Coevorden: Visitatieronde jeugdhulp 2026–2027"),
    ("invuller@arnhem.demo", "doet nog niet mee aan een visitatieronde"),
    ("coordinator@apeldoorn.demo", "Review Deventer"),
]


def test_every_demo_role_logs_in_and_sees_its_home_page(seeded, app, client):
    for email, expected in DEMO_HOMES:
        client = app.test_client()  # a fresh session per account (the class comes from the client fixture)
        response = client.post_form("/inloggen", {"email": email, "password": demo.PASSWORD})
        assert response.status_code == 302, email
        home = client.get("/")
        assert home.status_code == 200, email
        assert expected in home.get_data(as_text=True), email


def test_demo_has_self_evaluations_in_several_states(seeded):
    from peerreview.rounds.models import VisitatieState
    from peerreview.selfeval.models import Answer, AnswerRevision, Casus, Submission

    def visitatie(slug):
        return seeded.scalar(select(Visitatie).join(Gemeente).where(Gemeente.slug == slug))

    seeded.expire_all()  # the PDF was rendered by a job in its own session
    deventer, peel, emmen = visitatie("deventer"), visitatie("peel-en-maas"), visitatie("emmen")
    assert deventer.state is VisitatieState.IN_REVIEW  # submitted, and the review team has started
    submission = seeded.scalar(select(Submission).where(Submission.visitatie_id == deventer.id))
    assert submission.pdf.startswith(b"%PDF")
    assert len(submission.snapshot["answers"]) > 60
    assert seeded.scalar(select(func.count()).select_from(Casus).where(Casus.visitatie_id == peel.id)) == 3
    emmen_answers = seeded.scalar(select(func.count()).select_from(Answer).where(Answer.visitatie_id == emmen.id))
    assert 0 < emmen_answers < 10
    # some answers have an earlier draft, so the history shows a change
    assert seeded.scalar(select(func.max(AnswerRevision.number))) == 2


def test_demo_has_a_review_in_progress_and_a_released_one(seeded):
    from peerreview.review.models import Annotation, AnnotationReply, ThemeSummary

    seeded.expire_all()
    deventer = seeded.scalar(select(Visitatie).join(Gemeente).where(Gemeente.slug == "deventer"))
    peel = seeded.scalar(select(Visitatie).join(Gemeente).where(Gemeente.slug == "peel-en-maas"))
    notes = seeded.scalars(select(Annotation).where(Annotation.visitatie_id == deventer.id)).all()
    assert len(notes) >= 40
    assert {code for a in notes for code in a.themes} == {f"T{i}" for i in range(1, 13)}
    assert seeded.scalar(select(func.count()).select_from(AnnotationReply)) >= 10
    assert (
        seeded.scalar(select(func.count()).select_from(ThemeSummary).where(ThemeSummary.visitatie_id == deventer.id))
        >= 8
    )
    assert deventer.annotations_released_at is None
    assert peel.annotations_released_at is not None


def test_demo_has_a_visit_a_released_portret_and_the_reports_figures(seeded):
    from peerreview.indicators.models import Area, Indicator, IndicatorValue, ReferenceGroup
    from peerreview.portret.models import Portret, PortretVersion
    from peerreview.rounds.models import VisitatieState
    from peerreview.visit.models import Conversation, ConversationStatus, Quote

    seeded.expire_all()  # the PDF was rendered by a job in its own session
    peel = seeded.scalar(select(Visitatie).join(Gemeente).where(Gemeente.slug == "peel-en-maas"))
    deventer = seeded.scalar(select(Visitatie).join(Gemeente).where(Gemeente.slug == "deventer"))
    assert peel.state is VisitatieState.PORTRET_CONCEPT
    held = seeded.scalars(
        select(Conversation).where(
            Conversation.visitatie_id == peel.id, Conversation.status == ConversationStatus.GEHOUDEN
        )
    ).all()
    assert len(held) >= 6 and all(c.notes for c in held)
    assert seeded.scalar(select(func.count()).select_from(Quote).where(Quote.visitatie_id == peel.id)) >= 10
    planned = seeded.scalars(select(Conversation).where(Conversation.visitatie_id == deventer.id)).all()
    assert planned and {c.status for c in planned} == {ConversationStatus.GEPLAND}
    portret = seeded.scalar(select(Portret).where(Portret.visitatie_id == peel.id))
    assert portret.released_version == portret.current_version > 1  # generated, then edited by the team
    released = seeded.scalar(
        select(PortretVersion).where(
            PortretVersion.portret_id == portret.id, PortretVersion.number == portret.released_version
        )
    )
    assert released.pdf.startswith(b"%PDF") and released.pdf_checksum == released.checksum
    assert released.content["motto"]
    # the report's figures, read with the importer, with its inconsistencies flagged rather than corrected
    assert seeded.scalar(select(func.count()).select_from(IndicatorValue)) > 250
    assert seeded.scalar(select(func.count()).select_from(ReferenceGroup)) == 5
    peel_area = seeded.scalar(select(Area).where(Area.code == "GM1894"))
    jh121 = seeded.scalar(select(Indicator).where(Indicator.code == "JH121"))
    printed = seeded.scalar(
        select(IndicatorValue).where(
            IndicatorValue.area_id == peel_area.id,
            IndicatorValue.indicator_id == jh121.id,
            IndicatorValue.period == "2017-H1",
        )
    )
    assert printed.value == 7.8 and printed.flags == ["bron_inconsistent"]


def test_demo_peel_en_maas_held_its_reflectiesessie_with_lessons_points_and_wederhoor(seeded):
    from peerreview.mail.models import OutgoingMail
    from peerreview.reflectiesessie.models import ImprovementPoint, ReflectieSessie, SessieAttendee, SessieLesson

    peel = seeded.scalar(select(Visitatie).join(Gemeente).where(Gemeente.slug == "peel-en-maas"))
    sessie = seeded.scalar(select(ReflectieSessie).where(ReflectieSessie.visitatie_id == peel.id))
    assert sessie.held_on is not None and sessie.invited_at is not None
    assert (
        sessie.recognisability.value == "herkenbaar"
        and sessie.section_recognisability["financiering"] == "niet_herkenbaar"
    )
    attendees = seeded.scalars(select(SessieAttendee).where(SessieAttendee.sessie_id == sessie.id)).all()
    assert 8 <= len(attendees) <= 10 and all(a.agreed_at for a in attendees)
    assert {a.organisation for a in attendees} >= {"Gemeente Peel en Maas", "GGD Limburg-Noord"}
    assert sum(1 for a in attendees if a.present) == len(attendees) - 2
    themes = lambda model: {x.theme for x in seeded.scalars(select(model).where(model.visitatie_id == peel.id))}  # noqa: E731
    assert len(themes(SessieLesson)) == 3 and len(themes(ImprovementPoint)) == 4
    assert "<p>Het college van burgemeester en wethouders" in sessie.reactie and sessie.nawoord.startswith("<p>")
    invitation = seeded.scalar(
        select(OutgoingMail).where(OutgoingMail.subject.like("Uitnodiging: reflectiesessie Peel%"))
    )
    assert invitation.attachment_name == "reflectiesessie-peel-en-maas.ics"
