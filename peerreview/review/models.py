"""Review rows. They belong to the reviewed gemeente (its ``gemeente_id``) and reference its
visitatie with that id, like every tenant-owned row; reviewers are users of other gemeenten."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.accounts.models import User
from peerreview.db import Base, TenantOwned, tenant_reference, utcnow


class TeamRole(enum.StrEnum):
    LEAD = "lead"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return "Teamleider" if self is TeamRole.LEAD else "Reviewer"


class ReviewAssignment(TenantOwned, Base):
    """A reviewer on the review team of one visitatie, with the no-conflict declaration."""

    __tablename__ = "review_assignment"
    __extra_table_args__ = (
        tenant_reference("visitatie_id", "visitatie"),
        sa.UniqueConstraint("visitatie_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[TeamRole]
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    declared_at: Mapped[datetime | None]  # "I have no conflict of interest", before seeing anything

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")


class AnnotationKind(enum.StrEnum):
    STERKTE = "sterkte"
    ONTWIKKELPUNT = "ontwikkelpunt"
    VRAAG = "vraag"
    ONTBREKEND_BEWIJS = "ontbrekend_bewijs"


class AnchorStatus(enum.StrEnum):
    ANCHORED = "anchored"
    MOVED = "moved"
    DETACHED = "detached"


class Annotation(TenantOwned, Base):
    """A reviewer's remark on a passage of a submitted answer (W3C Web Annotation selectors against the
    plain text of that submission), on a whole answer, or on a document."""

    __tablename__ = "annotation"
    __extra_table_args__ = (
        tenant_reference("visitatie_id", "visitatie"),
        tenant_reference("submission_id", "submission"),
        sa.Index("ix_annotation_visitatie_question", "visitatie_id", "question_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int]
    submission_id: Mapped[int]  # the snapshot the selectors point into (updated when re-anchored)
    question_key: Mapped[str | None] = mapped_column(sa.String(80))  # None: the annotation is on a document
    document_id: Mapped[int | None]  # linked or annotated document (no FK: documents may be replaced)
    exact: Mapped[str | None] = mapped_column(sa.Text)  # TextQuoteSelector; None = the whole answer
    prefix: Mapped[str] = mapped_column(sa.String(64), default="")
    suffix: Mapped[str] = mapped_column(sa.String(64), default="")
    start: Mapped[int | None]  # TextPositionSelector
    end: Mapped[int | None]
    anchor_status: Mapped[AnchorStatus] = mapped_column(default=AnchorStatus.ANCHORED)
    original_exact: Mapped[str | None] = mapped_column(sa.Text)  # the quote as first made, for detached ones
    themes: Mapped[list[Any]] = mapped_column(default=list)  # theme codes, e.g. ["T3", "T6"]
    kind: Mapped[AnnotationKind]
    body: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")
    replies: Mapped[list[AnnotationReply]] = relationship(
        back_populates="annotation",
        order_by="AnnotationReply.created_at",
        cascade="all, delete-orphan",
        lazy="selectin",
        primaryjoin="and_(Annotation.id == foreign(AnnotationReply.annotation_id), "
        "Annotation.gemeente_id == AnnotationReply.gemeente_id)",
    )


class AnnotationReply(TenantOwned, Base):
    __tablename__ = "annotation_reply"
    __extra_table_args__ = (tenant_reference("annotation_id", "annotation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    annotation_id: Mapped[int] = mapped_column(index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")
    annotation: Mapped[Annotation] = relationship(
        back_populates="replies",
        primaryjoin="and_(Annotation.id == foreign(AnnotationReply.annotation_id), "
        "Annotation.gemeente_id == AnnotationReply.gemeente_id)",
    )


class ThemeSummary(TenantOwned, Base):
    """The review team's short summary per theme, with a formative judgement — never a score."""

    __tablename__ = "theme_summary"
    __extra_table_args__ = (
        tenant_reference("visitatie_id", "visitatie"),
        sa.UniqueConstraint("visitatie_id", "theme_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int]
    theme_code: Mapped[str] = mapped_column(sa.String(4))
    judgement: Mapped[str | None] = mapped_column(
        sa.String(24)
    )  # duidelijk_aanwezig | in_ontwikkeling | nog_niet_zichtbaar
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    revision: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    updated_by: Mapped[User | None] = relationship(lazy="joined")


class VisitQuestion(TenantOwned, Base):
    """A question on the gespreksleidraad for the visit, from a "vraag" annotation or a review prompt."""

    __tablename__ = "visit_question"
    __extra_table_args__ = (tenant_reference("visitatie_id", "visitatie"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int] = mapped_column(index=True)
    theme_code: Mapped[str | None] = mapped_column(sa.String(4))
    text: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(sa.String(40), default="")  # "annotation:<id>", "prompt:<key>" or ""
