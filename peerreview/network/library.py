"""The portretten library: every portret the reader may see, with its gemeente's context, and two or three
of them side by side, section by section (issue 11 item 2).

Who sees what follows the same rules as everywhere else: a definitive portret when its gemeente published it
in one of the reader's scopes (``definitief.services.visible_scopes``, the answer of ``portret.published``);
analysts, round coordinators and admins (the *concept* audience, ``access.audiences``) also the portretten
that are not definitive yet but whose review material was released, marked *concept*, with a link only where
``portret.read`` lets them open it (and their motto only then). A portret published to *alleen de gemeente*
or withdrawn is not in the library. One query for the list, one for the contexts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, contains_eager

from peerreview import access
from peerreview.accounts.models import User
from peerreview.definitief.services import visible_scopes
from peerreview.network.context import ContextFilter, GemeenteContext, contexts
from peerreview.network.models import Audience
from peerreview.portret import skeleton as skeletons
from peerreview.portret.models import Portret, PortretVersion
from peerreview.rounds.models import Visitatie, VisitatieState

DEFINITIEF = "definitief"
CONCEPT = "concept"
STATES = {DEFINITIEF: "Definitief", CONCEPT: "Concept"}
MAX_COMPARED = 3


@dataclass(frozen=True)
class Entry:
    visitatie_id: int
    portret_id: int
    round_id: int
    round_name: str
    round_starts_on: date
    state: str  # definitief | concept
    visitatie_state: VisitatieState
    publication: str  # the publication's label, or "" for a concept
    motto: str | None  # None: not shown to this reader
    adopted_at: datetime | None
    url: str | None  # where this reader opens it, or None
    context: GemeenteContext

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def concept(self) -> bool:
        return self.state == CONCEPT


def _user(user: Any) -> User | None:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _open_url(user: User | None, portret: Portret, published: bool) -> str | None:
    from flask import url_for

    if published:
        return url_for("definitief.show", slug=portret.visitatie.gemeente.slug, visitatie_id=portret.visitatie_id)
    if user is not None and access.allowed(user, "portret.read", portret):
        return url_for("portret.show", visitatie_id=portret.visitatie_id)
    return None


def entries(session: Session, user: Any) -> list[Entry]:
    """Every portret ``user`` may see in the library, in no particular order (the page sorts)."""
    reader = _user(user)
    scopes = visible_scopes(reader)
    concept = Audience.CONCEPT in access.audiences(reader)
    published = and_(Portret.adopted_version.is_not(None), Portret.publication.in_(scopes))
    visible = published
    if concept:
        released = or_(Visitatie.annotations_released_at.is_not(None), Portret.released_version.is_not(None))
        visible = or_(published, and_(Portret.adopted_version.is_(None), released))
    shown_version = PortretVersion.number == Portret.adopted_version
    if concept:
        shown_version = or_(
            shown_version, and_(Portret.adopted_version.is_(None), PortretVersion.number == Portret.released_version)
        )
    rows = session.execute(
        select(Portret, PortretVersion.content["motto"].as_string())
        .join(Portret.visitatie)
        .join(Visitatie.round)
        .join(Visitatie.gemeente)
        .outerjoin(PortretVersion, (PortretVersion.portret_id == Portret.id) & shown_version)
        .options(contains_eager(Portret.visitatie).contains_eager(Visitatie.round))
        .options(contains_eager(Portret.visitatie).contains_eager(Visitatie.gemeente))
        .where(visible)
    ).all()
    if reader is not None and concept:
        _remember_assignments(session, reader, [p.visitatie for p, _m in rows])
    found = contexts(session, {p.gemeente_id for p, _m in rows})
    result = []
    for portret, motto in rows:
        is_published = portret.adopted_version is not None and portret.publication in scopes
        url = _open_url(reader, portret, is_published)
        visitatie = portret.visitatie
        result.append(
            Entry(
                visitatie_id=portret.visitatie_id,
                portret_id=portret.id,
                round_id=visitatie.round_id,
                round_name=visitatie.round.name,
                round_starts_on=visitatie.round.starts_on,
                state=DEFINITIEF if is_published else CONCEPT,
                visitatie_state=visitatie.state,
                publication=portret.publication.label if is_published else "",
                motto=(motto or "") if (is_published or url) else None,
                adopted_at=portret.adopted_at if is_published else None,
                url=url,
                context=found[portret.gemeente_id],
            )
        )
    return result


def _remember_assignments(session: Session, user: User, visitaties: Iterable[Visitatie]) -> None:
    """The reader's review assignments in one query, for the ``portret.read`` checks of the concept rows."""
    from peerreview.review.models import ReviewAssignment

    mine = session.scalars(select(ReviewAssignment).where(ReviewAssignment.user_id == user.id)).all()
    access.remember_assignments(user, mine, visitaties)


