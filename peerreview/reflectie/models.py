"""The gemeente's response to its concept portret (the reflectie): comments by its coordinator, its
members and partner organisations (through a personal link), and the review team's answer to each.

A comment on a passage points into the plain text of one portret version with the same W3C selectors
as the reviewers' annotations (TextQuoteSelector ``exact``/``prefix``/``suffix`` and
TextPositionSelector ``start``/``end``); when the team saves a new version the selectors move along
(``anchors.on_version_stored``). The answer lives on the comment itself: there is exactly one per comment.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.accounts.models import User
from peerreview.db import Base, TenantOwned, tenant_reference, utcnow
from peerreview.review.models import AnchorStatus


class CommentKind(enum.StrEnum):
    FEITELIJKE_ONJUISTHEID = "feitelijke_onjuistheid"
    NIET_HERKENBAAR = "niet_herkenbaar"
    DEELS_HERKENBAAR = "deels_herkenbaar"
    AANVULLING = "aanvulling"
    NUANCE = "nuance"
    LES = "les"
    VERBETERPUNT = "verbeterpunt"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def takes_theme(self) -> bool:
        return self in (CommentKind.LES, CommentKind.VERBETERPUNT)


KIND_LABELS = {
    CommentKind.FEITELIJKE_ONJUISTHEID: "Feitelijke onjuistheid",
    CommentKind.NIET_HERKENBAAR: "Niet herkenbaar",
    CommentKind.DEELS_HERKENBAAR: "Deels herkenbaar",
    CommentKind.AANVULLING: "Aanvulling",
    CommentKind.NUANCE: "Nuance of toon",
    CommentKind.LES: "Belangrijkste les voor andere gemeenten",
    CommentKind.VERBETERPUNT: "Eigen verbeterpunt",
}


class Decision(enum.StrEnum):
    VERWERKT = "verwerkt"
    DEELS_VERWERKT = "deels_verwerkt"
    NIET_VERWERKT = "niet_verwerkt"

    @property
    def label(self) -> str:
        return {"verwerkt": "Verwerkt", "deels_verwerkt": "Deels verwerkt", "niet_verwerkt": "Niet verwerkt"}[
            self.value
        ]


class GuestLink(TenantOwned, Base):
    """A personal link for someone of a partner organisation: no account, only this portret's released
    concept and the commenting, until it expires or the coordinator revokes it. Only the hash is stored."""

    __tablename__ = "reflectie_guest_link"
    __extra_table_args__ = (tenant_reference("portret_id", "portret"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    portret_id: Mapped[int] = mapped_column(index=True)
    role: Mapped[str] = mapped_column(sa.String(120))
    organisation: Mapped[str] = mapped_column(sa.String(200))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def label(self) -> str:
        return f"{self.role}, {self.organisation}"


class Comment(TenantOwned, Base):
    __tablename__ = "reflectie_comment"
    __extra_table_args__ = (
        tenant_reference("portret_id", "portret"),
        tenant_reference("guest_link_id", "reflectie_guest_link"),
        tenant_reference("merged_into_id", "reflectie_comment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    portret_id: Mapped[int] = mapped_column(index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    guest_link_id: Mapped[int | None]  # written through a personal link (then no author)
    kind: Mapped[CommentKind]
    body: Mapped[str] = mapped_column(sa.Text)
    correction: Mapped[str] = mapped_column(sa.Text, default="")  # feitelijke onjuistheid: the correct text
    source: Mapped[str] = mapped_column(sa.String(500), default="")  # where the correct fact can be checked
    theme: Mapped[str | None] = mapped_column(sa.String(4))  # les / verbeterpunt: T1..T12
    # Where: no section = the whole portret; a section without quote = that section; else a passage.
    section_key: Mapped[str | None] = mapped_column(sa.String(80))
    version_number: Mapped[int]  # the portret version the selectors point into (moves on re-anchoring)
    exact: Mapped[str | None] = mapped_column(sa.Text)
    prefix: Mapped[str] = mapped_column(sa.String(64), default="")
    suffix: Mapped[str] = mapped_column(sa.String(64), default="")
    start: Mapped[int | None]
    end: Mapped[int | None]
    anchor_status: Mapped[AnchorStatus] = mapped_column(default=AnchorStatus.ANCHORED)
    original_exact: Mapped[str | None] = mapped_column(sa.Text)
    merged_into_id: Mapped[int | None]  # the coordinator merged this duplicate into another comment
    sent_at: Mapped[datetime | None]  # part of the gemeente's response: from then on the team sees it
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The team's answer.
    decision: Mapped[Decision | None]
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    changed_version: Mapped[int | None]  # verwerkt: the version in which the portret changed
    changed_section: Mapped[str | None] = mapped_column(sa.String(80))
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]

    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id], lazy="joined")
    guest_link: Mapped[GuestLink | None] = relationship(
        primaryjoin="and_(GuestLink.id == foreign(Comment.guest_link_id), "
        "GuestLink.gemeente_id == Comment.gemeente_id)",
        lazy="joined",
        viewonly=True,
    )

    @property
    def by(self) -> str:
        if self.guest_link is not None:
            return self.guest_link.label
        return self.author.name if self.author else "Onbekend"

    @property
    def passage(self) -> str | None:
        """The quoted passage as it stands now, or as first quoted when it came loose."""
        return self.exact if self.exact is not None else self.original_exact
