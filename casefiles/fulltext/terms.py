"""What the index stores for a text, what a query asks for, and where a text matched (for snippets).

A text is indexed as three runs of the same words: English stems, French stems, then the folded words
themselves. A query word matches any of its two stems or itself; a phrase matches in any one run; a prefix
(`suspen*`) matches the start of any indexed term. Only [0-9a-z] words ever reach the engine's query syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

from casefiles.search import MAX_TOKEN, fold

_WORD = re.compile(r"[0-9a-z]+")
_ORIGINAL_WORD = re.compile(r"\w+", re.UNICODE)
_QUERY_PART = re.compile(r'["“«]([^"”»]*)["”»]?|(\S+)')
MAX_CLAUSES = 8
MAX_PHRASE_WORDS = 8
PAGE_BREAK = "\f"

_STEMMERS = {"en": snowballstemmer.stemmer("english"), "fr": snowballstemmer.stemmer("french")}


@lru_cache(maxsize=65536)
def stem(word: str, language: str) -> str:
    """The stem of a folded word in English ('en') or French ('fr')."""
    return _STEMMERS[language].stemWord(word)[:MAX_TOKEN]


def words(text: str | None) -> list[str]:
    """The folded words of a text, in order."""
    return [w[:MAX_TOKEN] for w in _WORD.findall(fold(text or ""))]


def index_terms(text: str | None) -> str:
    """The string the engine indexes for a text: English stems, French stems, then the folded words."""
    found = words(text)
    if not found:
        return ""
    return " ".join([" ".join(stem(w, "en") for w in found), " ".join(stem(w, "fr") for w in found), " ".join(found)])


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

    def fts5(self) -> str:
        """The query in SQLite FTS5 syntax (only quoted [0-9a-z] terms)."""
        parts = []
        for clause in self.clauses:
            if clause.prefix:
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

    def matches(self, folded_word: str) -> bool:
        """Whether a folded word of a text is one the query looks for (for highlighting)."""
        terms, prefixes = self._targets()
        if folded_word in terms or folded_word.startswith(prefixes):
            return True
        return stem(folded_word, "en") in terms or stem(folded_word, "fr") in terms

    def found_in(self, terms: str) -> int:
        """How many times the clauses occur in an indexed terms string; 0 when any clause is missing there."""
        tokens = terms.split()
        present = set(tokens)
        score = 0
        for clause in self.clauses:
            if clause.prefix:
                count = sum(1 for t in tokens if t.startswith(clause.words[0]))
            else:
                count = 0
                for option in clause.alternatives():
                    if not present.issuperset(option):
                        continue
                    n = len(option)
                    if n == 1:
                        count += tokens.count(option[0])
                        continue
                    starts = [i for i, t in enumerate(tokens) if t == option[0]]
                    count += sum(1 for i in starts if tuple(tokens[i : i + n]) == option)
            if not count:
                return 0
            score += count
        return score

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


def snippet(text: str, query: Query, radius: int = 12) -> Snippet | None:
    """The words around the first match in the text, matched words marked; None when no word matches."""
    spans: list[tuple[int, int, str]] = []
    first = None
    for match in _ORIGINAL_WORD.finditer(text):
        spans.append((match.start(), match.end(), match.group(0)))
        if first is None and _is_hit(match.group(0), query):
            first = len(spans) - 1
        if first is not None and len(spans) > first + radius + 1:
            break
    if first is None:
        return None
    lo, hi = max(0, first - radius), min(len(spans), first + radius + 1)
    ends = hi == len(spans) and _ORIGINAL_WORD.search(text, spans[hi - 1][1]) is None
    pieces: list[tuple[str, bool]] = []
    cursor = spans[lo][0]
    for i in range(lo, hi):
        start, end, word = spans[i]
        if start > cursor:
            pieces.append((" ".join(text[cursor:start].split()) or " ", False))
        pieces.append((word, i == first or (i > first and _is_hit(word, query))))
        cursor = end
    return Snippet(tuple(pieces), starts=lo == 0, ends=ends)
