"""Rode draden in a browser: the analyst selects a sentence in a passage of the finder and adds it as evidence;
the quote keeps the offsets of the selection."""

from __future__ import annotations

from sqlalchemy import select

from peerreview.accounts.models import NetworkRole
from peerreview.network import threads
from peerreview.network.models import Audience, NetworkPassage, NetworkPassageTheme, PassageKind
from peerreview.network.threads_models import ThreadEvidence
from tests.browser.test_reflectie_browser import login

TEXT = (
    "De toegang ligt bij de wijkteams.\nElk gezin houdt één vaste contactpersoon, ook als er specialistische "
    "hulp bij komt. Zo hoeft een gezin zijn verhaal maar één keer te vertellen."
)
QUOTE = "Elk gezin houdt één vaste contactpersoon"


def select_in_passage(page, key, words):
    page.evaluate(
        """([key, words]) => {
            const container = document.querySelector(`.passage-text[data-passage="${key}"]`);
            const node = container.firstChild;
            const at = node.textContent.indexOf(words);
            if (at < 0) throw new Error("words not found");
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            document.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
        }""",
        [key, words],
    )


def test_the_analyst_selects_a_sentence_in_a_passage_and_adds_it_as_evidence(page, app, session, make):
    deventer = make.gemeente("Deventer")
    visitatie = make.visitatie(deventer)
    analyst = make.user("analist@netwerk.nl", network_role=NetworkRole.ANALYST)
    passage = NetworkPassage(
        key=f"section:1:inrichting-{visitatie.id}",
        kind=PassageKind.SECTIE,
        audience=Audience.NETWERK,
        visitatie_id=visitatie.id,
        gemeente_id=deventer.id,
        round_id=visitatie.round_id,
        section_key="inrichting",
        title="Inrichting",
        text=TEXT,
    )
    passage.theme_rows = [NetworkPassageTheme(theme="T3")]
    session.add(passage)
    session.commit()
    with app.test_request_context():
        thread = threads.create(session, analyst, "Gemeenten die één vaste contactpersoon geven", "", ["T3"])
        session.commit()

    login(page, "analist@netwerk.nl")
    page.goto(f"/netwerk/rode-draden/{thread.id}/werkruimte?gemeente={deventer.id}")
    select_in_passage(page, passage.key, QUOTE)
    article = page.locator("article.passage-card")
    assert article.get_by_label("Citaat").input_value() == QUOTE
    article.get_by_role("button", name="Toevoegen als onderbouwing").click()
    page.wait_for_url(f"**/netwerk/rode-draden/{thread.id}/werkruimte**")
    assert "Gedragen door 1 gemeente: Deventer." in page.content()
    session.expire_all()
    item = session.scalars(select(ThreadEvidence)).one()
    start = TEXT.index(QUOTE)
    assert (item.exact, item.start, item.end) == (QUOTE, start, start + len(QUOTE))
    assert item.prefix == TEXT[max(0, start - 32) : start]
