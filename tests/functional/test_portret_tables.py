"""Table answers read as tables everywhere (the portret draft, its PDF, the review workspace, the read view),
each in a scroll region keyboard users can reach; and the PDF's polish: indicator names instead of codes,
respondent tables in one layout without "—" rows, no judgement labels after the resumé's headings, and the
figures' footnotes grouped per table."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from sqlalchemy import select

from peerreview.sanitize import scrollable_tables
from peerreview.selfeval import values
from peerreview.selfeval.models import Submission
from peerreview.selfeval.services import definition_for
from tests.factories import visited
from tests.functional.test_portret import current, generate

ROW = {
    "indicator": "Ouders bij het extra huisbezoek",
    "bron": "Jaarverslag JGZ",
    "periode": "2025",
    "waarde": "318",
    "trend": "stabiel",
    "duiding": "Bijna alle ouders van een eerste kind",
}


@pytest.fixture
def world(app, session, make):
    """The visited world, with an indicators table (s1_3) of two rows in the submitted zelfevaluatie."""
    world = visited(app, session, make)
    submission = session.scalar(select(Submission).where(Submission.visitatie_id == world["visitatie"].id))
    question = definition_for(world["visitatie"]).questions["s1_3"]
    value = values.clean(question, {"rows": [ROW, {**ROW, "indicator": "Wachttijd toegang", "waarde": "21"}]})
    snapshot = dict(submission.snapshot)
    snapshot["answers"] = {
        **snapshot["answers"],
        "s1_3": {**snapshot["answers"]["s1_3"], "value": value, "plain": values.plain(question, value)},
    }
    submission.snapshot = snapshot
    session.commit()
    return world


def test_the_plain_text_of_a_table_answer_is_its_rows_joined_by_bars(app, world):
    question = definition_for(world["visitatie"]).questions["s1_3"]
    plain = values.plain(question, values.clean(question, {"rows": [ROW]}))
    assert (
        plain
        == "Ouders bij het extra huisbezoek | Jaarverslag JGZ | 2025 | 318 | Stabiel | Bijna alle ouders van een eerste kind"
    )


def test_the_draft_has_the_table_answer_as_a_table_and_no_bar_rows(client_for, world, session, run_jobs):
    generate(client_for, world, run_jobs)
    sections = current(session, world).content["sections"]
    assert not [s["key"] for s in sections if " | " in s["html"]]  # no raw "… | 318 | 2025 | …" anywhere
    html = "".join(s["html"] for s in sections)
    table = re.search(r"<table[^>]*><thead><tr><th>Indicator</th><th>Bron</th>.*?</table>", html)
    assert table and "<td>318</td><td>Stabiel</td>" in table.group(0) and "<td>Wachttijd toegang</td>" in table.group(0)


def test_every_table_of_the_portret_page_is_a_focusable_scroll_region(client_for, world, session, run_jobs):
    lead = generate(client_for, world, run_jobs)
    page = lead.get(f"{world['base']}/portret").get_data(as_text=True)
    article = page[page.index('<article class="portret">') :]
    tables = article.count("<table")
    assert tables >= 3  # figures, the indicators answer, the respondents
    regions = re.findall(
        r'<div class="table-scroll[^"]*" tabindex="0" role="region" aria-label="[^"]+">\s*<table', article
    )
    assert len(regions) == tables


def test_scrollable_tables_wraps_each_table_once():
    html = scrollable_tables('<p>a</p><table data-bron="b1"><tr><td>1</td></tr></table><p>b</p>')
    assert html.count('tabindex="0"') == 1
    assert html.endswith("</td></tr></table></div><p>b</p>")


def test_respondents_share_one_layout_and_have_no_dash_rows(client_for, world, session, run_jobs):
    from peerreview.visit.models import Respondent

    person = session.scalar(select(Respondent).where(Respondent.visitatie_id == world["visitatie"].id))
    person.organisation = ""  # a resident: a role, no organisation
    session.commit()
    generate(client_for, world, run_jobs)
    section = next(s for s in current(session, world).content["sections"] if s["kind"] == "respondents")
    heads = re.findall(r"<thead>(.*?)</thead>", section["html"])
    assert heads and set(heads) == {"<tr><th>Functie</th><th>Organisatie</th></tr>"}
    assert "—" not in section["html"]
    assert "<td>Teamleider toegang</td><td></td>" in section["html"]


def test_the_resume_has_no_judgement_labels_and_sources_no_codes(client_for, world, session, run_jobs):
    generate(client_for, world, run_jobs)
    sections = {s["kind"]: s["html"] for s in current(session, world).content["sections"]}
    assert "Wat anderen kunnen leren: de sterktes" in sections["resume"]  # the group says it ...
    assert "(duidelijk aanwezig)" not in sections["resume"]  # ... no label after each theme
    assert "Jeugdigen met jeugdhulp zonder verblijf: CBS" in sections["sources"]
    assert "(JH121)" not in sections["sources"].replace("CBS Kerncijfers jeugdzorg (JH121)", "")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_pdf_shows_the_table_answer_as_a_table(client_for, world, session, run_jobs):
    lead = generate(client_for, world, run_jobs)
    assert lead.post_form(f"{world['base']}/portret/pdf").status_code == 302
    run_jobs()
    pdf = lead.get(f"{world['base']}/portret/pdf")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.data, capture_output=True, check=True)
    text = text.stdout.decode()
    assert " | " not in text
    assert re.search(r"Indicator\s+Bron\s+Periode\s+Waarde\s+Trend\s+Duiding", text)  # the header row
    assert re.search(r"Wachttijd\s.*Jaarverslag\s+2025\s+21\s+Stabiel", text)  # a row, its cells side by side
    structure = subprocess.run(["pdfinfo", "-struct", "-"], input=pdf.data, capture_output=True, check=True)
    assert structure.stdout.decode().count("Table") >= 3


def test_the_review_workspace_shows_a_table_answer_as_a_table(client_for, world):
    page = client_for(world["lead"]).get(f"{world['base']}/review?onderdeel=alles").get_data(as_text=True)
    answer = page[page.index('data-question="s1_3"') :]
    answer = answer[: answer.index("</table>")]
    assert '<th scope="col" data-not-answer>Indicator</th>' in answer
    assert "<td>318" in answer and "Ouders bij het extra huisbezoek" in answer
    assert 'class="table-scroll" tabindex="0" role="region"' in answer


def test_the_read_view_shows_the_table_in_a_scroll_region_with_dutch_numbers(client_for, world):
    page = client_for(world["coordinator"]).get(f"{world['base']}/zelfevaluatie/lezen").get_data(as_text=True)
    assert re.search(r'tabindex="0" role="region" aria-label="Indicatoren \(schuift opzij', page)
    assert "<td>Wachttijd toegang</td>" in page


def test_the_consulted_documents_are_listed_by_type(client_for, world, session, run_jobs):
    submission = session.scalar(select(Submission).where(Submission.visitatie_id == world["visitatie"].id))
    snapshot = dict(submission.snapshot)
    snapshot["documents"] = {
        "checklist": {"verordening_jeugd": "aanwezig"},
        "files": [
            {"id": 5, "title": "Beleidsnota Samen Sterk", "filename": "nota.pdf", "item_key": "beleidsnota_jeugd"}
        ],
    }
    submission.snapshot = snapshot
    session.commit()
    generate(client_for, world, run_jobs)
    sources = next(s for s in current(session, world).content["sections"] if s["kind"] == "sources")["html"]
    group = sources.index("Formele beleidsdocumenten</h3>")
    assert group < sources.index("Beleidsnota Samen Sterk (nota.pdf)")
    assert group < sources.index("Gemeentelijke verordening jeugdhulp (aanwezig, niet geüpload)")
    assert sources.index("Zelfevaluatie</h3>") < group < sources.index("Cijferbronnen</h3>")
