"""SECURITY.md #2 and #3: every private field holds a unique canary; no public surface ever shows one, and a
public search for a canary answers byte for byte like a search for a random string."""

# ruff: noqa: F811 - test arguments are the fixtures imported from public_fixtures
from __future__ import annotations

import re
import secrets
from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from public_fixtures import (  # noqa: F401 - pytest fixtures
    _fresh_projection_cache,
    client,
    make_published,
    publish,
    staff,
)

from casefiles.cases import services as case_services
from casefiles.extensions import db
from casefiles.people import services as people_services
from casefiles.public import services as public_services


def canary(label: str) -> str:
    # Letters only (no digits, no separators) so that no escaping or tokenising can hide a leak.
    return "qz" + label + "".join(secrets.choice("bcdfghjkmnpqrstvwxz") for _ in range(10))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.links.append(value)


@pytest.fixture
def canaries(make_user: Any, make_case: Any, staff: Any) -> dict[str, Any]:
    """A published case with every private field filled with a canary, and an unpublished case full of them."""
    c: dict[str, str] = {}

    def put(label: str) -> str:
        c[label] = canary(label)
        return c[label]

    assignee = make_user("volunteer", email=f"{put('assigneeemail')}@example.org", name=put("assigneename"))
    case = make_case(
        title="Published canary case",
        public_summary="A public summary anyone may read.",
        private_notes=put("privatenotes"),
        speech_text=put("speechtext"),
        speech_platform=put("speechplatform"),
        speech_url=f"https://example.org/{put('speechurl')}",
        external_ref=put("externalref"),
        tags=[put("tag")],
        assignees=[assignee],
        person={
            "legal_name": f"{put('initialsfirst').capitalize()} {put('initialslast').capitalize()}",
            "name_consent": "initials",
            "pseudonym": put("unusedpseudonym"),
            "pronouns": put("pronouns"),
            "category": "nurse",
            "contact_email": f"{put('email')}@example.org",
            "contact_phone": put("phone"),
            "contact_notes": put("contactnotes"),
        },
        sanction={
            "type": "suspension",
            "imposed_by": put("imposedby"),
            "duration": put("duration"),
            "notes": put("sanctionnotes"),
            "date": "2023-11-14",
            "appeal_deadline": date(2023, 12, 14),
        },
        institution={"name": "Collège public des infirmières", "kind": "regulator", "region": "Ontario"},
    )
    people_services.add_person(
        case,
        actor=staff,
        values={"legal_name": put("noconsentname"), "name_consent": "none", "pseudonym": put("noconsentpseudo")},
    )
    people_services.add_person(
        case,
        actor=staff,
        values={"legal_name": put("pseudonymlegal"), "name_consent": "pseudonym", "pseudonym": "Sam"},
    )
    case_services.add_event(
        case,
        actor=staff,
        values={"date": "2024-01", "title": put("privateevent"), "description": put("privateeventdesc")},
    )
    case_services.add_event(case, actor=staff, values={"date": "2023-11-14", "title": "Suspended", "is_public": True})
    case_services.add_task(case, actor=staff, values={"title": put("task"), "due_date": date(2030, 1, 1)})
    from casefiles.campaigns import services as campaigns

    planned = campaigns.create_campaign(
        actor=staff, values={"title_en": put("plannedcampaign"), "description_en": put("plannedcampaigndesc")}
    )
    running = campaigns.create_campaign(
        actor=staff,
        values={
            "title_en": "Running campaign",
            "description_en": "A public description.",  # declared public: shown on the campaign's page
            "external_ref": put("campaignref"),
            "status": "in_progress",
            "kind": "petition",
        },
    )
    cancelled = campaigns.create_campaign(
        actor=staff,
        values={"title_en": put("cancelledcampaign"), "description_en": put("cancelleddesc"), "status": "cancelled"},
    )
    completed = campaigns.create_campaign(
        actor=staff,
        values={
            "title_en": "Completed campaign",
            "status": "completed",
            "outcome": "victory",
            "external_ref": put("completedref"),
            "external_url": f"https://example.org/{put('completedurl')}",
        },
    )
    for campaign in (planned, running, cancelled, completed):
        campaigns.link_case(campaign, case, actor=staff)
    campaigns.add_snapshot(running, actor=staff, values={"date": date(2024, 1, 5), "count": 77, "source": put("src")})
    campaigns.add_snapshot(
        completed, actor=staff, values={"date": date(2024, 2, 5), "count": 12000, "source": put("completedsrc")}
    )
    # Signers of our own petition: only the first name and city of confirmed signers who agreed to be listed show.
    from casefiles.db import utcnow
    from casefiles.petitions.models import PetitionSignature

    signers = [
        ("Listedfirst " + put("signerlast").capitalize(), True, True, "Montréal"),
        (put("unlistedfirst").capitalize() + " Doe", False, True, put("unlistedcity")),
        (put("pendingfirst").capitalize() + " Roe", True, False, put("pendingcity")),
    ]
    for i, (name, listed, confirmed, city) in enumerate(signers):
        db.session.add(
            PetitionSignature(
                campaign_id=running.id,
                email=f"{put(f'signeremail{i}')}@example.org",
                name=name,
                region=put(f"signerregion{i}"),
                city=city,
                comment=put(f"signercomment{i}"),
                listed=listed,
                consent_updates=True,
                confirmed_at=utcnow() if confirmed else None,
                token_hash=None if confirmed else "0" * 64,
            )
        )
    _case_record_canaries(case, staff, put)
    _intake_canaries(put)
    _supporter_canaries(case, running, staff, put)
    db.session.commit()
    public_services.publish_case(case, actor=staff, checklist=public_services.ReviewChecklist(True, True))
    db.session.commit()

    hidden = make_case(
        title=put("unpublishedtitle"),
        public_summary=put("unpublishedsummary"),
        person={"legal_name": put("unpublishedname"), "name_consent": "full_name", "category": "teacher"},
    )
    case_services.add_event(hidden, actor=staff, values={"date": "2022", "title": put("unpubevent"), "is_public": True})
    orphan = campaigns.create_campaign(
        actor=staff, values={"title_en": put("unpublishedcampaign"), "status": "in_progress"}
    )
    campaigns.link_case(orphan, hidden, actor=staff)
    case_services.add_harm(
        hidden, actor=staff, values={"type": "threats", "source": put("hiddenharm"), "is_public": True}
    )
    case_services.add_proceeding(
        hidden, actor=staff, values={"kind": "lawsuit", "court": put("hiddencourt"), "is_public": True}
    )
    # A title left blank is made from the person as their consent allows: a legal name that may not be shown
    # (here: initials only) stays out of the published title and out of the sanction's timeline event.
    from casefiles.dates import PartialDate

    suggested = case_services.create_case(
        actor=staff,
        values={"title": "", "public_summary": "A public summary.", "institution": {"name": "Université Fictive"}},
        person={"legal_name": put("suggestedtitlename"), "name_consent": "initials", "category": "nurse"},
        sanction={"type": "suspension", "date": PartialDate.parse("2024-03")},
        sanction_event=True,
    )
    db.session.commit()
    public_services.publish_case(suggested, actor=staff, checklist=public_services.ReviewChecklist(True, True))
    db.session.commit()
    return {"case": case, "hidden": hidden, "canaries": c}


