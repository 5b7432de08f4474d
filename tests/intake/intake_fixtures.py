"""Helpers shared by the intake tests: a complete help request, and what the database holds of requests."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from casefiles.extensions import db

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\nxref\n0 4\n0000000000 65535 f \n"
    b"0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n"
    b"164\n%%EOF\n"
)


def canary(label: str) -> str:
    """Letters only, so no escaping or tokenising can hide a leak."""
    return "qz" + label + "".join(secrets.choice("bcdfghjkmnpqrstvwxz") for _ in range(10))


def form_values(**overrides: Any) -> dict[str, Any]:
    """A complete, valid help request as the form posts it."""
    soon = date.today() + timedelta(days=5)
    values = {
        "for_whom": "myself",
        "person_name": "Amira Haddad",
        "person_role": "nursing student",
        "what_happened": "I posted about the war on my own account.",
        "where": "Instagram",
        "when": "2026-10",
        "institution": "Université Fictive",
        "sanction_type": "suspension",
        "sanction_details": "Suspended from clinical placement.",
        "sanction_date": "2026-11-02",
        "hearing_date": soon.isoformat(),
        "appeal_deadline": "",
        "other_dates": "",
        "email": "amira@example.org",
        "phone": "",
        "safe_contact": "Email only, evenings.",
        "consent_contact": "y",
        "consent_store": "y",
        "website": "",
    }
    values.update(overrides)
    # A partial date travels as one text (YYYY, YYYY-MM, YYYY-MM-DD) or as its parts (year, month select, day).
    for name in ("when", "sanction_date"):
        parts = (values.get(name) or "").split("-")
        for suffix, part in zip(("year", "month", "day"), parts + ["", "", ""], strict=False):
            values.setdefault(f"{name}-{suffix}", part.lstrip("0") if suffix != "year" else part)
    return values


def counts() -> dict[str, int]:
    """Rows of every table a request could leave behind."""
    from casefiles.audit.models import AuditEntry
    from casefiles.intake.models import Submission, SubmissionFile
    from casefiles.mail.models import OutboxMessage

    db.session.expire_all()
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Submission, SubmissionFile, OutboxMessage, AuditEntry)
    }
