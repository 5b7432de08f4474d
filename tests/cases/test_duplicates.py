"""Possible duplicates: the same person by name (accents, case, spacing, order), email or phone; the same institution
at close dates; and nothing when nothing matches."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import event

from casefiles.cases.duplicates import find_possible_duplicates
from casefiles.dates import PartialDate
from casefiles.extensions import db
from casefiles.people import matching


def _ids(matches: list[Any]) -> list[int]:
    return [m.case.id for m in matches]


def test_keys_fold_accents_case_spacing_and_order() -> None:
    assert matching.name_key("  Zoé   Lefèvre-Côté ") == matching.name_key("LEFEVRE COTE, zoe")
    assert matching.name_key("Zoé Lefèvre") != matching.name_key("Zoé Lefebvre")
    assert matching.email_key(" Zoe.L@Example.ORG ") == "zoe.l@example.org"
    assert matching.phone_key("+1 (514) 555-0142") == matching.phone_key("514.555.0142")
    assert matching.phone_key("+33 1 23 45 67 89") == matching.phone_key("01 23 45 67 89")
    assert matching.phone_key("555") == ""


def test_same_name_with_accents_and_order(make_case: Any) -> None:
    case = make_case(person={"legal_name": "Zoé Lefèvre-Côté", "category": "student"})
    make_case(person={"legal_name": "Someone Else", "category": "student"})
    matches = find_possible_duplicates(name="côté lefevre,  ZOE")
    assert _ids(matches) == [case.id]
    assert matches[0].reasons == ["Same person's name"]


def test_same_email_in_another_case(make_case: Any) -> None:
    case = make_case(person={"legal_name": "A. Person", "contact_email": "Person.A@Example.org", "category": "nurse"})
    matches = find_possible_duplicates(name="Totally Different", email="person.a@example.ORG ")
    assert _ids(matches) == [case.id]
    assert matches[0].reasons == ["Same email"]


def test_same_phone_written_differently(make_case: Any) -> None:
    case = make_case(person={"legal_name": "B. Person", "contact_phone": "+1 514 555-0199", "category": "nurse"})
    matches = find_possible_duplicates(phone="(514) 555 0199")
    assert _ids(matches) == [case.id]
    assert matches[0].reasons == ["Same phone number"]


def test_same_institution_and_close_dates(make_case: Any) -> None:
    near = make_case(sanction={"type": "suspension", "date": PartialDate.parse("2024-03-01")})
    make_case(sanction={"type": "suspension", "date": PartialDate.parse("2023-01-01")})  # same place, a year away
    make_case(  # close date, another institution
        institution={"name": "Autre Collège", "kind": "college", "region": "Québec"},
        sanction={"type": "suspension", "date": PartialDate.parse("2024-03-05")},
    )
    matches = find_possible_duplicates(institution_id=near.institution_id, when=date(2024, 3, 13))
    assert _ids(matches) == [near.id]
    assert matches[0].reasons == ["Same institution, dates 12 days apart"]


def test_several_reasons_rank_first_and_exclusions(make_case: Any) -> None:
    by_name = make_case(person={"legal_name": "Léa Roy", "category": "student"})
    by_both = make_case(person={"legal_name": "Lea Roy", "contact_email": "lea@example.org", "category": "student"})
    matches = find_possible_duplicates(name="Roy Léa", email="LEA@example.org")
    assert _ids(matches) == [by_both.id, by_name.id]
    assert matches[0].reasons == ["Same person's name", "Same email"]
    assert _ids(find_possible_duplicates(name="Léa Roy", exclude_case_id=by_both.id)) == [by_name.id]
    assert _ids(find_possible_duplicates(name="Léa Roy", limit=1)) == [by_both.id]


def test_no_match(make_case: Any) -> None:
    make_case(
        person={"legal_name": "Zoé Lefèvre", "contact_email": "zoe@example.org", "contact_phone": "514 555 0142"},
        sanction={"type": "suspension", "date": PartialDate.parse("2024-03-01")},
    )
    other = make_case(institution={"name": "Autre Collège", "kind": "college", "region": "Québec"})
    assert find_possible_duplicates() == []
    assert (
        find_possible_duplicates(
            name="Zoé Lefebvre",  # one letter differs
            email="zoe@example.com",
            phone="514 555 0143",
            institution_id=other.institution_id,
            when=date(2024, 3, 1),
            exclude_case_id=other.id,
        )
        == []
    )


def test_keys_follow_edits(make_case: Any) -> None:
    case = make_case(person={"legal_name": "Old Name", "category": "student"})
    person = case.people[0]
    person.legal_name = "New Name"
    person.contact_email = "new@example.org"
    db.session.commit()
    assert find_possible_duplicates(name="Old Name") == []
    assert _ids(find_possible_duplicates(name="name new")) == [case.id]
    assert _ids(find_possible_duplicates(email="NEW@example.org")) == [case.id]


def test_lookups_use_indexes_not_a_scan(app: Any, make_case: Any) -> None:
    """Every statement the finder runs reads an index: the query plans name one and never scan a whole table."""
    case = make_case(
        person={"legal_name": "Index Person", "contact_email": "i@example.org", "contact_phone": "5145550100"}
    )
    statements: list[tuple[str, Any]] = []

    def remember(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        find_possible_duplicates(
            name="Index Person",
            email="i@example.org",
            phone="5145550100",
            institution_id=case.institution_id,
            when=date(2023, 11, 20),
        )
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert statements
    with engine.connect() as conn:
        for statement, parameters in statements:
            if engine.dialect.name == "sqlite":
                rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                plan = " | ".join(str(row[-1]) for row in rows)
                print(plan)
                # SQLite says "SCAN t" for a full pass over a table; "SEARCH t USING ... INDEX" is a lookup.
                assert not any(step.strip().startswith("SCAN") and "INDEX" not in step for step in plan.split("|"))
            else:
                conn.exec_driver_sql("SET enable_seqscan = off")
                plan = " | ".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
                assert "Index" in plan, (statement, plan)


def test_opening_a_case_names_its_possible_duplicates_without_blocking(client: Any, login: Any, make_case: Any) -> None:
    login("staff")
    earlier = make_case(
        person={"legal_name": "Sam Fictif-Côté", "contact_email": "sam@example.org", "category": "teacher"}
    )
    data = {
        "title": "Teacher reprimanded for an op-ed",
        "status": "intake",
        "outcome": "ongoing",
        "priority": "normal",
        "legal_name": "Côté Sam Fictif",
        "name_consent": "none",
        "category": "teacher",
        "institution_kind": "school_board",
    }
    response = client.post("/staff/cases/new", data=data, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"This case may be the same as {earlier.reference} (Same person&#39;s name)" in html
    from sqlalchemy import func, select

    from casefiles.cases.models import Case

    assert db.session.scalar(select(func.count()).select_from(Case)) == 2  # saved all the same


def test_a_saved_case_finds_its_duplicates_in_a_few_queries(app: Any, make_case: Any) -> None:
    """The case page asks for every person and every date of a case at once: the number of statements does not grow
    with the number of people."""
    from casefiles.cases.duplicates import duplicates_of_case
    from casefiles.people import services as people_services

    earlier = make_case(
        person={"legal_name": "Person Nineteen", "contact_email": "p19@example.org", "category": "student"},
        sanction={"type": "suspension", "date": PartialDate.parse("2024-03-01")},
    )
    case = make_case(
        person={"legal_name": "Someone First", "category": "student"},
        sanction={"type": "suspension", "date": PartialDate.parse("2021-01-01")},
    )
    for n in range(20):
        people_services.add_person(
            case, actor=None, values={"legal_name": f"Person {n}", "contact_email": f"p{n}@example.org"}
        )
    from casefiles.cases import services as case_services

    case_services.add_sanction(case, actor=None, values={"type": "reprimand", "date": PartialDate.parse("2024-03-20")})
    db.session.commit()
    db.session.expire_all()
    case = db.session.get(type(case), case.id)
    case.people, case.sanctions  # noqa: B018 - loaded before counting
    statements: list[str] = []

    def remember(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        matches = duplicates_of_case(case)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert _ids(matches) == [earlier.id]
    assert matches[0].reasons == ["Same email", "Same institution, dates 19 days apart"]
    # one for the people, three per run of close dates (2021, then 2024) at the one institution, one to load
    assert len(statements) <= 1 + 3 * 2 + 1, statements
