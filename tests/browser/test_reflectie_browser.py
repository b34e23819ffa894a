"""The reflectie in a browser: a member of the gemeente selects a passage of the concept and files a factual
correction, the coordinator sends the response, the team applies the correction from the pre-filled
editor, and the gemeente reads the decision with the change marked."""

from __future__ import annotations

import re

from sqlalchemy import select

from peerreview.portret import services
from peerreview.reflectie.models import Comment, Decision
from tests.factories import PASSWORD, visited

VISIE = (
    "<p>Deventer werkt sinds 2019 met zes wijkteams. Elk wijkteam heeft een vaste gedragswetenschapper.</p>"
    "<p>De gemeente koopt jeugdhulp regionaal in met elf gemeenten in IJsselland.</p>"
)


def login(page, email):
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_url("**/")


def select_text(page, section, words):
    """Select ``words`` in the section's text as a mouse would, and release the button."""
    page.evaluate(
        """([section, words]) => {
            const container = document.querySelector(`[data-section="${section}"]`);
            const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
              const at = walker.currentNode.textContent.indexOf(words);
              if (at < 0) continue;
              const range = document.createRange();
              range.setStart(walker.currentNode, at);
              range.setEnd(walker.currentNode, at + words.length);
              const selection = window.getSelection();
              selection.removeAllRanges();
              selection.addRange(range);
              document.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
              return;
            }
            throw new Error("words not found");
        }""",
        [section, words],
    )


def test_a_factual_correction_goes_from_the_gemeente_through_the_team_and_back(page, app, session, make):
    world = visited(app, session, make)
    with app.test_request_context():
        portret = services.get_or_create(session, session.merge(world["visitatie"]))
        services.generate(session, portret, world["lead"])
        current = services.version(session, portret)
        services.save_section(session, world["lead"], portret, "visie", current.number, "Visie", VISIE)
        services.release(session, world["lead"], portret)
        session.commit()
    reacties = f"{world['base']}/reacties"
    page.on("dialog", lambda dialog: dialog.accept())

    login(page, "schrijver@deventer.nl")
    page.goto(reacties)
    select_text(page, "visie", "elf gemeenten")
    assert page.get_by_label("Passage (niet verplicht)").input_value() == "elf gemeenten"
    assert page.get_by_label("Sectie").input_value() == "visie"
    page.get_by_label("Soort reactie").select_option("feitelijke_onjuistheid")
    page.get_by_label("Wat er had moeten staan").fill("twaalf gemeenten")
    page.get_by_label("Je reactie").fill("Sinds 2024 doen er twaalf gemeenten mee.")
    page.get_by_role("button", name="Reactie opslaan").click()
    page.wait_for_url(re.compile(r".*/reacties#reacties$"))
    assert page.locator(".comment blockquote").inner_text() == "elf gemeenten"

    login(page, "coord@deventer.nl")
    page.goto(reacties)
    page.get_by_role("button", name="Reactie van de gemeente versturen").click()
    page.wait_for_url(re.compile(r".*/reacties/logboek$"))

    login(page, "lead@emmen.nl")
    page.goto(f"{reacties}/logboek")
    page.get_by_role("link", name="Correctie verwerken in de tekst").click()
    page.wait_for_url(re.compile(r".*/verwerken$"))
    assert "met twaalf gemeenten in IJsselland" in page.get_by_role("textbox", name="Tekst").inner_text()
    page.get_by_label("Reden voor de gemeente").fill("Klopt, de regio is gegroeid.")
    page.get_by_role("button", name="Opslaan als nieuwe versie en beantwoorden").click()
    page.wait_for_url(re.compile(r".*/reacties/logboek#reactie-\d+$"))
    session.expire_all()
    comment = session.scalar(select(Comment))
    assert comment.decision is Decision.VERWERKT and comment.changed_version == current.number + 2

    login(page, "schrijver@deventer.nl")
    page.goto(f"{reacties}/logboek")
    answer = page.locator(".answer")
    assert "Verwerkt" in answer.inner_text() and "Klopt, de regio is gegroeid." in answer.inner_text()
    assert answer.locator("del").first.inner_text() == "elf"
    assert answer.locator("ins").first.inner_text() == "twaalf"
    assert "Deze passage is aangepast" in page.locator(".comment").inner_text()
