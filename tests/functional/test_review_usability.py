"""Issue 13's smaller findings: the JSON-LD export keeps a detached annotation's quote, the
gespreksleidraad sorts themes as numbers, the annotation form is one jump away, reopening has a link,
sections without required questions are not "done", and texts address their reader."""

from __future__ import annotations

import json

import pytest

from peerreview.review import visit_questions
from peerreview.review.models import AnchorStatus
from peerreview.rounds.models import VisitatieState
from peerreview.selfeval.services import Progress
from tests.factories import visited


@pytest.fixture
def world(app, session, make):
    return visited(app, session, make)


def test_jsonld_keeps_the_quote_of_a_detached_annotation_and_marks_it(client_for, world, session):
    strength = world["strength"]
    strength.anchor_status, strength.start, strength.end = AnchorStatus.DETACHED, None, None
    session.commit()
    data = json.loads(client_for(world["lead"]).get(f"{world['base']}/annotaties.jsonld").get_data(as_text=True))
    item = next(i for i in data["first"]["items"] if i["id"].endswith(f"#a-{strength.id}"))
    assert item["target"]["selector"] == {
        "type": "TextQuoteSelector",
        "exact": "Antwoord op",
        "prefix": strength.prefix,
        "suffix": strength.suffix,
    }
    assert item["target"]["anchorStatus"] == "detached"


def test_the_guide_sorts_themes_as_numbers(client_for, world, session):
    for code in ("T10", "T2", None, "T12", "T1"):
        visit_questions.add_question(session, world["visitatie"], code, f"Vraag bij {code}")
    world["visitatie"].state = VisitatieState.IN_REVIEW  # the list can be edited
    session.commit()
    codes = [q.theme_code for q in visit_questions.visit_questions(session, world["visitatie"])]
    assert codes == ["T1", "T2", "T10", "T12", None]
    page = client_for(world["lead"]).get(f"{world['base']}/review/leidraad").get_data(as_text=True)
    assert page.index("Vraag bij T2") < page.index("Vraag bij T10")
    assert "de vaste reviewvragen toevoegen" in page and "vaste reviewvragen van het netwerk" in page


def test_the_workspace_has_a_skip_link_and_the_quote_before_the_document_box(client_for, world, session):
    world["visitatie"].state = VisitatieState.IN_REVIEW  # annotating is open
    session.commit()
    page = client_for(world["lead"]).get(f"{world['base']}/review").get_data(as_text=True)
    assert 'class="skip-link" href="#new-annotation"' in page and "sneltoets: n" in page
    assert 'id="new-annotation" tabindex="-1"' in page
    assert page.index('id="question_key"') < page.index('id="quote"') < page.index('id="body"')


