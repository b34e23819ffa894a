"""The portret section's writing workspace (its evidence, research questions and coverage, and cited
blocks that become provenance when saved) and the first draft that leads with the team's words and
cites the zelfevaluatie in trimmed excerpts, with a link to the full answer only for readers who may
open the zelfevaluatie."""

from __future__ import annotations

import copy
import re

import pytest
from flask import render_template
from markupsafe import escape
from sqlalchemy import select

from peerreview.portret.models import Portret, PortretVersion, Publication
from peerreview.review.models import Annotation, AnnotationKind, ThemeSummary
from peerreview.selfeval.models import Submission
from tests.factories import current, definitive, generate, visited


@pytest.fixture
def world(app, session, make):
    return visited(app, session, make)


def section(version: PortretVersion, key: str) -> dict:
    return next(s for s in version.content["sections"] if s["key"] == key)


def coverage(page: str) -> str:
    """The text of the coverage list ("Nog niet gebruikt in de tekst")."""
    start = page.index('id="dekking-kop"')
    return page[start : page.index("</section>", start)]


def panel(page: str) -> str:
    return page[page.index('<aside class="workspace-panel"') : page.index("</aside>")]


def test_the_workspace_shows_the_sections_evidence_and_its_research_questions(client_for, world, run_jobs):
    lead = generate(client_for, world, run_jobs)
    visie = panel(lead.get(f"{world['base']}/portret/secties/visie").get_data(as_text=True))
    assert "Een visie die breed gedragen wordt." in visie  # the strength on s1_1 (T7)
    assert "De visie staat al jaren." in visie  # the team's T7 summary
    assert "Antwoord op Visie en doelstellingen." in visie  # an answer the section names
    assert "Q1a" in visie and "Delen de betrokkenen een visie" in visie  # a research question of this section
    assert "We kennen onze gezinnen bij naam." not in visie  # the quote meant for the inrichting
    assert "Het mandaat van het team is nog smal." not in visie  # a point on s2_3_1 (T5)
    inrichting = panel(lead.get(f"{world['base']}/portret/secties/inrichting").get_data(as_text=True))
    assert "We kennen onze gezinnen bij naam." in inrichting
    assert "<strong>Teamleider toegang</strong>" in inrichting  # quotes by the respondent's role
    assert "Het mandaat van het team is nog smal." in inrichting
    assert "Q1b" in inrichting and "Q1a" not in inrichting
    # each item can be inserted as a cited block, and copied as HTML without JavaScript
    quote = world["quote"]
    assert escape(f'data-bewijs="quote:{quote.id}"') in inrichting
    assert "HTML om te kopiëren" in inrichting and "Invoegen" in inrichting


def test_the_workspace_holds_nothing_of_another_gemeente_nor_case_texts_nor_visit_notes(
    app, client_for, world, session, make, run_jobs
):
    submission = session.scalar(select(Submission).where(Submission.visitatie_id == world["visitatie"].id))
    session.add(  # a strength on a case text: case texts never leave the visitatie
        Annotation(
            gemeente_id=world["visitatie"].gemeente_id,
            visitatie_id=world["visitatie"].id,
            submission_id=submission.id,
            question_key="casus1_situatie",
            themes=["T7"],
            kind=AnnotationKind.STERKTE,
            body="Uit het dossier van de jongere.",
            author_id=world["lead"].id,
        )
    )
    zwolle = make.visitatie(world["outsider"].memberships[0].gemeente, world["visitatie"].round)
    session.add(
        ThemeSummary(
            gemeente_id=zwolle.gemeente_id, visitatie_id=zwolle.id, theme_code="T7", summary="Zwolle kiest zelf."
        )
    )
    session.commit()
    lead = generate(client_for, world, run_jobs)
    for key in ("visie", "inrichting", "resume"):
        page = lead.get(f"{world['base']}/portret/secties/{key}").get_data(as_text=True)
        assert "Uit het dossier van de jongere." not in page
        assert "Zwolle kiest zelf." not in page
        assert "Zij zei" not in page  # the conversation notes stay with the team, only quotes are material
    # and the workspace is the team's: the gemeente and outsiders get 404
    for user in ("coordinator", "outsider"):
        assert client_for(world[user]).get(f"{world['base']}/portret/secties/visie").status_code == 404


