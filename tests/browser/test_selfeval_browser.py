"""Writing the zelfevaluatie in a real browser: the editor, autosave, offline copies, conflicts and XSS."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from peerreview.accounts.models import MembershipRole
from peerreview.rounds.models import Variant
from peerreview.selfeval import services
from peerreview.selfeval.models import Answer
from tests.factories import PASSWORD, sample_value, start_selfeval

TIMEOUT = 8_000
QUESTION = "Visie en doelstellingen"  # s1_1, the first question of section s1


def log_in(page, user) -> None:
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/inloggen" not in url, timeout=TIMEOUT)


def basis_visitatie(make, session):
    gemeente = make.gemeente()
    coordinator = make.user(gemeente=gemeente, role=MembershipRole.COORDINATOR)
    visitatie = start_selfeval(session, make.visitatie(gemeente), Variant.BASIS)
    return gemeente, coordinator, visitatie


def section_url(visitatie, key: str = "s1") -> str:
    return f"/visitaties/{visitatie.id}/zelfevaluatie/onderdelen/{key}"


def stored(session, visitatie, key: str = "s1_1") -> Answer | None:
    session.expire_all()
    return session.scalar(select(Answer).where(Answer.visitatie_id == visitatie.id, Answer.question_key == key))


def wait_until_saved(page, visitatie, key: str = "s1_1") -> None:
    """Saved, and nothing left to save: the browser's copy is only removed once the last edit is stored."""
    page.wait_for_function(
        """([key, storage]) => {
            const state = document.querySelector(`[data-question="${key}"] .autosave-state`);
            return state && state.textContent.startsWith("Opgeslagen om")
                && localStorage.getItem(window.draftKey(storage)) === null;
        }""",
        arg=[key, f"v{visitatie.id}:{key}"],
        timeout=TIMEOUT,
    )


def test_fill_in_a_section_survives_reload_and_submit(page, app, session, make):
    _, coordinator, visitatie = basis_visitatie(make, session)
    log_in(page, coordinator)
    page.goto(section_url(visitatie))

    editor = page.get_by_role("textbox", name=QUESTION, exact=True)
    editor.click()
    page.keyboard.type("Ieder kind in onze gemeente groeit veilig en gezond op. ")
    page.keyboard.type("Belangrijk: dichtbij huis.")
    for _ in ": dichtbij huis.":
        page.keyboard.press("ArrowLeft")
    for _ in "Belangrijk":
        page.keyboard.press("Shift+ArrowLeft")
    page.locator('[data-question="s1_1"] .editor-toolbar').get_by_role("button", name="Vet").click()
    wait_until_saved(page, visitatie)

    page.reload()
    editor = page.get_by_role("textbox", name=QUESTION, exact=True)
    expect(editor).to_contain_text("Ieder kind in onze gemeente groeit veilig en gezond op. Belangrijk: dichtbij huis.")
    expect(editor.locator("b, strong")).to_have_text("Belangrijk")
    answer = stored(session, visitatie)
    assert answer is not None and re.search(r"<(b|strong)>Belangrijk</\1>", answer.value["html"])

    # The rest is filled in behind the scenes, leaving what was typed in the browser alone.
    with app.test_request_context():
        definition = services.definition_for(visitatie)
        current = services.answers(session, visitatie)
        for question in definition.questions.values():
            if question.required and question.key not in current:
                services.save_answer(session, coordinator, visitatie, question, sample_value(question), 0)
        session.commit()

    page.goto(f"/visitaties/{visitatie.id}/zelfevaluatie/indienen")
    page.get_by_role("button", name="Definitief indienen").click()
    page.wait_for_url(re.compile(r"/zelfevaluatie/lezen$"), timeout=TIMEOUT)
    expect(page.locator("main")).to_contain_text("Ingediend op")
    answer_block = page.locator("#a-s1_1")
    expect(answer_block).to_contain_text("Ieder kind in onze gemeente groeit veilig en gezond op. Belangrijk")
    expect(answer_block.locator("b, strong")).to_have_text("Belangrijk")


