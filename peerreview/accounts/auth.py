"""Security primitives: password hashes, login cookies, one-time tokens, TOTP, recovery codes."""

from __future__ import annotations

import hashlib
import io
import secrets
import time
from datetime import UTC, datetime
from typing import Any

import pyotp
import qrcode
import qrcode.image.svg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import joinedload

from peerreview import db
from peerreview.accounts.models import User

_hasher = PasswordHasher()
# A real hash to verify against when the account does not exist, so timing does not tell.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    if user is None or not user.password_hash:
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def password_problem(password: str, email: str) -> str | None:
    """A Dutch explanation of what is wrong with a new password, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens."
    if password.lower() == email.lower() or password.lower() in email.lower():
        return "Kies een wachtwoord dat niet op je e-mailadres lijkt."
    if len(set(password)) < 5:
        return "Kies een wachtwoord met meer verschillende tekens."
    return None


def load_user(ident: str) -> User | None:
    """Flask-Login user loader: the cookie holds ``id:session_token``."""
    user_id, _, token = ident.partition(":")
    if not user_id.isdigit():
        return None
    # one query per request: memberships and roles decide almost every page
    user = db.session().get(User, int(user_id), options=[joinedload(User.memberships), joinedload(User.network_roles)])
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    return user


# --- one-time tokens ----------------------------------------------------------------------------------


def new_token() -> tuple[str, str]:
    """A random URL token and the hash to store."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def password_reset_token(user: User) -> str:
    # Bound to the session token, which rotates when the password changes: the link works once.
    return _reset_serializer().dumps({"u": user.id, "s": user.session_token})


def user_for_reset_token(token: str) -> User | None:
    max_age = int(current_app.config["PASSWORD_RESET_VALID_MINUTES"]) * 60
    try:
        data: dict[str, Any] = _reset_serializer().loads(token, max_age=max_age)
    except BadSignature:
        return None
    user = db.session().get(User, data.get("u"))
    if user is None or not user.active or user.session_token != data.get("s"):
        return None
    return user


# --- two-factor login -----------------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=current_app.config["NETWORK_NAME"])


def totp_qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def totp_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The 30-second time step a code belongs to (allowing one step of clock drift), or None."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    moment = time.time() if now is None else now
    for drift in (0, -1, 1):
        at = moment + drift * totp.interval
        if secrets.compare_digest(totp.at(at), code):
            return totp.timecode(datetime.fromtimestamp(at, UTC))
    return None


def new_recovery_codes(count: int = 10) -> list[str]:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return ["-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)) for _ in range(count)]


def normalise_recovery_code(code: str) -> str:
    raw = "".join(ch for ch in code.lower() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))
