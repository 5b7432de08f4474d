"""Words of a text, normalised for a portable inverted index: lowercase, accents folded."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[0-9a-z]+")
MAX_TOKEN = 64


def fold(text: str) -> str:
    """Lowercase and strip accents: 'Élève' -> 'eleve'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def query_terms(query: str | None, limit: int = 8) -> list[str]:
    """The words of a search query, in order, at most `limit` of them."""
    if not query:
        return []
    seen: list[str] = []
    for word in _WORD.findall(fold(query)):
        word = word[:MAX_TOKEN]
        if word not in seen:
            seen.append(word)
    return seen[:limit]
