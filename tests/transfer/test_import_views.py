"""Import from the staff side: upload -> preview -> confirm, all-or-nothing; export for administrators."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

from sqlalchemy import func, select

from casefiles.cases.models import Case
from casefiles.extensions import db

from .helpers import case_row, cases_csv


def _upload(client: Any, data: bytes, name: str = "cases.csv", **extra: str) -> Any:
    return client.post(
        "/staff/import",
        data={"kind": "cases", "file": (io.BytesIO(data), name), **extra},
        content_type="multipart/form-data",
    )


def test_upload_preview_then_confirm(app: Any, client: Any, login: Any) -> None:
    login("staff")
    assert client.get("/staff/import").status_code == 200
    response = _upload(client, cases_csv([case_row("U-1"), case_row("U-2")]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 to create, 0 to update, 0 refused." in html
    assert db.session.scalar(select(func.count(Case.id))) == 0
    token = re.search(r'action="/staff/import/([0-9a-f]+)"', html).group(1)
    response = client.post(f"/staff/import/{token}", data={})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Case.id))) == 2
    # the pending file is gone: the same confirmation cannot run twice
    assert client.post(f"/staff/import/{token}", data={}).status_code == 404


def test_a_bad_file_shows_every_problem_and_offers_no_confirmation(app: Any, client: Any, login: Any) -> None:
    login("staff")
    response = _upload(client, cases_csv([case_row("U-1", category="wizard"), case_row("U-2", status="lost")]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Row 2, column “category”" in html and "Row 3, column “status”" in html
    assert 'action="/staff/import/' not in html
    latin = _upload(client, "external_ref,person\nX,Hélène\n".encode("latin-1"))
    assert "not UTF-8" in latin.get_data(as_text=True)
    assert _upload(client, b"", name="empty.csv").status_code == 200  # a clear page, never a 500


def test_another_user_cannot_confirm_my_upload(app: Any, client: Any, login: Any) -> None:
    login("staff")
    html = _upload(client, cases_csv([case_row("U-1")])).get_data(as_text=True)
    token = re.search(r'action="/staff/import/([0-9a-f]+)"', html).group(1)
    client.post("/logout")
    login("staff")
    assert client.post(f"/staff/import/{token}", data={}).status_code == 404
    assert db.session.scalar(select(func.count(Case.id))) == 0


def test_export_is_for_administrators(app: Any, client: Any, login: Any, make_case: Any) -> None:
    make_case(external_ref="E-1")
    login("staff")
    assert client.get("/staff/export").status_code == 403
    client.post("/logout")
    login("admin")
    assert client.get("/staff/export").status_code == 200
    response = client.post("/staff/export/everything.json", data={})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    document = json.loads(zipfile.ZipFile(io.BytesIO(response.get_data())).read("export.json"))
    assert document["tables"]["cases"]["rows"][0]["external_ref"] == "E-1"
    assert client.post("/staff/export/everything.zip", data={}).mimetype == "application/zip"


def test_volunteers_cannot_import(app: Any, client: Any, login: Any) -> None:
    login("volunteer")
    assert client.get("/staff/import").status_code == 403


def test_refusals_are_in_the_reader_language(app: Any, client: Any, login: Any) -> None:
    login("staff")
    client.set_cookie("lang", "fr")
    html = _upload(client, cases_csv([case_row("F-1", category="sorcier")])).get_data(as_text=True)
    html = html.replace("\xa0", " ").replace("\u202f", " ")  # French typography: narrow and no-break spaces
    assert "Ligne 2, colonne « category »" in html and "sorcier" in html
    assert "Le fichier est vide." in _upload(client, b"", name="vide.csv").get_data(as_text=True)
