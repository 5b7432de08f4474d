"""The TOTP second factor (RFC 6238) and its single-use recovery codes."""

from __future__ import annotations

import secrets
import time
from typing import Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from casefiles.audit.services import record
from casefiles.auth.models import RecoveryCode, User
from casefiles.auth.services import AccountError
from casefiles.db import utcnow
from casefiles.extensions import db

ISSUER = "Casefiles"
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)
# Recovery codes are random (~50 bits), so a lighter argon2id than for passwords keeps checking ten of them quick.
_code_hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


def _code_matches(stored: str, code: str) -> bool:
    try:
        return _code_hasher.verify(stored, code)
    except (VerificationError, InvalidHashError):
        return False


def new_secret() -> str:
    """A fresh random base32 secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str, issuer: str = ISSUER) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_data_url(uri: str) -> str:
    """The QR code of the URI as a PNG data: URL (allowed by our CSP, no inline script or style).

    A PNG, not an inline SVG: an SVG inside a data: URL renders only with its XML namespace, which the inline
    form leaves out, so the code showed as a broken image."""
    import segno  # only when someone sets up two-factor sign-in

    return segno.make(uri, error="m").png_data_uri(scale=5, border=4, dark="#000", light="#fff")


def _clean_code(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time-step this 6-digit code belongs to (current one, or one step of clock drift), or None."""
    code = _clean_code(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    step = int(now // totp.interval)
    for candidate in (step, step - 1, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def enable_totp(user: User, *, secret: str, code: str, actor: Any) -> list[str]:
    """Turn the second factor on once the person proves their app shows the right code; returns recovery codes."""
    step = _matching_step(secret, code)
    if step is None:
        raise AccountError("code", _l("That code is not right. Check the time on your phone and try again."))
    user.totp_secret = secret
    user.totp_last_step = step
    user.totp_enabled_at = utcnow()
    codes = _replace_recovery_codes(user)
    db.session.flush()
    record("user.totp_enable", actor=actor, object_type="user", object_id=user.id, summary=user.email)
    return codes


def disable_totp(user: User, *, actor: Any) -> None:
    """Turn the second factor off and forget the recovery codes."""
    user.totp_secret = None
    user.totp_last_step = None
    user.totp_enabled_at = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()
    record("user.totp_disable", actor=actor, object_type="user", object_id=user.id, summary=user.email)


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_code_hasher.hash(raw)))
    return codes


def regenerate_recovery_codes(user: User, *, actor: Any) -> list[str]:
    """New recovery codes; the old ones stop working."""
    codes = _replace_recovery_codes(user)
    db.session.flush()
    record("user.recovery_codes", actor=actor, object_type="user", object_id=user.id, summary=user.email)
    return codes


def verify_second_factor(user: User, code: str, now: float | None = None) -> bool:
    """A current TOTP code not used before (its time-step must be newer than the last one), or an unused
    recovery code. Either is spent on success, by a compare-and-set in the database: of two requests sending the
    same code at the same moment, exactly one finds it unspent."""
    if not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, code, now)
    if step is not None:
        return _spend_time_step(user, step)
    cleaned = _clean_code(code)
    if len(cleaned) != 10:
        return False
    for row in db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ):
        if _code_matches(row.code_hash, cleaned):
            if not _spend_recovery_code(row):
                return False  # spent a moment ago by another request
            record("user.recovery_code_used", actor=user, object_type="user", object_id=user.id, summary=user.email)
            return True
    return False


def _spend_time_step(user: User, step: int) -> bool:
    """Move the last used time-step forward to `step` only if it is still older: the row decides, not our copy."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False  # replay of a code already used (or an older one), here or in a concurrent request
    set_committed_value(user, "totp_last_step", step)
    return True


def _spend_recovery_code(row: RecoveryCode) -> bool:
    """Mark the recovery code used only if it is still unused."""
    now = utcnow()
    result = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    set_committed_value(row, "used_at", now)
    return True


def remaining_recovery_codes(user: User) -> int:
    """How many recovery codes are still unused."""
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        ).all()
    )
