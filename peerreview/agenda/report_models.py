"""The verbeteragenda's read-only share and its carry-over into the next round (issue 12, items 3 and 5).

``ShareLink``: an expiring, revocable link the gemeente's coordinator hands to the gemeenteraad or the
rekenkamer. It opens this visitatie's agenda (read-only) and its definitive portret, nothing else; only
the token's hash is stored (the token helpers of ``peerreview.reflectie.guests``), and every use is
audit-logged (the log counts the uses).

``FollowUp``: in a later round's zelfevaluatie, the gemeente's answer to "Wat is er met deze punten
gedaan?" beside one section, about the previous portret's development points and the agenda's action
lines for the themes of that section. Kept apart from the questionnaire's answers: the questions stay
the round's own, the follow-up belongs to the carry-over.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.accounts.models import User
from peerreview.db import Base, TenantOwned, tenant_reference, utcnow


class ShareLink(TenantOwned, Base):
    __tablename__ = "agenda_share_link"
    __extra_table_args__ = (tenant_reference("visitatie_id", "visitatie"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int] = mapped_column(index=True)
    label: Mapped[str] = mapped_column(sa.String(200))  # for whom: "Gemeenteraad", "Rekenkamercommissie"
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship(lazy="joined")

    def is_open(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class FollowUp(TenantOwned, Base):
    """What the gemeente did with the previous round's points, beside one section of its new zelfevaluatie."""

    __tablename__ = "agenda_follow_up"
    __extra_table_args__ = (
        tenant_reference("visitatie_id", "visitatie"),
        sa.UniqueConstraint("visitatie_id", "section_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visitatie_id: Mapped[int]  # the NEW visitatie (the later round); the unique constraint serves lookups
    section_key: Mapped[str] = mapped_column(sa.String(80))
    text: Mapped[str] = mapped_column(sa.Text, default="")  # plain text
    revision: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    updated_by: Mapped[User | None] = relationship(lazy="joined")
