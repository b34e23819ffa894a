"""Unsaved drafts in localStorage belong to one user: keyed by user, gone at logout, and another user
logging in on the same browser never finds them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from peerreview.accounts.models import MembershipRole
from peerreview.rounds.models import Variant
from tests.browser.test_selfeval_browser import QUESTION, TIMEOUT, log_in, section_url
from tests.factories import start_selfeval

DRAFT_KEYS = "() => Object.keys(localStorage).filter((key) => key.startsWith('peerreview:')).sort()"


def put_draft(page, rest):
    """A draft as selfeval.js stores it, for the signed-in user of this page."""
    return page.evaluate(
        "rest => { const key = window.draftKey(rest); localStorage.setItem(key, '{}'); return key; }", rest
    )


def end_session_without_logout(page):
    """The session ends without the logout button (idle, closed window): leave the page first, so that no
    request of it still in flight sets the session cookie again after the cookies are cleared."""
    page.goto("about:blank")
    page.context.clear_cookies()


@pytest.mark.allow_console_errors(r"^Failed to load resource: net::ERR_INTERNET_DISCONNECTED$")
def test_unsaved_text_is_stored_under_the_users_own_key(page, make, session):
    gemeente = make.gemeente()
    user = make.user(gemeente=gemeente, role=MembershipRole.COORDINATOR)
    visitatie = start_selfeval(session, make.visitatie(gemeente), Variant.BASIS)
    log_in(page, user)
    page.goto(section_url(visitatie))
    editor = page.get_by_role("textbox", name=QUESTION, exact=True)
    expect(editor).to_be_visible()
    page.context.set_offline(True)
    editor.click()
    page.keyboard.type("Vertrouwelijke tekst van de eerste gebruiker.")
    editor.blur()
    expect(page.locator("#save-status")).to_contain_text("bewaard in deze browser", timeout=TIMEOUT)
    keys = page.evaluate(DRAFT_KEYS)
    assert keys == [f"peerreview:u{user.id}:v{visitatie.id}:s1_1"]
    assert "Vertrouwelijke tekst" in page.evaluate("key => localStorage.getItem(key)", keys[0])


def test_logging_out_removes_the_drafts(page, make):
    user = make.user()
    log_in(page, user)
    put_draft(page, "v1:s1_1")
    page.evaluate("localStorage.setItem('iets-anders', 'blijft')")  # not ours: left alone
    assert page.evaluate(DRAFT_KEYS) == [f"peerreview:u{user.id}:v1:s1_1"]
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/inloggen**", timeout=TIMEOUT)
    assert page.evaluate(DRAFT_KEYS) == []
    assert page.evaluate("localStorage.getItem('iets-anders')") == "blijft"


def test_another_user_logging_in_on_the_same_browser_removes_the_previous_users_drafts(page, make):
    first, second = make.user(), make.user()
    log_in(page, first)
    put_draft(page, "v1:s1_1")
    end_session_without_logout(page)
    log_in(page, second)
    assert page.evaluate(DRAFT_KEYS) == []
    mine = put_draft(page, "v2:s1_1")
    assert mine == f"peerreview:u{second.id}:v2:s1_1"


def test_the_same_user_coming_back_finds_their_drafts(page, make):
    user = make.user()
    log_in(page, user)
    key = put_draft(page, "v1:s1_1")
    end_session_without_logout(page)
    log_in(page, user)
    assert page.evaluate(DRAFT_KEYS) == [key]
