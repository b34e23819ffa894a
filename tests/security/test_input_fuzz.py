"""Hostile input never makes the app fail (5xx): every POST route of the URL map gets hostile values in
every form field its view reads, with a valid CSRF token, as a user who may use it; every GET route with
an id out of range answers 404. Run it on PostgreSQL too: NUL and integer overflow only fail there."""

from __future__ import annotations

import inspect
import re
from datetime import date
from io import BytesIO
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.routing import Rule
from werkzeug.test import encode_multipart
from wtforms.fields.core import UnboundField

from peerreview.accounts import services as accounts
from peerreview.accounts.models import Invitation, Membership, MembershipRole, NetworkRole
from peerreview.indicators.models import Indicator
from peerreview.portret import skeleton
from peerreview.selfeval import cases, documents
from peerreview.selfeval import forms as selfeval_forms
from peerreview.selfeval import services as selfeval
from peerreview.selfeval.models import Casus, Document
from peerreview.visit.models import RespondentGroup, RespondentProposal
from tests.conftest import csrf_from
from tests.factories import visited

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# What every field gets, one request per kind (bytes are sent as they are: invalid UTF-8).
HOSTILE: dict[str, str | bytes] = {
    "huge": "99999999999999999999",
    "int32": "2147483648",
    "negative": "-1",
    "not a number": "twaalf",
    "unicode digits": "²٣",  # str.isdigit() is true for both, int() refuses the first
    "nul": "voor\x00na",
    "invalid utf-8": b"\xff\xfe\xc3(",
    "1 MB": "x" * (1024 * 1024),
    "deep json": "[" * 5000 + "]" * 5000,
    "deep html": "<ul><li>" * 5000,
}

# Valid values for the fields a view checks first (an unknown section is a 404 before the user id is
# read): the id-like kinds are posted a second time with these in place.
BASELINE = {"section": "s1", "kind": "sterkte", "themes": "T7", "question_key": "s1_1", "role": "bijdrager"}
ID_LIKE = {"huge", "int32", "negative", "not a number", "unicode digits"}

# Routes that end a session or remove what others need go last.
LAST = re.compile(r"uitloggen|verwijderen|intrekken|toestemming")


def _form_classes() -> dict[str, type[FlaskForm]]:
    found: dict[str, type[FlaskForm]] = {}
    todo = list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo.extend(cls.__subclasses__())
    return found


def _fields_of(form: type[FlaskForm]) -> dict[str, UnboundField]:
    return {
        name: value
        for klass in reversed(form.__mro__)
        for name, value in vars(klass).items()
        if isinstance(value, UnboundField)
    }


_READS = re.compile(r"""(?:form|args|files)\.get(?:list)?\(\s*f?["']([^"'{}]+)["']""")


def _fields_for(app: Flask, rule: Rule, dynamic: list[str]) -> tuple[set[str], set[str]]:
    """(text fields, file fields) the route's view reads: its form classes' fields, the names it reads
    from ``request.form`` itself, and the dynamic answer fields for the zelfevaluatie."""
    view = inspect.unwrap(app.view_functions[rule.endpoint])
    source = inspect.getsource(view)
    forms = _form_classes()
    texts, files = set(_READS.findall(source)), set()
    for name in set(re.findall(r"\b(\w+Form)\b", source)) & forms.keys():
        for field, unbound in _fields_of(forms[name]).items():
            (files if "File" in unbound.field_class.__name__ else texts).add(field)
    if rule.endpoint in ("selfeval.section", "selfeval.autosave"):
        texts |= set(dynamic)
    texts |= {"base", "id", "user", "lead", "__base"}  # the ids the issue found unchecked
    if rule.endpoint in ("selfeval.upload", "indicators.upload"):
        files.add("file")
    texts.discard("csrf_token")
    return texts, files


def _dynamic_answer_fields(definition: Any) -> list[str]:
    """The posted names ``forms.raw_value`` reads, for one question of every kind."""

    class Recorder(dict):  # type: ignore[type-arg]
        def get(self, key: str, default: Any = None) -> Any:
            names.append(key)
            return default

        def getlist(self, key: str) -> list[str]:
            names.append(key)
            return []

    names: list[str] = []
    seen = set()
    for question in definition.questions.values():
        if question.kind in seen:
            continue
        seen.add(question.kind)
        selfeval_forms.raw_value(question, Recorder())  # type: ignore[arg-type]
        names.append(f"{question.key}.__base")
        if question.kind == "rows":
            names.extend(f"{question.key}.rows.0.{c['key']}" for c in question.spec["columns"])
    return names


