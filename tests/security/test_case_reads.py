"""Every response that shows case text (plusversie casussen) is logged, naming the case.

Each case's text carries a unique marker word (see ``conftest.marker``). The known paths are checked one
by one; then every GET rule of the URL map is opened by a gemeente member, a reviewer and round staff:
whatever response contains a case's marker (in HTML, JSON, CSV or the text of a PDF) must have written a
``casus_read`` audit row for that case and that user. A new route that returns case text without calling
``cases.log_case_read`` fails here.
"""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest
from sqlalchemy import func, select

from peerreview.audit.models import AuditEvent
from tests.security.conftest import marker


def shown_text(response: Any) -> str:
    if response.mimetype == "application/pdf":
        return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.data)).pages)
    return response.get_data().decode("utf-8", errors="replace")


def markers_in(text: str, world: dict[str, Any]) -> set[int]:
    return {casus.id for n, casus in enumerate(world["cases"]) if marker(n) in text}


def last_event_id(session) -> int:
    session.rollback()  # a fresh snapshot: the request logged in its own transaction
    return session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))


def case_reads_since(session, after: int) -> list[AuditEvent]:
    session.rollback()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.id > after, AuditEvent.action == "casus_read")))


def check_logged(session, world, user, url, response, before: int) -> set[int]:
    """The cases whose text ``response`` shows; each must have a read row by ``user``."""
    shown = markers_in(shown_text(response), world)
    events = case_reads_since(session, before)
    logged = {e.object_id for e in events if e.object_type == "casus" and e.actor_id == user.id}
    assert shown <= logged, f"{url} showed case text of {sorted(shown - logged)} without logging it"
    assert all(e.gemeente_id == world["visitatie"].gemeente_id for e in events)
    return shown


def _paths(world: dict[str, Any]) -> dict[str, tuple[str, str, str]]:
    v, c = world["visitatie"].id, world["cases"][0].id
    base = f"/visitaties/{v}/zelfevaluatie"
    return {
        "casus page": ("writer", f"{base}/casussen/{c}", "casus"),
        "read page": ("writer", f"{base}/lezen", "lezen"),
        "export.json": ("writer", f"{base}/export.json", "export.json"),
        "answer history of a case field": (
            "writer",
            f"{base}/antwoorden/casus{c}_dossieronderzoek/geschiedenis",
            "geschiedenis",
        ),
        "self-evaluation PDF": ("writer", f"{base}/pdf", "pdf"),
        "review workspace, cases chapter": ("lead", f"/visitaties/{v}/review?onderdeel=casussen", "review"),
        "annotation edit page": (
            "lead",
            f"/visitaties/{v}/review/aantekeningen/{world['annotations'][0].id}",
            "aantekening",
        ),
        "theme view": ("lead", f"/visitaties/{v}/review/themas", "themas"),
        "annotaties.jsonld": ("lead", f"/visitaties/{v}/annotaties.jsonld", "annotaties.jsonld"),
        "annotaties.csv": ("lead", f"/visitaties/{v}/annotaties.csv", "annotaties.csv"),
    }


PATHS = (
    "casus page",
    "read page",
    "export.json",
    "answer history of a case field",
    "self-evaluation PDF",
    "review workspace, cases chapter",
    "annotation edit page",
    "theme view",
    "annotaties.jsonld",
    "annotaties.csv",
)


@pytest.mark.parametrize("path", PATHS)
def test_every_case_text_read_path_is_logged(client_for, session, plus_world, path):
    assert set(_paths(plus_world)) == set(PATHS)
    who, url, via = _paths(plus_world)[path]
    user = plus_world[who]
    before = last_event_id(session)
    response = client_for(user).get(url)
    assert response.status_code == 200, url
    shown = check_logged(session, plus_world, user, url, response, before)
    assert shown, f"{url} was expected to show case text"
    events = case_reads_since(session, before)
    assert {e.details.get("via") for e in events} == {via}
    assert sorted(e.object_id for e in events) == sorted({e.object_id for e in events}), "one row per case"


