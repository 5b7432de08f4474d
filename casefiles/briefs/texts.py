"""Texts of the briefs with the language each is written in: a French brief may quote an English text that has no
French twin, marked so (lang="en" on the page, /Lang in the PDF structure), with the typography of its own
language; dates in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from casefiles.briefs.typography import french_html, french_text
from casefiles.markdown import render_markdown
from casefiles.records.twins import pick


@dataclass(frozen=True)
class Text:
    """A text with the language it is written in: a French brief may quote an English text with no French twin.

    Templates show it with ``text(value)``, which marks it ``lang="en"`` on a French page (and the PDF structure
    element with /Lang), so a screen reader switches voice and the typography stays English.
    """

    value: str | Markup
    lang: str

    def __str__(self) -> str:
        return str(self.value)

    def __html__(self) -> str:
        return str(escape(self.value))

    def __bool__(self) -> bool:
        return bool(str(self.value).strip())

    def __len__(self) -> int:
        return len(str(self.value))


def local_text(language: str, english: str | None, french: str | None, clip: int | None = None) -> Text:
    """A plain text in the brief's language when written, with the typography of its own language."""
    value, lang = pick(language, english, french)
    if clip is not None:
        value = _clip(value, clip)
    return Text(french_text(value) if lang == "fr" else value, lang)


def local_markdown(language: str, english: str | None, french: str | None) -> Text:
    """A Markdown text rendered (sanitised) in the brief's language when written, typography of its language."""
    value, lang = pick(language, english, french)
    html = str(render_markdown(value))
    return Text(Markup(french_html(html) if lang == "fr" else html), lang)  # noqa: S704 - sanitised by nh3


def local_lines(language: str, english: list[str] | None, french: list[str] | None) -> list[Text]:
    """A list of lines (asks, targets) in French when the French list is written, otherwise in English."""
    english_lines = [str(x).strip() for x in (english or []) if str(x).strip()]
    french_lines = [str(x).strip() for x in (french or []) if str(x).strip()]
    if language == "fr" and french_lines:
        return [Text(french_text(x), "fr") for x in french_lines]
    if english_lines:
        return [Text(x, "en") for x in english_lines]
    return [Text(french_text(x), "fr") for x in french_lines]


def lang_marker(page_language: str) -> Any:
    """The ``text`` helper of PDF templates: a Text in another language than the page's gets its own lang."""

    def text(value: Any, block: bool = False) -> Markup:
        if value is None:
            return Markup("")
        lang = getattr(value, "lang", page_language)
        content = escape(value)
        if lang == page_language:
            return content
        tag = "div" if block else "span"
        return Markup(f'<{tag} lang="{lang}">{content}</{tag}>')  # noqa: S704 - content escaped or sanitised

    return text


def display_date(value: Any) -> str:
    """A date, a partial date or a datetime in the current locale."""
    from casefiles.web import display_date as _display

    return _display(value)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
