"""Whole case files imported from separate CSV files (or one zip) linked by the case's reference: all or nothing,
idempotent, optional columns, consent and institution kinds, refusals in the reader's language, and a preview that
says exactly what changes."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from casefiles.cases.models import Case, Event, Harm, Proceeding, Sanction, Task
from casefiles.extensions import db
from casefiles.institutions.models import Institution
from casefiles.people.models import Person
from casefiles.transfer import case_files
from casefiles.transfer.case_files import CREATE, UNCHANGED, UPDATE, CaseFilesRefused

FIXTURES = Path(__file__).parent.parent / "fixtures" / "case_files"


def _files() -> dict[str, bytes]:
    return {path.stem: path.read_bytes() for path in sorted(FIXTURES.glob("*.csv"))}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(f"export/{name}.csv", data)
    return buffer.getvalue()


def test_a_whole_case_imports_then_reimports_unchanged_then_with_exactly_one_change(app, make_user):
    staff = make_user("staff")
    files = _files()
    first = case_files.preview(files)
    assert first.ok, first.errors
    assert {r.action for r in first.rows} == {CREATE}
    report = case_files.import_case_files(files, actor=staff)
    db.session.commit()
    case = db.session.scalars(select(Case).where(Case.external_ref == "MPP-2024-01")).one()
    assert len(case.people) == 2 and [p.role_title for p in case.people] == ["MPP", "Constituency assistant"]
    assert [p.name_consent for p in case.people] == ["initials", "none"]
    assert case.title == "S. F."  # named as consent allows, never by the legal name
    assert len(case.sanctions) == 3
    assert {s.institution.name for s in case.sanctions} == {"Legislative Assembly of Fictiveland", "Fictive Party"}
    party = db.session.scalars(select(Institution).where(Institution.name == "Fictive Party")).one()
    assert party.kind == "political_party"
    assert sorted(s.outcome for s in case.sanctions) == ["pending", "upheld", "withdrawn"]
    assert len(case.harms) == 1 and case.harms[0].description_fr.startswith("Son adresse")
    proceeding = case.proceedings[0]
    assert proceeding.file_number == "DC-24-0042" and len(proceeding.hearings) == 2
    assert len(case.events) == 6
    assert sum(1 for e in case.events if e.proceeding_id == proceeding.id) == 2
    assert report.change_count == 1 + 2 + 3 + 1 + 1 + 6 + 2 + 2
    counts = {m: _count(m) for m in (Case, Person, Sanction, Harm, Proceeding, Event, Task)}

    again = case_files.preview(files)
    assert again.ok and again.change_count == 0
    assert {r.action for r in again.rows} == {UNCHANGED}
    applied = case_files.import_case_files(files, actor=staff)
    db.session.commit()
    assert applied.change_count == 0
    assert {m: _count(m) for m in counts} == counts

    changed = dict(files)
    changed["proceedings"] = files["proceedings"].replace(b",ongoing,", b",decided,")
    preview = case_files.preview(changed)
    assert preview.change_count == 1
    [update] = [r for r in preview.rows if r.action == UPDATE]
    assert update.file == "proceedings" and [c.label for c in update.changes] == ["Status"]
    assert (update.changes[0].old, update.changes[0].new) == ("Ongoing", "Decided")
    assert case_files.import_case_files(changed, actor=staff).change_count == 1
    db.session.commit()
    assert db.session.get(Proceeding, proceeding.id).status == "decided"
    assert {m: _count(m) for m in counts} == counts


def test_supporter_counts_import_with_their_campaign_idempotently(app, make_user):
    from casefiles.campaigns import services as campaigns
    from casefiles.campaigns.models import Campaign, SupporterSnapshot

    staff = make_user("staff")
    existing = campaigns.create_campaign(actor=staff, values={"title_en": "Older campaign", "external_ref": "PET-7"})
    db.session.commit()
    files = _files()
    files["supporters"] += b"MPP-2024-01,PET-7,2024-05-01,90,Paper petition,paper\n"
    case_files.import_case_files(files, actor=staff)
    db.session.commit()
    case = db.session.scalars(select(Case).where(Case.external_ref == "MPP-2024-01")).one()
    created = db.session.scalars(select(Campaign).where(Campaign.title_en == "Reinstate the member")).one()
    assert created.status == "planned"  # never public until staff start it
    assert {c.id for c in campaigns.campaigns_for_case(case)} == {created.id, existing.id}
    assert [(s.date.isoformat(), s.count) for s in sorted(created.snapshots, key=lambda s: s.date)] == [
        ("2024-03-10", 1200),
        ("2024-04-10", 4350),
    ]
    assert [(s.count, s.channel) for s in existing.snapshots] == [(90, "paper")]
    assert case_files.preview(files).change_count == 0
    changed = dict(files)
    changed["supporters"] = files["supporters"].replace(b",4350,", b",4400,")
    preview = case_files.preview(changed)
    assert preview.change_count == 1
    [update] = [r for r in preview.rows if r.action == UPDATE]
    assert update.file == "supporters" and [c.label for c in update.changes] == ["Supporters"]
    case_files.import_case_files(changed, actor=staff)
    db.session.commit()
    assert _count(SupporterSnapshot) == 3 and _count(Campaign) == 2


def test_a_supporter_count_without_its_campaign_or_count_is_refused(app, make_user):
    staff = make_user("staff")
    files = {
        "cases": b"case\nREF-1\n",
        "supporters": b"case,campaign,date,count\nREF-1,,2024-01-01,5\nREF-1,X,2024-01-02,\n",
    }
    report = case_files.preview(files)
    assert any("campaign" in e for e in report.errors) and any("count" in e for e in report.errors)
    with pytest.raises(CaseFilesRefused):
        case_files.import_case_files(files, actor=staff)
    db.session.rollback()
    assert _count(Case) == 0


def test_a_zip_of_the_files_imports_the_same(app, make_user):
    staff = make_user("staff")
    files = case_files.files_from_zip(_zip(_files()))
    assert set(files) == set(case_files.RECORDS)
    case_files.import_case_files(files, actor=staff)
    db.session.commit()
    assert _count(Event) == 6 and _count(Sanction) == 3


def test_optional_columns_may_be_left_out(app, make_user):
    staff = make_user("staff")
    files = {
        "cases": b"case\nREF-1\n",
        "people": b"case,legal_name\nREF-1,Jean Secret\n",
        "harms": b"case,type\nREF-1,threats\n",
    }
    case_files.import_case_files(files, actor=staff)
    db.session.commit()
    case = db.session.scalars(select(Case)).one()
    assert "Jean Secret" not in case.title and case.title == "Imported case REF-1"
    assert case.harms[0].type == "threats"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["is not one of the accepted values", "political_party (Political party)", "overturned (Overturned)"]),
        ("fr", ["Parti politique", "Ligne"]),
    ],
)
def test_a_refused_value_refuses_everything_and_lists_the_accepted_ones(app, make_user, language, expected):
    staff = make_user("staff")
    files = _files()
    files["sanctions"] = files["sanctions"].replace(b"political_party", b"club", 1).replace(b"upheld", b"maybe")
    with force_locale(language):
        with pytest.raises(CaseFilesRefused) as refused:
            case_files.import_case_files(files, actor=staff)
        messages = " ".join(refused.value.report.errors)
    db.session.rollback()
    for word in expected:
        assert word in messages
    assert "club" in messages and "maybe" in messages
    assert _count(Case) == 0 and _count(Event) == 0  # nothing written, across every file


def test_a_part_of_an_unknown_case_or_proceeding_is_refused(app, make_user):
    make_user("staff")
    files = _files()
    files["tasks"] = files["tasks"].replace(b"DC-24-0042", b"NO-SUCH", 1)
    files["harms"] = files["harms"].replace(b"MPP-2024-01", b"OTHER-CASE")
    report = case_files.preview(files)
    text = " ".join(report.errors)
    assert "NO-SUCH" in text and "OTHER-CASE" in text and not report.ok
    assert _count(Case) == 0


def _upload(client, files: dict[str, bytes]):
    return client.post(
        "/staff/import/case-files",
        data={"files": [(io.BytesIO(data), f"{name}.csv") for name, data in files.items()]},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_import_pages_preview_then_import_in_both_languages(client, login, language):
    login("staff")
    client.get(f"/language/{language}?next=/")
    page = client.get("/staff/import/case-files")
    assert page.status_code == 200 and "proceedings.csv" in page.get_data(as_text=True)
    html = _upload(client, _files()).get_data(as_text=True)
    assert f'lang="{language}"' in html
    token = re.search(r"/staff/import/case-files/([0-9a-f]{32})", html).group(1)
    assert _count(Case) == 0  # a preview writes nothing
    assert client.post(f"/staff/import/case-files/{token}").status_code == 302
    assert _count(Case) == 1 and _count(Event) == 6 and _count(Task) == 3  # two hearings and an appeal deadline
    # The same files again: every row unchanged. One changed field: exactly that change is shown.
    html = _upload(client, _files()).get_data(as_text=True)
    assert "Created" not in html and "Changes:" not in html
    changed = _files()
    changed["harms"] = changed["harms"].replace(b"Anonymous accounts", b"A named blogger")
    html = _upload(client, {"harms": changed["harms"]}).get_data(as_text=True)
    assert "Anonymous accounts → A named blogger" in html
    assert html.count("→") == 1


def test_a_zip_upload_with_a_stray_file_is_refused(client, login):
    login("staff")
    files = {**_files(), "notes": b"case\nx\n"}
    response = client.post(
        "/staff/import/case-files",
        data={"files": [(io.BytesIO(_zip(files)), "case-files.zip")]},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert "notes.csv" in html and _count(Case) == 0


def test_the_command_line_previews_then_imports(app, tmp_path):
    archive = tmp_path / "case-files.zip"
    archive.write_bytes(_zip(_files()))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["cases", "import-files", str(archive), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run: 18 changes" in result.output and _count(Case) == 0
    result = runner.invoke(args=["cases", "import-files", str(archive)])
    assert result.exit_code == 0, result.output
    assert _count(Event) == 6
    result = runner.invoke(args=["cases", "import-files", str(archive), "--dry-run"])
    assert "Dry run: 0 changes" in result.output
