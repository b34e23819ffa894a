"""The demo: seeding twice changes nothing, and every demo role logs in to its own home page."""

import re

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
    earlier_rounds = len(list(demo.CONTENT.glob("ronde-*.yaml")))  # each one visitatie in an earlier round
    next_round = 1  # Peel en Maas in the later round (agendarep-raad.yaml)
    assert (
        seeded.scalar(select(func.count()).select_from(Visitatie))
        == len(demo.PARTICIPANTS) + earlier_rounds + next_round
    )
    extra = sum(len(data.get("people", [])) for data, _g, _v in demo._content(seeded, "reactie-*.yaml"))
    extra += 1  # the council member of Peel en Maas (agendarep-raad.yaml)
    assert seeded.scalar(select(func.count()).select_from(User)) == 3 + 2 * len(demo.GEMEENTEN) + extra


DEMO_HOMES = [
    ("admin@netwerk.demo", "Gebruikers en rollen"),
    ("coordinator@netwerk.demo", "Lopende rondes"),
    ("analist@netwerk.demo", "Kengetallen, referentiegroepen en CBS-bestanden inlezen"),
    ("coordinator@deventer.demo", "Deventer: Visitatieronde jeugdhulp 2026–2027"),
    ("invuller@peel-en-maas.demo", "Peel en Maas: Visitatieronde jeugdhulp 2026–2027"),
    ("coordinator@coevorden.demo", "Coevorden: Visitatieronde jeugdhulp 2026–2027"),
    ("invuller@arnhem.demo", "doet nog niet mee aan een visitatieronde"),
    ("coordinator@apeldoorn.demo", "Review Deventer"),
    ("raad@peel-en-maas.demo", "Voor de raad en de rekenkamer"),
]


def test_the_council_member_reads_the_agenda_and_portret_and_the_next_round_shows_the_previous_points(
    seeded, app, client
):
    from peerreview.rounds.models import Round

    client = app.test_client()
    client.post_form("/inloggen", {"email": "raad@peel-en-maas.demo", "password": demo.PASSWORD})
    home = client.get("/").get_data(as_text=True)
    assert "Verbeteragenda: stand van zaken" in home and "Definitief portret" in home
    assert "/zelfevaluatie" not in home
    later = seeded.scalar(select(Round).where(Round.name == "Visitatieronde jeugdhulp 2029–2030"))
    peel = seeded.scalar(select(Gemeente).where(Gemeente.slug == "peel-en-maas"))
    new = seeded.scalar(select(Visitatie).where(Visitatie.round_id == later.id, Visitatie.gemeente_id == peel.id))
    writer = app.test_client()
    writer.post_form("/inloggen", {"email": "invuller@peel-en-maas.demo", "password": demo.PASSWORD})
    overview = writer.get(f"/visitaties/{new.id}/zelfevaluatie").get_data(as_text=True)
    sections = sorted(set(re.findall(rf"/visitaties/{new.id}/zelfevaluatie/onderdelen/(\w+)", overview)))
    assert any(
        "Uit de vorige ronde"
        in writer.get(f"/visitaties/{new.id}/zelfevaluatie/onderdelen/{key}").get_data(as_text=True)
        for key in sections
    )


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
        return seeded.scalar(select(Visitatie).join(Gemeente).order_by(Visitatie.id).where(Gemeente.slug == slug))

    seeded.expire_all()  # the PDF was rendered by a job in its own session
    deventer, peel, emmen = visitatie("deventer"), visitatie("peel-en-maas"), visitatie("emmen")
    # submitted, reviewed and visited: past the zelfevaluatie for good
    assert deventer.state not in (VisitatieState.ZELFEVALUATIE, VisitatieState.INGEDIEND, VisitatieState.IN_REVIEW)
    submission = seeded.scalar(select(Submission).where(Submission.visitatie_id == deventer.id))
    assert submission.pdf.startswith(b"%PDF")
    assert len(submission.snapshot["answers"]) > 60
    assert seeded.scalar(select(func.count()).select_from(Casus).where(Casus.visitatie_id == peel.id)) == 3
    roosendaal = visitatie("roosendaal")
    assert seeded.scalar(select(func.count()).select_from(Submission).where(Submission.visitatie_id == roosendaal.id))
    emmen_answers = seeded.scalar(select(func.count()).select_from(Answer).where(Answer.visitatie_id == emmen.id))
    assert 0 < emmen_answers < 10
    # some answers have an earlier draft, so the history shows a change
    assert seeded.scalar(select(func.max(AnswerRevision.number))) == 2


