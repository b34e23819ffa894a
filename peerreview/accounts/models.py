from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.db import Base, TenantOwned, utcnow
from peerreview.tenants.models import Gemeente


class MembershipRole(enum.StrEnum):
    COORDINATOR = "coordinator"
    CONTRIBUTOR = "contributor"
    VIEWER = "viewer"
    # Council members and auditors (gemeenteraad, rekenkamer): they read the verbeteragenda and the
    # definitive portret of their gemeente and nothing else. ``User.role_in`` does not count this role,
    # so no rule that asks for "a member of the gemeente" lets them in (see ``User.council_in``).
    RAAD = "raad"

    @property
    def label(self) -> str:
        return MEMBERSHIP_LABELS[self]


MEMBERSHIP_LABELS = {
    MembershipRole.COORDINATOR: "Coördinator",
    MembershipRole.CONTRIBUTOR: "Invuller",
    MembershipRole.VIEWER: "Meelezer",
    MembershipRole.RAAD: "Raadslid of rekenkamer",
}


class NetworkRole(enum.StrEnum):
    ADMIN = "admin"
    ROUND_COORDINATOR = "round_coordinator"
    ANALYST = "analyst"

    @property
    def label(self) -> str:
        return NETWORK_LABELS[self]


NETWORK_LABELS = {
    NetworkRole.ADMIN: "Beheerder netwerk",
    NetworkRole.ROUND_COORDINATOR: "Rondecoördinator",
    NetworkRole.ANALYST: "Analist",
}


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # stored lower case
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    # Part of the login cookie, checked on every request (auth.load_user): rotating it ends every
    # session of this user, copied cookies included (logout, password change, reset, blocking).
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    # The one valid password-reset link (its hash); a new request replaces it, using it clears it.
    password_reset_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True, unique=True)
    password_reset_expires_at: Mapped[datetime | None]
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    # The last accepted TOTP time step: a code is accepted once, set by one conditional UPDATE
    # (services.verify_second_factor), so parallel logins cannot both use it.
    totp_last_step: Mapped[int | None]
    # Only for demo and test accounts, set from the command line; never from the web.
    two_factor_exempt: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    # Loaded with the signed-in user (auth.load_user) and where a page lists users; other users that
    # come along (authors, team members) do not need them, so they load only when asked for.
    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")
    network_roles: Mapped[list[NetworkRoleGrant]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # --- Flask-Login ---------------------------------------------------------------------------
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    # --- roles ---------------------------------------------------------------------------------
    def role_in(self, gemeente_id: int) -> MembershipRole | None:
        """The user's working role in the gemeente (coordinator, contributor, viewer), or None: also for
        a council member (``MembershipRole.RAAD``), who is no member in the sense of the access rules."""
        return next(
            (m.role for m in self.memberships if m.gemeente_id == gemeente_id and m.role is not MembershipRole.RAAD),
            None,
        )

    def council_in(self, gemeente_id: int) -> bool:
        """A council member or auditor of the gemeente: reads its verbeteragenda and definitive portret only."""
        return any(m.gemeente_id == gemeente_id and m.role is MembershipRole.RAAD for m in self.memberships)

    def membership_in(self, gemeente_id: int) -> Membership | None:
        """Any membership of the gemeente, the council role included (for managing memberships)."""
        return next((m for m in self.memberships if m.gemeente_id == gemeente_id), None)

    @property
    def working_memberships(self) -> list[Membership]:
        """The memberships with a working role: the gemeenten whose pages the user opens as a member."""
        return [m for m in self.memberships if m.role is not MembershipRole.RAAD]

    @property
    def council_memberships(self) -> list[Membership]:
        return [m for m in self.memberships if m.role is MembershipRole.RAAD]

    def has_network_role(self, *roles: NetworkRole) -> bool:
        return any(grant.role in roles for grant in self.network_roles)

    @property
    def network_role_set(self) -> set[NetworkRole]:
        return {grant.role for grant in self.network_roles}

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_secret is not None

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(TenantOwned, Base):
    __tablename__ = "membership"
    __extra_table_args__ = (sa.UniqueConstraint("user_id", "gemeente_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    role: Mapped[MembershipRole]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    gemeente: Mapped[Gemeente] = relationship(lazy="joined")


class NetworkRoleGrant(Base):
    __tablename__ = "network_role"
    __table_args__ = (sa.UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    role: Mapped[NetworkRole]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="network_roles")


class RecoveryCode(Base):
    """One-time codes for when the authenticator app is lost; only a hash is stored."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None]


class Invitation(Base):
    """An invitation by e-mail: either a membership of one gemeente or a network role.

    Global table: a network-role invitation has no gemeente. Only the token's hash is stored.
    """

    __tablename__ = "invitation"
    __table_args__ = (
        sa.CheckConstraint("(gemeente_id IS NULL) = (membership_role IS NULL)", name="membership_needs_gemeente"),
        sa.CheckConstraint("(network_role IS NULL) = (gemeente_id IS NOT NULL)", name="one_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    gemeente_id: Mapped[int | None] = mapped_column(sa.ForeignKey("gemeente.id", ondelete="CASCADE"), index=True)
    membership_role: Mapped[MembershipRole | None]
    network_role: Mapped[NetworkRole | None]
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    gemeente: Mapped[Gemeente | None] = relationship()
    invited_by: Mapped[User | None] = relationship()

    @property
    def role_label(self) -> str:
        if self.membership_role is not None:
            return self.membership_role.label
        assert self.network_role is not None
        return self.network_role.label

    def is_open(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


class LoginAttempt(Base):
    """Failed and successful logins, for rate limiting per account and per address."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        sa.Index("ix_login_attempt_email_at", "email", "at"),
        sa.Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    address: Mapped[str] = mapped_column(sa.String(64))
    succeeded: Mapped[bool]
    at: Mapped[datetime] = mapped_column(default=utcnow)
