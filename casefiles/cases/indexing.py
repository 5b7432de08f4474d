"""The staff search entries of a case, from every declared field marked `search` of the case and its records:
one per text (casefiles/fulltext), every version and page of a document's text included.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain, islice
from typing import Any

from sqlalchemy import delete, select

from casefiles.cases.models import Case
from casefiles.documents.models import Document
from casefiles.extensions import db
from casefiles.fulltext.models import SearchEntry
from casefiles.fulltext.terms import PAGE_BREAK, index_terms
from casefiles.records.registry import record_for


def _texts(obj: Any) -> list[str]:
    rec = record_for(obj)
    texts = []
    for field in rec.fields:
        if field.search:
            value = field.read(obj)
            texts.append(" ".join(map(str, value)) if isinstance(value, list) else str(value or ""))
    return texts


def _documents(case: Case) -> list[Document]:
    if case.id is None:
        return []
    return list(db.session.scalars(select(Document).where(Document.case_id == case.id).order_by(Document.id)))


def _entry(case_id: int, body: str, **where: Any) -> dict[str, Any] | None:
    terms = index_terms(body)
    if not terms:
        return None
    return {
        "case_id": case_id,
        "document_id": None,
        "version": None,
        "page": None,
        "body": body,
        "terms": terms,
        **where,
    }


def search_entries(case: Case) -> Iterator[dict[str, Any]]:
    """The full-text entries of a case, one at a time: its own and its people's fields; each document's fields;
    each page of each version of each document's text."""
    own = _texts(case)
    for person in case.people:
        own.extend(_texts(person))
    own.append(case.external_ref or "")
    rows: Iterator[dict[str, Any] | None] = chain(
        [_entry(case.id, "\n".join(t for t in own if t))], _documents_entries(case)
    )
    return (row for row in rows if row is not None)


def _documents_entries(case: Case) -> Iterator[dict[str, Any] | None]:
    for document in _documents(case):
        yield _entry(case.id, "\n".join(t for t in _texts(document) if t), document_id=document.id)
        for version in document.versions:
            text = version.extracted_text or ""
            pages = text.split(PAGE_BREAK) if PAGE_BREAK in text else [text]  # no copy of a long one-page text
            for number, page_text in enumerate(pages, start=1):
                page = number if len(pages) > 1 else None
                yield _entry(case.id, page_text, document_id=document.id, version=version.number, page=page)


# Entries written per statement: a document of hundreds of pages is not held indexed whole before it is written.
INSERT_BATCH = 50


def insert_search_entries(cases: list[Case]) -> None:
    """Write the full-text entries of cases that have none yet (new cases, bulk imports), a batch at a time."""
    rows = (row for case in cases for row in search_entries(case))
    while batch := list(islice(rows, INSERT_BATCH)):
        db.session.execute(SearchEntry.__table__.insert(), batch)


def reindex_case(case: Case) -> None:
    """Rebuild the full-text entries of a case."""
    db.session.execute(delete(SearchEntry).where(SearchEntry.case_id == case.id))
    insert_search_entries([case])