def test_an_inserted_block_becomes_provenance_and_a_forged_one_does_not(client_for, world, session, run_jobs):
    lead = generate(client_for, world, run_jobs)
    url = f"{world['base']}/portret/secties/inrichting"
    before = current(session, world)
    quote = world["quote"]
    block = (
        f'<blockquote data-bewijs="quote:{quote.id}"><p>“We kennen onze gezinnen bij naam.”</p>'
        "<p>– Teamleider toegang, Gemeente Deventer</p></blockquote>"
    )
    forged = '<p data-bewijs="quote:99999">Verzonnen.</p><p data-bewijs="summary:T12">Niet van deze sectie.</p>'
    saved = lead.post_form(
        url, {"base": before.number, "title": "Inrichting", "html": "<p>Ons verhaal.</p>" + block + forged}
    )
    assert saved.status_code == 302
    entry = section(current(session, world), "inrichting")
    assert "data-bewijs" not in entry["html"]
    keys = re.findall(r'<blockquote data-bron="(b\d+)">', entry["html"])
    assert len(keys) == 1
    assert entry["provenance"][keys[0]][0]["type"] == "quote" and entry["provenance"][keys[0]][0]["id"] == quote.id
    used = {k for s in before.content["sections"] for k in s["provenance"]}
    assert keys[0] not in used  # a new key, not one of another block
    assert "<p>Verzonnen.</p>" in entry["html"] and "<p>Niet van deze sectie.</p>" in entry["html"]
    assert set(entry["provenance"]) == set(re.findall(r'data-bron="(b\d+)"', entry["html"]))
    # the portret shows the inserted quote's source to the team
    page = lead.get(f"{world['base']}/portret").get_data(as_text=True)
    assert f"#citaat-{quote.id}" in page


def test_a_conflicting_save_with_a_cited_block_is_refused_and_keeps_what_was_typed(
    client_for, world, session, run_jobs
):
    lead = generate(client_for, world, run_jobs)
    url = f"{world['base']}/portret/secties/visie"
    assert lead.post_form(url, {"base": 1, "title": "Visie", "html": "<p>Eerst.</p>"}).status_code == 302
    typed = '<p>Mijn tekst.</p><p data-bewijs="summary:T7">De visie staat al jaren.</p>'
    stale = client_for(world["member"]).post_form(url, {"base": 1, "title": "Visie", "html": typed})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert escape(typed) in page and "intussen opgeslagen" in page and "workspace-panel" in page
    assert current(session, world).number == 2


def test_the_coverage_list_follows_the_text(client_for, world, session, run_jobs):
    lead = generate(client_for, world, run_jobs)
    url = f"{world['base']}/portret/secties/visie"
    listed = coverage(lead.get(url).get_data(as_text=True))
    # the draft leads with the T7 summary and holds the strength: only the themes without material are open
    assert "<strong>T1</strong>" in listed and "<strong>T2</strong>" in listed
    assert "<strong>T7</strong>" not in listed and "Een visie die breed gedragen wordt." not in listed
    lead.post_form(url, {"base": 1, "title": "Visie", "html": "<p>Ons eigen verhaal.</p>"})
    listed = coverage(lead.get(url).get_data(as_text=True))
    assert "<strong>T7</strong>" in listed and "Een visie die breed gedragen wordt." in listed
    text = (
        '<p>Ons eigen verhaal.</p><p data-bewijs="summary:T7">De visie staat al jaren.</p>'
        "<p>De politiek-sociale stabiliteit is groot.</p>"
    )
    assert lead.post_form(url, {"base": 2, "title": "Visie", "html": text}).status_code == 302
    listed = coverage(lead.get(url).get_data(as_text=True))
    assert "<strong>T7</strong>" not in listed  # cited: its summary
    assert "<strong>T1</strong>" not in listed  # named in the text
    assert "<strong>T2</strong>" in listed and "Een visie die breed gedragen wordt." in listed


