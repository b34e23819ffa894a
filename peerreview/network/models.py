"""The network's passage index: what the national network may read of each visitatie, one row per passage.

``NetworkPassage`` is derived data, rebuilt per visitatie by ``peerreview.network.indexer`` from the source
tables (theme summaries and released annotations of the review, sections of the adopted portret, lessons
and improvement points of the reflectiesessie). Every row carries its ``audience``: who in the network may
read it (``peerreview.access.audiences``). The screens filter by audience in SQL, never after the query.
Case texts and visit notes are never network material: nothing here is copied from them.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.db import Base, utcnow


class Audience(enum.StrEnum):
    OPENBAAR = "openbaar"  # the portret is published openbaar: anyone, also without an account
    NETWERK = "netwerk"  # published to the network: every participant
    # Released review material (theme summaries, strengths/development points) of a visitatie whose
    # portret is not (yet) definitive and published: analysts and round coordinators only, marked *concept*.
    CONCEPT = "concept"

    @property
    def label(self) -> str:
        return {"openbaar": "Openbaar", "netwerk": "Netwerk", "concept": "Concept"}[self.value]


class PassageKind(enum.StrEnum):
    SECTIE = "sectie"  # a section of the published definitive portret
    SAMENVATTING = "samenvatting"  # the team's theme summary; carries the formative judgement
    STERKTE = "sterkte"  # a released annotation of kind sterkte
    ONTWIKKELPUNT = "ontwikkelpunt"  # a released annotation of kind ontwikkelpunt
    LES = "les"  # a most important lesson from the reflectiesessie
    VERBETERPUNT = "verbeterpunt"  # one of the gemeente's own improvement points

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    PassageKind.SECTIE: "Portretsectie",
    PassageKind.SAMENVATTING: "Samenvatting van het team",
    PassageKind.STERKTE: "Sterkte",
    PassageKind.ONTWIKKELPUNT: "Ontwikkelpunt",
    PassageKind.LES: "Les",
    PassageKind.VERBETERPUNT: "Verbeterpunt",
}


class NetworkPassage(Base):
    """One passage the network may read, with its audience. Not tenant-owned data: a rebuildable index."""

    __tablename__ = "network_passage"
    __table_args__ = (sa.Index("ix_network_passage_audience_gemeente", "audience", "gemeente_id", "round_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "annotation:12", "summary:5", "lesson:3", "improvement:4", "section:<version_id>:<section_key>"
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[PassageKind]
    audience: Mapped[Audience]
    visitatie_id: Mapped[int] = mapped_column(sa.ForeignKey("visitatie.id", ondelete="CASCADE"), index=True)
    gemeente_id: Mapped[int] = mapped_column(sa.ForeignKey("gemeente.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"))
    portret_id: Mapped[int | None] = mapped_column(sa.ForeignKey("portret.id", ondelete="SET NULL"))
    section_key: Mapped[str | None] = mapped_column(sa.String(80))  # where it sits in the portret
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    text: Mapped[str] = mapped_column(sa.Text, default="")  # plain text
    judgement: Mapped[str | None] = mapped_column(sa.String(80))  # summaries: the team's formative judgement
    indexed_at: Mapped[datetime] = mapped_column(default=utcnow)

    theme_rows: Mapped[list[NetworkPassageTheme]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )

    @property
    def themes(self) -> list[str]:
        return sorted((t.theme for t in self.theme_rows), key=lambda code: int(code[1:]))


class NetworkPassageTheme(Base):
    """A theme (T1..T12) a passage is about; a passage can touch several."""

    __tablename__ = "network_passage_theme"

    passage_id: Mapped[int] = mapped_column(sa.ForeignKey("network_passage.id", ondelete="CASCADE"), primary_key=True)
    theme: Mapped[str] = mapped_column(sa.String(3), primary_key=True, index=True)


class NetworkCell(Base):
    """Per visitatie, theme and audience: how many passages of each counted kind the index holds, and the
    team's judgement. Kept by the indexer next to the passages (same rebuild), so the theme matrix
    aggregates a dozen rows per visitatie instead of every passage with its themes."""

    __tablename__ = "network_cell"
    __table_args__ = (sa.Index("ix_network_cell_audience_gemeente", "audience", "gemeente_id", "round_id"),)

    visitatie_id: Mapped[int] = mapped_column(sa.ForeignKey("visitatie.id", ondelete="CASCADE"), primary_key=True)
    theme: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    audience: Mapped[Audience] = mapped_column(primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(sa.ForeignKey("gemeente.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"))
    summaries: Mapped[int] = mapped_column(default=0)
    strengths: Mapped[int] = mapped_column(default=0)
    points: Mapped[int] = mapped_column(default=0)
    lessons: Mapped[int] = mapped_column(default=0)
    improvements: Mapped[int] = mapped_column(default=0)
    judgement: Mapped[str | None] = mapped_column(sa.String(80))


class NetworkIndexVersion(Base):
    """One row: a random stamp the indexer and the search's refresh replace with every write (in the
    writing transaction). Whatever is computed from the index (the matrix's cells, the search's counts and
    pages) may be kept per process under this stamp (``peerreview.network.cache``). Random, not a counter:
    a rolled-back rebuild never hands its number to a different index."""

    __tablename__ = "network_index_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    stamp: Mapped[int] = mapped_column(sa.BigInteger, default=0)
