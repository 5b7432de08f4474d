"""Staff search on the database's own full-text engine (SQLite FTS5 here, PostgreSQL tsvector in the second run):
stemming in English and French, accents folded, phrases, prefixes, ranking, snippets, filters, and every version
and page of a document's text."""

from __future__ import annotations

import io
from typing import Any

import pytest

from casefiles.cases.queries import CaseFilters, find_cases
from casefiles.documents import services as documents
from casefiles.extensions import db


def _found(user: Any, q: str, **filters: Any) -> list[str]:
    page = find_cases(user, CaseFilters.from_args({"q": q, **filters}), per_page=50)
    return [case.title for case in page.items]


@pytest.fixture
def staff(make_user: Any) -> Any:
    return make_user("staff")


def test_english_words_find_their_other_forms(staff: Any, make_case: Any) -> None:
    make_case(title="Tweet", private_notes="She was suspended for a tweet about the strike.")
    make_case(title="Other", private_notes="Nothing to see here.")
    assert _found(staff, "suspending") == ["Tweet"]
    assert _found(staff, "suspends") == ["Tweet"]
    assert _found(staff, "tweets strikes") == ["Tweet"]


def test_french_words_find_their_other_forms_accents_or_not(staff: Any, make_case: Any) -> None:
    make_case(title="Élève", private_notes="L'élève a été suspendue pour ses publications.")
    make_case(title="Autre", private_notes="Rien à signaler.")
    assert _found(staff, "suspendu") == ["Élève"]
    assert _found(staff, "publication") == ["Élève"]
    assert _found(staff, "eleves") == ["Élève"]
    assert _found(staff, "ÉLÈVE") == ["Élève"]


def test_a_phrase_matches_only_its_words_in_that_order(staff: Any, make_case: Any) -> None:
    make_case(title="In order", private_notes="A matter of freedom of expression on campus.")
    make_case(title="Reversed", private_notes="Expression of freedom, they said.")
    assert _found(staff, '"freedom of expression"') == ["In order"]
    assert _found(staff, "«\u00a0liberté d'expression\u00a0»") == []
    assert sorted(_found(staff, "freedom expression")) == ["In order", "Reversed"]


def test_a_star_finds_every_word_it_begins(staff: Any, make_case: Any) -> None:
    make_case(title="English", private_notes="A two-week suspension.")
    make_case(title="French", private_notes="Une mise à pied, suspendue ensuite.")
    make_case(title="Neither", private_notes="A warning.")
    assert sorted(_found(staff, "suspen*")) == ["English", "French"]
    assert _found(staff, "suspensi*") == ["English"]
    assert _found(staff, "suspen") == []


def test_the_best_match_comes_first_unless_another_order_is_asked(staff: Any, make_case: Any) -> None:
    make_case(
        title="Once", private_notes="A grievance was filed. " + "The union met the dean about other things. " * 20
    )
    make_case(title="Thrice", private_notes="Grievance upon grievance: a third grievance.")
    make_case(title="Never", private_notes="No complaint.")
    assert _found(staff, "grievance") == ["Thrice", "Once"]
    assert _found(staff, "grievance", sort="title") == ["Once", "Thrice"]


def test_search_combines_with_the_filters(staff: Any, make_case: Any) -> None:
    make_case(title="Active", status="active", private_notes="Harassment after the interview.")
    make_case(title="Closed", status="closed", private_notes="Harassment after the interview.")
    assert sorted(_found(staff, "harassment")) == ["Active", "Closed"]
    assert _found(staff, "harassment", status="closed") == ["Closed"]


def test_the_list_shows_where_a_word_was_found_highlighted(client: Any, login: Any, make_case: Any) -> None:
    login("staff")
    make_case(title="Snippet", private_notes="Before the words. The professor was suspended without pay. After them.")
    html = client.get("/staff/cases?q=suspend").get_data(as_text=True)
    assert "professor was <mark>suspended</mark> without pay" in html
    assert "<mark>" not in client.get("/staff/cases?q=unrelated").get_data(as_text=True)