@pytest.fixture
def world(app, session, make):
    w = visited(app, session, make)
    w["admin"] = make.user("beheer@netwerk.nl", network_role=NetworkRole.ADMIN)
    visitatie = w["visitatie"]
    with app.test_request_context():
        visitatie = session.merge(visitatie)
        document = documents.upload(
            session,
            w["coordinator"],
            visitatie,
            data=MINIMAL_PDF,
            filename="plan.pdf",
            title="Plan",
            item_key=None,
            section_keys=[],
            max_bytes=1024 * 1024,
        )
        casus = cases.create(
            session,
            w["coordinator"],
            visitatie,
            pseudonym="Casus A",
            given_by="ouder",
            given_on=date(2026, 10, 1),
            scope="dossier",
            recorded_how="schriftelijk",
        )
        accounts.invite(
            session,
            w["admin"],
            "nieuw@deventer.nl",
            gemeente=visitatie.gemeente,
            membership_role=MembershipRole.CONTRIBUTOR,
        )
        session.commit()
    w["document"], w["casus"] = document, casus
    # The network's passage index (the strength is a passage analysts code with lenses).
    from peerreview.network import indexer

    indexer.reindex_visitatie(session, visitatie.id)
    # A respondent the gemeente proposed for the visit (adopt, decline and withdraw are POST routes).
    session.add(
        RespondentProposal(
            gemeente_id=visitatie.gemeente_id,
            visitatie_id=visitatie.id,
            role="Intern begeleider",
            group=RespondentGroup.ONDERWIJS,
        )
    )
    session.commit()
    return w


def _url_args(session, world: dict[str, Any]) -> dict[str, Any]:
    visitatie = world["visitatie"]
    first = lambda model: session.scalar(select(model.id).order_by(model.id)) or 1  # noqa: E731
    return {
        "visitatie_id": visitatie.id,
        "round_id": visitatie.round_id,
        "section_key": "s1",
        "question_key": "s1_1",
        "casus_id": first(Casus),
        "document_id": first(Document),
        "membership_id": session.scalar(select(Membership.id).where(Membership.user_id == world["writer"].id)),
        "invitation_id": first(Invitation),
        "annotation_id": world["strength"].id,
        "respondent_id": world["respondent"].id,
        "proposal_id": first(RespondentProposal),
        "conversation_id": world["conversation"].id,
        "quote_id": world["quote"].id,
        "slug": visitatie.gemeente.slug,
        "code": session.scalar(select(Indicator.code).order_by(Indicator.id)) or "x",
        "user_id": world["writer"].id,
        "role": NetworkRole.ANALYST.value,
        "section": skeleton.load(skeleton.latest_version()).sections[1].key,
        "token": "x" * 32,
        "number": 1,
        "mail_id": 1,
        "import_id": 1,
        "comment_id": 1,
        "link_id": 1,
        "attendee_id": 1,
        "lesson_id": 1,
        "point_id": 1,
        "key": f"annotation:{world['strength'].id}",
        "lens": "sturing",
        "thread_id": 1,
        "evidence_id": 1,
        "gemeente_id": visitatie.gemeente_id,
        "theme": "T1",
        "line_id": 1,
        "part_id": 1,
        "period_id": 1,
        "share_id": 1,
    }


def _path(app: Flask, rule: Rule, args: dict[str, Any]) -> str:
    with app.test_request_context():
        return app.url_for(rule.endpoint, **{name: args[name] for name in rule.arguments}, _external=False)


def _body(token: str, fields: set[str], value: str | bytes, baseline: dict[str, str]) -> bytes:
    pairs = [(name, baseline.get(name, value)) for name in sorted(fields)]
    return urlencode([("csrf_token", token), *pairs]).encode("ascii")


def test_hostile_values_in_every_form_field_of_every_post_route_never_give_a_5xx(
    app, session, world, client_for, caplog
):
    args = _url_args(session, world)
    definition = selfeval.definition_for(world["visitatie"])
    dynamic = _dynamic_answer_fields(definition)
    users = [world["admin"], world["coordinator"], world["lead"], world["staff"]]
    clients = [client_for(user) for user in users]
    tokens = [csrf_from(c.get("/account").get_data(as_text=True)) for c in clients]
    rules = sorted(
        (r for r in app.url_map.iter_rules() if "POST" in (r.methods or ())),
        key=lambda r: (bool(LAST.search(r.rule)), r.rule),
    )
    assert len(rules) > 40
    failures: list[str] = []
    covered: set[str] = set()
    for rule in rules:
        path = _path(app, rule, args)
        texts, files = _fields_for(app, rule, dynamic)
        # A user who may use the route: the first whose empty post is not refused as not theirs.
        chosen = 0
        for i, client in enumerate(clients):
            try:
                probe = client.post(path, data={"csrf_token": tokens[i]})
            except Exception as error:
                failures.append(f"{rule.endpoint} (empty form): {error!r:.300}")
                break
            if probe.status_code >= 500:
                failures.append(f"{rule.endpoint} (empty form): {probe.status_code}")
            if probe.status_code not in (403, 404):
                chosen = i
                break
        client, token = clients[chosen], tokens[chosen]
        for kind, value in HOSTILE.items():
            if rule.endpoint in ("accounts.logout",) and kind != "nul":
                continue
            for baseline in ({}, BASELINE) if kind in ID_LIKE and texts & BASELINE.keys() else ({},):
                try:
                    response = _post(client, path, token, texts, files, kind, value, baseline)
                except Exception as error:  # under TESTING an error propagates instead of answering 500
                    failures.append(f"{rule.endpoint} [{kind}] as {users[chosen].email}: {error!r:.300}")
                    continue
                if response.status_code >= 500:
                    failures.append(f"{rule.endpoint} [{kind}] as {users[chosen].email}: {response.status_code}")
        covered.add(rule.endpoint)
    assert not failures, "\n".join(failures)
    assert covered == {r.endpoint for r in rules}
    # Values are checked where they are read; the database's range error is only the last safety net.
    assert "refused by the database" not in caplog.text


