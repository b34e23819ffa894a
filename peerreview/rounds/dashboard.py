"""The round coordinator's progress dashboard: per gemeente of a round, where every part stands.

One row per visitatie: the zelfevaluatie's required answers delivered (36/62), the documents, each
reviewer's declaration and annotations, the visit's conversations and the gemeente's open respondent
proposals, the portret and the reflectiesessie. The part whose phase deadline has passed is marked
overdue.

Efficiency: four statements whatever the number of gemeenten (no query per row), each built once per
process and selecting columns, not entities: the visitaties with their gemeente's name, their counts
(checklist, theme summaries, open proposals, conversations held and planned) and the state of their
portret and reflectiesessie; the answers; the documents; the review teams with each reviewer's number of
annotations. The round's deadlines come with the round. Answers are read as (visitatie, key, value)
tuples; for rich-text questions only whether their stored plain text is empty (parsing every answer's
HTML cost most of the page's time). The fill count uses the same rule as the zelfevaluatie's own progress
page (``selfeval.services``): a required question is delivered when answered, or when a document is
linked to its section.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import Select, Text, bindparam, case, cast, func, null, select
from sqlalchemy.orm import Session

from peerreview.accounts.models import User
from peerreview.portret.models import Portret, Publication
from peerreview.reflectiesessie.models import ReflectieSessie
from peerreview.review.models import Annotation, ReviewAssignment, TeamRole, ThemeSummary
from peerreview.rounds.models import Phase, Round, Variant, Visitatie, VisitatieState
from peerreview.selfeval import definitions, documents, values
from peerreview.selfeval.models import Answer, ChecklistItem, Document
from peerreview.tenants.models import Gemeente
from peerreview.visit.models import Conversation, ConversationStatus, ProposalStatus, RespondentProposal

THEME_COUNT = 12


@dataclass
class Reviewer:
    name: str
    role: TeamRole
    declared: bool
    annotations: int


@dataclass
class Row:
    visitatie_id: int
    gemeente: str  # its name
    state: VisitatieState
    variant: Variant | None
    required: int = 0
    delivered: int = 0
    documents: int = 0
    checklist_done: int = 0
    reviewers: list[Reviewer] = field(default_factory=list)
    summaries: int = 0
    held: int = 0  # conversations
    planned: int = 0
    open_proposals: int = 0
    portret_state: str = ""
    sessie_planned_on: date | None = None
    sessie_held_on: date | None = None
    overdue_phase: Phase | None = None
    overdue_since: date | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.delivered / self.required) if self.required else 0

    @property
    def sessie_state(self) -> str:
        if self.sessie_held_on is not None:
            return "gehouden"
        if self.sessie_planned_on is not None:
            return "gepland"
        return "nog niet gepland"


def _portret_state(
    current: int | None,
    adopted: int | None,
    publication: Publication | None,
    proposed: int | None,
    released: int | None,
) -> str:
    if not current:
        return "nog niet gemaakt"
    if adopted is not None:
        if publication is Publication.GEMEENTE:
            return "vastgesteld"
        return "vastgesteld en gepubliceerd"
    if proposed is not None:
        return "voorgesteld als definitief"
    if released is not None:
        return f"concept gedeeld (versie {released})"
    return f"concept, versie {current}, niet gedeeld"


# --- the statements, built once -----------------------------------------------------------------------

_IN_ROUND = select(Visitatie.id).where(Visitatie.round_id == bindparam("round_id")).scalar_subquery()


def _count(model: Any, *conditions: Any) -> Any:
    """How many rows of ``model`` the visitatie of the row has (a correlated subquery)."""
    return select(func.count()).where(model.visitatie_id == Visitatie.id, *conditions).scalar_subquery()


VISITATIES = (
    select(
        Visitatie.id,
        Gemeente.name,
        Visitatie.state,
        Visitatie.variant,
        Visitatie.definition_version,
        _count(ChecklistItem),
        _count(ThemeSummary),
        _count(RespondentProposal, RespondentProposal.status == ProposalStatus.VOORGESTELD),
        _count(Conversation, Conversation.status == ConversationStatus.GEHOUDEN),
        _count(Conversation, Conversation.status == ConversationStatus.GEPLAND),
        Portret.current_version,
        Portret.adopted_version,
        Portret.publication,
        Portret.proposed_version,
        Portret.released_version,
        ReflectieSessie.planned_on,
        ReflectieSessie.held_on,
    )
    .join(Gemeente, Gemeente.id == Visitatie.gemeente_id)
    .outerjoin(Portret, Portret.visitatie_id == Visitatie.id)
    .outerjoin(ReflectieSessie, ReflectieSessie.visitatie_id == Visitatie.id)
    .where(Visitatie.round_id == bindparam("round_id"))
    .order_by(Gemeente.name, Visitatie.id)
)
DOCUMENTS = select(Document.visitatie_id, Document.section_keys).where(Document.visitatie_id.in_(_IN_ROUND))
TEAMS = (
    select(
        ReviewAssignment.visitatie_id,
        User.name,
        ReviewAssignment.role,
        ReviewAssignment.declared_at.is_not(None),
        select(func.count())
        .where(
            Annotation.visitatie_id == ReviewAssignment.visitatie_id, Annotation.author_id == ReviewAssignment.user_id
        )
        .scalar_subquery(),
    )
    .join(User, User.id == ReviewAssignment.user_id)
    .where(ReviewAssignment.visitatie_id.in_(_IN_ROUND))
    .order_by(ReviewAssignment.role, ReviewAssignment.id)
)


@cache
def _answers(rich: frozenset[str]) -> Select[Any]:
    """The round's answers as (visitatie, key, value as JSON text, plain text not empty); the value of a
    rich-text question (``rich``) is left out: whether its plain text is empty is all the count needs."""
    return select(
        Answer.visitatie_id,
        Answer.question_key,
        case((Answer.question_key.in_(sorted(rich)), null()), else_=cast(Answer.value, Text)),
        Answer.plain != "",
    ).where(Answer.visitatie_id.in_(_IN_ROUND))


# --- the fill count ---------------------------------------------------------------------------------------

Required = list[tuple[definitions.Question, str, str | None]]


@cache
def _required(definition: tuple[str, int]) -> Required:
    """The definition's required questions, each with the keys of its page and of that page's top section."""
    loaded = definitions.load(*definition)
    result = []
    for page in loaded.pages:
        top = loaded.top_section_of(page.key)
        result += [(q, page.key, top.key if top else None) for q in page.questions if q.required]
    return result


@lru_cache(maxsize=8192)
def _filled(definition: tuple[str, int], key: str, value: str) -> bool:
    """Whether a stored value (its JSON text) answers the question. Parsing it, and the HTML in it, cost
    most of the page's time for every gemeente; the same text gives the same answer, so it is kept (a few
    hundred bytes a value: some MB for a round of 400 gemeenten)."""
    return values.is_filled(definitions.load(*definition).questions[key], json.loads(value))


def _fill(definition: tuple[str, int], current: dict[str, bool | str | None], covered: set[str]) -> tuple[int, int]:
    """(required, delivered) of the zelfevaluatie, by the rule of its own progress page. ``current`` holds
    per answered question its value as JSON text, or for a rich-text question whether its plain text is
    not empty."""
    required = _required(definition)
    delivered = 0
    for question, page, top in required:
        value = current.get(question.key)
        if (
            page in covered
            or top in covered
            or (value if isinstance(value, bool) else value is not None and _filled(definition, question.key, value))
        ):
            delivered += 1
    return len(required), delivered


def dashboard(session: Session, round_: Round, today: date) -> list[Row]:
    rows: dict[int, Row] = {}
    used: dict[int, tuple[str, int] | None] = {}
    latest: dict[str, int] = {}
    for (
        visitatie_id,
        gemeente,
        state,
        variant,
        version,
        checklist,
        summaries,
        proposals,
        held,
        planned,
        *portret,
        planned_on,
        held_on,
    ) in session.execute(VISITATIES, {"round_id": round_.id}):
        row = rows[visitatie_id] = Row(visitatie_id, gemeente, state, variant)
        row.checklist_done, row.summaries, row.open_proposals, row.held, row.planned = (
            checklist,
            summaries,
            proposals,
            held,
            planned,
        )
        row.portret_state = _portret_state(*portret)
        row.sessie_planned_on, row.sessie_held_on = planned_on, held_on
        due = round_.deadline(state.phase) if state.phase else None
        if due is not None and due < today:
            row.overdue_phase, row.overdue_since = state.phase, due
        if variant is None:
            used[visitatie_id] = None
        else:
            key = f"zelfevaluatie-{variant.value}"
            if not version and key not in latest:
                latest[key] = definitions.latest_version(key)
            used[visitatie_id] = (key, version or latest[key])
    if not rows:
        return []

    # A rich-text answer is filled when its plain text (stored at every save, the text the progress page
    # derives from the HTML) is not empty: the database answers that, so those texts are never loaded.
    rich = frozenset(
        q.key for d in set(used.values()) if d for q in definitions.load(*d).questions.values() if q.kind == "richtext"
    )
    current: dict[int, dict[str, bool | str | None]] = defaultdict(dict)
    for visitatie_id, key, value, has_text in session.execute(_answers(rich), {"round_id": round_.id}):
        current[visitatie_id][key] = bool(has_text) if key in rich else value
    covered: dict[int, set[str]] = defaultdict(set)
    for visitatie_id, keys in session.execute(DOCUMENTS, {"round_id": round_.id}):
        rows[visitatie_id].documents += 1
        covered[visitatie_id].update(keys)
    for visitatie_id, row in rows.items():
        if (d := used[visitatie_id]) is not None:
            row.required, row.delivered = _fill(d, current[visitatie_id], covered[visitatie_id])

    for visitatie_id, name, role, declared, count in session.execute(TEAMS, {"round_id": round_.id}):
        rows[visitatie_id].reviewers.append(Reviewer(name, role, declared, count))
    return list(rows.values())


def checklist_total() -> int:
    return len(documents.checklist_items())


def totals(rows: list[Row]) -> dict[str, int]:
    """Counts for the summary line above the table."""
    return {
        "overdue": sum(1 for r in rows if r.overdue_phase is not None),
        "submitted": sum(1 for r in rows if r.state is not VisitatieState.ZELFEVALUATIE),
        "undeclared": sum(1 for r in rows for reviewer in r.reviewers if not reviewer.declared),
    }
