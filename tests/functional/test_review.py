"""Peer review: teams and conflict rules, the declaration gate, annotations, visibility, themes,
the visit's questions, re-anchoring after resubmission, and the exports."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from peerreview.accounts.models import MembershipRole, NetworkRole
from peerreview.audit.models import AuditEvent
from peerreview.mail.models import OutgoingMail
from peerreview.review.models import AnchorStatus, Annotation, ReviewAssignment
from peerreview.rounds.models import Visitatie, VisitatieState
from peerreview.selfeval.models import Answer
from tests.factories import complete_selfeval, start_selfeval


@pytest.fixture
def review(app, make, session):
    deventer = make.gemeente("Deventer", regio="IJsselland")
    zwolle = make.gemeente("Zwolle", regio="IJsselland")
    emmen = make.gemeente("Emmen", regio="Drenthe")
    utrecht = make.gemeente("Utrecht", regio="Utrecht stad")
    coordinator = make.user("coord@deventer.nl", gemeente=deventer, role=MembershipRole.COORDINATOR)
    writer = make.user("schrijver@deventer.nl", gemeente=deventer)
    lead = make.user("lead@emmen.nl", gemeente=emmen, role=MembershipRole.COORDINATOR, name="Eline Elsinga")
    member = make.user("lid@utrecht.nl", gemeente=utrecht, name="Umut Uitdehaag")
    neighbour = make.user("buur@zwolle.nl", gemeente=zwolle, name="Zeynep Zandbergen")
    staff = make.user("ronde@netwerk.nl", network_role=NetworkRole.ROUND_COORDINATOR)
    round_ = make.round("Ronde Oost")
    visitatie = start_selfeval(session, make.visitatie(deventer, round_))
    other = start_selfeval(session, make.visitatie(emmen, round_))
    complete_selfeval(app, session, visitatie, writer)
    return {
        "visitatie": visitatie,
        "other": other,
        "coordinator": coordinator,
        "writer": writer,
        "lead": lead,
        "member": member,
        "neighbour": neighbour,
        "staff": staff,
        "round": round_,
        "base": f"/visitaties/{visitatie.id}",
    }


def submit(client_for, review):
    client_for(review["coordinator"]).post_form(f"{review['base']}/zelfevaluatie/indienen")


def set_team(client_for, review, lead, *members):
    data = {
        "lead": lead.id,
        "member1": members[0].id if members else "",
        "member2": members[1].id if len(members) > 1 else "",
    }
    return client_for(review["staff"]).post_form(f"{review['base']}/reviewteam", data)


def declare(client_for, review, user):
    return client_for(user).post_form(f"{review['base']}/review/verklaring", {"confirm": "ja"})


def annotate(client, review, **fields):
    data = {"question_key": "s1_1", "quote": "", "themes": ["T7"], "kind": "sterkte", "body": "Sterk punt.", **fields}
    return client.post_form(f"{review['base']}/review/aantekeningen", data, token_from=f"{review['base']}/review")


def test_team_rules_block_own_gemeente_and_same_region(client_for, review, session):
    response = set_team(client_for, review, review["writer"], review["member"])
    assert response.status_code == 422
    assert "Deventer" in response.get_data(as_text=True)
    same_region = set_team(client_for, review, review["neighbour"], review["member"])
    assert same_region.status_code == 422
    assert session.scalars(select(ReviewAssignment)).all() == []
    ok = set_team(client_for, review, review["lead"], review["member"])
    assert ok.status_code == 302
    roles = {a.user_id: a.role.value for a in session.scalars(select(ReviewAssignment))}
    assert roles == {review["lead"].id: "lead", review["member"].id: "member"}
    mails = {
        m.recipient for m in session.scalars(select(OutgoingMail).where(OutgoingMail.subject.like("Je bent reviewer%")))
    }
    assert mails == {"lead@emmen.nl", "lid@utrecht.nl"}


def test_same_region_is_only_a_warning_when_the_round_allows_it(client_for, review, session):
    round_ = session.merge(review["round"])
    round_.same_region_rule = "warn"
    session.commit()
    response = set_team(client_for, review, review["neighbour"], review["member"])
    assert response.status_code == 302


def test_suggested_teams_respect_the_rules(client_for, review, session):
    staff = client_for(review["staff"])
    page = staff.get(f"/rondes/{review['round'].id}/reviewteams").get_data(as_text=True)
    assert "Voorstel:" in page
    staff.post_form(f"/rondes/{review['round'].id}/reviewteams")
    for assignment in session.scalars(select(ReviewAssignment)):
        visitatie = session.get(Visitatie, assignment.visitatie_id)
        reviewer_gemeente = assignment.user.memberships[0].gemeente
        assert reviewer_gemeente.id != visitatie.gemeente_id
        assert reviewer_gemeente.jeugdregio_id != visitatie.gemeente.jeugdregio_id


def test_reviewers_declare_before_they_see_anything(client_for, review):
    set_team(client_for, review, review["lead"], review["member"])
    submit(client_for, review)
    lead = client_for(review["lead"])
    assert lead.get(f"{review['base']}/review").headers["Location"].endswith("/review/verklaring")
    assert lead.get(f"{review['base']}/zelfevaluatie/lezen").status_code == 404
    unchecked = lead.post_form(f"{review['base']}/review/verklaring", {})
    assert "Vink aan dat je geen belangenconflict hebt" in unchecked.get_data(as_text=True)
    declare(client_for, review, review["lead"])
    assert lead.get(f"{review['base']}/review").status_code == 200
    assert lead.get(f"{review['base']}/zelfevaluatie/lezen").status_code == 200


def test_reviewers_get_404_before_submission_and_on_other_visitaties(client_for, review):
    set_team(client_for, review, review["lead"], review["member"])
    declare(client_for, review, review["lead"])
    lead = client_for(review["lead"])
    # not submitted yet: the workspace points to the declaration page, which says so; the content is 404
    waiting = lead.get(f"{review['base']}/review", follow_redirects=True).get_data(as_text=True)
    assert "De zelfevaluatie is nog niet ingediend" in waiting
    for path in ("/zelfevaluatie/onderdelen/s1", "/zelfevaluatie/lezen", "/annotaties.jsonld", "/review/themas"):
        assert lead.get(review["base"] + path).status_code == 404, path
    submit(client_for, review)
    assert lead.get(f"/visitaties/{review['other'].id}/review").status_code == 404


def test_annotating_by_selection_and_by_quote(client_for, review, session):
    set_team(client_for, review, review["lead"], review["member"])
    submit(client_for, review)
    declare(client_for, review, review["lead"])
    lead = client_for(review["lead"])
    text = session.scalar(select(Answer.plain).where(Answer.question_key == "s1_1"))
    start = text.index("Visie")
    by_selection = annotate(lead, review, start=start, end=start + 5, themes=["T7", "T1"], body="Heldere visie.")
    assert by_selection.status_code == 302
    by_quote = annotate(lead, review, quote="antwoord  op", kind="vraag", body="Hoe weten jullie dit?")
    assert by_quote.status_code == 302
    missing = annotate(lead, review, quote="staat er niet in")
    assert missing.status_code == 422
    assert "staat niet (letterlijk) in het antwoord" in missing.get_data(as_text=True)
    no_theme = annotate(lead, review, themes=[])
    assert "Kies minstens één thema." in no_theme.get_data(as_text=True)
    items = session.scalars(select(Annotation).order_by(Annotation.id)).all()
    assert [(a.exact, a.themes) for a in items] == [("Visie", ["T7", "T1"]), ("Antwoord op", ["T7"])]
    page = lead.get(f"{review['base']}/review").get_data(as_text=True)
    assert f'id="h-{items[0].id}"' in page and f'href="#a-{items[0].id}"' in page
    assert 'class="hl hl-T7' in page


def test_the_gemeente_sees_annotations_only_when_released(client_for, review, session):
    set_team(client_for, review, review["lead"], review["member"])
    submit(client_for, review)
    declare(client_for, review, review["lead"])
    annotate(client_for(review["lead"]), review)
    gemeente = client_for(review["coordinator"])
    for path in ("/review", "/review/themas", "/annotaties.jsonld", "/annotaties.csv"):
        assert gemeente.get(review["base"] + path).status_code == 404, path
    client_for(review["lead"]).post_form(f"{review['base']}/review/delen", token_from=f"{review['base']}/review")
    assert gemeente.get(f"{review['base']}/review").status_code == 200
    assert "Sterk punt." in gemeente.get(f"{review['base']}/review").get_data(as_text=True)
    mail = session.scalar(
        select(OutgoingMail).where(
            OutgoingMail.recipient == "coord@deventer.nl", OutgoingMail.subject.like("De reviewers%")
        )
    )
    assert mail is not None


def test_theme_summary_and_visit_questions(client_for, review, session):
    set_team(client_for, review, review["lead"], review["member"])
    submit(client_for, review)
    declare(client_for, review, review["lead"])
    lead = client_for(review["lead"])
    annotate(lead, review, kind="vraag", themes=["T9"], body="Hoe bespreken jullie de cijfers met de raad?")
    themes_url = f"{review['base']}/review/themas"
    assert (
        lead.post_form(
            themes_url, {"theme": "T9", "judgement": "in_ontwikkeling", "summary": "Goed op weg.", "base": "0"}
        ).status_code
        == 302
    )
    stale = lead.post_form(
        themes_url, {"theme": "T9", "judgement": "in_ontwikkeling", "summary": "Anders", "base": "0"}
    )
    assert stale.status_code == 409
    assert "Anders" in stale.get_data(as_text=True)
    guide = f"{review['base']}/review/leidraad"
    lead.post_form(guide, {"action": "build"})
    page = lead.get(guide).get_data(as_text=True)
    assert "Hoe bespreken jullie de cijfers met de raad?" in page


def test_agreement_points_to_discuss(client_for, review, session):
    set_team(client_for, review, review["lead"], review["member"])
    submit(client_for, review)
    for user in (review["lead"], review["member"]):
        declare(client_for, review, user)
    annotate(client_for(review["lead"]), review, quote="Visie en doelstellingen", themes=["T7"])
    annotate(client_for(review["member"]), review, quote="Visie en doelstellingen", themes=["T1"])
    page = client_for(review["lead"]).get(f"{review['base']}/review/themas").get_data(as_text=True)
    assert "Om te bespreken in het team" in page
    assert "0 van 1 keer" in page


def test_jsonld_export_has_the_w3c_required_fields(client_for, review, session):
    set_team(client_for, review, review["lead"], review["member"])
    submit(client_for, review)
    declare(client_for, review, review["lead"])
    lead = client_for(review["lead"])
    annotate(lead, review, quote="Visie", themes=["T7", "T1"])
    annotate(lead, review, quote="", body="Over het geheel.")
    data = json.loads(lead.get(f"{review['base']}/annotaties.jsonld").get_data(as_text=True))
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection" and data["total"] == 2
    for item in data["first"]["items"]:
        assert item["@context"] == "http://www.w3.org/ns/anno.jsonld"
        assert item["type"] == "Annotation"
        assert item["id"].startswith("http")
        assert "source" in item["target"]
        assert item["motivation"] in {"assessing", "questioning", "commenting"}
    positioned = next(i for i in data["first"]["items"] if "selector" in i["target"])
    selector = positioned["target"]["selector"]
    assert {s["type"] for s in selector} == {"TextQuoteSelector", "TextPositionSelector"}
    from peerreview.review.themes import themes

    tags = {b["value"] for b in positioned["body"] if b["purpose"] == "tagging"}
    assert tags == {f"T7 {themes()['T7'].label}", f"T1 {themes()['T1'].label}"}
    assert data["first"]["items"][0]["creator"]["name"] == "Eline Elsinga"


def test_anonymous_review_shows_roles_only(client_for, review, session):
    round_ = session.merge(review["round"])
    round_.anonymous_review = True
    session.commit()
    set_team(client_for, review, review["lead"], review["member"])
    submit(client_for, review)
    declare(client_for, review, review["lead"])
    lead = client_for(review["lead"])
    annotate(lead, review, quote="Visie")
    data = json.loads(lead.get(f"{review['base']}/annotaties.jsonld").get_data(as_text=True))
    assert data["first"]["items"][0]["creator"]["name"] == "Teamleider"
    assert "Eline" not in lead.get(f"{review['base']}/annotaties.csv").get_data(as_text=True)


def test_resubmission_reanchors_annotations(app, client_for, review, session):
    set_team(client_for, review, review["lead"], review["member"])
    submit(client_for, review)
    declare(client_for, review, review["lead"])
    lead = client_for(review["lead"])
    annotate(lead, review, quote="Visie en doelstellingen")
    annotate(lead, review, question_key="s1_2", quote="Mate van succes")
    # reopen, change the texts: one passage moves, the other is rewritten away
    client_for(review["staff"]).post_form(f"{review['base']}/zelfevaluatie/heropenen", {"reason": "Aanvullen"})
    from peerreview.selfeval import services

    visitatie = session.get(Visitatie, review["visitatie"].id)
    session.refresh(visitatie)
    with app.test_request_context():
        definition = services.definition_for(visitatie)
        for key, html in (
            ("s1_1", "<p>Nieuwe inleiding.</p><p>Antwoord op Visie en doelstellingen.</p>"),
            ("s1_2", "<p>Helemaal herschreven tekst zonder dat stuk.</p>"),
        ):
            current = session.scalar(select(Answer).where(Answer.question_key == key))
            services.save_answer(
                session, review["writer"], visitatie, definition.questions[key], {"html": html}, current.revision
            )
        session.commit()
    submit(client_for, review)
    session.expire_all()
    moved, gone = session.scalars(select(Annotation).order_by(Annotation.id)).all()
    new_text = session.scalar(select(Answer.plain).where(Answer.question_key == "s1_1"))
    assert moved.anchor_status in (AnchorStatus.ANCHORED, AnchorStatus.MOVED)
    assert new_text[moved.start : moved.end] == "Visie en doelstellingen"
    assert gone.anchor_status is AnchorStatus.DETACHED and gone.start is None
    assert gone.original_exact == "Mate van succes"
    assert session.get(Visitatie, review["visitatie"].id).state is VisitatieState.INGEDIEND


def test_reviewers_must_set_up_two_factor(client, make, review, client_for, session):
    from tests.factories import PASSWORD

    strict = make.user(
        "strikt@utrecht.nl", gemeente=session.get(Visitatie, review["other"].id).gemeente, two_factor_exempt=False
    )
    set_team(client_for, review, review["lead"], strict)
    client.post_form("/inloggen", {"email": "strikt@utrecht.nl", "password": PASSWORD})
    assert client.get("/").headers["Location"].endswith("/account/tweestaps")


def test_annotations_on_a_document_as_a_whole(client_for, review, session):
    from io import BytesIO

    writer = client_for(review["writer"])
    writer.post(
        f"{review['base']}/zelfevaluatie/documenten/toevoegen",
        content_type="multipart/form-data",
        data={
            "csrf_token": writer.csrf(f"{review['base']}/zelfevaluatie/documenten"),
            "title": "Beleidskader",
            "file": (BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), "kader.pdf"),
        },
    )
    set_team(client_for, review, review["lead"], review["member"])
    submit(client_for, review)
    declare(client_for, review, review["lead"])
    lead = client_for(review["lead"])
    from peerreview.selfeval.models import Document

    document = session.scalar(select(Document))
    response = annotate(
        lead,
        review,
        question_key="",
        document_id=document.id,
        body="Mist de cijfers van 2025.",
        kind="ontbrekend_bewijs",
    )
    assert response.status_code == 302
    annotation = session.scalar(select(Annotation))
    assert (annotation.question_key, annotation.document_id) == (None, document.id)
    assert response.headers["Location"].endswith(f"/review?onderdeel=documenten#a-{annotation.id}")
    page = lead.get(response.headers["Location"]).get_data(as_text=True)
    assert "Aantekeningen bij documenten" in page and "Beleidskader" in page
    assert "Aantekeningen bij documenten" not in lead.get(f"{review['base']}/review").get_data(as_text=True)
    assert annotate(lead, review, question_key="", document_id=9999).status_code == 422


def test_annotations_on_case_texts_never_reach_round_staff_and_their_reads_are_logged(app, client_for, make, session):
    from peerreview.rounds.models import Variant
    from peerreview.selfeval.models import Casus

    gemeente = make.gemeente("Peel en Maas", regio="Noord-Limburg")
    reviewer_gemeente = make.gemeente("Emmen", regio="Drenthe")
    coordinator = make.user(gemeente=gemeente, role=MembershipRole.COORDINATOR)
    lead = make.user(gemeente=reviewer_gemeente, role=MembershipRole.COORDINATOR)
    staff = make.user(network_role=NetworkRole.ROUND_COORDINATOR)
    visitatie = start_selfeval(session, make.visitatie(gemeente), Variant.PLUS)
    base = f"/visitaties/{visitatie.id}"
    from datetime import date

    from peerreview.review import assignments
    from peerreview.selfeval import cases, services
    from peerreview.selfeval.submission import submit as submit_selfeval

    complete_selfeval(app, session, visitatie, coordinator)
    with app.test_request_context():
        definition = services.definition_for(visitatie)
        for n in range(3):
            casus = cases.create(
                session,
                coordinator,
                visitatie,
                pseudonym=f"Casus {n}",
                given_by="jongere",
                given_on=date(2026, 10, 1),
                scope="dossier",
                recorded_how="schriftelijk",
            )
            for field in cases.fields(definition):
                services.save_answer(
                    session,
                    coordinator,
                    visitatie,
                    field.question,
                    {"html": f"<p>Vertrouwelijke tekst {n}.</p>"},
                    0,
                    key=casus.field_key(field.key),
                )
        submit_selfeval(session, coordinator, visitatie)
        assignments.set_team(session, staff, visitatie, lead.id, [])
        assignments.declare(session, lead, visitatie)
        session.commit()
    first = session.scalar(select(Casus).order_by(Casus.id))
    lead_client = client_for(lead)
    response = lead_client.post_form(
        f"{base}/review/aantekeningen",
        {
            "question_key": f"casus{first.id}_dossieronderzoek",
            "quote": "Vertrouwelijke tekst",
            "themes": ["T2"],
            "kind": "sterkte",
            "body": "Mooi uitgewerkt.",
        },
        token_from=f"{base}/review",
    )
    assert response.status_code == 302
    cases_page = lead_client.get(f"{base}/review?onderdeel=casussen")  # a GET: logged, nothing else written
    assert cases_page.status_code == 200 and "Vertrouwelijke tekst 2" in cases_page.get_data(as_text=True)
    reads = session.scalars(select(AuditEvent).where(AuditEvent.action == "casus_read")).all()
    assert sorted(e.object_id for e in reads) == sorted(session.scalars(select(Casus.id)))
    assert {e.actor_id for e in reads} == {lead.id}
    assert "Vertrouwelijke tekst" in lead_client.get(f"{base}/annotaties.jsonld").get_data(as_text=True)
    staff_client = client_for(staff)
    for path in ("/review", "/annotaties.jsonld", "/annotaties.csv", "/review/themas"):
        body = staff_client.get(base + path).get_data(as_text=True)
        assert "Vertrouwelijke tekst" not in body, path
        assert "Mooi uitgewerkt." not in body, path


def test_the_workspace_shows_one_chapter_at_a_time(client_for, review, session):
    set_team(client_for, review, review["lead"], review["member"])
    submit(client_for, review)
    declare(client_for, review, review["lead"])
    lead = client_for(review["lead"])
    first = annotate(lead, review, question_key="s1_1", body="Over de visie.")
    later = annotate(lead, review, question_key="s4_1", themes=["T9"], body="Over de monitoring.")
    assert "onderdeel=s1" in first.headers["Location"] and "onderdeel=s4" in later.headers["Location"]
    opening = lead.get(f"{review['base']}/review").get_data(as_text=True)  # the first chapter
    assert "Over de visie." in opening and "Over de monitoring." not in opening
    assert '(1<span class="visually-hidden"> aantekeningen</span>)' in opening  # counts per chapter in the nav
    monitoring = lead.get(f"{review['base']}/review?onderdeel=s4").get_data(as_text=True)
    assert "Over de monitoring." in monitoring and "Over de visie." not in monitoring
    everything = lead.get(f"{review['base']}/review?onderdeel=alles").get_data(as_text=True)
    assert "Over de visie." in everything and "Over de monitoring." in everything
    filtered = lead.get(f"{review['base']}/review?onderdeel=alles&thema=T9").get_data(as_text=True)
    assert "Over de monitoring." in filtered and "Over de visie." not in filtered
    assert lead.get(f"{review['base']}/review?onderdeel=bestaat-niet").status_code == 200  # falls back to the first


def test_resubmission_reanchors_through_the_submission_revised_signal(app, client_for, review, session):
    from peerreview import signals
    from peerreview.selfeval import submission
    from peerreview.selfeval.models import Submission

    set_team(client_for, review, review["lead"], review["member"])
    submit(client_for, review)
    declare(client_for, review, review["lead"])
    annotate(client_for(review["lead"]), review, quote="Visie en doelstellingen")
    client_for(review["staff"]).post_form(f"{review['base']}/zelfevaluatie/heropenen", {"reason": "Aanvullen"})
    received = []

    def spy(sender, **kwargs):
        received.append((sender.id, kwargs["previous"].number, kwargs["new"].number))

    with app.test_request_context(), signals.submission_revised.connected_to(spy):
        visitatie = session.get(Visitatie, review["visitatie"].id)
        with signals.submission_revised.muted():  # nobody listening: the annotation stays where it was
            unheard = submission.submit(session, review["coordinator"], visitatie)
        assert received == []
        assert session.scalar(select(Annotation.submission_id)) != unheard.id
        session.rollback()
        session.expire_all()
        visitatie = session.get(Visitatie, review["visitatie"].id)
        heard = submission.submit(session, review["coordinator"], visitatie)
        session.commit()
    assert received == [(review["visitatie"].id, 1, 2)]
    annotation = session.scalar(select(Annotation))
    assert annotation.submission_id == heard.id == session.scalar(select(Submission.id).where(Submission.number == 2))
    assert annotation.anchor_status is AnchorStatus.ANCHORED


def test_marked_answers_are_kept_until_an_annotation_or_the_text_changes(app, client_for, review, session, monkeypatch):
    """An answer with its passages marked is rendered once and then kept (``workspace_views._marked``): a
    new annotation, a changed one and a resubmitted text are on the next page at once, and what a page
    with fewer annotations kept (a filter, another user's view) never shows on a page with others."""
    from peerreview.fragments import FragmentCache
    from peerreview.review import workspace_views
    from peerreview.selfeval import services

    monkeypatch.setattr(workspace_views, "_marked", FragmentCache(workspace_views.MARKED_ANSWERS))
    renders: list[str] = []
    real = workspace_views.highlighted
    monkeypatch.setattr(workspace_views, "highlighted", lambda text, *rest: renders.append(text) or real(text, *rest))
    set_team(client_for, review, review["lead"], review["member"])
    submit(client_for, review)
    for user in (review["lead"], review["member"]):
        declare(client_for, review, user)
    lead, member = client_for(review["lead"]), client_for(review["member"])
    chapter = f"{review['base']}/review?onderdeel=s1"
    annotate(lead, review, quote="Visie en doelstellingen", themes=["T7"])
    assert 'class="hl hl-T7"' in lead.get(chapter).get_data(as_text=True)
    assert renders
    renders.clear()
    assert 'class="hl hl-T7"' in lead.get(chapter).get_data(as_text=True)
    assert renders == []  # nothing changed: every answer came from memory

    annotate(member, review, quote="Visie en doelstellingen", themes=["T1"], body="Ander thema.")
    mine, theirs = session.scalars(select(Annotation).order_by(Annotation.id)).all()
    filtered = member.get(f"{chapter}&reviewer={review['member'].id}").get_data(as_text=True)
    assert f'data-annotations="a-{theirs.id}"' in filtered and f'id="h-{mine.id}"' not in filtered
    both = lead.get(chapter).get_data(as_text=True)
    assert f'data-annotations="a-{mine.id} a-{theirs.id}"' in both and f'id="h-{theirs.id}"' in both

    lead.post_form(
        f"{review['base']}/review/aantekeningen/{mine.id}",
        {"action": "save", "themes": ["T3"], "kind": "sterkte", "body": "Sterk punt."},
        token_from=f"{review['base']}/review/aantekeningen/{mine.id}",
    )
    assert 'class="hl hl-T3 hl-overlap"' in lead.get(chapter).get_data(as_text=True)

    client_for(review["staff"]).post_form(f"{review['base']}/zelfevaluatie/heropenen", {"reason": "Aanvullen"})
    visitatie = session.get(Visitatie, review["visitatie"].id)
    session.refresh(visitatie)
    with app.test_request_context():
        question = services.definition_for(visitatie).questions["s1_1"]
        current = session.scalar(select(Answer).where(Answer.question_key == "s1_1"))
        html = "<p>Een nieuwe inleiding.</p><p>Visie en doelstellingen.</p>"
        services.save_answer(session, review["writer"], visitatie, question, {"html": html}, current.revision)
        session.commit()
    submit(client_for, review)
    assert "Een nieuwe inleiding." in lead.get(chapter).get_data(as_text=True)