def test_demo_has_released_reviews_with_annotations_replies_and_summaries(seeded):
    from peerreview.review.assignments import team_of
    from peerreview.review.models import Annotation, AnnotationReply, ThemeSummary

    seeded.expire_all()
    reviewed = {
        slug: seeded.scalar(select(Visitatie).join(Gemeente).order_by(Visitatie.id).where(Gemeente.slug == slug))
        for slug in ("deventer", "peel-en-maas", "roosendaal")
    }
    deventer = reviewed["deventer"]
    notes = seeded.scalars(select(Annotation).where(Annotation.visitatie_id == deventer.id)).all()
    assert len(notes) >= 40
    assert {code for a in notes for code in a.themes} == {f"T{i}" for i in range(1, 13)}
    assert seeded.scalar(select(func.count()).select_from(AnnotationReply)) >= 10
    assert (
        seeded.scalar(select(func.count()).select_from(ThemeSummary).where(ThemeSummary.visitatie_id == deventer.id))
        >= 8
    )
    assert all(v.annotations_released_at is not None for v in reviewed.values())
    roosendaal = reviewed["roosendaal"]
    assert seeded.scalar(select(func.count()).select_from(Annotation).where(Annotation.visitatie_id == roosendaal.id))
    team_regions = {m.gemeente.jeugdregio_id for a in team_of(seeded, roosendaal) for m in a.user.memberships}
    assert team_regions and roosendaal.gemeente.jeugdregio_id not in team_regions


def test_demo_has_a_visit_a_released_portret_and_the_reports_figures(seeded):
    from peerreview.indicators.models import Area, Indicator, IndicatorValue, ReferenceGroup
    from peerreview.portret.models import Portret, PortretVersion
    from peerreview.rounds.models import VisitatieState
    from peerreview.visit.models import Conversation, ConversationStatus, Quote

    seeded.expire_all()  # the PDF was rendered by a job in its own session
    peel = seeded.scalar(select(Visitatie).join(Gemeente).order_by(Visitatie.id).where(Gemeente.slug == "peel-en-maas"))
    deventer = seeded.scalar(select(Visitatie).join(Gemeente).order_by(Visitatie.id).where(Gemeente.slug == "deventer"))
    assert peel.state is VisitatieState.DEFINITIEF  # the reflectie followed (test_demo_peel_en_maas_responded...)
    held = seeded.scalars(
        select(Conversation).where(
            Conversation.visitatie_id == peel.id, Conversation.status == ConversationStatus.GEHOUDEN
        )
    ).all()
    assert len(held) >= 6 and all(c.notes for c in held)
    assert seeded.scalar(select(func.count()).select_from(Quote).where(Quote.visitatie_id == peel.id)) >= 10
    deventer_talks = seeded.scalars(select(Conversation).where(Conversation.visitatie_id == deventer.id)).all()
    assert len(deventer_talks) == 6 and all(c.status is ConversationStatus.GEHOUDEN and c.notes for c in deventer_talks)
    assert seeded.scalar(select(func.count()).select_from(Quote).where(Quote.visitatie_id == deventer.id)) >= 6
    portret = seeded.scalar(select(Portret).where(Portret.visitatie_id == peel.id))
    assert portret.current_version > portret.released_version > 1  # generated, edited, then corrected
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


def test_demo_zaltbommel_has_a_released_review_and_concept_portret(seeded):
    """Zaltbommel goes through the whole cycle in the demo: submitted, reviewed by a team from outside its
    jeugdregio, visited, and its concept portret (the team's rewrite of every narrative section) released."""
    from peerreview.portret.models import Portret, PortretVersion
    from peerreview.review.assignments import team_of
    from peerreview.review.models import Annotation
    from peerreview.visit.models import Quote

    seeded.expire_all()  # the PDF was rendered by a job in its own session
    zaltbommel = seeded.scalar(
        select(Visitatie).join(Gemeente).order_by(Visitatie.id).where(Gemeente.slug == "zaltbommel")
    )
    assert zaltbommel.state.value in AFTER_RELEASE
    assert zaltbommel.annotations_released_at is not None
    team = team_of(seeded, zaltbommel)
    assert len(team) == 3
    regions = {m.gemeente.jeugdregio_id for a in team for m in a.user.memberships}
    assert zaltbommel.gemeente.jeugdregio_id not in regions
    assert (
        seeded.scalar(select(func.count()).select_from(Annotation).where(Annotation.visitatie_id == zaltbommel.id))
        >= 15
    )
    assert seeded.scalar(select(func.count()).select_from(Quote).where(Quote.visitatie_id == zaltbommel.id)) >= 10
    portret = seeded.scalar(select(Portret).where(Portret.visitatie_id == zaltbommel.id))
    assert portret.released_version is not None
    released = seeded.scalar(
        select(PortretVersion).where(
            PortretVersion.portret_id == portret.id, PortretVersion.number == portret.released_version
        )
    )
    assert released.content["motto"] == "Klein waar het kan, stevig waar het moet"
    assert released.pdf.startswith(b"%PDF") and released.pdf_checksum == released.checksum
    narrative = [s for s in released.content["sections"] if s["kind"] == "narrative"]
    assert narrative and all("Uit de zelfevaluatie" not in s["html"] for s in narrative)


