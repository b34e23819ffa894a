"""One request, one transaction: the request wrapper (``db.transactional``) commits a POST once after the
view returns, an exception commits nothing, and a GET never writes.

The first tests register tiny views on the test's own app to prove the wrapper itself; the last walks
every GET route of the selfeval, portret, visit, indicators, rounds, tenants, home and health blueprints
as the users allowed to open them and compares every table before and after each request.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import abort
from sqlalchemy import select

from peerreview import db
from peerreview.accounts.models import Membership, MembershipRole, NetworkRole
from peerreview.indicators.models import IndicatorImport
from peerreview.models import Base
from peerreview.portret.models import PortretVersion
from peerreview.review.models import ReviewAssignment, TeamRole
from peerreview.rounds.models import Visitatie, VisitatieState
from peerreview.tenants.models import Jeugdregio
from tests.functional.test_route_matrix import urls_for
from tests.functional.test_route_matrix import world as world  # the route matrix's data: one of every object

REGIO = "Regio van de testview"


def _add_regio_then(outcome):  # type: ignore[no-untyped-def]
    """A view that adds a row and flushes it, then ends with ``outcome()``."""

    def view():  # type: ignore[no-untyped-def]
        s = db.session()
        s.add(Jeugdregio(name=REGIO))
        s.flush()
        return outcome()

    return view


def _register(app, rule, view, methods):  # type: ignore[no-untyped-def]
    app.add_url_rule(rule, endpoint=rule, view_func=db.transactional(view), methods=methods)


def _stored(session) -> bool:  # type: ignore[no-untyped-def]
    session.rollback()
    return session.scalar(select(Jeugdregio).where(Jeugdregio.name == REGIO)) is not None


def _fail() -> str:
    raise RuntimeError("the view failed after flushing")


def test_a_post_that_returns_normally_is_committed(app, client, session):
    _register(app, "/_test/ok", _add_regio_then(lambda: "ok"), ["POST"])
    assert client.post_form("/_test/ok", token_from="/inloggen").status_code == 200
    assert _stored(session)


def test_a_post_whose_view_raises_after_flushing_stores_nothing(app, client, session):
    _register(app, "/_test/fails", _add_regio_then(_fail), ["POST"])
    with pytest.raises(RuntimeError, match="after flushing"):
        client.post_form("/_test/fails", token_from="/inloggen")
    assert not _stored(session)


def test_a_post_that_aborts_after_flushing_stores_nothing(app, client, session):
    _register(app, "/_test/refused", _add_regio_then(lambda: abort(409)), ["POST"])
    assert client.post_form("/_test/refused", token_from="/inloggen").status_code == 409
    assert not _stored(session)


def test_a_get_that_writes_raises_read_only_violation_and_stores_nothing(app, client, session):
    _register(app, "/_test/writes", _add_regio_then(lambda: "written"), ["GET"])
    with pytest.raises(db.ReadOnlyViolation, match="GET /_test/writes"):
        client.get("/_test/writes")
    assert not _stored(session)


def test_a_get_that_only_reads_is_fine(app, client, session):
    _register(app, "/_test/reads", lambda: str(db.session().scalar(select(sa.func.count(Jeugdregio.id)))), ["GET"])
    assert client.get("/_test/reads").status_code == 200


# --- every GET route of these packages writes nothing but audit rows ------------------------------------

BLUEPRINTS = (
    "selfeval",
    "portret",
    "reflectie",
    "definitief",
    "visit",
    "indicators",
    "rounds",
    "tenants",
    "home",
    "health",
    "reflectiesessie",
    "network",
    "agenda",
    "agenda_reports",
)
AUDIT_TABLE = "audit_event"
# GET routes the route matrix's data does not open for any of the users below, by state, and why.
PORTRET = ("edit", "history", "pdf", "show", "show_version", "status")
REFLECTIE = ("index", "links", "log", "apply", "deadline", "guest")
ANSWERING = {f"reflectie.{name}": "the team answers after the gemeente sent its response" for name in ("log", "apply")}
SESSIE = ("show", "calendar", "plan", "record", "reactie", "nawoord")
AGENDA = {
    f"agenda.{name}": "the verbeteragenda opens once the portret is definitive"
    for name in ("show", "new_line", "edit_line", "new_part", "part", "progress", "overview")
}
AGENDA.update(
    {
        f"agenda_reports.{name}": "the verbeteragenda opens once the portret is definitive"
        for name in ("index", "report", "report_pdf", "report_docx", "parts_csv")
    }
)
# Opened in test_agenda_sharing.py and test_agenda_next_round.py: the world has no share token, no earlier round.
AGENDA_ELSEWHERE = {
    "agenda_reports.shared": "the world's token is not a share link's",
    "agenda_reports.shared_portret": "the world's token is not a share link's",
    "agenda_reports.previous_portret": "the world has no earlier round",
}
VISIT_PLANNING = ("edit_conversation", "edit_respondent", "new_conversation", "respondents")
NOT_ADOPTED = {
    "definitief.show": "only an adopted, published portret has a public page",
    "definitief.pdf": "only an adopted portret has definitive PDFs",
    "definitief.erratum": "an erratum corrects an adopted portret",
}
# The world's "code" names an indicator; the page of a lens code is opened in test_network_lenses.py.
LENS_CODE = {"network.lens_code": "the world's code value is an indicator's, not a lens code"}
NO_REPORT = {"network.report_pdf": "the world has no generated network report"}
CHOSEN_IN_A_FORM = {
    "indicators.choose_duiding": "answers only the form's ?kengetal= choice (opened in test_indicators.py)"
}
UNREACHED: dict[VisitatieState, dict[str, str]] = {
    VisitatieState.INGEDIEND: {
        **LENS_CODE,
        **NO_REPORT,
        **CHOSEN_IN_A_FORM,
        **AGENDA_ELSEWHERE,
        **{f"portret.{name}": "the portret is made after the visit" for name in PORTRET},
        **{f"reflectie.{name}": "the gemeente comments on a released concept" for name in REFLECTIE},
        **{f"reflectiesessie.{name}": "the reflectiesessie follows the visit" for name in SESSIE},
        **AGENDA,
        **NOT_ADOPTED,
        "network.history_rounds": "a gemeente's rounds are shown once its review or portret is released",
    },
    VisitatieState.PORTRET_CONCEPT: {
        **LENS_CODE,
        **NO_REPORT,
        **CHOSEN_IN_A_FORM,
        **AGENDA_ELSEWHERE,
        "selfeval.reopen": "a zelfevaluatie reopens only while the review has not ended",
        **ANSWERING,
        **AGENDA,
        **NOT_ADOPTED,
    },
    VisitatieState.DEFINITIEF: {
        **LENS_CODE,
        **NO_REPORT,
        **CHOSEN_IN_A_FORM,
        **AGENDA_ELSEWHERE,
        "selfeval.reopen": "a zelfevaluatie reopens only while the review has not ended",
        "portret.edit": "a definitive portret changes only by an erratum",
        **{f"reflectie.{name}": "the reflectie ended with the adoption" for name in ("apply", "deadline", "links")},
        **{
            f"reflectiesessie.{name}": "plan, record and wederhoor are locked once the portret is adopted"
            for name in ("plan", "record", "reactie", "nawoord")
        },
        **{f"visit.{name}": "the visit is planned until the concept portret" for name in VISIT_PLANNING},
        "definitief.show": "the world's portret is published to nobody beyond its gemeente",
    },
}


def _fingerprint(connection) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every table's rows (all columns), hashed: any insert, update or delete changes it."""
    prints = {}
    for table in Base.metadata.sorted_tables:
        digest = hashlib.sha256()
        for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns)):
            digest.update(repr(tuple(row)).encode())
        prints[table.name] = digest.hexdigest()
    return prints


