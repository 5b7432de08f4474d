"""What keeps a search fast when a word is everywhere, and what it promises all the same: relevance is ranked over
the newest matching texts (a window), every match is still found, filtered and counted exactly, each case once;
prefixes are expanded into the terms they name; PostgreSQL reads matches through its GIN index and keeps its rows
narrow. On SQLite here, on PostgreSQL in the second run."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, text

from casefiles.cases.queries import LIST_COUNTS, CaseFilters, find_cases
from casefiles.cases.worklist import csv_rows
from casefiles.dates import local_today
from casefiles.extensions import db
from casefiles.fulltext import engine
from casefiles.fulltext.models import SearchEntry
from casefiles.fulltext.terms import parse


@pytest.fixture
def staff(make_user: Any) -> Any:
    return make_user("staff")


def _pages(user: Any, per_page: int = 3, **args: Any) -> tuple[list[list[str]], int]:
    pages, number, total = [], 1, 0
    while True:
        LIST_COUNTS.forget()
        page = find_cases(user, CaseFilters.from_args({**args, "page": str(number)}), per_page=per_page)
        total = page.total
        pages.append([case.title for case in page.items])
        if not page.has_next:
            return pages, total
        number += 1


def test_beyond_the_ranking_window_every_match_is_listed_once_and_counted(
    staff: Any, make_case: Any, monkeypatch: Any
) -> None:
    # The oldest text says "grievance" three times, five newer ones once; the window ranks the 3 newest texts.
    make_case(title="Thrice", private_notes="Grievance upon grievance: a third grievance.")
    for n in range(1, 6):
        make_case(title=f"Once {n}", private_notes=f"A grievance number {n} was filed with the dean.")
    make_case(title="Unrelated", private_notes="No complaint.")
    monkeypatch.setattr(engine, "RANK_WINDOW", 3)
    pages, total = _pages(staff, q="grievance")
    found = [title for page in pages for title in page]
    assert total == 6 and len(found) == 6 and len(set(found)) == 6
    # The window's cases come first, ranked; the other matches follow, most recently updated first, the best
    # match among them included.
    assert found == ["Once 5", "Once 4", "Once 3", "Once 2", "Once 1", "Thrice"]
    # With every text in the window, the best match leads.
    monkeypatch.setattr(engine, "RANK_WINDOW", 2000)
    assert _pages(staff, per_page=50, q="grievance")[0][0][0] == "Thrice"


def test_filters_apply_inside_and_beyond_the_window(staff: Any, make_case: Any, monkeypatch: Any) -> None:
    for n in range(1, 5):
        make_case(title=f"Closed {n}", status="closed", private_notes="Harassment after the interview.")
        make_case(title=f"Active {n}", status="active", private_notes="Harassment after the interview.")
    monkeypatch.setattr(engine, "RANK_WINDOW", 2)
    pages, total = _pages(staff, per_page=2, q="harassment", status="closed")
    found = [title for page in pages for title in page]
    assert total == 4 and sorted(found) == ["Closed 1", "Closed 2", "Closed 3", "Closed 4"]
    # The export of the searched list holds the same cases in the same order.
    rows = list(csv_rows(staff, CaseFilters.from_args({"q": "harassment", "status": "closed"})))
    assert [row[1] for row in rows[1:]] == found


def test_a_phrase_finds_its_words_in_order_in_any_of_their_forms_and_nothing_else(staff: Any, make_case: Any) -> None:
    """On PostgreSQL a phrase is first narrowed by the pairs of neighbouring terms: the stemmed forms of a phrase
    must still be found (their pairs are the stems'), and words apart or out of order must not."""
    make_case(title="Exact", private_notes="A matter of freedom of expression on campus.")
    make_case(title="Forms", private_notes="Their freedoms of expressions were curtailed.")
    make_case(title="French", private_notes="La liberté d'expression des élèves.")
    make_case(title="Apart", private_notes="Freedom, and of course expression.")
    make_case(title="Reversed", private_notes="Expression of freedom, they said.")
    found = find_cases(staff, CaseFilters.from_args({"q": '"freedom of expression"'}))
    assert sorted(case.title for case in found.items) == ["Exact", "Forms"] and found.total == 2
    found = find_cases(staff, CaseFilters.from_args({"q": "« liberté d’expression » eleves"}))
    assert [case.title for case in found.items] == ["French"]
    assert find_cases(staff, CaseFilters.from_args({"q": '"of freedom" "expression of"'})).total == 1


def test_a_page_past_the_end_shows_the_last_page(staff: Any, make_case: Any) -> None:
    for n in range(4):
        make_case(title=f"Case {n}", private_notes="A statement about the tribunal.")
    page = find_cases(staff, CaseFilters.from_args({"q": "tribunal", "page": "9"}), per_page=3)
    assert page.page == 2 and len(page.items) == 1 and page.total == 4


def test_a_prefix_is_expanded_into_the_terms_it_names_or_asked_as_a_prefix(
    staff: Any, make_case: Any, monkeypatch: Any
) -> None:
    make_case(title="English", private_notes="A two-week suspension.")
    make_case(title="French", private_notes="Une mise à pied, suspendue ensuite.")
    make_case(title="Neither", private_notes="A warning.")
    query = parse("suspen*")
    if db.engine.dialect.name == "sqlite":
        expanded = engine._fts5(query)
        assert '"suspen"*' not in expanded and '"suspension"' in expanded and '"suspendue"' in expanded
        db.session.info.clear()
        monkeypatch.setattr(engine, "MAX_EXPANSION", 1)  # too many terms: the engine's own prefix
        assert '"suspen"*' in engine._fts5(query)
    found = find_cases(staff, CaseFilters.from_args({"q": "suspen*"}))
    assert sorted(case.title for case in found.items) == ["English", "French"]


def test_the_engine_reads_matches_from_narrow_indexes(app: Any, make_case: Any) -> None:
    """PostgreSQL: rows kept narrow, and the GIN index read even where the planner would rather scan the table.
    SQLite: the cases of the matches read from the (entry, case) index, not the wide rows; the vocabulary exists."""
    if db.engine.dialect.name == "postgresql":
        options = db.session.scalar(text("SELECT reloptions FROM pg_class WHERE relname = 'search_entries'"))
        assert "toast_tuple_target=128" in options
        # 300 texts all holding the word, so that the planner would rather read the whole table than the index.
        case_id = make_case().id
        rows = [{"case_id": case_id, "body": "grievance", "terms": "grievanc grievanc grievance"}] * 300
        db.session.execute(SearchEntry.__table__.insert(), rows)
        db.session.execute(text("ANALYZE search_entries"))
        sql = "EXPLAIN SELECT count(*) FROM search_entries WHERE vector @@ to_tsquery('simple', 'grievanc')"
        with engine.index_scans():
            plan = "\n".join(db.session.scalars(text(sql)))
        assert "ix_search_entries_vector" in plan
        assert "Seq Scan" in "\n".join(db.session.scalars(text(sql)))  # the control: left alone, it scans
        # A phrase is narrowed by the index of its pairs of neighbouring terms before its positions are checked.
        phrase = engine.matching_case_ids(parse('"grievance upon grievance"'))
        literal = (
            select(func.count())
            .select_from(phrase.subquery())
            .compile(db.engine, compile_kwargs={"literal_binds": True})
        )
        with engine.index_scans():
            plan = "\n".join(db.session.scalars(text(f"EXPLAIN {literal}")))  # noqa: S608 (our own statement)
        assert "ix_search_entries_pairs" in plan
        return
    assert db.session.scalar(text("SELECT count(*) FROM search_entries_fts_vocab")) == 0
    count = select(func.count()).select_from(engine.matching_case_ids(parse("grievance")).subquery())
    literal = count.compile(db.engine, compile_kwargs={"literal_binds": True})
    rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {literal}"))  # noqa: S608 (our own statement)
    plan = " ".join(str(row[-1]) for row in rows)
    assert "ix_search_entries_id_case" in plan


def test_a_kept_count_is_kept_for_the_same_filters_and_viewer_only(staff: Any, make_user: Any, make_case: Any) -> None:
    """The search's count is kept a few seconds under its filters and who looks: a volunteer never gets the count
    of what staff see, another filter or another day's deadlines never the count of the first."""
    volunteer, other = make_user("volunteer"), make_user("volunteer")
    make_case(title="Mine", status="closed", private_notes="Doxxing campaign.", assignees=[volunteer])
    for n in range(3):
        make_case(title=f"Not mine {n}", private_notes="Doxxing campaign.")
    LIST_COUNTS.forget()

    def total(user: Any, **args: str) -> int:
        return find_cases(user, CaseFilters.from_args({"q": "doxxing", **args})).total

    assert total(staff) == 4
    assert total(volunteer) == 1 and total(other) == 0
    assert total(staff, status="closed") == 1 and total(staff, sort="updated", page="2") == 4
    # The order and the page do not change which cases are counted; a deadline filter counts as of today.
    key = CaseFilters.from_args({"q": "doxxing"}).count_key()
    assert CaseFilters.from_args({"q": "doxxing", "page": "3", "sort": "title"}).count_key() == key
    assert CaseFilters.from_args({"q": "doxxing", "due": "7"}).count_key() != key
    assert local_today() in CaseFilters.from_args({"q": "doxxing", "due": "7"}).count_key()


def test_postgresql_plans_each_search_for_its_own_words(staff: Any, make_case: Any) -> None:
    """The driver prepares a statement run often; PostgreSQL then plans it once for any words (a generic plan) after
    five runs. A search's cost depends on its words (a phrase of 25 matches took 17 ms planned generically, 0.9 ms
    for its words), so the search's statements are planned each time (and nested steps keep the setting)."""
    make_case(title="Wanted", private_notes="The grievance upon grievance was heard.")
    query = parse('"grievance upon grievance"')
    if db.engine.dialect.name != "postgresql":  # (SQLite plans each statement as it is prepared)
        with engine.index_scans():
            assert [
                c.title for c in find_cases(staff, CaseFilters.from_args({"q": '"grievance upon grievance"'})).items
            ] == ["Wanted"]
        return

    def plans() -> tuple[int, int]:
        # The ranking statement as the driver prepared it (its parameters numbered, not named).
        row = db.session.execute(
            text(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                "WHERE statement LIKE '%max(ts_rank(e.vector, q.q))%'"
            )
        ).one()
        return row[0], row[1]

    with engine.index_scans():
        with engine.index_scans():  # a nested step does not reset what the outer one set
            pass
        settings = db.session.execute(
            text("SELECT current_setting('enable_seqscan'), current_setting('plan_cache_mode')")
        ).one()
        assert tuple(settings) == ("off", "force_custom_plan")
        for _ in range(12):
            assert engine.ranked_cases(query) == [db.session.scalar(select(func.min(SearchEntry.case_id)))]
        generic, custom = plans()
    assert generic == 0 and custom >= 5
    assert db.session.scalar(text("SELECT current_setting('plan_cache_mode')")) == "auto"
    # The control: the same statement run as often outside the search is planned generically.
    db.session.rollback()
    db.session.execute(text("DEALLOCATE ALL"))
    for _ in range(12):
        engine.ranked_cases(query)
    assert plans()[0] > 0


def test_stemmers_are_per_thread_and_only_english_and_french_are_loaded() -> None:
    """A Snowball stemmer keeps the word it works on: two threads never share one. Only the two languages'
    modules are loaded (the package's own __init__ loads 33 languages, 3 MB a worker keeps)."""
    import subprocess
    import sys
    import threading

    from casefiles.fulltext.terms import _stemmer

    other: list[Any] = []
    thread = threading.Thread(target=lambda: other.append(_stemmer("fr")))
    thread.start()
    thread.join()
    assert other[0] is not _stemmer("fr") and _stemmer("fr") is _stemmer("fr")
    probe = (
        "import sys\n"
        "from casefiles.fulltext.terms import stem\n"
        "assert (stem('suspendue', 'fr'), stem('suspended', 'en')) == ('suspendu', 'suspend')\n"
        "print(sorted(m for m in sys.modules if m.endswith('_stemmer')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    loaded = eval(done.stdout)  # noqa: S307 - our own probe's printed list
    assert loaded == ["casefiles_snowball.english_stemmer", "casefiles_snowball.french_stemmer"], loaded
