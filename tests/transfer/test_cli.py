"""flask cases import / campaigns import / orgs import: preview, --dry-run, progress, all-or-nothing."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner
from sqlalchemy import func, select

from casefiles.audit.models import AuditEntry
from casefiles.campaigns.models import Campaign
from casefiles.cases.models import Case
from casefiles.extensions import db
from casefiles.organizations.models import Organization

from .helpers import case_row, cases_csv


def _run(app: Any, *args: str) -> Any:
    return CliRunner().invoke(app.cli, list(args), catch_exceptions=False)


def test_cases_import_dry_run_then_real_then_again(app: Any, make_user: Any, tmp_path: Any) -> None:
    staff = make_user("staff")
    path = tmp_path / "cases.csv"
    path.write_bytes(cases_csv([case_row(f"C-{n}") for n in range(30)]))
    result = _run(app, "cases", "import", str(path), "--dry-run")
    assert result.exit_code == 0 and "30 to create" in result.output and "Dry run" in result.output
    assert db.session.scalar(select(func.count(Case.id))) == 0
    result = _run(app, "cases", "import", str(path), "--as", staff.email)
    assert result.exit_code == 0, result.output
    assert "Importing cases" in result.output  # the progress bar
    assert db.session.scalar(select(func.count(Case.id))) == 30
    result = _run(app, "cases", "import", str(path))
    assert "30 to update" in result.output
    assert db.session.scalar(select(func.count(Case.id))) == 30
    actors = db.session.scalars(select(AuditEntry.actor_id).where(AuditEntry.action == "import.cases")).all()
    assert actors == [staff.id, None]


def test_cases_import_refuses_a_bad_file_and_writes_nothing(app: Any, tmp_path: Any) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(cases_csv([case_row("B-1"), case_row("B-2", category="astronaut")]))
    result = _run(app, "cases", "import", str(path))
    assert result.exit_code == 1
    assert "Row 3, column “category”" in result.output
    assert db.session.scalar(select(func.count(Case.id))) == 0


def test_orgs_and_campaigns_import(app: Any, make_case: Any, tmp_path: Any) -> None:
    make_case(external_ref="K-1")
    orgs = tmp_path / "orgs.csv"
    orgs.write_text(
        "name,kind,city,province,website\n"
        "Association des étudiants musulmans de l’UdeM,student association,Montréal,QC,\n"
        "Centre communautaire — Nord,ngo,Laval,QC,https://example.org\n",
        encoding="utf-8",
    )
    assert _run(app, "orgs", "import", str(orgs)).exit_code == 0
    names = set(db.session.scalars(select(Organization.name)))
    assert "Association des étudiants musulmans de l’UdeM" in names  # exactly as written
    result = _run(app, "orgs", "import", str(orgs))
    assert "2 to update" in result.output and db.session.scalar(select(func.count(Organization.id))) == 2

    campaigns = tmp_path / "campaigns.csv"
    campaigns.write_text(
        "external_ref,title_en,title_fr,kind,status,outcome,start_date,end_date,goal,asks,cases\n"
        'P-1,Reinstate her,Réintégrez-la,petition,in progress,,2023-11,,"20,000","Reinstate her\nApologise",K-1\n',
        encoding="utf-8",
    )
    result = _run(app, "campaigns", "import", str(campaigns))
    assert result.exit_code == 0, result.output
    campaign = db.session.scalars(select(Campaign)).one()
    assert campaign.asks == ["Reinstate her", "Apologise"] and campaign.goal == 20000
    assert [c.external_ref for c in campaign.cases] == ["K-1"]
    bad = tmp_path / "bad-campaigns.csv"
    bad.write_text(
        "external_ref,title_en,title_fr,kind,status,outcome,start_date,end_date,goal\nP-2,X,,sit-in,,,2023-99,,\n",
        encoding="utf-8",
    )
    result = _run(app, "campaigns", "import", str(bad))
    assert result.exit_code == 1
    assert "Row 2, column “kind”" in result.output and "Row 2, column “start_date”" in result.output
