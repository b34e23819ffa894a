"""The reflectiesessie (DOMAIN §3.3, §4.2): the concept portret is discussed with the gemeente.

One ``ReflectieSessie`` per visitatie holds the plan (when, where, the calendar identity that updates
keep), the record (held on, how recognisable the portret was) and the wederhoor: the gemeente's
*bestuurlijke reactie* and the team's *nawoord*, each with its own revision so that one side's save
never touches the other's text. Attendees are recorded by role and organisation only. Lessons and the
gemeente's own improvement points are rows of their own, each linked to one theme (T1–T12): the
network compares lessons across gemeenten, and a later verbeteragenda starts from the improvement points.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.accounts.models import User
from peerreview.db import Base, TenantOwned, tenant_reference, utcnow


class SessieMode(enum.StrEnum):
    OP_LOCATIE = "op_locatie"
    DIGITAAL = "digitaal"

    @property
    def label(self) -> str:
        return "Op locatie" if self is SessieMode.OP_LOCATIE else "Digitaal"


class Recognisability(enum.StrEnum):
    HERKENBAAR = "herkenbaar"
    DEELS_HERKENBAAR = "deels_herkenbaar"
    NIET_HERKENBAAR = "niet_herkenbaar"

    @property
    def label(self) -> str:
        return {
            "herkenbaar": "Herkenbaar",
            "deels_herkenbaar": "Deels herkenbaar",
            "niet_herkenbaar": "Niet herkenbaar",
        }[self.value]


class ReflectieSessie(TenantOwned, Base):
    __tablename__ = "reflectiesessie"
    __extra_table_args__ = (tenant_reference("visitatie_id", "visitatie"), sa.UniqueConstraint("visitatie_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int]
    # The plan, in Dutch local time (Europe/Amsterdam); the calendar file carries it in UTC.
    planned_on: Mapped[date | None]
    starts_at: Mapped[time | None]
    ends_at: Mapped[time | None]
    mode: Mapped[SessieMode] = mapped_column(default=SessieMode.OP_LOCATIE)
    location: Mapped[str] = mapped_column(sa.String(300), default="")
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    planned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # The calendar identity: an update keeps the UID and raises the SEQUENCE (RFC 5545 §3.8.7.4).
    ics_uid: Mapped[str] = mapped_column(sa.String(200))
    ics_sequence: Mapped[int] = mapped_column(default=0)
    invited_at: Mapped[datetime | None]  # the first invitation went out
    reminded_for: Mapped[datetime | None]  # the start (UTC) the last reminder was about
    # The record of the session.
    held_on: Mapped[date | None]
    recognisability: Mapped[Recognisability | None]
    section_recognisability: Mapped[dict[str, Any]] = mapped_column(default=dict)  # section key -> value
    notes: Mapped[str] = mapped_column(sa.Text, default="")  # sanitised HTML
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime | None]
    # Wederhoor: the gemeente's formal reply and the team's nawoord, each saved by its own side only.
    reactie: Mapped[str] = mapped_column(sa.Text, default="")
    reactie_revision: Mapped[int] = mapped_column(default=0)
    reactie_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reactie_at: Mapped[datetime | None]
    nawoord: Mapped[str] = mapped_column(sa.Text, default="")
    nawoord_revision: Mapped[int] = mapped_column(default=0)
    nawoord_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    nawoord_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    reactie_by: Mapped[User | None] = relationship(foreign_keys=[reactie_by_id], lazy="joined")
    nawoord_by: Mapped[User | None] = relationship(foreign_keys=[nawoord_by_id], lazy="joined")
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id], lazy="joined")

    @property
    def planned(self) -> bool:
        return self.planned_on is not None and self.starts_at is not None and self.ends_at is not None


class SessieAttendee(TenantOwned, Base):
    """Someone invited to the session, by role and organisation: proposed, then agreed by the team."""

    __tablename__ = "sessie_attendee"
    __extra_table_args__ = (tenant_reference("sessie_id", "reflectiesessie"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sessie_id: Mapped[int] = mapped_column(index=True)
    role: Mapped[str] = mapped_column(sa.String(160))
    organisation: Mapped[str] = mapped_column(sa.String(160), default="")
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    agreed_at: Mapped[datetime | None]  # the team agreed to this attendee
    agreed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    present: Mapped[bool | None]  # recorded after the session; None: not recorded
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def label(self) -> str:
        return f"{self.role}, {self.organisation}" if self.organisation else self.role


class SessieLesson(TenantOwned, Base):
    """A most important lesson for other gemeenten, linked to one theme (compared across the network)."""

    __tablename__ = "sessie_lesson"
    __extra_table_args__ = (
        tenant_reference("sessie_id", "reflectiesessie"),
        tenant_reference("visitatie_id", "visitatie"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sessie_id: Mapped[int] = mapped_column(index=True)
    visitatie_id: Mapped[int] = mapped_column(index=True)
    theme: Mapped[str] = mapped_column(sa.String(3), index=True)  # T1..T12
    text: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImprovementPoint(TenantOwned, Base):
    """One of the gemeente's own improvement points, linked to a theme, with the visitatie it came from:
    the seed of the gemeente's verbeteragenda."""

    __tablename__ = "improvement_point"
    __extra_table_args__ = (
        tenant_reference("visitatie_id", "visitatie"),
        tenant_reference("sessie_id", "reflectiesessie"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int] = mapped_column(index=True)  # the source visitatie
    sessie_id: Mapped[int | None] = mapped_column(index=True)  # the session it was named in
    theme: Mapped[str] = mapped_column(sa.String(3), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
