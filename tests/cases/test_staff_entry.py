"""Faster, clearer entry on the staff side: dates typed in parts (the precision kept), a suggested title that
respects the person's consent, the sanction's own timeline event, events on the new-case form, "save and add
another", and the same date everywhere — staff page, public page and public brief — in the organization's zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from casefiles.audit.models import AuditEntry
from casefiles.cases.models import Case, Event
from casefiles.extensions import db


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as pypdf reads it back, whitespace collapsed."""
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(re.sub(r"\s+", " ", page.extract_text() or "") for page in pages)


NEW = "/staff/cases/new"


def _new_case(**fields: str) -> dict[str, str]:
    """The new-case form as a browser sends it: every date in its three parts."""
    data = {
        "legal_name": "Jeanne Tremblay",
        "name_consent": "none",
        "category": "nurse",
        "institution_name": "Université Fictive",
        "sanction_type": "suspension",
        "sanction_date-year": "2023",
        "sanction_date-month": "11",
        "sanction_date-day": "",
        "appeal_deadline-year": "2023",
        "appeal_deadline-month": "12",
        "appeal_deadline-day": "15",
        "title": "",
    }
    for row in range(3):
        data.update({f"events-{row}-date-year": "", f"events-{row}-date-month": "", f"events-{row}-date-day": ""})
        data.update({f"events-{row}-kind": "other", f"events-{row}-title": ""})
    data.update(fields)
    return data


def _latest_case() -> Case:
    db.session.expire_all()
    return db.session.scalars(select(Case).order_by(Case.id.desc())).first()


def _event_data(year: str, month: str = "", day: str = "", title: str = "Hearing held") -> dict[str, str]:
    return {"kind": "hearing", "title": title, "date-year": year, "date-month": month, "date-day": day}


# -- the partial-date input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "stored", "precision", "shown"),
    [
        (("2023", "", ""), "2023-01-01", "year", "2023"),
        (("2023", "11", ""), "2023-11-01", "month", "November 2023"),
        (("2023", "11", "14"), "2023-11-14", "day", "November 14, 2023"),
    ],
    ids=["year-only", "year-month", "full"],
)
def test_partial_date_input_keeps_the_precision(
    client: Any, login: Any, make_case: Any, parts: tuple, stored: str, precision: str, shown: str
) -> None:
    login("staff")
    case = make_case()
    form = client.get(f"/staff/cases/{case.id}/events/new").get_data(as_text=True)
    # Three labelled parts, the month by name; no browser date picker (mm/dd/yyyy in an en-US browser).
    assert 'name="date-year"' in form and 'name="date-month"' in form and 'name="date-day"' in form
    assert '<option value="11">November</option>' in form and 'type="date"' not in form
    response = client.post(f"/staff/cases/{case.id}/events/new", data=_event_data(*parts))
    assert response.status_code == 302
    event = db.session.scalars(select(Event).where(Event.case_id == case.id, Event.title == "Hearing held")).one()
    assert event.date.isoformat() == stored and event.date_precision == precision
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert f"<strong>{shown}</strong>" in page
    # The edit form shows the parts as they were given, nothing invented.
    edit = client.get(f"/staff/cases/{case.id}/events/{event.id}/edit").get_data(as_text=True)
    year, month, day = parts
    assert re.search(rf'name="date-year"[^>]*value="{year}"|value="{year}"[^>]*name="date-year"', edit)
    assert re.search(rf'name="date-day"[^>]*value="{day}"|value="{day}"[^>]*name="date-day"', edit)
    selected = re.search(r'<option selected value="(\d*)">', edit.split('name="date-month"')[1].split("</select>")[0])
    assert (selected.group(1) if selected else "") == month


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("23", "", ""), "Enter the year with four digits, for example 2023."),
        (("2023", "2", "30"), "February 2023 has no day 30; check the day."),
        (("2023", "", "14"), "Choose the month too, or leave the day blank."),
        (("", "11", ""), "Enter the year too (four digits, for example 2023)."),
        (("2023", "11", "1x"), "Enter the day as a number, for example 14."),
    ],
    ids=["short-year", "no-such-day", "day-without-month", "no-year", "day-not-a-number"],
)
def test_an_invalid_partial_date_is_refused_with_a_clear_message(
    client: Any, login: Any, make_case: Any, parts: tuple, message: str
) -> None:
    login("staff")
    case = make_case()
    before = len(case.events)
    response = client.post(f"/staff/cases/{case.id}/events/new", data=_event_data(*parts))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert 'aria-invalid="true"' in html and 'href="#date"' in html  # the summary links to the year
    # What was typed stays in the form.
    assert f'value="{parts[0]}"' in html
    db.session.expire_all()
    assert len(db.session.get(Case, case.id).events) == before
    # In French the same refusal, in the French form.
    french = client.post(
        f"/staff/cases/{case.id}/events/new", data=_event_data(*parts), headers={"Accept-Language": "fr"}
    ).get_data(as_text=True)
    assert 'lang="fr"' in french and 'aria-invalid="true"' in french and "janvier" in french


