"""Rounds and visitaties. Services flush and never commit; the view commits once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from flask import url_for
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, joinedload

from peerreview.accounts.models import User
from peerreview.accounts.services import coordinators_of
from peerreview.audit.services import record
from peerreview.mail import services as mail
from peerreview.rounds.models import Phase, Round, RoundDeadline, Variant, Visitatie, VisitatieState
from peerreview.tenants.models import Gemeente, Jeugdregio


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


def participants(session: Session, round_: Round, *, offset: int = 0, limit: int | None = None) -> list[Visitatie]:
    """The round's visitaties by gemeente name (all, or ``limit`` from ``offset``), each with its gemeente
    and jeugdregio (one query)."""
    return list(
        session.scalars(
            select(Visitatie)
            .join(Visitatie.gemeente)
            .where(Visitatie.round_id == round_.id)
            .options(joinedload(Visitatie.gemeente).joinedload(Gemeente.jeugdregio))
            .order_by(Gemeente.name, Visitatie.id)
            .offset(offset)
            .limit(limit)
        ).unique()
    )


def _not_taking_part(round_: Round) -> ColumnElement[bool]:
    return Gemeente.id.not_in(select(Visitatie.gemeente_id).where(Visitatie.round_id == round_.id))


def candidate_count(session: Session, round_: Round) -> int:
    """How many gemeenten do not take part in the round yet."""
    return session.scalar(select(func.count(Gemeente.id)).where(_not_taking_part(round_))) or 0


# At most this many gemeenten are offered per search: the network has hundreds, a page of checkboxes
# for all of them is long to render and to read.
CANDIDATE_SEARCH_LIMIT = 40


def search_candidates(session: Session, round_: Round, text: str) -> tuple[list[Gemeente], bool]:
    """Gemeenten not in the round yet whose name or jeugdregio contains ``text`` (any case), by name;
    at most ``CANDIDATE_SEARCH_LIMIT``, and whether there were more."""
    text = text.strip()
    found = list(
        session.scalars(
            select(Gemeente)
            .outerjoin(Gemeente.jeugdregio)
            .where(
                _not_taking_part(round_),
                or_(Gemeente.name.icontains(text, autoescape=True), Jeugdregio.name.icontains(text, autoescape=True)),
            )
            .order_by(Gemeente.name)
            .limit(CANDIDATE_SEARCH_LIMIT + 1)
        )
    )
    return found[:CANDIDATE_SEARCH_LIMIT], len(found) > CANDIDATE_SEARCH_LIMIT


def candidates(session: Session, round_: Round, ids: Iterable[int]) -> list[Gemeente]:
    """Those of the gemeenten ``ids`` that do not take part in the round yet, by name."""
    return list(
        session.scalars(
            select(Gemeente).where(Gemeente.id.in_(list(ids)), _not_taking_part(round_)).order_by(Gemeente.name)
        )
    )


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


def state_counts_per_round(session: Session, round_ids: Iterable[int]) -> dict[int, dict[VisitatieState, int]]:
    """Per round, how many of its visitaties are in each state: counted by the database (GROUP BY), not
    by loading every visitatie."""
    counts = {round_id: dict.fromkeys(VisitatieState, 0) for round_id in round_ids}
    if counts:
        rows = session.execute(
            select(Visitatie.round_id, Visitatie.state, func.count())
            .where(Visitatie.round_id.in_(list(counts)))
            .group_by(Visitatie.round_id, Visitatie.state)
        )
        for round_id, state, n in rows:
            counts[round_id][state] = n
    return counts
