"""Organizations: names kept exactly as written, one record per name whatever the spelling of case and dashes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from casefiles.extensions import db
from casefiles.organizations import services
from casefiles.organizations.models import Organization
from casefiles.records.fields import FieldError


def test_name_is_kept_exactly_and_duplicates_are_refused(app: Any) -> None:
    name = "Association des étudiants musulmans de l’UdeM"
    org = services.create_organization(actor=None, values={"name": f"  {name} ", "kind": "student_association"})
    db.session.commit()
    assert org.name == name
    with pytest.raises(FieldError) as error:
        services.create_organization(actor=None, values={"name": "ASSOCIATION des étudiants musulmans de l'UdeM"})
    assert error.value.field == "name"
    db.session.rollback()
    assert services.find_organization("association des étudiants musulmans de l'udem").id == org.id


def test_organization_pages(app: Any, client: Any, login: Any) -> None:
    login("staff")
    response = client.post(
        "/staff/organizations/new",
        data={"name": "Centre juridique – Montréal", "kind": "legal_clinic", "city": "Montréal", "website": ""},
    )
    assert response.status_code == 302
    org = db.session.scalars(select(Organization)).one()
    again = client.post("/staff/organizations/new", data={"name": "centre juridique - montréal", "kind": "ngo"})
    assert again.status_code == 200 and "already exists" in again.get_data(as_text=True)
    listing = client.get("/staff/organizations/?q=juridique").get_data(as_text=True)
    assert "Centre juridique – Montréal" in listing
    response = client.post(
        f"/staff/organizations/{org.id}/edit",
        data={"name": "Centre juridique – Montréal", "kind": "ngo", "version": str(org.version)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, org.id).kind == "ngo"
    bad = client.post(f"/staff/organizations/{org.id}/edit", data={"name": "", "kind": "ngo"})
    assert bad.status_code == 200 and "Enter the organization" in bad.get_data(as_text=True)


def test_partners_on_a_case_from_the_case_page(app: Any, client: Any, login: Any, make_case: Any) -> None:
    from casefiles.audit.models import AuditEntry
    from casefiles.organizations.services import case_partners_of

    login("staff")
    org = services.create_organization(actor=None, values={"name": "Clinique juridique – Est"})
    case = make_case()
    db.session.commit()
    response = client.post(f"/staff/campaigns/case/{case.id}/partners", data={"names": "clinique juridique - est"})
    assert response.status_code == 302
    assert [o.id for o in case_partners_of(case)] == [org.id]
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Clinique juridique – Est" in page
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case.partners")).one()
    assert entry.case_id == case.id and entry.changes["partners"] == [[], ["Clinique juridique – Est"]]
    unknown = client.post(
        f"/staff/campaigns/case/{case.id}/partners", data={"names": "Nobody"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "No organization is recorded as “Nobody”" in unknown