def test_a_deadline_is_a_full_date(client: Any, login: Any, make_case: Any) -> None:
    login("staff")
    case = make_case()
    url = f"/staff/cases/{case.id}/tasks/new"
    half = client.post(url, data={"title": "File the appeal", "due_date-year": "2024", "due_date-month": "3"})
    assert half.status_code == 200 and "Enter the day of the month." in half.get_data(as_text=True)
    whole = client.post(
        url, data={"title": "File the appeal", "due_date-year": "2024", "due_date-month": "3", "due_date-day": "5"}
    )
    assert whole.status_code == 302
    db.session.expire_all()
    assert [t.due_date.isoformat() for t in db.session.get(Case, case.id).tasks if t.title == "File the appeal"] == [
        "2024-03-05"
    ]


# -- the new-case form ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("consent", "pseudonym", "expected"),
    [
        ("full_name", "", "Jeanne Tremblay (nurse) — Suspension, Université Fictive"),
        ("initials", "", "J. T. (nurse) — Suspension, Université Fictive"),
        ("pseudonym", "Marie", "Marie (nurse) — Suspension, Université Fictive"),
        ("none", "", "Nurse — Suspension, Université Fictive"),
    ],
)
def test_a_blank_title_is_suggested_as_the_consent_allows(
    client: Any, login: Any, consent: str, pseudonym: str, expected: str
) -> None:
    login("staff")
    response = client.post(NEW, data=_new_case(name_consent=consent, pseudonym=pseudonym))
    assert response.status_code == 302
    case = _latest_case()
    assert case.title == expected
    if consent != "full_name":
        assert "Tremblay" not in case.title and "Jeanne" not in case.title
    # A title typed by hand is kept as typed.
    client.post(NEW, data=_new_case(title="Nurse suspended over a poem", legal_name="Other Person"))
    assert _latest_case().title == "Nurse suspended over a poem"