def test_the_demo_publishes_adopted_portretten_once_and_skips_those_not_adopted(seeded, app):
    """Every publicatie-*.yaml whose portret the gemeente adopted is published as the file says; a portret
    that is not adopted stays with its gemeente; a second run changes nothing."""
    from peerreview.portret.models import Portret, Publication

    published = 0
    for data, _gemeente, visitatie in demo._content(seeded, "publicatie-*.yaml"):
        portret = seeded.scalar(select(Portret).where(Portret.visitatie_id == visitatie.id))
        if portret is not None and portret.adopted_version is not None:
            assert portret.publication is Publication(data["publication"]) and portret.published_at is not None
            published += 1
        else:
            assert portret is None or portret.publication is Publication.GEMEENTE
    assert published >= 1
    with app.test_request_context():
        assert demo._publicaties(seeded) is False


def test_demo_peel_en_maas_responded_to_its_concept_and_adopted_the_portret(seeded):
    from collections import Counter

    from peerreview.portret.models import Portret, PortretVersion, VersionKind
    from peerreview.reflectie import comments
    from peerreview.reflectie.models import Comment, Decision
    from peerreview.rounds.models import VisitatieState

    seeded.expire_all()
    peel = seeded.scalar(select(Visitatie).join(Gemeente).order_by(Visitatie.id).where(Gemeente.slug == "peel-en-maas"))
    portret = seeded.scalar(select(Portret).where(Portret.visitatie_id == peel.id))
    items = seeded.scalars(select(Comment).where(Comment.portret_id == portret.id)).all()
    kinds = Counter(c.kind.value for c in items)
    assert len(items) == 14
    assert kinds["feitelijke_onjuistheid"] >= 3 and kinds["niet_herkenbaar"] >= 2
    assert kinds["les"] >= 3 and kinds["verbeterpunt"] >= 3
    assert len({c.author_id for c in items if c.author_id}) == 4
    assert len({c.guest_link_id for c in items if c.guest_link_id}) == 2
    assert all(c.sent_at for c in items) and comments.unanswered(seeded, portret) == 0
    answered = [c for c in items if c.merged_into_id is None]
    assert {c.decision for c in answered} == set(Decision) and all(c.reason for c in answered)
    assert all(c.changed_version for c in answered if c.decision is Decision.VERWERKT)
    assert peel.state is VisitatieState.DEFINITIEF and portret.adopted_version == portret.current_version
    adopted = seeded.scalar(
        select(PortretVersion).where(
            PortretVersion.portret_id == portret.id, PortretVersion.number == portret.adopted_version
        )
    )
    assert adopted.kind is VersionKind.DEFINITIEF
    visie = next(section for section in adopted.content["sections"] if section["key"] == "visie")
    assert "er sinds 2008 is" in visie["html"]  # the coordinator's factual correction, applied by the team


# Past the concept, the gemeente's response, the session and the adoption move a portret on; these states
# are where a released concept can be.
AFTER_RELEASE = {"portret_concept", "reflectie", "definitief"}


def _demo_file(name):
    import yaml

    return yaml.safe_load((demo.CONTENT / name).read_text(encoding="utf-8"))


