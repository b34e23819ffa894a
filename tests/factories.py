"""Test data: small, explicit builders. Every tenant-owned row gets its gemeente."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview.accounts import auth
from peerreview.accounts.models import Membership, MembershipRole, NetworkRole, NetworkRoleGrant, User
from peerreview.rounds.models import Phase, Round, RoundDeadline, Variant, Visitatie, VisitatieState
from peerreview.tenants.models import Gemeente, Jeugdregio, slugify

PASSWORD = "een-goed-wachtwoord"
_HASH = auth.hash_password(PASSWORD)
_counter = itertools.count(1)


class Factory:
    def __init__(self, session: Session) -> None:
        self.session = session

    def commit(self) -> None:
        self.session.commit()

    def gemeente(self, name: str | None = None, regio: str = "Testregio", inhabitants: int = 40_000) -> Gemeente:
        n = next(_counter)
        name = name or f"Gemeente {n}"
        jeugdregio = self.session.query(Jeugdregio).filter_by(name=regio).one_or_none() or Jeugdregio(name=regio)
        gemeente = Gemeente(
            name=name,
            slug=slugify(name),
            cbs_code=f"GM{n:04d}",
            province="Utrecht",
            jeugdregio=jeugdregio,
            inhabitants=inhabitants,
        )
        self.session.add(gemeente)
        self.session.commit()
        return gemeente

    def user(
        self,
        email: str | None = None,
        *,
        gemeente: Gemeente | None = None,
        role: MembershipRole = MembershipRole.CONTRIBUTOR,
        network_role: NetworkRole | None = None,
        two_factor_exempt: bool = True,
        **kwargs: Any,
    ) -> User:
        n = next(_counter)
        user = User(
            email=email or f"persoon{n}@example.nl",
            name=kwargs.pop("name", f"Persoon {n}"),
            password_hash=_HASH,
            two_factor_exempt=two_factor_exempt,
            **kwargs,
        )
        if gemeente is not None:
            user.memberships.append(Membership(gemeente_id=gemeente.id, role=role))
        if network_role is not None:
            user.network_roles.append(NetworkRoleGrant(role=network_role))
        self.session.add(user)
        self.session.commit()
        return user

    def round(self, name: str | None = None, gemeenten: tuple[Gemeente, ...] = ()) -> Round:
        round_ = Round(name=name or f"Ronde {next(_counter)}", starts_on=date(2026, 9, 1), ends_on=date(2027, 6, 30))
        round_.deadlines.append(RoundDeadline(phase=Phase.ZELFEVALUATIE, due_on=date(2027, 1, 15)))
        self.session.add(round_)
        self.session.flush()
        for gemeente in gemeenten:
            self.session.add(Visitatie(round_id=round_.id, gemeente_id=gemeente.id))
        self.session.commit()
        return round_

    def visitatie(self, gemeente: Gemeente, round_: Round | None = None) -> Visitatie:
        round_ = round_ or self.round()
        visitatie = Visitatie(round_id=round_.id, gemeente_id=gemeente.id)
        self.session.add(visitatie)
        self.session.commit()
        return visitatie


def sample_value(question) -> dict[str, Any]:
    """A valid, filled value for any question kind."""
    kind = question.kind
    if kind == "richtext":
        return {"html": f"<p>Antwoord op {question.label}.</p>"}
    if kind == "choice":
        return {"value": question.spec["options"][0]["value"], "explanation": "<p>Toelichting.</p>"}
    if kind == "checklist":
        return {"values": [question.spec["items"][0]["value"]], "explanation": ""}
    if kind == "rating_list":
        status = question.spec["scale"][0]["value"]
        return {"items": {str(i["value"]): {"status": status, "comment": ""} for i in question.spec["items"]}}
    if kind == "rows":
        row = {
            c["key"]: (c["options"][0]["value"] if c["kind"] == "choice" else "12") for c in question.spec["columns"]
        }
        return {"rows": [row]}
    if kind == "number":
        return {"value": 3}
    return {"goed": "<p>Goed.</p>", "ontwikkel": "<p>Beter.</p>"}


def start_selfeval(session: Session, visitatie: Visitatie, variant: Variant = Variant.BASIS) -> Visitatie:
    visitatie.variant, visitatie.definition_version = variant, 1
    session.commit()
    return visitatie


def complete_selfeval(app, session: Session, visitatie: Visitatie, user: User) -> None:
    """Answer every required question (for tests that need a submittable zelfevaluatie)."""
    from peerreview.selfeval import services

    with app.test_request_context():
        definition = services.definition_for(visitatie)
        current = services.answers(session, visitatie)
        for question in definition.questions.values():
            if question.required:
                base = current[question.key].revision if question.key in current else 0
                services.save_answer(session, user, visitatie, question, sample_value(question), base)
        session.commit()


def indicator(code: str, unit: str = "percent", group: str = "gebruik", **fields: Any) -> Any:
    """An (unsaved) indicator; name, definition and source get plain defaults."""
    from peerreview.indicators.models import Indicator, Unit

    defaults = {"name": code, "short_name": code, "definition": f"Definitie van {code}.", "source": "CBS"}
    return Indicator(code=code, unit=Unit(unit), group=group, **(defaults | fields))


def with_key_figures(session: Session, gemeente: Gemeente, reference: Gemeente) -> None:
    """Two indicators (one with two periods, one flagged value) for the gemeente, a reference and Nederland."""
    from peerreview.indicators.models import Area, AreaKind, IndicatorValue, ReferenceGroup
    from peerreview.indicators.services import sync_gemeente_areas

    sync_gemeente_areas(session)
    nederland = Area(code="NL01", name="Nederland", kind=AreaKind.NEDERLAND)
    use = indicator(
        "JH121",
        name="Jeugdigen met jeugdhulp zonder verblijf",
        short_name="Jeugdhulp zonder verblijf",
        definition="Aandeel jeugdigen met jeugdhulp zonder verblijf, per halfjaar.",
        decimals=1,
        source="CBS Kerncijfers jeugdzorg (JH121)",
        position=1,
    )
    costs = indicator(
        "LASTEN_GEBRUIKER",
        unit="euro",
        group="lasten",
        name="Lasten per jeugdige met jeugdhulp",
        short_name="Lasten per gebruiker",
        definition="Lasten van de jeugdhulp gedeeld door het aantal jeugdigen met jeugdhulp.",
        source="Findo",
        position=0,
    )
    session.add_all([nederland, use, costs])
    session.flush()
    areas = {a.gemeente_id: a for a in session.scalars(select(Area).where(Area.gemeente_id.is_not(None)))}
    own, other = areas[gemeente.id], areas[reference.id]
    rows = [
        (use, own, "2017-H1", 7.8, ["bron_inconsistent"], "Waarschijnlijk 5,8 %."),
        (use, own, "2020-H1", 5.9, [], ""),
        (use, other, "2017-H1", 7.4, [], ""),
        (use, other, "2020-H1", 7.4, [], ""),
        (use, nederland, "2017-H1", 7.1, [], ""),
        (use, nederland, "2020-H1", 7.2, [], ""),
        (costs, own, "2019", 11239, [], ""),
        (costs, other, "2019", 9406, [], ""),
        (costs, nederland, "2019", 11409, [], ""),
    ]
    for measure, area, period, value, flags, note in rows:
        session.add(
            IndicatorValue(indicator_id=measure.id, area_id=area.id, period=period, value=value, flags=flags, note=note)
        )
    session.add(ReferenceGroup(gemeente_id=gemeente.id, references=[other]))
    session.commit()


def generate(client_for: Any, world: dict[str, Any], run_jobs: Any) -> Any:
    """The team lead generates the portret draft of a ``visited`` world; returns the lead's client."""
    lead = client_for(world["lead"])
    response = lead.post_form(f"{world['base']}/portret/genereren", token_from=f"{world['base']}/portret")
    assert response.status_code == 302
    run_jobs()
    return lead


