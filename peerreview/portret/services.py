"""The portret's operations: generating a draft, saving sections as new versions without overwriting
anyone's edit, comparing versions, releasing the concept to the gemeente, and telling whether its PDF is ready.
Services flush and never commit (the generation job commits its progress itself). Queueing the
generation and the PDF is ``tasks.request_generation`` and ``tasks.request_pdf``: tasks import
services, never the other way round.

Concurrency: a section save names the version it was based on. If that section changed in a later
version, the save is refused (``conflicts.Conflict``, the stored section in its ``context["section"]``)
and both texts are shown; edits of other sections in between do not block it.
``UPDATE portret SET current_version = n + 1 WHERE current_version = n`` makes sure two saves can
never both become version n + 1.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from flask import url_for
from markupsafe import Markup
from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session, lazyload, undefer
from sqlalchemy.orm.attributes import set_committed_value

from peerreview import diffs, jobs, signals
from peerreview.accounts.models import User
from peerreview.accounts.services import coordinators_of
from peerreview.audit.services import record
from peerreview.conflicts import Conflict
from peerreview.db import utcnow
from peerreview.mail import services as mail
from peerreview.portret import generator
from peerreview.portret import skeleton as skeletons
from peerreview.portret.evidence import Evidence, cite, next_key
from peerreview.portret.models import GenerationStatus, Portret, PortretVersion, VersionKind
from peerreview.review.chapters import annotation_url
from peerreview.rounds.models import Visitatie, VisitatieState
from peerreview.sanitize import clean_html, plain_text


class PortretError(Exception):
    """A refused operation; the message is Dutch and meant for the user."""


def checksum(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# --- the portret and its versions ---------------------------------------------------------------------


def portret_of(session: Session, visitatie: Visitatie) -> Portret | None:
    # The visitatie is at hand: it is not joined in again (with its round, gemeente and deadlines).
    portret = session.scalar(
        select(Portret).where(Portret.visitatie_id == visitatie.id).options(lazyload(Portret.visitatie))
    )
    if portret is not None:
        set_committed_value(portret, "visitatie", visitatie)
    return portret


def working_draft(session: Session, visitatie: Visitatie) -> tuple[Portret | None, PortretVersion | None]:
    """The portret and its current version, in one statement; the version's content is not read (see
    ``document_cache.section``)."""
    found = session.execute(
        select(Portret, PortretVersion)
        .outerjoin(
            PortretVersion,
            and_(PortretVersion.portret_id == Portret.id, PortretVersion.number == Portret.current_version),
        )
        .where(Portret.visitatie_id == visitatie.id)
        .options(lazyload(Portret.visitatie), lazyload(PortretVersion.author))
    ).first()
    if found is None:
        return None, None
    set_committed_value(found[0], "visitatie", visitatie)
    return found[0], found[1]


def get_or_create(session: Session, visitatie: Visitatie) -> Portret:
    portret = portret_of(session, visitatie)
    if portret is None:
        portret = Portret(
            gemeente_id=visitatie.gemeente_id, visitatie_id=visitatie.id, skeleton_version=skeletons.latest_version()
        )
        session.add(portret)
        session.flush()
    return portret


def version(session: Session, portret: Portret, number: int | None = None) -> PortretVersion | None:
    number = portret.current_version if number is None else number
    return session.scalar(
        select(PortretVersion)
        .where(PortretVersion.portret_id == portret.id, PortretVersion.number == number)
        .options(undefer(PortretVersion.content))
    )


def versions(session: Session, portret: Portret) -> list[PortretVersion]:
    return list(
        session.scalars(
            select(PortretVersion).where(PortretVersion.portret_id == portret.id).order_by(PortretVersion.number.desc())
        )
    )


def definitive_versions(session: Session, portret: Portret) -> list[PortretVersion]:
    """The adopted version and its errata, newest first: each stays downloadable after a correction."""
    if portret.adopted_version is None:
        return []
    return list(
        session.scalars(
            select(PortretVersion)
            .where(
                PortretVersion.portret_id == portret.id,
                PortretVersion.kind.in_((VersionKind.DEFINITIEF, VersionKind.ERRATUM)),
            )
            .order_by(PortretVersion.number.desc())
        )
    )


def _store(
    session: Session,
    actor: User | None,
    portret: Portret,
    content: dict[str, Any],
    note: str,
    *,
    erratum_reason: str | None = None,
) -> PortretVersion:
    """The one place a version is added. Once the portret is adopted, the only new version is an
    erratum (which becomes the adopted version): no draft, regeneration or edit reaches it otherwise."""
    if portret.adopted_version is not None and erratum_reason is None:
        raise PortretError(
            "Het portret is definitief en verandert niet meer. Een correctie kan alleen als erratum, met een reden."
        )
    seen = portret.current_version
    moved = session.execute(
        update(Portret)
        .where(Portret.id == portret.id, Portret.current_version == seen)
        .values(current_version=seen + 1)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount == 0:  # type: ignore[attr-defined]
        session.refresh(portret)
        raise PortretError(
            "Iemand anders sloeg tegelijk een versie op. Open het portret opnieuw en probeer het nog eens."
        )
    portret.current_version = seen + 1
    item = PortretVersion(
        gemeente_id=portret.gemeente_id,
        portret_id=portret.id,
        number=seen + 1,
        content=content,
        checksum=checksum(content),
        note=note[:200],
        author_id=actor.id if actor else None,
        kind=VersionKind.CONCEPT if erratum_reason is None else VersionKind.ERRATUM,
        erratum_reason=erratum_reason or "",
    )
    session.add(item)
    session.flush()
    signals.portret_version_stored.send(portret, session=session, previous=version(session, portret, seen), new=item)
    return item


# --- generating the draft ------------------------------------------------------------------------------


def prepare_generation(session: Session, actor: User, visitatie: Visitatie) -> Portret:
    """Mark a new draft as queued (``tasks.request_generation`` queues the job that compiles it)."""
    portret = get_or_create(session, visitatie)
    if generation_state(session, portret) in (GenerationStatus.QUEUED, GenerationStatus.RUNNING):
        raise PortretError("Het concept wordt al gemaakt. Wacht tot het klaar is.")
    portret.generation_requested += 1
    portret.generation_status, portret.generation_progress = GenerationStatus.QUEUED, 0
    portret.generation_step, portret.generation_error = "In de wachtrij", ""
    session.flush()
    return portret


INTERRUPTED = "interrupted"


def generation_job_key(portret: Portret) -> str:
    return f"portret-draft-{portret.id}-{portret.generation_requested}"


def generation_state(session: Session, portret: Portret) -> str:
    """The generation status, or ``interrupted`` when it says queued/running but its job's worker
    stopped beating (killed mid-job): then a new generation may be started."""
    status = portret.generation_status
    running = status in (GenerationStatus.QUEUED, GenerationStatus.RUNNING)
    if running and jobs.status(session, generation_job_key(portret)) == "stale":
        return INTERRUPTED
    return status.value


def generate(
    session: Session, portret: Portret, actor: User | None, on_progress: Callable[[], None] | None = None
) -> PortretVersion:
    """Compose a draft from the visitatie's material and store it as a new version. ``on_progress`` is
    called after each progress step (the job commits there, so the page that polls the progress sees it)."""

    def progress(percent: int, step: str) -> None:
        portret.generation_progress, portret.generation_step = percent, step[:200]
        if on_progress is not None:
            on_progress()

    visitatie = portret.visitatie
    portret.generation_status = GenerationStatus.RUNNING
    progress(1, "Begonnen")
    material = generator.gather(session, visitatie, progress)
    skeleton = skeletons.load(portret.skeleton_version)
    previous = version(session, portret)
    motto = previous.content.get("motto", "") if previous else ""
    content = generator.compose(material, skeleton, progress, motto=motto)
    progress(97, "Versie opslaan")
    session.refresh(portret, ["current_version"])  # an edit may have been saved meanwhile: the draft comes after it
    item = _store(
        session, actor, portret, content, "Concept gegenereerd" if previous is None else "Concept opnieuw gegenereerd"
    )
    portret.generation_status, portret.generation_progress, portret.generation_step = (
        GenerationStatus.DONE,
        100,
        "Klaar",
    )
    record(session, "portret_generated", actor=actor, gemeente_id=portret.gemeente_id, obj=item, version=item.number)
    session.flush()
    return item


# --- editing --------------------------------------------------------------------------------------------


def section_of(content: dict[str, Any], key: str) -> dict[str, Any] | None:
    return next((s for s in content["sections"] if s["key"] == key), None)


def _comparable(section: dict[str, Any] | None) -> tuple[str, str]:
    return (section or {}).get("title", ""), (section or {}).get("html", "")


def save_section(
    session: Session,
    actor: User,
    portret: Portret,
    key: str,
    base_number: int,
    title: str,
    body: str,
    motto: str | None = None,
    *,
    erratum_reason: str | None = None,
    evidence: Mapping[str, Evidence] | None = None,
) -> PortretVersion:
    """A new version with this section changed; refused when the section changed since ``base_number``.
    Blocks cited from ``evidence`` (marked ``data-bewijs``) get their provenance; other marks are dropped.

    With ``erratum_reason`` (the portret is adopted): the change starts from the adopted version, not
    from a later working draft, and becomes a numbered erratum that the portret adopts in its place."""
    if erratum_reason is not None:
        erratum_reason = erratum_reason.strip()
        if portret.adopted_version is None:
            raise PortretError("Het portret is nog niet vastgesteld; een erratum is pas daarna mogelijk.")
        if not erratum_reason:
            raise PortretError("Geef de reden van het erratum op.")
    current = version(session, portret, portret.adopted_version if erratum_reason is not None else None)
    base = version(session, portret, base_number)
    if current is None or base is None:
        raise PortretError("Er is nog geen concept om te bewerken.")
    now, then = section_of(current.content, key), section_of(base.content, key)
    if now is None:
        raise PortretError("Deze sectie bestaat niet in het portret.")
    if _comparable(now) != _comparable(then) or (
        motto is not None and current.content.get("motto") != base.content.get("motto")
    ):
        raise Conflict(current, section=now)
    content = copy.deepcopy(current.content)
    section = section_of(content, key)
    assert section is not None
    body, cited = cite(clean_html(body, portret=True), evidence or {}, next_key(content))
    section["title"] = " ".join(title.split())[:200] or now["title"]
    section["html"] = body
    section["provenance"] = {k: v for k, v in now.get("provenance", {}).items() if f'data-bron="{k}"' in body}
    section["provenance"].update(cited)
    if motto is not None:
        content["motto"] = " ".join(motto.split())[:120]
        skeleton_section = skeletons.load(portret.skeleton_version).section(key)
        if skeleton_section is not None and skeleton_section.kind == "title" and not title.strip():
            section["title"] = generator.title_for(skeleton_section, content["gemeente"], content["motto"])
    if content == current.content:
        return current
    if erratum_reason is None:
        return _store(session, actor, portret, content, f"‘{section['title']}’ bewerkt")
    item = _store(
        session, actor, portret, content, f"Erratum: ‘{section['title']}’", erratum_reason=erratum_reason[:2000]
    )
    replaced = portret.adopted_version
    portret.adopted_version = item.number
    record(
        session,
        "portret_erratum",
        actor=actor,
        gemeente_id=portret.gemeente_id,
        obj=item,
        version=item.number,
        replaces=replaced,
        reason=item.erratum_reason,
    )
    session.flush()
    signals.network_material_changed.send(portret.visitatie_id, session=session)
    return item


# --- comparing versions ----------------------------------------------------------------------------------


@dataclass
class SectionDiff:
    title_old: str
    title_new: str
    left: Markup
    right: Markup
    changed: bool


def compare(old: PortretVersion, new: PortretVersion) -> list[SectionDiff]:
    """Per section, the old and the new text side by side, with removals and additions marked."""
    keys = [s["key"] for s in new.content["sections"]]
    keys += [s["key"] for s in old.content["sections"] if s["key"] not in keys]
    result = []
    for key in keys:
        a, b = section_of(old.content, key) or {}, section_of(new.content, key) or {}
        text_a, text_b = plain_text(a.get("html", "")), plain_text(b.get("html", ""))
        if not text_a and not text_b:  # the title: compare the headings themselves
            text_a, text_b = a.get("title", ""), b.get("title", "")
        left, right = diffs.side_by_side(text_a, text_b)
        changed = text_a != text_b or a.get("title") != b.get("title") or a.get("figures") != b.get("figures")
        result.append(SectionDiff(a.get("title", "—"), b.get("title", "—"), left, right, changed))
    return result


# --- release ----------------------------------------------------------------------------------------------


def release(session: Session, actor: User, portret: Portret) -> PortretVersion:
    visitatie = portret.visitatie
    current = version(session, portret)
    if current is None:
        raise PortretError("Er is nog geen concept om te delen. Maak eerst het conceptportret.")
    if portret.released_version == current.number:
        raise PortretError(f"Versie {current.number} is al gedeeld met de gemeente.")
    again = portret.released_version is not None
    portret.released_version, portret.released_at, portret.released_by_id = current.number, utcnow(), actor.id
    if visitatie.state is VisitatieState.VISITATIE:
        visitatie.state = VisitatieState.PORTRET_CONCEPT
    record(
        session, "portret_released", actor=actor, gemeente_id=visitatie.gemeente_id, obj=current, version=current.number
    )
    link = url_for("portret.show", visitatie_id=visitatie.id, _external=True)
    for coordinator in coordinators_of(session, visitatie.gemeente_id):
        mail.send(
            session,
            coordinator.email,
            f"{'Nieuwe versie van het' if again else 'Het'} conceptportret van {visitatie.gemeente.name}",
            "portret_released",
            user=coordinator,
            visitatie=visitatie,
            version=current,
            again=again,
            link=link,
        )
    session.flush()
    return current


# --- the PDF -----------------------------------------------------------------------------------------------


def pdf_fingerprint(item: PortretVersion) -> str:
    """What the PDF of this version is made from. A concept: its content checksum. A definitive or
    erratum version also prints its kind, number and reason (and, at the end, the wederhoor, which is
    locked from adoption on), so a concept PDF of the same content is never served for it."""
    if item.kind is VersionKind.CONCEPT:
        return item.checksum
    marker = f"{item.checksum}:{item.kind.value}:{item.number}:{item.erratum_reason}"
    return hashlib.sha256(marker.encode()).hexdigest()


def pdf_ready(item: PortretVersion) -> bool:
    return item.pdf_checksum == pdf_fingerprint(item)


def pdf_job_key(item: PortretVersion) -> str:
    """One render job per version and content: a second request for the same PDF queues nothing."""
    return f"portret-pdf-{item.id}-{pdf_fingerprint(item)[:16]}"


def erratum_number(session: Session, item: PortretVersion) -> int:
    """An erratum's ordinal (1, 2, ...) among the errata of its portret."""
    return len(
        session.scalars(
            select(PortretVersion.id).where(
                PortretVersion.portret_id == item.portret_id,
                PortretVersion.kind == VersionKind.ERRATUM,
                PortretVersion.number <= item.number,
            )
        ).all()
    )


