"""What the index stores for a text, what a query asks for, and where a text matched (for snippets).

A text is indexed as three runs of the same words: English stems, French stems, then the folded words
themselves. A query word matches any of its two stems or itself; a phrase matches in any one run; a prefix
(`suspen*`) matches the start of any indexed term. Only [0-9a-z] words ever reach the engine's query syntax.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from typing import Any

from casefiles.search import MAX_TOKEN, fold

_WORD = re.compile(r"[0-9a-z]+")
# A text cut by its words (the separators between them kept): how a snippet reads the text as written.
_WORD_SPLIT = re.compile(r"(\w+)", re.UNICODE)
_QUERY_PART = re.compile(r'["“«]([^"”»]*)["”»]?|(\S+)')
MAX_CLAUSES = 8
MAX_PHRASE_WORDS = 8
PAGE_BREAK = "\f"


def _stemmer(language: str) -> Any:
    """This thread's Snowball stemmer of a language (a stemmer keeps the word it works on: threads never share
    one)."""
    found = getattr(_THREAD, language, None)
    if found is None:
        found = _stemmer_class(language)()
        setattr(_THREAD, language, found)
    return found


_THREAD = threading.local()


@lru_cache(maxsize=2)
def _stemmer_class(language: str) -> Any:
    """The Snowball stemmer class of a language, loaded on first use (not when a web worker starts).

    The package's own `__init__` imports the stemmers of its 33 languages (3 MB a worker keeps); only the English
    and French modules are loaded here, from the package's folder under a private name."""
    import importlib
    import importlib.util
    import sys
    import types

    if _PACKAGE not in sys.modules:
        spec = importlib.util.find_spec("snowballstemmer")
        package = types.ModuleType(_PACKAGE)
        package.__path__ = list(spec.submodule_search_locations or [])  # type: ignore[union-attr]
        sys.modules[_PACKAGE] = package
    name, cls = {"en": ("english_stemmer", "EnglishStemmer"), "fr": ("french_stemmer", "FrenchStemmer")}[language]
    return getattr(importlib.import_module(f"{_PACKAGE}.{name}"), cls)


_PACKAGE = "casefiles_snowball"


@lru_cache(maxsize=8192)
def stem(word: str, language: str) -> str:
    """The stem of a folded word in English ('en') or French ('fr')."""
    return _stemmer(language).stemWord(word)[:MAX_TOKEN]


def words(text: str | None) -> list[str]:
    """The folded words of a text, in order."""
    return [w[:MAX_TOKEN] for w in _WORD.findall(fold(text or ""))]


def index_terms(text: str | None) -> str:
    """The string the engine indexes for a text: English stems, French stems, then the folded words.

    A long text (a document's page may hold 500,000 characters) is read a piece at a time, so that at most one
    piece's words are held as separate strings while the three runs are written."""
    if not text:
        return ""
    runs: tuple[list[str], list[str], list[str]] = ([], [], [])
    for piece in _pieces(text):
        found = words(piece)
        if found:
            runs[0].append(" ".join([stem(w, "en") for w in found]))
            runs[1].append(" ".join([stem(w, "fr") for w in found]))
            runs[2].append(" ".join(found))
    if not runs[2]:
        return ""
    return " ".join(chain(*runs))


def _pieces(text: str, size: int = 20_000) -> Iterator[str]:
    """The text in pieces of about `size` characters, each cut after a space (never inside a word)."""
    start = 0
    while start < len(text):
        end = start + size
        if end < len(text):
            space = text.find(" ", end)
            end = len(text) if space < 0 else space + 1
        yield text[start:end]
        start = end


@dataclass(frozen=True)
class Clause:
    """One part of a query that every result must contain: a word, a phrase of words, or a prefix."""

    words: tuple[str, ...]
    prefix: bool = False

    def alternatives(self) -> list[tuple[str, ...]]:
        """The term sequences that satisfy this clause (stems in each language, then the words as typed)."""
        if self.prefix:
            return [self.words]
        options: list[tuple[str, ...]] = []
        for language in ("en", "fr"):
            option = tuple(stem(w, language) for w in self.words)
            if option not in options:
                options.append(option)
        if self.words not in options:
            options.append(self.words)
        return options


