"""Rounds and visitaties. Services flush and never commit; the view commits once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview.accounts.models import User
from peerreview.accounts.services import coordinators_of
from peerreview.audit.services import record
from peerreview.mail import services as mail
from peerreview.rounds.models import Phase, Round, RoundDeadline, Variant, Visitatie, VisitatieState
from peerreview.tenants.models import Gemeente


class RoundError(Exception):
    """A refused operation; the message is Dutch and meant for the user."""


def save_round(
    session: Session,
    actor: User,
    round_: Round | None,
    *,
    name: str,
    description: str,
    starts_on: date,
    ends_on: date,
    deadlines: Mapping[Phase, date | None],
    same_region_rule: str = "block",
    open_review: bool = False,
    anonymous_review: bool = False,
    wederhoor: bool = True,
) -> Round:
    clash = session.scalar(select(Round).where(Round.name == name.strip()))
    if clash is not None and clash is not round_:
        raise RoundError("Er is al een ronde met deze naam. Kies een andere naam.")
    created = round_ is None
    if round_ is None:
        round_ = Round(created_by_id=actor.id)
        session.add(round_)
    round_.name, round_.description = name.strip(), description.strip()
    round_.starts_on, round_.ends_on = starts_on, ends_on
    round_.same_region_rule = same_region_rule if same_region_rule in ("block", "warn") else "block"
    round_.open_review, round_.anonymous_review = open_review, anonymous_review
    round_.wederhoor = wederhoor
    existing = {d.phase: d for d in round_.deadlines}
    for phase, due_on in deadlines.items():
        if due_on is None:
            if phase in existing:
                round_.deadlines.remove(existing[phase])
        elif phase in existing:
            existing[phase].due_on = due_on
        else:
            round_.deadlines.append(RoundDeadline(phase=phase, due_on=due_on))
    session.flush()
    record(session, "round_created" if created else "round_updated", actor=actor, obj=round_, name=round_.name)
    return round_


def candidates(session: Session, round_: Round) -> list[Gemeente]:
    """Gemeenten that do not take part in the round yet."""
    taking_part = select(Visitatie.gemeente_id).where(Visitatie.round_id == round_.id)
    return list(session.scalars(select(Gemeente).where(Gemeente.id.not_in(taking_part)).order_by(Gemeente.name)))


def add_participants(session: Session, actor: User, round_: Round, gemeenten: Iterable[Gemeente]) -> list[Visitatie]:
    added = []
    for gemeente in gemeenten:
        visitatie = Visitatie(round_id=round_.id, gemeente_id=gemeente.id)
        session.add(visitatie)
        session.flush()
        record(session, "visitatie_added", actor=actor, gemeente_id=gemeente.id, obj=visitatie, round=round_.name)
        for coordinator in coordinators_of(session, gemeente.id):
            mail.send(
                session,
                coordinator.email,
                f"{gemeente.name} doet mee aan {round_.name}",
                "visitatie_added",
                user=coordinator,
                gemeente=gemeente,
                round=round_,
                link=url_for("rounds.visitatie", visitatie_id=visitatie.id, _external=True),
            )
        added.append(visitatie)
    return added


def choose_variant(session: Session, actor: User, visitatie: Visitatie, variant: Variant) -> None:
    if visitatie.state is not VisitatieState.ZELFEVALUATIE:
        raise RoundError("De zelfevaluatie is al ingediend; de versie ligt vast.")
    visitatie.variant = variant
    record(
        session, "variant_chosen", actor=actor, gemeente_id=visitatie.gemeente_id, obj=visitatie, variant=variant.value
    )
    session.flush()


def state_counts(visitaties: Iterable[Visitatie]) -> dict[VisitatieState, int]:
    counts = dict.fromkeys(VisitatieState, 0)
    for visitatie in visitaties:
        counts[visitatie.state] += 1
    return counts