def test_what_the_editor_keeps_per_version_and_submission_follows_a_new_one_and_only_for_the_team(
    client_for, world, session, run_jobs
):
    """The section (per portret version) and the answers of the evidence (per submission) are kept in memory:
    a new version or a new submission shows at once, and someone who may not edit gets 404 all the same."""
    lead = generate(client_for, world, run_jobs)
    url = f"{world['base']}/portret/secties/visie"
    assert "Antwoord op Visie en doelstellingen." in panel(lead.get(url).get_data(as_text=True))
    assert client_for(world["coordinator"]).get(url).status_code == 404  # the gemeente, after the team's read
    assert lead.post_form(url, {"base": 1, "title": "Visie", "html": "<p>Een nieuwe versie.</p>"}).status_code == 302
    assert escape("<p>Een nieuwe versie.</p>") in lead.get(url).get_data(as_text=True)
    # a new submission (as after reopening and submitting again), with another answer
    first = session.scalar(select(Submission).where(Submission.visitatie_id == world["visitatie"].id))
    snapshot = copy.deepcopy(first.snapshot)
    answer = next(a for a in snapshot["answers"].values() if a["plain"] == "Antwoord op Visie en doelstellingen.")
    answer["plain"] = "Een antwoord uit de tweede indiening."
    session.add(
        Submission(
            gemeente_id=first.gemeente_id,
            visitatie_id=first.visitatie_id,
            number=2,
            snapshot=snapshot,
            checksum="0" * 64,
            submitted_by_id=first.submitted_by_id,
        )
    )
    session.commit()
    page = panel(lead.get(url).get_data(as_text=True))
    assert "Een antwoord uit de tweede indiening." in page and "Antwoord op Visie en doelstellingen." not in page


def test_the_draft_leads_with_the_team_and_cites_the_gemeente(client_for, world, session, run_jobs):
    generate(client_for, world, run_jobs)
    version = current(session, world)
    for entry in version.content["sections"]:
        assert "Uit de zelfevaluatie:" not in entry["html"], entry["key"]
    visie = section(version, "visie")["html"]
    first, strength, answer = (
        visie.index("De visie staat al jaren."),
        visie.index("Een visie die breed gedragen wordt."),
        visie.index("De gemeente schrijft: “Antwoord op Visie en doelstellingen.”"),
    )
    assert visie.startswith('<p data-bron="') and first < strength < answer
    inrichting = section(version, "inrichting")["html"]
    assert inrichting.index("Het mandaat van het team is nog smal.") < inrichting.index("De gemeente")
    assert "<blockquote" in inrichting  # the quote set apart


LONG = [
    "Onze visie heet Samen Sterk en gaat over gewoon opgroeien in de eigen buurt.",
    "Daarna volgde een lange periode van overleg met partners, waarin veel is besproken en uitgeprobeerd.",
    "In 2019 stelde de raad het beleidsplan vast; sinds 2021 werken 24 teams met 180 fte volgens de visie.",
    "Tot slot nog een paar woorden over de geschiedenis die niemand hoeft te lezen.",
]


def _long_answer(session, world) -> None:
    submission = session.scalar(select(Submission).where(Submission.visitatie_id == world["visitatie"].id))
    snapshot = dict(submission.snapshot)
    answers = dict(snapshot["answers"])
    answers["s1_1"] = {
        **answers["s1_1"],
        "plain": "\n".join(LONG),
        "value": {"html": "".join(f"<p>{p}</p>" for p in LONG)},
    }
    snapshot["answers"] = answers
    submission.snapshot = snapshot
    session.flush()


def test_a_trimmed_answer_links_to_its_full_text_for_readers_of_the_zelfevaluatie_only(
    app, client_for, client, session, make
):
    world = definitive(app, session, make, prepare=_long_answer)
    version = current(session, world)
    visie = section(version, "visie")["html"]
    assert LONG[0] in visie and LONG[2] in visie  # the first and the most concrete paragraph
    assert LONG[1] not in visie and LONG[3] not in visie  # trimmed
    link = f'href="/visitaties/{world["visitatie"].id}/zelfevaluatie/lezen#a-s1_1"'
    for reader in ("lead", "coordinator"):  # the team, and the gemeente (it may open its own zelfevaluatie)
        page = client_for(world[reader]).get(f"{world['base']}/portret").get_data(as_text=True)
        assert link in page and "Het hele antwoord op" in page and "#zelfevaluatie/" not in page
    item = session.get(Portret, world["portret_id"])
    item.publication = Publication.OPENBAAR
    session.commit()
    public = client.get(world["public"]).get_data(as_text=True)
    assert LONG[0] in public and "Het hele antwoord op" not in public and "zelfevaluatie/" not in public
    network = client_for(world["outsider"]).get(world["public"]).get_data(as_text=True)
    assert LONG[0] in network and "Het hele antwoord op" not in network
    with app.test_request_context():
        from peerreview.portret.definitive import document_status

        portret = session.get(Portret, world["portret_id"])
        pdf_html = render_template(
            "pdf/portret.html",
            portret=portret,
            version=version,
            visitatie=portret.visitatie,
            status=document_status(session, portret, version),
        )
    assert LONG[0] in pdf_html and "Het hele antwoord op" not in pdf_html and "zelfevaluatie/" not in pdf_html