def test_demo_releases_deventer_and_roosendaal_concepts_holding_every_passage_their_response_quotes(seeded):
    """The loader of reactie-*.yaml anchors a comment on its quote: the words must be in that section."""
    from peerreview.portret import services as portret_services
    from peerreview.portret.models import Portret
    from peerreview.sanitize import plain_text

    seeded.expire_all()  # the PDFs were rendered by a job in its own session
    for slug in ("deventer", "roosendaal"):
        visitatie = seeded.scalar(select(Visitatie).join(Gemeente).order_by(Visitatie.id).where(Gemeente.slug == slug))
        assert visitatie.state.value in AFTER_RELEASE, slug
        portret = seeded.scalar(select(Portret).where(Portret.visitatie_id == visitatie.id))
        assert portret.released_version is not None and portret.released_version > 1  # generated, then edited
        released = portret_services.version(seeded, portret, portret.released_version)
        assert released.content["motto"]
        assert released.pdf.startswith(b"%PDF") and released.pdf_checksum == released.checksum
        quoted = [c for c in _demo_file(f"reactie-{slug}.yaml")["comments"] if c.get("quote")]
        assert quoted, slug
        # the concept the gemeente commented on (a later loader may apply the corrections in a newer version)
        commented = [v for v in portret_services.versions(seeded, portret) if v.number <= portret.released_version]
        for comment in quoted:
            texts = [
                " ".join(plain_text(portret_services.section_of(v.content, comment["section"])["html"]).split())
                for v in commented
            ]
            assert any(text.count(comment["quote"]) == 1 for text in texts), (slug, comment["key"])


def test_demo_responses_deventer_answered_and_adopted_roosendaal_still_open():
    deventer, roosendaal = _demo_file("reactie-deventer.yaml"), _demo_file("reactie-roosendaal.yaml")
    assert 5 <= len(deventer["comments"]) <= 7 and deventer["sent"] and deventer["adopt"]
    assert {a["comment"] for a in deventer["answers"]} == {c["key"] for c in deventer["comments"]}
    assert any(c["kind"] == "feitelijke_onjuistheid" and c["correction"] for c in deventer["comments"])
    assert {c["by"] for c in deventer["comments"]} >= {"coordinator", "invuller", "guest:ggz"}
    assert 3 <= len(roosendaal["comments"]) <= 4 and roosendaal["sent"] is False
    assert "answers" not in roosendaal and "adopt" not in roosendaal
    assert str(roosendaal["deadline"]) >= "2026-12-17"
    assert "held" in _demo_file("sessie-deventer.yaml") and "held" not in _demo_file("sessie-roosendaal.yaml")
    assert _demo_file("publicatie-deventer.yaml")["publication"] == "netwerk"


def test_demo_peel_en_maas_held_its_reflectiesessie_with_lessons_points_and_wederhoor(seeded):
    from peerreview.mail.models import OutgoingMail
    from peerreview.reflectiesessie.models import ImprovementPoint, ReflectieSessie, SessieAttendee, SessieLesson

    peel = seeded.scalar(select(Visitatie).join(Gemeente).order_by(Visitatie.id).where(Gemeente.slug == "peel-en-maas"))
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


def test_demo_deventer_has_an_earlier_round_the_network_puts_next_to_the_current_one(seeded, app, client):
    """ronde-2023-deventer.yaml: the analyst finds both rounds of Deventer side by side, with the judgements
    of each team, and the library lists the earlier portret with the three definitive ones of this round."""
    client.post_form("/inloggen", {"email": "analist@netwerk.demo", "password": demo.PASSWORD})
    history = client.get("/netwerk/gemeenten/deventer/rondes")
    assert history.status_code == 200
    html = history.get_data(as_text=True)
    assert "Visitatieronde jeugdhulp 2023" in html and "Visitatieronde jeugdhulp 2026–2027" in html
    assert "Van Wieg naar Werk: vooraan in de wijk" in html and "anders dan eerder" in html
    library = client.get("/netwerk/portretten?status=definitief").get_data(as_text=True)
    assert library.count('href="/netwerk/gemeenten/deventer/rondes"') == 2
    assert "Van Wieg naar Werk: vooraan in de wijk" in library
    figures = client.get("/netwerk/cijfers?kengetal=JH121&tegen=SES_DECIEL&set=alle&groep=NL01")
    assert figures.status_code == 200 and "Gemeente met een portret" in figures.get_data(as_text=True)


def test_demo_analyst_coded_shared_passages_with_lenses(seeded, app, client):
    """The analyst's lens codes (demo_content/lenzen.yaml) sit on passages of the network index, and the
    lens page shows them to a participant of the network."""
    from peerreview.network.lens_models import PassageCode
    from peerreview.network.lenses import valid_pair
    from peerreview.network.models import NetworkPassage

    codes = seeded.scalars(select(PassageCode)).all()
    coded = {c.passage_key for c in codes}
    assert 10 <= len(coded) <= 20
    assert all(valid_pair(c.lens, c.code) for c in codes)
    indexed = set(seeded.scalars(select(NetworkPassage.key).where(NetworkPassage.key.in_(coded))))
    assert indexed == coded
    assert {c.lens for c in codes} >= {"jeugdwet_doelen", "sturing"}
    client.post_form("/inloggen", {"email": "coordinator@emmen.demo", "password": demo.PASSWORD})
    page = client.get("/netwerk/lenzen").get_data(as_text=True)
    assert "Deventer (" in page


