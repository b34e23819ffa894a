"""What gemeenten work on by theme, and how far they got (issue 12, item 6): for analysts and round
coordinators, beside the network's theme matrix.

Counts of parts per status per theme (a part counts for every theme of its action line), over all
agendas; then one row per agenda. An agenda its gemeente did not publish (``Agenda.published``) is shown
anonymised: "Gemeente A", "Gemeente B"... in an order that says nothing about the gemeente (a keyed hash
of the agenda's id, not its name or age), with counts only: no name, no province, no texts. A published
agenda shows the gemeente's name and its action lines' titles per theme. With fewer than
``MIN_ANONYMOUS`` unpublished agendas their rows are left out (they would be too easy to recognise); the
totals still count them.
"""

from __future__ import annotations

import hashlib
import hmac
import string
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from peerreview.agenda.models import ActionLine, Agenda, PartStatus
from peerreview.agenda.reports import STATUS_ORDER
from peerreview.review.themes import themes
from peerreview.tenants.models import Gemeente

MIN_ANONYMOUS = 3


@dataclass
class ThemeRow:
    code: str
    label: str
    counts: Counter[PartStatus]
    gemeenten: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class AgendaRow:
    label: str  # the gemeente's name, or "Gemeente A"
    published: bool
    counts: dict[str, Counter[PartStatus]]  # theme -> status -> parts
    titles: dict[str, list[str]] = field(default_factory=dict)  # theme -> action line titles (published only)

    @property
    def total(self) -> int:
        return sum(sum(c.values()) for c in self.counts.values()) if self.counts else 0


@dataclass
class Overview:
    themes: list[ThemeRow]
    published: list[AgendaRow]
    anonymous: list[AgendaRow]
    hidden_anonymous: int  # unpublished agendas counted in the totals but not shown as rows
    statuses: tuple[PartStatus, ...] = STATUS_ORDER


def _letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = string.ascii_uppercase[rest] + out
    return out


def _order_key(agenda_id: int) -> str:
    key = str(current_app.config.get("SECRET_KEY") or "agenda").encode()
    return hmac.new(key, f"agenda:{agenda_id}".encode(), hashlib.sha256).hexdigest()


def overview(session: Session) -> Overview:
    agendas = list(
        session.scalars(
            select(Agenda).options(selectinload(Agenda.action_lines).selectinload(ActionLine.parts)).order_by(Agenda.id)
        )
    )
    names: dict[int, str] = {}
    if agendas:
        found = session.execute(
            select(Gemeente.id, Gemeente.name).where(Gemeente.id.in_({a.gemeente_id for a in agendas}))
        )
        names = {gemeente_id: name for gemeente_id, name in found}
    labels = themes()
    per_theme: dict[str, Counter[PartStatus]] = defaultdict(Counter)
    gemeenten_per_theme: dict[str, set[int]] = defaultdict(set)
    rows: list[tuple[Agenda, AgendaRow]] = []
    for agenda in agendas:
        counts: dict[str, Counter[PartStatus]] = defaultdict(Counter)
        titles: dict[str, list[str]] = defaultdict(list)
        for line in agenda.action_lines:
            for code in line.themes or []:
                if code not in labels:
                    continue
                titles[code].append(line.title)
                gemeenten_per_theme[code].add(agenda.gemeente_id)
                for part in line.parts:
                    counts[code][part.status] += 1
                    per_theme[code][part.status] += 1
        row = AgendaRow(
            label=names.get(agenda.gemeente_id, "") if agenda.published else "",
            published=agenda.published,
            counts=dict(counts),
            titles=dict(titles) if agenda.published else {},
        )
        rows.append((agenda, row))
    published = sorted((row for agenda, row in rows if agenda.published), key=lambda r: r.label)
    hidden = sorted((pair for pair in rows if not pair[0].published), key=lambda pair: _order_key(pair[0].id))
    anonymous = []
    for n, (_, row) in enumerate(hidden):
        row.label = f"Gemeente {_letters(n)}"
        anonymous.append(row)
    shown_anonymous = anonymous if len(anonymous) >= MIN_ANONYMOUS else []
    return Overview(
        themes=[
            ThemeRow(code, theme.short, per_theme.get(code, Counter()), len(gemeenten_per_theme.get(code, ())))
            for code, theme in labels.items()
        ],
        published=published,
        anonymous=shown_anonymous,
        hidden_anonymous=len(anonymous) - len(shown_anonymous),
    )
