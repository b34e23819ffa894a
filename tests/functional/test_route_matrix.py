"""Every URL rule with an object in it, opened by a user of another gemeente: always 404.

The matrix is built from ``app.url_map``, so it grows with every new route. A rule with an
argument the matrix does not know fails the test: add the argument to ``world`` below.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from peerreview.accounts import auth
from peerreview.accounts.models import Invitation, Membership, MembershipRole
from peerreview.agenda.models import ActionLine, Agenda, Part, ReportingPeriod
from peerreview.agenda.report_models import ShareLink
from peerreview.indicators.models import IndicatorImport
from peerreview.mail.models import OutgoingMail
from peerreview.network import indexer
from peerreview.network.models import NetworkPassage
from peerreview.network.threads_models import Thread, ThreadEvidence, ThreadState
from peerreview.portret.models import Portret, PortretVersion, VersionKind
from peerreview.reflectie.models import Comment, CommentKind, GuestLink
from peerreview.reflectiesessie.models import ImprovementPoint, ReflectieSessie, SessieAttendee, SessieLesson
from peerreview.review.models import Annotation, AnnotationKind
from peerreview.rounds.models import Variant, Visitatie, VisitatieState
from peerreview.selfeval.models import Answer, Casus, Document, Submission
from peerreview.visit.models import (
    Conversation,
    ConversationFormat,
    ConversationMode,
    ConversationRespondent,
    Quote,
    Respondent,
    RespondentGroup,
    RespondentProposal,
)
from tests import factories

# Capability URLs: whoever holds the secret token may open them. They have their own tests
# (tests/functional/test_invitations.py, test_reflectie.py) and answer 404 for any token that is not valid.
CAPABILITY_ENDPOINTS = {
    "accounts.accept_invitation",
    "accounts.reset_password",
    "reflectie.guest",
    "agenda_reports.shared",
    "agenda_reports.shared_portret",
}
SKIPPED_ENDPOINTS = {"static"}
# Arguments that name network-wide objects (an indicator's code): with the outsider's own gemeente in
# the URL such a page is theirs, so only gemeente A's slug is tried.
GLOBAL_ARGUMENTS = {"code"}


@pytest.fixture(
    params=[VisitatieState.INGEDIEND, VisitatieState.PORTRET_CONCEPT, VisitatieState.DEFINITIEF], ids=lambda s: s.value
)
def world(request, make, session):
    """Gemeente A with one of every object; gemeente B's users try to reach them. Three times: just
    submitted (the most open state for the review), with a concept portret released to gemeente A, and
    with the portret adopted (definitief, published to nobody beyond the gemeente)."""
    a, b = make.gemeente("Aardam"), make.gemeente("Beekdorp")
    a_coordinator = make.user(gemeente=a, role=MembershipRole.COORDINATOR)
    round_ = make.round("Ronde", gemeenten=(a, b))
    invitation = Invitation(
        email="x@aardam.nl",
        gemeente_id=a.id,
        membership_role=MembershipRole.VIEWER,
        token_hash=auth.new_token()[1],
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )
    mail = OutgoingMail(recipient="x@aardam.nl", subject="s", body_text="t", body_html="h")
    session.add_all([invitation, mail])
    visitatie = session.scalar(select(Visitatie).where(Visitatie.gemeente_id == a.id))
    # submitted: the most open state for reviewers and round staff; outsiders must still get 404
    visitatie.variant, visitatie.definition_version, visitatie.state = Variant.PLUS, 1, request.param
    session.flush()
    answer = Answer(
        gemeente_id=a.id,
        visitatie_id=visitatie.id,
        question_key="s1_1",
        revision=1,
        value={"html": "<p>Geheim</p>"},
        plain="Geheim",
    )
    casus = Casus(
        gemeente_id=a.id,
        visitatie_id=visitatie.id,
        pseudonym="Casus Noor",
        consent_scope="dossier",
    )
    document = Document(
        gemeente_id=a.id,
        visitatie_id=visitatie.id,
        title="Nota",
        filename="nota.pdf",
        filetype="pdf",
        mimetype="application/pdf",
        size=3,
        sha256="0" * 64,
        content=b"%PDF",
    )
    session.add_all([answer, casus, document])
    session.flush()
    submission = Submission(
        gemeente_id=a.id,
        visitatie_id=visitatie.id,
        number=1,
        checksum="0" * 64,
        snapshot={
            "answers": {"s1_1": {"value": {"html": "<p>Geheim</p>"}, "plain": "Geheim", "revision": 1}},
            "cases": [],
        },
    )
    session.add(submission)
    session.flush()
    annotation = Annotation(
        gemeente_id=a.id,
        visitatie_id=visitatie.id,
        submission_id=submission.id,
        question_key="s1_1",
        themes=["T1"],
        kind=AnnotationKind.STERKTE,
        body="Sterk",
    )
    respondent = Respondent(
        gemeente_id=a.id,
        visitatie_id=visitatie.id,
        role="Wethouder",
        group=RespondentGroup.GEMEENTE,
        may_quote=True,
    )
    # a respondent gemeente A proposed for the visit (visit/proposals.py), with the name of a contact
    proposal = RespondentProposal(
        gemeente_id=a.id,
        visitatie_id=visitatie.id,
        name="Geheime contactpersoon",
        role="Intern begeleider",
        group=RespondentGroup.ONDERWIJS,
    )
    session.add(proposal)
    conversation = Conversation(
        gemeente_id=a.id,
        visitatie_id=visitatie.id,
        subject="Startgesprek",
        planned_on=date(2026, 11, 3),
        format=ConversationFormat.GROEP,
        mode=ConversationMode.DIGITAAL,
        notes="<p>Vertrouwelijk verslag</p>",
        notes_plain="Vertrouwelijk verslag",
    )
    indicator = factories.indicator("JH121")
    upload = IndicatorImport(filename="cbs.csv", content=b"RegioS;Perioden", status="klaar")
    portret = Portret(gemeente_id=a.id, visitatie_id=visitatie.id, skeleton_version=1, current_version=1)
    session.add_all([annotation, respondent, conversation, indicator, upload, portret])
    session.flush()
    session.add(ConversationRespondent(gemeente_id=a.id, conversation_id=conversation.id, respondent_id=respondent.id))
    quote = Quote(
        gemeente_id=a.id,
        visitatie_id=visitatie.id,
        conversation_id=conversation.id,
        respondent_id=respondent.id,
        text="Vertrouwelijk",
    )
    content = {
        "skeleton": 1,
        "gemeente": a.name,
        "motto": "",
        "sections": [
            {
                "key": "visie",
                "kind": "narrative",
                "level": 1,
                "title": "Visie",
                "html": "<p>Geheim</p>",
                "provenance": {},
            }
        ],
    }
    session.add_all(
        [
            quote,
            PortretVersion(
                gemeente_id=a.id,
                portret_id=portret.id,
                number=1,
                content=content,
                checksum="0" * 64,
                kind=VersionKind.DEFINITIEF if request.param is VisitatieState.DEFINITIEF else VersionKind.CONCEPT,
            ),
        ]
    )
    if request.param in (VisitatieState.PORTRET_CONCEPT, VisitatieState.DEFINITIEF):
        portret.released_version = 1
    if request.param is VisitatieState.DEFINITIEF:
        portret.proposed_version = portret.adopted_version = 1
        portret.adopted_at = datetime.now(UTC)
    session.flush()
    token, token_hash = auth.new_token()
    guest = GuestLink(
        gemeente_id=a.id,
        portret_id=portret.id,
        role="Jeugdverpleegkundige",
        organisation="GGD",
        token_hash=token_hash,
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )
    session.add(guest)
    session.flush()
    reactie = Comment(
        gemeente_id=a.id,
        portret_id=portret.id,
        kind=CommentKind.FEITELIJKE_ONJUISTHEID,
        body="Klopt niet",
        correction="Geheimer",
        section_key="visie",
        version_number=1,
        guest_link_id=guest.id,
    )
    session.add(reactie)
    sessie = ReflectieSessie(
        gemeente_id=a.id,
        visitatie_id=visitatie.id,
        ics_uid="sessie@test",
        planned_on=date(2026, 12, 10),
        starts_at=time(13, 30),
        ends_at=time(16, 0),
        location="Raadzaal",
    )
    session.add(sessie)
    session.flush()
    attendee = SessieAttendee(gemeente_id=a.id, sessie_id=sessie.id, role="Wethouder", organisation="Aardam")
    lesson = SessieLesson(gemeente_id=a.id, sessie_id=sessie.id, visitatie_id=visitatie.id, theme="T1", text="Les")
    point = ImprovementPoint(gemeente_id=a.id, sessie_id=sessie.id, visitatie_id=visitatie.id, theme="T2", text="Punt")
    session.add_all([attendee, lesson, point])
    agenda = Agenda(gemeente_id=a.id, visitatie_id=visitatie.id)
    session.add(agenda)
    session.flush()
    line = ActionLine(gemeente_id=a.id, agenda_id=agenda.id, title="Geheime actielijn", themes=["T2"])
    period = ReportingPeriod(
        gemeente_id=a.id, agenda_id=agenda.id, name="Voorjaar", starts_on=date(2027, 1, 1), ends_on=date(2027, 6, 30)
    )
    session.add_all([line, period])
    session.flush()
    agenda_part = Part(gemeente_id=a.id, action_line_id=line.id, result="Geheim resultaat")
    session.add(agenda_part)
    # A rode draad ter toetsing that quotes gemeente A's lesson (indexed below): for A's members only.
    thread = Thread(statement="Gemeenten die", state=ThreadState.TER_TOETSING)
    session.add(thread)
    session.flush()
    evidence = ThreadEvidence(
        thread_id=thread.id,
        passage_key=f"lesson:{lesson.id}",
        exact="Les",
        start=0,
        end=3,
        gemeente_id=a.id,
        visitatie_id=visitatie.id,
        round_id=round_.id,
        kind="les",
        audience="netwerk",
    )
    session.add(evidence)
    # the verbeteragenda's read-only links (agenda/report_views.py)
    share = ShareLink(
        gemeente_id=a.id,
        visitatie_id=visitatie.id,
        label="Gemeenteraad",
        token_hash=auth.new_token()[1],
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )
    session.add(share)
    session.commit()
    indexer.reindex_visitatie(session, visitatie.id)  # the network sees the lessons as concept (staff only)
    session.commit()
    values = {
        "slug": a.slug,
        "membership_id": session.scalar(select(Membership.id).where(Membership.user_id == a_coordinator.id)),
        "invitation_id": invitation.id,
        "visitatie_id": session.scalar(select(Visitatie.id).where(Visitatie.gemeente_id == a.id)),
        "round_id": round_.id,
        "user_id": a_coordinator.id,
        "mail_id": mail.id,
        "role": "admin",
        "section_key": "s1",
        "question_key": "s1_1",
        "casus_id": casus.id,
        "document_id": document.id,
        "annotation_id": annotation.id,
        "respondent_id": respondent.id,
        "proposal_id": proposal.id,
        "conversation_id": conversation.id,
        "quote_id": quote.id,
        "code": indicator.code,
        "import_id": upload.id,
        "section": "visie",
        "number": 1,
        "comment_id": reactie.id,
        "link_id": guest.id,
        "token": token,
        "attendee_id": attendee.id,
        "lesson_id": lesson.id,
        "point_id": point.id,
        # a passage of A in the network index: concept material (network staff only)
        "key": session.scalar(
            select(NetworkPassage.key).where(NetworkPassage.visitatie_id == visitatie.id).order_by(NetworkPassage.id)
        ),
        "lens": "sturing",
        "thread_id": thread.id,
        "evidence_id": evidence.id,
        "gemeente_id": a.id,
        "theme": "T1",
        "line_id": line.id,
        "part_id": agenda_part.id,
        "period_id": period.id,
        "share_id": share.id,
    }
    outsiders = {
        "coordinator of B": make.user(gemeente=b, role=MembershipRole.COORDINATOR),
        "contributor of B": make.user(gemeente=b, role=MembershipRole.CONTRIBUTOR),
    }
    council = make.user(gemeente=a, role=MembershipRole.RAAD)
    return {"values": values, "outsiders": outsiders, "b_slug": b.slug, "council": council, "state": request.param}


def object_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.arguments and rule.endpoint not in CAPABILITY_ENDPOINTS | SKIPPED_ENDPOINTS
    ]


def urls_for(rule, world):
    missing = rule.arguments - world["values"].keys()
    assert not missing, f"route matrix: add a value for {sorted(missing)} (rule {rule.rule}) to the world fixture"
    values = {name: world["values"][name] for name in rule.arguments}
    yield rule.build(values, append_unknown=False)[1]
    if "slug" in rule.arguments and not rule.arguments - {"slug"} <= GLOBAL_ARGUMENTS:
        # the outsider's own gemeente in the URL, with gemeente A's object id
        yield rule.build({**values, "slug": world["b_slug"]}, append_unknown=False)[1]


def test_matrix_covers_the_object_routes(app):
    endpoints = {rule.endpoint for rule in object_rules(app)}
    assert {
        "tenants.show",
        "tenants.change_role",
        "rounds.visitatie",
        "rounds.show",
        "admin.toggle_network_role",
        "network.history_rounds",
    } <= endpoints


def test_no_object_of_one_gemeente_opens_for_another(app, client_for, world):
    checked = 0
    for who, user in world["outsiders"].items():
        client = client_for(user)
        token = client.csrf("/account")
        for rule in object_rules(app):
            for url in urls_for(rule, world):
                for method in sorted(rule.methods & {"GET", "POST"}):
                    if method == "GET":
                        response = client.get(url)
                    else:
                        response = client.post(
                            url,
                            data={
                                "csrf_token": token,
                                "role": "coordinator",
                                "variant": "plus",
                                "email": "x@example.nl",
                                "scope": "openbaar",
                                "reason": "Erratum",
                            },
                        )
                    assert response.status_code == 404, f"{who}: {method} {url} gave {response.status_code}"
                    checked += 1
    assert checked >= 20


def test_an_anonymous_visitor_opens_no_object_route(app, client, world):
    """Without an account: a login page or 404 (a portret published to nobody beyond its gemeente
    included), never the object."""
    checked = 0
    for rule in object_rules(app):
        for url in urls_for(rule, world):
            if "GET" in rule.methods:
                response = client.get(url)
                assert response.status_code in (302, 404), f"GET {url} gave {response.status_code}"
                if response.status_code == 302:
                    assert "/inloggen" in response.headers["Location"], url
                checked += 1
    assert checked >= 20
    assert "Set-Cookie" not in client.get("/portretten").headers


# What a council member or auditor of gemeente A (MembershipRole.RAAD) may open: the verbeteragenda (read)
# and the definitive portret. Every other object route, and every POST, is 404 for them.
COUNCIL_ENDPOINTS = {
    "definitief.show",
    "definitief.pdf",
    "agenda.show",
    "agenda.overview",
    "agenda.part",
    "agenda_reports.index",
    "agenda_reports.report",
    "agenda_reports.report_pdf",
    "agenda_reports.report_docx",
    "agenda_reports.parts_csv",
}


def test_a_council_member_opens_only_the_agenda_and_the_definitive_portret(app, client_for, world):
    client = client_for(world["council"])
    token = client.csrf("/account")
    opened = set()
    for rule in object_rules(app):
        for url in urls_for(rule, world):
            own_gemeente = world["b_slug"] not in url.split("/")
            for method in sorted(rule.methods & {"GET", "POST"}):
                if method == "GET":
                    response = client.get(url)
                else:
                    response = client.post(url, data={"csrf_token": token, "role": "coordinator", "scope": "openbaar"})
                readable = method == "GET" and rule.endpoint in COUNCIL_ENDPOINTS and own_gemeente
                if readable and world["state"] is VisitatieState.DEFINITIEF:
                    assert response.status_code in (200, 202), f"council: {method} {url} gave {response.status_code}"
                    opened.add(rule.endpoint)
                else:
                    assert response.status_code == 404, f"council: {method} {url} gave {response.status_code}"
    if world["state"] is VisitatieState.DEFINITIEF:
        assert opened >= COUNCIL_ENDPOINTS


def test_council_members_see_no_staff_or_network_page(app, client_for, world):
    client = client_for(world["council"])
    for url in ("/rondes", "/rondes/nieuw", "/gemeenten/", "/beheer/gebruikers", "/beheer/audit/", "/outbox/"):
        assert client.get(url).status_code == 404, url
    home = client.get("/").get_data(as_text=True)
    assert "/zelfevaluatie" not in home and "/gemeenten/" not in home


def test_object_free_staff_pages_are_404_for_gemeente_users(app, client_for, world):
    client = client_for(world["outsiders"]["coordinator of B"])
    for url in ("/rondes", "/rondes/nieuw", "/gemeenten/", "/beheer/gebruikers", "/beheer/audit/", "/outbox/"):
        assert client.get(url).status_code == 404, url
