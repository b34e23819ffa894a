from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.db import Base

# Size classes as used in the national comparison tables (inhabitants, lower bound inclusive).
SIZE_CLASSES: tuple[tuple[int, str], ...] = (
    (300_000, "300.000 en meer"),
    (150_000, "150.000–300.000"),
    (100_000, "100.000–150.000"),
    (50_000, "50.000–100.000"),
    (20_000, "20.000–50.000"),
    (0, "minder dan 20.000"),
)


def size_class(inhabitants: int) -> str:
    return next(label for lower, label in SIZE_CLASSES if inhabitants >= lower)


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


class Jeugdregio(Base):
    __tablename__ = "jeugdregio"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)

    gemeenten: Mapped[list[Gemeente]] = relationship(back_populates="jeugdregio", order_by="Gemeente.name")


class Gemeente(Base):
    __tablename__ = "gemeente"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    cbs_code: Mapped[str] = mapped_column(sa.String(6), unique=True)  # e.g. GM0150
    province: Mapped[str] = mapped_column(sa.String(40))
    jeugdregio_id: Mapped[int | None] = mapped_column(sa.ForeignKey("jeugdregio.id"), index=True)
    inhabitants: Mapped[int]

    jeugdregio: Mapped[Jeugdregio | None] = relationship(back_populates="gemeenten")

    __table_args__ = (
        sa.CheckConstraint("inhabitants >= 0", name="inhabitants_not_negative"),
        sa.CheckConstraint("cbs_code LIKE 'GM____'", name="cbs_code_format"),
    )

    @property
    def size_class(self) -> str:
        return size_class(self.inhabitants)

    def __repr__(self) -> str:
        return f"<Gemeente {self.slug}>"
