"""The photo of a case: uploaded by staff, checked like a document image (casefiles.documents.detection), kept only
as a public copy re-encoded without metadata (EXIF, GPS, XMP, comments), shown on the public page while the person
it shows consents to be named in full (a face names a person as surely as their name; initials, a pseudonym or no
consent hide it at once). Pillow is imported on first use only."""

from __future__ import annotations

import base64
import hashlib
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casefiles.audit.services import record
from casefiles.authz import can_publish
from casefiles.cases.models import Case
from casefiles.enums import NameConsent
from casefiles.extensions import db
from casefiles.people.models import Person
from casefiles.public.models import CasePhoto
from casefiles.text_safety import has_control_characters

MAX_BYTES = 15 * 1024 * 1024
MAX_SIDE = 1600  # the public copy's longest side, in pixels
MAX_ALT = 300


class PhotoRefused(ValueError):
    """The photo or its description is not accepted; the message says why."""

    def __init__(self, field: str, message: object) -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message


@dataclass(frozen=True)
class PublicPhoto:
    """What the public page shows of a photo: plain values only."""

    alt: str
    alt_language: str
    width: int
    height: int
    etag: str


def _public_copy(stream: IO[bytes]) -> tuple[bytes, str, int, int]:
    """Check the upload like a document image, then re-encode it without metadata, at most MAX_SIDE wide or high."""
    from PIL import Image, ImageOps

    from casefiles.documents.detection import IMAGES, MAX_IMAGE_PIXELS, UploadRefused, detect

    with tempfile.NamedTemporaryFile(suffix=".upload") as scratch:
        size = 0
        while chunk := stream.read(1024 * 1024):
            size += len(chunk)
            if size > MAX_BYTES:
                raise PhotoRefused("photo", _l("The photo is larger than 15 MB. Nothing was saved."))
            scratch.write(chunk)
        scratch.flush()
        try:
            detected = detect(Path(scratch.name), size)
        except UploadRefused as refused:
            raise PhotoRefused("photo", refused.args[0] if refused.args else refused) from refused
        if not detected.is_image:
            raise PhotoRefused("photo", _l("Choose a photo: a JPEG, PNG, WebP or GIF image."))
        Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
        with Image.open(scratch.name) as image:
            image.seek(0)
            picture = ImageOps.exif_transpose(image)  # the orientation the EXIF asked for, then no EXIF at all
            picture.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            if IMAGES[detected.mime_type] == "JPEG":
                picture.convert("RGB").save(out, format="JPEG", quality=88)
                mime = "image/jpeg"
            else:
                mode = "RGBA" if picture.mode in ("RGBA", "LA", "P") else "RGB"
                picture.convert(mode).save(out, format="PNG", optimize=True)
                mime = "image/png"
            return out.getvalue(), mime, picture.width, picture.height


def _clean_alt(value: str | None, field: str) -> str:
    text = " ".join((value or "").split())
    if has_control_characters(text):
        raise PhotoRefused(field, _l("Remove the control characters from the description."))
    if len(text) > MAX_ALT:
        raise PhotoRefused(field, _l("Keep the description under 300 characters."))
    return text


def set_photo(
    case: Case, *, actor: Any, stream: IO[bytes] | None, person_id: int | None, alt: str, alt_fr: str = ""
) -> CasePhoto:
    """Put (or replace) the case's photo and its description in both languages; audited. Without a new file, only
    the person and the description change."""
    if actor is not None and not can_publish(actor):
        raise PhotoRefused("photo", _l("Only staff and administrators choose the public photo."))
    alt, alt_fr = _clean_alt(alt, "alt"), _clean_alt(alt_fr, "alt_fr")
    if not alt and not alt_fr:
        raise PhotoRefused("alt", _l("Describe the photo for people who cannot see it."))
    person = db.session.get(Person, person_id) if person_id else None
    if person is None or person.case_id != case.id:
        raise PhotoRefused("person_id", _l("Choose the person the photo shows."))
    photo = db.session.scalar(select(CasePhoto).where(CasePhoto.case_id == case.id))
    if stream is None and photo is None:
        raise PhotoRefused("photo", _l("Choose a photo: a JPEG, PNG, WebP or GIF image."))
    before = _snapshot(photo) if photo else {}
    if photo is None:
        photo = CasePhoto(case_id=case.id, created_by_id=getattr(actor, "id", None))
        db.session.add(photo)
    if stream is not None:
        data, mime, width, height = _public_copy(stream)
        photo.image_base64 = base64.b64encode(data).decode("ascii")
        photo.mime_type, photo.width, photo.height = mime, width, height
        photo.sha256 = hashlib.sha256(data).hexdigest()
    photo.person_id, photo.alt, photo.alt_fr = person.id, alt, alt_fr
    db.session.flush()
    after = _snapshot(photo)
    record(
        "case.photo_set",
        actor=actor,
        object_type="casephoto",
        object_id=photo.id,
        case_id=case.id,
        case_version=case.version,
        summary=case.title,
        changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
    )
    return photo


def _snapshot(photo: CasePhoto) -> dict[str, Any]:
    return {"person_id": photo.person_id, "alt": photo.alt, "alt_fr": photo.alt_fr, "sha256": photo.sha256}


def remove_photo(case: Case, *, actor: Any) -> bool:
    """Take the photo off the case (and off the public page at once); audited."""
    if actor is not None and not can_publish(actor):
        raise PhotoRefused("photo", _l("Only staff and administrators choose the public photo."))
    photo = db.session.scalar(select(CasePhoto).where(CasePhoto.case_id == case.id))
    if photo is None:
        return False
    record(
        "case.photo_remove",
        actor=actor,
        object_type="casephoto",
        object_id=photo.id,
        case_id=case.id,
        case_version=case.version,
        summary=case.title,
        changes={"sha256": [photo.sha256, None]},
    )
    db.session.delete(photo)
    db.session.flush()
    return True


def photo_of(case_id: int) -> CasePhoto | None:
    return db.session.scalar(select(CasePhoto).where(CasePhoto.case_id == case_id))


def image_bytes(photo: CasePhoto) -> bytes:
    return base64.b64decode(photo.image_base64)


def shown_publicly(photo: CasePhoto | None) -> bool:
    """A photo is public while the person it shows consents to be named in full."""
    if photo is None or photo.person_id is None:
        return False
    person = db.session.get(Person, photo.person_id)
    return person is not None and person.name_consent == NameConsent.FULL_NAME.value


def public_photo(case_id: int, locale: str) -> PublicPhoto | None:
    """The photo as the public page shows it, or None (no photo, or no consent)."""
    photo = photo_of(case_id)
    if photo is None or not shown_publicly(photo):
        return None
    if locale == "fr" and photo.alt_fr:
        alt, language = photo.alt_fr, "fr"
    else:
        alt, language = (photo.alt, "en") if photo.alt else (photo.alt_fr, "fr")
    return PublicPhoto(alt=alt, alt_language=language, width=photo.width, height=photo.height, etag=photo.sha256[:32])
