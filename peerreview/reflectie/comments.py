"""Writing comments on the released concept, the feedback window, merging duplicates, sending the
gemeente's response, and the definitive gate (``unanswered``).

Until the coordinator sends the response, comments are the gemeente's own: the team's queries
(``sent_to_team``) only return sent ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerreview.accounts.models import User
from peerreview.audit.services import record
from peerreview.db import utcnow
from peerreview.formatting import datetime_nl
from peerreview.mail import services as mail
from peerreview.passages import PassageError, locate
from peerreview.portret import services as portret_services
from peerreview.portret.models import Portret
from peerreview.reflectie.anchors import section_text
from peerreview.reflectie.errors import ReflectieError
from peerreview.reflectie.models import Comment, CommentKind, GuestLink
from peerreview.review.anchoring import selector_for
from peerreview.review.assignments import team_of
from peerreview.review.themes import themes
from peerreview.rounds.models import VisitatieState

BODY_MAX = 8000


# --- the feedback window -------------------------------------------------------------------------------


def window_problem(portret: Portret) -> str | None:
    """Why the gemeente cannot comment now (Dutch), or None while the window is open."""
    if portret.released_version is None:
        return "Het reviewteam heeft het conceptportret nog niet gedeeld."
    if portret.visitatie.state is not VisitatieState.PORTRET_CONCEPT:
        return "De reactie van de gemeente is al verstuurd; er kunnen geen reacties meer bij."
    if portret.feedback_deadline is not None and utcnow() >= portret.feedback_deadline:
        return (
            f"De reactietermijn is gesloten op {datetime_nl(portret.feedback_deadline)}. Reacties kunnen niet meer "
            "worden toegevoegd; neem contact op met het reviewteam als er nog iets belangrijks ontbreekt."
        )
    return None


# --- writing -------------------------------------------------------------------------------------------


@dataclass
class CommentInput:
    kind: str
    body: str
    section_key: str | None = None
    quote: str = ""
    correction: str = ""
    source: str = ""
    theme: str | None = None


def create(
    session: Session,
    portret: Portret,
    data: CommentInput,
    *,
    author: User | None = None,
    guest: GuestLink | None = None,
) -> Comment:
    """A comment on the released concept by a member of the gemeente (``author``) or a guest."""
    problem = window_problem(portret)
    if problem:
        raise ReflectieError(problem)
    if data.kind not in {k.value for k in CommentKind}:
        raise ReflectieError("Kies wat voor reactie dit is.")
    kind = CommentKind(data.kind)
    body = data.body.strip()
    if not body:
        raise ReflectieError("Schrijf je reactie.")
    if len(body) > BODY_MAX:
        raise ReflectieError(f"Je reactie is {len(body)} tekens lang; het maximum is {BODY_MAX}. Maak hem korter.")
    correction = data.correction.strip()
    if kind is CommentKind.FEITELIJKE_ONJUISTHEID and not correction:
        raise ReflectieError("Schrijf bij een feitelijke onjuistheid wat er volgens jullie had moeten staan.")
    theme = data.theme or None
    if theme is not None and (not kind.takes_theme or theme not in themes()):
        raise ReflectieError("Een thema kies je alleen bij een les of een verbeterpunt, uit T1 tot en met T12.")
    released = portret_services.version(session, portret, portret.released_version)
    assert released is not None
    comment = Comment(
        gemeente_id=portret.gemeente_id,
        portret_id=portret.id,
        author_id=author.id if author else None,
        guest_link_id=guest.id if guest else None,
        kind=kind,
        body=body,
        correction=correction if kind is CommentKind.FEITELIJKE_ONJUISTHEID else "",
        source=data.source.strip()[:500],
        theme=theme,
        version_number=released.number,
    )
    quote = data.quote.strip()
    if data.section_key:
        text = section_text(released, data.section_key)
        if text is None:
            raise ReflectieError("Deze sectie staat niet in het concept.")
        comment.section_key = data.section_key
        if quote:
            try:
                start, end = locate(text, quote, "deze sectie")
            except PassageError as error:
                raise ReflectieError(str(error)) from None
            selector = selector_for(text, start, end)
            comment.exact, comment.prefix, comment.suffix = selector.exact, selector.prefix, selector.suffix
            comment.start, comment.end, comment.original_exact = selector.start, selector.end, selector.exact
    elif quote:
        raise ReflectieError("Kies de sectie waar de passage in staat.")
    elif kind is CommentKind.FEITELIJKE_ONJUISTHEID:
        raise ReflectieError("Kies bij een feitelijke onjuistheid de sectie (en liefst de passage) waar het om gaat.")
    session.add(comment)
    session.flush()
    if released.number != portret.current_version and comment.start is not None:
        # the team edited after releasing: place the passage in the current text at once
        from peerreview.reflectie.anchors import reanchor

        current = portret_services.version(session, portret)
        assert current is not None
        reanchor(session, portret, current)
    return comment


# --- reading -------------------------------------------------------------------------------------------


def _ordered(query):  # type: ignore[no-untyped-def]
    return query.order_by(Comment.created_at, Comment.id)


def of_portret(session: Session, portret: Portret) -> list[Comment]:
    """All comments, for the gemeente's coordinator."""
    return list(session.scalars(_ordered(select(Comment).where(Comment.portret_id == portret.id))))


