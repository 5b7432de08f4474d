"""Where a case matched a search: its own fields, or a document (its title, version and page), with a snippet."""

from __future__ import annotations

from dataclasses import dataclass

from casefiles.fulltext.engine import matching_entries
from casefiles.fulltext.terms import Query, Snippet, snippet


@dataclass(frozen=True)
class Hit:
    """One place a case matched; document fields are None when it matched the case's own fields."""

    snippet: Snippet | None
    document_id: int | None = None
    document_title: str | None = None
    version: int | None = None
    page: int | None = None


def hits_for(case_ids: list[int], query: Query, per_case: int = 3) -> dict[int, list[Hit]]:
    """The best places each case matched, best first: the best with a highlighted snippet, the others named only
    (a list of results reads one snippet per case; the others cost as much to make and crowd the page)."""
    entries = matching_entries(query, case_ids, per_case=per_case)
    found: dict[int, list[Hit]] = {}
    for case_id, rows in entries.items():
        found[case_id] = [
            Hit(
                snippet=snippet(row.body, query, near=row.near) if place == 0 else None,
                document_id=row.document_id,
                document_title=row.document_title,
                version=row.version,
                page=row.page,
            )
            for place, row in enumerate(rows)
        ]
    return found
