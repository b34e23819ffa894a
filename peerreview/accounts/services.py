"""Account operations. Services flush and never commit; the view commits once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from flask import current_app, url_for
from sqlalchemy import CursorResult, Update, func, or_, select, update
from sqlalchemy.orm import Session

from peerreview.accounts import auth
from peerreview.accounts.models import (
    Invitation,
    LoginAttempt,
    Membership,
    MembershipRole,
    NetworkRole,
    NetworkRoleGrant,
    RecoveryCode,
    User,
    new_session_token,
)
from peerreview.audit.models import AuditEvent
from peerreview.audit.services import record
from peerreview.db import utcnow
from peerreview.mail import services as mail
from peerreview.tenants.models import Gemeente


class AccountError(Exception):
    """A refused operation; the message is Dutch and meant for the user."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def coordinators_of(session: Session, gemeente_id: int) -> list[User]:
    """The gemeente's active coordinators: who gets the e-mails meant for the gemeente."""
    return list(
        session.scalars(
            select(User)
            .join(Membership)
            .where(
                Membership.gemeente_id == gemeente_id,
                Membership.role == MembershipRole.COORDINATOR,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


# --- login -------------------------------------------------------------------------------------------


@dataclass
class LoginResult:
    user: User | None = None
    blocked_minutes: int = 0


def blocked_minutes(session: Session, email: str, address: str) -> int:
    """Minutes until a new login attempt is allowed, or 0.

    Failures are counted within ``LOGIN_WINDOW_MINUTES`` three ways:

    * per account and address (``LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS``, 5): the usual lock.
      A town hall behind one NAT address is many people; one of them (or an attacker among them)
      locks only the accounts they tried, never a colleague's.
    * per account from all addresses (``LOGIN_MAX_FAILURES_PER_ACCOUNT``, 50): slows guessing one
      password from many addresses.
    * per address (``LOGIN_MAX_FAILURES_PER_ADDRESS``, 300): a ceiling against password spraying
      (a few passwords tried on many accounts). It does not apply to an account that has logged in
      successfully from this address within ``LOGIN_KNOWN_ADDRESS_DAYS``, so the staff of a town
      hall keep working while someone behind the same address sprays.
    """
    config = current_app.config
    email = normalise_email(email)
    window = timedelta(minutes=int(config["LOGIN_WINDOW_MINUTES"]))
    since = utcnow() - window
    failures = select(func.count(), func.min(LoginAttempt.at)).where(
        LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False)
    )
    limits = [
        (
            failures.where(LoginAttempt.email == email, LoginAttempt.address == address),
            int(config["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"]),
        ),
        (failures.where(LoginAttempt.email == email), int(config["LOGIN_MAX_FAILURES_PER_ACCOUNT"])),
    ]
    known_since = utcnow() - timedelta(days=int(config["LOGIN_KNOWN_ADDRESS_DAYS"]))
    known_address = session.scalar(
        select(LoginAttempt.id)
        .where(
            LoginAttempt.email == email,
            LoginAttempt.address == address,
            LoginAttempt.succeeded.is_(True),
            LoginAttempt.at >= known_since,
        )
        .limit(1)
    )
    if known_address is None:
        limits.append((failures.where(LoginAttempt.address == address), int(config["LOGIN_MAX_FAILURES_PER_ADDRESS"])))
    for query, limit in limits:
        count, oldest = session.execute(query).one()
        if count >= limit:
            remaining = (oldest + window - utcnow()).total_seconds()
            return max(1, int(remaining // 60) + 1)
    return 0


def record_attempt(session: Session, email: str, address: str, *, succeeded: bool, user: User | None) -> None:
    session.add(LoginAttempt(email=normalise_email(email), address=address, succeeded=succeeded))
    if not succeeded:
        record(session, "login_failed", actor=user, subject=normalise_email(email))
    session.flush()


def authenticate(session: Session, email: str, password: str, address: str) -> LoginResult:
    """Check a password within the rate limits; records every attempt."""
    if minutes := blocked_minutes(session, email, address):
        record(session, "login_blocked", subject=normalise_email(email))
        return LoginResult(blocked_minutes=minutes)
    user = user_by_email(session, email)
    ok = auth.check_password(user, password) and user is not None and user.active
    record_attempt(session, email, address, succeeded=ok, user=user)
    return LoginResult(user=user if ok else None)


def complete_login(session: Session, user: User) -> None:
    user.last_login_at = utcnow()
    record(session, "login", actor=user, subject=user.email)
    session.flush()


def verify_second_factor(session: Session, user: User, code: str) -> bool:
    """A TOTP code (each accepted once) or an unused recovery code (each used once).

    Acceptance is one conditional UPDATE whose row count says whether this request won: of many
    parallel requests with the same code, exactly one changes the row (on PostgreSQL the others wait
    for its row lock and then no longer match; SQLite serialises writers).
    """
    assert user.totp_secret is not None
    step = auth.totp_step(user.totp_secret, code)
    if step is not None:
        accepted = _rows_changed(
            session,
            update(User)
            .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step),
        )
        if accepted == 1:
            user.totp_last_step = step
            session.flush()
            return True
        return False
    digest = hashlib.sha256(auth.normalise_recovery_code(code).encode()).hexdigest()
    used = _rows_changed(
        session,
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == digest, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()),
    )
    if used != 1:
        return False
    record(session, "recovery_code_used", actor=user, subject=user.email)
    return True


def _rows_changed(session: Session, statement: Update) -> int:
    """Run a conditional UPDATE; the number of rows it changed says whether this request won."""
    result = session.execute(statement.execution_options(synchronize_session=False))
    return cast(CursorResult[Any], result).rowcount


def enable_two_factor(session: Session, user: User, secret: str, code: str) -> list[str]:
    step = auth.totp_step(secret, code)
    if step is None:
        raise AccountError(
            "Die code klopt niet. Controleer of de tijd op je telefoon goed staat en probeer het opnieuw."
        )
    user.totp_secret = secret
    user.totp_last_step = step
    record(session, "two_factor_enabled", actor=user, subject=user.email)
    return replace_recovery_codes(session, user)


def replace_recovery_codes(session: Session, user: User) -> list[str]:
    for old in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(old)
    codes = auth.new_recovery_codes()
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, code_hash=hashlib.sha256(code.encode()).hexdigest()))
    session.flush()
    return codes