def test_the_sanction_enters_the_timeline_and_events_come_with_the_new_case(client: Any, login: Any) -> None:
    login("staff")
    data = _new_case(
        **{
            "events-0-date-year": "2023",
            "events-0-date-month": "12",
            "events-0-date-day": "1",
            "events-0-kind": "appeal",
            "events-0-title": "Appeal filed",
            "events-1-date-year": "2024",
            "events-1-kind": "media",
            "events-1-title": "Radio interview",
        }
    )
    assert client.post(NEW, data=data).status_code == 302
    case = _latest_case()
    rows = [(e.kind, e.when.iso(), e.title, e.is_public) for e in case.events]
    assert rows == [
        ("sanction", "2023-11", "Suspension by Université Fictive", False),  # the sanction's date, not retyped
        ("appeal", "2023-12-01", "Appeal filed", False),
        ("media", "2024", "Radio interview", False),
    ]
    assert [t.due_date.isoformat() for t in case.tasks] == ["2023-12-15"]
    # A sanction added later, from the case page, brings its event too.
    response = client.post(
        f"/staff/cases/{case.id}/sanctions/new",
        data={"type": "fine", "date-year": "2024", "date-month": "2", "date-day": "3", "outcome": "pending"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert ("sanction", "2024-02-03", "Fine by Université Fictive") in [
        (e.kind, e.when.iso(), e.title) for e in db.session.get(Case, case.id).events
    ]


def test_a_half_filled_event_row_is_refused_and_nothing_is_saved(client: Any, login: Any) -> None:
    login("staff")
    response = client.post(NEW, data=_new_case(**{"events-1-title": "Appeal filed"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Event 2, Date: Enter the date of the event." in html and 'href="#events-1-date"' in html
    assert db.session.scalars(select(Case)).first() is None


def test_save_and_add_another_opens_a_fresh_form(client: Any, login: Any) -> None:
    login("staff")
    response = client.post(NEW, data=_new_case(then="another"))
    assert response.status_code == 302 and response.headers["Location"].endswith(NEW)
    page = client.get(NEW).get_data(as_text=True)
    case = _latest_case()
    assert case.reference in page  # the flash names the case just opened
    assert 'value="Jeanne Tremblay"' not in page


def test_event_kinds_answer_to_their_first_letter(client: Any, login: Any, make_case: Any) -> None:
    """Typing "s" in the kind list must land on "Sanction", not cycle on to a statement."""
    login("staff")
    case = make_case()
    html = client.get(f"/staff/cases/{case.id}/events/new").get_data(as_text=True)
    select_html = html.split('id="kind"')[1].split("</select>")[0]
    labels = re.findall(r"<option[^>]*>([^<]+)</option>", select_html)
    assert labels[0] == "Sanction"
    assert [label for label in labels if label.lower().startswith("s")] == ["Sanction"]


# -- one date everywhere -------------------------------------------------------------------------------


def _time_pairs(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<time datetime="([^"]+)"[^>]*>(?:<strong>)?([^<]+)', html)


def test_the_same_day_on_the_staff_page_the_public_page_and_the_public_brief(
    client: Any, login: Any, make_case: Any
) -> None:
    from casefiles.cases import services
    from casefiles.public.services import ReviewChecklist, publish_case

    staff = login("staff")
    case = make_case(person={"legal_name": "Amira Haddad", "name_consent": "full_name", "category": "nurse"})
    services.add_event(
        case, actor=staff, values={"date": "2023-11", "title": "Suspended by the college", "is_public": True}
    )
    publish_case(case, actor=staff, checklist=ReviewChecklist(consent_recorded=True, no_private_data=True))
    db.session.commit()
    # Published at 02:30 UTC on November 30: still the evening of November 29 in Toronto.
    case.published_at = datetime(2026, 11, 30, 2, 30, 15, 123456, tzinfo=UTC)
    db.session.commit()
    day = "November 29, 2026"

    staff_page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    public_page = client.get(f"/en/cases/{case.public_slug}").get_data(as_text=True)
    for html in (staff_page, public_page):
        published = [text for stamp, text in _time_pairs(html) if stamp.startswith("2026-11-29T21:30")]
        assert published == [day], _time_pairs(html)
        assert "<strong>November 2023</strong>" in html  # the event's month, kept as given
        # Valid HTML: a moment to the minute with its offset, never with fractions of a second.
        for stamp, _text in _time_pairs(html):
            assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}[+-]\d{2}:\d{2})?)?)?", stamp), stamp
    brief = client.get(f"/staff/cases/{case.id}/briefs/public/en.pdf")
    assert brief.status_code == 200
    text = pdf_text(brief.data)
    assert f"Published on {day}" in text and "November 2023" in text
    assert "November 30, 2026" not in text


def test_the_audit_log_and_history_are_in_the_organizations_zone_without_seconds(
    client: Any, login: Any, make_case: Any
) -> None:
    login("admin")
    case = make_case()
    for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id)):
        entry.created_at = datetime(2026, 11, 30, 2, 30, 59, 987654, tzinfo=UTC)
    db.session.commit()
    log = client.get("/staff/audit/").get_data(as_text=True)
    moment = "November 29, 2026, 9:30\u202fPM"  # Babel's English time: a narrow no-break space before PM
    assert "When (EST)" in log and moment in log
    assert 'datetime="2026-11-29T21:30-05:00"' in log
    assert not re.search(r"\d:\d\d:\d\d", log)  # no seconds anywhere
    history = client.get(f"/staff/cases/{case.id}/history").get_data(as_text=True)
    assert f"{moment} EST" in history
    # The filter's days are the organization's days too: the 29th holds it, the 30th does not.
    assert moment in client.get("/staff/audit/?since=2026-11-29&until=2026-11-29").get_data(as_text=True)
    assert moment not in client.get("/staff/audit/?since=2026-11-30").get_data(as_text=True)


def test_today_is_the_organizations_day(app: Any, client: Any, login: Any, make_case: Any) -> None:
    from datetime import timedelta

    from casefiles.cases import services
    from casefiles.dates import local_today

    login("staff")
    for zone, hours in (("Pacific/Kiritimati", 14), ("Etc/GMT+12", -12)):
        app.config["BABEL_DEFAULT_TIMEZONE"] = zone
        assert local_today() == (datetime.now(UTC) + timedelta(hours=hours)).date()
    # A deadline due today where the organization works is due today, not overdue, whatever the server's clock.
    case = make_case()
    services.add_task(case, actor=None, values={"title": "File the appeal", "due_date": local_today()})
    db.session.commit()
    html = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Due today" in html and "Overdue" not in html
