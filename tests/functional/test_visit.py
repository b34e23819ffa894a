"""The visit: planning conversations with respondents by role, notes without overwriting, quotes only
with consent, who sees what, and starting the visit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from peerreview.audit.models import AuditEvent
from peerreview.rounds.models import Visitatie, VisitatieState
from peerreview.visit.models import Conversation, ConversationInterviewer, ConversationRespondent, Quote, Respondent
from tests.factories import visited


@pytest.fixture
def world(app, session, make):
    return visited(app, session, make)


def test_a_conversation_is_planned_with_team_members_and_respondents(client_for, world, session):
    lead = client_for(world["lead"])
    base = f"{world['base']}/visitatie"
    added = lead.post_form(
        f"{base}/respondenten",
        {"role": "Directeur samenwerkingsverband PO", "organisation": "SWV PO", "group": "onderwijs", "number": "1"},
    )
    assert added.status_code == 302
    school = session.scalar(select(Respondent).where(Respondent.role == "Directeur samenwerkingsverband PO"))
    assert school.may_quote is False  # only when ticked
    planned = lead.post_form(
        f"{base}/gesprekken/nieuw",
        {
            "subject": "Onderwijs en jeugdhulp",
            "planned_on": "2026-11-20",
            "starts_at": "13:30",
            "format": "individueel",
            "mode": "digitaal",
            "status": "gepland",
            "interviewers": [str(world["member"].id)],
            "respondents": [str(school.id)],
        },
    )
    assert planned.status_code == 302
    item = session.scalar(select(Conversation).where(Conversation.subject == "Onderwijs en jeugdhulp"))
    assert item.interviewer_ids == [world["member"].id]
    links = session.scalars(select(ConversationRespondent).where(ConversationRespondent.conversation_id == item.id))
    assert [link.respondent_id for link in links] == [school.id]
    overview = lead.get(base).get_data(as_text=True)
    assert "Onderwijs en jeugdhulp" in overview and "Directeur samenwerkingsverband PO, SWV PO" in overview


def test_changing_the_interviewers_replaces_their_rows(client_for, world, session):
    item = world["conversation"]  # held by the lead
    changed = client_for(world["lead"]).post_form(
        f"{world['base']}/visitatie/gesprekken/{item.id}/planning",
        {
            "subject": item.subject,
            "planned_on": item.planned_on.isoformat(),
            "format": item.format.value,
            "mode": item.mode.value,
            "status": item.status.value,
            "interviewers": [str(world["member"].id)],
            "respondents": [str(world["respondent"].id)],
        },
    )
    assert changed.status_code == 302
    rows = session.scalars(select(ConversationInterviewer).where(ConversationInterviewer.conversation_id == item.id))
    assert [(row.gemeente_id, row.user_id) for row in rows] == [(item.gemeente_id, world["member"].id)]
    page = client_for(world["lead"]).get(f"{world['base']}/visitatie/gesprekken/{item.id}").get_data(as_text=True)
    assert f"<dt>Gesprekvoerders</dt><dd>{world['member'].name}</dd>" in page


def test_interviewers_come_from_the_team(client_for, world, session):
    response = client_for(world["lead"]).post_form(
        f"{world['base']}/visitatie/gesprekken/nieuw",
        {
            "subject": "Met een buitenstaander",
            "planned_on": "2026-11-20",
            "format": "groep",
            "mode": "digitaal",
            "status": "gepland",
            "interviewers": [str(world["outsider"].id)],
        },
    )
    assert response.status_code == 422
    assert "Met een buitenstaander" in response.get_data(as_text=True)  # what was typed stays
    assert session.scalar(select(Conversation).where(Conversation.subject == "Met een buitenstaander")) is None


def test_bad_planning_input_gets_dutch_messages_and_keeps_the_text(client_for, world):
    response = client_for(world["lead"]).post_form(
        f"{world['base']}/visitatie/gesprekken/nieuw", {"subject": "Huisartsen", "planned_on": "morgen"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Vul een geldige datum in." in page and 'value="Huisartsen"' in page


def test_notes_saved_on_an_old_revision_are_refused_and_both_shown(client_for, world, session):
    url = f"{world['base']}/visitatie/gesprekken/{world['conversation'].id}/verslag"
    revision = session.get(Conversation, world["conversation"].id).revision
    lead, member = client_for(world["lead"]), client_for(world["member"])
    page = f"{world['base']}/visitatie/gesprekken/{world['conversation'].id}"
    first = lead.post_form(url, {"notes": "<p>Lead schreef dit.</p>", "base_revision": revision}, token_from=page)
    assert first.status_code == 302
    second = member.post_form(url, {"notes": "<p>Lid schreef dit.</p>", "base_revision": revision}, token_from=page)
    assert second.status_code == 409
    body = second.get_data(as_text=True)
    assert "Lid schreef dit." in body and "Lead schreef dit." in body and "intussen opgeslagen" in body
    session.expire_all()
    stored = session.get(Conversation, world["conversation"].id)
    assert stored.notes == "<p>Lead schreef dit.</p>" and stored.revision == revision + 1


def test_quotes_need_consent_and_a_passage_from_the_notes(client_for, world, session):
    conversation = world["conversation"]
    page = f"{world['base']}/visitatie/gesprekken/{conversation.id}"
    lead = client_for(world["lead"])
    missing = lead.post_form(
        f"{page}/citaten", {"respondent": world["respondent"].id, "passage": "Dat zei niemand."}, token_from=page
    )
    assert missing.status_code == 422
    assert "Deze passage staat niet (letterlijk) in het gespreksverslag." in missing.get_data(as_text=True)
    # a respondent who did not agree to be quoted
    respondent = session.get(Respondent, world["respondent"].id)
    quote = session.scalar(select(Quote))
    session.delete(quote)
    respondent.may_quote = False
    session.commit()
    refused = lead.post_form(f"{page}/citaten", {"respondent": respondent.id, "passage": "bij naam"}, token_from=page)
    assert refused.status_code == 422
    assert session.scalar(select(Quote)) is None


def test_a_respondent_with_quotes_keeps_consent_until_the_quotes_are_gone(client_for, world, session):
    url = f"{world['base']}/visitatie/respondenten/{world['respondent'].id}"
    response = client_for(world["lead"]).post_form(
        url, {"role": "Teamleider toegang", "organisation": "Gemeente Deventer", "group": "toegang", "number": "1"}
    )
    assert response.status_code == 422
    assert "Deze respondent heeft al citaten." in response.get_data(as_text=True)
    assert session.get(Respondent, world["respondent"].id).may_quote is True


def test_the_gemeente_sees_the_planning_but_not_the_notes(client_for, world, session):
    gemeente = client_for(world["coordinator"])
    overview = gemeente.get(f"{world['base']}/visitatie")
    assert overview.status_code == 200
    assert "Toegang" in overview.get_data(as_text=True)
    assert "bij naam" not in overview.get_data(as_text=True)
    conversation = f"{world['base']}/visitatie/gesprekken/{world['conversation'].id}"
    assert gemeente.get(conversation).status_code == 404
    assert gemeente.get(f"{world['base']}/visitatie/respondenten").status_code == 404
    assert client_for(world["outsider"]).get(f"{world['base']}/visitatie").status_code == 404
    # the team reads the notes, and every read is in the audit log
    assert client_for(world["member"]).get(conversation).status_code == 200
    reads = session.scalars(select(AuditEvent).where(AuditEvent.action == "visit_notes_read")).all()
    assert [e.actor_id for e in reads] == [world["member"].id]


def test_starting_the_visit_ends_annotating(client_for, session, make, app):
    from tests.factories import visited as build

    world = build(app, session, make)
    visitatie = session.get(Visitatie, world["visitatie"].id)
    visitatie.state = VisitatieState.IN_REVIEW  # back before the visit
    session.commit()
    member = client_for(world["member"])
    assert (
        member.post_form(f"{world['base']}/visitatie/starten", token_from=f"{world['base']}/visitatie").status_code
        == 404
    )
    lead = client_for(world["lead"])
    assert (
        lead.post_form(f"{world['base']}/visitatie/starten", token_from=f"{world['base']}/visitatie").status_code == 302
    )
    session.expire_all()
    assert session.get(Visitatie, visitatie.id).state is VisitatieState.VISITATIE
    review = lead.get(f"{world['base']}/review").get_data(as_text=True)
    assert 'id="annotation-form"' not in review


def test_the_respondent_list_counts_only_held_conversations(client_for, world, session):
    conversation = session.get(Conversation, world["conversation"].id)
    page = client_for(world["lead"]).get(f"{world['base']}/visitatie").get_data(as_text=True)
    assert "Toegang en lokale teams" in page
    from peerreview.visit.models import ConversationStatus

    conversation.status = ConversationStatus.AFGEZEGD
    session.commit()
    page = client_for(world["lead"]).get(f"{world['base']}/visitatie").get_data(as_text=True)
    assert "Er is nog geen gesprek gehouden." in page


@pytest.mark.parametrize("base", ["99999999999999999999", "-1", "twee"])
def test_notes_with_a_bad_revision_number_get_a_dutch_422_and_keep_the_text(client_for, world, session, base):
    url = f"{world['base']}/visitatie/gesprekken/{world['conversation'].id}/verslag"
    page = f"{world['base']}/visitatie/gesprekken/{world['conversation'].id}"
    before = session.get(Conversation, world["conversation"].id).notes
    response = client_for(world["lead"]).post_form(
        url, {"notes": "<p>Nieuw verslag.</p>", "base_revision": base}, token_from=page
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "de versie waarop je wijziging is gebaseerd klopt niet" in body and "Nieuw verslag." in body
    session.expire_all()
    assert session.get(Conversation, world["conversation"].id).notes == before
