"""The staff case list at scale: every order and filtered order read from an index (no sort of every open case),
deep pages fetched by key, searches from the full-text index; on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql, sqlite

from casefiles.cases.models import Case
from casefiles.cases.queries import SORTS, CaseFilters, filtered_cases
from casefiles.extensions import db


def _plan(stmt: Any) -> str:
    """The database's plan for a statement, as text (PostgreSQL told to avoid full scans and sorts whenever it can:
    on a nearly empty table it would rightly prefer them, while the question here is whether an index can serve)."""
    dialect = db.engine.dialect.name
    compiled = stmt.compile(
        dialect=postgresql.dialect() if dialect == "postgresql" else sqlite.dialect(),
        compile_kwargs={"literal_binds": True},
    )
    with db.engine.connect() as conn:
        if dialect == "postgresql":
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):  # a sort only if nothing else can
                conn.execute(text(f"SET LOCAL {setting} = off"))
            return "\n".join(row[0] for row in conn.execute(text(f"EXPLAIN {compiled}")))
        return "\n".join(str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))


@pytest.mark.parametrize(
    ("args", "index"),
    [
        ({}, "ix_cases_open_updated"),
        ({"sort": "oldest"}, "ix_cases_open_updated"),
        ({"sort": "created"}, "ix_cases_open_created"),
        ({"sort": "title"}, "ix_cases_open_title"),
        ({"status": "active"}, "ix_cases_open_status_updated"),
        ({"outcome": "victory"}, "ix_cases_open_outcome_updated"),
        ({"archived": "1"}, "ix_cases_archived_updated_id"),
    ],
)
def test_each_list_order_is_read_from_an_index_without_sorting(app: Any, make_user: Any, args: dict, index: str):
    staff = make_user("staff")
    filters = CaseFilters.from_args(args)
    stmt = filtered_cases(staff, filters).with_only_columns(Case.id).order_by(*SORTS[filters.sort]).limit(25)
    plan = _plan(stmt)
    # On a nearly empty table PostgreSQL may read the filtered order from the plain open-cases index and filter
    # as it goes; either way the order comes from a partial index of the list, never from sorting.
    used = set(re.findall(r"ix_cases_\w+", plan))
    assert index in used or (index.startswith("ix_cases_open_") and used == {"ix_cases_open_updated"}), plan
    # SQLite names a sort "USE TEMP B-TREE FOR ORDER BY"; PostgreSQL a "Sort" node.
    assert "TEMP B-TREE" not in plan and not re.search(r"\bSort\b", plan), plan


def test_deep_pages_list_the_right_cases_in_order(app: Any, client: Any, login: Any, make_case: Any):
    app.config["CASES_PER_PAGE"] = 4
    login("staff")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    made = []
    for i in range(11):
        case = make_case(title=f"Paged case {i:02d}")
        made.append(case)
    archived = make_case(title="Paged archived")
    for i, case in enumerate(made):  # distinct times, and two cases at the same time (the id decides)
        case.updated_at = start + timedelta(hours=min(i, 9))
    archived.updated_at = start + timedelta(days=30)
    archived.archived_at = start + timedelta(days=30)
    db.session.commit()
    newest_first = [f"Paged case {i:02d}" for i in (10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)]

    def titles(url: str) -> list[str]:
        return re.findall(r"Paged case \d\d", client.get(url).get_data(as_text=True))

    assert titles("/staff/cases") == newest_first[:4]
    assert titles("/staff/cases?page=2") == newest_first[4:8]
    assert titles("/staff/cases?page=3") == newest_first[8:]
    html = client.get("/staff/cases?page=999").get_data(as_text=True)  # past the end: the last page
    assert re.findall(r"Paged case \d\d", html) == newest_first[8:] and "Page 3 of 3" in html
    assert titles("/staff/cases?sort=oldest&page=3") == list(reversed(newest_first))[8:]
    assert titles("/staff/cases?sort=title&page=2") == [f"Paged case {i:02d}" for i in (4, 5, 6, 7)]
    assert "Paged archived" not in client.get("/staff/cases?page=1").get_data(as_text=True)
    assert "Paged archived" in client.get("/staff/cases?archived=1").get_data(as_text=True)


def test_search_pages_count_every_match_and_load_only_their_cases(app: Any, client: Any, login: Any, make_case: Any):
    app.config["CASES_PER_PAGE"] = 2
    login("staff")
    for i in range(5):
        make_case(title=f"Quokka case {i}", person={"legal_name": f"Person Quokka {i}", "category": "nurse"})
    make_case(title="Someone else", person={"legal_name": "Other Name", "category": "nurse"})
    first = client.get("/staff/cases?q=quokka").get_data(as_text=True)
    assert "1–2 of 5 cases" in first and "Someone else" not in first
    pages = [re.findall(r"Quokka case \d", client.get(f"/staff/cases?q=quokka&page={n}").get_data(as_text=True))
             for n in (1, 2, 3)]  # fmt: skip
    found = [title for page in pages for title in dict.fromkeys(page)]
    assert sorted(found) == [f"Quokka case {i}" for i in range(5)]
    last = client.get("/staff/cases?q=quokka&page=50").get_data(as_text=True)
    assert "5–5 of 5 cases" in last


def test_the_list_count_follows_every_change_at_once(app: Any, client: Any, login: Any, make_case: Any):
    """Counts are kept a few seconds between pages, but a change made here shows on the very next page."""
    from casefiles.cases.queries import LIST_COUNTS

    login("staff")
    for i in range(3):
        make_case(title=f"Counted case {i}")
    assert "3 cases" in client.get("/staff/cases").get_data(as_text=True)
    kept = len(LIST_COUNTS._counts)
    assert kept >= 1  # the count was kept...
    assert "3 cases" in client.get("/staff/cases").get_data(as_text=True)
    extra = make_case(title="Counted case 3")
    assert "4 cases" in client.get("/staff/cases").get_data(as_text=True)  # ...and forgotten on a write
    client.post(f"/staff/cases/{extra.id}/archive")
    assert "3 cases" in client.get("/staff/cases").get_data(as_text=True)
    db.session.execute(text("DELETE FROM cases WHERE title = 'Counted case 0'"))  # even a write outside the ORM
    db.session.commit()
    assert "2 cases" in client.get("/staff/cases").get_data(as_text=True)


def test_kept_counts_are_bounded(app: Any, make_user: Any):
    from casefiles.cases.queries import LIST_COUNTS

    staff = make_user("staff")
    for n in range(LIST_COUNTS.size + 40):
        stmt = filtered_cases(staff, CaseFilters.from_args({"region": f"region {n}"})).with_only_columns(Case.id)
        assert LIST_COUNTS.count(stmt) == 0
    assert len(LIST_COUNTS._counts) <= LIST_COUNTS.size


def test_ids_bound_as_one_value_select_exactly_those_cases_and_keep_one_statement(make_case: Any) -> None:
    from sqlalchemy import select

    from casefiles.pagination import in_ids

    made = [make_case(title=f"Case {n}").id for n in range(5)]
    db.session.commit()

    def stmt(ids: list[int]) -> Any:
        return select(Case.id).where(in_ids(Case.id, ids)).order_by(Case.id)

    assert list(db.session.scalars(stmt(made[1:4] + [10**9]))) == made[1:4]
    assert list(db.session.scalars(stmt([]))) == []
    # One bound value, whatever the number of ids: the same statement for 3 ids and for 100.
    assert str(stmt(made[:3]).compile(db.engine)) == str(stmt(list(range(100))).compile(db.engine))
    assert len(stmt(list(range(100))).compile(db.engine).params) == 1


def test_a_page_of_cases_is_loaded_without_reading_every_tag_or_person(make_case: Any) -> None:
    """The page's people and tags are read by its case ids: no statement of load_listed_cases scans the link
    table of tags or the people (joined into the cases' query, the tags' link table was a nested join that SQLite
    built whole for every page: 170 ms with 150,000 links)."""
    from sqlalchemy import event

    from casefiles.cases.queries import load_listed_cases

    ids = [make_case(title=f"Case {n}", tags="press, union").id for n in range(3)]
    db.session.commit()
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        cases = load_listed_cases(ids)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert [case.id for case in cases] == ids and all(len(case.tags) == 2 for case in cases)
    assert len(seen) == 3  # the cases, their people, their tags
    postgresql = db.engine.dialect.name == "postgresql"
    with db.engine.connect() as conn:
        if postgresql:
            conn.execute(text("SET LOCAL enable_seqscan = off"))
        for statement, parameters in seen:
            explain = "EXPLAIN " if postgresql else "EXPLAIN QUERY PLAN "
            plan = "\n".join(str(row[-1]) for row in conn.exec_driver_sql(explain + statement, parameters))
            assert not re.search(r"Seq Scan on (case_tags|people)|SCAN (case_tags|people)", plan), plan