def _case_record_canaries(case: Any, staff: Any, put: Any) -> None:
    """Harms and legal proceedings (public and private ones), hearings, roles, a sanction's own institution."""
    case_services.add_harm(
        case,
        actor=staff,
        values={"type": "doxxing", "source": "Anonymous accounts", "notes": put("harmnotes"), "is_public": True},
    )
    case_services.add_harm(
        case, actor=staff, values={"type": "threats", "source": put("harmsource"), "description": put("harmdesc")}
    )
    proceeding = case_services.add_proceeding(
        case,
        actor=staff,
        values={
            "kind": "lawsuit",
            "court": "Superior Court",
            "counsel": put("counsel"),
            "notes": put("proceedingnotes"),
            "is_public": True,
        },
    )
    case_services.add_proceeding(
        case,
        actor=staff,
        values={
            "kind": "grievance",
            "court": put("privatecourt"),
            "file_number": put("privatefile"),
            "parties": put("privateparties"),
            "decision": put("privatedecision"),
        },
    )
    case_services.add_task(
        case,
        actor=staff,
        values={"title": put("hearing"), "due_date": date(2030, 2, 1), "proceeding_id": proceeding.id},
    )
    case_services.add_event(
        case, actor=staff, values={"date": "2024-02", "title": put("proceedingevent"), "proceeding_id": proceeding.id}
    )
    case_services.add_sanction(
        case,
        actor=staff,
        values={"type": "detention", "institution": put("sanctioninstitution").capitalize(), "outcome": "upheld"},
    )
    people_services.add_person(
        case,
        actor=staff,
        values={"legal_name": put("rolelegal"), "name_consent": "none", "role_title": put("roletitle")},
    )
    # A public sanction shows its type, body, dates, outcome and public description, never the rest.
    case_services.add_sanction(
        case,
        actor=staff,
        values={
            "type": "deportation",
            "imposed_by": put("publicsanctionimposer"),
            "duration": put("publicsanctionduration"),
            "notes": put("publicsanctionnotes"),
            "public_description": "Deported after speaking at a rally.",
            "is_public": True,
        },
    )
    case_services.add_sanction(
        case,
        actor=staff,
        values={
            "type": "travel_ban",
            "public_description": put("privatesanctiondesc"),
            "public_description_fr": put("privatesanctiondescfr"),
        },
    )