@pytest.mark.allow_console_errors(r"^Failed to load resource: net::ERR_INTERNET_DISCONNECTED$")
def test_offline_text_is_kept_and_saved_when_the_connection_returns(page, session, make):
    _, coordinator, visitatie = basis_visitatie(make, session)
    log_in(page, coordinator)
    page.goto(section_url(visitatie))
    editor = page.get_by_role("textbox", name=QUESTION, exact=True)
    expect(editor).to_be_visible()

    page.context.set_offline(True)
    editor.click()
    page.keyboard.type("Geschreven in de trein zonder verbinding.")
    editor.blur()
    status = page.locator("#save-status")
    expect(status).to_contain_text("Geen verbinding", timeout=TIMEOUT)
    expect(status).to_contain_text("bewaard in deze browser")
    expect(page.locator('[data-question="s1_1"] .autosave-state')).to_contain_text("Nog niet opgeslagen")
    expect(editor).to_have_text("Geschreven in de trein zonder verbinding.")
    copy = page.evaluate("key => localStorage.getItem(key)", f"peerreview:u{coordinator.id}:v{visitatie.id}:s1_1")
    assert copy and "Geschreven in de trein zonder verbinding." in copy
    assert stored(session, visitatie) is None

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until_saved(page, visitatie)
    answer = stored(session, visitatie)
    assert answer is not None
    assert "Geschreven in de trein zonder verbinding." in answer.value["html"]
    assert answer.revision == 1


def run_into_conflict(page, app, session, make):
    """The browser edits s1_1 after a colleague saved it behind its back: the save is refused."""
    gemeente, coordinator, visitatie = basis_visitatie(make, session)
    colleague = make.user(gemeente=gemeente, role=MembershipRole.CONTRIBUTOR, name="Chris Collega")
    log_in(page, coordinator)
    page.goto(section_url(visitatie))
    editor = page.get_by_role("textbox", name=QUESTION, exact=True)
    expect(editor).to_be_visible()

    # Meanwhile a colleague saves the same question.
    with app.test_request_context():
        question = services.definition_for(visitatie).questions["s1_1"]
        services.save_answer(session, colleague, visitatie, question, {"html": "<p>De tekst van Chris.</p>"}, 0)
        session.commit()

    editor.click()
    page.keyboard.type("Mijn eigen tekst.")
    conflict = page.locator('[data-question="s1_1"] div.conflict')
    expect(conflict).to_be_visible(timeout=TIMEOUT)
    expect(conflict).to_contain_text("Chris Collega")
    expect(conflict.locator(".theirs")).to_have_text("De tekst van Chris.")
    expect(page.locator('[data-question="s1_1"] .autosave-state')).to_have_text(
        "Niet opgeslagen: er is een nieuwere versie."
    )
    expect(editor).to_have_text("Mijn eigen tekst.")  # not lost
    return coordinator, colleague, visitatie, conflict


CONFLICT_409 = r"^Failed to load resource: the server responded with a status of 409 "


@pytest.mark.allow_console_errors(CONFLICT_409)
def test_conflicting_edit_is_refused_and_both_versions_shown(page, app, session, make):
    coordinator, colleague, visitatie, conflict = run_into_conflict(page, app, session, make)
    answer = stored(session, visitatie)
    assert answer is not None
    assert (answer.revision, answer.value["html"], answer.updated_by_id) == (
        1,
        "<p>De tekst van Chris.</p>",
        colleague.id,
    )

    conflict.get_by_role("button", name="Mijn versie opslaan").click()
    expect(page.locator('[data-question="s1_1"] .autosave-state')).to_contain_text("(versie 2)", timeout=TIMEOUT)
    wait_until_saved(page, visitatie)
    expect(conflict).to_have_count(0)
    answer = stored(session, visitatie)
    assert answer is not None
    assert answer.revision == 2
    assert "Mijn eigen tekst." in answer.value["html"] and "Chris" not in answer.value["html"]
    assert answer.updated_by_id == coordinator.id


@pytest.mark.allow_console_errors(CONFLICT_409)
def test_keep_mine_works_with_a_click_at_human_speed(page, app, session, make):
    _, _, visitatie, conflict = run_into_conflict(page, app, session, make)
    box = conflict.get_by_role("button", name="Mijn versie opslaan").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()  # the editor loses focus here
    page.wait_for_timeout(250)  # a person holds the button down for about this long
    page.mouse.up()
    expect(page.locator('[data-question="s1_1"] .autosave-state')).to_contain_text("(versie 2)", timeout=4_000)
    answer = stored(session, visitatie)
    assert answer is not None and answer.revision == 2


