"""The gemeenteportret: draft generation with provenance, editing as versions without overwriting,
version comparison, release, access per state, and the PDF (rendered once, tagged, with its content)."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from markupsafe import escape
from sqlalchemy import select

from peerreview.fragments import FragmentCache
from peerreview.mail.models import OutgoingMail
from peerreview.portret.models import GenerationStatus, Portret, PortretVersion
from peerreview.review.models import Annotation
from peerreview.rounds.models import Visitatie, VisitatieState
from peerreview.selfeval.models import Submission
from peerreview.visit.models import Quote
from tests.factories import current, generate, visited


@pytest.fixture
def world(app, session, make):
    return visited(app, session, make)


class Blocks(HTMLParser):
    """Every block element, with the provenance key it (or the block around it) carries."""

    TAGS = {"p", "li", "h3", "h4", "blockquote", "table"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str | None] = []
        self.found: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            return
        key = dict(attrs).get("data-bron") or (self.stack[-1] if self.stack else None)
        if tag in self.TAGS:
            self.found.append((tag, key))
        self.stack.append(key)

    def handle_endtag(self, tag):
        if tag != "br" and self.stack:
            self.stack.pop()


def test_every_generated_block_has_provenance_that_leads_to_its_source(client_for, world, session, run_jobs):
    generate(client_for, world, run_jobs)
    version = current(session, world)
    assert version.number == 1 and version.note == "Concept gegenereerd"
    submission = session.scalar(select(Submission).where(Submission.visitatie_id == world["visitatie"].id))
    checked = 0
    kinds = set()
    for section in version.content["sections"]:
        parser = Blocks()
        parser.feed(section["html"])
        for tag, key in parser.found:
            assert key, f"{section['key']}: a <{tag}> without provenance"
            sources = section["provenance"][key]
            assert sources, f"{section['key']}: {key} has no sources"
            for source in sources:
                kinds.add(source["type"])
                assert source["label"]
                if source["type"] == "answer":
                    assert source["key"] in submission.snapshot["answers"]
                elif source["type"] == "annotation":
                    assert session.get(Annotation, source["id"]) is not None
                elif source["type"] == "quote":
                    assert session.get(Quote, source["id"]) is not None
            checked += 1
    assert checked > 30
    assert {"answer", "annotation", "summary", "quote", "team", "respondent", "submission", "figure"} <= kinds
    cijfers = next(s for s in version.content["sections"] if s["kind"] == "cijfers")
    assert cijfers["figures"]["charts"] and {p["indicator"] for p in cijfers["figure_provenance"]} == {
        "JH121",
        "LASTEN_GEBRUIKER",
    }


def test_the_draft_uses_the_material_once_and_in_place(client_for, world, session, run_jobs):
    generate(client_for, world, run_jobs)
    sections = {s["key"]: s for s in current(session, world).content["sections"]}
    assert "Een visie die breed gedragen wordt." in sections["visie"]["html"]  # the strength on s1_1
    assert "We kennen onze gezinnen bij naam." in sections["inrichting"]["html"]  # the section the quote was meant for
    assert "– Teamleider toegang, Gemeente Deventer" in sections["inrichting"]["html"]
    assert "Eline Elsinga (teamleider, gemeente Emmen)" in sections["auteurs"]["html"]
    assert "Teamleider toegang" in sections["respondenten"]["html"]
    assert "De visie staat al jaren." in sections["resume"]["html"]
    everything = " ".join(s["html"] for s in sections.values())
    assert everything.count("Een visie die breed gedragen wordt.") == 1
    assert everything.count("We kennen onze gezinnen bij naam.") == 1


def test_unreleased_annotations_stay_out_of_the_draft(app, session, make, client_for, run_jobs):
    world = visited(app, session, make, release=False)
    generate(client_for, world, run_jobs)
    everything = " ".join(s["html"] for s in current(session, world).content["sections"])
    assert "Een visie die breed gedragen wordt." not in everything
    assert "De visie staat al jaren." not in everything
    page = client_for(world["lead"]).get(f"{world['base']}/portret").get_data(as_text=True)
    assert "nog niet gedeeld met de gemeente" in page


def test_a_section_edit_is_a_new_version_and_a_stale_one_is_refused(client_for, world, session, run_jobs):
    lead = generate(client_for, world, run_jobs)
    member = client_for(world["member"])
    url = f"{world['base']}/portret/secties/visie"
    first = current(session, world)
    kept = next(s for s in first.content["sections"] if s["key"] == "visie")["html"].split("</p>")[0] + "</p>"
    saved = lead.post_form(url, {"base": first.number, "title": "Visie", "html": kept + "<p>Ons eigen verhaal.</p>"})
    assert saved.status_code == 302
    second = current(session, world)
    assert second.number == 2
    visie = next(s for s in second.content["sections"] if s["key"] == "visie")
    assert visie["title"] == "Visie" and "Ons eigen verhaal." in visie["html"]
    assert set(visie["provenance"]) == set(re.findall(r'data-bron="(b\d+)"', visie["html"]))  # pruned to what is left
    # a colleague still working from version 1 is refused, and sees both texts
    stale = member.post_form(url, {"base": first.number, "title": "Visie", "html": "<p>Mijn versie.</p>"})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "Mijn versie." in page and "Ons eigen verhaal." in page and "intussen opgeslagen" in page
    assert current(session, world).number == 2
    # a save based on version 1 of ANOTHER section is fine: that section did not change
    other = member.post_form(
        f"{world['base']}/portret/secties/financiering",
        {"base": first.number, "title": "Geld", "html": "<p>Inkoop.</p>"},
    )
    assert other.status_code == 302
    latest = current(session, world)
    assert latest.number == 3
    sections = {s["key"]: s for s in latest.content["sections"]}
    assert "Ons eigen verhaal." in sections["visie"]["html"] and sections["financiering"]["title"] == "Geld"


def test_saving_sanitises_the_html(client_for, world, session, run_jobs):
    lead = generate(client_for, world, run_jobs)
    base = current(session, world).number
    lead.post_form(
        f"{world['base']}/portret/secties/visie",
        {
            "base": base,
            "title": "Visie",
            "html": '<p onclick="x()">Tekst<script>alert(1)</script></p><blockquote data-bron="kwaad"><p>“Citaat”</p></blockquote>',
        },
    )
    visie = next(s for s in current(session, world).content["sections"] if s["key"] == "visie")
    assert visie["html"] == "<p>Tekst</p><blockquote><p>“Citaat”</p></blockquote>"


def test_the_motto_makes_the_title(client_for, world, session, run_jobs):
    lead = generate(client_for, world, run_jobs)
    base = current(session, world).number
    lead.post_form(
        f"{world['base']}/portret/secties/titel", {"base": base, "title": "", "html": "", "motto": "Samen verder"}
    )
    content = current(session, world).content
    assert content["motto"] == "Samen verder"
    assert content["sections"][0]["title"] == "Deventer: Samen verder"
    page = lead.get(f"{world['base']}/portret").get_data(as_text=True)
    assert "<h1>Deventer: Samen verder</h1>" in page


def test_two_versions_side_by_side(client_for, world, session, run_jobs):
    lead = generate(client_for, world, run_jobs)
    lead.post_form(
        f"{world['base']}/portret/secties/visie", {"base": 1, "title": "Visie", "html": "<p>Een nieuwe tekst.</p>"}
    )
    page = lead.get(f"{world['base']}/portret/versies?van=1&naar=2").get_data(as_text=True)
    assert "Versie 1 naast versie 2" in page
    changed = page[page.index("<summary>Visie") :].split("</details>")[0]
    assert "(was: De visie van Deventer op jeugdhulp)" in changed
    assert "<del>De visie staat al jaren.<br>" in changed and "<ins>nieuwe</ins>" in changed
    assert "Inrichting van de jeugdhulp en toegang — ongewijzigd" in page


def test_the_portret_page_parses_each_section_once_and_shows_a_new_version_at_once(
    client_for, world, session, run_jobs, monkeypatch
):
    """The provenance list quotes the start of every block: one parse of a section's HTML for all its
    blocks, none at all when the same version is shown again (its rendering is kept), and an edit,
    being a new version, is on the page at once."""
    from peerreview.portret import document_cache, services

    lead = generate(client_for, world, run_jobs)
    monkeypatch.setattr(document_cache, "_entries", FragmentCache(document_cache.MAX_ENTRIES))  # nothing kept yet
    parsed: list[str] = []
    real = services.excerpts
    monkeypatch.setattr(services, "excerpts", lambda html: parsed.append(html) or real(html))
    page = lead.get(f"{world['base']}/portret").get_data(as_text=True)
    sections = [s for s in current(session, world).content["sections"] if s["provenance"]]
    assert len(parsed) == len(sections) > 5
    visie = next(s for s in sections if s["key"] == "visie")
    first_block = next(iter(visie["provenance"]))
    assert f'<span class="bron-tag">{first_block}</span> {escape(real(visie["html"])[first_block])}' in page
    parsed.clear()
    assert lead.get(f"{world['base']}/portret").status_code == 200
    assert parsed == []
    lead.post_form(
        f"{world['base']}/portret/secties/visie", {"base": 1, "title": "Visie", "html": "<p>Een nieuwe tekst.</p>"}
    )
    again = lead.get(f"{world['base']}/portret").get_data(as_text=True)
    assert "Een nieuwe tekst." in again and "versie 2" in again
    assert len(parsed) == len([s for s in current(session, world).content["sections"] if s["provenance"]])


def test_release_shares_that_version_with_the_gemeente(client_for, world, session, run_jobs):
    lead = generate(client_for, world, run_jobs)
    gemeente = client_for(world["coordinator"])
    assert gemeente.get(f"{world['base']}/portret").status_code == 404
    assert gemeente.get(f"{world['base']}/portret/pdf").status_code == 404
    response = lead.post_form(f"{world['base']}/portret/delen", token_from=f"{world['base']}/portret")
    assert response.status_code == 302
    run_jobs()
    session.expire_all()
    assert session.get(Visitatie, world["visitatie"].id).state is VisitatieState.PORTRET_CONCEPT
    mail = session.scalar(
        select(OutgoingMail).where(
            OutgoingMail.recipient == "coord@deventer.nl", OutgoingMail.subject.like("Het conceptportret%")
        )
    )
    assert mail is not None and f"/visitaties/{world['visitatie'].id}/portret" in mail.body_text
    # the team goes on editing; the gemeente keeps reading the released version
    lead.post_form(
        f"{world['base']}/portret/secties/visie", {"base": 1, "title": "Visie", "html": "<p>Werk in uitvoering.</p>"}
    )
    page = gemeente.get(f"{world['base']}/portret").get_data(as_text=True)
    assert "versie 1" in page.lower() and "Werk in uitvoering." not in page
    assert "data-bron" not in page and "Herkomst van deze tekst" not in page
    pdf = gemeente.get(f"{world['base']}/portret/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    for path in ("/portret/versies", "/portret/status", "/portret/secties/visie"):
        assert gemeente.get(world["base"] + path).status_code == 404, path
    assert client_for(world["writer"]).get(f"{world['base']}/portret").status_code == 200


@pytest.mark.parametrize(
    ("state", "team", "gemeente"),
    [
        (VisitatieState.IN_REVIEW, 404, 404),
        (VisitatieState.VISITATIE, 200, 404),
        (VisitatieState.PORTRET_CONCEPT, 200, 404),  # not released: still the team's
        (VisitatieState.REFLECTIE, 200, 404),
    ],
)
def test_who_reads_the_portret_in_each_state(client_for, world, session, run_jobs, state, team, gemeente):
    generate(client_for, world, run_jobs)
    visitatie = session.get(Visitatie, world["visitatie"].id)
    visitatie.state = state
    session.commit()
    url = f"{world['base']}/portret"
    assert client_for(world["lead"]).get(url).status_code == team
    assert client_for(world["staff"]).get(url).status_code == team
    assert client_for(world["coordinator"]).get(url).status_code == gemeente
    assert client_for(world["outsider"]).get(url).status_code == 404
    editing = client_for(world["lead"]).get(f"{url}/secties/visie").status_code
    assert editing == (
        200 if state in (VisitatieState.VISITATIE, VisitatieState.PORTRET_CONCEPT, VisitatieState.REFLECTIE) else 404
    )


def test_the_gemeente_reads_a_released_portret_until_it_is_definitief(client_for, world, session, run_jobs):
    lead = generate(client_for, world, run_jobs)
    lead.post_form(f"{world['base']}/portret/delen", token_from=f"{world['base']}/portret")
    for state in (VisitatieState.PORTRET_CONCEPT, VisitatieState.REFLECTIE, VisitatieState.DEFINITIEF):
        visitatie = session.get(Visitatie, world["visitatie"].id)
        visitatie.state = state
        session.commit()
        assert client_for(world["coordinator"]).get(f"{world['base']}/portret").status_code == 200
        assert client_for(world["outsider"]).get(f"{world['base']}/portret").status_code == 404


def test_generation_shows_progress_and_a_failure(client_for, world, session, run_jobs):
    lead = generate(client_for, world, run_jobs)
    status = lead.get(f"{world['base']}/portret/status").get_json()
    assert status == {"status": "done", "progress": 100, "step": "Klaar", "error": "", "version": 1}
    # without a submitted zelfevaluatie the job fails with a clear message, and says so on the page
    for item in session.scalars(select(Submission)):
        item.reopened_at = item.submitted_at
    session.commit()
    lead.post_form(f"{world['base']}/portret/genereren", token_from=f"{world['base']}/portret")
    run_jobs()
    session.expire_all()
    portret = session.scalar(select(Portret))
    assert portret.generation_status is GenerationStatus.FAILED
    page = lead.get(f"{world['base']}/portret").get_data(as_text=True)
    assert "Er is geen ingediende zelfevaluatie" in page
    assert portret.current_version == 1  # nothing lost


def test_the_pdf_is_rendered_once_per_content(app, client_for, world, session, run_jobs, monkeypatch):
    lead = generate(client_for, world, run_jobs)
    from peerreview.portret import tasks

    renders = []
    real = tasks.render_pdf
    monkeypatch.setattr(tasks, "render_pdf", lambda html: renders.append(1) or real(html))
    version = current(session, world)
    with app.app_context():
        tasks.render_portret_pdf(gemeente_id=version.gemeente_id, version_id=version.id)
        tasks.render_portret_pdf(gemeente_id=version.gemeente_id, version_id=version.id)
    assert renders == [1]
    session.expire_all()
    stored = session.get(PortretVersion, version.id)
    assert stored.pdf.startswith(b"%PDF") and stored.pdf_checksum == stored.checksum
    # a later version with the same content reuses the PDF instead of rendering again
    response = lead.get(f"{world['base']}/portret/pdf?versie={version.number}")
    assert response.status_code == 200 and response.data == stored.pdf
    assert renders == [1]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_pdf_holds_the_headings_and_figures_and_is_tagged(app, client_for, world, session, run_jobs):
    lead = generate(client_for, world, run_jobs)
    assert lead.post_form(f"{world['base']}/portret/pdf").status_code == 302  # asking for it queues the rendering
    run_jobs()
    pdf = lead.get(f"{world['base']}/portret/pdf")
    assert pdf.status_code == 200
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf.data, capture_output=True, check=True
    ).stdout.decode()
    for heading in (
        "Gemeenteportret Deventer",
        "Inhoud",
        "Jeugdhulp in Deventer in cijfers",
        "De visie van Deventer op jeugdhulp",
        "Resumé: wat kunnen anderen leren van Deventer?",
        "Respondenten",
    ):
        assert heading in text, heading
    assert "€ 11.239" in text and "7,8 %" in text  # the table, as printed by the source
    assert "Jeugdhulp zonder verblijf, 1e helft 2017 tot 1e helft 2020" in text  # a chart's caption
    assert "We kennen onze gezinnen bij naam." in text
    assert "pagina 2 van" in text
    info = subprocess.run(["pdfinfo", "-"], input=pdf.data, capture_output=True, check=True).stdout.decode()
    assert re.search(r"Tagged:\s+yes", info)  # PDF/UA: a tagged structure, language and title
    assert "Title:           Gemeenteportret Deventer" in info
    structure = subprocess.run(["pdfinfo", "-struct", "-"], input=pdf.data, capture_output=True, check=True)
    tags = set(re.findall(r"^\s*(\w+)", structure.stdout.decode(), flags=re.MULTILINE))
    assert {"Document", "H1", "H2", "P", "Table", "Figure"} <= tags


@pytest.mark.parametrize("base", ["99999999999999999999", str(2**31), "-1", "vier", ""])
def test_a_section_saved_on_a_bad_version_number_gets_a_dutch_422_and_keeps_the_text(
    client_for, world, session, run_jobs, base
):
    lead = generate(client_for, world, run_jobs)
    before = current(session, world).number
    url = f"{world['base']}/portret/secties/visie"
    response = lead.post_form(url, {"base": base, "title": "Visie", "html": "<p>Mijn herschreven visie.</p>"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "De versie waarop je wijziging is gebaseerd klopt niet" in body and "Mijn herschreven visie." in body
    assert current(session, world).number == before


def test_reading_the_team_pdf_queues_nothing_until_it_is_asked_for(client_for, world, session, run_jobs):
    lead = generate(client_for, world, run_jobs)
    page = lead.get(f"{world['base']}/portret/pdf")
    assert page.status_code == 202 and "PDF maken" in page.get_data(as_text=True)
    run_jobs()
    version = current(session, world)
    assert version.pdf is None and version.pdf_requested_at is None