def _intake_canaries(put: Any) -> None:
    """A help request from the public form, every field and its file full of canaries: nothing of it is public."""
    import io

    from casefiles.intake import services as intake

    intake.submit(
        values={
            "for_whom": "someone_else",
            "person_name": put("intakename"),
            "helper_name": put("intakehelper"),
            "person_role": put("intakerole"),
            "what_happened": put("intaketext"),
            "where": put("intakewhere"),
            "institution": put("intakeinstitution"),
            "sanction_details": put("intakesanction"),
            "other_dates": put("intakedates"),
            "email": f"{put('intakeemail')}@example.org",
            "phone": put("intakephone"),
            "safe_contact": put("intakesafe"),
            "consent_contact": True,
            "consent_store": True,
        },
        files=[("notes.txt", io.BytesIO(f"{put('intakefile')}\n".encode()))],
        locale="en",
    )


def _supporter_canaries(case: Any, campaign: Any, staff: Any, put: Any) -> None:
    """Followers of the case and campaign (confirmed or not), a public sign-on letter whose requests to sign (pending,
    approved, refused) carry their contact's name, email and city: none of these may ever show."""
    from casefiles.db import utcnow
    from casefiles.followers.models import Follow
    from casefiles.letters import entries
    from casefiles.letters import services as letters

    for i, (target, confirmed) in enumerate(
        [(f"case:{case.id}", True), (f"case:{case.id}", False), (f"campaign:{campaign.id}", True)]
    ):
        kind, _, target_id = target.partition(":")
        db.session.add(
            Follow(
                target=target,
                case_id=int(target_id) if kind == "case" else None,
                campaign_id=int(target_id) if kind == "campaign" else None,
                email=f"{put(f'followeremail{i}')}@example.org",
                locale="en",
                token_hash=None if confirmed else "1" * 64,
                confirmed_at=utcnow() if confirmed else None,
                fingerprint="",
                seen=[],
            )
        )
    letter = letters.create_letter(
        actor=staff,
        values={"title": "Public canary letter", "body_en": "We ask.", "body_fr": "Nous demandons.", "is_public": True},
    )
    letters.add_signatories(letter, "Signed canary union", actor=staff)
    for status in ("pending", "approved", "rejected"):
        name = "Approvedcanary Collective" if status == "approved" else put(f"entryorg{status}")
        entry = entries.submit_entry(
            letter,
            values={
                "organization_name": name,
                "contact_name": put(f"entrycontact{status}"),
                "contact_email": f"{put(f'entryemail{status}')}@example.org",
                "city": put(f"entrycity{status}"),
            },
            locale="fr",
        )
        if status == "approved":
            entries.approve(entry, actor=staff)
        elif status == "rejected":
            entries.reject(entry, actor=staff)
    staff_letter = letters.create_letter(
        actor=staff, values={"title": put("staffonlyletter"), "body_en": put("staffbody")}
    )
    db.session.flush()
    assert staff_letter.is_public is False


def _crawl(client: Any, start: list[str]) -> dict[str, bytes]:
    """Every same-site public URL reachable from the start pages (never the staff side)."""
    seen: dict[str, bytes] = {}
    queue = list(start)
    while queue and len(seen) < 400:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.get_data()
        if response.status_code in (301, 302, 303, 307, 308):
            queue.append(urlsplit(response.headers["Location"]).path)
            continue
        if "html" not in response.mimetype and "xml" not in response.mimetype:
            continue
        text = response.get_data(as_text=True)
        parser = _Links()
        parser.feed(text)
        found = parser.links + re.findall(r"<loc>([^<]+)</loc>|href=\"([^\"]+)\"", text)
        for link in found:
            link = next((part for part in link if part), "") if isinstance(link, tuple) else link
            absolute = urljoin("http://localhost" + url, link.replace("&amp;", "&"))
            parts = urlsplit(absolute)
            if parts.netloc not in ("localhost", "") or parts.scheme not in ("http", ""):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith(("/staff", "/login", "/logout", "/language", "/account")):
                continue
            queue.append(path)
    return seen