XSS_PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1;alert(1)">',
    "<svg onload=window.__xss=1><circle r=1></circle></svg>",
    '<a href="javascript:window.__xss=1;alert(1)">klik</a>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "<body onload=window.__xss=1>tekst</body>",
    '<p style="background:url(javascript:window.__xss=1);width:expression(window.__xss=1)">stijl</p>',
    "<details open ontoggle=window.__xss=1><summary>open</summary></details>",
    '<object data="javascript:window.__xss=1"></object>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;window.__xss=1">gecodeerd</a>',
    '<p onclick="window.__xss=1;alert(1)">klik op deze alinea</p>',
    '<a href="  JaVaScRiPt:window.__xss=1">hoofdletters</a>',
    '<a href="java\tscript:window.__xss=1">tab</a>',
    '<input autofocus onfocus="window.__xss=1">',
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>"></noscript>',
    '<form action="javascript:window.__xss=1"><button>verstuur</button></form>',
    "<style>@import 'javascript:window.__xss=1';</style>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
]
# Cleaning would drop the words inside these (nh3 removes MathML with its content): refused, not stored.
REFUSED_PAYLOADS = ['<math><mi xlink:href="javascript:window.__xss=1">wiskunde</mi></math>']
FORBIDDEN = ["<script", "onerror", "onload", "javascript:", "<iframe", "ontoggle", "onclick", "onfocus", "data:"]
XSS_QUESTIONS = ["s1_1", "s1_2", "s1_4", "s1_7", "s1_10"]


def test_xss_payloads_do_not_execute(page, app, session, make, client_for):
    _, coordinator, visitatie = basis_visitatie(make, session)

    # Through the autosave endpoint, as a browser (or an attacker with a session) would send it.
    client = client_for(coordinator)
    token = client.csrf(section_url(visitatie))
    per_question = len(XSS_PAYLOADS) // len(XSS_QUESTIONS) + 1
    for i, key in enumerate(XSS_QUESTIONS):
        payloads = XSS_PAYLOADS[i * per_question : (i + 1) * per_question]
        html = "".join(f"<p>Payload {i}.{n}:</p>{p}" for n, p in enumerate(payloads))
        response = client.post(
            f"/visitaties/{visitatie.id}/zelfevaluatie/antwoorden/{key}",
            data={"csrf_token": token, f"{key}.__base": "0", f"{key}.html": html},
            headers={"X-Requested-With": "fetch", "Accept": "application/json"},
        )
        assert response.status_code == 200, response.get_data(as_text=True)
    for payload in REFUSED_PAYLOADS:
        response = client.post(
            f"/visitaties/{visitatie.id}/zelfevaluatie/antwoorden/s1_9",
            data={"csrf_token": token, "s1_9.__base": "0", "s1_9.html": f"<p>Payload:</p>{payload}"},
            headers={"X-Requested-With": "fetch", "Accept": "application/json"},
        )
        assert response.status_code == 422
        assert "kan niet veilig worden opgeslagen" in response.json["error"]
    # And once more straight through the service, all payloads in one answer.
    with app.test_request_context():
        question = services.definition_for(visitatie).questions["s1_9"]
        services.save_answer(session, coordinator, visitatie, question, {"html": "".join(XSS_PAYLOADS)}, 0)
        session.commit()
    keys = [*XSS_QUESTIONS, "s1_9"]

    session.expire_all()
    rows = session.scalars(select(Answer).where(Answer.visitatie_id == visitatie.id)).all()
    assert sorted(a.question_key for a in rows) == sorted(keys)
    for answer in rows:
        lowered = answer.value["html"].lower()
        assert [word for word in FORBIDDEN if word in lowered] == [], answer.value["html"]

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, coordinator)
    for url, answers in [
        (f"/visitaties/{visitatie.id}/zelfevaluatie/lezen", ", ".join(f"#a-{k} .prose" for k in keys)),
        (section_url(visitatie), ".editor-area"),
    ]:
        page.goto(url)
        page.wait_for_load_state("load")
        area = page.locator(answers)
        expect(area.first).to_contain_text("Payload 0.0:")
        links = area.locator("a")
        assert links.count() >= 4  # the anchors survive, without their javascript: targets
        for n in range(links.count()):
            link = links.nth(n)
            href = link.get_attribute("href")
            assert href is None or href.startswith(("http:", "https:", "mailto:")), href
            link.click()
            if not page.url.split("#")[0].endswith(url):
                page.goto(url)
        # events a payload might have hooked: hovering, focusing and clicking every paragraph
        for element in area.locator("p, li, b, strong, em, i").all()[:40]:
            element.hover()
            element.click()
        assert page.evaluate("window.__xss") is None
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
