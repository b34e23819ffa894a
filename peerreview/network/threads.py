"""Rode draden: writing a thread, collecting its evidence from the passage index, the check with the
gemeenten (*ter toetsing*) and settling it (*vastgesteld*).

Services take ``(session, actor, ...)``, flush and never commit. Text edits use optimistic concurrency:
a save names the version it was based on, and a newer version *with other text* raises ``Conflict``
before anything is written (a version that only added evidence is no conflict for a text edit).

Evidence is read through the passage index. An item whose passage is no longer in ``network_passage``
(publication or consent withdrawn, review material withdrawn) is *niet meer beschikbaar*: its snapshot
stays in the database for the history, but its text is not shown and it no longer counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerreview import passages
from peerreview.accounts.models import User
from peerreview.conflicts import Conflict
from peerreview.db import utcnow
from peerreview.network.models import Audience, NetworkPassage, NetworkPassageTheme, PassageKind
from peerreview.network.threads_models import (
    Recognition,
    Stance,
    Thread,
    ThreadEvidence,
    ThreadResponse,
    ThreadState,
    ThreadVersion,
)
from peerreview.sanitize import clean_html
from peerreview.tenants.models import Gemeente

CONTEXT = 32  # characters of prefix and suffix kept with a quote (TextQuoteSelector)
STATEMENT_MAX = 500
REMARK_MAX = 4000
NETWORK_AUDIENCES = (Audience.OPENBAAR, Audience.NETWERK)


class ThreadError(ValueError):
    """The change cannot be made; the message is Dutch and says what to do."""


# --- text and versions ----------------------------------------------------------------------------------


def _check_text(statement: str, themes: Sequence[str]) -> tuple[str, list[str]]:
    from peerreview.review.themes import themes as known

    statement = " ".join(statement.split())
    if not statement:
        raise ThreadError("Schrijf de rode draad in één zin, bijvoorbeeld ‘Gemeenten die …’.")
    if len(statement) > STATEMENT_MAX:
        raise ThreadError(f"Houd de rode draad korter dan {STATEMENT_MAX} tekens; de toelichting kan langer.")
    codes = [code for code in known() if code in set(themes)]
    if len(codes) != len(set(themes)):
        raise ThreadError("Kies alleen thema’s uit de lijst.")
    return statement, codes


def _evidence_snapshot(thread: Thread) -> list[dict[str, Any]]:
    return [
        {
            "passage_key": e.passage_key,
            "stance": e.stance.value,
            "exact": e.exact,
            "gemeente": e.gemeente.name if e.gemeente is not None else "",
            "kind": e.kind,
        }
        for e in thread.evidence
    ]


def _new_version(session: Session, actor: User | None, thread: Thread, note: str) -> ThreadVersion:
    session.flush()
    session.refresh(thread, ["evidence"])
    number = (
        session.scalar(select(func.max(ThreadVersion.number)).where(ThreadVersion.thread_id == thread.id)) or 0
    ) + 1
    version = ThreadVersion(
        thread_id=thread.id,
        number=number,
        statement=thread.statement,
        description=thread.description,
        themes=list(thread.themes),
        evidence=_evidence_snapshot(thread),
        note=note,
        author_id=actor.id if actor is not None else None,
    )
    session.add(version)
    thread.revision = number
    thread.updated_at = utcnow()
    session.flush()
    return version


def create(session: Session, actor: User, statement: str, description: str, themes: Sequence[str]) -> Thread:
    statement, codes = _check_text(statement, themes)
    thread = Thread(
        statement=statement,
        description=clean_html(description or ""),
        themes=codes,
        created_by_id=actor.id,
        revision=0,
    )
    session.add(thread)
    session.flush()
    _new_version(session, actor, thread, "Rode draad aangemaakt")
    return thread


def _locked(thread: Thread) -> None:
    if thread.state is ThreadState.VASTGESTELD:
        raise ThreadError("Deze rode draad is vastgesteld en ligt vast.")


def update(
    session: Session,
    actor: User,
    thread: Thread,
    statement: str,
    description: str,
    themes: Sequence[str],
    base_revision: int,
) -> ThreadVersion | None:
    """Save the text; ``Conflict(current version)`` when someone else changed the text since ``base_revision``.
    Returns the new version, or None when nothing changed."""
    _locked(thread)
    statement, codes = _check_text(statement, themes)
    description = clean_html(description or "")
    if base_revision != thread.revision:
        base = version(session, thread, base_revision)
        changed = base is None or (base.statement, base.description, list(base.themes)) != (
            thread.statement,
            thread.description,
            list(thread.themes),
        )
        if changed:
            raise Conflict(version(session, thread, thread.revision))
    if (statement, description, codes) == (thread.statement, thread.description, list(thread.themes)):
        return None
    thread.statement, thread.description, thread.themes = statement, description, codes
    return _new_version(session, actor, thread, "Tekst bewerkt")


def versions(session: Session, thread: Thread) -> list[ThreadVersion]:
    return list(
        session.scalars(
            select(ThreadVersion).where(ThreadVersion.thread_id == thread.id).order_by(ThreadVersion.number.desc())
        )
    )


def version(session: Session, thread: Thread, number: int) -> ThreadVersion | None:
    return session.scalar(
        select(ThreadVersion).where(ThreadVersion.thread_id == thread.id, ThreadVersion.number == number)
    )


def listing(session: Session, state: ThreadState | None = None, ids: Iterable[int] | None = None) -> list[Thread]:
    query = select(Thread).order_by(Thread.updated_at.desc(), Thread.id.desc())
    if state is not None:
        query = query.where(Thread.state == state)
    if ids is not None:
        query = query.where(Thread.id.in_(list(ids)))
    return list(session.scalars(query))


# --- evidence -------------------------------------------------------------------------------------------


def passage_by_key(session: Session, key: str, audiences: Sequence[Audience]) -> NetworkPassage | None:
    """The passage ``key`` if ``audiences`` may read it (the audience is checked in the query)."""
    return session.scalar(
        select(NetworkPassage).where(NetworkPassage.key == key, NetworkPassage.audience.in_(list(audiences)))
    )


def selectors(text: str, exact: str, start: int | None, end: int | None) -> tuple[int, int]:
    """Where the quote stands in the passage: the offsets the browser sent when they hold ``exact``,
    otherwise found again in the text (whitespace- and case-tolerant; refused when ambiguous)."""
    if start is not None and end is not None and 0 <= start < end <= len(text) and text[start:end] == exact:
        return start, end
    try:
        return passages.locate(text, exact, "de passage")
    except passages.PassageError as error:
        raise ThreadError(str(error)) from error


def add_evidence(
    session: Session,
    actor: User,
    thread: Thread,
    passage: NetworkPassage,
    stance: Stance,
    exact: str | None = None,
    start: int | None = None,
    end: int | None = None,
    note: str = "",
) -> ThreadEvidence:
    """Quote ``passage`` (the selected ``exact`` text, or the whole passage) as evidence or counter-evidence."""
    _locked(thread)
    text = passage.text
    if exact is None or not exact.strip():
        s, e = 0, len(text)
    else:
        s, e = selectors(text, exact.strip(), start, end)
    if e <= s:
        raise ThreadError("Deze passage heeft geen tekst om te citeren.")
    duplicate = session.scalar(
        select(ThreadEvidence.id).where(
            ThreadEvidence.thread_id == thread.id,
            ThreadEvidence.passage_key == passage.key,
            ThreadEvidence.start == s,
            ThreadEvidence.end == e,
        )
    )
    if duplicate is not None:
        raise ThreadError("Dit citaat hoort al bij deze rode draad.")
    item = ThreadEvidence(
        thread_id=thread.id,
        stance=stance,
        passage_key=passage.key,
        exact=text[s:e],
        prefix=text[max(0, s - CONTEXT) : s],
        suffix=text[e : e + CONTEXT],
        start=s,
        end=e,
        gemeente_id=passage.gemeente_id,
        visitatie_id=passage.visitatie_id,
        round_id=passage.round_id,
        kind=passage.kind.value,
        audience=passage.audience.value,
        title=passage.title[:300],
        section_key=passage.section_key,
        note=note.strip()[:500],
        added_by_id=actor.id,
    )
    session.add(item)
    session.flush()
    _new_version(
        session, actor, thread, "Tegenbewijs toegevoegd" if stance is Stance.TEGEN else "Onderbouwing toegevoegd"
    )
    return item


def remove_evidence(session: Session, actor: User, thread: Thread, evidence_id: int) -> None:
    _locked(thread)
    item = session.scalar(
        select(ThreadEvidence).where(ThreadEvidence.id == evidence_id, ThreadEvidence.thread_id == thread.id)
    )
    if item is None:
        raise ThreadError("Dit citaat hoort niet (meer) bij deze rode draad.")
    thread.evidence.remove(item)
    session.flush()
    _new_version(session, actor, thread, "Citaat verwijderd")


@dataclass
class EvidenceItem:
    """An evidence item as a reader sees it: ``passage`` is None when it left the index (not available);
    ``readable`` says whether this reader may see its text (its audience, or their own gemeente)."""

    item: ThreadEvidence
    passage: NetworkPassage | None
    readable: bool

    @property
    def available(self) -> bool:
        return self.passage is not None

    @property
    def kind_label(self) -> str:
        try:
            return PassageKind(self.item.kind).label
        except ValueError:
            return self.item.kind

    @property
    def concept(self) -> bool:
        return self.passage is not None and self.passage.audience is Audience.CONCEPT


@dataclass
class ThreadView:
    thread: Thread
    supporting: list[EvidenceItem] = field(default_factory=list)
    counter: list[EvidenceItem] = field(default_factory=list)

    @property
    def support_gemeenten(self) -> list[Gemeente]:
        return _gemeenten(self.supporting)

    @property
    def counter_gemeenten(self) -> list[Gemeente]:
        return _gemeenten(self.counter)


def _gemeenten(items: Iterable[EvidenceItem]) -> list[Gemeente]:
    seen: dict[int, Gemeente] = {}
    for e in items:
        if e.available:
            seen.setdefault(e.item.gemeente_id, e.item.gemeente)
    return sorted(seen.values(), key=lambda g: g.name)


def current_passages(session: Session, keys: Iterable[str]) -> dict[str, NetworkPassage]:
    """The passages of ``keys`` that are still in the index (one query)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    return {p.key: p for p in session.scalars(select(NetworkPassage).where(NetworkPassage.key.in_(wanted)))}


