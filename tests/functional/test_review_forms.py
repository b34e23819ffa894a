"""Every POST of the review goes through a form: hostile values (ids beyond the integer range, negative,
not a number, NUL characters, too long) give a Dutch 422 or a 404, never a server error, and what the
reviewer typed comes back with the message."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from peerreview.review.models import Annotation, ReviewAssignment, ThemeSummary, VisitQuestion
from tests.functional.test_review import annotate, declare, review, set_team, submit  # noqa: F401  (fixture)

HOSTILE = ["99999999999999999999", "2147483648", "-1", "abc", "1\x00", "\x00", "١٢", "9" * 5000]


@pytest.fixture
def reviewing(client_for, review):  # noqa: F811
    set_team(client_for, review, review["lead"], review["member"])
    submit(client_for, review)
    declare(client_for, review, review["lead"])
    return review


def text_of(response):
    return response.get_data(as_text=True)


# A NUL (or another control character) in any input is refused app-wide before a view runs, with this message.
NUL_REFUSED = "onzichtbaar stuurteken"


def message_for(value, message):
    return NUL_REFUSED if "\x00" in value else message


@pytest.mark.parametrize("value", HOSTILE)
def test_team_form_refuses_ids_that_are_no_one_in_dutch(client_for, review, session, value):  # noqa: F811
    staff = client_for(review["staff"])
    path = f"{review['base']}/reviewteam"
    for data in ({"lead": value}, {"lead": review["lead"].id, "member1": value}):
        response = staff.post_form(path, data)
        assert response.status_code == 422, data
        assert message_for(str(data.get("member1", value)), "uit de lijst") in text_of(response)
    assert session.scalars(select(ReviewAssignment)).all() == []


def test_team_form_refuses_a_person_who_cannot_review(client_for, review, session):  # noqa: F811
    response = client_for(review["staff"]).post_form(f"{review['base']}/reviewteam", {"lead": review["staff"].id})
    assert response.status_code == 422
    assert "Kies de teamleider uit de lijst." in text_of(response)
    assert 'aria-invalid="true"' in text_of(response)


def test_path_ids_beyond_the_integer_range_are_not_found(client_for, reviewing):
    lead = client_for(reviewing["lead"])
    for path in (
        "/visitaties/99999999999999999999/review",
        "/visitaties/2147483648/review/themas",
        "/visitaties/9223372036854775808/annotaties.csv",
        f"{reviewing['base']}/review/aantekeningen/99999999999999999999",
        f"{reviewing['base']}/review/aantekeningen/2147483648",
        "/rondes/99999999999999999999/reviewteams",
    ):
        assert lead.get(path).status_code == 404, path
    token = lead.csrf(f"{reviewing['base']}/review")
    reply = lead.post(
        f"{reviewing['base']}/review/aantekeningen/2147483648/reacties", data={"csrf_token": token, "body": "Ja."}
    )
    assert reply.status_code == 404


def test_a_filter_on_a_reviewer_that_is_not_a_number_is_ignored(client_for, reviewing):
    lead = client_for(reviewing["lead"])
    annotate(lead, reviewing, body="Zichtbaar voor iedereen.")
    for value in ("²", "١٢", "99999999999999999999", "-1", "x"):
        response = lead.get(f"{reviewing['base']}/review", query_string={"reviewer": value})
        assert response.status_code == 200, value
        assert "Zichtbaar voor iedereen." in text_of(response)


def test_declaration_without_the_tick_is_refused_in_dutch(client_for, review):  # noqa: F811
    set_team(client_for, review, review["lead"], review["member"])
    response = client_for(review["lead"]).post_form(f"{review['base']}/review/verklaring", {"confirm": ""})
    assert response.status_code == 422
    assert "Vink aan dat je geen belangenconflict hebt" in text_of(response)


@pytest.mark.parametrize("field", ["start", "end", "document_id"])
def test_annotation_with_a_hostile_number_is_refused_and_keeps_the_text(client_for, reviewing, session, field):
    lead = client_for(reviewing["lead"])
    for value in HOSTILE:
        response = annotate(lead, reviewing, body="Mijn getypte opmerking.", quote="Visie", **{field: value})
        assert response.status_code == 422, value
        page = text_of(response)
        assert message_for(value, "De aantekening is niet opgeslagen") in page
        assert "Mijn getypte opmerking." in page
    assert session.scalars(select(Annotation)).all() == []


def test_a_refused_annotation_comes_back_as_typed(client_for, reviewing, session):
    lead = client_for(reviewing["lead"])
    response = annotate(lead, reviewing, question_key="s1_2", themes=[], kind="vraag", body="Hoe zit dit?")
    assert response.status_code == 422
    page = text_of(response)
    assert "Kies minstens één thema." in page
    assert "Hoe zit dit?</textarea>" in page
    assert '<option value="s1_2" selected>' in page
    assert 'id="k-vraag" name="kind" value="vraag" checked' in page
    too_long = annotate(lead, reviewing, themes=["T3"], body="x" * 8001)
    assert too_long.status_code == 422
    assert "Gebruik hoogstens 8000 tekens." in text_of(too_long)
    assert 'id="t-T3" name="themes" value="T3" checked' in text_of(too_long)


def test_nul_characters_are_refused_in_dutch_not_a_server_error(client_for, reviewing, session):
    lead = client_for(reviewing["lead"])
    response = annotate(lead, reviewing, quote="Vi\x00sie", body="Sterk\x00 punt.")
    assert response.status_code == 422
    assert NUL_REFUSED in text_of(response) and "Sterk" in text_of(response)
    assert session.scalar(select(Annotation)) is None


def test_a_refused_reply_keeps_the_text_at_its_annotation(client_for, reviewing, session):
    lead = client_for(reviewing["lead"])
    annotate(lead, reviewing, question_key="s4_1", themes=["T9"], body="Over de monitoring.")
    annotation = session.scalar(select(Annotation))
    path = f"{reviewing['base']}/review/aantekeningen/{annotation.id}/reacties"
    token = lead.csrf(f"{reviewing['base']}/review")
    empty = lead.post(path, data={"csrf_token": token, "body": "   "})
    assert empty.status_code == 422
    assert "Schrijf eerst je reactie." in text_of(empty)
    assert "Over de monitoring." in text_of(empty)  # the chapter of the annotation, not the first one
    long = lead.post(path, data={"csrf_token": token, "body": "Mijn reactie " + "y" * 4000})
    assert long.status_code == 422
    assert "Gebruik hoogstens 4000 tekens." in text_of(long) and "Mijn reactie yyy" in text_of(long)
    ok = lead.post(path, data={"csrf_token": token, "body": "Eens."})
    assert ok.status_code == 302
    session.refresh(annotation)
    assert [r.body for r in annotation.replies] == ["Eens."]


def test_a_refused_change_keeps_the_text_and_others_cannot_change_it(client_for, reviewing, session):
    lead = client_for(reviewing["lead"])
    annotate(lead, reviewing, body="Eerste versie.")
    annotation = session.scalar(select(Annotation))
    path = f"{reviewing['base']}/review/aantekeningen/{annotation.id}"
    token = lead.csrf(path)
    refused = lead.post(path, data={"csrf_token": token, "action": "save", "kind": "vraag", "body": "Nieuwe tekst."})
    assert refused.status_code == 422
    assert "Kies minstens één thema" in text_of(refused) and "Nieuwe tekst.</textarea>" in text_of(refused)
    unknown = lead.post(path, data={"csrf_token": token, "action": "\x00", "themes": ["T1"], "body": "Nieuw."})
    assert unknown.status_code == 422
    session.refresh(annotation)
    assert annotation.body == "Eerste versie."
    declare(client_for, reviewing, reviewing["member"])
    member = client_for(reviewing["member"])
    assert member.get(path).status_code == 404
    token = member.csrf(f"{reviewing['base']}/review")
    assert member.post(path, data={"csrf_token": token, "action": "delete"}).status_code == 404
    assert session.get(Annotation, annotation.id) is not None


@pytest.mark.parametrize("value", HOSTILE)
def test_summary_with_a_hostile_base_revision_keeps_the_text(client_for, reviewing, session, value):
    lead = client_for(reviewing["lead"])
    response = lead.post_form(
        f"{reviewing['base']}/review/themas", {"theme": "T9", "summary": "Mijn samenvatting.", "base": value}
    )
    assert response.status_code == 422
    assert message_for(value, "De pagina was verouderd") in text_of(response)
    assert "Mijn samenvatting." in text_of(response)
    assert session.scalars(select(ThemeSummary)).all() == []


def test_summary_of_an_unknown_theme_or_judgement_is_refused_with_a_message(client_for, reviewing, session):
    response = client_for(reviewing["lead"]).post_form(
        f"{reviewing['base']}/review/themas", {"theme": "T99", "summary": "Tekst.", "base": "0"}
    )
    assert response.status_code == 422
    assert "Onbekend thema." in text_of(response)
    judged = client_for(reviewing["lead"]).post_form(
        f"{reviewing['base']}/review/themas", {"theme": "T9", "judgement": "10", "summary": "Mijn tekst.", "base": "0"}
    )
    assert judged.status_code == 422
    assert "Kies een van de drie oordelen." in text_of(judged) and "Mijn tekst." in text_of(judged)
    assert session.scalars(select(ThemeSummary)).all() == []


def test_visit_questions_refuse_hostile_ids_and_empty_text(client_for, reviewing, session):
    lead = client_for(reviewing["lead"])
    guide = f"{reviewing['base']}/review/leidraad"
    for value in HOSTILE:
        response = lead.post_form(guide, {"action": "save", "id": value, "text": "Andere vraag"})
        assert response.status_code == 422, value
        assert message_for(value, "Deze vraag staat niet (meer) op de lijst.") in text_of(response)
    assert lead.post_form(guide, {"action": "delete", "id": "2147483647"}).status_code == 404
    unknown_theme = lead.post_form(guide, {"action": "add", "theme": "T13", "text": "Een vraag"})
    assert unknown_theme.status_code == 422 and "Kies een thema uit de lijst." in text_of(unknown_theme)
    empty = lead.post_form(guide, {"action": "add", "theme": "T3", "text": " "})
    assert empty.status_code == 422 and "Schrijf eerst de vraag." in text_of(empty)
    long = lead.post_form(guide, {"action": "add", "theme": "T3", "text": "Mijn vraag " + "z" * 2000})
    assert long.status_code == 422 and "Mijn vraag zzz" in text_of(long)
    assert '<option value="T3" selected>' in text_of(long)
    assert lead.post_form(guide, {"action": "add", "theme": "T3", "text": "Wat werkt?"}).status_code == 302
    question = session.scalar(select(VisitQuestion))
    assert (question.theme_code, question.text) == ("T3", "Wat werkt?")
    changed = lead.post_form(guide, {"action": "save", "id": str(question.id), "text": "Wat werkt goed?"})
    assert changed.status_code == 302
    session.refresh(question)
    assert question.text == "Wat werkt goed?"


REVIEW_POSTS = {
    "/reviewteam": ["lead", "member1", "member2"],
    "/review/verklaring": ["confirm"],
    "/review/aantekeningen": ["question_key", "start", "end", "quote", "themes", "kind", "body", "document_id"],
    "/review/themas": ["theme", "judgement", "summary", "base"],
    "/review/leidraad": ["action", "id", "theme", "text"],
    "/review/delen": [],
}


@pytest.mark.parametrize("path", sorted(REVIEW_POSTS))
def test_no_hostile_value_in_any_review_form_field_is_a_server_error(client_for, reviewing, session, path):
    staff, lead = client_for(reviewing["staff"]), client_for(reviewing["lead"])
    annotate(lead, reviewing)
    annotation = session.scalar(select(Annotation))
    paths = {path: lead}
    if path == "/reviewteam":
        paths = {path: staff}
    if path == "/review/aantekeningen":  # and the annotation's own forms
        paths[f"/review/aantekeningen/{annotation.id}"] = lead
        paths[f"/review/aantekeningen/{annotation.id}/reacties"] = lead
    for suffix, client in paths.items():
        token = client.csrf(f"{reviewing['base']}/review/leidraad")
        fields = REVIEW_POSTS.get(suffix, ["action", "themes", "kind", "body", "quote"]) or ["anything"]
        for field in fields:
            for value in [*HOSTILE, "", "\udcff".encode("utf-8", "surrogatepass"), '{"a": [[[[[[]]]]]]}']:
                response = client.post(reviewing["base"] + suffix, data={"csrf_token": token, field: value})
                assert response.status_code < 500, (suffix, field, value)