# --- filter and sort -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str


COLUMNS = (
    Column("gemeente", "Gemeente"),
    Column("motto", "Motto"),
    Column("ronde", "Ronde"),
    Column("status", "Status"),
    Column("provincie", "Provincie"),
    Column("jeugdregio", "Jeugdregio"),
    Column("grootteklasse", "Grootteklasse"),
    Column("stedelijkheid", "Stedelijkheid"),
    Column("ses", "SES-deciel"),
)
_LAST = (1, "")  # empty values sort last in either direction


def _sort_value(entry: Entry, key: str) -> tuple[Any, ...]:
    ctx = entry.context
    if key == "motto":
        return (0, entry.motto.casefold()) if entry.motto else _LAST
    if key == "ronde":
        return (0, entry.round_starts_on, entry.round_name)
    if key == "status":
        return (0, entry.state)
    if key == "provincie":
        return (0, ctx.province.casefold())
    if key == "jeugdregio":
        return (0, ctx.jeugdregio.casefold()) if ctx.jeugdregio else _LAST
    if key == "grootteklasse":
        from peerreview.network.context import SORT_KEYS

        return (0, SORT_KEYS["size_class"](ctx.size_class)) if ctx.size_class else _LAST
    if key == "stedelijkheid":
        return (0, ctx.urbanisation_class) if ctx.urbanisation_class else _LAST
    if key == "ses":
        return (0, ctx.ses_decile) if ctx.ses_decile is not None else _LAST
    return (0, ctx.name.casefold())


@dataclass(frozen=True)
class Query:
    """What the library page shows: the context filter, a round and a state, and the sort order."""

    context: ContextFilter
    round_id: int | None
    state: str | None
    sort: str
    descending: bool

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> Query:
        round_raw = str(args.get("ronde") or "")
        state = str(args.get("status") or "")
        sort = str(args.get("sorteer") or "gemeente")
        return cls(
            context=ContextFilter.from_args(args),
            round_id=int(round_raw) if round_raw.isdigit() and len(round_raw) < 10 else None,
            state=state if state in STATES else None,
            sort=sort if sort in {c.key for c in COLUMNS} else "gemeente",
            descending=args.get("richting") == "af",
        )

    def matches(self, entry: Entry) -> bool:
        return (
            self.context.matches(entry.context)
            and (self.round_id is None or entry.round_id == self.round_id)
            and (self.state is None or entry.state == self.state)
        )

    def apply(self, items: Iterable[Entry]) -> list[Entry]:
        chosen = [e for e in items if self.matches(e)]
        # a stable tie-break (gemeente, round) first, then the column; empty values last either way
        chosen.sort(key=lambda e: (e.context.name.casefold(), e.round_starts_on))
        filled = [e for e in chosen if _sort_value(e, self.sort)[0] == 0]
        empty = [e for e in chosen if _sort_value(e, self.sort)[0] != 0]
        filled.sort(key=lambda e: _sort_value(e, self.sort), reverse=self.descending)
        return filled + empty

    def args(self, **changes: Any) -> dict[str, Any]:
        """The GET parameters of this query, with ``changes`` (``None`` drops one)."""
        values: dict[str, Any] = {
            **self.context.as_args(),
            "ronde": self.round_id,
            "status": self.state,
            "sorteer": self.sort if self.sort != "gemeente" else None,
            "richting": "af" if self.descending else None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v is not None}

    def sort_only(self) -> dict[str, Any]:
        """The sort order alone: kept as hidden fields when the filter form is sent."""
        return {k: v for k, v in self.args().items() if k in ("sorteer", "richting")}

    def sort_args(self, key: str) -> dict[str, Any]:
        """The link of a column heading: sort by it, or turn the direction when it is the current one."""
        descending = not self.descending if key == self.sort else False
        return self.args(sorteer=key if key != "gemeente" else None, richting="af" if descending else None)

    def aria_sort(self, key: str) -> str | None:
        if key != self.sort:
            return None
        return "descending" if self.descending else "ascending"