def test_no_canary_on_any_public_surface(client: Any, canaries: dict[str, Any]) -> None:
    case = canaries["case"]
    slug = case.public_slug
    # The people's duplicate-finding keys (name, email, phone) are private too: they hold canaries the crawl seeks.
    keys = " ".join(f"{p.name_key} {p.email_key}" for p in case.people)
    assert canaries["canaries"]["email"].lower() in keys and canaries["canaries"]["initialsfirst"].lower() in keys
    start = [
        "/en/",
        "/en/cases",
        f"/en/cases/{slug}",
        f"/en/cases/{slug}/feed.atom",
        f"/en/cases/{slug}/share.png",
        f"/en/cases/{slug}/photo",
        "/en/feed.atom",
        "/sitemap.xml",
        "/robots.txt",
        "/help",
        "/api/v1/cases",
        f"/api/v1/cases/{slug}",
        "/api/v1/cases?per_page=100",
        "/api/v1/campaigns",
        "/api/v1/openapi.json",
        "/en/letters",
        *[f"/en/letters/{n}" for n in range(1, 4)],
        "/en/campaigns",
        "/en/campaigns/updates",
        *[f"/en/campaigns/{n}" for n in range(1, 8)],
        *[f"/api/v1/campaigns/{n}" for n in range(1, 8)],
        *[f"/en/institutions/{n}" for n in range(1, 4)],
        "/en/cases?q=public",
        "/en/cases?category=nurse",
        "/en/cases?category=teacher",
        "/en/cases?year=2022",
        "/en/cases?year=2023",
    ]
    pages: dict[str, bytes] = {}
    for language in ("en", "fr"):
        client.set_cookie("lang", language)
        crawled = _crawl(client, [url.replace("/en/", f"/{language}/", 1) for url in start])
        pages.update({f"{language} {url}": body for url, body in crawled.items()})
    assert len(pages) >= 2 * len(start)
    page = pages[f"en /en/cases/{slug}"].decode()
    assert "Suspended" in page and "Sam" in page and "Published canary case" in page  # the crawl saw the case
    assert "Running campaign" in page and "Completed campaign" in page
    assert "12,000" in pages["en /en/campaigns/updates"].decode()  # the crawl saw the campaigns
    running_page = next(
        body.decode("utf-8", "replace")
        for url, body in pages.items()
        if "Running campaign" in body.decode("utf-8", "replace")
        and url.startswith("en /en/campaigns/")
        and url[len("en /en/campaigns/") :].isdigit()
    )
    assert "Listedfirst (Montréal)" in running_page and "79" in running_page  # 77 counted + 2 confirmed here
    assert any(url.endswith("/sign") for url in pages)  # the crawl saw the petition form
    assert any(url.endswith("/help") for url in pages)  # and the help form
    assert "Follow this case by email" in page and any(url.endswith("/follow") for url in pages)
    letter = pages["en /en/letters/1"].decode()
    assert "Public canary letter" in letter and "Approvedcanary Collective" in letter  # the crawl saw the letter
    for label, value in canaries["canaries"].items():
        for url, body in pages.items():
            text = body.decode("utf-8", "replace").lower()
            assert value.lower() not in text, f"private {label} leaked on {url}"
    # The shared store of rendered answers (read by every worker and machine) holds only what was shown.
    from casefiles.public.models import PublicPage
    from casefiles.public.store import Entry

    stored = [Entry.decode(row.entry) for row in db.session.query(PublicPage)]
    assert any(entry.scope.startswith("case:") for entry in stored) and any(e.scope == "all" for e in stored)
    for label, value in canaries["canaries"].items():
        for entry in stored:
            assert value.lower() not in entry.body.decode("utf-8", "replace").lower(), f"private {label} stored"


def _normalised(body: bytes, query: str) -> bytes:
    return body.replace(query.encode(), b"QUERY")


def test_search_is_not_an_oracle(client: Any, canaries: dict[str, Any]) -> None:
    for label, value in canaries["canaries"].items():
        random_word = "qz" + "".join(secrets.choice("bcdfghjkmnpqrstvwxz") for _ in range(len(value) - 2))
        for path in ("/en/cases?q=", "/api/v1/cases?q="):
            secret = client.get(path + value)
            control = client.get(path + random_word)
            assert secret.status_code == control.status_code == 200
            assert _normalised(secret.get_data(), value) == _normalised(control.get_data(), random_word), (
                f"search for the private {label} differs from a random search on {path}"
            )
            assert secret.headers.get("Content-Length") == control.headers.get("Content-Length")


def test_a_published_word_is_found(client: Any, canaries: dict[str, Any]) -> None:
    # The oracle test above would pass trivially if search found nothing at all.
    assert "Published canary case" in client.get("/en/cases?q=anyone+may+read").get_data(as_text=True)
    assert "Published canary case" in client.get("/en/cases?q=Sam").get_data(as_text=True)