def _get_rules(app):  # type: ignore[no-untyped-def]
    return sorted(
        (r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint.split(".")[0] in BLUEPRINTS),
        key=lambda r: r.rule,
    )


def _permitted_users(make, session, world):  # type: ignore[no-untyped-def]
    """Who may open what: gemeente A's coordinator, a lead reviewer of its visitatie, round staff, an admin."""
    values = world["values"]
    lead = make.user(gemeente=make.gemeente("Leiddorp"), role=MembershipRole.COORDINATOR)
    visitatie = session.get(Visitatie, values["visitatie_id"])
    upload = session.get(IndicatorImport, values["import_id"])  # a finished import has a report
    upload.report = {"rows": 1, "added": 1, "updated": 0, "unchanged": 0, "rejected_count": 0, "rejected": []}
    upload.report["layout"] = "CBS StatLine"
    version = session.scalar(select(PortretVersion))  # a portret starts with its title section
    title = {"key": "titel", "kind": "title", "level": 0, "title": "Aardam", "html": "", "provenance": {}}
    version.content = {**version.content, "sections": [title, *version.content["sections"]]}
    session.add(
        ReviewAssignment(
            gemeente_id=visitatie.gemeente_id,
            visitatie_id=visitatie.id,
            user_id=lead.id,
            role=TeamRole.LEAD,
            declared_at=datetime.now(UTC),
        )
    )
    session.commit()
    coordinator = session.scalar(select(Membership).where(Membership.id == values["membership_id"])).user
    return {
        "coordinator of A": coordinator,
        "lead reviewer": lead,
        "round coordinator": make.user(network_role=NetworkRole.ROUND_COORDINATOR),
        "admin": make.user(network_role=NetworkRole.ADMIN),
    }


