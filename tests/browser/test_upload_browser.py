"""Uploads in the browser: a file over the limit is refused before it is sent, and the form stays filled in."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from peerreview.selfeval.models import Document
from tests.browser.test_selfeval_browser import basis_visitatie, log_in


def test_a_file_over_the_limit_is_refused_in_the_browser_and_the_form_stays_filled_in(page, app, session, make):
    app.config["UPLOAD_MAX_MB"] = 1
    _, coordinator, visitatie = basis_visitatie(make, session)
    log_in(page, coordinator)
    url = f"/visitaties/{visitatie.id}/zelfevaluatie/documenten"
    page.goto(url)
    page.get_by_label("Titel").fill("Jaarverslag 2025")
    page.locator("input[name=sections]").first.check()
    page.locator("#file").set_input_files(
        files=[{"name": "groot.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" + b"0" * 1_600_000}]
    )
    error = page.locator("#file-error")
    expect(error).to_have_text(
        "Het bestand ‘groot.pdf’ is 1,6 MB; het maximum is 1 MB. Verklein het bestand of splits het op."
    )
    page.get_by_role("button", name="Toevoegen").click()
    assert page.url.endswith(url)  # not sent
    expect(page.get_by_label("Titel")).to_have_value("Jaarverslag 2025")
    expect(page.locator("input[name=sections]").first).to_be_checked()
    assert session.scalar(select(func.count()).select_from(Document)) == 0

    page.locator("#file").set_input_files(
        files=[{"name": "klein.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    expect(error).to_be_hidden()
