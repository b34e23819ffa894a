"""Review operations: teams and declarations, annotations, replies, theme summaries, the visit's
question list, release, agreement and re-anchoring. Services flush and never commit."""

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview.accounts.models import User
from peerreview.audit.services import record
from peerreview.db import utcnow
from peerreview.mail import services as mail
from peerreview.passages import PassageError, locate
from peerreview.review import teams
from peerreview.review.anchoring import Selector, reanchor_many, selector_for
from peerreview.review.models import (
    AnchorStatus,
    Annotation,
    AnnotationKind,
    AnnotationReply,
    ReviewAssignment,
    TeamRole,
    ThemeSummary,
    VisitQuestion,
)
from peerreview.review.themes import judgements, prompts, themes
from peerreview.rounds.models import Round, Visitatie, VisitatieState
from peerreview.selfeval.models import Submission
from peerreview.tenants.models import Gemeente


class ReviewError(Exception):
    """A refused operation; the message is Dutch and meant for the user."""


# --- where an annotation is shown -------------------------------------------------------------------

# The workspace shows one chapter of the zelfevaluatie at a time (calmer to read, and a page of a
# few hundred annotations stays quick); "alles" shows the whole text on one page.
ALL_CHAPTERS = "alles"
CASES_CHAPTER = "casussen"
DOCUMENTS_CHAPTER = "documenten"


@cache
def _chapter_keys(definition_key: str, version: int) -> dict[str, str]:
    from peerreview.selfeval.definitions import load

    return {q.key: top.key for top in load(definition_key, version).sections for q in top.all_questions()}


def chapter_of(definition: Any, question_key: str | None) -> str:
    """The workspace chapter an annotation is shown in."""
    if question_key is None:
        return DOCUMENTS_CHAPTER
    if question_key.startswith("casus"):
        return CASES_CHAPTER
    return _chapter_keys(definition.key, definition.version).get(question_key, ALL_CHAPTERS)


def annotation_url(visitatie: Visitatie, question_key: str | None, annotation_id: int, **kwargs: Any) -> str:
    """The workspace chapter that shows this annotation, scrolled to it."""
    from peerreview.selfeval.services import definition_for

    chapter = chapter_of(definition_for(visitatie), question_key)
    return url_for(
        "review.workspace", visitatie_id=visitatie.id, onderdeel=chapter, _anchor=f"a-{annotation_id}", **kwargs
    )


# --- teams -------------------------------------------------------------------------------------------


def team_of(session: Session, visitatie: Visitatie) -> list[ReviewAssignment]:
    return list(
        session.scalars(
            select(ReviewAssignment)
            .where(ReviewAssignment.visitatie_id == visitatie.id)
            .order_by(ReviewAssignment.role, ReviewAssignment.id)
        )
    )


def _as_team(assignments: list[ReviewAssignment]) -> teams.Team:
    lead = next((a.user_id for a in assignments if a.role is TeamRole.LEAD), None)
    return teams.Team(lead=lead, members=[a.user_id for a in assignments if a.role is TeamRole.MEMBER])


def candidates(session: Session) -> dict[int, teams.Candidate]:
    """Everyone who can review: coordinators and writers of any gemeente."""
    from peerreview.accounts.models import Membership, MembershipRole

    rows = session.execute(
        select(User, Gemeente)
        .join(Membership, Membership.user_id == User.id)
        .join(Gemeente)
        .where(User.active.is_(True), Membership.role.in_([MembershipRole.COORDINATOR, MembershipRole.CONTRIBUTOR]))
        .order_by(Gemeente.name, User.name)
    )
    return {
        user.id: teams.Candidate(
            user_id=user.id,
            name=user.name,
            gemeente_id=gemeente.id,
            jeugdregio=gemeente.jeugdregio.name if gemeente.jeugdregio else None,
            gemeente_name=gemeente.name,
        )
        for user, gemeente in rows
    }


def target_of(visitatie: Visitatie) -> teams.Target:
    return teams.Target(
        visitatie_id=visitatie.id,
        gemeente_id=visitatie.gemeente_id,
        gemeente_name=visitatie.gemeente.name,
        jeugdregio=visitatie.gemeente.jeugdregio.name if visitatie.gemeente.jeugdregio else None,
    )


