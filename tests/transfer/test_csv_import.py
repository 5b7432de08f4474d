"""CSV import of cases: preview, all-or-nothing apply, re-import by reference, and every kind of bad file."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from casefiles.audit.models import AuditEntry
from casefiles.cases.models import Case, Sanction
from casefiles.extensions import db
from casefiles.institutions.models import Institution
from casefiles.people.models import Person
from casefiles.transfer.csv_import import import_cases, preview_cases
from casefiles.transfer.report import ImportRefused

from .helpers import CASE_HEADER, case_row, cases_csv


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_creates_cases_with_people_sanctions_and_partial_dates(app: Any, make_user: Any) -> None:
    staff = make_user("staff")
    data = cases_csv(
        [
            case_row("AB-1", person="Amira Haddad", **{"sanction date": "2023"}),
            case_row("AB-2", person="Jean-Luc Côté", category="Nurse", **{"sanction date": "2023-11-14"}),
            case_row("AB-3", institution="", **{"sanction type": "", "sanction date": ""}),
        ],
        bom=True,
    )
    preview = preview_cases(data, "cases.csv")
    assert preview.ok and preview.counts == {"create": 3, "update": 0, "refuse": 0}
    assert _count(Case) == 0  # a preview writes nothing

    report = import_cases(data, "cases.csv", actor=staff)
    db.session.commit()
    assert report.counts["create"] == 3
    cases = {c.external_ref: c for c in db.session.scalars(select(Case))}
    assert cases["AB-1"].people[0].legal_name == "Amira Haddad"
    assert cases["AB-1"].sanctions[0].when.iso() == "2023"
    assert cases["AB-2"].sanctions[0].when.iso() == "2023-11-14"
    assert cases["AB-2"].people[0].category == "nurse"  # the English label is accepted too
    assert cases["AB-1"].speech_text == "Une publication sur les réseaux « sociaux »"
    assert cases["AB-3"].institution_id is None and cases["AB-3"].sanctions == []
    assert _count(Institution) == 1  # one institution shared by the rows that name it

    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "import.cases")).one()
    assert entry.actor_id == staff.id
    assert entry.changes["file"] == [None, "cases.csv"]
    assert entry.changes["created"] == [None, 3]
    # every change the import made has its own entry, on the case's history
    creates = db.session.scalars(select(AuditEntry.case_id).where(AuditEntry.action == "case.create")).all()
    assert sorted(creates) == sorted(c.id for c in cases.values())
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "sanction.create")) == 2


def test_reimport_updates_by_reference_without_duplicates(app: Any, make_user: Any) -> None:
    staff = make_user("staff")
    rows = [case_row("R-1"), case_row("R-2")]
    import_cases(cases_csv(rows), "v1.csv", actor=staff)
    db.session.commit()
    rows[0]["outcome"] = "victory"
    rows[0]["sanction date"] = "2023-12-02"
    rows.append(case_row("R-3"))
    preview = preview_cases(cases_csv(rows), "v2.csv")
    assert [r.action for r in preview.rows] == ["update", "update", "create"]
    import_cases(cases_csv(rows), "v2.csv", actor=staff)
    db.session.commit()
    assert _count(Case) == 3 and _count(Person) == 3 and _count(Sanction) == 3
    case = db.session.scalars(select(Case).where(Case.external_ref == "R-1")).one()
    assert case.outcome == "victory"
    assert case.sanctions[0].when.iso() == "2023-12-02"
    update = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "case.update", AuditEntry.case_id == case.id)
    ).one()
    assert update.changes["outcome"] == ["ongoing", "victory"]
    second = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "import.cases").order_by(AuditEntry.id))
    assert [e.changes["updated"][1] for e in second] == [0, 2]


def _refused(data: bytes) -> list[str]:
    report = preview_cases(data, "bad.csv")
    assert not report.ok
    with pytest.raises(ImportRefused):
        import_cases(data, "bad.csv", actor=None)
    db.session.rollback()
    assert _count(Case) == 0
    return report.errors


def test_latin1_file_is_refused_with_the_row_named(app: Any) -> None:
    text = cases_csv([case_row("L-1"), case_row("L-2", person="Hélène Lévesque")]).decode("utf-8")
    errors = _refused(text.replace("\ufeff", "").encode("latin-1", errors="replace"))
    assert len(errors) == 1
    assert "UTF-8" in errors[0] and "Row 2" in errors[0]


def test_missing_and_unknown_columns_are_named(app: Any) -> None:
    header = [h for h in CASE_HEADER if h != "sanction date"] + ["favourite colour"]
    errors = _refused(cases_csv([case_row("M-1")], header=header))
    assert "Missing column “sanction_date”." in errors
    assert "Unknown column “favourite colour”." in errors


def test_a_row_with_an_extra_cell_is_refused(app: Any) -> None:
    data = cases_csv([case_row("E-1")]) + b"E-2,Someone,student,,,,,,,,,,,no,surprise\r\n"
    errors = _refused(data)
    assert errors == ["Row 3 has more cells than the header has columns."]


def test_bad_date_and_unknown_category_name_row_and_column(app: Any) -> None:
    rows = [case_row("D-1"), case_row("D-2", **{"sanction date": "2023-13-45"}), case_row("D-3", category="wizard")]
    errors = _refused(cases_csv(rows))
    assert any(e.startswith("Row 3, column “sanction_date”") and "2023-13-45" in e for e in errors), errors
    assert any(e.startswith("Row 4, column “category”") and "wizard" in e for e in errors), errors
    report = preview_cases(cases_csv(rows), "bad.csv")
    assert [r.action for r in report.rows] == ["create", "refuse", "refuse"]


def test_duplicate_reference_in_one_file_is_refused(app: Any) -> None:
    errors = _refused(cases_csv([case_row("X-1"), case_row("X-1")]))
    assert any("Row 3, column “external_ref”" in e and "row 2" in e for e in errors), errors


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n"])
def test_empty_file_is_refused(app: Any, data: bytes) -> None:
    assert _refused(data) == ["The file is empty."]


def test_header_without_rows_is_refused(app: Any) -> None:
    assert _refused(cases_csv([])) == ["The file has a header but no rows."]


def test_semicolon_separated_file_from_a_french_spreadsheet_is_read(app: Any) -> None:
    text = cases_csv([case_row("S-1")]).decode("utf-8").replace(",", ";")
    report = preview_cases(text.encode("utf-8"), "fr.csv")
    assert report.ok, report.errors


def test_ten_thousand_rows_with_one_bad_row_import_nothing(app: Any) -> None:
    rows = [case_row(f"T-{n:05d}") for n in range(10_000)]
    rows[9_876]["sanction date"] = "14/11/2023"
    data = cases_csv(rows)
    report = preview_cases(data, "big.csv")
    assert report.counts == {"create": 9_999, "update": 0, "refuse": 1}
    assert report.errors == [
        "Row 9878, column “sanction_date”: “14/11/2023” is not a date: write 2023, 2023-11 or 2023-11-14."
    ]
    with pytest.raises(ImportRefused):
        import_cases(data, "big.csv", actor=None)
    db.session.rollback()
    assert _count(Case) == 0


def test_published_rows_go_through_the_publication_review(app: Any, make_user: Any) -> None:
    staff = make_user("staff")
    data = cases_csv([case_row("P-1", published="yes"), case_row("P-2", published="no")])
    preview = preview_cases(data, "pub.csv")
    assert "publication review" in preview.rows[0].warnings[0]
    import_cases(data, "pub.csv", actor=staff)
    db.session.commit()
    assert not db.session.scalars(select(Case).where(Case.external_ref == "P-1")).one().published

    import_cases(data, "pub.csv", actor=staff, review_confirmed=True)
    db.session.commit()
    case = db.session.scalars(select(Case).where(Case.external_ref == "P-1")).one()
    assert case.published and case.public_slug
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "case.publish")) == 1


def test_a_published_row_without_public_summary_is_refused_when_reviewed(app: Any) -> None:
    data = cases_csv([case_row("P-9", published="oui", **{"public summary": ""})])
    report = preview_cases(data, "pub.csv", review_confirmed=True)
    assert not report.ok
    assert "public_summary" in report.errors[0]


def test_bulk_created_cases_have_the_search_entries_and_history_of_the_services(app: Any, make_user: Any) -> None:
    from casefiles.cases.indexing import reindex_case
    from casefiles.fulltext.models import SearchEntry

    def entries(case_id: int) -> list[tuple]:
        columns = (SearchEntry.document_id, SearchEntry.body, SearchEntry.terms)
        rows = select(*columns).where(SearchEntry.case_id == case_id)
        return sorted(tuple(row) for row in db.session.execute(rows))

    staff = make_user("staff")
    import_cases(cases_csv([case_row("W-1", person="Zoë d’Aragon")]), "w.csv", actor=staff)
    db.session.commit()
    case = db.session.scalars(select(Case)).one()
    stored = entries(case.id)
    reindex_case(case)
    assert stored == entries(case.id)
    assert {"zoe", "aragon", "w"} <= set(" ".join(terms for _d, _b, terms in stored).split())
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case.id)).all()
    assert sorted(actions) == ["case.create", "person.create", "sanction.create"]
    person = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "person.create")).one()
    assert person.changes["legal_name"] == [None, "Zoë d’Aragon"] and person.actor_id == staff.id
