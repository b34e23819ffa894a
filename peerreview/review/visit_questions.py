"""The visit's question list (gespreksleidraad): built from the "vraag" annotations and the review
prompts, edited by the review team."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview.review.annotating import annotations_of
from peerreview.review.models import AnnotationKind, VisitQuestion
from peerreview.review.themes import prompts
from peerreview.rounds.models import Visitatie


def _theme_order(code: str | None) -> int:
    """T1, T2, … T12 in numbers (as text T10 would come before T2); questions without a theme last."""
    return int(code[1:]) if code and code[1:].isdigit() else 10_000


def visit_questions(session: Session, visitatie: Visitatie) -> list[VisitQuestion]:
    found = session.scalars(select(VisitQuestion).where(VisitQuestion.visitatie_id == visitatie.id))
    return sorted(found, key=lambda q: (_theme_order(q.theme_code), q.position, q.id))


def find(session: Session, visitatie: Visitatie, question_id: int) -> VisitQuestion | None:
    """One question of this visitatie's list (None for another visitatie's)."""
    return session.scalar(
        select(VisitQuestion).where(VisitQuestion.id == question_id, VisitQuestion.visitatie_id == visitatie.id)
    )


def add_question(session: Session, visitatie: Visitatie, theme_code: str | None, text: str) -> VisitQuestion:
    question = VisitQuestion(
        gemeente_id=visitatie.gemeente_id, visitatie_id=visitatie.id, theme_code=theme_code, text=text.strip()
    )
    session.add(question)
    session.flush()
    return question


def change_question(session: Session, question: VisitQuestion, text: str) -> None:
    question.text = text.strip()
    session.flush()


def delete_question(session: Session, question: VisitQuestion) -> None:
    session.delete(question)
    session.flush()


def build_visit_questions(session: Session, visitatie: Visitatie) -> int:
    """Add the "vraag" annotations and the review prompts that are not on the list yet."""
    present = {q.source for q in visit_questions(session, visitatie)}
    added = 0
    for a in annotations_of(session, visitatie, kind=AnnotationKind.VRAAG.value):
        if f"annotation:{a.id}" not in present:
            session.add(
                VisitQuestion(
                    gemeente_id=visitatie.gemeente_id,
                    visitatie_id=visitatie.id,
                    theme_code=a.themes[0],
                    text=a.body,
                    source=f"annotation:{a.id}",
                )
            )
            added += 1
    for prompt in prompts():
        if f"prompt:{prompt['key']}" not in present:
            session.add(
                VisitQuestion(
                    gemeente_id=visitatie.gemeente_id,
                    visitatie_id=visitatie.id,
                    theme_code=(prompt.get("themes") or [None])[0],
                    text=prompt["text"],
                    source=f"prompt:{prompt['key']}",
                    position=100,
                )
            )
            added += 1
    session.flush()
    return added
