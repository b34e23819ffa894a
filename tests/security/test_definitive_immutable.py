"""A definitive portret never changes: every POST route of the URL map, posted by every role (and
without an account) with plausible values in every form field its view reads, leaves the adopted
version's content, checksum and kind as they were, adds no version, and moves nothing. The only way to
change the text is an erratum with a reason (tests/functional/test_definitief.py); here the reason is
left empty, so that route must refuse as well."""

from __future__ import annotations

from sqlalchemy import func, select

from peerreview.accounts.models import NetworkRole
from peerreview.portret.models import Portret, PortretVersion, VersionKind
from peerreview.selfeval import services as selfeval
from tests.conftest import csrf_from
from tests.factories import definitive
from tests.security.test_input_fuzz import BASELINE, LAST, _dynamic_answer_fields, _fields_for, _path, _url_args

ROLES = ("admin", "coordinator", "writer", "lead", "member", "staff", "outsider")


def _snapshot(session, portret_id: int) -> tuple:
    session.expire_all()
    portret = session.get(Portret, portret_id)
    adopted = session.scalar(
        select(PortretVersion).where(
            PortretVersion.portret_id == portret_id, PortretVersion.number == portret.adopted_version
        )
    )
    count = session.scalar(select(func.count(PortretVersion.id)).where(PortretVersion.portret_id == portret_id))
    return (
        portret.adopted_version,
        portret.current_version,
        count,
        adopted.content,
        adopted.checksum,
        adopted.kind,
        adopted.erratum_reason,
    )


def test_no_post_route_changes_a_definitive_portret_for_any_role(app, session, make, client, client_for):
    world = definitive(app, session, make)
    world["admin"] = make.user("beheer@netwerk.nl", network_role=NetworkRole.ADMIN)
    session.commit()
    before = _snapshot(session, world["portret_id"])
    assert before[5] is VersionKind.DEFINITIEF
    args = _url_args(session, world)
    dynamic = _dynamic_answer_fields(selfeval.definition_for(world["visitatie"]))
    clients = [(role, client_for(world[role])) for role in ROLES] + [("anonymous", client)]
    tokens = {
        role: csrf_from(c.get("/account" if role != "anonymous" else "/inloggen").get_data(as_text=True))
        for role, c in clients
    }
    rules = sorted(
        (r for r in app.url_map.iter_rules() if "POST" in (r.methods or ())),
        key=lambda r: (bool(LAST.search(r.rule)), r.rule),
    )
    posted, failures = 0, []
    for rule in rules:
        path = _path(app, rule, args)
        texts, _files = _fields_for(app, rule, dynamic)
        values = {name: BASELINE.get(name, f"<p>Gewijzigd via {rule.endpoint}</p>") for name in texts}
        values.update(base=str(world["adopted"]), reason="", scope="openbaar", motto="Ander motto")
        for role, c in clients:
            response = c.post(path, data={"csrf_token": tokens[role], **values})
            posted += 1
            if response.status_code >= 500:
                failures.append(f"{rule.endpoint} as {role}: {response.status_code}")
            after = _snapshot(session, world["portret_id"])
            if after != before:
                failures.append(f"{rule.endpoint} as {role} changed the definitive portret")
                before = after
    assert not failures, "\n".join(failures)
    assert posted >= 40 * len(clients)


def test_hostile_values_on_the_definitive_portrets_routes_never_give_a_5xx(app, session, make, client_for):
    """The input fuzz test meets these routes before any portret is adopted (all 404); here they are
    open: the coordinator's publication choice and the lead's erratum."""
    from tests.security.test_input_fuzz import HOSTILE

    world = definitive(app, session, make)
    routes = {
        "coordinator": f"{world['base']}/portret/publicatie",
        "lead": f"{world['base']}/portret/erratum/visie",
    }
    before = _snapshot(session, world["portret_id"])
    checked = 0
    for role, path in routes.items():
        client = client_for(world[role])
        token = csrf_from(client.get(f"{world['base']}/portret").get_data(as_text=True))
        for kind, value in HOSTILE.items():
            fields = ("scope",) if role == "coordinator" else ("base", "title", "html", "motto", "reason")
            response = client.post(path, data={"csrf_token": token, **dict.fromkeys(fields, value)})
            assert response.status_code < 500, f"{path} [{kind}]: {response.status_code}"
            checked += 1
    assert checked == 2 * len(HOSTILE)
    assert _snapshot(session, world["portret_id"]) == before
