"""Who may reach what, checked over the whole of app.url_map so that endpoints added later are covered too.

- every endpoint not marked @public refuses anonymous users (302 to /login for GET, 401 otherwise);
- a role x endpoint matrix (anonymous, assigned volunteer, unassigned volunteer, staff, admin) with URLs built
  from the url_map and the ids of real objects; EXPECTED_MINIMUM_ROLE lists the endpoints reserved to staff or
  administrators, every other case-scoped endpoint is open to the volunteers assigned to the case only;
- `next=` never sends anyone to another site; CSRF is enforced on every POST; no GET changes data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from support import PASSWORD
from werkzeug.routing import IntegerConverter, Rule
from werkzeug.routing.converters import AnyConverter

from casefiles.authz import Role, is_public_endpoint
from casefiles.extensions import db

# Endpoints reserved to a role above "volunteer". Every other staff endpoint is open to volunteers, limited on
# case-scoped URLs to the cases assigned to them. Add new staff-only or admin-only endpoints here.
EXPECTED_MINIMUM_ROLE: dict[str, Role] = {
    # user management and security settings (admins create users and set roles)
    "auth.users": Role.ADMIN,
    "auth.user_new": Role.ADMIN,
    "auth.user_edit": Role.ADMIN,
    "auth.user_invite": Role.ADMIN,
    "auth.user_reset": Role.ADMIN,
    "auth.security_settings": Role.ADMIN,
    "briefs.organization_settings": Role.ADMIN,
    # the audit log of the whole organisation
    "audit.index": Role.ADMIN,
    "audit.export_csv": Role.ADMIN,
    # a real delete is admin-only
    "cases.delete": Role.ADMIN,
    # merging two cases spans both and their public pages: staff
    "cases.merge_start": Role.STAFF,
    "cases.merge_confirm": Role.STAFF,
    # staff decide: archive, shared institution records, publishing, dossiers over many cases
    "cases.archive": Role.STAFF,
    "institutions.edit": Role.STAFF,
    "publishing.publish": Role.STAFF,
    "publishing.unpublish": Role.STAFF,
    "publishing.content": Role.STAFF,
    "publishing.delete_correction": Role.STAFF,
    "publishing.photo": Role.STAFF,
    "publishing.photo_image": Role.STAFF,
    "publishing.remove_photo": Role.STAFF,
    "review.decide": Role.STAFF,
    "briefs.dossiers": Role.STAFF,
    "briefs.new_dossier": Role.STAFF,
    "briefs.dossier": Role.STAFF,
    "briefs.dossier_status": Role.STAFF,
    "briefs.dossier_download": Role.STAFF,
    # campaigns, organizations, sign-on letters and CSV import are staff work; the full export is admin-only
    "campaigns.case_partners": Role.STAFF,
    "campaigns.index": Role.STAFF,
    "campaigns.new": Role.STAFF,
    "campaigns.detail": Role.STAFF,
    "campaigns.edit": Role.STAFF,
    "campaigns.add_snapshot": Role.STAFF,
    "campaigns.remove_snapshot": Role.STAFF,
    "campaigns.link_case": Role.STAFF,
    "campaigns.unlink_case": Role.STAFF,
    "campaigns.partners": Role.STAFF,
    "campaigns.delete": Role.STAFF,
    "organizations.index": Role.STAFF,
    "organizations.new": Role.STAFF,
    "organizations.detail": Role.STAFF,
    "organizations.edit": Role.STAFF,
    "letters.index": Role.STAFF,
    "letters.new": Role.STAFF,
    "letters.detail": Role.STAFF,
    "letters.edit": Role.STAFF,
    "letters.preview": Role.STAFF,
    "letters.add_signatories": Role.STAFF,
    "letters.remove_signatory": Role.STAFF,
    "letters.signatories_csv": Role.STAFF,
    "letters.print_view": Role.STAFF,
    "letters.delete": Role.STAFF,
    "transfer.upload": Role.STAFF,
    "transfer.confirm": Role.STAFF,
    "transfer.export_page": Role.ADMIN,
    "transfer.export_download": Role.ADMIN,
    "transfer.import_all": Role.ADMIN,
    # help requests: staff decide; a volunteer reads only the ones assigned to them
    "intake.assign": Role.STAFF,
    "intake.convert": Role.STAFF,
    "intake.decline": Role.STAFF,
    "intake.spam": Role.STAFF,
}

# Values for string arguments that are not ids of objects.
STRING_ARGUMENTS = {"lang": "en", "code": "en", "filename": "css/casefiles.css"}
# The parts of a case addressed by item_id, by the URL segment that names them.
PART_SEGMENTS = ("people", "sanctions", "events", "tasks")
UNRESOLVED_ID = 987654
# POSTs without a CSRF token by design, each authorized otherwise: the follow form of the cached public pages (a
# signed stamp for the page; it can only send a confirmation link to the address typed) and one-click unsubscribe
# (RFC 8058: the mail client posts; the signed token of that address is the authority). They still change nothing
# here (no stamp, no valid token) and never fail.
CSRF_EXEMPT = {"followers.follow_case", "followers.follow_campaign", "followers.unsubscribe"}


def _methods(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _rules(app: Any) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


def _protected_rules(app: Any) -> list[Rule]:
    return [r for r in _rules(app) if not is_public_endpoint(r.endpoint)]


@dataclass
class World:
    """Real objects for every kind of id found in URLs, and one signed-in client per role."""

    case_id: int
    parts: dict[str, int]
    institution_id: int
    user_id: int
    clients: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)


def _urls(app: Any, rule: Rule, world: World | None) -> list[tuple[str, bool]]:
    """Every URL of a rule (one per value of an `any(...)` part), and whether all its ids are real objects."""
    variants: list[dict[str, Any]] = [{}]
    for name in sorted(rule.arguments):
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):
            variants = [{**v, name: item} for v in variants for item in sorted(converter.items)]
    urls = []
    for values in variants:
        resolved = True
        for name in rule.arguments:
            if name in values:
                continue
            value, real = _argument(rule, name, values, world)
            values[name] = value
            resolved = resolved and real
        with app.test_request_context():
            from flask import url_for

            urls.append((url_for(rule.endpoint, **values), resolved))
    return urls


def _argument(rule: Rule, name: str, values: dict[str, Any], world: World | None) -> tuple[Any, bool]:
    is_int = isinstance(rule._converters[name], IntegerConverter)
    if world is None:
        return (1 if is_int else STRING_ARGUMENTS.get(name, "x")), True
    if name == "case_id":
        return world.case_id, True
    if name == "institution_id":
        return world.institution_id, True
    if name == "user_id":
        return world.user_id, True
    if name == "item_id":
        kind = values.get("kind") or next((s for s in PART_SEGMENTS if f"/{s}/<" in rule.rule), None)
        if kind in world.parts:
            return world.parts[kind], True
    if name in STRING_ARGUMENTS:
        return STRING_ARGUMENTS[name], True
    return (UNRESOLVED_ID if is_int else "unknown"), False


def _is_case_scoped(rule: Rule) -> bool:
    return "case_id" in rule.arguments


def _login(client: Any, user: Any) -> None:
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.data[:300]


@pytest.fixture
def world(app: Any, make_user: Any, make_case: Any) -> World:
    from casefiles.cases import services
    from casefiles.dates import PartialDate

    users = {
        "volunteer_assigned": make_user("volunteer"),
        "volunteer_unassigned": make_user("volunteer"),
        "staff": make_user("staff"),
        "admin": make_user("admin"),
    }
    case = make_case(assignees=[users["volunteer_assigned"]])
    event = services.add_event(
        actor=None, case=case, values={"kind": "hearing", "date": PartialDate.parse("2024-01"), "title": "Hearing"}
    )
    task = services.add_task(actor=None, case=case, values={"title": "File the appeal", "due_date": date(2030, 1, 15)})
    db.session.commit()
    world = World(
        case_id=case.id,
        parts={"people": case.people[0].id, "sanctions": case.sanctions[0].id, "events": event.id, "tasks": task.id},
        institution_id=case.institution_id,
        user_id=users["volunteer_assigned"].id,
        users=users,
    )
    world.clients["anonymous"] = app.test_client()
    for role, user in users.items():
        client = app.test_client()
        _login(client, user)
        world.clients[role] = client
    return world


def test_every_protected_endpoint_refuses_anonymous_users(app: Any, client: Any) -> None:
    rules = _protected_rules(app)
    assert any(r.rule.startswith("/staff/") for r in rules)
    problems = []
    for rule in rules:
        for url, _real in _urls(app, rule, None):
            for method in _methods(rule):
                response = client.open(url, method=method)
                if method == "GET":
                    location = response.headers.get("Location", "")
                    if response.status_code != 302 or not urlsplit(location).path.endswith("/login"):
                        problems.append(f"GET {url} ({rule.endpoint}) -> {response.status_code} {location}")
                elif response.status_code != 401:
                    problems.append(f"{method} {url} ({rule.endpoint}) -> {response.status_code}")
    assert not problems, "\n".join(problems)


def test_everything_under_staff_needs_a_login(app: Any) -> None:
    public_staff = [r.rule for r in _rules(app) if r.rule.startswith("/staff") and is_public_endpoint(r.endpoint)]
    assert public_staff == []


def _expected(role: str, rule: Rule) -> bool | None:
    """True: may access; False: refused; None: no fixed expectation (a volunteer on a new, unlisted page)."""
    minimum = EXPECTED_MINIMUM_ROLE.get(rule.endpoint, Role.VOLUNTEER)
    if role == "anonymous":
        return False
    if role in ("staff", "admin"):
        return Role(role).rank >= minimum.rank
    if minimum is not Role.VOLUNTEER:
        return False
    if _is_case_scoped(rule):
        return role == "volunteer_assigned"
    return True if rule.endpoint in VOLUNTEER_PAGES else None


# Pages without a case in their URL that every volunteer uses (checked as allowed, not only "not refused").
VOLUNTEER_PAGES = {"cases.dashboard", "cases.index", "cases.new", "institutions.index", "auth.account", "intake.queue"}


def _check(role: str, rule: Rule, method: str, url: str, real: bool, response: Any) -> str | None:
    expected = _expected(role, rule)
    status = response.status_code
    where = f"{role:22} {method:4} {url} ({rule.endpoint}) -> {status}"
    if status >= 500:
        return where + " (server error)"
    if role == "anonymous":
        refused = status == 401 or (status == 302 and "/login" in response.headers.get("Location", ""))
        return None if refused else where + " (anonymous not refused)"
    if expected is False and not (status == 403 or (status == 404 and not real)):
        return where + " (expected 403)"
    if expected is True and (status in (401, 403) or "/login" in response.headers.get("Location", "")):
        return where + " (expected access)"
    return None


def test_role_by_endpoint_matrix(app: Any, world: World) -> None:
    """GET every protected URL as every role; POST only where the role must be refused (nothing changes)."""
    problems = []
    checked = 0
    for rule in _protected_rules(app):
        for url, real in _urls(app, rule, world):
            for role, client in world.clients.items():
                for method in _methods(rule):
                    if method != "GET" and _expected(role, rule) is not False:
                        continue
                    response = client.open(url, method=method, data={})
                    checked += 1
                    problem = _check(role, rule, method, url, real, response)
                    if problem:
                        problems.append(problem)
    assert checked > 100
    assert not problems, "\n".join(problems)


def test_the_matrix_covers_the_known_staff_endpoints(app: Any) -> None:
    endpoints = {r.endpoint for r in _rules(app)}
    for known in ("cases.index", "cases.detail", "cases.edit", "cases.history", "cases.delete", "auth.users"):
        assert known in endpoints
    # The table must not go stale silently: every listed endpoint that exists is protected.
    for endpoint in EXPECTED_MINIMUM_ROLE:
        if endpoint in endpoints:
            assert not is_public_endpoint(endpoint), endpoint


def test_unassigned_volunteer_does_not_see_the_case_in_lists(app: Any, world: World) -> None:
    from casefiles.cases.models import Case

    case = db.session.get(Case, world.case_id)
    listed = world.clients["volunteer_unassigned"].get("/staff/cases").get_data(as_text=True)
    assert case.title not in listed
    assert case.title in world.clients["volunteer_assigned"].get("/staff/cases").get_data(as_text=True)
    assert case.title in world.clients["staff"].get("/staff/cases").get_data(as_text=True)


# --- next= stays on our site --------------------------------------------------------------------------------

HOSTILE_TARGETS = [
    "//evil.com",
    "//evil.com/staff/",
    "https://evil.com",
    "http://evil.com/staff/",
    "/\\evil.com",
    "\\\\evil.com",
    "/\\/evil.com",
    "///evil.com",
    "javascript:alert(1)",
    "/\t/evil.com",
    "/%09/evil.com",
    "https:evil.com",
]


def _stays_here(location: str) -> bool:
    target = location.replace("\\", "/")
    parts = urlsplit(re.sub(r"[\t\r\n]", "", target))
    return parts.scheme in ("", "http") and parts.netloc in ("", "localhost") and not target.startswith("//")


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_next_after_login_stays_on_our_site(client: Any, make_user: Any, target: str) -> None:
    user = make_user("staff")
    response = client.post("/login", query_string={"next": target}, data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert _stays_here(response.headers["Location"]), response.headers["Location"]
    form_field = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "next": target}, follow_redirects=False
    )
    assert _stays_here(form_field.headers.get("Location", "/")), form_field.headers.get("Location")
    # Already signed in: /login?next=... redirects straight away, still on our site.
    again = client.get("/login", query_string={"next": target})
    assert again.status_code == 302
    assert _stays_here(again.headers["Location"]), again.headers["Location"]


def test_next_to_one_of_our_pages_is_followed(client: Any, make_user: Any) -> None:
    user = make_user("staff")
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "next": "/staff/cases?status=active"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/cases?status=active")


# --- CSRF ---------------------------------------------------------------------------------------------------


def _token_from(client: Any, url: str) -> str:
    """The CSRF token of the form at url. The `app` fixture keeps one app context (and so one `g`) for the
    whole test, where Flask-WTF caches the token; drop it so the page issues a token for the current session."""
    from flask import g

    g.pop("csrf_token", None)
    return _token(client.get(url).get_data(as_text=True))


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token in the form"
    return match.group(1)


class TestCsrf:
    @pytest.fixture
    def app_overrides(self) -> dict[str, Any]:
        return {"WTF_CSRF_ENABLED": True}

    def _sign_in(self, client: Any, user: Any) -> None:
        token = _token_from(client, "/login")
        response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302

    def test_login_without_a_token_is_refused(self, client: Any, make_user: Any) -> None:
        user = make_user("admin")
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 400
        assert client.get("/staff/").status_code == 302  # still signed out

    def test_every_post_without_a_token_is_refused_and_changes_nothing(
        self, app: Any, client: Any, make_user: Any, make_case: Any
    ) -> None:
        admin = make_user("admin")
        case = make_case()
        self._sign_in(client, admin)
        before = _snapshot()
        world = World(
            case_id=case.id,
            parts={"people": case.people[0].id, "sanctions": case.sanctions[0].id},
            institution_id=case.institution_id,
            user_id=admin.id,
        )
        problems = []
        posted = 0
        for rule in _rules(app):
            if "POST" not in rule.methods:
                continue
            for url, _real in _urls(app, rule, world):
                response = client.post(url, data={"confirm": "y", "title": "Changed"})
                posted += 1
                if response.status_code != 400 and not (rule.endpoint in CSRF_EXEMPT and response.status_code < 500):
                    problems.append(f"POST {url} ({rule.endpoint}) -> {response.status_code}")
        assert posted > 10
        assert not problems, "\n".join(problems)
        assert _snapshot() == before

    def test_a_form_with_its_token_is_accepted(self, client: Any, make_user: Any) -> None:
        from casefiles.cases.models import Case

        self._sign_in(client, make_user("staff"))
        token = _token_from(client, "/staff/cases/new")
        data = {
            "csrf_token": token,
            "title": "Teacher reprimanded for an op-ed",
            "status": "intake",
            "outcome": "ongoing",
            "priority": "normal",
            "legal_name": "Sam Fictif",
            "name_consent": "none",
            "category": "teacher",
            "institution_kind": "school_board",
        }
        bad = client.post("/staff/cases/new", data={**data, "csrf_token": "forged"})
        assert bad.status_code == 400
        assert db.session.scalar(select(db.func.count(Case.id))) == 0
        response = client.post("/staff/cases/new", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        assert db.session.scalar(select(db.func.count(Case.id))) == 1


# --- GET is safe ---------------------------------------------------------------------------------------------


def _snapshot() -> dict[str, list[tuple]]:
    db.session.expire_all()
    snapshot = {}
    for table in db.metadata.sorted_tables:
        if table.name == "public_pages":
            continue  # rendered public answers, kept by reading them: a cache, not data
        order = list(table.primary_key.columns) or list(table.columns)
        rows = db.session.execute(select(table).order_by(*order)).all()
        snapshot[table.name] = [tuple(str(v) for v in row) for row in rows]
    db.session.rollback()
    return snapshot


def test_no_get_request_changes_data(app: Any, world: World) -> None:
    before = _snapshot()
    requests = 0
    for rule in _rules(app):
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        for url, _real in _urls(app, rule, world):
            for role in ("admin", "volunteer_assigned", "anonymous"):
                world.clients[role].get(url)
                requests += 1
    assert requests > 50
    after = _snapshot()
    changed = {name for name in before if before[name] != after[name]}
    assert not changed, {name: (before[name][-3:], after[name][-3:]) for name in changed}