def _values(world: dict[str, Any]) -> dict[str, list[Any]]:
    visitatie, first = world["visitatie"], world["cases"][0]
    return {
        "visitatie_id": [visitatie.id],
        "casus_id": [first.id],
        "question_key": [f"casus{first.id}_dossieronderzoek", "s1_1"],
        "annotation_id": [a.id for a in world["annotations"][:2]],
        "section_key": ["s1"],
        "round_id": [visitatie.round_id],
        "slug": [world["gemeente"].slug],
        "document_id": [1],
        "conversation_id": [1],
        "respondent_id": [1],
        "import_id": [1],
        "mail_id": [1],
        "code": ["JH121"],
        "section": ["visie"],
        "number": [1],
        "filename": ["app.css"],
        "token": ["x"],
        "comment_id": [1],
        "link_id": [1],
        "attendee_id": [1],
        "lesson_id": [1],
        "point_id": [1],
        "key": [f"annotation:{a.id}" for a in world["annotations"][:2]],
        "lens": ["sturing"],
        "thread_id": [1],
        "evidence_id": [1],
        "gemeente_id": [world["gemeente"].id],
        "theme": ["T1", "T3"],
        "line_id": [1],
        "part_id": [1],
        "period_id": [1],
        "share_id": [1],
    }


def _urls(rule, values: dict[str, list[Any]]) -> list[str]:
    missing = rule.arguments - values.keys()
    assert not missing, f"add a value for {sorted(missing)} (rule {rule.rule}) to _values in {__file__}"
    combos: list[dict[str, Any]] = [{}]
    for name in sorted(rule.arguments):
        combos = [{**combo, name: value} for combo in combos for value in values[name]]
    urls = [rule.build(combo, append_unknown=False)[1] for combo in combos]
    return [*urls, *(f"{url}?onderdeel=casussen" for url in urls if "visitatie_id" in rule.arguments)]


def test_no_route_of_the_url_map_shows_case_text_without_logging_it(app, client_for, session, plus_world):
    values = _values(plus_world)
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]
    showing: set[str] = set()
    for who in ("writer", "lead", "staff"):
        user = plus_world[who]
        client = client_for(user)
        for rule in rules:
            for url in _urls(rule, values):
                before = last_event_id(session)
                response = client.get(url)
                assert response.status_code < 500, url
                if check_logged(session, plus_world, user, url, response, before):
                    assert who != "staff", f"round staff saw case text at {url}"
                    showing.add(rule.endpoint)
    # the scan reached the paths that do show case text
    assert {
        "selfeval.casus",
        "selfeval.read",
        "selfeval.export_json",
        "selfeval.history",
        "selfeval.pdf",
        "review.workspace",
        "review.update",
        "review.theme_view",
        "review.export_jsonld",
        "review.export_csv",
    } <= showing


def test_a_save_conflict_that_returns_the_stored_case_text_is_logged(client_for, session, plus_world):
    from peerreview.rounds.models import Visitatie, VisitatieState

    session.get(Visitatie, plus_world["visitatie"].id).state = VisitatieState.ZELFEVALUATIE  # still being written
    session.commit()
    casus = plus_world["cases"][0]
    key = casus.field_key("dossieronderzoek")
    writer = client_for(plus_world["coordinator"])
    token = writer.csrf(f"/visitaties/{plus_world['visitatie'].id}/zelfevaluatie/casussen/{casus.id}")
    before = last_event_id(session)
    response = writer.post(
        f"/visitaties/{plus_world['visitatie'].id}/zelfevaluatie/antwoorden/{key}",
        data={"csrf_token": token, f"{key}.__base": "1", f"{key}.html": "<p>Een oudere versie.</p>"},
    )
    assert response.status_code == 409 and marker(0) in response.get_data(as_text=True)
    shown = check_logged(session, plus_world, plus_world["coordinator"], key, response, before)
    assert shown == {casus.id}
    assert [e.details["via"] for e in case_reads_since(session, before)] == ["opslaan (conflict)"]