def rounds_of(items: Iterable[Entry]) -> list[tuple[int, str]]:
    seen = {(e.round_id, e.round_name, e.round_starts_on) for e in items}
    return [(i, name) for i, name, _start in sorted(seen, key=lambda r: (r[2], r[1]), reverse=True)]


def with_several_rounds(items: Iterable[Entry]) -> set[int]:
    """Gemeenten with more than one round in the list: their rounds can be put side by side."""
    count: dict[int, int] = {}
    for e in items:
        count[e.context.gemeente_id] = count.get(e.context.gemeente_id, 0) + 1
    return {g for g, n in count.items() if n > 1}


# --- side by side ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Compared:
    portret: Portret
    version: PortretVersion
    concept: bool
    url: str | None
    context: GemeenteContext

    @property
    def sections(self) -> dict[str, dict[str, Any]]:
        return {s["key"]: s for s in self.version.content.get("sections", [])}


@dataclass(frozen=True)
class Row:
    key: str
    title: str
    level: int
    cells: list[dict[str, Any] | None]  # per portret its section, or None where it has none


def readable(session: Session, user: Any, visitatie_id: int) -> Compared | None:
    """One portret for the comparison, as ``user`` may read it (None: not at all). Its published reader
    gets the adopted version; someone who may read the portret itself the version they read there."""
    from peerreview.portret import services as portret_services

    portret = session.scalar(select(Portret).where(Portret.visitatie_id == visitatie_id))
    if portret is None:
        return None
    reader = _user(user)
    published = access.allowed(user, "portret.published", portret)
    if published:
        number = portret.adopted_version
    elif reader is not None and access.allowed(reader, "portret.read", portret):
        team = access.allowed(reader, "portret.draft", portret.visitatie)
        number = portret.current_version if team else (portret.adopted_version or portret.released_version)
    else:
        return None
    version = portret_services.version(session, portret, number) if number else None
    if version is None:
        return None
    found = contexts(session, [portret.gemeente_id])
    return Compared(
        portret=portret,
        version=version,
        concept=not published,
        url=_open_url(reader, portret, published),
        context=found[portret.gemeente_id],
    )


def aligned(items: list[Compared]) -> list[Row]:
    """The sections of the portretten in the skeleton's order, one row per section key; a key only one
    portret has (an optional section) gets a row too, empty elsewhere. The title section (motto) is in
    the heading of each column, not a row."""
    order: list[str] = []
    levels: dict[str, int] = {}
    titles: dict[str, str] = {}
    for version_number in sorted({int(c.version.content.get("skeleton", 1)) for c in items}):
        for section in skeletons.load(version_number).sections:
            if section.key not in order:
                order.append(section.key)
                levels[section.key] = section.level
                titles[section.key] = section.heading("De gemeente")
    for c in items:
        for key, entry in c.sections.items():
            if key not in order:
                order.append(key)
                levels[key] = int(entry.get("level", 1))
                titles[key] = entry.get("title", key)
    rows = []
    for key in order:
        cells = [c.sections.get(key) for c in items]
        if all(cell is None or cell.get("kind") == "title" for cell in cells):
            continue
        if not any(cell and (cell.get("html") or cell.get("figures")) for cell in cells):
            continue
        rows.append(Row(key, titles[key], levels[key], cells))
    return rows


def gemeente_ids_with_portret(items: Iterable[Entry]) -> set[int]:
    return {e.context.gemeente_id for e in items if not e.concept}