def unused_recovery_codes(session: Session, user: User) -> int:
    return (
        session.scalar(select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0
    )


def end_all_sessions(user: User) -> None:
    """Log the user out everywhere: every login cookie, copies included, stops working."""
    user.session_token = new_session_token()


def logout(session: Session, user: User) -> None:
    end_all_sessions(user)
    record(session, "logout", actor=user, subject=user.email)
    session.flush()


def change_password(session: Session, user: User, password: str) -> None:
    if problem := auth.password_problem(password, user.email, user.name):
        raise AccountError(problem)
    user.password_hash = auth.hash_password(password)
    end_all_sessions(user)
    user.password_reset_hash = None  # an open reset link stops working too
    user.password_reset_expires_at = None
    record(session, "password_changed", actor=user, subject=user.email)
    session.flush()


def set_blocked(session: Session, actor: User, user: User, *, blocked: bool) -> None:
    """Block (or unblock) an account: a blocked user cannot log in and every session ends now."""
    if blocked and user.id == actor.id:
        raise AccountError("Je kunt je eigen account niet blokkeren; vraag een andere beheerder.")
    if user.active == (not blocked):
        return
    user.active = not blocked
    end_all_sessions(user)
    user.password_reset_hash = None
    user.password_reset_expires_at = None
    record(session, "user_blocked" if blocked else "user_unblocked", actor=actor, subject=user.email)
    session.flush()


def password_reset_wait_minutes(session: Session, email: str, address: str) -> int:
    """Minutes until a new reset link may be requested for this address and e-mail, or 0.

    Counted on the audit log's ``password_reset_requested`` events (which refused requests do not
    add to) within ``PASSWORD_RESET_WINDOW_MINUTES``: per e-mail address, whether or not it has an
    account (so the limit tells nothing), and per client address.
    """
    config = current_app.config
    window = timedelta(minutes=int(config["PASSWORD_RESET_WINDOW_MINUTES"]))
    since = utcnow() - window
    requests = select(func.count(), func.min(AuditEvent.at)).where(
        AuditEvent.action == "password_reset_requested", AuditEvent.at >= since
    )
    for query, limit in (
        (requests.where(AuditEvent.subject == normalise_email(email)), config["PASSWORD_RESET_MAX_PER_ACCOUNT"]),
        (requests.where(AuditEvent.address == address), config["PASSWORD_RESET_MAX_PER_ADDRESS"]),
    ):
        count, oldest = session.execute(query).one()
        if count >= int(limit):
            return max(1, int((oldest + window - utcnow()).total_seconds() // 60) + 1)
    return 0


def request_password_reset(session: Session, email: str, address: str) -> int:
    """Send a reset link if the account exists; says nothing either way.

    Returns the minutes to wait when the rate limit refuses the request (nothing is sent), else 0.
    An account has one valid link: a new one replaces the previous one. The link is built from
    ``BASE_URL``, never from the request's Host header.
    """
    if minutes := password_reset_wait_minutes(session, email, address):
        record(session, "password_reset_limited", subject=normalise_email(email))
        session.flush()
        return minutes
    user = user_by_email(session, email)
    record(session, "password_reset_requested", actor=user, subject=normalise_email(email))
    session.flush()
    if user is None or not user.active:
        return 0
    token, digest = auth.new_token()
    minutes = int(current_app.config["PASSWORD_RESET_VALID_MINUTES"])
    user.password_reset_hash = digest
    user.password_reset_expires_at = utcnow() + timedelta(minutes=minutes)
    mail.send(
        session,
        user.email,
        "Nieuw wachtwoord instellen",
        "password_reset",
        user=user,
        link=url_for("accounts.reset_password", token=token, _external=True),
        minutes=minutes,
    )
    return 0


# --- invitations and roles -----------------------------------------------------------------------------


def invite(
    session: Session,
    actor: User,
    email: str,
    *,
    gemeente: Gemeente | None = None,
    membership_role: MembershipRole | None = None,
    network_role: NetworkRole | None = None,
) -> Invitation:
    email = normalise_email(email)
    if (gemeente is None) != (membership_role is None) or (gemeente is None) == (network_role is None):
        raise ValueError("an invitation is for a gemeente role or for a network role")
    existing = user_by_email(session, email)
    if existing is not None and gemeente is not None and existing.membership_in(gemeente.id) is not None:
        raise AccountError(f"{email} is al lid van {gemeente.name}. Wijzig de rol in de ledenlijst.")
    if existing is not None and network_role is not None and existing.has_network_role(network_role):
        raise AccountError(f"{email} heeft de rol {network_role.label} al.")
    token, digest = auth.new_token()
    invitation = Invitation(
        email=email,
        gemeente_id=gemeente.id if gemeente else None,
        membership_role=membership_role,
        network_role=network_role,
        token_hash=digest,
        invited_by_id=actor.id,
        expires_at=utcnow() + timedelta(days=int(current_app.config["INVITATION_VALID_DAYS"])),
    )
    session.add(invitation)
    session.flush()
    record(
        session,
        "invitation_sent",
        actor=actor,
        gemeente_id=invitation.gemeente_id,
        subject=email,
        obj=invitation,
        role=(membership_role or network_role).value,  # type: ignore[union-attr]
    )
    place = gemeente.name if gemeente else current_app.config["NETWORK_NAME"]
    mail.send(
        session,
        email,
        f"Uitnodiging: {place}",
        "invitation",
        invitation=invitation,
        inviter=actor,
        place=place,
        link=url_for("accounts.accept_invitation", token=token, _external=True),
        days=current_app.config["INVITATION_VALID_DAYS"],
    )
    return invitation


def open_invitation(session: Session, token: str) -> Invitation | None:
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == auth.token_hash(token)))
    if invitation is None or not invitation.is_open(utcnow()):
        return None
    return invitation


def accept_invitation(session: Session, invitation: Invitation, user: User) -> None:
    if user.email != invitation.email:
        raise AccountError("Deze uitnodiging is voor een ander e-mailadres.")
    invitation.accepted_at = utcnow()
    if invitation.gemeente_id is not None:
        assert invitation.membership_role is not None
        if user.membership_in(invitation.gemeente_id) is None:
            user.memberships.append(Membership(gemeente_id=invitation.gemeente_id, role=invitation.membership_role))
    else:
        assert invitation.network_role is not None
        if not user.has_network_role(invitation.network_role):
            user.network_roles.append(NetworkRoleGrant(role=invitation.network_role))
    record(
        session,
        "invitation_accepted",
        actor=user,
        gemeente_id=invitation.gemeente_id,
        subject=user.email,
        obj=invitation,
    )
    session.flush()


def create_user_from_invitation(session: Session, invitation: Invitation, name: str, password: str) -> User:
    if problem := auth.password_problem(password, invitation.email, name):
        raise AccountError(problem)
    user = User(email=invitation.email, name=name.strip(), password_hash=auth.hash_password(password))
    session.add(user)
    session.flush()
    accept_invitation(session, invitation, user)
    return user


def revoke_invitation(session: Session, actor: User, invitation: Invitation) -> None:
    invitation.revoked_at = utcnow()
    record(
        session,
        "invitation_revoked",
        actor=actor,
        gemeente_id=invitation.gemeente_id,
        subject=invitation.email,
        obj=invitation,
    )


def change_membership_role(session: Session, actor: User, membership: Membership, role: MembershipRole) -> None:
    if membership.role is role:
        return
    if membership.role is MembershipRole.COORDINATOR:
        _keep_a_coordinator(session, membership)
    old = membership.role
    membership.role = role
    record(
        session,
        "role_changed",
        actor=actor,
        gemeente_id=membership.gemeente_id,
        subject=membership.user.email,
        obj=membership,
        old=old.value,
        new=role.value,
    )
    session.flush()


def remove_membership(session: Session, actor: User, membership: Membership) -> None:
    if membership.role is MembershipRole.COORDINATOR:
        _keep_a_coordinator(session, membership)
    record(
        session,
        "role_revoked",
        actor=actor,
        gemeente_id=membership.gemeente_id,
        subject=membership.user.email,
        old=membership.role.value,
    )
    session.delete(membership)
    session.flush()


def _keep_a_coordinator(session: Session, membership: Membership) -> None:
    coordinators = session.scalar(
        select(func.count()).where(
            Membership.gemeente_id == membership.gemeente_id, Membership.role == MembershipRole.COORDINATOR
        )
    )
    if (coordinators or 0) <= 1:
        raise AccountError("Een gemeente heeft altijd minstens één coördinator. Maak eerst iemand anders coördinator.")


def grant_network_role(session: Session, actor: User, user: User, role: NetworkRole) -> None:
    if user.has_network_role(role):
        return
    user.network_roles.append(NetworkRoleGrant(role=role))
    record(session, "role_granted", actor=actor, subject=user.email, role=role.value)
    session.flush()


def revoke_network_role(session: Session, actor: User, user: User, role: NetworkRole) -> None:
    if role is NetworkRole.ADMIN and user.id == actor.id:
        raise AccountError("Je kunt je eigen beheerdersrol niet intrekken; vraag een andere beheerder.")
    for grant in list(user.network_roles):
        if grant.role is role:
            user.network_roles.remove(grant)
            record(session, "role_revoked", actor=actor, subject=user.email, role=role.value)
    session.flush()
