"""Annotating as a reviewer does: by mouse (select a passage) and by keyboard alone."""

from sqlalchemy import select

from peerreview.accounts.models import MembershipRole, NetworkRole
from peerreview.review.models import Annotation
from peerreview.selfeval import submission
from tests.factories import PASSWORD, complete_selfeval, start_selfeval


def reviewer_ready(app, make, session):
    deventer, emmen = make.gemeente("Deventer", regio="IJsselland"), make.gemeente("Emmen", regio="Drenthe")
    coordinator = make.user(gemeente=deventer, role=MembershipRole.COORDINATOR)
    lead = make.user("lead@emmen.nl", gemeente=emmen, role=MembershipRole.COORDINATOR, name="Eline Elsinga")
    staff = make.user(network_role=NetworkRole.ROUND_COORDINATOR)
    visitatie = start_selfeval(session, make.visitatie(deventer))
    complete_selfeval(app, session, visitatie, coordinator)
    from peerreview.review import assignments

    with app.test_request_context():
        submission.submit(session, coordinator, visitatie)
        assignments.set_team(session, staff, visitatie, lead.id, [])
        assignments.declare(session, lead, visitatie)
        session.commit()
    return visitatie


def login(page, email):
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_url("**/")


def test_annotate_by_mouse(page, app, make, session):
    visitatie = reviewer_ready(app, make, session)
    login(page, "lead@emmen.nl")
    page.goto(f"/visitaties/{visitatie.id}/review")
    text = page.locator('.answer-text[data-question="s1_1"]')
    text.scroll_into_view_if_needed()
    # select the word "Visie" in the first answer with the mouse
    box = page.evaluate("""() => {
        const el = document.querySelector('.answer-text[data-question="s1_1"]');
        const node = el.firstChild; const i = node.textContent.indexOf('Visie');
        const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 5);
        const b = r.getBoundingClientRect(); return {x1: b.left + 1, x2: b.right - 1, y: b.top + b.height / 2};
    }""")
    page.mouse.move(box["x1"], box["y"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y"], steps=5)
    page.mouse.up()
    page.get_by_role("button", name="Aantekening maken bij deze passage").click()
    assert page.locator("#quote").input_value() == "Visie"
    page.get_by_label("T7 Visie consistent en consequent doorgevoerd").check()
    page.get_by_label("Opmerking").fill("De visie staat helder voorop.")
    page.get_by_role("button", name="Aantekening opslaan").click()
    page.wait_for_selector("mark.hl-T7")
    annotation = session.scalar(select(Annotation))
    assert (annotation.exact, annotation.themes) == ("Visie", ["T7"])
    assert text.locator("mark").first.inner_text() == "Visie"


def test_annotate_by_keyboard_alone(page, app, make, session):
    visitatie = reviewer_ready(app, make, session)
    login(page, "lead@emmen.nl")
    page.goto(f"/visitaties/{visitatie.id}/review")
    page.get_by_label("Antwoord", exact=True).focus()
    page.keyboard.press("End")  # any answer; then pick the first one by typing
    page.get_by_label("Antwoord", exact=True).select_option("s1_1")
    page.keyboard.press("Tab")
    page.keyboard.type("Visie en doelstellingen")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first theme checkbox (T1)
    for _ in range(12):
        page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # kind: from Sterkte to Ontwikkelpunt
    page.keyboard.press("Tab")
    page.keyboard.type("Is deze visie ook in de praktijk zichtbaar?")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("mark.hl-T1")
    annotation = session.scalar(select(Annotation))
    assert annotation.exact == "Visie en doelstellingen"
    assert annotation.themes == ["T1"]
    assert annotation.kind.value == "ontwikkelpunt"
    # and the highlight links to the annotation, which gets focus
    page.locator(f"#h-{annotation.id}").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.activeElement.id === 'a-{annotation.id}'")


def test_annotate_a_table_cell_by_mouse_keeps_the_plain_text_offsets(page, app, make, session):
    """A table answer is shown as a table; selecting a cell gives the passage's offsets in the answer's
    plain text (cells joined by " | "), the same place the server marks after saving."""
    visitatie = reviewer_ready(app, make, session)
    login(page, "lead@emmen.nl")
    page.goto(f"/visitaties/{visitatie.id}/review?onderdeel=alles")
    table = page.locator('.answer-text[data-question="s1_3"] table')
    assert table.locator("thead th").first.inner_text() == "Indicator"
    cell = table.locator("tbody td").nth(4)  # the trend column: "Stijgend"
    cell.scroll_into_view_if_needed()
    box = cell.evaluate("""(td) => {
        const r = document.createRange(); r.selectNodeContents(td.firstChild);
        const b = r.getBoundingClientRect(); return {x1: b.left + 1, x2: b.right - 1, y: b.top + b.height / 2};
    }""")
    page.mouse.move(box["x1"], box["y"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y"], steps=5)
    page.mouse.up()
    page.get_by_role("button", name="Aantekening maken bij deze passage").click()
    word = page.locator("#quote").input_value()
    assert word == cell.inner_text().strip()
    plain = submission.latest_submission(session, visitatie).snapshot["answers"]["s1_3"]["plain"]
    assert page.locator("input[name=start]").input_value() == str(plain.index(word))
    page.get_by_label("T9 Cyclisch monitoren: tellen en vertellen").check()
    page.get_by_label("Opmerking").fill("De trend is duidelijk.")
    page.get_by_role("button", name="Aantekening opslaan").click()
    page.wait_for_selector('.answer-text[data-question="s1_3"] td mark')
    annotation = session.scalar(select(Annotation))
    assert (annotation.exact, annotation.start) == (word, plain.index(word))


def test_the_n_shortcut_and_the_skip_link_lead_to_the_annotation_form(page, app, make, session):
    visitatie = reviewer_ready(app, make, session)
    login(page, "lead@emmen.nl")
    page.goto(f"/visitaties/{visitatie.id}/review")
    page.keyboard.press("n")
    assert page.evaluate("document.activeElement.id") == "question_key"
    page.goto(f"/visitaties/{visitatie.id}/review")
    page.keyboard.press("Tab")  # "Naar de inhoud"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("Naar het formulier")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#new-annotation"
