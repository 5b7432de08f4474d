"""Export everything, load it into an empty database, export again: the two exports are the same."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from io import BytesIO
from typing import Any

from click.testing import CliRunner
from sqlalchemy import delete, select

from casefiles.auth.models import User
from casefiles.campaigns import services as campaigns
from casefiles.cases import services as cases
from casefiles.dates import PartialDate
from casefiles.extensions import db
from casefiles.letters import services as letters
from casefiles.organizations import services as orgs
from casefiles.transfer.export import export_csv_zip, export_everything
from casefiles.transfer.json_import import import_everything, normalised


def _fill(staff: Any, volunteer: Any, make_case: Any) -> None:
    first = make_case(
        title="Étudiante suspendue pour un message",
        external_ref="CASE-1",
        tags=["campus", "suspension"],
        assignees=[volunteer],
        speech_date=PartialDate.parse("2023-10"),
        person={"legal_name": "Amira Haddad", "category": "student", "name_consent": "initials"},
        sanction={"type": "suspension", "date": PartialDate.parse("2023-11"), "appeal_deadline": date(2023, 12, 15)},
    )
    cases.add_event(
        first, actor=staff, values={"kind": "hearing", "date": PartialDate.parse("2024"), "title": "Audience"}
    )
    cases.add_task(
        first, actor=staff, values={"title": "Call counsel", "due_date": date(2030, 1, 2), "owner_id": staff.id}
    )
    second = make_case(title="Nurse reprimanded", person={"legal_name": "Jo O’Brien", "category": "nurse"})
    cases.archive_case(second, actor=staff)
    mosque = orgs.create_organization(actor=staff, values={"name": "Mosquée de l’Ouest", "kind": "mosque"})
    union = orgs.create_organization(
        actor=staff, values={"name": "Syndicat des infirmières – section 12", "kind": "union"}
    )
    orgs.set_case_partners(first, [mosque], actor=staff)
    campaign = campaigns.create_campaign(
        actor=staff,
        values={
            "title_en": "Reinstate Amira",
            "title_fr": "Réintégrez Amira",
            "kind": "petition",
            "asks": ["Reinstate her", "Clear her record"],
            "targets": ["Minister of Education"],
            "start_date": "2023-11",
            "goal": 20000,
            "external_ref": "CAMP-1",
        },
    )
    campaigns.add_snapshot(campaign, actor=staff, values={"date": date(2023, 11, 20), "count": 1200, "source": "Web"})
    campaigns.add_snapshot(campaign, actor=staff, values={"date": date(2023, 12, 1), "count": 300, "channel": "paper"})
    campaigns.link_case(campaign, first, actor=staff)
    campaigns.link_case(campaign, second, actor=staff)
    campaigns.set_campaign_partners(campaign, [union], actor=staff)
    letter = letters.create_letter(
        actor=staff,
        values={
            "title": "Lettre ouverte",
            "addressee": "Ministre",
            "body_fr": "Nous demandons…",
            "campaign_id": campaign.id,
        },
    )
    letters.add_signatories(
        letter, "Mosquée de l’Ouest\nÉglise Saint-Jean\nSyndicat des infirmières – section 12", actor=staff
    )
    db.session.commit()


def _wipe_all_but_users() -> None:
    for table in reversed(db.metadata.sorted_tables):
        if table.name != "users":
            db.session.execute(delete(table))
    db.session.commit()


def test_export_then_import_into_an_empty_database_gives_the_same_database(
    app: Any, make_user: Any, make_case: Any
) -> None:
    staff, volunteer = make_user("staff"), make_user("volunteer")
    _fill(staff, volunteer, make_case)
    before = export_everything()
    assert len(before["cases"]) == 2 and before["campaigns"][0]["snapshots"]
    _wipe_all_but_users()
    assert export_everything()["cases"] == []

    text = json.dumps(before, ensure_ascii=False)  # through JSON text, as the file would be
    counts = import_everything(json.loads(text), actor=db.session.get(User, staff.id))
    db.session.commit()
    assert counts["cases"] == 2
    after = export_everything()
    assert normalised(after) == normalised(before)


def test_loading_into_a_database_that_has_cases_is_refused(app: Any, make_user: Any, make_case: Any) -> None:
    import pytest

    from casefiles.transfer.json_import import RestoreError

    make_case()
    with pytest.raises(RestoreError):
        import_everything(export_everything(), actor=None)


def test_csv_export_has_one_file_per_table_and_cases_reimport(app: Any, make_user: Any, make_case: Any) -> None:
    from casefiles.transfer.csv_import import preview_cases

    staff, volunteer = make_user("staff"), make_user("volunteer")
    _fill(staff, volunteer, make_case)
    archive = zipfile.ZipFile(BytesIO(export_csv_zip()))
    assert {"cases.csv", "people.csv", "campaigns.csv", "snapshots.csv", "signatories.csv"} <= set(archive.namelist())
    signatories = archive.read("signatories.csv").decode("utf-8-sig")
    assert "Syndicat des infirmières – section 12" in signatories
    report = preview_cases(archive.read("cases.csv"), "cases.csv")
    assert report.ok, report.errors
    assert report.counts["update"] == 2  # same references: a re-import updates, never duplicates


def test_cli_export_and_import_all(app: Any, make_user: Any, make_case: Any, tmp_path: Any) -> None:
    staff, volunteer = make_user("staff"), make_user("volunteer")
    _fill(staff, volunteer, make_case)
    runner = CliRunner()
    out = tmp_path / "all.json"
    result = runner.invoke(app.cli, ["export", "--format", "json", "--output", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    before = json.loads(out.read_text(encoding="utf-8"))
    zipped = tmp_path / "all.zip"
    assert runner.invoke(app.cli, ["export", "--format", "csv", "--output", str(zipped)]).exit_code == 0
    assert zipfile.is_zipfile(zipped)
    _wipe_all_but_users()
    result = runner.invoke(app.cli, ["import-all", str(out), "--as", staff.email], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert normalised(export_everything()) == normalised(before)
    assert db.session.scalars(select(User)).all()  # accounts are not part of the export and stay