def round_teams(session: Session, round_: Round) -> dict[int, teams.Team]:
    by_visitatie: dict[int, list[ReviewAssignment]] = defaultdict(list)
    ids = [v.id for v in round_.visitaties]
    for a in session.scalars(select(ReviewAssignment).where(ReviewAssignment.visitatie_id.in_(ids))):
        by_visitatie[a.visitatie_id].append(a)
    return {vid: _as_team(by_visitatie[vid]) for vid in ids if by_visitatie.get(vid)}


def problems(session: Session, visitatie: Visitatie, team: teams.Team | None = None) -> list[teams.Problem]:
    round_ = visitatie.round
    all_teams = round_teams(session, round_)
    team = team or all_teams.get(visitatie.id) or teams.Team(lead=None, members=[])
    all_teams[visitatie.id] = team
    return teams.check_team(
        target_of(visitatie),
        team,
        candidates(session),
        all_teams,
        {v.id: target_of(v) for v in round_.visitaties},
        same_region=round_.same_region_rule,
    )


def set_team(
    session: Session, actor: User, visitatie: Visitatie, lead_id: int | None, member_ids: list[int]
) -> list[teams.Problem]:
    """Replace the team; refused when a rule blocks it. Returns the remaining warnings."""
    team = teams.Team(lead=lead_id, members=[m for m in member_ids if m and m != lead_id])
    found = problems(session, visitatie, team)
    if teams.blocked(found):
        raise ReviewError(" ".join(p.message for p in found if p.level == "block"))
    current = {a.user_id: a for a in team_of(session, visitatie)}
    wanted = {lead_id: TeamRole.LEAD} if lead_id else {}
    wanted.update({m: TeamRole.MEMBER for m in team.members})
    for user_id, assignment in current.items():
        if user_id not in wanted:
            session.delete(assignment)
    session.flush()
    for user_id, role in wanted.items():
        if user_id in current:
            current[user_id].role = role
            continue
        new = ReviewAssignment(
            gemeente_id=visitatie.gemeente_id,
            visitatie_id=visitatie.id,
            user_id=user_id,
            role=role,
            assigned_by_id=actor.id,
        )
        session.add(new)
        session.flush()
        reviewer = session.get(User, user_id)
        assert reviewer is not None
        mail.send(
            session,
            reviewer.email,
            f"Je bent reviewer voor {visitatie.gemeente.name}",
            "review_assigned",
            user=reviewer,
            visitatie=visitatie,
            role=role,
            link=url_for("review.declare", visitatie_id=visitatie.id, _external=True),
        )
    record(
        session,
        "review_team_set",
        actor=actor,
        gemeente_id=visitatie.gemeente_id,
        obj=visitatie,
        lead=lead_id,
        members=team.members,
    )
    session.flush()
    return [p for p in found if p.level == "warn"]


def suggest_for_round(session: Session, round_: Round) -> dict[int, teams.Team]:
    targets = [target_of(v) for v in round_.visitaties if v.variant is not None]
    return teams.suggest(
        targets,
        list(candidates(session).values()),
        same_region=round_.same_region_rule,
        existing=round_teams(session, round_),
    )


def declare(session: Session, actor: User, visitatie: Visitatie) -> None:
    assignment = session.scalar(
        select(ReviewAssignment).where(
            ReviewAssignment.visitatie_id == visitatie.id, ReviewAssignment.user_id == actor.id
        )
    )
    if assignment is None:
        raise ReviewError("Je bent niet toegewezen aan deze visitatie.")
    if assignment.declared_at is None:
        assignment.declared_at = utcnow()
        record(session, "conflict_declared", actor=actor, gemeente_id=visitatie.gemeente_id, obj=assignment)
    if visitatie.state is VisitatieState.INGEDIEND:
        visitatie.state = VisitatieState.IN_REVIEW
    session.flush()


# --- annotations -----------------------------------------------------------------------------------------


def current_submission(session: Session, visitatie: Visitatie) -> Submission | None:
    from peerreview.selfeval.submission import latest_submission

    latest = latest_submission(session, visitatie)
    return latest if latest is not None and latest.reopened_at is None else None


def plain_of(submission: Submission, question_key: str) -> str | None:
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


MAX_ANNOTATION, MAX_REPLY = 8000, 4000