def test_a_typed_snippet_stays_text(client: Any, login: Any, make_case: Any) -> None:
    login("staff")
    make_case(title="Markup", private_notes="<script>alert(1)</script> suspended")
    html = client.get("/staff/cases?q=suspended").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_a_word_only_in_the_first_version_of_a_document_is_found_and_named(
    client: Any, login: Any, make_case: Any
) -> None:
    user = login("staff")
    case = make_case(title="Versions")
    (document,) = documents.upload_documents(
        case,
        actor=user,
        files=[("letter.txt", io.BytesIO(b"The first draft named Zanzibar as the venue."))],
        values={"title": "Letter"},
    )
    documents.add_version(
        document, actor=user, filename="letter.txt", stream=io.BytesIO(b"The final text names no venue.")
    )
    db.session.commit()
    assert _found(user, "zanzibar") == ["Versions"]
    html = client.get("/staff/cases?q=zanzibar").get_data(as_text=True)
    assert "Document “Letter”, version 1:" in html
    assert "named <mark>Zanzibar</mark> as the venue" in html
    assert "version 2" not in html


def test_a_pdf_word_is_found_on_its_page(client: Any, login: Any, make_case: Any) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    user = login("staff")
    case = make_case(title="Pages")
    pdf = weasyprint.HTML(
        string="<p>First page: nothing.</p><p style='page-break-before: always'>Second page: the verdict.</p>"
    ).write_pdf()
    documents.upload_documents(case, actor=user, files=[("ruling.pdf", io.BytesIO(pdf))], values={"title": "Ruling"})
    db.session.commit()
    html = client.get("/staff/cases?q=verdict").get_data(as_text=True)
    assert "Document “Ruling”, version 1, page 2:" in html


def test_a_volunteer_searches_only_the_cases_they_see(make_user: Any, make_case: Any) -> None:
    volunteer = make_user("volunteer")
    make_case(title="Mine", private_notes="Doxxing campaign.", assignees=[volunteer])
    make_case(title="Not mine", private_notes="Doxxing campaign.")
    assert _found(volunteer, "doxxing") == ["Mine"]


def test_engine_syntax_is_only_words(staff: Any, make_case: Any) -> None:
    make_case(title="Plain", private_notes="An ordinary note: near or not.")
    make_case(title="Other", private_notes="Something else.")
    for q in ["NEAR(a b)", "a OR b", "'); DROP TABLE cases; --", "x:* & !y", "zz" * 300]:
        assert _found(staff, q) == [], q
    assert _found(staff, "near OR not") == ["Plain"]
    # Nothing to search for is no search: every case is listed.
    for q in ['"', "*", "&|!", "«»"]:
        assert sorted(_found(staff, q)) == ["Other", "Plain"], q


def test_reindex_rebuilds_every_entry(app: Any, staff: Any, make_case: Any) -> None:
    from casefiles.fulltext.models import SearchEntry

    make_case(title="Rebuilt", private_notes="An archived podcast.")
    db.session.query(SearchEntry).delete()
    db.session.commit()
    assert _found(staff, "podcast") == []
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert _found(staff, "podcasts") == ["Rebuilt"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_best_place_shows_a_snippet_and_the_others_are_named(
    client: Any, login: Any, make_case: Any, lang: str
) -> None:
    user = login("staff")
    case = make_case(title="Places", private_notes="A grievance was filed.")
    documents.upload_documents(
        case,
        actor=user,
        files=[("ruling.txt", io.BytesIO(b"The grievance, the grievance and again the grievance were heard."))],
        values={"title": "Ruling"},
    )
    db.session.commit()
    html = client.get("/staff/cases?q=grievance", headers={"Accept-Language": lang}).get_data(as_text=True)
    if lang == "en":
        # The ruling says it three times: its snippet leads; the case's own notes are named after it, no snippet.
        assert "Document “Ruling”, version 1:" in html
        assert "The <mark>grievance</mark>, the <mark>grievance</mark> and again" in html
        assert "Also found in: the case file" in html
        assert html.count("<mark>") == 3 and "A <mark>grievance</mark> was filed" not in html
    else:
        assert "Document «\u00a0Ruling\u00a0», version 1\u00a0:" in html
        assert "Également trouvé dans\u00a0: le dossier" in html
