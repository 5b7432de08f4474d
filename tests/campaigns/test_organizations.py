"""Organizations: names kept exactly as written, one record per name whatever the spelling of case and dashes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from casefiles.extensions import db
from casefiles.organizations import services
from casefiles.organizations.models import Organization


def test_name_is_kept_exactly_and_duplicates_are_refused(app: Any) -> None:
    name = "Association des étudiants musulmans de l’UdeM"
    org = services.create_organization(actor=None, values={"name": f"  {name} ", "kind": "student_association"})
    db.session.commit()
    assert org.name == name
    with pytest.raises(services.OrganizationError) as error:
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
