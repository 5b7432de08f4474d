"""The verbs of briefs: generate a brief of a case (cached by case version), request and build a dossier."""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from casefiles.audit.services import record
from casefiles.briefs import context as ctx
from casefiles.briefs.kinds import FILE_SLUGS, KIND_LABELS, KINDS, LEGAL, ONE_PAGER, PUBLIC  # noqa: F401 (re-exported)
from casefiles.briefs.rendering import RenderError, RenderLimits, render_pdf
from casefiles.cases.models import Case
from casefiles.db import utcnow


class BriefError(Exception):
    """A brief cannot be produced; ``message`` is shown to the user."""

    def __init__(self, message: Any, reason: str = "error") -> None:
        super().__init__(str(message))
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class Brief:
    """A generated PDF and how it was obtained."""

    pdf: bytes
    filename: str
    cached: bool
    kind: str
    language: str


def limits(dossier: bool = False) -> RenderLimits:
    """Time and memory bounds from settings: a brief is typeset while the user waits, a dossier in the background."""
    config = current_app.config
    if dossier:
        return RenderLimits(
            timeout=float(config.get("BRIEF_DOSSIER_TIMEOUT_SECONDS", 600)),
            memory_mb=int(config.get("BRIEF_DOSSIER_MEMORY_LIMIT_MB", 2048)),
        )
    return RenderLimits(
        timeout=float(config.get("BRIEF_TIMEOUT_SECONDS", 30)),
        memory_mb=int(config.get("BRIEF_MEMORY_LIMIT_MB", 1024)),
    )


def storage_root() -> Path:
    """Where generated PDFs live (the instance folder unless configured)."""
    config = current_app.config
    root = config.get("BRIEF_STORAGE") or config.get("INSTANCE_STORAGE") or current_app.instance_path
    return Path(root) / "briefs"


def render_html(template: str, language: str, **values: Any) -> str:
    """Render a PDF template in the brief's language.

    Typography follows the language of each text, not the page's: French texts arrive typeset (context.Text),
    translated labels carry theirs from the catalog, and an English text quoted on a French page stays English
    and is marked lang="en" by the template's ``text()`` helper.
    """
    with force_locale(language):
        return render_template(
            template,
            lang=language,
            org=ctx.organization(language),
            labels=ctx.labels(),
            text=ctx.lang_marker(language),
            **values,
        )


def _digest(values: dict[str, Any]) -> str:
    encoded = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()[:16]


def _cache_path(case: Case, kind: str, language: str, digest: str) -> Path:
    return storage_root() / f"case-{case.id}" / f"v{case.version}-{kind}-{language}-{digest}.pdf"


def _store(path: Path, pdf: bytes) -> None:
    """Write the PDF and drop older copies of the same brief (other versions or inputs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _, kind, language, _digest_part = path.stem.split("-", 3)
    for old in path.parent.glob(f"v*-{kind}-{language}-*.pdf"):
        if old != path:
            old.unlink(missing_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pdf)
    tmp.replace(path)


def _render_checked(html: str, dossier: bool = False) -> bytes:
    try:
        return render_pdf(html, limits(dossier))
    except RenderError as error:
        current_app.logger.warning("Brief rendering stopped: %s", error.reason)
        if error.reason == "timeout":
            raise BriefError(_l("This brief took too long to typeset and was stopped."), "timeout") from error
        if error.reason == "memory":
            raise BriefError(_l("This brief needed too much memory and was stopped."), "memory") from error
        raise BriefError(_l("The PDF could not be produced."), "error") from error


def page_count(pdf: bytes) -> int:
    """Number of pages of a PDF."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _build(case: Case, kind: str, language: str) -> tuple[str, dict[str, Any], Any]:
    """(template, values, renderer) for a brief; values hold no ORM objects."""
    if kind == LEGAL:
        return "briefs/pdf/legal.html", {"case": ctx.legal_context(case, language)}, None
    if kind == PUBLIC:
        values = ctx.public_context(case, language)
        if values is None:
            raise BriefError(_l("Publish the case before printing a public brief."), "unpublished")
        return "briefs/pdf/public.html", {"pub": values}, None
    return "briefs/pdf/onepager.html", {"brief": ctx.one_pager_context(case, 0, language)}, None


def generate_brief(case: Case, *, actor: Any, kind: str, language: str) -> Brief:
    """A PDF brief of the case; served from cache when the case and its linked data are unchanged."""
    if kind not in KINDS:
        raise BriefError(_l("Unknown kind of brief."))
    if language not in current_app.config["LANGUAGES"]:
        raise BriefError(_l("Unknown language."))
    with force_locale(language):
        template, values, _ = _build(case, kind, language)
        org = ctx.organization(language)
    digest = _digest({"template": template, "values": values, "org": org})
    path = _cache_path(case, kind, language, digest)
    filename = f"{case.reference}-{FILE_SLUGS[kind]}-{language}.pdf"
    cached = path.is_file()
    if cached:
        pdf = path.read_bytes()
    else:
        generated = {
            "by": getattr(actor, "display_name", "") if actor is not None else "",
            "at": _now_display(language),
        }
        if kind == ONE_PAGER:
            pdf = _one_page(case, language, generated)
        else:
            pdf = _render_checked(render_html(template, language, generated=generated, **values))
        _store(path, pdf)
    record(
        "brief.generate",
        actor=actor,
        object_type="case",
        object_id=case.id,
        case_id=case.id,
        case_version=case.version,
        summary=f"{FILE_SLUGS[kind]} ({language})",
        changes={"type": kind, "language": language, "cached": cached},
    )
    return Brief(pdf=pdf, filename=filename, cached=cached, kind=kind, language=language)


def _one_page(case: Case, language: str, generated: dict[str, str]) -> bytes:
    """Condense until the one-pager fits on one page (the template also clips as a last resort)."""
    pdf = b""
    for level in range(len(ctx.ONE_PAGER_LEVELS)):
        with force_locale(language):
            values = ctx.one_pager_context(case, level, language)
        html = render_html("briefs/pdf/onepager.html", language, brief=values, generated=generated, level=level)
        pdf = _render_checked(html)
        if page_count(pdf) == 1 and _ends_on_page(pdf, generated["at"]):
            return pdf
    return pdf


def _ends_on_page(pdf: bytes, last_words: str) -> bool:
    """The one-pager's last line (the contact block's date) was typeset, not clipped by its fixed box."""
    from pypdf import PdfReader

    text = "".join((PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or "").split())
    return "".join(last_words.split()) in text


def _now_display(language: str) -> str:
    from casefiles.dates import format_moment

    with force_locale(language):
        return format_moment(utcnow(), zone=True)


def safe_filename(text: str) -> str:
    """A download name from a title: letters, digits and dashes."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:80] or "dossier"
