"""Lens codes on passages of the network (issue 11 item 8).

An analyst applies codes from optional vocabularies (``forms/lenses/``: the goals of the Jeugdwet,
steering mechanisms, the Drenthe toetsstenen) to passages of the network's passage index, next to the
twelve themes. The index (``network_passage``) is derived and rebuilt at will, so a coding points at
the passage's stable *key* ("annotation:12", "section:<version>:<section>"), never at an index row id:
a rebuild keeps every coding, and a passage that leaves the index (a withdrawn publication) takes its
codings out of every page and export because those always join the index, while the coding itself
stays and comes back when the passage does.

The row carries the passage's gemeente (tenant-owned, like every row about one gemeente), so removing
a gemeente removes its codings.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.accounts.models import User
from peerreview.db import Base, TenantOwned, utcnow


class PassageCode(TenantOwned, Base):
    __tablename__ = "passage_code"
    __extra_table_args__ = (
        sa.UniqueConstraint("passage_key", "lens", "code"),  # also serves the lookups by passage
        sa.Index("ix_passage_code_lens_code", "lens", "code"),  # the lens filter
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    passage_key: Mapped[str] = mapped_column(sa.String(120))
    lens: Mapped[str] = mapped_column(sa.String(48))
    code: Mapped[str] = mapped_column(sa.String(48))
    applied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)

    applied_by: Mapped[User | None] = relationship(lazy="joined")
