"""The verbeteragenda in a browser: the coordinator turns a development point of the portret and an own
improvement point into an action line, adds a part and a reporting period, records the stand van zaken,
reads what changed in the period and, where the report views are there, downloads the period's report."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from peerreview.agenda.models import ActionLine, Part, PartStatus, ProgressUpdate
from tests.factories import PASSWORD, definitive


def login(page, email):
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("Wachtwoord").press("Enter")
    page.wait_for_url("**/")


def test_a_coordinator_turns_two_points_into_an_action_line_and_records_progress(page, app, session, make):
    def prepare(s, w):
        from peerreview.reflectiesessie import services as sessies

        sessies.add_improvement_point(
            s, w["lead"], s.merge(w["visitatie"]), "T3", "Gezinnen die buiten beeld blijven eerder bereiken."
        )

    world = definitive(app, session, make, prepare=prepare)
    agenda = f"{world['base']}/verbeteragenda"
    login(page, "coord@deventer.nl")
    page.goto(world["base"])
    page.get_by_role("link", name="Verbeteragenda").first.click()
    page.wait_for_url(f"**{agenda}")

    page.get_by_label(re.compile("Het mandaat van het team is nog smal")).check()
    page.get_by_label(re.compile("Gezinnen die buiten beeld blijven eerder bereiken")).check()
    page.get_by_role("button", name="Maak actielijn").click()
    page.wait_for_url(re.compile(r".*/actielijnen/nieuw\?"))
    assert page.get_by_label(re.compile("Het mandaat van het team")).is_checked()  # the chosen points come along
    page.get_by_label("Titel").fill("Een toegang met mandaat voor iedereen")
    page.get_by_label("Procesdoel").fill("Het team beslist zelf over lichte hulp.")
    page.get_by_label("Resultaatdoel").fill("Gezinnen wachten niet langer dan zes weken.")
    page.get_by_role("button", name="Actielijn maken").click()

    page.wait_for_url(re.compile(r".*/onderdelen/nieuw$"))
    page.get_by_label("Beoogd resultaat").fill("Wachttijd tot het eerste gesprek onder 6 weken")
    page.get_by_label("Eigenaar: functie").fill("Teamleider toegang")
    page.get_by_label("Planning").fill("Q2 2027")
    page.get_by_role("button", name="Onderdeel toevoegen").click()
    page.wait_for_url(re.compile(r".*/verbeteragenda#onderdeel-\d+$"))
    # the point says which action line answers it, the action line links back to the point
    line = page.locator("section.agenda-line")
    assert "Actielijn 1: Een toegang met mandaat voor iedereen" in line.inner_text()
    assert page.get_by_role("link", name="actielijn 1, Een toegang met mandaat voor iedereen").count() == 2
    assert "Geen planning" not in line.inner_text()  # the normenkader check: owner and planning are there

    page.locator("summary", has_text="Rapportageperiode toevoegen").click()
    today = date.today()
    page.get_by_label("Naam").fill("Voorjaar 2027")
    page.get_by_label("Begint op").fill((today - timedelta(days=30)).isoformat())
    page.get_by_label("Eindigt op").fill((today + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Periode toevoegen").click()
    page.wait_for_url(re.compile(r".*#perioden$"))

    page.get_by_role("link", name=re.compile("Stand van zaken invullen")).first.click()
    editor = page.get_by_role("textbox", name="Tekst")
    editor.click()
    page.keyboard.type("De dagelijkse triage draait sinds maart.")
    page.get_by_label("Status op dit moment").select_option("in_uitvoering")
    page.get_by_role("button", name="Stand van zaken opslaan").click()
    page.wait_for_url(re.compile(r".*/onderdelen/\d+$"))
    assert "De stand van zaken voor Voorjaar 2027 is opgeslagen." in page.content()
    history = page.locator("ol.status-history").inner_text()
    assert "Nog niet gestart" in history and "In uitvoering" in history

    page.goto(agenda)
    page.get_by_role("link", name="Wat is er veranderd?").first.click()
    page.wait_for_url(re.compile(r".*/voortgang"))
    overview = page.locator("main").inner_text()
    assert "Wat is er veranderd: Voorjaar 2027" in overview
    assert "De dagelijkse triage draait sinds maart." in overview

    session.expire_all()
    line_row = session.scalars(select(ActionLine)).one()
    assert sorted(s.kind.value for s in line_row.sources) == ["ontwikkelpunt", "verbeterpunt"]
    assert session.scalars(select(Part)).one().status is PartStatus.IN_UITVOERING
    assert "triage" in session.scalars(select(ProgressUpdate)).one().text

    if "agenda_reports.report_docx" in app.view_functions:  # the period report (agendarep's views)
        page.goto(agenda)
        page.get_by_role("link", name=re.compile(r"^Rapportage( en delen)?$")).first.click()
        with page.expect_download() as download:
            page.get_by_role("link", name="Word Voorjaar 2027").click()
        assert download.value.suggested_filename.endswith(".docx")