def views(
    session: Session, threads: Sequence[Thread], audiences: Sequence[Audience], own_gemeenten: Iterable[int] = ()
) -> list[ThreadView]:
    """Each thread with its evidence split by stance, checked against the index in one query."""
    found = current_passages(session, (e.passage_key for t in threads for e in t.evidence))
    own = set(own_gemeenten)
    result = []
    for thread in threads:
        view = ThreadView(thread)
        for e in thread.evidence:
            passage = found.get(e.passage_key)
            readable = passage is not None and (passage.audience in audiences or passage.gemeente_id in own)
            (view.counter if e.stance is Stance.TEGEN else view.supporting).append(EvidenceItem(e, passage, readable))
        result.append(view)
    return result


def concerned_gemeente_ids(session: Session, thread: Thread) -> set[int]:
    """The gemeenten whose passages (still in the index) the thread uses, as evidence or counter-evidence."""
    return set(
        session.scalars(
            select(ThreadEvidence.gemeente_id)
            .join(NetworkPassage, NetworkPassage.key == ThreadEvidence.passage_key)
            .where(ThreadEvidence.thread_id == thread.id)
            .distinct()
        )
    )


def threads_for_gemeenten(session: Session, gemeente_ids: Iterable[int]) -> set[int]:
    """Ids of the threads ter toetsing that use passages of these gemeenten (for a member's list)."""
    ids = list(gemeente_ids)
    if not ids:
        return set()
    return set(
        session.scalars(
            select(ThreadEvidence.thread_id)
            .join(Thread, Thread.id == ThreadEvidence.thread_id)
            .join(NetworkPassage, NetworkPassage.key == ThreadEvidence.passage_key)
            .where(ThreadEvidence.gemeente_id.in_(ids), Thread.state == ThreadState.TER_TOETSING)
            .distinct()
        )
    )


