"""The command line: `flask users create` and `flask demo load`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from casefiles.auth.models import User
from casefiles.authz import Role
from casefiles.extensions import db

GOOD_PASSWORD = "violet kettle stands on the porch 7"


def _create(app: Any, email: str, password: str, role: str = "admin") -> Any:
    runner = app.test_cli_runner()
    return runner.invoke(args=["users", "create", email, "--role", role, "--password-stdin"], input=password + "\n")


def _users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_users_create_makes_an_account_with_an_argon2id_hash(app: Any) -> None:
    result = _create(app, "Admin@Example.org", GOOD_PASSWORD)
    assert result.exit_code == 0, result.output
    assert "admin@example.org" in result.output.lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == "admin@example.org"))
    assert user is not None
    assert user.role is Role.ADMIN
    assert user.password_hash.startswith("$argon2id$")
    assert GOOD_PASSWORD not in user.password_hash
    # The password works at /login.
    response = app.test_client().post("/login", data={"email": "admin@example.org", "password": GOOD_PASSWORD})
    assert response.status_code == 302


def test_users_create_each_role(app: Any) -> None:
    for role in ("staff", "volunteer"):
        assert _create(app, f"{role}@example.org", GOOD_PASSWORD, role).exit_code == 0
    roles = {u.email: u.role for u in db.session.scalars(select(User))}
    assert roles == {"staff@example.org": Role.STAFF, "volunteer@example.org": Role.VOLUNTEER}


def test_users_create_refuses_an_unknown_role(app: Any) -> None:
    result = _create(app, "x@example.org", GOOD_PASSWORD, "superuser")
    assert result.exit_code != 0
    assert _users() == 0


def test_users_create_refuses_a_short_password(app: Any) -> None:
    result = _create(app, "short@example.org", "Tr0ub4dor&3")
    assert result.exit_code != 0
    assert "at least" in result.output
    assert _users() == 0


def test_users_create_refuses_a_common_password(app: Any) -> None:
    result = _create(app, "common@example.org", "123456789012")
    assert result.exit_code != 0
    assert "too common" in result.output
    assert _users() == 0


def test_users_create_refuses_an_empty_password(app: Any) -> None:
    result = _create(app, "empty@example.org", "")
    assert result.exit_code != 0
    assert _users() == 0


def test_users_create_refuses_a_duplicate_email(app: Any) -> None:
    assert _create(app, "dup@example.org", GOOD_PASSWORD).exit_code == 0
    result = _create(app, "DUP@example.org", GOOD_PASSWORD + " again", "volunteer")
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert _users() == 1
    assert db.session.scalar(select(User)).role is Role.ADMIN


def test_demo_load_covers_every_status_outcome_and_category_and_refuses_to_load_twice(app: Any) -> None:
    from casefiles.cases.models import Case
    from casefiles.enums import CaseStatus, Outcome, PersonCategory
    from casefiles.people.models import Person

    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    count = db.session.scalar(select(func.count(Case.id)))
    assert count > 24
    assert "Loaded 24 fictional demo cases" in result.output
    assert set(db.session.scalars(select(Case.status).distinct())) == {s.value for s in CaseStatus}
    assert set(db.session.scalars(select(Case.outcome).distinct())) == {o.value for o in Outcome}
    assert set(db.session.scalars(select(Person.category).distinct())) == {c.value for c in PersonCategory}
    # Clearly fictional: no contact detail outside the reserved example domains.
    emails = [e for e in db.session.scalars(select(Person.contact_email)) if e]
    assert all(e.endswith((".example", "example.org", "example.com", "example.net")) for e in emails), emails

    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0
    assert "nothing loaded" in again.output
    assert db.session.scalar(select(func.count(Case.id))) == count