@dataclass
class Query:
    """A parsed search: every clause must match (AND)."""

    clauses: list[Clause] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.clauses)

    def prefixes(self) -> list[str]:
        """The prefixes this query asks for (`suspen*`)."""
        return [clause.words[0] for clause in self.clauses if clause.prefix]

    def fts5(self, expansions: dict[str, list[str]] | None = None) -> str:
        """The query in SQLite FTS5 syntax (only quoted [0-9a-z] terms). A prefix found in `expansions` is asked
        for as the terms it names (any of them), which the engine ranks far faster than the prefix itself."""
        parts = []
        for clause in self.clauses:
            if clause.prefix:
                named = (expansions or {}).get(clause.words[0])
                if named:
                    parts.append("(" + " OR ".join(f'"{term}"' for term in named) + ")")
                else:
                    parts.append(f'"{clause.words[0]}"*')
                continue
            options = [f'"{" ".join(option)}"' for option in clause.alternatives()]
            parts.append("(" + " OR ".join(options) + ")")
        return " AND ".join(parts)

    def tsquery(self) -> str:
        """The query in PostgreSQL to_tsquery syntax (only quoted [0-9a-z] terms)."""
        parts = []
        for clause in self.clauses:
            if clause.prefix:
                parts.append(f"'{clause.words[0]}':*")
                continue
            options = ["(" + " <-> ".join(f"'{w}'" for w in option) + ")" for option in clause.alternatives()]
            parts.append("(" + " | ".join(options) + ")")
        return " & ".join(parts)

    def pairs_tsquery(self) -> str:
        """PostgreSQL: what a text must hold in its pairs of neighbouring terms for the query's phrases to be in it,
        in tsquery input syntax (lexemes taken as they are, not parsed); "" when the query has no phrase."""
        parts = []
        for clause in self.clauses:
            if clause.prefix or len(clause.words) < 2:
                continue
            options = [
                "(" + " & ".join(f"'{a}0{b}'" for a, b in zip(option, option[1:], strict=False)) + ")"
                for option in clause.alternatives()
            ]
            parts.append("(" + " | ".join(options) + ")")
        return " & ".join(parts)

    def matches(self, folded_word: str) -> bool:
        """Whether a folded word of a text is one the query looks for (for highlighting)."""
        terms, prefixes = self._targets()
        if folded_word in terms or folded_word.startswith(prefixes):
            return True
        return stem(folded_word, "en") in terms or stem(folded_word, "fr") in terms

    def needles(self) -> list[list[str]]:
        """For each clause, the strings whose presence in " " + terms + " " means the clause is there: " stem "
        or " a run of stems " (single spaces separate the indexed terms), or " prefix" for a prefix."""
        cached = self.__dict__.get("_cached_needles")
        if cached is None:
            cached = []
            for clause in self.clauses:
                if clause.prefix:
                    cached.append([f" {clause.words[0]}"])
                else:
                    cached.append([f" {' '.join(option)} " for option in clause.alternatives()])
            self.__dict__["_cached_needles"] = cached
        return cached

    def found_in(self, terms: str) -> int:
        """How many times the clauses occur in an indexed terms string; 0 when any clause is missing there.

        Counted by the string's own search (no splitting into a list of terms): this runs for every entry of the
        cases on a page of results."""
        padded = f" {terms} "
        score = 0
        for options in self.needles():
            count = sum(padded.count(needle) for needle in options)
            if not count:
                return 0
            score += count
        return score

    def first_word(self, terms: str) -> tuple[int, int] | None:
        """(position, number of words): where, among the words of the indexed text, the first word any clause
        matched is (None when none is).

        The terms hold three runs of one term per word (English stems, French stems, the words), so a term's
        position in its run is the position of its word in the text; the snippet starts looking there."""
        padded = f" {terms} "
        total = padded.count(" ") - 1
        if total < 3 or total % 3:
            return None
        per_run = total // 3
        best: int | None = None
        for options in self.needles():
            for needle in options:
                # Occurrences in order, the words before each counted from the previous one (one pass).
                at, seen, before = padded.find(needle), 0, 0
                while at >= 0:
                    before += padded.count(" ", seen, at)
                    seen = at
                    word = before % per_run
                    best = word if best is None else min(best, word)
                    if best == 0:
                        return (0, per_run)
                    at = padded.find(needle, at + 1)
        return None if best is None else (best, per_run)

    def _targets(self) -> tuple[frozenset[str], tuple[str, ...]]:
        cached = self.__dict__.get("_cached_targets")
        if cached is None:
            terms = {w for c in self.clauses if not c.prefix for option in c.alternatives() for w in option}
            prefixes = tuple(c.words[0] for c in self.clauses if c.prefix)
            cached = self.__dict__["_cached_targets"] = (frozenset(terms), prefixes)
        return cached


