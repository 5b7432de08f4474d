"""The staff search words of a case, from every declared field marked `search` of the case and its records."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from casefiles.cases.models import Case, CaseSearchToken
from casefiles.documents.models import Document
from casefiles.extensions import db
from casefiles.records.registry import record_for
from casefiles.search import tokens


def _texts(obj: Any) -> list[str]:
    rec = record_for(obj)
    texts = []
    for field in rec.fields:
        if field.search:
            value = field.read(obj)
            texts.append(" ".join(map(str, value)) if isinstance(value, list) else str(value or ""))
    return texts


def _document_texts(case: Case) -> list[str]:
    texts: list[str] = []
    if case.id is None:
        return texts
    for document in db.session.scalars(select(Document).where(Document.case_id == case.id)):
        texts.extend(_texts(document))
        current = document.current
        if current is not None and current.extracted_text:
            texts.append(current.extracted_text)
    return texts


def case_words(case: Case) -> set[str]:
    """The searchable words of a case: its fields, its people, its documents (staff search only)."""
    texts = _texts(case)
    for person in case.people:
        texts.extend(_texts(person))
    texts.extend(_document_texts(case))
    texts.append(case.external_ref or "")
    return tokens(*texts)


def reindex_case(case: Case) -> None:
    """Rebuild the search words of a case."""
    words = case_words(case)
    db.session.execute(delete(CaseSearchToken).where(CaseSearchToken.case_id == case.id))
    if words:
        db.session.execute(
            CaseSearchToken.__table__.insert(), [{"case_id": case.id, "token": w} for w in sorted(words)]
        )
