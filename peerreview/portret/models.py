"""The gemeenteportret: a document of versions. Every saved state is an immutable ``PortretVersion``
(its content as JSON, with the provenance of every generated paragraph); the ``Portret`` row holds
the number of the current version, the state of the draft generation and what was released."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from peerreview.accounts.models import User
from peerreview.db import Base, TenantOwned, tenant_reference, utcnow

if TYPE_CHECKING:
    from peerreview.rounds.models import Visitatie


class GenerationStatus(enum.StrEnum):
    IDLE = "idle"
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Publication(enum.StrEnum):
    """Who may read the adopted portret, chosen by the gemeente's coordinator (opt-in, revocable)."""

    GEMEENTE = "gemeente"  # alleen de gemeente (and its review team and round staff)
    NETWERK = "netwerk"  # every logged-in participant of the network
    OPENBAAR = "openbaar"  # anyone, without an account

    @property
    def label(self) -> str:
        return {"gemeente": "Alleen de gemeente", "netwerk": "Het netwerk", "openbaar": "Openbaar"}[self.value]


class VersionKind(enum.StrEnum):
    CONCEPT = "concept"  # a working or released draft
    DEFINITIEF = "definitief"  # the version the gemeente adopted
    ERRATUM = "erratum"  # a numbered correction of the definitive portret, with its reason


class Portret(TenantOwned, Base):
    __tablename__ = "portret"
    __extra_table_args__ = (tenant_reference("visitatie_id", "visitatie"), sa.UniqueConstraint("visitatie_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int]
    skeleton_version: Mapped[int]
    current_version: Mapped[int] = mapped_column(default=0)  # 0: nothing generated yet
    # Draft generation: a request counter makes the job idempotent; progress is shown while it runs.
    generation_requested: Mapped[int] = mapped_column(default=0)
    generation_done: Mapped[int] = mapped_column(default=0)
    generation_status: Mapped[GenerationStatus] = mapped_column(default=GenerationStatus.IDLE)
    generation_progress: Mapped[int] = mapped_column(default=0)  # percent
    generation_step: Mapped[str] = mapped_column(sa.String(200), default="")
    generation_error: Mapped[str] = mapped_column(sa.Text, default="")
    # What the gemeente may read: the version the review team released (None: not released).
    released_version: Mapped[int | None]
    released_at: Mapped[datetime | None]
    released_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # The reflectie: the gemeente may comment on the released concept until this moment (set by the team).
    feedback_deadline: Mapped[datetime | None]
    # Definitief in two steps: the team lead proposes a version, the gemeente's coordinator adopts it.
    proposed_version: Mapped[int | None]
    proposed_at: Mapped[datetime | None]
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    adopted_version: Mapped[int | None]  # the definitive version (an erratum moves it to the new number)
    adopted_at: Mapped[datetime | None]
    adopted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # Publication after adoption; withdrawing sets it back to GEMEENTE and records when.
    publication: Mapped[Publication] = mapped_column(
        default=Publication.GEMEENTE, server_default="gemeente", index=True
    )
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    publication_withdrawn_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    visitatie: Mapped[Visitatie] = relationship(
        primaryjoin="and_(Visitatie.id == foreign(Portret.visitatie_id), Visitatie.gemeente_id == Portret.gemeente_id)",
        lazy="joined",
        viewonly=True,
    )


class PortretVersion(TenantOwned, Base):
    """One saved state of the portret, never changed afterwards (only its PDF is added)."""

    __tablename__ = "portret_version"
    __extra_table_args__ = (
        tenant_reference("portret_id", "portret"),
        sa.UniqueConstraint("portret_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    portret_id: Mapped[int]
    number: Mapped[int]
    # 60-140 KB of JSON: loaded when read (``services.version`` loads it with the row), not with every list
    content: Mapped[dict[str, Any]] = mapped_column(deferred=True)
    checksum: Mapped[str] = mapped_column(sa.String(64))  # sha256 of the canonical JSON content
    note: Mapped[str] = mapped_column(sa.String(200), default="")  # "Concept gegenereerd", "Visie bewerkt"
    kind: Mapped[VersionKind] = mapped_column(default=VersionKind.CONCEPT, server_default="concept")
    erratum_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default=sa.text("''"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    pdf: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    pdf_checksum: Mapped[str | None] = mapped_column(sa.String(64))  # the content checksum the PDF was made from
    pdf_requested_at: Mapped[datetime | None]

    author: Mapped[User | None] = relationship(lazy="joined")
