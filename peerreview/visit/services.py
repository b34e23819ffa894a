"""The visit: respondents, conversations, notes with optimistic concurrency, quotes, and the respondent list.
Services flush and never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from peerreview.accounts.models import User
from peerreview.audit.services import record
from peerreview.conflicts import Conflict
from peerreview.db import utcnow
from peerreview.passages import PassageError, locate
from peerreview.rounds.models import Visitatie, VisitatieState
from peerreview.sanitize import clean_html, plain_text
from peerreview.visit.models import (
    Conversation,
    ConversationFormat,
    ConversationInterviewer,
    ConversationMode,
    ConversationRespondent,
    ConversationStatus,
    Quote,
    Respondent,
    RespondentGroup,
)


class VisitError(Exception):
    """A refused operation; the message is Dutch and meant for the user."""


def start(session: Session, actor: User, visitatie: Visitatie) -> None:
    """The review is done; the visit begins (annotating stops, the portret can be drafted)."""
    visitatie.state = VisitatieState.VISITATIE
    record(session, "visit_started", actor=actor, gemeente_id=visitatie.gemeente_id, obj=visitatie)
    session.flush()


# --- respondents -------------------------------------------------------------------------------------


def respondents(session: Session, visitatie: Visitatie) -> list[Respondent]:
    return list(
        session.scalars(
            select(Respondent)
            .where(Respondent.visitatie_id == visitatie.id)
            .order_by(Respondent.group, Respondent.role)
        )
    )


def respondent(session: Session, visitatie: Visitatie, respondent_id: int) -> Respondent | None:
    return session.scalar(
        select(Respondent).where(Respondent.id == respondent_id, Respondent.visitatie_id == visitatie.id)
    )


@dataclass
class RespondentInput:
    role: str
    organisation: str
    group: str
    number: int
    may_quote: bool


def save_respondent(
    session: Session, visitatie: Visitatie, data: RespondentInput, existing: Respondent | None = None
) -> Respondent:
    item = existing or Respondent(gemeente_id=visitatie.gemeente_id, visitatie_id=visitatie.id)
    if existing is not None and existing.may_quote and not data.may_quote and _quotes_of(session, existing):
        raise VisitError(
            "Deze respondent heeft al citaten. Verwijder eerst die citaten als de respondent niet meer "
            "geciteerd wil worden."
        )
    item.role, item.organisation = data.role.strip(), data.organisation.strip()
    item.group, item.number, item.may_quote = RespondentGroup(data.group), data.number, data.may_quote
    session.add(item)
    session.flush()
    return item


def delete_respondent(session: Session, item: Respondent) -> None:
    if _quotes_of(session, item):
        raise VisitError("Er zijn citaten van deze respondent. Verwijder eerst die citaten.")
    for link in session.scalars(select(ConversationRespondent).where(ConversationRespondent.respondent_id == item.id)):
        session.delete(link)
    session.delete(item)
    session.flush()


def _quotes_of(session: Session, item: Respondent) -> list[Quote]:
    return list(session.scalars(select(Quote).where(Quote.respondent_id == item.id)))


# --- conversations -----------------------------------------------------------------------------------


def conversations(session: Session, visitatie: Visitatie) -> list[Conversation]:
    return list(
        session.scalars(
            select(Conversation)
            .where(Conversation.visitatie_id == visitatie.id)
            .order_by(Conversation.planned_on, Conversation.starts_at, Conversation.id)
        )
    )


def conversation(session: Session, visitatie: Visitatie, conversation_id: int) -> Conversation | None:
    return session.scalar(
        select(Conversation).where(Conversation.id == conversation_id, Conversation.visitatie_id == visitatie.id)
    )


@dataclass
class ConversationInput:
    subject: str
    planned_on: date
    starts_at: time | None
    format: str
    mode: str
    status: str
    interviewer_ids: list[int]
    respondent_ids: list[int]


def save_conversation(
    session: Session,
    actor: User,
    visitatie: Visitatie,
    data: ConversationInput,
    team_ids: set[int],
    existing: Conversation | None = None,
) -> Conversation:
    if not set(data.interviewer_ids) <= team_ids:
        raise VisitError("Kies als interviewers alleen leden van het reviewteam.")
    people = {r.id: r for r in respondents(session, visitatie)}
    if not set(data.respondent_ids) <= people.keys():
        raise VisitError("Kies alleen respondenten van deze visitatie.")
    if existing is not None:
        quoted = {q.respondent_id for q in quotes(session, visitatie) if q.conversation_id == existing.id}
        if missing := quoted - set(data.respondent_ids):
            roles = ", ".join(sorted(people[m].role for m in missing))
            raise VisitError(f"Van {roles} staan citaten uit dit gesprek vast. Verwijder eerst die citaten.")
    item = existing or Conversation(gemeente_id=visitatie.gemeente_id, visitatie_id=visitatie.id)
    item.subject, item.planned_on, item.starts_at = data.subject.strip(), data.planned_on, data.starts_at
    item.format, item.mode = ConversationFormat(data.format), ConversationMode(data.mode)
    item.status = ConversationStatus(data.status)
    item.updated_by_id, item.updated_at = actor.id, utcnow()
    session.add(item)
    session.flush()
    current = {
        link.respondent_id: link
        for link in session.scalars(
            select(ConversationRespondent).where(ConversationRespondent.conversation_id == item.id)
        )
    }
    for respondent_id in set(data.respondent_ids) - current.keys():
        session.add(
            ConversationRespondent(
                gemeente_id=visitatie.gemeente_id, conversation_id=item.id, respondent_id=respondent_id
            )
        )
    for respondent_id in current.keys() - set(data.respondent_ids):
        session.delete(current[respondent_id])
    _set_interviewers(session, item, set(data.interviewer_ids))
    session.flush()
    session.expire(item, ["respondents", "interviewers"])
    return item


def _set_interviewers(session: Session, item: Conversation, user_ids: set[int]) -> None:
    """Make ``user_ids`` the conversation's interviewers: add and remove ConversationInterviewer rows."""
    current = {
        link.user_id: link
        for link in session.scalars(
            select(ConversationInterviewer).where(ConversationInterviewer.conversation_id == item.id)
        )
    }
    for user_id in sorted(user_ids - current.keys()):
        session.add(ConversationInterviewer(gemeente_id=item.gemeente_id, conversation_id=item.id, user_id=user_id))
    for user_id in current.keys() - user_ids:
        session.delete(current[user_id])