# --- the passage finder ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FinderFilter:
    theme: str | None = None
    gemeente_id: int | None = None
    kind: PassageKind | None = None
    query: str | None = None


FINDER_LIMIT = 40


def find_passages(
    session: Session, audiences: Sequence[Audience], wanted: FinderFilter, limit: int = FINDER_LIMIT
) -> list[NetworkPassage]:
    """Passages the reader's audiences may read, filtered by theme, gemeente, kind and a word (all in SQL)."""
    query = select(NetworkPassage).where(NetworkPassage.audience.in_(list(audiences)))
    if wanted.theme:
        query = query.where(
            NetworkPassage.id.in_(
                select(NetworkPassageTheme.passage_id).where(NetworkPassageTheme.theme == wanted.theme)
            )
        )
    if wanted.gemeente_id:
        query = query.where(NetworkPassage.gemeente_id == wanted.gemeente_id)
    if wanted.kind:
        query = query.where(NetworkPassage.kind == wanted.kind)
    if wanted.query:
        pattern = "%" + wanted.query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(NetworkPassage.text.ilike(pattern, escape="\\"))
    query = query.order_by(NetworkPassage.gemeente_id, NetworkPassage.kind, NetworkPassage.id).limit(limit)
    return list(session.scalars(query))


def finder_gemeenten(session: Session, audiences: Sequence[Audience]) -> list[Gemeente]:
    """The gemeenten that have passages the reader may read (the finder's gemeente choices)."""
    ids = select(NetworkPassage.gemeente_id).where(NetworkPassage.audience.in_(list(audiences))).distinct()
    return list(session.scalars(select(Gemeente).where(Gemeente.id.in_(ids)).order_by(Gemeente.name)))


