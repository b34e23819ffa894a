from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.accounts.models import User
from peerreview.db import Base, TenantOwned, tenant_reference, utcnow
from peerreview.tenants.models import Gemeente


class Phase(enum.StrEnum):
    """The phases of a round, each with its own deadline."""

    ZELFEVALUATIE = "zelfevaluatie"
    REVIEW = "review"
    VISITATIE = "visitatie"
    PORTRET = "portret"
    REFLECTIE = "reflectie"

    @property
    def label(self) -> str:
        return PHASE_LABELS[self]


PHASE_LABELS = {
    Phase.ZELFEVALUATIE: "Zelfevaluatie indienen",
    Phase.REVIEW: "Review afronden",
    Phase.VISITATIE: "Visitatie gehouden",
    Phase.PORTRET: "Conceptportret klaar",
    Phase.REFLECTIE: "Reflectiesessie gehouden",
}


class VisitatieState(enum.StrEnum):
    ZELFEVALUATIE = "zelfevaluatie"
    INGEDIEND = "ingediend"
    IN_REVIEW = "in_review"
    VISITATIE = "visitatie"
    PORTRET_CONCEPT = "portret_concept"
    REFLECTIE = "reflectie"
    DEFINITIEF = "definitief"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    @property
    def phase(self) -> Phase | None:
        return STATE_PHASES[self]


STATE_LABELS = {
    VisitatieState.ZELFEVALUATIE: "Zelfevaluatie in uitvoering",
    VisitatieState.INGEDIEND: "Zelfevaluatie ingediend",
    VisitatieState.IN_REVIEW: "In review",
    VisitatieState.VISITATIE: "Visitatie",
    VisitatieState.PORTRET_CONCEPT: "Conceptportret",
    VisitatieState.REFLECTIE: "Reflectie",
    VisitatieState.DEFINITIEF: "Definitief",
}

STATE_PHASES = {
    VisitatieState.ZELFEVALUATIE: Phase.ZELFEVALUATIE,
    VisitatieState.INGEDIEND: Phase.REVIEW,
    VisitatieState.IN_REVIEW: Phase.REVIEW,
    VisitatieState.VISITATIE: Phase.VISITATIE,
    VisitatieState.PORTRET_CONCEPT: Phase.PORTRET,
    VisitatieState.REFLECTIE: Phase.REFLECTIE,
    VisitatieState.DEFINITIEF: None,
}


class Variant(enum.StrEnum):
    BASIS = "basis"
    PLUS = "plus"

    @property
    def label(self) -> str:
        return "Basisversie" if self is Variant.BASIS else "Plusversie"


class Round(Base):
    __tablename__ = "round"
    __table_args__ = (sa.CheckConstraint("starts_on <= ends_on", name="period_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Review settings: reviewers from the same jeugdregio are blocked or only warned about;
    # open review shows annotations to the gemeente at once; anonymous review shows reviewers by role.
    same_region_rule: Mapped[str] = mapped_column(sa.String(8), default="block", server_default="block")
    open_review: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    anonymous_review: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Wederhoor: the gemeente adds a bestuurlijke reactie and the team a nawoord to the definitive portret.
    wederhoor: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    created_by: Mapped[User | None] = relationship()
    # Loaded when read: most pages that load a round (with every visitatie) never show its deadlines.
    deadlines: Mapped[list[RoundDeadline]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundDeadline.due_on"
    )
    visitaties: Mapped[list[Visitatie]] = relationship(back_populates="round", order_by="Visitatie.id")

    def deadline(self, phase: Phase) -> date | None:
        return next((d.due_on for d in self.deadlines if d.phase == phase), None)


class RoundDeadline(Base):
    __tablename__ = "round_deadline"
    __table_args__ = (sa.UniqueConstraint("round_id", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"))
    phase: Mapped[Phase]
    due_on: Mapped[date]

    round: Mapped[Round] = relationship(back_populates="deadlines")


class Visitatie(TenantOwned, Base):
    """One gemeente's part in one round: its self-evaluation, review, visit and portret."""

    __tablename__ = "visitatie"
    __extra_table_args__ = (sa.UniqueConstraint("round_id", "gemeente_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("round.id", ondelete="CASCADE"))
    state: Mapped[VisitatieState] = mapped_column(default=VisitatieState.ZELFEVALUATIE)
    variant: Mapped[Variant | None]  # chosen by the gemeente coordinator
    # The questionnaire version the zelfevaluatie started with; later versions never break its answers.
    definition_version: Mapped[int | None]
    annotations_released_at: Mapped[datetime | None]  # the review team shared its annotations with the gemeente
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship(back_populates="visitaties", lazy="joined")
    gemeente: Mapped[Gemeente] = relationship(lazy="joined")

    @property
    def current_deadline(self) -> date | None:
        phase = self.state.phase
        return self.round.deadline(phase) if phase else None

    @property
    def definition_key(self) -> str | None:
        return f"zelfevaluatie-{self.variant.value}" if self.variant else None

    @property
    def title(self) -> str:
        return f"{self.gemeente.name} — {self.round.name}"


class ReminderSent(TenantOwned, Base):
    """A deadline reminder that went out; makes the daily reminder run idempotent."""

    __tablename__ = "reminder_sent"
    __extra_table_args__ = (
        tenant_reference("visitatie_id", "visitatie"),
        sa.UniqueConstraint("visitatie_id", "phase", "days_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int]
    phase: Mapped[Phase]
    days_before: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
