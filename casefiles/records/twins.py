"""French twins: the text in the reader's language, with the language it is really in."""

from __future__ import annotations


def pick(locale: str, english: str | None, french: str | None) -> tuple[str, str]:
    """(text, its language): the French twin for a French reader when written, otherwise the English text; a text
    written only in French is shown to everyone."""
    english, french = (english or "").strip(), (french or "").strip()
    if locale == "fr" and french:
        return french, "fr"
    if english:
        return english, "en"
    return french, "fr" if french else "en"