def save_notes(session: Session, actor: User, item: Conversation, html: str, base_revision: int) -> int:
    """Store the notes if nobody saved them since ``base_revision``; returns the new revision."""
    notes = clean_html(html)
    stored = session.execute(
        update(Conversation)
        .where(Conversation.id == item.id, Conversation.revision == base_revision)
        .values(
            notes=notes,
            notes_plain=plain_text(notes),
            revision=Conversation.revision + 1,
            updated_by_id=actor.id,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(item)
    if stored.rowcount == 0:  # type: ignore[attr-defined]
        raise Conflict(item)
    record(
        session,
        "visit_notes_saved",
        actor=actor,
        gemeente_id=item.gemeente_id,
        obj=item,
        revision=item.revision,
    )
    session.flush()
    return item.revision


# --- quotes --------------------------------------------------------------------------------------------


def quotes(session: Session, visitatie: Visitatie) -> list[Quote]:
    return list(session.scalars(select(Quote).where(Quote.visitatie_id == visitatie.id).order_by(Quote.id)))


def add_quote(
    session: Session,
    actor: User,
    item: Conversation,
    respondent_id: int | None,
    passage: str,
    themes: list[str],
    section_key: str | None,
) -> Quote:
    speaker = next((r for r in item.respondents if r.id == respondent_id), None)
    if speaker is None:
        raise VisitError("Kies wie dit zei: een van de respondenten van dit gesprek.")
    if not speaker.may_quote:
        raise VisitError(
            f"{speaker.attribution} heeft geen toestemming gegeven om geciteerd te worden. Gebruik de passage "
            "alleen als achtergrond, of vraag eerst toestemming en leg die vast bij de respondent."
        )
    try:
        start_at, end_at = locate(item.notes_plain, passage, "het gespreksverslag")
    except PassageError as error:
        raise VisitError(str(error)) from None
    quote = Quote(
        gemeente_id=item.gemeente_id,
        visitatie_id=item.visitatie_id,
        conversation_id=item.id,
        respondent_id=speaker.id,
        text=item.notes_plain[start_at:end_at].strip(" \"“”'‘’"),
        themes=themes,
        section_key=section_key or None,
        created_by_id=actor.id,
    )
    session.add(quote)
    session.flush()
    return quote


def delete_quote(session: Session, quote: Quote) -> None:
    session.delete(quote)
    session.flush()


# --- the respondent list of the portret ----------------------------------------------------------------


def respondent_list(session: Session, visitatie: Visitatie) -> list[tuple[RespondentGroup, list[Respondent]]]:
    """Who took part in a conversation that was held, grouped by domain; by role only."""
    taking_part: dict[int, Respondent] = {}
    for item in conversations(session, visitatie):
        if item.status is ConversationStatus.GEHOUDEN:
            for r in item.respondents:
                taking_part[r.id] = r
    return [
        (group, sorted((r for r in taking_part.values() if r.group is group), key=lambda r: (r.organisation, r.role)))
        for group in RespondentGroup
        if any(r.group is group for r in taking_part.values())
    ]