def test_demo_peel_en_maas_and_zaltbommel_work_on_their_verbeteragenda(seeded):
    from peerreview.agenda.models import ActionLine, Agenda, Part, PartStatus, ProgressUpdate, ReportingPeriod

    def agenda_of(slug):
        gemeente = seeded.scalar(select(Gemeente).where(Gemeente.slug == slug))
        return seeded.scalar(select(Agenda).where(Agenda.gemeente_id == gemeente.id))

    peel = agenda_of("peel-en-maas")
    parts = [p for line in peel.action_lines for p in line.parts]
    assert (len(peel.action_lines), len(parts), len(peel.periods)) == (4, 11, 2)
    lapsed = [p for p in parts if p.status is PartStatus.VERVALLEN]
    assert len(lapsed) == 1 and lapsed[0].status_reason
    assert all(line.sources for line in peel.action_lines)  # each answers a point of the portret or the session
    kinds = {s.kind.value for line in peel.action_lines for s in line.sources}
    assert kinds == {"ontwikkelpunt", "verbeterpunt"}
    for period in peel.periods:
        count = seeded.scalar(
            select(func.count()).select_from(ProgressUpdate).where(ProgressUpdate.period_id == period.id)
        )
        assert count >= 6, period.name
    zaltbommel = agenda_of("zaltbommel")
    assert len(zaltbommel.periods) == 1 and zaltbommel.action_lines
    assert seeded.scalar(select(func.count()).select_from(ReportingPeriod)) == 3
    assert seeded.scalar(select(func.count()).select_from(ActionLine)) == 4 + len(zaltbommel.action_lines)
    assert seeded.scalar(select(func.count()).select_from(Part)) == 11 + sum(
        len(line.parts) for line in zaltbommel.action_lines
    )


def test_demo_has_four_rode_draden_one_ter_toetsing_with_two_responses_one_settled_and_a_report(seeded, app, client):
    from peerreview.network import threads
    from peerreview.network.models import Audience
    from peerreview.network.threads_models import NetworkReport, Thread, ThreadState

    items = seeded.scalars(select(Thread).order_by(Thread.id)).all()
    assert len(items) == 4
    states = [t.state for t in items]
    assert states.count(ThreadState.VASTGESTELD) == 1 and states.count(ThreadState.TER_TOETSING) == 1
    toetsing = next(t for t in items if t.state is ThreadState.TER_TOETSING)
    assert len(threads.responses(seeded, toetsing)) == 2
    views = threads.views(seeded, items, tuple(Audience))
    assert all(e.available for v in views for e in [*v.supporting, *v.counter])  # every quote found its passage
    assert any(e.item.gemeente.slug == "roosendaal" for v in views for e in v.supporting)
    report = seeded.scalars(select(NetworkReport)).one()
    settled = next(t for t in items if t.state is ThreadState.VASTGESTELD)
    assert [t["id"] for t in report.content["threads"]] == [settled.id]
    assert report.pdf.startswith(b"%PDF") and report.pdf_checksum == report.checksum


def test_demo_roosendaal_proposed_respondents_the_team_adopted_declined_or_left_open(seeded):
    from peerreview.visit.models import ProposalStatus, Respondent, RespondentProposal

    roosendaal = seeded.scalar(select(Gemeente).where(Gemeente.slug == "roosendaal"))
    proposals = seeded.scalars(select(RespondentProposal).where(RespondentProposal.gemeente_id == roosendaal.id))
    by_status: dict[ProposalStatus, list[RespondentProposal]] = {}
    for item in proposals:
        by_status.setdefault(item.status, []).append(item)
    adopted = by_status[ProposalStatus.OVERGENOMEN]
    assert len(adopted) == 2 and all(seeded.get(Respondent, p.respondent_id).role == p.role for p in adopted)
    assert by_status[ProposalStatus.AFGEWEZEN][0].reason and len(by_status[ProposalStatus.VOORGESTELD]) == 1
    assert all(p.name == "" for items in by_status.values() for p in items)  # no names in the demo
