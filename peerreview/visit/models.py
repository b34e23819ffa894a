"""The visit (visitatie): conversations the review team holds, the respondents by role, notes and quotes.

Respondents are recorded by role, organisation and domain group only: no names are needed, and
none are asked for. A quote is a passage of a conversation's notes, attributed to the role of a
respondent who agreed to be quoted.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.accounts.models import User
from peerreview.db import Base, TenantOwned, tenant_reference, utcnow


class RespondentGroup(enum.StrEnum):
    """The domain groups the respondent lists of the portretten use."""

    GEMEENTE = "gemeente"
    TOEGANG = "toegang"
    AANBIEDERS = "aanbieders"
    ONDERWIJS = "onderwijs"
    ZORG = "zorg"
    VEILIGHEID = "veiligheid"
    INWONERS = "inwoners"
    OVERIG = "overig"

    @property
    def label(self) -> str:
        return GROUP_LABELS[self]


GROUP_LABELS = {
    RespondentGroup.GEMEENTE: "Gemeente: bestuur, beleid en financiën",
    RespondentGroup.TOEGANG: "Toegang en lokale teams",
    RespondentGroup.AANBIEDERS: "Aanbieders",
    RespondentGroup.ONDERWIJS: "Onderwijs",
    RespondentGroup.ZORG: "Huisartsen en jeugdgezondheidszorg",
    RespondentGroup.VEILIGHEID: "Veiligheidsketen",
    RespondentGroup.INWONERS: "Inwoners en cliëntperspectief",
    RespondentGroup.OVERIG: "Overig",
}


class ConversationFormat(enum.StrEnum):
    GROEP = "groep"
    INDIVIDUEEL = "individueel"

    @property
    def label(self) -> str:
        return "Groepsgesprek" if self is ConversationFormat.GROEP else "Individueel gesprek"


class ConversationMode(enum.StrEnum):
    OP_LOCATIE = "op_locatie"
    DIGITAAL = "digitaal"

    @property
    def label(self) -> str:
        return "Op locatie" if self is ConversationMode.OP_LOCATIE else "Digitaal"


class ConversationStatus(enum.StrEnum):
    GEPLAND = "gepland"
    GEHOUDEN = "gehouden"
    AFGEZEGD = "afgezegd"

    @property
    def label(self) -> str:
        return {"gepland": "Gepland", "gehouden": "Gehouden", "afgezegd": "Afgezegd"}[self.value]


class Respondent(TenantOwned, Base):
    __tablename__ = "respondent"
    __extra_table_args__ = (tenant_reference("visitatie_id", "visitatie"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int] = mapped_column(index=True)
    role: Mapped[str] = mapped_column(sa.String(160))  # functie, e.g. "Gezinscoach"
    organisation: Mapped[str] = mapped_column(sa.String(160), default="")
    group: Mapped[RespondentGroup]
    number: Mapped[int] = mapped_column(default=1)  # several people with this role: "Gezinscoach (×2)"
    may_quote: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def attribution(self) -> str:
        """How a quote is signed: the role, and the organisation when it adds something."""
        return f"{self.role}, {self.organisation}" if self.organisation else self.role

    @property
    def label(self) -> str:
        return self.attribution + (f" (×{self.number})" if self.number > 1 else "")


class Conversation(TenantOwned, Base):
    """One conversation of the visit. ``revision`` counts saves of the notes: a save based on an
    older revision is refused, as in the zelfevaluatie."""

    __tablename__ = "conversation"
    __extra_table_args__ = (tenant_reference("visitatie_id", "visitatie"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int] = mapped_column(index=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    planned_on: Mapped[date]
    starts_at: Mapped[time | None]
    format: Mapped[ConversationFormat]
    mode: Mapped[ConversationMode]
    status: Mapped[ConversationStatus] = mapped_column(default=ConversationStatus.GEPLAND)
    notes: Mapped[str] = mapped_column(sa.Text, default="")  # sanitised HTML
    notes_plain: Mapped[str] = mapped_column(sa.Text, default="")
    revision: Mapped[int] = mapped_column(default=0)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    updated_by: Mapped[User | None] = relationship(lazy="joined")
    respondents: Mapped[list[Respondent]] = relationship(
        secondary="conversation_respondent",
        primaryjoin="and_(Conversation.id == ConversationRespondent.conversation_id, "
        "Conversation.gemeente_id == ConversationRespondent.gemeente_id)",
        secondaryjoin="and_(Respondent.id == ConversationRespondent.respondent_id, "
        "Respondent.gemeente_id == ConversationRespondent.gemeente_id)",
        order_by="Respondent.group, Respondent.role",
        viewonly=True,
        lazy="selectin",
    )
    # The review team members who hold the conversation (written through ConversationInterviewer rows).
    interviewers: Mapped[list[User]] = relationship(
        secondary="conversation_interviewer",
        primaryjoin="and_(Conversation.id == ConversationInterviewer.conversation_id, "
        "Conversation.gemeente_id == ConversationInterviewer.gemeente_id)",
        secondaryjoin="User.id == ConversationInterviewer.user_id",
        order_by="User.name, User.id",
        viewonly=True,
        lazy="selectin",
    )

    @property
    def interviewer_ids(self) -> list[int]:
        return [user.id for user in self.interviewers]


class ConversationRespondent(TenantOwned, Base):
    __tablename__ = "conversation_respondent"
    __extra_table_args__ = (
        tenant_reference("conversation_id", "conversation"),
        tenant_reference("respondent_id", "respondent"),
        sa.UniqueConstraint("conversation_id", "respondent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int]
    respondent_id: Mapped[int] = mapped_column(index=True)


class ConversationInterviewer(TenantOwned, Base):
    """A member of the review team who holds a conversation (a user; the team is checked when saving)."""

    __tablename__ = "conversation_interviewer"
    __extra_table_args__ = (
        tenant_reference("conversation_id", "conversation"),
        sa.UniqueConstraint("conversation_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)


class Quote(TenantOwned, Base):
    """A passage of a conversation's notes, attributed to a respondent's role; optionally tagged with
    themes and meant for a section of the portret."""

    __tablename__ = "quote"
    __extra_table_args__ = (
        tenant_reference("visitatie_id", "visitatie"),
        tenant_reference("conversation_id", "conversation"),
        tenant_reference("respondent_id", "respondent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int] = mapped_column(index=True)
    conversation_id: Mapped[int] = mapped_column(index=True)
    respondent_id: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    themes: Mapped[list[Any]] = mapped_column(default=list)
    section_key: Mapped[str | None] = mapped_column(sa.String(40))  # portret section it is meant for
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    respondent: Mapped[Respondent] = relationship(
        primaryjoin="and_(Respondent.id == foreign(Quote.respondent_id), Respondent.gemeente_id == Quote.gemeente_id)",
        lazy="joined",
        viewonly=True,
    )


class ProposalStatus(enum.StrEnum):
    """Where a gemeente's proposal of a respondent stands."""

    VOORGESTELD = "voorgesteld"
    OVERGENOMEN = "overgenomen"
    AFGEWEZEN = "afgewezen"
    INGETROKKEN = "ingetrokken"

    @property
    def label(self) -> str:
        return {
            "voorgesteld": "Voorgesteld",
            "overgenomen": "Overgenomen",
            "afgewezen": "Niet overgenomen",
            "ingetrokken": "Ingetrokken",
        }[self.value]


class RespondentProposal(TenantOwned, Base):
    """Someone the gemeente proposes the review team speaks to during the visit.

    The gemeente knows its partners; the team decides whom it speaks to. A proposal is open
    (``voorgesteld``) until the team or a round coordinator adopts it (a ``Respondent`` is made from its
    role, organisation and group: by role only, as every respondent), or declines it with a reason, or
    the gemeente withdraws it. The optional name is for the invitation only and never leaves the
    proposal: it is not copied to the respondent and not written to the audit log.
    """

    __tablename__ = "respondent_proposal"
    __extra_table_args__ = (tenant_reference("visitatie_id", "visitatie"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(sa.String(160), default="")
    role: Mapped[str] = mapped_column(sa.String(160))
    organisation: Mapped[str] = mapped_column(sa.String(160), default="")
    group: Mapped[RespondentGroup]
    motivation: Mapped[str] = mapped_column(sa.Text, default="")  # plain text: why this person
    status: Mapped[ProposalStatus] = mapped_column(default=ProposalStatus.VOORGESTELD)
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # why the team did not adopt it
    # The respondent made from it (no foreign key: the team may later delete that respondent).
    respondent_id: Mapped[int | None]

    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")