def test_no_get_route_writes_anything_but_audit_rows(app, make, session, client_for, world):
    users = _permitted_users(make, session, world)
    engine = app.extensions["peerreview.engine"]
    opened: dict[str, list[str]] = {}
    requests = 0
    with engine.connect() as connection:
        before = _fingerprint(connection)
    for rule in _get_rules(app):
        urls = list(urls_for(rule, world)) if rule.arguments else [rule.rule]
        for who, user in users.items():
            client = client_for(user)
            for url in urls:
                response = client.get(url)  # a flush in a GET raises db.ReadOnlyViolation under testing
                requests += 1
                with engine.connect() as connection:
                    after = _fingerprint(connection)
                changed = sorted(name for name in before if before[name] != after[name] and name != AUDIT_TABLE)
                assert not changed, f"{who}: GET {url} changed {changed}"
                before = after
                assert response.status_code < 500, f"{who}: GET {url} gave {response.status_code}"
                if response.status_code < 400:
                    opened.setdefault(rule.endpoint, []).append(who)
    expected = UNREACHED[session.get(Visitatie, world["values"]["visitatie_id"]).state]
    unreached = {r.endpoint for r in _get_rules(app)} - opened.keys()
    assert unreached == expected.keys(), f"no user opened {sorted(unreached ^ expected.keys())}"
    assert requests > 100


def test_reading_a_case_logs_it_in_its_own_transaction(app, client_for, session, world):
    from peerreview.audit.models import AuditEvent

    coordinator = session.scalar(select(Membership).where(Membership.id == world["values"]["membership_id"])).user
    base = f"/visitaties/{world['values']['visitatie_id']}/zelfevaluatie"
    response = client_for(coordinator).get(f"{base}/casussen/{world['values']['casus_id']}")
    assert response.status_code == 200
    logged = session.scalars(select(AuditEvent).where(AuditEvent.action == "casus_read")).all()
    assert [(e.object_type, e.object_id, e.actor_id) for e in logged] == [
        ("casus", world["values"]["casus_id"], coordinator.id)
    ]
