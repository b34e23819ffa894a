"""Logging in as a person does: keyboard only, with the error summary and the skip link."""

from peerreview.accounts.models import MembershipRole
from tests.factories import PASSWORD


def test_login_by_keyboard_with_an_error_first(page, make):
    deventer = make.gemeente("Deventer")
    make.user("lid@deventer.nl", gemeente=deventer, role=MembershipRole.COORDINATOR, name="Anouk Aalbers")
    page.goto("/inloggen")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Naar de inhoud"

    page.get_by_label("E-mailadres").fill("lid@deventer.nl")
    page.get_by_label("Wachtwoord").fill("niet-het-goede-wachtwoord")
    page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    assert "horen niet bij elkaar" in summary.inner_text()
    # the summary takes focus, so a screen reader announces it
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.get_by_label("E-mailadres").input_value() == "lid@deventer.nl"

    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_url("**/")
    assert page.locator("h1").inner_text() == "Goedendag, Anouk"
    page.get_by_role("link", name="Deventer").first.click()
    assert page.locator("h1").inner_text() == "Gemeente Deventer"


def test_pages_are_served_with_the_content_security_policy(page, live_server):
    response = page.goto("/inloggen")
    assert "script-src 'self'" in response.headers["content-security-policy"]
