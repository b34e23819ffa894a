"""Rode draden (issue 11 item 6): patterns across gemeenten that network analysts write down with their
evidence, check with the gemeenten concerned, and settle for the network report.

A ``Thread`` is network data (not one gemeente's): a statement ("Gemeenten die …"), a description
(sanitised rich text), the themes it touches and its state *concept → ter toetsing → vastgesteld*.
Every save of its text or evidence set stores a ``ThreadVersion`` (number, author, time, snapshot).

``ThreadEvidence`` is a quote selected in a passage of the network's passage index (``network_passage``)
with W3C Web Annotation selectors (TextQuoteSelector: exact, prefix, suffix; TextPositionSelector: start,
end). It keeps a snapshot of where it came from (gemeente, kind, round, title, section), but its text is
shown only while its passage is still in the index: a withdrawn publication or consent removes the
passage and the evidence is then *niet meer beschikbaar* and no longer counted.

``ThreadResponse`` is one gemeente's answer while the thread is *ter toetsing*: *herkennen wij* or
*herkennen wij niet*, with a remark; one per gemeente, editable until the thread is settled.

``NetworkReport`` is a generated network report: a snapshot of the settled threads with their evidence,
the chosen figures and a theme count view, rendered as HTML and (in a background job) as tagged PDF.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from peerreview.accounts.models import User
from peerreview.db import Base, TenantOwned, utcnow
from peerreview.rounds.models import Round
from peerreview.tenants.models import Gemeente


class ThreadState(enum.StrEnum):
    CONCEPT = "concept"
    TER_TOETSING = "ter_toetsing"
    VASTGESTELD = "vastgesteld"

    @property
    def label(self) -> str:
        return {"concept": "Concept", "ter_toetsing": "Ter toetsing bij gemeenten", "vastgesteld": "Vastgesteld"}[
            self.value
        ]


class Stance(enum.StrEnum):
    """Whether a quote supports the thread or contradicts it (counter-evidence is kept apart)."""

    STEUN = "steun"
    TEGEN = "tegen"

    @property
    def label(self) -> str:
        return "Onderbouwing" if self is Stance.STEUN else "Tegenbewijs"


class Recognition(enum.StrEnum):
    HERKENNEN = "herkennen"
    NIET_HERKENNEN = "niet_herkennen"

    @property
    def label(self) -> str:
        return "Herkennen wij" if self is Recognition.HERKENNEN else "Herkennen wij niet"


class Thread(Base):
    __tablename__ = "network_thread"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement: Mapped[str] = mapped_column(sa.String(500))
    description: Mapped[str] = mapped_column(sa.Text, default="")  # sanitised HTML
    themes: Mapped[list[Any]] = mapped_column(default=list)  # T-codes
    state: Mapped[ThreadState] = mapped_column(default=ThreadState.CONCEPT, index=True)
    revision: Mapped[int] = mapped_column(default=1)  # the number of the latest version
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]  # sent ter toetsing (the last time)
    settled_at: Mapped[datetime | None]  # vastgesteld
    settled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id], lazy="joined")
    settled_by: Mapped[User | None] = relationship(foreign_keys=[settled_by_id], lazy="joined")
    evidence: Mapped[list[ThreadEvidence]] = relationship(
        back_populates="thread",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ThreadEvidence.id",
        lazy="selectin",
    )


class ThreadEvidence(Base):
    """A quote from a network passage, kept as a snapshot with its selectors and its provenance."""

    __tablename__ = "network_thread_evidence"
    __table_args__ = (sa.UniqueConstraint("thread_id", "passage_key", "start", "end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique constraint it leads
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("network_thread.id", ondelete="CASCADE"))
    stance: Mapped[Stance] = mapped_column(default=Stance.STEUN)
    passage_key: Mapped[str] = mapped_column(sa.String(120), index=True)  # network_passage.key
    # W3C selectors against the passage's plain text.
    exact: Mapped[str] = mapped_column(sa.Text)
    prefix: Mapped[str] = mapped_column(sa.String(64), default="")
    suffix: Mapped[str] = mapped_column(sa.String(64), default="")
    start: Mapped[int]
    end: Mapped[int]
    # Provenance, as it was when the quote was taken.
    gemeente_id: Mapped[int] = mapped_column(sa.ForeignKey("gemeente.id", ondelete="CASCADE"), index=True)
    visitatie_id: Mapped[int] = mapped_column(sa.ForeignKey("visitatie.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))  # PassageKind value
    audience: Mapped[str] = mapped_column(sa.String(20))  # Audience value when it was taken
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    section_key: Mapped[str | None] = mapped_column(sa.String(80))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    thread: Mapped[Thread] = relationship(back_populates="evidence")
    gemeente: Mapped[Gemeente] = relationship(lazy="joined")
    round: Mapped[Round] = relationship(lazy="joined")


class ThreadVersion(Base):
    """One saved state of a thread: its text and its evidence set, never changed afterwards."""

    __tablename__ = "network_thread_version"
    __table_args__ = (sa.UniqueConstraint("thread_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("network_thread.id", ondelete="CASCADE"))
    number: Mapped[int]
    statement: Mapped[str] = mapped_column(sa.String(500))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    themes: Mapped[list[Any]] = mapped_column(default=list)
    evidence: Mapped[list[Any]] = mapped_column(default=list)  # [{passage_key, stance, exact, gemeente}]
    note: Mapped[str] = mapped_column(sa.String(200), default="")  # "Tekst bewerkt", "Onderbouwing toegevoegd"
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")


class ThreadResponse(TenantOwned, Base):
    """A gemeente's answer to a thread ter toetsing: one per gemeente, editable until it is settled."""

    __tablename__ = "network_thread_response"
    __extra_table_args__ = (sa.UniqueConstraint("thread_id", "gemeente_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed by the unique constraint it leads
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("network_thread.id", ondelete="CASCADE"))
    recognition: Mapped[Recognition]
    remark: Mapped[str] = mapped_column(sa.Text, default="")  # plain text
    revision: Mapped[int] = mapped_column(default=1)
    responded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    gemeente: Mapped[Gemeente] = relationship(lazy="joined")
    responded_by: Mapped[User | None] = relationship(lazy="joined")


class NetworkReport(Base):
    """A generated network report: a snapshot (``content``) and its PDF, rendered in the background."""

    __tablename__ = "network_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    content: Mapped[dict[str, Any]]
    checksum: Mapped[str] = mapped_column(sa.String(64))  # sha256 of the canonical JSON content
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    pdf: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    pdf_checksum: Mapped[str | None] = mapped_column(sa.String(64))  # the content checksum the PDF was made from

    created_by: Mapped[User | None] = relationship(lazy="joined")