def parse(query: str | None) -> Query:
    """Read what someone typed: words, "quoted phrases" and prefixes ending in *; anything else is ignored."""
    clauses: list[Clause] = []
    for match in _QUERY_PART.finditer((query or "")[:500]):
        phrase, bare = match.group(1), match.group(2)
        if phrase is not None:
            found = tuple(words(phrase)[:MAX_PHRASE_WORDS])
            if found:
                clauses.append(Clause(found))
            continue
        prefix = bare.endswith("*")
        found_words = words(bare)
        for i, word in enumerate(found_words):
            is_prefix = prefix and i == len(found_words) - 1 and len(word) >= 2
            clauses.append(Clause((word,), prefix=is_prefix))
    unique: list[Clause] = []
    for clause in clauses:
        if clause not in unique:
            unique.append(clause)
    return Query(unique[:MAX_CLAUSES])


@dataclass(frozen=True)
class Snippet:
    """A short stretch of a text around where it matched: pieces, each marked when it is a matched word."""

    pieces: tuple[tuple[str, bool], ...]
    starts: bool
    ends: bool


def _is_hit(word: str, query: Query) -> bool:
    memo = query.__dict__.setdefault("_hit_memo", {})
    found = memo.get(word)
    if found is None:
        found = memo[word] = any(query.matches(w) for w in words(word))
    return found


def snippet(text: str, query: Query, radius: int = 12, near: tuple[int, int] | None = None) -> Snippet | None:
    """The words around the first match in the text, matched words marked; None when no word matches.

    `near` is where the index says the first match is (Query.first_word): when the text has as many words as
    the index counted and the word there matches, the text is not searched word by word; otherwise it is."""
    # The text cut into its separators and words in one pass: parts[2 * i + 1] is word i, parts[2 * i] the text
    # before it, parts[-1] the text after the last word.
    parts = _WORD_SPLIT.split(text)
    count = len(parts) // 2
    first = None
    if near is not None and near[1] == count and near[0] < count and _is_hit(parts[2 * near[0] + 1], query):
        first = near[0]
    if first is None:
        first = next((i for i in range(count) if _is_hit(parts[2 * i + 1], query)), None)
    if first is None:
        return None
    lo, hi = max(0, first - radius), min(count, first + radius + 1)
    # Unmarked stretches are kept whole (their spaces folded to one), a marked word on its own: only the words
    # from the first match on are looked at.
    pieces: list[tuple[str, bool]] = []
    cursor = 2 * lo + 1  # the part the next unmarked stretch starts at
    for i in range(first, hi):
        at = 2 * i + 1
        if i == first or _is_hit(parts[at], query):
            if at > cursor:
                pieces.append((_SPACES.sub(" ", "".join(parts[cursor:at])), False))
            pieces.append((parts[at], True))
            cursor = at + 1
    if 2 * hi > cursor:
        pieces.append((_SPACES.sub(" ", "".join(parts[cursor : 2 * hi])), False))
    return Snippet(tuple(pieces), starts=lo == 0, ends=hi == count)


_SPACES = re.compile(r"\s+")
