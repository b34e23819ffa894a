"""The verbeteragenda's stand van zaken per period as HTML, PDF (pdftotext) and DOCX (read back with
python-docx), the CSV of all parts, and the audit log of downloads."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import docx
import pytest
from sqlalchemy import select

from peerreview.audit.models import AuditEvent
from tests.functional.agenda_world import agenda_world


@pytest.fixture
def world(app, session, make):
    return agenda_world(app, session, make)


def test_the_html_report_of_a_period_shows_each_line_its_parts_and_that_periods_progress(client_for, world):
    client = client_for(world["coordinator"])
    page = client.get(f"{world['agenda_base']}/stand-van-zaken/{world['autumn'].id}").get_data(as_text=True)
    assert "Actielijn 1: Het mandaat van de toegang verbreden" in page
    assert "Actielijn 2: Sturen op cijfers met de raad" in page
    assert "De werkinstructie is vastgesteld." in page
    assert "De eerste versie van de werkinstructie" not in page  # the spring text belongs to the spring report
    assert "Wat veranderde sinds Voorjaar 2027" in page
    assert "Teamleider toegang, Gemeente" in page and "Q2 2027" in page
    spring = client.get(f"{world['agenda_base']}/stand-van-zaken/{world['spring'].id}").get_data(as_text=True)
    assert "De eerste versie van de werkinstructie is besproken." in spring
    assert "Dit is het eerste peilmoment" in spring


def test_the_summary_counts_parts_per_status_and_lists_what_changed(app, session, world):
    from peerreview.agenda import reports

    with app.test_request_context():
        built = reports.build(session, session.merge(world["agenda"]), session.merge(world["autumn"]))
    counts = {status.value: n for status, n in built.counts}
    assert counts == {"gereed": 1, "in_uitvoering": 1, "in_voorbereiding": 1, "vervallen": 1}
    changed = {row.number: (row.previous_status.value, row.status.value) for row in built.changes}
    assert changed == {
        "1.1": ("in_uitvoering", "gereed"),
        "1.2": ("nog_niet_gestart", "in_uitvoering"),
        "2.1": ("nog_niet_gestart", "in_voorbereiding"),
        "2.2": ("in_voorbereiding", "vervallen"),
    }


def test_the_docx_opens_with_word_headings_and_tables_with_a_header_row(client_for, session, world):
    response = client_for(world["coordinator"]).get(f"{world['agenda_base']}/stand-van-zaken/{world['autumn'].id}/docx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.docx"')
    document = docx.Document(io.BytesIO(response.data))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "Actielijn 1: Het mandaat van de toegang verbreden") in headings
    assert ("Heading 1", "Actielijn 2: Sturen op cijfers met de raad") in headings
    assert any(style == "Heading 2" and text.startswith("Onderdeel 2.1") for style, text in headings)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "De werkinstructie is vastgesteld." in text and "Het team werkt ermee." in text
    assert document.tables, "no tables"
    for table in document.tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(docx.oxml.ns.qn("w:tblHeader")) is not None
    plan = [t for t in document.tables if t.rows[0].cells[1].text == "Zoals gepland"]
    assert len(plan) == 4 and plan[0].rows[1].cells[0].text == "Resultaat"
    assert document.core_properties.title.startswith("Stand van zaken verbeteragenda Deventer")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "agenda_report_downloaded")).one()
    assert event.details["format"] == "docx" and event.details["period"] == "Najaar 2027"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_pdf_holds_the_action_lines_and_parts(client_for, world, tmp_path):
    response = client_for(world["coordinator"]).get(f"{world['agenda_base']}/stand-van-zaken/{world['autumn'].id}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    path = tmp_path / "rapport.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Actielijn 1: Het mandaat van de toegang verbreden" in flat
    assert "Actielijn 2: Sturen op cijfers met de raad" in flat
    assert "Een dashboard jeugdhulp voor de raad" in flat
    assert "De werkinstructie is vastgesteld." in flat


def test_the_csv_has_every_part_with_its_latest_progress_and_no_formula(client_for, world):
    response = client_for(world["coordinator"]).get(f"{world['agenda_base']}/onderdelen.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert [row[header.index("Onderdeel")] for row in body] == ["1.1", "1.2", "2.1", "2.2"]
    latest = {row[3]: row[header.index("Laatste stand van zaken")] for row in body}
    assert latest["1.1"].startswith("De werkinstructie is vastgesteld.")
    assert latest["2.1"] == ""
    assert body[3][header.index("Resultaat")].startswith("'=")  # CSV injection: text, not a formula
    assert body[3][header.index("Reden (vervallen)")] == "De regionale monitor geeft wat we nodig hebben."


def test_reports_are_404_for_another_gemeente_and_for_an_unknown_period(client_for, world):
    outsider = client_for(world["outsider"])
    for url in (
        f"{world['agenda_base']}/rapportage",
        f"{world['agenda_base']}/stand-van-zaken/{world['autumn'].id}",
        f"{world['agenda_base']}/stand-van-zaken/{world['autumn'].id}/docx",
        f"{world['agenda_base']}/onderdelen.csv",
    ):
        assert outsider.get(url).status_code == 404, url
    coordinator = client_for(world["coordinator"])
    assert coordinator.get(f"{world['agenda_base']}/stand-van-zaken/999999").status_code == 404


def test_the_reports_page_lists_the_periods_with_their_downloads(client_for, world):
    page = client_for(world["writer"]).get(f"{world['agenda_base']}/rapportage").get_data(as_text=True)
    assert "Voorjaar 2027" in page and "Najaar 2027" in page
    assert f"stand-van-zaken/{world['autumn'].id}/docx" in page
    assert "Leeslinks" not in page  # only the coordinator hands out links
