"""Keys that find the same person twice: a name in any order, accents and case folded; an email; a phone's digits."""

from __future__ import annotations

import re

from casefiles.search import fold

_NAME_WORD = re.compile(r"[0-9a-z]+")
# Enough of a phone number to tell people apart, few enough that "+1 514…" and "514…" (or "+33 1…" and "01…")
# give the same key: the trunk prefix and the country code are what differ between two ways of writing it.
PHONE_DIGITS = 9
MIN_PHONE_DIGITS = 7
NAME_KEY_LENGTH = 200
EMAIL_KEY_LENGTH = 254
PHONE_KEY_LENGTH = 20


def name_key(name: str | None) -> str:
    """'Tremblay, Jeanne-Marie' and 'jeanne marie TREMBLAY' -> 'jeanne marie tremblay'; '' for no name."""
    words = sorted(_NAME_WORD.findall(fold(name or "")))
    return " ".join(words)[:NAME_KEY_LENGTH]


def email_key(email: str | None) -> str:
    """An email compared without case or surrounding spaces; '' when it is not an address."""
    text = (email or "").strip().casefold()
    return text[:EMAIL_KEY_LENGTH] if "@" in text else ""


def phone_key(phone: str | None) -> str:
    """The last digits of a phone number; '' when too few digits were given to be a number."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit() and ch.isascii())
    if len(digits) < MIN_PHONE_DIGITS:
        return ""
    return digits[-PHONE_DIGITS:]
