"""French typography, applied to French texts only (never to an English text quoted on a French page).

One rule, the one docs/translating.md gives translators (Canadian usage): a non-breaking space before the colon
and inside « », no space at all before ; ! ?.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
NNBSP = "\u202f"

_TEXT = re.compile(r">([^<]+)<")
_ENTITY = re.compile(r"(&#?\w+;)")
_RAW_BLOCKS = re.compile(r"(<style\b.*?</style>)", re.DOTALL | re.IGNORECASE)


def french_text(text: str) -> str:
    """Apply French spacing rules to a run of text (no markup inside)."""
    # A space before the colon becomes non-breaking, and one is added where the writer left none (only before a
    # space or the end of the text: never inside a URL or a time like 10:30).
    text = re.sub(r"[ \t\u202f]+:", NBSP + ":", text)
    text = re.sub(r"(?<=\w):(?=\s|$)", NBSP + ":", text)
    # No space before ; ! ? (Canadian usage): a space the writer typed there is removed.
    text = re.sub(r"[ \t\u00a0\u202f]+([;!?])", r"\1", text)
    # Guillemets: a non-breaking space inside, whether or not the writer typed one.
    text = re.sub(r"«[ \t\u00a0\u202f]*", "«" + NBSP, text)
    text = re.sub(r"[ \t\u00a0\u202f]*»", NBSP + "»", text)
    return text


def french_html(html: str) -> str:
    """Apply french_text to every text node of an HTML document (attributes and <style> untouched)."""
    pieces = _RAW_BLOCKS.split(html)
    for index, piece in enumerate(pieces):
        if index % 2 == 1:
            continue
        pieces[index] = _TEXT.sub(lambda m: ">" + _french_node(m.group(1)) + "<", piece)
    return "".join(pieces)


def _french_node(text: str) -> str:
    """french_text on an escaped text node, leaving character references (&amp; &#39;) intact."""
    parts = _ENTITY.split(text)
    if len(parts) == 1:
        return french_text(text)
    # Replace each reference by a placeholder character so the rules see a word boundary, then restore it.
    marker = "\ue000"
    refs = parts[1::2]
    joined = french_text(marker.join(parts[0::2]))
    out = joined.split(marker)
    return "".join(piece + (refs[i] if i < len(refs) else "") for i, piece in enumerate(out))
