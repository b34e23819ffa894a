"""The verbeteragenda (issue 12): what the gemeente does with its portret.

One ``Agenda`` per visitatie. Like the Coevorden *Uitvoeringsplan*, it holds *actielijnen*, each linked to
themes and to the points it answers (``ActionLineSource``: a released development point of the review
team, one of the reflectiesessie's own improvement points, or a point the gemeente adds itself, with a
snapshot of the text), and each made of *onderdelen* (``Part``) with an intended result, what will be
done, who does it, a planning and a status. The gemeente sets its reporting periods (``ReportingPeriod``,
e.g. twice a year); per period a part gets a dated *stand van zaken* (``ProgressUpdate``). Every status
change is kept (``PartStatusChange``), since status and narrative drift apart when nobody asks.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.accounts.models import User
from peerreview.db import Base, TenantOwned, tenant_reference, utcnow
from peerreview.rounds.models import Visitatie


class PartStatus(enum.StrEnum):
    NOG_NIET_GESTART = "nog_niet_gestart"
    IN_VOORBEREIDING = "in_voorbereiding"
    IN_UITVOERING = "in_uitvoering"
    GEREED = "gereed"
    DOORLOPEND = "doorlopend"
    VERVALLEN = "vervallen"

    @property
    def label(self) -> str:
        return {
            "nog_niet_gestart": "Nog niet gestart",
            "in_voorbereiding": "In voorbereiding",
            "in_uitvoering": "In uitvoering",
            "gereed": "Gereed",
            "doorlopend": "Doorlopend",
            "vervallen": "Vervallen",
        }[self.value]


class SourceKind(enum.StrEnum):
    ONTWIKKELPUNT = "ontwikkelpunt"  # a released annotation of kind ontwikkelpunt
    VERBETERPUNT = "verbeterpunt"  # a reflectiesessie ImprovementPoint
    EIGEN = "eigen"  # a point the gemeente added on the agenda itself (AgendaPoint)

    @property
    def label(self) -> str:
        return {
            "ontwikkelpunt": "Ontwikkelpunt uit het portret",
            "verbeterpunt": "Eigen verbeterpunt (reflectiesessie)",
            "eigen": "Eigen punt",
        }[self.value]


class Agenda(TenantOwned, Base):
    __tablename__ = "improvement_agenda"
    __extra_table_args__ = (tenant_reference("visitatie_id", "visitatie"), sa.UniqueConstraint("visitatie_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int]
    published: Mapped[bool] = mapped_column(default=False)  # shared with the network by name
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revision: Mapped[int] = mapped_column(default=1)

    visitatie: Mapped[Visitatie] = relationship(
        primaryjoin="and_(Visitatie.id == foreign(Agenda.visitatie_id), Visitatie.gemeente_id == Agenda.gemeente_id)",
        viewonly=True,
    )
    action_lines: Mapped[list[ActionLine]] = relationship(
        back_populates="agenda",
        order_by="ActionLine.position, ActionLine.id",
        cascade="all, delete-orphan",
        primaryjoin="and_(Agenda.id == foreign(ActionLine.agenda_id), Agenda.gemeente_id == ActionLine.gemeente_id)",
    )
    periods: Mapped[list[ReportingPeriod]] = relationship(
        order_by="ReportingPeriod.starts_on, ReportingPeriod.id",
        cascade="all, delete-orphan",
        primaryjoin="and_(Agenda.id == foreign(ReportingPeriod.agenda_id), "
        "Agenda.gemeente_id == ReportingPeriod.gemeente_id)",
    )


class AgendaPoint(TenantOwned, Base):
    """A point the gemeente adds to its agenda itself (source kind "eigen"), beside the portret's."""

    __tablename__ = "agenda_point"
    __extra_table_args__ = (tenant_reference("agenda_id", "improvement_agenda"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_id: Mapped[int] = mapped_column(index=True)
    theme: Mapped[str] = mapped_column(sa.String(3))
    text: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportingPeriod(TenantOwned, Base):
    __tablename__ = "agenda_period"
    __extra_table_args__ = (tenant_reference("agenda_id", "improvement_agenda"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_id: Mapped[int] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(sa.String(120))  # "Voorjaar 2027"
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reminder_sent_at: Mapped[datetime | None]


class ActionLine(TenantOwned, Base):
    __tablename__ = "agenda_action_line"
    __extra_table_args__ = (tenant_reference("agenda_id", "improvement_agenda"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_id: Mapped[int] = mapped_column(index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    themes: Mapped[list[Any]] = mapped_column(default=list)  # theme codes, e.g. ["T3", "T6"]
    process_goal: Mapped[str] = mapped_column(sa.Text, default="")
    outcome_goal: Mapped[str] = mapped_column(sa.Text, default="")
    revision: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    agenda: Mapped[Agenda] = relationship(
        back_populates="action_lines",
        primaryjoin="and_(Agenda.id == foreign(ActionLine.agenda_id), Agenda.gemeente_id == ActionLine.gemeente_id)",
    )
    sources: Mapped[list[ActionLineSource]] = relationship(
        order_by="ActionLineSource.id",
        cascade="all, delete-orphan",
        lazy="selectin",
        primaryjoin="and_(ActionLine.id == foreign(ActionLineSource.action_line_id), "
        "ActionLine.gemeente_id == ActionLineSource.gemeente_id)",
    )
    parts: Mapped[list[Part]] = relationship(
        back_populates="action_line",
        order_by="Part.position, Part.id",
        cascade="all, delete-orphan",
        lazy="selectin",
        primaryjoin="and_(ActionLine.id == foreign(Part.action_line_id), ActionLine.gemeente_id == Part.gemeente_id)",
    )


class ActionLineSource(TenantOwned, Base):
    """A point an action line answers, with a snapshot of its text (the source may change or go)."""

    __tablename__ = "agenda_action_line_source"
    __extra_table_args__ = (
        tenant_reference("action_line_id", "agenda_action_line"),
        sa.Index("ix_agenda_action_line_source_kind_source", "kind", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_line_id: Mapped[int] = mapped_column(index=True)
    kind: Mapped[SourceKind]
    source_id: Mapped[int | None]  # annotation / improvement_point / agenda_point id (no FK: sources may go)
    theme: Mapped[str] = mapped_column(sa.String(3), default="")
    text: Mapped[str] = mapped_column(sa.Text, default="")


class Part(TenantOwned, Base):
    """An onderdeel of an action line."""

    __tablename__ = "agenda_part"
    __extra_table_args__ = (tenant_reference("action_line_id", "agenda_action_line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_line_id: Mapped[int] = mapped_column(index=True)
    position: Mapped[int] = mapped_column(default=0)
    result: Mapped[str] = mapped_column(sa.Text, default="")  # beoogd resultaat
    what: Mapped[str] = mapped_column(sa.Text, default="")  # wat we doen
    owner_role: Mapped[str] = mapped_column(sa.String(160), default="")
    owner_organisation: Mapped[str] = mapped_column(sa.String(160), default="")
    owner_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    planning: Mapped[str] = mapped_column(sa.String(40), default="")  # "Q2 2027", "2e helft 2027", "2027"
    due_on: Mapped[date | None]
    status: Mapped[PartStatus] = mapped_column(default=PartStatus.NOG_NIET_GESTART)
    status_reason: Mapped[str] = mapped_column(sa.Text, default="")
    indicator: Mapped[str] = mapped_column(sa.Text, default="")
    indicator_code: Mapped[str | None] = mapped_column(sa.String(40))
    indicator_target: Mapped[str] = mapped_column(sa.String(120), default="")
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner_user: Mapped[User | None] = relationship(lazy="joined")
    action_line: Mapped[ActionLine] = relationship(
        back_populates="parts",
        primaryjoin="and_(ActionLine.id == foreign(Part.action_line_id), ActionLine.gemeente_id == Part.gemeente_id)",
    )
    status_changes: Mapped[list[PartStatusChange]] = relationship(
        order_by="PartStatusChange.changed_at, PartStatusChange.id",
        cascade="all, delete-orphan",
        primaryjoin="and_(Part.id == foreign(PartStatusChange.part_id), "
        "Part.gemeente_id == PartStatusChange.gemeente_id)",
    )

    @property
    def owner_label(self) -> str:
        return ", ".join(x for x in (self.owner_role, self.owner_organisation) if x)


class PartStatusChange(TenantOwned, Base):
    __tablename__ = "agenda_part_status"
    __extra_table_args__ = (tenant_reference("part_id", "agenda_part"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(index=True)
    status: Mapped[PartStatus]
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    changed_by: Mapped[User | None] = relationship(lazy="joined")


class ProgressUpdate(TenantOwned, Base):
    """The stand van zaken of one part in one reporting period."""

    __tablename__ = "agenda_progress"
    __extra_table_args__ = (
        tenant_reference("part_id", "agenda_part"),
        tenant_reference("period_id", "agenda_period"),
        sa.UniqueConstraint("part_id", "period_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int]  # the unique (part_id, period_id) serves lookups by part
    period_id: Mapped[int] = mapped_column(index=True)
    text: Mapped[str] = mapped_column(sa.Text, default="")  # sanitised HTML
    status: Mapped[PartStatus]  # the part's status at that moment
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    revision: Mapped[int] = mapped_column(default=1)

    created_by: Mapped[User | None] = relationship(lazy="joined")
