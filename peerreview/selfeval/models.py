"""The zelfevaluatie's rows. Everything here belongs to one gemeente and references its visitatie
(or another parent) together with the gemeente id, so cross-tenant references cannot exist."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from peerreview.accounts.models import User
from peerreview.db import Base, TenantOwned, tenant_reference, utcnow


class Answer(TenantOwned, Base):
    """The current value of one question (or one case field); ``revision`` counts the saves."""

    __tablename__ = "answer"
    __extra_table_args__ = (
        tenant_reference("visitatie_id", "visitatie"),
        sa.UniqueConstraint("visitatie_id", "question_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int]
    question_key: Mapped[str] = mapped_column(sa.String(80))
    revision: Mapped[int]
    value: Mapped[dict[str, Any]]
    plain: Mapped[str] = mapped_column(sa.Text)  # canonical plain text: length, search, annotations
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    updated_by: Mapped[User | None] = relationship(lazy="joined")


class AnswerRevision(TenantOwned, Base):
    """Every save of an answer, kept: history, diffs and (later) annotation anchors point here."""

    __tablename__ = "answer_revision"
    __extra_table_args__ = (
        tenant_reference("answer_id", "answer"),
        sa.UniqueConstraint("answer_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int]
    number: Mapped[int]
    value: Mapped[dict[str, Any]]
    plain: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")


class SectionAssignment(TenantOwned, Base):
    __tablename__ = "section_assignment"
    __extra_table_args__ = (
        tenant_reference("visitatie_id", "visitatie"),
        sa.UniqueConstraint("visitatie_id", "section_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int]
    section_key: Mapped[str] = mapped_column(sa.String(40))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))

    user: Mapped[User] = relationship(lazy="joined")


class SectionNote(TenantOwned, Base):
    """A note between colleagues about a section (plain text)."""

    __tablename__ = "section_note"
    __extra_table_args__ = (tenant_reference("visitatie_id", "visitatie"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int] = mapped_column(index=True)
    section_key: Mapped[str] = mapped_column(sa.String(40))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")


class DocumentStatus(enum.StrEnum):
    AANWEZIG = "aanwezig"
    NIET_AANWEZIG = "niet_aanwezig"
    NIET_RELEVANT = "niet_relevant"


class ChecklistItem(TenantOwned, Base):
    """The status of one item of the document checklist for this visitatie."""

    __tablename__ = "checklist_item"
    __extra_table_args__ = (
        tenant_reference("visitatie_id", "visitatie"),
        sa.UniqueConstraint("visitatie_id", "item_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int]
    item_key: Mapped[str] = mapped_column(sa.String(60))
    status: Mapped[DocumentStatus]


class Document(TenantOwned, Base):
    """An uploaded file, stored in the database (web instances keep nothing on disk)."""

    __tablename__ = "document"
    __extra_table_args__ = (tenant_reference("visitatie_id", "visitatie"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int] = mapped_column(index=True)
    item_key: Mapped[str | None] = mapped_column(sa.String(60))  # checklist item it belongs to
    section_keys: Mapped[list[Any]] = mapped_column(default=list)  # sections it is evidence for
    title: Mapped[str] = mapped_column(sa.String(200))
    filename: Mapped[str] = mapped_column(sa.String(160))
    filetype: Mapped[str] = mapped_column(sa.String(8))
    mimetype: Mapped[str] = mapped_column(sa.String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    uploaded_by: Mapped[User | None] = relationship(lazy="joined")


class Casus(TenantOwned, Base):
    """A plusversie case. Its texts are answers with keys ``casus<id>_<field>``; withdrawing consent
    deletes them and keeps only the pseudonym and the fact of the withdrawal. Consent may come from more
    than one person (a mother and her son): one :class:`CasusConsent` each; one withdrawal ends the case."""

    __tablename__ = "casus"
    __extra_table_args__ = (tenant_reference("visitatie_id", "visitatie"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int] = mapped_column(index=True)
    pseudonym: Mapped[str] = mapped_column(sa.String(80))
    consent_scope: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    consent_withdrawn_by: Mapped[str | None] = mapped_column(sa.String(20))  # who withdrew: a given_by value
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))  # recorded it

    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id], lazy="joined")
    consents: Mapped[list[CasusConsent]] = relationship(
        order_by="CasusConsent.id",
        lazy="selectin",
        primaryjoin="and_(Casus.id == CasusConsent.casus_id, Casus.gemeente_id == CasusConsent.gemeente_id)",
        viewonly=True,
    )

    def field_key(self, field: str) -> str:
        return f"casus{self.id}_{field}"


class CasusConsent(TenantOwned, Base):
    """One person's consent for a case: who gave it (a role, never a name), when, how it was recorded,
    and who recorded it when."""

    __tablename__ = "casus_consent"
    __extra_table_args__ = (tenant_reference("casus_id", "casus", ondelete="CASCADE"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    casus_id: Mapped[int] = mapped_column(index=True)
    given_by: Mapped[str] = mapped_column(sa.String(20))
    given_on: Mapped[date]
    recorded_how: Mapped[str] = mapped_column(sa.String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    recorded_by: Mapped[User | None] = relationship(lazy="joined")


class PrivacyClearance(TenantOwned, Base):
    """The coordinator's decision that a flagged passage is not personal data."""

    __tablename__ = "privacy_clearance"
    __extra_table_args__ = (
        tenant_reference("visitatie_id", "visitatie"),
        sa.UniqueConstraint("visitatie_id", "question_key", "kind", "text_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int]
    question_key: Mapped[str] = mapped_column(sa.String(80))
    kind: Mapped[str] = mapped_column(sa.String(30))
    text_hash: Mapped[str] = mapped_column(sa.String(64))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class Submission(TenantOwned, Base):
    """An immutable snapshot of the submitted zelfevaluatie; a later submission is a new number."""

    __tablename__ = "submission"
    __extra_table_args__ = (
        tenant_reference("visitatie_id", "visitatie"),
        sa.UniqueConstraint("visitatie_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int]
    number: Mapped[int]
    snapshot: Mapped[dict[str, Any]]
    checksum: Mapped[str] = mapped_column(sa.String(64))  # sha256 of the canonical JSON snapshot
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    reopened_at: Mapped[datetime | None]
    reopened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reopen_reason: Mapped[str | None] = mapped_column(sa.Text)
    pdf: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    pdf_checksum: Mapped[str | None] = mapped_column(sa.String(64))  # the snapshot checksum the PDF was made from

    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id], lazy="joined")
