"""Annotations: what a reviewer marks in the submitted zelfevaluatie (a passage, a whole answer or a
document), changing and removing it, replies, placing a detached one again, and reading them back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption

from peerreview import signals
from peerreview.accounts.models import User
from peerreview.db import utcnow
from peerreview.passages import PassageError, locate
from peerreview.review.anchoring import selector_for
from peerreview.review.errors import ReviewError
from peerreview.review.models import AnchorStatus, Annotation, AnnotationKind, AnnotationReply
from peerreview.review.themes import themes
from peerreview.rounds.models import Visitatie
from peerreview.selfeval.models import Submission
from peerreview.selfeval.submission import latest_submission

BODY_MAX = 8000
REPLY_MAX = 4000


def _fits(body: str, limit: int) -> None:
    """Refuse a text over the limit instead of cutting it short (the forms check first; this keeps the
    rule for every caller)."""
    if len(body) > limit:
        raise ReviewError(
            f"Je tekst is {len(body)} tekens lang; het maximum is {limit}. Maak hem korter en sla opnieuw op."
        )


def current_submission(session: Session, visitatie: Visitatie, *options: ORMOption) -> Submission | None:
    """The submitted version under review (None while the zelfevaluatie is reopened); ``options`` as for
    ``select().options``."""
    latest = latest_submission(session, visitatie, *options)
    return latest if latest is not None and latest.reopened_at is None else None


def plain_of(submission: Submission, question_key: str) -> str | None:
    """The plain text of an answer or a case field in a submitted version."""
    entry = submission.snapshot.get("answers", {}).get(question_key)
    if entry is None and question_key.startswith("casus"):
        casus_id, _, field = question_key[5:].partition("_")
        for case in submission.snapshot.get("cases", []):
            if str(case.get("id")) == casus_id and field in case.get("fields", {}):
                return str(case["fields"][field]["plain"])
        return None
    return entry["plain"] if entry else None


def locate_quote(text: str, quote: str) -> tuple[int, int]:
    """Where a typed or pasted quote stands in the answer; refuses ambiguity."""
    try:
        return locate(text, quote)
    except PassageError as error:
        raise ReviewError(str(error)) from None


@dataclass
class AnnotationInput:
    question_key: str | None
    start: int | None
    end: int | None
    quote: str
    themes: list[str]
    kind: str
    body: str
    document_id: int | None = None


def create_annotation(session: Session, actor: User, visitatie: Visitatie, data: AnnotationInput) -> Annotation:
    submission = current_submission(session, visitatie)
    if submission is None:
        raise ReviewError("Er is geen ingediende zelfevaluatie om aantekeningen bij te maken.")
    codes = [c for c in data.themes if c in themes()]
    if not codes:
        raise ReviewError("Kies minstens één thema.")
    if data.kind not in {k.value for k in AnnotationKind}:
        raise ReviewError("Kies wat voor aantekening dit is.")
    body = data.body.strip()
    if not body:
        raise ReviewError("Schrijf je opmerking.")
    _fits(body, BODY_MAX)
    documents = {d["id"] for d in submission.snapshot.get("documents", {}).get("files", [])}
    if data.document_id is not None and data.document_id not in documents:
        raise ReviewError("Dit document hoort niet bij de ingediende zelfevaluatie.")
    annotation = Annotation(
        gemeente_id=visitatie.gemeente_id,
        visitatie_id=visitatie.id,
        submission_id=submission.id,
        themes=codes,
        kind=AnnotationKind(data.kind),
        body=body,
        author_id=actor.id,
        document_id=data.document_id,
    )
    if data.question_key:
        text = plain_of(submission, data.question_key)
        if text is None:
            raise ReviewError("Dit antwoord bestaat niet in de ingediende versie.")
        annotation.question_key = data.question_key
        start, end = data.start, data.end
        if (start is None or end is None) and data.quote.strip():
            start, end = locate_quote(text, data.quote)
        if start is not None and end is not None:
            if not (0 <= start < end <= len(text)):
                raise ReviewError("De geselecteerde passage valt buiten het antwoord. Selecteer opnieuw.")
            selector = selector_for(text, start, end)
            annotation.exact, annotation.prefix, annotation.suffix = selector.exact, selector.prefix, selector.suffix
            annotation.start, annotation.end = selector.start, selector.end
            annotation.original_exact = selector.exact
    elif data.quote.strip():
        # A quote without an answer would be dropped: say so, the form keeps what was typed.
        raise ReviewError(
            "Je hebt een citaat ingevuld, maar geen antwoord gekozen. Kies bij ‘Antwoord’ het antwoord waar het "
            "citaat uit komt, of maak het veld ‘Citaat’ leeg voor een aantekening bij een document als geheel."
        )
    elif data.document_id is None:
        raise ReviewError("Kies een antwoord of een document.")
    session.add(annotation)
    session.flush()
    _changed(session, visitatie.id)
    return annotation


def _changed(session: Session, visitatie_id: int) -> None:
    """A released annotation changed: the network's passage index follows."""
    visitatie = session.get(Visitatie, visitatie_id)
    if visitatie is not None and visitatie.annotations_released_at is not None:
        signals.network_material_changed.send(visitatie.id, session=session)


