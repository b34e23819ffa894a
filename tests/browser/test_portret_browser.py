"""The portret in a browser: the draft's progress is followed live, and a section is edited in the
rich-text editor without losing the provenance of the paragraphs that were not touched."""

from __future__ import annotations

import re

from sqlalchemy import select

from peerreview.portret import services
from peerreview.portret.models import GenerationStatus, Portret, PortretVersion
from tests.factories import PASSWORD, visited


def login(page, email):
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_url("**/")


def with_draft(app, session, world):
    with app.test_request_context():
        portret = services.get_or_create(session, session.merge(world["visitatie"]))
        services.generate(session, portret, world["lead"])
        session.commit()
    return portret


def test_the_page_follows_the_drafts_progress(page, app, session, make):
    world = visited(app, session, make)
    portret = with_draft(app, session, world)
    portret.generation_status, portret.generation_progress, portret.generation_step = (
        GenerationStatus.RUNNING,
        40,
        "Sectie ‘Visie’ schrijven",
    )
    session.commit()
    login(page, "lead@emmen.nl")
    page.goto(f"{world['base']}/portret")
    status = page.get_by_role("status")
    assert "40 % — Sectie ‘Visie’ schrijven" in status.inner_text()
    portret.generation_progress, portret.generation_step = 80, "Sectie ‘Resumé’ schrijven"
    session.commit()
    page.locator("[data-step]", has_text="80 % — Sectie ‘Resumé’ schrijven").wait_for()
    portret.generation_status = GenerationStatus.DONE
    session.commit()
    page.wait_for_selector("text=Concept opnieuw samenstellen")  # reloaded by itself once done
    assert page.locator("h1").inner_text() == "Gemeenteportret Deventer"


def test_editing_a_section_keeps_the_provenance_of_untouched_paragraphs(page, app, session, make):
    world = visited(app, session, make)
    with_draft(app, session, world)
    login(page, "lead@emmen.nl")
    page.goto(f"{world['base']}/portret/secties/visie")
    editor = page.get_by_role("textbox", name="Tekst")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("Wat het team zelf zag: een visie die in elk gesprek terugkwam.")
    page.get_by_role("button", name="Opslaan als nieuwe versie").click()
    page.wait_for_url(re.compile(r".*/portret#sectie-visie$"))
    session.expire_all()
    portret = session.scalar(select(Portret))
    version = session.scalar(select(PortretVersion).where(PortretVersion.number == portret.current_version))
    first = session.scalar(select(PortretVersion).where(PortretVersion.number == 1))
    visie = next(s for s in version.content["sections"] if s["key"] == "visie")
    before = next(s for s in first.content["sections"] if s["key"] == "visie")
    assert version.number == 2
    assert "Wat het team zelf zag: een visie die in elk gesprek terugkwam." in visie["html"]
    assert set(before["provenance"]) <= set(re.findall(r'data-bron="(b\d+)"', visie["html"]))
    assert visie["provenance"] == before["provenance"]
    # the labels and the provenance list are shown to the team next to the text
    assert page.locator("#sectie-visie ~ div.show-provenance [data-bron]").count() > 0
    page.get_by_text("Herkomst van deze tekst").first.click()


def test_an_evidence_item_is_inserted_as_a_cited_block_and_saved_with_its_source(page, app, session, make):
    world = visited(app, session, make)
    with_draft(app, session, world)
    login(page, "lead@emmen.nl")
    page.goto(f"{world['base']}/portret/secties/inrichting")
    assert not page.get_by_text("HTML om te kopiëren").first.is_visible()  # with JavaScript: a button instead
    page.get_by_role("button", name=re.compile(r"^Invoegen\W*Citaat")).click()
    assert "Het fragment staat nu onderaan de tekst." in page.locator("[data-workspace-status]").inner_text()
    editor = page.get_by_role("textbox", name="Tekst")
    assert editor.locator("blockquote").last.inner_text().startswith("“We kennen onze gezinnen bij naam.”")
    page.get_by_role("button", name="Opslaan als nieuwe versie").click()
    page.wait_for_url(re.compile(r".*/portret#sectie-inrichting$"))
    session.expire_all()
    portret = session.scalar(select(Portret))
    version = session.scalar(select(PortretVersion).where(PortretVersion.number == portret.current_version))
    inrichting = next(s for s in version.content["sections"] if s["key"] == "inrichting")
    assert "data-bewijs" not in inrichting["html"]
    last = re.findall(r'<blockquote data-bron="(b\d+)">', inrichting["html"])[-1]
    assert inrichting["provenance"][last][0] == {**inrichting["provenance"][last][0], "type": "quote"}
    assert inrichting["html"].count("We kennen onze gezinnen bij naam.") == 2  # the draft's and the inserted one
