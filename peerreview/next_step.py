"""What the current user should do next on a visitatie, shown on every page of it.

``next_step(user, visitatie, portret)`` asks each function in ``STEPS`` in turn and returns the first
answer: one message with a link, or None. A feature adds its own step by writing one small function
(``(user, visitatie, portret) -> Step | None``) and putting it in ``STEPS`` at the place of its
priority. Steps decide through the access policy, so a step never points to a page the user cannot
open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask, url_for
from flask_login import current_user
from sqlalchemy import select

from peerreview import access, db
from peerreview.accounts.models import MembershipRole, User
from peerreview.formatting import LOCAL, date_nl
from peerreview.portret.models import Portret, Publication
from peerreview.portret.services import portret_of
from peerreview.reflectie import comments
from peerreview.reflectiesessie.services import sessie_of
from peerreview.rounds.models import Phase, Visitatie, VisitatieState

# The states of the portret after the visit, in order, as the visitatie's pages show them.
PORTRET_STATES = (VisitatieState.PORTRET_CONCEPT, VisitatieState.REFLECTIE, VisitatieState.DEFINITIEF)


@dataclass(frozen=True)
class Step:
    message: str
    url: str
    due: date | None = None  # the date the step should be done by (shown on the home page)


StepFunction = Callable[[User, Visitatie, Portret | None], Step | None]


def _coordinator(user: User, visitatie: Visitatie) -> bool:
    return user.role_in(visitatie.gemeente_id) is MembershipRole.COORDINATOR


def _respond_to_concept(user: User, visitatie: Visitatie, portret: Portret | None) -> Step | None:
    """The gemeente reads the released concept and responds before the team's deadline."""
    if (
        portret is None
        or visitatie.state is not VisitatieState.PORTRET_CONCEPT
        or portret.released_version is None
        or user.role_in(visitatie.gemeente_id) is None
    ):
        return None
    link = url_for("portret.show", visitatie_id=visitatie.id)
    deadline = portret.feedback_deadline
    if deadline is None:
        return Step("Lees het conceptportret en reageer erop", link)
    deadline = deadline.replace(tzinfo=deadline.tzinfo or UTC)  # SQLite returns it without a zone
    if deadline < datetime.now(UTC):
        return None  # the window closed: the coordinator sends what there is (a step of the reflectie)
    due = deadline.astimezone(LOCAL).date()
    return Step(f"Reageer vóór {date_nl(due)} op het concept", link, due)


def _send_response(user: User, visitatie: Visitatie, portret: Portret | None) -> Step | None:
    """The window closed (or the gemeente is ready): its coordinator sends the comments as one response."""
    if portret is None or visitatie.state is not VisitatieState.PORTRET_CONCEPT or not _coordinator(user, visitatie):
        return None
    waiting = comments.unsent(db.session(), portret)
    if not waiting:
        return None
    noun = "reactie" if waiting == 1 else "reacties"
    return Step(
        f"Stuur de reactie van de gemeente naar het team ({waiting} {noun} klaar)",
        url_for("reflectie.index", visitatie_id=visitatie.id),
    )


def _plan_sessie(user: User, visitatie: Visitatie, portret: Portret | None) -> Step | None:
    """Once the concept is shared the gemeente's coordinator and the team plan the reflectiesessie."""
    if (
        portret is None
        or portret.released_version is None
        or visitatie.state not in (VisitatieState.PORTRET_CONCEPT, VisitatieState.REFLECTIE)
        or not access.can("sessie.plan", visitatie)
    ):
        return None
    sessie = sessie_of(db.session(), visitatie)
    if sessie is not None and sessie.planned_on is not None:
        return None
    return Step(
        "Plan de reflectiesessie",
        url_for("reflectiesessie.show", visitatie_id=visitatie.id),
        visitatie.round.deadline(Phase.REFLECTIE),
    )


def _answer_comments(user: User, visitatie: Visitatie, portret: Portret | None) -> Step | None:
    """The gemeente sent its response: the team answers every comment before proposing the final version."""
    if portret is None or not access.can("reflectie.answer", visitatie):
        return None
    waiting = comments.unanswered(db.session(), portret)
    if not waiting:
        return None
    verb = "wacht" if waiting == 1 else "wachten"
    noun = "reactie" if waiting == 1 else "reacties"
    return Step(
        f"{waiting} {noun} {verb} op een antwoord van het team", url_for("reflectie.log", visitatie_id=visitatie.id)
    )


def _propose(user: User, visitatie: Visitatie, portret: Portret | None) -> Step | None:
    """Every comment is answered: the team lead proposes the current version as the definitive portret."""
    if (
        portret is None
        or portret.proposed_version == portret.current_version
        or not access.can("reflectie.propose", visitatie)
    ):
        return None
    return Step("Stel het portret voor als definitief", url_for("reflectie.log", visitatie_id=visitatie.id))


def _adopt(user: User, visitatie: Visitatie, portret: Portret | None) -> Step | None:
    """The team proposed the final version; the gemeente's coordinator adopts it."""
    if (
        portret is None
        or portret.proposed_version is None
        or portret.adopted_version is not None
        or not _coordinator(user, visitatie)
    ):
        return None
    return Step("Stel het portret vast", url_for("portret.show", visitatie_id=visitatie.id))


def _choose_publication(user: User, visitatie: Visitatie, portret: Portret | None) -> Step | None:
    """After adoption the coordinator chooses who may read the portret (nobody else is asked)."""
    if (
        portret is None
        or portret.publication is not Publication.GEMEENTE
        or portret.publication_withdrawn_at is not None  # a deliberate withdrawal is a choice made
        or not access.can("portret.publish", portret)
    ):
        return None
    return Step(
        "Kies wie het portret mag lezen", url_for("portret.show", visitatie_id=visitatie.id, _anchor="publicatie")
    )


