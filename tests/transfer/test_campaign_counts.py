"""The campaign CSV import takes supporter counts: a dated count on a campaign's row, or a file of counts (several
dated counts per campaign); a re-import changes nothing, a new number on the same date corrects it, bad cells are
refused by row and column and nothing is saved."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from casefiles.audit.models import AuditEntry
from casefiles.campaigns.models import Campaign, SupporterSnapshot
from casefiles.extensions import db
from casefiles.transfer import csv_campaigns
from casefiles.transfer.report import ImportRefused

HEADER = "external_ref,title_en,title_fr,kind,status,outcome,start_date,end_date,goal"


def _import(data: str, actor: Any) -> Any:
    report = csv_campaigns.import_campaigns(data.encode(), "file.csv", actor=actor)
    db.session.commit()
    return report


def _counts() -> list[tuple[str, date, int, str]]:
    rows = db.session.execute(
        select(Campaign.external_ref, SupporterSnapshot.date, SupporterSnapshot.count, SupporterSnapshot.channel)
        .join(Campaign, Campaign.id == SupporterSnapshot.campaign_id)
        .order_by(Campaign.external_ref, SupporterSnapshot.date)
    )
    return [tuple(r) for r in rows]


def test_a_dated_count_per_row(app: Any, make_user: Any) -> None:
    staff = make_user("staff")
    data = (
        f"{HEADER},supporters,supporters_date,supporters_source\n"
        'V-1,Reinstate her,Réintégrez-la,petition,completed,victory,2023-11,2024-02,,"12,000",2024-02-01,e-petition\n'
        "V-2,Drop the charges,,email,in progress,,2024,,,,,\n"
    )
    report = _import(data, staff)
    assert report.counts["create"] == 2
    assert _counts() == [("V-1", date(2024, 2, 1), 12000, "online")]
    # The same file again: nothing changes. A corrected number on the same date corrects the count.
    _import(data, staff)
    assert _counts() == [("V-1", date(2024, 2, 1), 12000, "online")]
    _import(data.replace('"12,000"', "12 400"), staff)
    assert _counts() == [("V-1", date(2024, 2, 1), 12400, "online")]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.object_type == "snapshot"))


def test_a_file_of_counts_records_a_campaigns_history(app: Any, make_user: Any) -> None:
    staff = make_user("staff")
    _import(f"{HEADER}\nV-1,Reinstate her,,petition,in progress,,2023,,\n", staff)
    counts = (
        "campaign,date,count,source,channel\n"
        "V-1,2023-11-20,1500,,\n"
        "V-1,2023-12-15,6000,,\n"
        "V-1,2024-01-10,12000,e-petition,online\n"
        "V-1,2024-01-10,350,rally,paper\n"
    )
    assert csv_campaigns.preview_campaigns(counts.encode(), "counts.csv").counts["create"] == 4
    assert _counts() == []  # a preview writes nothing
    _import(counts, staff)
    assert len(_counts()) == 4
    assert _import(counts, staff).counts["update"] == 4 and len(_counts()) == 4  # again: unchanged


def test_bad_counts_are_refused_by_row_and_column_and_nothing_is_saved(app: Any, make_user: Any) -> None:
    staff = make_user("staff")
    _import(f"{HEADER}\nV-1,Reinstate her,,petition,in progress,,2023,,\n", staff)
    counts = (
        "campaign,date,count\nV-1,2024-01-10,12000\nV-9,2024-01-10,100\nV-1,10/01/2024,many\nV-1,2024-01-10,12001\n"
    )
    try:
        _import(counts, staff)
    except ImportRefused as refused:
        errors = " ".join(str(e) for e in refused.report.errors)
    else:
        raise AssertionError("refused")
    db.session.rollback()
    assert "V-9" in errors and "10/01/2024" in errors and "row 5" in errors.lower()
    assert _counts() == []
    row = f"{HEADER},supporters,supporters_date\nV-1,Reinstate her,,petition,in progress,,2023,,,500,\n"
    report = csv_campaigns.preview_campaigns(row.encode(), "file.csv")
    assert not report.ok and "supporters_date" in " ".join(str(e) for e in report.errors)
