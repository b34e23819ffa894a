"""The round coordinator's progress dashboard: per gemeente of a round, where every part stands.

One row per visitatie: the zelfevaluatie's required answers delivered (36/62), the documents, each
reviewer's declaration and annotations, the visit's conversations and the gemeente's open respondent
proposals, the portret and the reflectiesessie. The part whose phase deadline has passed is marked
overdue.

Efficiency: a fixed set of queries, whatever the number of gemeenten (no query per row): the visitaties
with their gemeente, then one query per kind of row (answers, documents, checklist, team, annotation
counts, theme summaries, conversations, proposals, portretten, sessies), each for all visitaties at once,
grouped in Python or by the database. Answers are read as (visitatie, key, value) tuples; for rich-text
questions only whether their stored plain text is empty (parsing every answer's HTML cost most of the
page's time). The fill count uses the same rule as the zelfevaluatie's own progress page
(``selfeval.services``): a required question is delivered when answered, or when a document is linked to
its section.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerreview.accounts.models import User
from peerreview.portret.models import Portret, Publication
from peerreview.reflectiesessie.models import ReflectieSessie
from peerreview.review.models import Annotation, ReviewAssignment, TeamRole, ThemeSummary
from peerreview.rounds import services
from peerreview.rounds.models import Phase, Round, Visitatie, VisitatieState
from peerreview.selfeval import definitions, documents, values
from peerreview.selfeval.models import Answer, ChecklistItem, Document
from peerreview.visit.models import Conversation, ConversationStatus, ProposalStatus, RespondentProposal

THEME_COUNT = 12


@dataclass
class Reviewer:
    user: User
    role: TeamRole
    declared: bool
    annotations: int


@dataclass
class Row:
    visitatie: Visitatie
    required: int = 0
    delivered: int = 0
    documents: int = 0
    checklist_done: int = 0
    reviewers: list[Reviewer] = field(default_factory=list)
    summaries: int = 0
    conversations: dict[ConversationStatus, int] = field(default_factory=dict)
    open_proposals: int = 0
    portret: Portret | None = None
    sessie: ReflectieSessie | None = None
    overdue_phase: Phase | None = None
    overdue_since: date | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.delivered / self.required) if self.required else 0

    def overdue(self, phase: str) -> bool:
        return self.overdue_phase is not None and self.overdue_phase.value == phase

    @property
    def portret_state(self) -> str:
        p = self.portret
        if p is None or p.current_version == 0:
            return "nog niet gemaakt"
        if p.adopted_version is not None:
            if p.publication is Publication.GEMEENTE:
                return "vastgesteld"
            return "vastgesteld en gepubliceerd"
        if p.proposed_version is not None:
            return "voorgesteld als definitief"
        if p.released_version is not None:
            return f"concept gedeeld (versie {p.released_version})"
        return f"concept, versie {p.current_version}, niet gedeeld"

    @property
    def sessie_state(self) -> str:
        s = self.sessie
        if s is not None and s.held_on is not None:
            return "gehouden"
        if s is not None and s.planned_on is not None:
            return "gepland"
        return "nog niet gepland"


def _by_visitatie(rows: Iterable[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row)
    return grouped


def _definition(visitatie: Visitatie) -> definitions.Definition | None:
    if visitatie.definition_key is None:
        return None
    version = visitatie.definition_version or definitions.latest_version(visitatie.definition_key)
    return definitions.load(visitatie.definition_key, version)


def _fill(definition: definitions.Definition | None, current: dict[str, Any], covered: set[str]) -> tuple[int, int]:
    """(required, delivered) of the zelfevaluatie, by the rule of its own progress page. ``current`` holds
    per answered question its value, or for a rich-text question whether its plain text is non-empty."""
    if definition is None:
        return 0, 0
    required = delivered = 0
    for page in definition.pages:
        top = definition.top_section_of(page.key)
        page_covered = page.key in covered or (top is not None and top.key in covered)
        for question in page.questions:
            if not question.required:
                continue
            required += 1
            value = current.get(question.key)
            if page_covered or (value if isinstance(value, bool) else values.is_filled(question, value)):
                delivered += 1
    return required, delivered


def dashboard(session: Session, round_: Round, today: date) -> list[Row]:
    visitaties = services.participants(session, round_)
    rows = {v.id: Row(v) for v in visitaties}
    ids = list(rows)
    if not ids:
        return []

    # A rich-text answer is filled when its plain text (stored at every save, the text the progress page
    # derives from the HTML) is not empty: the database answers that, so those texts are never loaded.
    used = {v.id: _definition(v) for v in visitaties}
    rich = sorted({q.key for d in used.values() if d for q in d.questions.values() if q.kind == "richtext"})
    current: dict[int, dict[str, Any]] = defaultdict(dict)
    for visitatie_id, key, has_text in session.execute(
        select(Answer.visitatie_id, Answer.question_key, Answer.plain != "").where(
            Answer.visitatie_id.in_(ids), Answer.question_key.in_(rich)
        )
    ):
        current[visitatie_id][key] = bool(has_text)
    for visitatie_id, key, value in session.execute(
        select(Answer.visitatie_id, Answer.question_key, Answer.value).where(
            Answer.visitatie_id.in_(ids), Answer.question_key.not_in(rich)
        )
    ):
        current[visitatie_id][key] = value
    files = _by_visitatie(
        session.execute(select(Document.visitatie_id, Document.section_keys).where(Document.visitatie_id.in_(ids)))
    )
    for visitatie_id, row in rows.items():
        covered = {key for _, keys in files.get(visitatie_id, []) for key in keys}
        row.required, row.delivered = _fill(used[visitatie_id], current[visitatie_id], covered)
        row.documents = len(files.get(visitatie_id, []))

    for visitatie_id, n in session.execute(
        select(ChecklistItem.visitatie_id, func.count())
        .where(ChecklistItem.visitatie_id.in_(ids))
        .group_by(ChecklistItem.visitatie_id)
    ):
        rows[visitatie_id].checklist_done = n

    annotation_counts = {
        (visitatie_id, author_id): n
        for visitatie_id, author_id, n in session.execute(
            select(Annotation.visitatie_id, Annotation.author_id, func.count())
            .where(Annotation.visitatie_id.in_(ids))
            .group_by(Annotation.visitatie_id, Annotation.author_id)
        )
    }
    team = session.scalars(
        select(ReviewAssignment)
        .where(ReviewAssignment.visitatie_id.in_(ids))
        .order_by(ReviewAssignment.role, ReviewAssignment.id)
    )
    for a in team:
        rows[a.visitatie_id].reviewers.append(
            Reviewer(a.user, a.role, a.declared_at is not None, annotation_counts.get((a.visitatie_id, a.user_id), 0))
        )
    for visitatie_id, n in session.execute(
        select(ThemeSummary.visitatie_id, func.count())
        .where(ThemeSummary.visitatie_id.in_(ids))
        .group_by(ThemeSummary.visitatie_id)
    ):
        rows[visitatie_id].summaries = n

    for visitatie_id, status, n in session.execute(
        select(Conversation.visitatie_id, Conversation.status, func.count())
        .where(Conversation.visitatie_id.in_(ids))
        .group_by(Conversation.visitatie_id, Conversation.status)
    ):
        rows[visitatie_id].conversations[status] = n
    for visitatie_id, n in session.execute(
        select(RespondentProposal.visitatie_id, func.count())
        .where(RespondentProposal.visitatie_id.in_(ids), RespondentProposal.status == ProposalStatus.VOORGESTELD)
        .group_by(RespondentProposal.visitatie_id)
    ):
        rows[visitatie_id].open_proposals = n

    for portret in session.scalars(select(Portret).where(Portret.visitatie_id.in_(ids))):
        rows[portret.visitatie_id].portret = portret
    for sessie in session.scalars(select(ReflectieSessie).where(ReflectieSessie.visitatie_id.in_(ids))):
        rows[sessie.visitatie_id].sessie = sessie

    for row in rows.values():
        due = row.visitatie.current_deadline
        if due is not None and due < today:
            row.overdue_phase, row.overdue_since = row.visitatie.state.phase, due
    return list(rows.values())


def checklist_total() -> int:
    return len(documents.checklist_items())


def totals(rows: list[Row]) -> dict[str, int]:
    """Counts for the summary line above the table."""
    return {
        "overdue": sum(1 for r in rows if r.overdue_phase is not None),
        "submitted": sum(1 for r in rows if r.visitatie.state is not VisitatieState.ZELFEVALUATIE),
        "undeclared": sum(1 for r in rows for reviewer in r.reviewers if not reviewer.declared),
    }
