"""Coding passages with lens codes, and reading the codes back (issue 11 item 8).

Every read joins the passage index and filters it by the reader's audiences in SQL, so a coding of a
passage that left the index (a withdrawn publication or consent) shows nowhere, and a coding never
reveals a passage its reader may not see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from peerreview.accounts.models import User
from peerreview.audit.services import record
from peerreview.network.lens_models import PassageCode
from peerreview.network.lenses import lenses, valid_pair
from peerreview.network.models import Audience, NetworkPassage
from peerreview.tenants.models import Gemeente

Pair = tuple[str, str]  # (lens, code)


def visible_passage(session: Session, key: str, audiences: Iterable[Audience]) -> NetworkPassage | None:
    """The passage with ``key`` if one of ``audiences`` may read it, else None."""
    return session.scalar(
        select(NetworkPassage).where(NetworkPassage.key == key, NetworkPassage.audience.in_(tuple(audiences)))
    )


def codes_of(session: Session, keys: Iterable[str]) -> dict[str, set[Pair]]:
    """The lens codes of each passage key (one query; only codes of the current vocabularies)."""
    keys = list(keys)
    result: dict[str, set[Pair]] = defaultdict(set)
    if not keys:
        return result
    rows = session.execute(
        select(PassageCode.passage_key, PassageCode.lens, PassageCode.code).where(PassageCode.passage_key.in_(keys))
    )
    for key, lens, code in rows:
        if valid_pair(lens, code):
            result[key].add((lens, code))
    return result


def codings_of(session: Session, key: str) -> list[PassageCode]:
    """The codings of one passage, with who applied them, in vocabulary order."""
    order = {
        (lens.key, c.key): i for i, (lens, c) in enumerate((lens, c) for lens in lenses().values() for c in lens.codes)
    }
    rows = session.scalars(select(PassageCode).where(PassageCode.passage_key == key)).all()
    return sorted((r for r in rows if (r.lens, r.code) in order), key=lambda r: order[(r.lens, r.code)])


def set_codes(
    session: Session,
    actor: User,
    passage: NetworkPassage,
    selected: Iterable[Pair],
    lens_keys: Iterable[str] | None = None,
) -> tuple[set[Pair], set[Pair]]:
    """Make the passage's codes of ``lens_keys`` (default: every lens) exactly ``selected``.

    Returns the pairs added and removed; logs one audit event when anything changed. Unknown pairs raise
    ValueError (the form offers only the vocabulary's codes)."""
    selected = set(selected)
    for lens, code in selected:
        if not valid_pair(lens, code):
            raise ValueError(f"unknown lens code {lens}:{code}")
    scope = set(lens_keys) if lens_keys is not None else set(lenses())
    if any(lens not in scope for lens, _ in selected):
        raise ValueError("a selected code lies outside the lenses being set")
    current = {
        (r.lens, r.code)
        for r in session.scalars(select(PassageCode).where(PassageCode.passage_key == passage.key))
        if r.lens in scope
    }
    added, removed = selected - current, current - selected
    for lens, code in sorted(removed):
        session.execute(
            delete(PassageCode).where(
                PassageCode.passage_key == passage.key, PassageCode.lens == lens, PassageCode.code == code
            )
        )
    for lens, code in sorted(added):
        session.add(
            PassageCode(
                gemeente_id=passage.gemeente_id, passage_key=passage.key, lens=lens, code=code, applied_by_id=actor.id
            )
        )
    if added or removed:
        record(
            session,
            "passage_codes_changed",
            actor=actor,
            gemeente_id=passage.gemeente_id,
            object_type="network_passage",
            object_id=passage.id,
            passage_key=passage.key,
            added=[f"{lens}:{code}" for lens, code in sorted(added)],
            removed=[f"{lens}:{code}" for lens, code in sorted(removed)],
        )
    session.flush()
    return added, removed


# --- the lens overview ------------------------------------------------------------------------------------


@dataclass
class CodeUse:
    """How one code of a lens is used in what the reader may see."""

    passages: int = 0
    gemeenten: list[Gemeente] = field(default_factory=list)


@dataclass
class LensOverview:
    uses: dict[str, CodeUse]  # code key -> use, in vocabulary order
    gemeenten: list[Gemeente]  # every gemeente with a visible coded passage, by name: the table's columns
    cells: dict[tuple[str, int], int]  # (code key, gemeente id) -> number of visible passages


def overview(session: Session, lens_key: str, audiences: Iterable[Audience]) -> LensOverview:
    """Per code of the lens: the number of visible passages carrying it and the gemeenten they come from.
    One grouped query, filtered by audience in SQL, plus one for the gemeenten's names."""
    rows = session.execute(
        select(PassageCode.code, NetworkPassage.gemeente_id, func.count(func.distinct(NetworkPassage.id)))
        .join(NetworkPassage, NetworkPassage.key == PassageCode.passage_key)
        .where(PassageCode.lens == lens_key, NetworkPassage.audience.in_(tuple(audiences)))
        .group_by(PassageCode.code, NetworkPassage.gemeente_id)
    ).all()
    uses = {c.key: CodeUse() for c in lenses()[lens_key].codes}
    rows = [row for row in rows if row[0] in uses]
    gemeente_ids = {gemeente_id for _, gemeente_id, _ in rows}
    gemeenten = (
        {g.id: g for g in session.scalars(select(Gemeente).where(Gemeente.id.in_(gemeente_ids)))}
        if gemeente_ids
        else {}
    )
    cells: dict[tuple[str, int], int] = {}
    for code, gemeente_id, count in rows:
        uses[code].passages += count
        uses[code].gemeenten.append(gemeenten[gemeente_id])
        cells[(code, gemeente_id)] = count
    for use in uses.values():
        use.gemeenten.sort(key=lambda g: g.name)
    return LensOverview(uses=uses, gemeenten=sorted(gemeenten.values(), key=lambda g: g.name), cells=cells)
