"""The record kernel's promises over the case file's records: no lost update, and public changes go through review.

Two real test clients (two signed-in people) race on each record type's edit form; a volunteer's public edits on a
published case change nothing public until staff approve. A stateful property test interleaves edits, deletes and
stale saves of random records by two users: no committed change is ever lost without its loser being shown it.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import select
from support import PASSWORD

from casefiles.audit.models import AuditEntry
from casefiles.campaigns.models import Campaign
from casefiles.cases.models import Case, Event, Sanction, Task
from casefiles.extensions import db
from casefiles.institutions.models import Institution
from casefiles.organizations.models import Organization
from casefiles.people.models import Person
from casefiles.records.models import PendingRevision
from casefiles.records.registry import record_for

# For each record type: how to find it on a case, its edit URL, a form that edits one field, and that field.
KINDS: dict[str, dict[str, Any]] = {
    "case": {
        "url": lambda case, obj: f"/staff/cases/{case.id}/edit",
        "obj": lambda case: case,
        "form": lambda obj: {
            "title": obj.title,
            "status": obj.status,
            "outcome": obj.outcome,
            "priority": obj.priority,
            "institution_name": obj.institution.name if obj.institution else "",
            "institution_kind": "other",
            "institution_country": "Canada",
            "private_notes": obj.private_notes,
            "public_summary": obj.public_summary,
            "speech_text": obj.speech_text,
        },
        "a": ("private_notes", "A's notes"),
        "b": ("status", "closed"),
        "both": "private_notes",
    },
    "person": {
        "url": lambda case, obj: f"/staff/cases/{case.id}/people/{obj.id}/edit",
        "obj": lambda case: case.people[0],
        "form": lambda obj: {
            "legal_name": obj.legal_name,
            "name_consent": obj.name_consent,
            "pseudonym": obj.pseudonym,
            "pronouns": obj.pronouns,
            "category": obj.category,
            "contact_email": obj.contact_email,
            "contact_phone": obj.contact_phone,
            "contact_notes": obj.contact_notes,
        },
        "a": ("contact_phone", "555-0100"),
        "b": ("pronouns", "she/her"),
        "both": "contact_phone",
    },
    "sanction": {
        "url": lambda case, obj: f"/staff/cases/{case.id}/sanctions/{obj.id}/edit",
        "obj": lambda case: case.sanctions[0],
        "form": lambda obj: {
            "type": obj.type,
            "imposed_by": obj.imposed_by,
            "date": obj.when.iso() if obj.when else "",
            "duration": obj.duration,
            "notes": obj.notes,
        },
        "a": ("duration", "two weeks"),
        "b": ("notes", "B's notes"),
        "both": "duration",
    },
    "event": {
        "url": lambda case, obj: f"/staff/cases/{case.id}/events/{obj.id}/edit",
        "obj": lambda case: case.events[0],
        "form": lambda obj: {
            "kind": obj.kind,
            "date": obj.when.iso(),
            "title": obj.title,
            "description": obj.description,
        },
        "a": ("title", "A's title"),
        "b": ("description", "B's details"),
        "both": "title",
    },
    "task": {
        "url": lambda case, obj: f"/staff/cases/{case.id}/tasks/{obj.id}/edit",
        "obj": lambda case: next(t for t in case.tasks if not t.is_appeal_deadline),
        "form": lambda obj: {"title": obj.title, "due_date": obj.due_date.isoformat(), "owner_id": ""},
        "a": ("title", "A's task"),
        "b": ("due_date", "2031-02-03"),
        "both": "title",
    },
}


def _case_with_everything(make_case: Any) -> Case:
    from casefiles.cases import services

    case = make_case()
    services.add_event(case, actor=None, values={"date": "2024-01-02", "title": "Hearing", "kind": "hearing"})
    services.add_task(case, actor=None, values={"title": "Call the lawyer", "due_date": "2030-01-01"})
    db.session.commit()
    return case


def _client(app: Any, make_user: Any, role: str = "staff") -> Any:
    client = app.test_client()
    user = make_user(role)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def _reload(model: type, obj_id: int) -> Any:
    db.session.expire_all()
    return db.session.get(model, obj_id)


@pytest.mark.parametrize("kind", list(KINDS))
def test_two_people_race_on_every_record_type(kind: str, app: Any, make_user: Any, make_case: Any) -> None:
    spec = KINDS[kind]
    case = _case_with_everything(make_case)
    obj = spec["obj"](case)
    model, obj_id, url = type(obj), obj.id, spec["url"](case, obj)
    alice, bob = _client(app, make_user), _client(app, make_user)
    # Both open the form at the same version.
    for client in (alice, bob):
        html = client.get(url).get_data(as_text=True)
        assert f'name="version" type="hidden" value="{obj.version}"' in html
    shown_version = obj.version
    base = spec["form"](obj)
    a_field, a_value = spec["a"]
    b_field, b_value = spec["b"]
    # A saves first.
    assert alice.post(url, data={**base, a_field: a_value, "version": shown_version}).status_code == 302
    assert str(record_for(model).by_name[a_field].read(_reload(model, obj_id))) == a_value
    # B saves the stale form, changing another field: merge view, A's value kept, nothing saved yet.
    stale = {**base, b_field: b_value, "version": shown_version}
    response = bob.post(url, data=stale)
    html = response.get_data(as_text=True)
    assert response.status_code == 409, html[:2000]
    assert "Someone else saved this while you were editing" in html
    assert str(record_for(model).by_name[a_field].read(_reload(model, obj_id))) == a_value
    assert str(record_for(model).by_name[b_field].read(_reload(model, obj_id))) != b_value
    # The merge view took A's change into B's form and carries the new version.
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    assert int(version) == _reload(model, obj_id).version
    assert a_value.replace("'", "&#39;") in html
    # B confirms: both changes are present.
    assert bob.post(url, data={**base, a_field: a_value, b_field: b_value, "version": version}).status_code == 302
    saved = _reload(model, obj_id)
    assert str(record_for(model).by_name[a_field].read(saved)) == a_value
    assert str(record_for(model).by_name[b_field].read(saved)) == b_value


@pytest.mark.parametrize("kind", list(KINDS))
def test_both_changed_the_same_field_the_user_chooses(kind: str, app: Any, make_user: Any, make_case: Any) -> None:
    spec = KINDS[kind]
    case = _case_with_everything(make_case)
    obj = spec["obj"](case)
    model, obj_id, url = type(obj), obj.id, spec["url"](case, obj)
    alice, bob = _client(app, make_user), _client(app, make_user)
    base, shown = spec["form"](obj), obj.version
    name = spec["both"]
    assert (
        alice.post(
            url, data={**base, name: "2032-01-01" if "date" in name else "Alice's", "version": shown}
        ).status_code
        == 302
    )
    mine = "2033-01-01" if "date" in name else "Bob's"
    response = bob.post(url, data={**base, name: mine, "version": shown})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and f'name="merge-{name}"' in html
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    # Pressing Save again with "theirs" keeps the colleague's value; the draft's value was never applied.
    assert bob.post(url, data={**base, name: mine, "version": version, f"merge-{name}": "theirs"}).status_code == 302
    assert str(record_for(model).by_name[name].read(_reload(model, obj_id))) != mine


def test_a_delete_of_a_record_changed_since_it_was_shown_is_refused(app: Any, make_user: Any, make_case: Any) -> None:
    case = _case_with_everything(make_case)
    event = case.events[0]
    alice, bob = _client(app, make_user), _client(app, make_user)
    shown = event.version
    url = f"/staff/cases/{case.id}/events/{event.id}"
    assert (
        alice.post(
            f"{url}/edit", data={**KINDS["event"]["form"](event), "title": "Renamed", "version": shown}
        ).status_code
        == 302
    )
    response = bob.post(f"{url}/delete", data={"version": shown})
    assert response.status_code == 200 and "changed this since you opened it" in response.get_data(as_text=True)
    assert _reload(Event, event.id) is not None
    assert bob.post(f"{url}/delete", data={"version": _reload(Event, event.id).version}).status_code == 302
    assert _reload(Event, event.id) is None


def test_a_huge_or_odd_version_is_a_merge_view_not_a_500(app: Any, make_user: Any, make_case: Any) -> None:
    case = _case_with_everything(make_case)
    client = _client(app, make_user)
    form = KINDS["case"]["form"](case)
    for version in ("9" * 40, "²", "-1", "abc"):
        response = client.post(f"/staff/cases/{case.id}/edit", data={**form, "title": "X", "version": version})
        assert response.status_code in (302, 409)
    assert _reload(Case, case.id).title in (case.title, "X")


# -- public review ---------------------------------------------------------------------------------


@pytest.fixture
def published(make_case: Any, make_user: Any) -> tuple[Case, Any]:
    """A published case with a public and a private event, assigned to a volunteer."""
    from casefiles.cases import services
    from casefiles.public.services import ReviewChecklist, publish_case

    volunteer = make_user("volunteer")
    staff = make_user("staff")
    case = make_case(assignees=[volunteer], title="Reviewed title")
    services.add_event(case, actor=staff, values={"date": "2024-01-02", "title": "Public hearing", "is_public": True})
    services.add_event(case, actor=staff, values={"date": "2024-01-03", "title": "Private call", "is_public": False})
    publish_case(case, actor=staff, checklist=ReviewChecklist(consent_recorded=True, no_private_data=True))
    db.session.commit()
    return case, volunteer


def _public(client: Any, case: Case) -> str:
    return client.get(f"/en/cases/{case.public_slug}").get_data(as_text=True)


def test_a_volunteers_public_edits_wait_for_review(app: Any, make_user: Any, published: Any) -> None:
    case, volunteer = published
    anonymous = app.test_client()
    before = _public(anonymous, case)
    vol = app.test_client()
    assert vol.post("/login", data={"email": volunteer.email, "password": PASSWORD}).status_code == 302
    person = case.people[0]
    private_event = next(e for e in case.events if not e.is_public)
    public_event = next(e for e in case.events if e.is_public)
    # consent to full name, the public title, a private event made public, a public event's text
    vol.post(
        f"/staff/cases/{case.id}/people/{person.id}/edit",
        data={**KINDS["person"]["form"](person), "name_consent": "full_name", "version": person.version},
    )
    vol.post(
        f"/staff/cases/{case.id}/edit",
        data={
            **KINDS["case"]["form"](case),
            "title": "CANARY-TITLE",
            "private_notes": "ok",
            "version": _reload(Case, case.id).version,
        },
    )
    vol.post(
        f"/staff/cases/{case.id}/events/{private_event.id}/edit",
        data={**KINDS["event"]["form"](private_event), "is_public": "y", "version": private_event.version},
    )
    vol.post(
        f"/staff/cases/{case.id}/events/{public_event.id}/edit",
        data={
            **KINDS["event"]["form"](public_event),
            "is_public": "y",
            "title": "CANARY-EVENT",
            "version": public_event.version,
        },
    )
    # A new public event waits too.
    vol.post(
        f"/staff/cases/{case.id}/events/new",
        data={"kind": "media", "date": "2024-02-02", "title": "CANARY-NEW", "is_public": "y"},
    )
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.private_notes == "ok"  # private changes are saved at once
    after = _public(anonymous, case)
    for canary in ("CANARY-TITLE", "CANARY-EVENT", "CANARY-NEW", "Private call", person.legal_name):
        assert canary not in after
    assert after.count("<li") == before.count("<li")
    pending = db.session.scalars(select(PendingRevision).where(PendingRevision.status == "pending")).all()
    assert {p.object_type for p in pending} == {"person", "case", "event"}
    # The staff side shows them at once.
    staff = _client(app, make_user, "staff")
    detail = staff.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Public changes waiting for review" in detail
    # Rejecting the title leaves the public side as it was; approving the event text publishes it.
    title_rev = next(p for p in pending if p.object_type == "case")
    event_rev = next(p for p in pending if p.object_type == "event" and p.object_id == public_event.id)
    assert (
        staff.post(f"/staff/cases/{case.id}/revisions/{title_rev.id}", data={"decision": "reject"}).status_code == 302
    )
    assert "CANARY-TITLE" not in _public(anonymous, case)
    assert (
        staff.post(f"/staff/cases/{case.id}/revisions/{event_rev.id}", data={"decision": "approve"}).status_code == 302
    )
    assert "CANARY-EVENT" in _public(anonymous, case)
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"revision.propose", "revision.approve", "revision.reject"} <= actions
    # The author is told in the interface.
    assert "rejected by" in vol.get(f"/staff/cases/{case.id}").get_data(as_text=True)


def test_staff_are_told_before_saving_that_public_changes_go_live(app: Any, make_user: Any, published: Any) -> None:
    case, _volunteer = published
    staff = _client(app, make_user, "staff")
    html = staff.get(f"/staff/cases/{case.id}/edit").get_data(as_text=True)
    assert "go live on the public page as soon as you save" in html


def test_publishing_is_refused_while_a_public_field_names_a_person_without_consent(
    app: Any, make_user: Any, make_case: Any
) -> None:
    from casefiles.public.services import PublishError, ReviewChecklist, publish_case

    staff = make_user("staff")
    case = make_case(
        person={"legal_name": "Jeanne Secret", "category": "student", "name_consent": "initials"},
        public_summary="Jeanne Secret was suspended.",
    )
    with pytest.raises(PublishError) as refused:
        publish_case(case, actor=staff, checklist=ReviewChecklist(consent_recorded=True, no_private_data=True))
    assert any(field == "public_summary" for field, _m in refused.value.problems)
    db.session.rollback()


# -- no committed change is lost without its loser being shown it

# The field each editor types into, for every record type the machine picks from.
FIELD_OF: dict[type, str] = {
    Case: "private_notes",
    Person: "contact_notes",
    Sanction: "notes",
    Event: "description",
    Task: "title",
    Organization: "city",
    Campaign: "description_en",
    Institution: "region",
}


_SEQUENCE = itertools.count(1)


class TwoEditors(RuleBasedStateMachine):
    """Two editors interleave edits, stale saves and deletes over the records of one case, via the services."""

    def __init__(self) -> None:
        super().__init__()
        self.committed: dict[tuple[str, int], dict[str, str]] = {}

    @initialize()
    def setup(self) -> None:
        from casefiles.campaigns.services import create_campaign
        from casefiles.cases import services
        from casefiles.organizations.services import create_organization

        n = next(_SEQUENCE)
        case = services.create_case(
            actor=None,
            values={"title": "Race", "institution": {"name": f"Institution {n}"}},
            person={"legal_name": "P One"},
            sanction={"type": "suspension"},
        )
        services.add_event(case, actor=None, values={"date": "2024", "title": "E"})
        services.add_task(case, actor=None, values={"title": "T", "due_date": "2030-01-01"})
        organization = create_organization(actor=None, values={"name": f"Organization {n}"})
        campaign = create_campaign(actor=None, values={"title_en": f"Campaign {n}"})
        db.session.commit()
        self.case_id, self.others = case.id, [(Organization, organization.id), (Campaign, campaign.id)]
        self.others.append((Institution, case.institution_id))
        # What each editor last saw: (model, id) -> version
        self.seen: dict[int, dict[tuple[type, int], int]] = {0: {}, 1: {}}

    def _objects(self) -> list[Any]:
        db.session.expire_all()
        case = db.session.get(Case, self.case_id)
        return [
            case,
            *case.people,
            *case.sanctions,
            *case.events,
            *[t for t in case.tasks if not t.is_appeal_deadline],
            *[db.session.get(model, obj_id) for model, obj_id in self.others],
        ]

    @rule(editor=st.integers(0, 1), pick=st.integers(0, 50))
    def look(self, editor: int, pick: int) -> None:
        objs = self._objects()
        obj = objs[pick % len(objs)]
        self.seen[editor][(type(obj), obj.id)] = obj.version

    @rule(editor=st.integers(0, 1), pick=st.integers(0, 50), text=st.text("abcdef", min_size=1, max_size=6))
    def save(self, editor: int, pick: int, text: str) -> None:
        from casefiles.records import editing
        from casefiles.records.views import merge

        seen = list(self.seen[editor].items())
        if not seen:
            return
        (model, obj_id), version = seen[pick % len(seen)]
        obj = db.session.get(model, obj_id)
        if obj is None:
            self.seen[editor].pop((model, obj_id))
            return
        field = FIELD_OF[model]
        value = f"{editor}-{text}"
        current = obj.version
        try:
            editing.update(obj, actor=None, changes={field: value}, expected_version=version)
            db.session.commit()
            # A save is applied only over the version its editor saw: never over someone else's newer change.
            assert version == current, f"a stale save of {model.__name__} {obj_id} was applied"
            self.committed[(model.__name__, obj_id)] = {field: value}
            self.seen[editor][(model, obj_id)] = obj.version
        except editing.StaleRecord:
            db.session.rollback()
            obj = db.session.get(model, obj_id)
            result = merge(obj, version, {field: value})
            stored = record_for(obj).by_name[field].read(obj)
            # The loser is shown every field the other changed that they also touch: nothing silently lost.
            changed_by_other = {n for e in result.entries for n in (e.changes or {})}
            if stored != value and field in changed_by_other:
                assert result.conflicts or result.taken
            self.seen[editor][(model, obj_id)] = obj.version

    @precondition(lambda self: True)
    @rule(editor=st.integers(0, 1), pick=st.integers(0, 50))
    def delete(self, editor: int, pick: int) -> None:
        from casefiles.records import editing
        from casefiles.records.fields import FieldError

        seen = [(k, v) for k, v in self.seen[editor].items() if k[0] in (Event, Task)]
        if not seen:
            return
        (model, obj_id), version = seen[pick % len(seen)]
        obj = db.session.get(model, obj_id)
        if obj is None:
            return
        try:
            editing.delete(obj, actor=None, expected_version=version)
            db.session.commit()
            self.committed.pop((model.__name__, obj_id), None)
        except (editing.StaleRecord, FieldError):
            db.session.rollback()
            # A stale delete is refused: the record and its latest committed value are still there.
            assert db.session.get(model, obj_id) is not None

    @invariant()
    def committed_values_hold(self) -> None:
        if not hasattr(self, "case_id"):
            return
        db.session.expire_all()
        models = {m.__name__: m for m in FIELD_OF}
        for (name, obj_id), fields in self.committed.items():
            obj = db.session.get(models[name], obj_id)
            if obj is None:
                continue
            for field, value in fields.items():
                assert record_for(obj).by_name[field].read(obj) == value


def test_two_editors_never_lose_a_committed_change(app: Any) -> None:
    TwoEditors.TestCase.settings = settings(
        max_examples=15,
        stateful_step_count=20,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    runner = TwoEditors.TestCase("runTest")
    try:
        runner.runTest()
    finally:
        db.session.rollback()


def test_history_reads_in_the_readers_language(client: Any, login: Any, make_case: Any) -> None:
    from casefiles.audit.services import record

    case = make_case()
    login("staff")
    record(
        "brief.generate",
        actor=None,
        object_type="case",
        object_id=case.id,
        case_id=case.id,
        changes={"type": "onepager", "language": "fr", "cached": True},
    )
    client.post(
        f"/staff/cases/{case.id}/sanctions/{case.sanctions[0].id}/edit",
        data={"type": "expulsion", "date": "2023-11-14", "version": case.sanctions[0].version},
    )
    db.session.commit()
    html = client.get(f"/staff/cases/{case.id}/history").get_data(as_text=True)
    assert "printed the French advocacy one-pager" in html
    assert "Cached" not in html and "o→n" not in html
    assert "Expulsion" in html and "Type of sanction" in html  # labels and enum values, not stored names
    client.get("/language/fr?next=/")
    html = client.get(f"/staff/cases/{case.id}/history").get_data(as_text=True)
    assert "Type de sanction" in html or "Type" in html