def update_annotation(
    session: Session, actor: User, annotation: Annotation, *, themes_: list[str], kind: str, body: str
) -> None:
    if annotation.author_id != actor.id:
        raise ReviewError("Je kunt alleen je eigen aantekeningen wijzigen.")
    codes = [c for c in themes_ if c in themes()]
    if not codes or not body.strip() or kind not in {k.value for k in AnnotationKind}:
        raise ReviewError("Kies minstens één thema, een soort, en schrijf je opmerking.")
    _fits(body.strip(), BODY_MAX)
    annotation.themes, annotation.kind, annotation.body = codes, AnnotationKind(kind), body.strip()
    annotation.updated_at = utcnow()
    session.flush()
    _changed(session, annotation.visitatie_id)


def delete_annotation(session: Session, actor: User, annotation: Annotation) -> None:
    if annotation.author_id != actor.id:
        raise ReviewError("Je kunt alleen je eigen aantekeningen verwijderen.")
    session.delete(annotation)
    session.flush()
    _changed(session, annotation.visitatie_id)


def reply(session: Session, actor: User, annotation: Annotation, body: str) -> AnnotationReply:
    if not body.strip():
        raise ReviewError("Schrijf eerst je reactie.")
    _fits(body.strip(), REPLY_MAX)
    item = AnnotationReply(
        gemeente_id=annotation.gemeente_id,
        annotation_id=annotation.id,
        author_id=actor.id,
        body=body.strip(),
    )
    session.add(item)
    session.flush()
    return item


def reattach(
    session: Session,
    actor: User,
    annotation: Annotation,
    visitatie: Visitatie,
    quote: str,
    start: int | None = None,
    end: int | None = None,
) -> None:
    """A reviewer places a detached annotation again."""
    if annotation.author_id != actor.id:
        raise ReviewError("Je kunt alleen je eigen aantekeningen opnieuw plaatsen.")
    submission = current_submission(session, visitatie)
    text = plain_of(submission, annotation.question_key or "") if submission else None
    if submission is None or text is None:
        raise ReviewError("Het antwoord bestaat niet meer in de ingediende versie.")
    if start is None or end is None:
        start, end = locate_quote(text, quote)
    selector = selector_for(text, start, end)
    annotation.exact, annotation.prefix, annotation.suffix = selector.exact, selector.prefix, selector.suffix
    annotation.start, annotation.end, annotation.submission_id = selector.start, selector.end, submission.id
    annotation.anchor_status = AnchorStatus.ANCHORED
    session.flush()