def pdf_state(session: Session, item: PortretVersion) -> str | None:
    """``done``, or the state of its render job (None: never requested); see ``jobs.status``."""
    return "done" if pdf_ready(item) else jobs.status(session, pdf_job_key(item))


# --- provenance, for the review team ---


class _Excerpts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str | None] = []
        self.texts: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            return
        self.open.append(dict(attrs).get("data-bron"))

    def handle_endtag(self, tag: str) -> None:
        if self.open and tag != "br":
            self.open.pop()

    def handle_data(self, data: str) -> None:
        key = next((k for k in reversed(self.open) if k), None)
        if key:
            self.texts.setdefault(key, []).append(data)


def excerpts(html: str, length: int = 90) -> dict[str, str]:
    """The start of the text of every marked block: to tell the blocks apart in the provenance list."""
    parser = _Excerpts()
    parser.feed(html)
    result = {}
    for key, parts in parser.texts.items():
        text = " ".join("".join(parts).split())
        result[key] = text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"
    return result


def provenance_link(visitatie: Visitatie, source: dict[str, Any]) -> str | None:
    """Where a provenance item can be looked at; None when it is not a page (the skeleton, the team)."""
    kind = source.get("type")
    if kind == "answer":
        return url_for("selfeval.read", visitatie_id=visitatie.id, _anchor=f"a-{source['key']}")
    if kind == "annotation":
        return annotation_url(visitatie, source.get("question"), source["id"])
    if kind == "summary":
        return url_for("review.theme_view", visitatie_id=visitatie.id, _anchor=f"thema-{source['theme']}")
    if kind == "quote":
        return url_for(
            "visit.conversation",
            visitatie_id=visitatie.id,
            conversation_id=source["conversation"],
            _anchor=f"citaat-{source['id']}",
        )
    if kind == "conversation":
        return url_for("visit.conversation", visitatie_id=visitatie.id, conversation_id=source["id"])
    if kind == "respondent":
        return url_for("visit.overview", visitatie_id=visitatie.id)
    if kind in ("figure", "duiding"):
        return url_for("indicators.gemeente", slug=visitatie.gemeente.slug, _anchor=f"indicator-{source['indicator']}")
    if kind == "document":
        return url_for("selfeval.download", visitatie_id=visitatie.id, document_id=source["id"])
    if kind in ("submission", "checklist"):
        return url_for("selfeval.read", visitatie_id=visitatie.id)
    return None
