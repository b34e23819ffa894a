"""Security primitives: password hashes, login cookies, one-time tokens, TOTP, recovery codes."""

from __future__ import annotations

import hashlib
import io
import secrets
import time
import unicodedata
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pyotp
import qrcode
import qrcode.image.svg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from zxcvbn import zxcvbn

from peerreview import db
from peerreview.accounts.models import User

_hasher = PasswordHasher()
# A real hash to verify against when the account does not exist, so timing does not tell.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
# zxcvbn's cost grows with the length; beyond this many characters a password is strong anyway.
_STRENGTH_CHECKED_CHARS = 64
# zxcvbn score (0-4) a new password needs: 3 means "safely unguessable" (about 10^8 guesses or more).
MIN_PASSWORD_SCORE = 3


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


def password_problem(password: str, email: str, name: str = "") -> str | None:
    """A Dutch explanation of what is wrong with a new password, or None.

    Common and breached passwords are refused with zxcvbn's local lists (30,000 passwords from
    breaches, plus names and common words; no network): a password it can guess in fewer than about
    10^8 tries (score below 3) is refused, as are passwords built from the e-mail address, the name
    or the site's own name.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Kies een wachtwoord van hoogstens {MAX_PASSWORD_LENGTH} tekens."
    if password.lower() == email.lower() or password.lower() in email.lower():
        return "Kies een wachtwoord dat niet op je e-mailadres lijkt."
    if len(set(password)) < 5:
        return "Kies een wachtwoord met meer verschillende tekens."
    own_words = [*email.replace("@", ".").split("."), *name.split(), *current_app.config["NETWORK_NAME"].split()]
    if zxcvbn(password[:_STRENGTH_CHECKED_CHARS], user_inputs=own_words)["score"] < MIN_PASSWORD_SCORE:
        return (
            "Dit wachtwoord is te makkelijk te raden: het komt voor in lijsten van veelgebruikte of "
            "uitgelekte wachtwoorden, of het volgt een voorspelbaar patroon. Kies bijvoorbeeld een zin "
            "van een paar woorden die niet bij elkaar horen."
        )
    return None


def safe_next(target: str | None) -> str | None:
    r"""``target`` if it is a path on this site, else None (then the caller goes home).

    Browsers strip tabs and newlines from URLs and read a backslash as a slash, so ``/<TAB>/evil.example``
    and ``/\evil.example`` would leave the site: any control or whitespace character, any backslash, a
    scheme, a host or a leading ``//`` is refused.
    """
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch.isspace() or unicodedata.category(ch)[0] in "CZ" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return target


# Built once: loader options are objects that SQLAlchemy would otherwise construct on every request.
_USER_OPTIONS = (joinedload(User.memberships), joinedload(User.network_roles))


def load_user(ident: str) -> User | None:
    """Flask-Login user loader: the cookie holds ``id:session_token``."""
    user_id, _, token = ident.partition(":")
    if not user_id.isdigit():
        return None
    # one query per request: memberships and roles decide almost every page
    user = db.session().get(User, int(user_id), options=_USER_OPTIONS)
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


def user_for_reset_token(token: str) -> User | None:
    """The account whose one current reset link this is, while it is valid."""
    if len(token) > 100:
        return None
    user: User | None = db.session().scalar(select(User).where(User.password_reset_hash == token_hash(token)))
    if (
        user is None
        or not user.active
        or user.password_reset_expires_at is None
        or user.password_reset_expires_at <= datetime.now(UTC)
    ):
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