def find(session: Session, visitatie: Visitatie, annotation_id: int) -> Annotation | None:
    """One annotation of this visitatie (None for another visitatie's)."""
    return session.scalar(
        select(Annotation).where(Annotation.id == annotation_id, Annotation.visitatie_id == visitatie.id)
    )


READING_ORDER = (Annotation.question_key, Annotation.start.is_(None), Annotation.start, Annotation.id)


def annotations_of(
    session: Session,
    visitatie: Visitatie,
    *,
    theme: str = "",
    kind: str = "",
    author_id: int | None = None,
    ids: list[int] | None = None,
) -> list[Annotation]:
    if ids is not None and not ids:
        return []
    query = select(Annotation).where(Annotation.visitatie_id == visitatie.id)
    if kind:
        query = query.where(Annotation.kind == kind)
    if author_id:
        query = query.where(Annotation.author_id == author_id)
    if ids is not None:
        query = query.where(Annotation.id.in_(ids))
    found = list(session.scalars(query.order_by(*READING_ORDER)))
    return [a for a in found if not theme or theme in a.themes]


def annotation_index(session: Session, visitatie: Visitatie) -> list[Any]:
    """Every annotation as a light row (id, place, themes, kind, author): enough to number, count and
    compare them, in the reading order of ``annotations_of``, without loading texts and replies."""
    return list(session.execute(_INDEX, {"visitatie_id": visitatie.id}))


def annotation_cards(session: Session, visitatie: Visitatie, ids: list[int] | None = None) -> list[Any]:
    """The annotations as plain rows with what a page shows of them (their ``author_name`` too, not their
    replies: ``replies_of``), in the reading order of ``annotations_of``; ``ids``: only these."""
    if ids is None:
        return list(session.execute(_CARDS, {"visitatie_id": visitatie.id}))
    if not ids:
        return []
    return list(session.execute(_SOME_CARDS, {"visitatie_id": visitatie.id, "ids": ids}))


def replies_of(session: Session, visitatie: Visitatie, ids: list[int]) -> dict[int, list[Any]]:
    """The replies to these annotations as plain rows (with ``author_name``), oldest first, by annotation id."""
    by_annotation: dict[int, list[Any]] = {}
    if ids:
        for row in session.execute(_REPLIES, {"gemeente_id": visitatie.gemeente_id, "ids": ids}):
            by_annotation.setdefault(row.annotation_id, []).append(row)
    return by_annotation


# Built once: the pages run them on every request.
_INDEX = (
    select(
        Annotation.id,
        Annotation.question_key,
        Annotation.start,
        Annotation.end,
        Annotation.themes,
        Annotation.kind,
        Annotation.author_id,
    )
    .where(Annotation.visitatie_id == bindparam("visitatie_id"))
    .order_by(*READING_ORDER)
)
_CARDS = (
    select(
        Annotation.id,
        Annotation.question_key,
        Annotation.document_id,
        Annotation.exact,
        Annotation.start,
        Annotation.end,
        Annotation.anchor_status,
        Annotation.original_exact,
        Annotation.themes,
        Annotation.kind,
        Annotation.body,
        Annotation.author_id,
        User.name.label("author_name"),
    )
    .outerjoin(User, User.id == Annotation.author_id)
    .where(Annotation.visitatie_id == bindparam("visitatie_id"))
    .order_by(*READING_ORDER)
)
_SOME_CARDS = _CARDS.where(Annotation.id.in_(bindparam("ids", expanding=True)))
_REPLIES = (
    select(
        AnnotationReply.annotation_id,
        AnnotationReply.body,
        AnnotationReply.created_at,
        User.name.label("author_name"),
    )
    .outerjoin(User, User.id == AnnotationReply.author_id)
    .where(
        AnnotationReply.gemeente_id == bindparam("gemeente_id"),
        AnnotationReply.annotation_id.in_(bindparam("ids", expanding=True)),
    )
    .order_by(AnnotationReply.created_at, AnnotationReply.id)
)