def _post(client, path, token, texts, files, kind, value, baseline):  # type: ignore[no-untyped-def]
    if kind == "1 MB":  # keeps the body under MAX_CONTENT_LENGTH, so the fields are parsed and used
        texts = sorted(texts)[:12]
    if files:
        boundary, body = encode_multipart(
            {
                "csrf_token": token,
                **{name: value.decode("latin-1") if isinstance(value, bytes) else value for name in texts},
                **baseline,
                **{name: FileStorage(BytesIO(b"\xff\x00" * 64), f"{kind}.csv") for name in files},
            }
        )
        return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    return client.post(
        path, data=_body(token, texts, value, baseline), content_type="application/x-www-form-urlencoded"
    )


def test_every_get_route_with_an_id_out_of_range_is_not_found(app, session, world, client_for):
    args = _url_args(session, world)
    client = client_for(world["admin"])
    checked = 0
    for rule in app.url_map.iter_rules():
        ids = [name for name, converter in rule._converters.items() if converter.__class__.__name__ == "IdConverter"]
        if not ids or "GET" not in (rule.methods or ()):
            continue
        template = _path(app, rule, {**args, **dict.fromkeys(ids, 7654321)})
        for bad in ("2147483648", "99999999999999999999", "0"):
            response = client.get(template.replace("/7654321", f"/{bad}"))
            assert response.status_code == 404, f"{rule.rule} with {bad}: {response.status_code}"
            checked += 1
    assert checked > 20


@pytest.mark.parametrize(
    "query", ["pagina=99999999999999999999&a=2147483648&b=-5&van=twaalf&naar=-1&versie=2147483648", "van=%00"]
)
def test_hostile_query_values_on_get_routes_never_give_a_5xx(app, session, world, client_for, query, caplog):
    args = _url_args(session, world)
    admin, lead = client_for(world["admin"]), client_for(world["lead"])
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static" or "<token>" in rule.rule:
            continue
        path = _path(app, rule, args)
        for client in (admin, lead) if rule.rule.startswith("/visitaties/") else (admin,):
            response = client.get(f"{path}?{query}")
            assert response.status_code < 500, f"{rule.rule}?{query}: {response.status_code}"
    assert "refused by the database" not in caplog.text


def test_a_nul_in_a_form_value_is_refused_with_a_dutch_message_and_the_text_shown(world, client_for):
    client = client_for(world["lead"])
    path = f"{world['base']}/visitatie/gesprekken/{world['conversation'].id}/verslag"
    token = csrf_from(
        client.get(f"{world['base']}/visitatie/gesprekken/{world['conversation'].id}").get_data(as_text=True)
    )
    response = client.post(
        path, data={"csrf_token": token, "notes": "<p>Mijn verslag\x00 gaat verder</p>", "base_revision": "1"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "onzichtbaar stuurteken" in body
    assert "Mijn verslag gaat verder" in body
    assert quote("\x00") not in body


def test_the_error_page_renders_after_the_request_transaction_failed(app, world, client_for):
    import sqlalchemy as sa

    from peerreview import db

    def broken() -> str:
        s = db.session()
        s.execute(sa.text("SELECT no_such_column FROM no_such_table"))  # fails the transaction
        return "unreachable"

    app.add_url_rule("/kapot", "kapot", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production
    response = client_for(world["coordinator"]).get("/kapot")
    assert response.status_code == 500
    assert "Er ging iets mis aan onze kant" in response.get_data(as_text=True)


def test_an_upload_too_large_to_parse_comes_back_as_the_upload_page_with_the_error(app, session, make, client_for):
    from tests.factories import start_selfeval

    gemeente = make.gemeente("Gouda")
    coordinator = make.user(gemeente=gemeente, role=MembershipRole.COORDINATOR)
    visitatie = start_selfeval(session, make.visitatie(gemeente))
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    client = client_for(coordinator)
    base = f"/visitaties/{visitatie.id}/zelfevaluatie/documenten"
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf_from(client.get(base).get_data(as_text=True)),
            "title": "Jaarverslag",
            "file": FileStorage(BytesIO(MINIMAL_PDF + b"0" * 200 * 1024), "groot.pdf"),
        }
    )
    response = client.post(f"{base}/toevoegen", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    page = response.get_data(as_text=True)
    assert response.status_code == 413, page
    assert "Het bestand is te groot: wat je verstuurde was 200,7 kB, het maximum is 25 MB." in page
    assert "de titel en de gekozen onderdelen niet aangekomen" in page
    assert 'id="file"' in page and 'data-max-bytes="26214400"' in page  # the upload form, with the limit