def _fits(body: str, limit: int) -> None:
    """Refuse a text over the limit instead of cutting it short (the user keeps it in the field)."""
    if len(body) > limit:
        raise ReviewError(
            f"Je tekst is {len(body)} tekens lang; het maximum is {limit}. Maak hem korter en sla opnieuw op."
        )


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
    _fits(body, MAX_ANNOTATION)
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
    elif data.document_id is None:
        raise ReviewError("Kies een antwoord of een document.")
    session.add(annotation)
    session.flush()
    return annotation


def update_annotation(
    session: Session, actor: User, annotation: Annotation, *, themes_: list[str], kind: str, body: str
) -> None:
    if annotation.author_id != actor.id:
        raise ReviewError("Je kunt alleen je eigen aantekeningen wijzigen.")
    codes = [c for c in themes_ if c in themes()]
    if not codes or not body.strip() or kind not in {k.value for k in AnnotationKind}:
        raise ReviewError("Kies minstens één thema, een soort, en schrijf je opmerking.")
    _fits(body.strip(), MAX_ANNOTATION)
    annotation.themes, annotation.kind, annotation.body = codes, AnnotationKind(kind), body.strip()
    annotation.updated_at = utcnow()
    session.flush()


def delete_annotation(session: Session, actor: User, annotation: Annotation) -> None:
    if annotation.author_id != actor.id:
        raise ReviewError("Je kunt alleen je eigen aantekeningen verwijderen.")
    session.delete(annotation)
    session.flush()


def reply(session: Session, actor: User, annotation: Annotation, body: str) -> AnnotationReply:
    if not body.strip():
        raise ReviewError("Schrijf eerst je reactie.")
    _fits(body.strip(), MAX_REPLY)
    item = AnnotationReply(
        gemeente_id=annotation.gemeente_id, annotation_id=annotation.id, author_id=actor.id, body=body.strip()
    )
    session.add(item)
    session.flush()
    return item


READING_ORDER = (Annotation.question_key, Annotation.start.is_(None), Annotation.start, Annotation.id)


