"""The organization's own details printed on briefs: name in both languages, logo, contact block, page size.

Stored as administrator settings (one row per key); the configuration's ORGANIZATION_* values are the defaults.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from flask import current_app

from casefiles.auth.services import get_setting, set_setting

PREFIX = "organization."
TEXT_KEYS = ("name_en", "name_fr", "address", "phone", "email", "website")
PAGE_SIZES = ("letter", "a4")
DEFAULT_PAGE_SIZE = "letter"
LOGO_KEY = "logo"
MAX_LOGO_BYTES = 1_000_000


@dataclass(frozen=True)
class OrganizationDetails:
    """What an administrator entered (empty strings where nothing was)."""

    name_en: str = ""
    name_fr: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    page_size: str = DEFAULT_PAGE_SIZE
    logo: str = ""  # a data: URL of a checked, re-encoded PNG, or ""

    def name(self, language: str) -> str:
        """The name in this language, falling back to the other one, then to the configured name."""
        first, second = (self.name_fr, self.name_en) if language == "fr" else (self.name_en, self.name_fr)
        return first or second or current_app.config.get("ORGANIZATION_NAME") or "Casefiles"

    def name_language(self, language: str) -> str:
        if language == "fr" and not self.name_fr and self.name_en:
            return "en"
        if language == "en" and not self.name_en and self.name_fr:
            return "fr"
        return language


def details() -> OrganizationDetails:
    """The stored details (never raises when the settings table is empty)."""
    values: dict[str, Any] = {key: get_setting(PREFIX + key) for key in TEXT_KEYS}
    if not values["email"] and not values["address"]:
        values["address"] = current_app.config.get("ORGANIZATION_CONTACT") or ""
    page_size = get_setting(PREFIX + "page_size") or current_app.config.get("BRIEF_PAGE_SIZE") or DEFAULT_PAGE_SIZE
    values["page_size"] = page_size if page_size in PAGE_SIZES else DEFAULT_PAGE_SIZE
    values["logo"] = get_setting(PREFIX + LOGO_KEY)
    return OrganizationDetails(**values)


def update_details(*, actor: Any, changes: dict[str, Any]) -> None:
    """Save the organization's details (each change audited); the caller commits."""
    for key in (*TEXT_KEYS, "page_size"):
        if key in changes:
            value = " ".join(str(changes[key] or "").split()) if key != "address" else str(changes[key] or "").strip()
            if key == "page_size" and value not in PAGE_SIZES:
                continue
            set_setting(PREFIX + key, value, actor=actor)


def set_logo(*, actor: Any, png: bytes | None) -> None:
    """Store a logo already checked and re-encoded as PNG (None removes it); the caller commits."""
    value = "data:image/png;base64," + base64.b64encode(png).decode() if png else ""
    set_setting(PREFIX + LOGO_KEY, value, actor=actor)


class LogoRefused(ValueError):
    """The uploaded logo is not an accepted image; ``message`` is shown to the administrator."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


LOGO_BOX = (600, 200)


def checked_logo(path: Any, size: int) -> bytes:
    """The uploaded file, checked as the documents' images are (type from content, decoded whole), re-encoded
    as a fresh PNG no larger than 600 x 200 (no EXIF, GPS or text chunks carried over)."""
    import io

    from flask_babel import lazy_gettext as _l
    from PIL import Image, ImageOps

    from casefiles.documents.detection import IMAGES, UploadRefused, detect

    if size > MAX_LOGO_BYTES:
        raise LogoRefused(_l("The logo is too large (1 MB at most)."))
    try:
        detected = detect(path, size)
    except UploadRefused as error:
        raise LogoRefused(error.message) from error
    if detected.mime_type not in IMAGES:
        raise LogoRefused(_l("The logo must be a PNG, JPEG or other accepted image."))
    with Image.open(path) as image:
        picture = ImageOps.exif_transpose(image).convert("RGBA")
    picture.thumbnail(LOGO_BOX)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()
