"""The confirmed signatures of a petition as a PDF for delivery to the target: a real WeasyPrint PDF read back, in
English and French, with every confirmed signer and no email address and no unconfirmed signer; staff only; each
download audited."""

# ruff: noqa: F811 - test arguments are fixtures
from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "public"))
from petition_fixtures import petition, smtp  # noqa: E402, F401
from public_fixtures import _fresh_projection_cache, make_published, publish, staff  # noqa: E402, F401
from sqlalchemy import select  # noqa: E402

from casefiles.audit.models import AuditEntry  # noqa: E402
from casefiles.extensions import db  # noqa: E402
from casefiles.petitions import services  # noqa: E402


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def _signed(petition: Any, name: str, email: str, confirm: bool = True, **values: Any) -> None:
    tokens: list[str] = []
    services.sign(
        petition,
        values={"name": name, "email": email, "region": "QC", "city": "Montréal", **values},
        locale="fr",
        confirm_url=lambda token: tokens.append(token) or token,
        campaign_title="x",
    )
    db.session.commit()
    if confirm:
        services.confirm(tokens[0])
        db.session.commit()


def test_the_pdf_lists_confirmed_signers_only_without_emails(app: Any, petition: Any, smtp: Any, login: Any) -> None:
    _signed(petition, "Marie Tremblay", "qzmarie@example.org", comment="Réintégrez-la maintenant")
    _signed(petition, "Luc Roy", "qzluc@example.org")
    _signed(petition, "Pending Person", "qzpending@example.org", confirm=False)
    client = app.test_client()
    assert client.get(f"/staff/campaigns/{petition.id}/signatures.pdf").status_code in (302, 401, 403)
    login.client = client
    login("volunteer")
    assert client.get(f"/staff/campaigns/{petition.id}/signatures.pdf").status_code == 403
    login.logout()
    login("staff")
    assert "signatures.pdf" in client.get(f"/staff/campaigns/{petition.id}").get_data(as_text=True)
    for lang, heading, count in (
        ("en", "Petition: Reinstate the student", "2 confirmed signatures"),
        ("fr", "Pétition", "2 signatures confirmées"),
    ):
        answer = client.get(f"/staff/campaigns/{petition.id}/signatures.pdf?lang={lang}")
        assert answer.status_code == 200 and answer.mimetype == "application/pdf"
        assert answer.headers["Content-Disposition"].startswith("attachment;")
        text = " ".join(pdf_text(answer.data).split())
        assert "Marie Tremblay" in text and "Luc Roy" in text and "Réintégrez-la maintenant" in text
        assert "Pending Person" not in text and "qz" not in text  # no unconfirmed signer, no email
        if lang == "en":
            assert heading in text and count in text
        else:
            assert "Réintégrez l’étudiant" in text or "Réintégrez l'étudiant" in text  # the French title
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "petition.export")).all()
    assert len(entries) == 2 and all(e.changes["format"] == [None, "pdf"] for e in entries)