def current(session: Session, world: dict[str, Any]) -> Any:
    """The ``visited`` world's current portret version, read afresh."""
    from peerreview.portret.models import Portret, PortretVersion

    session.expire_all()
    portret = session.scalar(select(Portret).where(Portret.visitatie_id == world["visitatie"].id))
    return session.scalar(
        select(PortretVersion).where(
            PortretVersion.portret_id == portret.id, PortretVersion.number == portret.current_version
        )
    )


def visited(app, session: Session, make: Factory, *, release: bool = True) -> dict[str, Any]:
    """A visitatie ready for its portret: a submitted zelfevaluatie, a declared review team (lead from Emmen,
    member from Utrecht) with a strength, a development point and a theme summary (released unless told
    otherwise), the visit started with one held conversation and a quote, and key figures."""
    from peerreview.review import annotating, assignments, summaries
    from peerreview.review.release import release as release_annotations
    from peerreview.selfeval import submission
    from peerreview.visit import services as visit

    deventer = make.gemeente("Deventer", regio="IJsselland")
    zwolle = make.gemeente("Zwolle", regio="IJsselland")
    emmen = make.gemeente("Emmen", regio="Drenthe")
    utrecht = make.gemeente("Utrecht", regio="Utrecht stad")
    coordinator = make.user("coord@deventer.nl", gemeente=deventer, role=MembershipRole.COORDINATOR)
    writer = make.user("schrijver@deventer.nl", gemeente=deventer)
    lead = make.user("lead@emmen.nl", gemeente=emmen, role=MembershipRole.COORDINATOR, name="Eline Elsinga")
    member = make.user("lid@utrecht.nl", gemeente=utrecht, name="Umut Uitdehaag")
    outsider = make.user("coord@zwolle.nl", gemeente=zwolle, role=MembershipRole.COORDINATOR)
    staff = make.user("ronde@netwerk.nl", network_role=NetworkRole.ROUND_COORDINATOR)
    visitatie = start_selfeval(session, make.visitatie(deventer, make.round("Ronde Oost")))
    complete_selfeval(app, session, visitatie, writer)
    with_key_figures(session, deventer, zwolle)
    with app.test_request_context():
        visitatie = session.merge(visitatie)
        submission.submit(session, coordinator, visitatie)
        assignments.set_team(session, staff, visitatie, lead.id, [member.id])
        for user in (lead, member):
            assignments.declare(session, user, visitatie)
        strength = annotating.create_annotation(
            session,
            lead,
            visitatie,
            annotating.AnnotationInput(
                "s1_1", None, None, "Antwoord op", ["T7"], "sterkte", "Een visie die breed gedragen wordt."
            ),
        )
        point = annotating.create_annotation(
            session,
            member,
            visitatie,
            annotating.AnnotationInput(
                "s2_3_1", None, None, "", ["T5"], "ontwikkelpunt", "Het mandaat van het team is nog smal."
            ),
        )
        summaries.save_summary(session, lead, visitatie, "T7", "duidelijk_aanwezig", "De visie staat al jaren.", 0)
        if release:
            release_annotations(session, lead, visitatie)
        person = visit.save_respondent(
            session, visitatie, visit.RespondentInput("Teamleider toegang", "Gemeente Deventer", "toegang", 1, True)
        )
        conversation = visit.save_conversation(
            session,
            lead,
            visitatie,
            visit.ConversationInput(
                "Toegang", date(2026, 11, 3), None, "groep", "op_locatie", "gehouden", [lead.id], [person.id]
            ),
            {lead.id, member.id},
        )
        visit.save_notes(session, lead, conversation, "<p>Zij zei: “We kennen onze gezinnen bij naam.”</p>", 0)
        quote = visit.add_quote(
            session, lead, conversation, person.id, "We kennen onze gezinnen bij naam.", ["T3"], "inrichting"
        )
        visit.start(session, lead, visitatie)
        session.commit()
    return {
        "visitatie": visitatie,
        "base": f"/visitaties/{visitatie.id}",
        "coordinator": coordinator,
        "writer": writer,
        "lead": lead,
        "member": member,
        "outsider": outsider,
        "staff": staff,
        "strength": strength,
        "point": point,
        "quote": quote,
        "conversation": conversation,
        "respondent": person,
    }


