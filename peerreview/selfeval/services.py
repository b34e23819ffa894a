"""The zelfevaluatie's operations. Services flush and never commit; the view commits once.

Saving is optimistic: every save names the revision it was based on. The database decides — an
``UPDATE ... WHERE revision = :base`` that matches no row, or an INSERT that hits the unique key,
means someone else saved first, and the save is refused with ``Conflict`` (never overwritten).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, lazyload

from peerreview.accounts.models import Membership, MembershipRole, User
from peerreview.conflicts import Conflict
from peerreview.db import utcnow
from peerreview.rounds.models import Visitatie
from peerreview.sanitize import word_count
from peerreview.selfeval import definitions, values
from peerreview.selfeval.definitions import Definition, Question, Section
from peerreview.selfeval.models import Answer, AnswerRevision, SectionAssignment, SectionNote


class SelfEvalError(Exception):
    """A refused operation; the message is Dutch and meant for the user."""


def definition_for(visitatie: Visitatie) -> Definition:
    if visitatie.variant is None or visitatie.definition_key is None:
        raise SelfEvalError("Kies eerst de basis- of plusversie.")
    version = visitatie.definition_version or definitions.latest_version(visitatie.definition_key)
    return definitions.load(visitatie.definition_key, version)


def start(session: Session, visitatie: Visitatie) -> Definition:
    """Fix the questionnaire version at the first save, so later versions never break these answers."""
    if visitatie.definition_version is None and visitatie.definition_key is not None:
        visitatie.definition_version = definitions.latest_version(visitatie.definition_key)
        session.flush()
    return definition_for(visitatie)


def answers(session: Session, visitatie: Visitatie) -> dict[str, Answer]:
    return {a.question_key: a for a in session.scalars(select(Answer).where(Answer.visitatie_id == visitatie.id))}


def save_answer(
    session: Session,
    actor: User,
    visitatie: Visitatie,
    question: Question,
    raw: Any,
    base_revision: int,
    *,
    key: str | None = None,
) -> Answer:
    """Store a new revision of an answer; raises Conflict or values.InvalidValue.

    ``key`` is the storage key when it differs from the question key (case fields).
    """
    key = key or question.key
    value = values.clean(question, raw)
    text = values.plain(question, value)
    now = utcnow()
    answer: Answer | None
    if base_revision == 0:
        answer = Answer(
            gemeente_id=visitatie.gemeente_id,
            visitatie_id=visitatie.id,
            question_key=key,
            revision=1,
            value=value,
            plain=text,
            updated_by_id=actor.id,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(answer)
                session.flush()
        except IntegrityError:
            raise Conflict(_current(session, visitatie, key)) from None
    else:
        answer = session.scalar(  # one statement: the refused case (a stale base) returns nothing
            update(Answer)
            .where(Answer.visitatie_id == visitatie.id, Answer.question_key == key, Answer.revision == base_revision)
            .values(revision=base_revision + 1, value=value, plain=text, updated_by_id=actor.id, updated_at=now)
            .returning(Answer)
            .execution_options(synchronize_session=False, populate_existing=True)
        )
        if answer is None:
            raise Conflict(_current(session, visitatie, key))
    session.add(
        AnswerRevision(
            gemeente_id=visitatie.gemeente_id,
            answer_id=answer.id,
            number=answer.revision,
            value=value,
            plain=text,
            author_id=actor.id,
            created_at=now,
        )
    )
    session.flush()
    return answer


def _current(session: Session, visitatie: Visitatie, key: str) -> Answer | None:
    answer = session.scalar(
        select(Answer)
        .where(Answer.visitatie_id == visitatie.id, Answer.question_key == key)
        .options(lazyload(Answer.updated_by))
        .execution_options(populate_existing=True)
    )
    return answer


# --- progress --------------------------------------------------------------------------------------


@dataclass
class Progress:
    section: Section
    required: int
    done: int
    words: int
    last_edit: Answer | None
    assigned_to: User | None

    @property
    def complete(self) -> bool:
        """All required questions delivered. A section without required questions is never "done": it
        shows "geen verplichte vragen" and an empty bar, not a green one nobody earned."""
        return self.required > 0 and self.done >= self.required

    @property
    def percent(self) -> int:
        return 0 if not self.required else round(100 * self.done / self.required)


def _delivered(
    definition: Definition, page: Section, question: Question, current: dict[str, Answer], covered: AbstractSet[str]
) -> bool:
    """Answered, or handed in as a document linked to its section."""
    top = definition.top_section_of(page.key)
    if page.key in covered or (top is not None and top.key in covered):
        return True
    return question.key in current and values.is_filled(question, current[question.key].value)


def progress(
    definition: Definition,
    current: dict[str, Answer],
    assignments: dict[str, User],
    covered: AbstractSet[str] = frozenset(),
) -> list[Progress]:
    result = []
    for page in definition.pages:
        required = [q for q in page.questions if q.required]
        in_page = [current[q.key] for q in page.questions if q.key in current]
        result.append(
            Progress(
                section=page,
                required=len(required),
                done=sum(1 for q in required if _delivered(definition, page, q, current, covered)),
                words=sum(word_count(a.plain) for a in in_page),
                last_edit=max(in_page, key=lambda a: a.updated_at, default=None),
                assigned_to=assignments.get(page.key),
            )
        )
    return result


def missing(definition: Definition, current: dict[str, Answer], covered: set[str]) -> list[tuple[Section, Question]]:
    return [
        (page, q)
        for page in definition.pages
        for q in page.questions
        if q.required and not _delivered(definition, page, q, current, covered)
    ]


def total_words(current: dict[str, Answer]) -> int:
    return sum(word_count(a.plain) for a in current.values())


# --- history ----------------------------------------------------------------------------------------


def revisions(session: Session, answer: Answer) -> list[AnswerRevision]:
    return list(
        session.scalars(
            select(AnswerRevision).where(AnswerRevision.answer_id == answer.id).order_by(AnswerRevision.number.desc())
        )
    )


# --- working together -------------------------------------------------------------------------------


def assignments(session: Session, visitatie: Visitatie) -> dict[str, User]:
    rows = session.scalars(select(SectionAssignment).where(SectionAssignment.visitatie_id == visitatie.id))
    return {a.section_key: a.user for a in rows}


def assign(session: Session, actor: User, visitatie: Visitatie, section_key: str, user: User | None) -> None:
    existing = session.scalar(
        select(SectionAssignment).where(
            SectionAssignment.visitatie_id == visitatie.id, SectionAssignment.section_key == section_key
        )
    )
    if user is not None and user.role_in(visitatie.gemeente_id) not in (
        MembershipRole.COORDINATOR,
        MembershipRole.CONTRIBUTOR,
    ):
        raise SelfEvalError(
            "Je kunt een onderdeel alleen toewijzen aan een coördinator of invuller van jullie gemeente."
        )
    if user is None:
        if existing is not None:
            session.delete(existing)
    elif existing is None:
        session.add(
            SectionAssignment(
                gemeente_id=visitatie.gemeente_id, visitatie_id=visitatie.id, section_key=section_key, user_id=user.id
            )
        )
    else:
        existing.user_id = user.id
    session.flush()


def writers(session: Session, visitatie: Visitatie) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(Membership)
            .where(
                Membership.gemeente_id == visitatie.gemeente_id,
                Membership.role.in_([MembershipRole.COORDINATOR, MembershipRole.CONTRIBUTOR]),
                User.active.is_(True),
            )
            .order_by(User.name)
        )
    )


def notes(session: Session, visitatie: Visitatie, section_key: str) -> list[SectionNote]:
    return list(
        session.scalars(
            select(SectionNote)
            .where(SectionNote.visitatie_id == visitatie.id, SectionNote.section_key == section_key)
            .order_by(SectionNote.created_at)
        )
    )


def add_note(session: Session, actor: User, visitatie: Visitatie, section_key: str, body: str) -> SectionNote:
    body = body.strip()
    if not body:
        raise SelfEvalError("Schrijf eerst een notitie.")
    note = SectionNote(
        gemeente_id=visitatie.gemeente_id,
        visitatie_id=visitatie.id,
        section_key=section_key,
        author_id=actor.id,
        body=body[:4000],
    )
    session.add(note)
    session.flush()
    return note