CRAWL_START = ["/", "/en/cases", "/en/feed.atom", "/sitemap.xml", "/api/v1/cases", "/api/v1/cases?per_page=100"]


def _public_text(client: Any, slug: str) -> str:
    pages = {}
    for language in ("en", "fr"):
        client.set_cookie("lang", language)
        start = [*CRAWL_START, f"/en/cases/{slug}", f"/en/cases/{slug}/feed.atom"]
        start = [url.replace("/en/", f"/{language}/", 1) for url in start] + [f"/api/v1/cases/{slug}"]
        pages.update({f"{language} {url}": body for url, body in _crawl(client, start).items()})
    return "\n".join(body.decode("utf-8", "replace") for body in pages.values()).lower()


def test_a_volunteers_public_edits_stay_off_every_public_surface_until_approved(
    app: Any, client: Any, make_user: Any, make_published: Any
) -> None:
    """Consent to the full name, a new public title and summary, a private event made public, a public event's
    text: proposed by a volunteer on a published case, none reaches any public surface; rejected, the public side
    is as it was; approved, it shows."""
    from support import PASSWORD

    from casefiles.records.models import PendingRevision

    volunteer = make_user("volunteer")
    case = make_published(person={"legal_name": "Noor Qzlegalname", "name_consent": "initials", "category": "nurse"})
    case.assignees.append(volunteer)
    case_services.add_event(
        case, actor=None, values={"date": "2023-12", "title": "Private meeting", "is_public": False}
    )
    db.session.commit()
    slug, person = case.public_slug, case.people[0]
    before = _public_text(client, slug)
    assert person.legal_name.lower() not in before
    vol = app.test_client()
    assert vol.post("/login", data={"email": volunteer.email, "password": PASSWORD}).status_code == 302
    c = {label: canary(label) for label in ("title", "summary", "eventtitle", "newevent")}
    person_form = {
        f: getattr(person, f)
        for f in ("legal_name", "pseudonym", "pronouns", "category", "contact_email", "contact_phone", "contact_notes")
    }
    vol.post(
        f"/staff/cases/{case.id}/people/{person.id}/edit",
        data={**person_form, "name_consent": "full_name", "version": person.version},
    )
    case_form = {
        "title": c["title"],
        "status": case.status,
        "outcome": case.outcome,
        "priority": case.priority,
        "institution_name": case.institution.name if case.institution else "",
        "institution_kind": "other",
        "public_summary": c["summary"],
        "private_notes": "private change",
        "version": case.version,
    }
    assert vol.post(f"/staff/cases/{case.id}/edit", data=case_form).status_code == 302
    for event in list(case.events):
        data = {
            "kind": event.kind,
            "date": event.when.iso(),
            "title": event.title,
            "description": "",
            "is_public": "y",
            "version": event.version,
        }
        if event.is_public:
            data["title"] = c["eventtitle"]
        vol.post(f"/staff/cases/{case.id}/events/{event.id}/edit", data=data)
    vol.post(
        f"/staff/cases/{case.id}/events/new",
        data={"kind": "media", "date": "2024-02-02", "title": c["newevent"], "is_public": "y"},
    )
    db.session.expire_all()
    proposals = db.session.query(PendingRevision).filter_by(status="pending").all()
    assert len(proposals) >= 4
    after = _public_text(client, slug)
    for label, value in {**c, "legal name": person.legal_name, "private event": "Private meeting"}.items():
        assert value.lower() not in after, f"the proposed {label} is public before review"
    staff = make_user("staff")
    reviewer = app.test_client()
    assert reviewer.post("/login", data={"email": staff.email, "password": PASSWORD}).status_code == 302
    for revision in proposals:
        reviewer.post(f"/staff/cases/{case.id}/revisions/{revision.id}", data={"decision": "reject"})
    rejected = _public_text(client, slug)
    for label, value in {**c, "legal name": person.legal_name, "private event": "Private meeting"}.items():
        assert value.lower() not in rejected, f"the rejected {label} is public"
    # Proposed again and approved, the title shows.
    db.session.expire_all()
    case_form["version"] = db.session.get(type(case), case.id).version
    vol.post(f"/staff/cases/{case.id}/edit", data=case_form)
    revision = db.session.query(PendingRevision).filter_by(status="pending", object_type="case").one()
    reviewer.post(f"/staff/cases/{case.id}/revisions/{revision.id}", data={"decision": "approve"})
    assert c["title"].lower() in _public_text(client, slug)
