"""Key figures (kengetallen): indicators, areas and their values, reference groups, imports.

The figures themselves are public data (CBS, Findo) and belong to the network, not to one gemeente.
Only a gemeente's own interpretation of a figure (``Duiding``) is tenant-owned.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from peerreview.accounts.models import User
from peerreview.db import Base, TenantOwned, utcnow
from peerreview.tenants.models import Gemeente


class AreaKind(enum.StrEnum):
    GEMEENTE = "gemeente"
    REGIO = "regio"
    GROOTTEKLASSE = "grootteklasse"
    NEDERLAND = "nederland"


class Area(Base):
    """A unit that figures are given for: a gemeente, a regional aggregate, a size class, Nederland."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)  # GM0150, NL01, or our own RG-/GK- codes
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[AreaKind]
    gemeente_id: Mapped[int | None] = mapped_column(sa.ForeignKey("gemeente.id", ondelete="SET NULL"), unique=True)

    gemeente: Mapped[Gemeente | None] = relationship()


class Unit(enum.StrEnum):
    PERCENT = "percent"
    EURO = "euro"
    DECILE = "decile"
    INDEX = "index"
    COUNT = "count"
    KLASSE = "klasse"  # a class on a scale with named steps (CBS stedelijkheid 1-5)


class Indicator(Base):
    """What a figure means: definition, unit, source and caveats. ``code`` is the measure code the
    importer matches (CBS codes such as JH121 where they exist, our own codes otherwise)."""

    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    short_name: Mapped[str] = mapped_column(sa.String(80))
    definition: Mapped[str] = mapped_column(sa.Text)
    unit: Mapped[Unit]
    decimals: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(sa.String(200))  # "CBS Kerncijfers jeugdzorg (JH121)"
    caveat: Mapped[str] = mapped_column(sa.Text, default="")
    group: Mapped[str] = mapped_column(sa.String(20))  # context | lasten | gebruik | portret
    position: Mapped[int] = mapped_column(default=0)


class IndicatorImport(Base):
    """An uploaded CSV file and, once the job has run, its report (rows taken and rows refused)."""

    __tablename__ = "indicator_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    status: Mapped[str] = mapped_column(sa.String(12), default="wachtrij")  # wachtrij | bezig | klaar | mislukt
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    uploaded_by: Mapped[User | None] = relationship(lazy="joined")


class IndicatorValue(Base):
    """One figure: an indicator for an area in a period ("2019", "2020-H1"). Flags record what the
    source says about it (a known inconsistency, a reconstruction) — the value is never corrected."""

    __tablename__ = "indicator_value"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "area_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicator.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(sa.String(10))
    value: Mapped[float]
    flags: Mapped[list[Any]] = mapped_column(default=list)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    import_id: Mapped[int | None] = mapped_column(sa.ForeignKey("indicator_import.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    indicator: Mapped[Indicator] = relationship(lazy="joined")
    area: Mapped[Area] = relationship(lazy="joined")


reference_group_member = sa.Table(
    "reference_group_member",
    Base.metadata,
    sa.Column("group_id", sa.ForeignKey("reference_group.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("area_id", sa.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True),
)


class ReferenceGroup(Base):
    """What a gemeente's figures are compared with (the report's Tabel 1): chosen reference
    municipalities, its size class and a regional aggregate. Nederland is always added."""

    __tablename__ = "reference_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    gemeente_id: Mapped[int] = mapped_column(sa.ForeignKey("gemeente.id", ondelete="CASCADE"), unique=True)
    size_class_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id", ondelete="SET NULL"))
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    references: Mapped[list[Area]] = relationship(secondary=reference_group_member, order_by=Area.name)
    size_class: Mapped[Area | None] = relationship(foreign_keys=[size_class_id])
    region: Mapped[Area | None] = relationship(foreign_keys=[region_id])


class Duiding(TenantOwned, Base):
    """The gemeente's own interpretation of one of its figures (tellen én vertellen)."""

    __tablename__ = "duiding"
    __extra_table_args__ = (sa.UniqueConstraint("gemeente_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(sa.ForeignKey("indicator.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(sa.Text)  # sanitised HTML
    revision: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    updated_by: Mapped[User | None] = relationship(lazy="joined")