# --- states -------------------------------------------------------------------------------------------


def submit(session: Session, actor: User, thread: Thread, link: str) -> list[str]:
    """Concept → ter toetsing: the coordinators of the gemeenten whose passages are used get an e-mail.
    Returns the addresses written to."""
    from peerreview.accounts.services import coordinators_of
    from peerreview.audit.services import record
    from peerreview.mail.services import send

    if thread.state is not ThreadState.CONCEPT:
        raise ThreadError("Alleen een rode draad in concept kan ter toetsing worden voorgelegd.")
    view = views(session, [thread], tuple(Audience))[0]
    if not view.support_gemeenten:
        raise ThreadError("Voeg eerst onderbouwing toe: een rode draad zonder citaten kan niet worden getoetst.")
    thread.state = ThreadState.TER_TOETSING
    thread.submitted_at = utcnow()
    sent = []
    for gemeente in sorted({*view.support_gemeenten, *view.counter_gemeenten}, key=lambda g: g.name):
        for user in coordinators_of(session, gemeente.id):
            send(
                session,
                user.email,
                "Een rode draad ter toetsing",
                "thread_ter_toetsing",
                user=user,
                gemeente=gemeente,
                thread=thread,
                link=link,
            )
            sent.append(user.email)
    record(session, "thread_submitted", actor=actor, obj=thread, recipients=len(sent))
    session.flush()
    return sent


def back_to_concept(session: Session, actor: User, thread: Thread) -> None:
    from peerreview.audit.services import record

    if thread.state is not ThreadState.TER_TOETSING:
        raise ThreadError("Alleen een rode draad ter toetsing kan terug naar concept.")
    thread.state = ThreadState.CONCEPT
    record(session, "thread_reopened", actor=actor, obj=thread)
    session.flush()


def settle(session: Session, actor: User, thread: Thread) -> None:
    """Ter toetsing → vastgesteld: locked; from now on it is part of the network report."""
    from peerreview.audit.services import record

    if thread.state is not ThreadState.TER_TOETSING:
        raise ThreadError("Een rode draad wordt vastgesteld nadat de gemeenten haar hebben kunnen toetsen.")
    thread.state = ThreadState.VASTGESTELD
    thread.settled_at, thread.settled_by_id = utcnow(), actor.id
    record(session, "thread_settled", actor=actor, obj=thread)
    session.flush()


# --- responses ------------------------------------------------------------------------------------------


def responses(session: Session, thread: Thread) -> list[ThreadResponse]:
    return list(
        session.scalars(
            select(ThreadResponse)
            .join(Gemeente, Gemeente.id == ThreadResponse.gemeente_id)
            .where(ThreadResponse.thread_id == thread.id)
            .order_by(Gemeente.name)
        )
    )


def response_of(session: Session, thread: Thread, gemeente_id: int) -> ThreadResponse | None:
    return session.scalar(
        select(ThreadResponse).where(ThreadResponse.thread_id == thread.id, ThreadResponse.gemeente_id == gemeente_id)
    )


def respond(
    session: Session,
    actor: User,
    thread: Thread,
    gemeente_id: int,
    recognition: Recognition,
    remark: str,
    base_revision: int,
) -> ThreadResponse:
    """The gemeente's one response; a stale ``base_revision`` (someone of the gemeente saved in between)
    raises ``Conflict(the stored response)``."""
    if thread.state is not ThreadState.TER_TOETSING:
        raise ThreadError("Reageren kan zolang de rode draad ter toetsing ligt.")
    remark = remark.strip()
    if len(remark) > REMARK_MAX:
        raise ThreadError(f"Houd de toelichting korter dan {REMARK_MAX} tekens.")
    existing = response_of(session, thread, gemeente_id)
    if existing is None:
        if base_revision != 0:
            raise ThreadError("De versie waarop je reactie is gebaseerd klopt niet. Laad de pagina opnieuw.")
        existing = ThreadResponse(
            thread_id=thread.id,
            gemeente_id=gemeente_id,
            recognition=recognition,
            remark=remark,
            responded_by_id=actor.id,
            revision=1,
        )
        session.add(existing)
    else:
        if base_revision != existing.revision:
            raise Conflict(existing)
        existing.recognition, existing.remark = recognition, remark
        existing.responded_by_id, existing.updated_at = actor.id, utcnow()
        existing.revision += 1
    session.flush()
    return existing