def definitive(app, session: Session, make: Factory, *, release: bool = True, prepare: Any = None) -> dict[str, Any]:
    """``visited``, with a generated portret that the gemeente adopted: released, proposed and adopted as
    version 1 (the columns set directly, as the adoption workflow would), the visitatie definitief.
    ``prepare(session, world)`` runs before the portret is generated (to add material to it)."""
    from peerreview.db import utcnow
    from peerreview.portret import services as portret
    from peerreview.portret.models import VersionKind

    world = visited(app, session, make, release=release)
    with app.test_request_context():
        visitatie = session.merge(world["visitatie"])
        lead = session.merge(world["lead"])
        coordinator = session.merge(world["coordinator"])
        if prepare is not None:
            prepare(session, world)
        item = portret.get_or_create(session, visitatie)
        version = portret.generate(session, item, lead)
        portret.release(session, lead, item)
        now = utcnow()
        item.proposed_version, item.proposed_at, item.proposed_by_id = version.number, now, lead.id
        item.adopted_version, item.adopted_at, item.adopted_by_id = version.number, now, coordinator.id
        version.kind = VersionKind.DEFINITIEF
        visitatie.state = VisitatieState.DEFINITIEF
        session.commit()
        world["portret_id"], world["adopted"] = item.id, version.number
        world["public"] = f"/portretten/{visitatie.gemeente.slug}/{visitatie.id}"
    return world