def test_a_quote_typed_without_an_answer_is_kept_with_a_dutch_message(client_for, world, session):
    world["visitatie"].state = VisitatieState.IN_REVIEW
    session.commit()
    base = world["base"]
    data = {"question_key": "", "quote": "De toegang loopt via het wijkteam", "themes": ["T3"], "kind": "vraag"}
    response = client_for(world["lead"]).post_form(
        f"{base}/review/aantekeningen", {**data, "body": "Hoe lang wachten ouders?"}, token_from=f"{base}/review"
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Je hebt een citaat ingevuld, maar geen antwoord gekozen." in page
    assert ">De toegang loopt via het wijkteam</textarea>" in page and "Hoe lang wachten ouders?" in page


def test_a_section_without_required_questions_is_not_done():
    empty = Progress(section=None, required=0, done=0, words=0, last_edit=None, assigned_to=None)  # type: ignore[arg-type]
    assert not empty.complete and empty.percent == 0
    half = Progress(section=None, required=2, done=1, words=0, last_edit=None, assigned_to=None)  # type: ignore[arg-type]
    assert not half.complete and half.percent == 50


def test_round_staff_find_the_reopen_link_and_texts_address_their_reader(client_for, world, session):
    world["visitatie"].state = VisitatieState.IN_REVIEW
    session.commit()
    staff_page = client_for(world["staff"]).get(world["base"]).get_data(as_text=True)
    assert f"{world['base']}/zelfevaluatie/heropenen" in staff_page
    assert "Deventer heeft de basisversie ingediend." in staff_page and "Jullie vullen" not in staff_page
    read = client_for(world["staff"]).get(f"{world['base']}/zelfevaluatie/lezen").get_data(as_text=True)
    assert f"{world['base']}/zelfevaluatie/heropenen" in read
    own = client_for(world["coordinator"]).get(world["base"]).get_data(as_text=True)
    assert "Jullie hebben de basisversie ingediend." in own
    assert "/zelfevaluatie/heropenen" not in own  # the gemeente does not reopen its own submission


def test_same_region_people_are_marked_while_choosing_and_warned_on_the_declaration(client_for, app, make, session):
    from tests.functional.test_review import review as review_fixture

    review = review_fixture.__wrapped__(app, make, session)
    page = client_for(review["staff"]).get(f"{review['base']}/reviewteam").get_data(as_text=True)
    neighbour = next(line for line in page.splitlines() if "Zeynep Zandbergen" in line)
    assert "Zeynep Zandbergen, Zwolle (IJsselland) — zelfde jeugdregio, niet toegestaan" in neighbour
    assert "Eline Elsinga, Emmen (Drenthe)</option>" in page  # another region: no mark
    assert "hoort bij jeugdregio IJsselland" in page

    review["round"].same_region_rule = "warn"
    session.commit()
    saved = client_for(review["staff"]).post_form(
        f"{review['base']}/reviewteam", {"lead": review["lead"].id, "member1": review["neighbour"].id, "member2": ""}
    )
    assert saved.status_code == 302
    declaration = client_for(review["neighbour"]).get(f"{review['base']}/review/verklaring").get_data(as_text=True)
    assert "jouw gemeente hoort net als Deventer bij jeugdregio IJsselland" in declaration
    other = client_for(review["lead"]).get(f"{review['base']}/review/verklaring").get_data(as_text=True)
    assert "jouw gemeente hoort net als" not in other


def test_the_users_page_shows_held_roles_as_text_and_actions_apart(client_for, make):
    from peerreview.accounts.models import NetworkRole

    admin = make.user("beheer@netwerk.nl", network_role=NetworkRole.ADMIN)
    make.user("analist@netwerk.nl", network_role=NetworkRole.ANALYST, name="Anna Analist")
    page = client_for(admin).get("/beheer/gebruikers").get_data(as_text=True)
    row = page[page.index("Anna Analist") :]
    row = row[: row.index("</tr>")]
    cells = row.split("<td")
    assert "Analist" in cells[3] and "<button" not in cells[3]  # the held role, as text
    assert "Analist intrekken" in row and "Rondecoördinator toekennen" in row  # actions, in their own column


def test_a_typo_fix_in_a_revision_moves_the_annotation_with_it(app, client_for, make, session):
    from sqlalchemy import select

    from peerreview.review.models import Annotation
    from peerreview.rounds.models import Visitatie
    from peerreview.selfeval import services
    from peerreview.selfeval.models import Answer
    from tests.functional.test_review import annotate, declare, set_team, submit
    from tests.functional.test_review import review as review_fixture

    review = review_fixture.__wrapped__(app, make, session)

    def write(html: str) -> None:
        visitatie = session.get(Visitatie, review["visitatie"].id)
        session.refresh(visitatie)
        with app.test_request_context():
            question = services.definition_for(visitatie).questions["s1_1"]
            current = session.scalar(select(Answer).where(Answer.question_key == "s1_1"))
            services.save_answer(session, review["writer"], visitatie, question, {"html": html}, current.revision)
            session.commit()

    write("<p>Kern van onze visie is gebiedgericht werken. In de praktjik kennen de wijkteams hun buurt.</p>")
    set_team(client_for, review, review["lead"], review["member"])
    submit(client_for, review)
    declare(client_for, review, review["lead"])
    lead = client_for(review["lead"])
    annotate(lead, review, quote="Kern van onze visie is gebiedgericht werken")
    annotate(lead, review, quote="In de praktjik kennen de wijkteams hun buurt")
    client_for(review["staff"]).post_form(f"{review['base']}/zelfevaluatie/heropenen", {"reason": "Typefouten"})
    write("<p>Kern van onze visie is gebiedsgericht werken. In de praktijk kennen de wijkteams hun buurt.</p>")
    submit(client_for, review)
    session.expire_all()
    first, second = session.scalars(select(Annotation).order_by(Annotation.id)).all()
    assert (first.anchor_status, first.exact) == (AnchorStatus.MOVED, "Kern van onze visie is gebiedsgericht werken")
    assert (second.anchor_status, second.exact) == (AnchorStatus.MOVED, "In de praktijk kennen de wijkteams hun buurt")
    assert first.original_exact == "Kern van onze visie is gebiedgericht werken"  # the quote as first made
    assert second.prefix.endswith("werken. ") and second.start == first.end + 2