def _work_on_agenda(user: User, visitatie: Visitatie, portret: Portret | None) -> Step | None:
    """The portret is definitive: the coordinator turns its development points into a verbeteragenda."""
    if visitatie.state is not VisitatieState.DEFINITIEF or not access.can("agenda.edit", visitatie):
        return None
    from peerreview.agenda.models import ActionLine, Agenda

    # Whether any action line exists: one query, not the agenda with its lines, sources and parts.
    started = db.session().scalar(
        select(ActionLine.id)
        .join(Agenda, Agenda.id == ActionLine.agenda_id)
        .where(Agenda.visitatie_id == visitatie.id)
        .limit(1)
    )
    if started is not None:
        return None
    return Step(
        "Maak de verbeteragenda: van ontwikkelpunten naar actielijnen",
        url_for("agenda.show", visitatie_id=visitatie.id),
    )


STEPS: list[StepFunction] = [
    _send_response,
    _respond_to_concept,
    _answer_comments,
    _propose,
    _adopt,
    _plan_sessie,
    _choose_publication,
    _work_on_agenda,
]


def next_step(user: User, visitatie: Visitatie, portret: Portret | None) -> Step | None:
    if not user.is_authenticated:
        return None
    for step in STEPS:
        found = step(user, visitatie, portret)
        if found is not None:
            return found
    return None


# --- the home page: the gemeente's own next task, also before the portret ---------------------------------


def _choose_variant(user: User, visitatie: Visitatie, portret: Portret | None) -> Step | None:
    if not access.can("visitatie.choose_variant", visitatie) or visitatie.variant is not None:
        return None
    return Step(
        "Kies de basis- of plusversie",
        url_for("rounds.visitatie", visitatie_id=visitatie.id),
        visitatie.round.deadline(Phase.ZELFEVALUATIE),
    )


def _write_selfeval(user: User, visitatie: Visitatie, portret: Portret | None) -> Step | None:
    """The coordinator fills in and submits; a contributor fills in."""
    if not access.can("selfeval.edit", visitatie):
        return None
    message = "Vul de zelfevaluatie in en dien haar in" if _coordinator(user, visitatie) else "Vul de zelfevaluatie in"
    return Step(
        message,
        url_for("selfeval.overview", visitatie_id=visitatie.id),
        visitatie.round.deadline(Phase.ZELFEVALUATIE),
    )


def _propose_respondents(user: User, visitatie: Visitatie, portret: Portret | None) -> Step | None:
    """After submission: the gemeente proposes whom the team could speak to, until it has proposed someone."""
    if not access.can("visit.propose", visitatie):
        return None
    from peerreview.visit.models import RespondentProposal

    made = db.session().scalar(
        select(RespondentProposal.id).where(RespondentProposal.visitatie_id == visitatie.id).limit(1)
    )
    if made is not None:
        return None
    return Step(
        "Stel respondenten voor voor de gesprekken van de visitatie",
        url_for("visit.proposals_page", visitatie_id=visitatie.id),
        visitatie.round.deadline(Phase.VISITATIE),
    )


HOME_STEPS: list[StepFunction] = [_choose_variant, _write_selfeval, _propose_respondents]


def home_step(user: User, visitatie: Visitatie, portret: Portret | None) -> Step | None:
    """The user's next task on a visitatie of their own gemeente: the steps of every page, and before the
    portret the gemeente's own tasks (choose the version, fill in and submit, propose respondents)."""
    found = next_step(user, visitatie, portret)
    if found is not None or not user.is_authenticated:
        return found
    for step in HOME_STEPS:
        found = step(user, visitatie, portret)
        if found is not None:
            return found
    return None


# Who is at work when the gemeente has nothing to do, by state; the phase's deadline is the team's.
WAITING_ON = {
    VisitatieState.ZELFEVALUATIE: "De coördinator en de invullers van de gemeente schrijven de zelfevaluatie.",
    VisitatieState.INGEDIEND: "Het reviewteam leest de zelfevaluatie.",
    VisitatieState.IN_REVIEW: "Het reviewteam leest de zelfevaluatie.",
    VisitatieState.VISITATIE: "Het reviewteam houdt de gesprekken en schrijft het conceptportret.",
    VisitatieState.PORTRET_CONCEPT: "Het reviewteam werkt aan het conceptportret.",
    VisitatieState.REFLECTIE: "Het reviewteam verwerkt de reacties in het portret.",
    VisitatieState.DEFINITIEF: "Het portret is definitief.",
}


def init_app(app: Flask) -> None:
    """The header of every visitatie page asks for the current user's next step and the portret states."""

    def next_step_for(visitatie: Any, portret: Any = None) -> Step | None:
        if portret is None and visitatie.state in PORTRET_STATES:
            portret = portret_of(db.session(), visitatie)
        return next_step(current_user, visitatie, portret)

    def home_step_for(visitatie: Any, portret: Any = None) -> Step | None:
        if portret is None and visitatie.state in PORTRET_STATES:
            portret = portret_of(db.session(), visitatie)
        return home_step(current_user, visitatie, portret)

    app.add_template_global(next_step_for)
    app.add_template_global(home_step_for)
    app.add_template_global(lambda visitatie: WAITING_ON[visitatie.state], "waiting_on")
    app.add_template_global(lambda: PORTRET_STATES, "portret_states")