def of_author(session: Session, portret: Portret, user: User) -> list[Comment]:
    return list(
        session.scalars(_ordered(select(Comment).where(Comment.portret_id == portret.id, Comment.author_id == user.id)))
    )


def of_guest(session: Session, guest: GuestLink) -> list[Comment]:
    return list(
        session.scalars(
            _ordered(select(Comment).where(Comment.portret_id == guest.portret_id, Comment.guest_link_id == guest.id))
        )
    )


def sent_to_team(session: Session, portret: Portret) -> list[Comment]:
    """What the team sees: the sent response, duplicates folded into the comment they were merged into."""
    return list(
        session.scalars(
            _ordered(
                select(Comment).where(
                    Comment.portret_id == portret.id, Comment.sent_at.is_not(None), Comment.merged_into_id.is_(None)
                )
            )
        )
    )


def duplicates_of(session: Session, comment: Comment) -> list[Comment]:
    return list(
        session.scalars(
            _ordered(
                select(Comment).where(Comment.portret_id == comment.portret_id, Comment.merged_into_id == comment.id)
            )
        )
    )


def find(session: Session, portret: Portret, comment_id: int) -> Comment | None:
    return session.scalar(select(Comment).where(Comment.portret_id == portret.id, Comment.id == comment_id))


def unanswered(session: Session, portret: Portret) -> int:
    """Sent comments (not merged into another) without a decision: the portret cannot become definitive
    while this is above zero."""
    return (
        session.scalar(
            select(func.count(Comment.id)).where(
                Comment.portret_id == portret.id,
                Comment.sent_at.is_not(None),
                Comment.merged_into_id.is_(None),
                Comment.decision.is_(None),
            )
        )
        or 0
    )


def unsent(session: Session, portret: Portret) -> int:
    """Comments of the gemeente that its coordinator has not sent yet (duplicates folded in not counted)."""
    return (
        session.scalar(
            select(func.count(Comment.id)).where(
                Comment.portret_id == portret.id, Comment.sent_at.is_(None), Comment.merged_into_id.is_(None)
            )
        )
        or 0
    )


# --- the coordinator -----------------------------------------------------------------------------------


def merge(session: Session, actor: User, portret: Portret, duplicate: Comment, target: Comment) -> None:
    """Fold ``duplicate`` into ``target``: the team answers the target once, for both."""
    if portret.visitatie.state is not VisitatieState.PORTRET_CONCEPT:
        raise ReflectieError("De reactie is al verstuurd; samenvoegen kan alleen daarvoor.")
    if duplicate.id == target.id:
        raise ReflectieError("Kies een andere reactie om deze mee samen te voegen.")
    if target.merged_into_id is not None:
        raise ReflectieError("Die reactie is zelf al samengevoegd. Kies de reactie waarin ze is opgegaan.")
    duplicate.merged_into_id = target.id
    for other in duplicates_of(session, duplicate):  # what was folded into the duplicate follows it
        other.merged_into_id = target.id
    session.flush()


def unmerge(session: Session, portret: Portret, comment: Comment) -> None:
    if portret.visitatie.state is not VisitatieState.PORTRET_CONCEPT:
        raise ReflectieError("De reactie is al verstuurd; samenvoegen ongedaan maken kan alleen daarvoor.")
    comment.merged_into_id = None
    session.flush()


def send(session: Session, actor: User, portret: Portret) -> int:
    """Send every comment as the gemeente's one response: the visitatie moves to REFLECTIE and the team
    gets an e-mail. Returns the number of comments the team now has to answer."""
    visitatie = portret.visitatie
    if visitatie.state is not VisitatieState.PORTRET_CONCEPT or portret.released_version is None:
        raise ReflectieError("De reactie kan alleen worden verstuurd zolang het concept openstaat voor reacties.")
    items = of_portret(session, portret)  # none at all is an answer too: "we herkennen het beeld"
    now = utcnow()
    for c in items:
        c.sent_at = now
    visitatie.state = VisitatieState.REFLECTIE
    count = sum(1 for c in items if c.merged_into_id is None)
    record(session, "reflectie_sent", actor=actor, gemeente_id=portret.gemeente_id, obj=portret, comments=count)
    link = url_for("reflectie.log", visitatie_id=visitatie.id, _external=True)
    for a in team_of(session, visitatie):
        mail.send(
            session,
            a.user.email,
            f"{visitatie.gemeente.name} reageerde op het conceptportret",
            "reflectie_sent",
            user=a.user,
            visitatie=visitatie,
            count=count,
            link=link,
        )
    session.flush()
    return count