def annotations(
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
    compare them, in the reading order of ``annotations``, without loading texts and replies."""
    columns = (
        Annotation.id,
        Annotation.question_key,
        Annotation.start,
        Annotation.end,
        Annotation.themes,
        Annotation.kind,
        Annotation.author_id,
    )
    return list(
        session.execute(select(*columns).where(Annotation.visitatie_id == visitatie.id).order_by(*READING_ORDER))
    )


def release(session: Session, actor: User, visitatie: Visitatie) -> None:
    visitatie.annotations_released_at = utcnow()
    record(session, "annotations_released", actor=actor, gemeente_id=visitatie.gemeente_id, obj=visitatie)
    from peerreview.accounts.models import Membership

    members = session.scalars(select(User).join(Membership).where(Membership.gemeente_id == visitatie.gemeente_id))
    for member in members:
        mail.send(
            session,
            member.email,
            f"De reviewers hebben hun aantekeningen gedeeld: {visitatie.gemeente.name}",
            "annotations_released",
            user=member,
            visitatie=visitatie,
            link=url_for("review.workspace", visitatie_id=visitatie.id, _external=True),
        )
    session.flush()


# --- themes and the visit --------------------------------------------------------------------------------


def summaries(session: Session, visitatie: Visitatie) -> dict[str, ThemeSummary]:
    rows = session.scalars(select(ThemeSummary).where(ThemeSummary.visitatie_id == visitatie.id))
    return {row.theme_code: row for row in rows}


def save_summary(
    session: Session, actor: User, visitatie: Visitatie, code: str, judgement: str | None, text: str, base_revision: int
) -> ThemeSummary:
    if code not in themes():
        raise ReviewError("Onbekend thema.")
    if judgement and judgement not in judgements():
        raise ReviewError("Kies een van de drie oordelen.")
    current = summaries(session, visitatie).get(code)
    if (current.revision if current else 0) != base_revision:
        raise ReviewError(
            "Een teamgenoot heeft deze samenvatting intussen gewijzigd. Jouw tekst staat hieronder; "
            "vergelijk en sla opnieuw op."
        )
    if current is None:
        current = ThemeSummary(
            gemeente_id=visitatie.gemeente_id, visitatie_id=visitatie.id, theme_code=code, revision=0
        )
        session.add(current)
    current.judgement, current.summary = judgement or None, text.strip()
    current.revision += 1
    current.updated_by_id, current.updated_at = actor.id, utcnow()
    session.flush()
    return current


def visit_questions(session: Session, visitatie: Visitatie) -> list[VisitQuestion]:
    return list(
        session.scalars(
            select(VisitQuestion)
            .where(VisitQuestion.visitatie_id == visitatie.id)
            .order_by(VisitQuestion.theme_code, VisitQuestion.position, VisitQuestion.id)
        )
    )


def build_visit_questions(session: Session, visitatie: Visitatie) -> int:
    """Add the "vraag" annotations and the review prompts that are not on the list yet."""
    present = {q.source for q in visit_questions(session, visitatie)}
    added = 0
    for a in annotations(session, visitatie, kind=AnnotationKind.VRAAG.value):
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


# --- agreement -------------------------------------------------------------------------------------------


@dataclass
class Disagreement:
    first: Annotation
    second: Annotation
    only_first: list[str]
    only_second: list[str]


def _overlap(a: Any, b: Any) -> bool:
    if a.question_key != b.question_key or a.question_key is None:
        return False
    if a.start is None or b.start is None:
        return a.start is None and b.start is None
    return bool(a.start < b.end and b.start < a.end)


def agreement(items: list[Any]) -> tuple[list[Disagreement], dict[str, tuple[int, int]]]:
    """Passages two reviewers coded with different themes, and per theme (agreed, pairs involving it).

    ``items`` are annotations or their index rows. Only annotations on the same answer can overlap,
    so pairs are formed within each answer.
    """
    disagreements, per_theme = [], {code: [0, 0] for code in themes()}
    by_question: dict[str | None, list[Any]] = defaultdict(list)
    for a in items:
        if a.question_key is not None:
            by_question[a.question_key].append(a)
    for group in by_question.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if a.author_id == b.author_id or not _overlap(a, b):
                    continue
                sa_, sb = set(a.themes), set(b.themes)
                for code in sa_ | sb:
                    per_theme[code][1] += 1
                    per_theme[code][0] += code in sa_ and code in sb
                if sa_ != sb:
                    disagreements.append(Disagreement(a, b, sorted(sa_ - sb), sorted(sb - sa_)))
    return disagreements, {k: (v[0], v[1]) for k, v in per_theme.items()}


# --- re-anchoring ------------------------------------------------------------------------------------------


def reanchor(session: Session, previous: Submission, new: Submission) -> dict[str, int]:
    """Move every annotation of ``previous`` onto ``new``; what cannot be placed with confidence is detached."""
    counts = {s.value: 0 for s in AnchorStatus}
    items = list(session.scalars(select(Annotation).where(Annotation.submission_id == previous.id)))
    by_question: dict[str | None, list[Any]] = defaultdict(list)
    for a in items:
        by_question[a.question_key].append(a)
    for key, group in by_question.items():
        positioned = [a for a in group if a.start is not None and a.exact is not None]
        for a in group:
            a.submission_id = new.id
            if a not in positioned:
                if key is not None and plain_of(new, key) is None:
                    a.anchor_status = AnchorStatus.DETACHED
                counts[a.anchor_status.value] += 1
        if not positioned or key is None:
            continue
        old_text, new_text = plain_of(previous, key) or "", plain_of(new, key)
        if new_text is None:
            for a in positioned:
                a.anchor_status, a.start, a.end = AnchorStatus.DETACHED, None, None
                counts["detached"] += 1
            continue
        placements = reanchor_many(
            old_text,
            new_text,
            [Selector(exact=a.exact, prefix=a.prefix, suffix=a.suffix, start=a.start, end=a.end) for a in positioned],
        )
        for a, placement in zip(positioned, placements, strict=True):
            if placement.status == "detached" or placement.start is None or placement.end is None:
                a.anchor_status, a.start, a.end = AnchorStatus.DETACHED, None, None
            else:
                selector = selector_for(new_text, placement.start, placement.end)
                a.exact, a.prefix, a.suffix = selector.exact, selector.prefix, selector.suffix
                a.start, a.end = selector.start, selector.end
                a.anchor_status = AnchorStatus.ANCHORED if placement.status == "anchored" else AnchorStatus.MOVED
            counts[a.anchor_status.value] += 1
    session.flush()
    return counts


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
