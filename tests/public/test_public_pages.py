"""The public side as a supporter sees it: pages, filters, search, feeds, sitemap, API, 404s, conditional requests."""

# ruff: noqa: F811 - test arguments are the fixtures imported from public_fixtures
from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own output in tests
from typing import Any

from public_fixtures import (  # noqa: F401 - pytest fixtures
    _fresh_projection_cache,
    client,
    make_published,
    publish,
    staff,
)

from casefiles.cases import services as case_services
from casefiles.extensions import db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_home_lists_featured_and_recent(client: Any, make_published: Any, staff: Any) -> None:
    from casefiles.public.services import update_public_content

    empty = client.get("/en/")
    assert empty.status_code == 200 and "No case has been published yet." in empty.get_data(as_text=True)
    first = make_published(title="Teacher fired over a post")
    make_published(title="Doctor suspended for an interview")
    update_public_content(first, actor=staff, values={"featured": True})
    db.session.commit()
    html = client.get("/en/").get_data(as_text=True)
    assert "Featured cases" in html and "Teacher fired over a post" in html
    assert "Doctor suspended for an interview" in html


def test_unpublished_case_answers_exactly_like_a_missing_one(client: Any, make_case: Any, make_published: Any) -> None:
    published = make_published()
    hidden = make_case(title="Never public")
    hidden.public_slug = "AAAAAAAAAAAA"  # had a public address once, now unpublished
    db.session.commit()
    for prefix in ("/en/cases/", "/api/v1/cases/"):
        unpublished = client.get(prefix + "AAAAAAAAAAAA")
        missing = client.get(prefix + "BBBBBBBBBBBB")
        assert unpublished.status_code == missing.status_code == 404
        assert unpublished.get_data() == missing.get_data().replace(b"BBBBBBBBBBBB", b"AAAAAAAAAAAA")
        assert dict(unpublished.headers) == dict(missing.headers)
    assert client.get(f"/en/cases/{hidden.public_slug}/feed.atom").status_code == 404
    assert client.get(f"/en/cases/{published.public_slug}").status_code == 200


def test_case_page_shows_public_facts_only(client: Any, make_published: Any, staff: Any) -> None:
    case = make_published(
        title="Nursing student suspended",
        public_summary="She posted **one sentence**.",
        person={"legal_name": "Jeanne-Marie Tremblay", "name_consent": "initials", "category": "student"},
        events=[
            {"date": "2023-11", "title": "Suspended", "is_public": True, "kind": "sanction"},
            {"date": "2024-02-03", "title": "Private meeting with counsel", "is_public": False},
        ],
        outcome="victory",
    )
    response = client.get(f"/en/cases/{case.public_slug}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "J.-M. T." in html and "Jeanne-Marie" not in html
    assert "<strong>one sentence</strong>" in html
    assert "November 2023" in html and "Private meeting" not in html
    assert 'class="badge outcome-victory">Victory<' in html
    assert 'property="og:title" content="Nursing student suspended"' in html
    assert "https://x.com/intent/post?url=" in html and "<script" not in html.split("</footer>")[0]
    assert "A fictional private note." not in html
    assert response.headers["ETag"] and response.headers["Last-Modified"]


def test_french_page_and_badge(client: Any, make_published: Any) -> None:
    case = make_published(title="Only English title", outcome="ongoing")
    client.set_cookie("lang", "fr")
    html = client.get(f"/fr/cases/{case.public_slug}").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert '<h1 lang="en">Only English title</h1>' in html  # the fallback is marked as English
    assert "novembre 2023" in html


def test_accept_language_is_honoured(client: Any) -> None:
    french = client.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9"}, follow_redirects=True)
    assert french.request.path == "/fr/" and '<html lang="fr">' in french.get_data(as_text=True)
    english = client.get("/", headers={"Accept-Language": "en-CA"}, follow_redirects=True)
    assert english.request.path == "/en/" and '<html lang="en">' in english.get_data(as_text=True)


def test_index_filters_and_search(client: Any, make_published: Any, staff: Any) -> None:
    make_published(
        title="Professor censured",
        public_summary="About academic freedom.",
        person={"legal_name": "Paul Leblanc", "name_consent": "full_name", "category": "professor"},
        outcome="victory",
        institution={"name": "Université Laval", "kind": "university", "region": "Québec"},
        events=[{"date": "2021-05-02", "title": "Censure", "is_public": True}],
    )
    make_published(
        title="Nurse fired",
        public_summary="About a vaccine post.",
        person={"legal_name": "Hidden Person", "name_consent": "initials", "category": "nurse"},
        outcome="setback",
        institution={"name": "Alberta Health", "kind": "health_authority", "region": "Alberta"},
        events=[{"date": "2023-01", "title": "Termination", "is_public": True}],
    )

    def titles(query: str) -> list[str]:
        html = client.get("/en/cases" + query).get_data(as_text=True)
        return [t for t in ("Professor censured", "Nurse fired") if t in html]

    assert titles("") == ["Professor censured", "Nurse fired"]
    assert titles("?category=nurse") == ["Nurse fired"]
    assert titles("?outcome=victory") == ["Professor censured"]
    assert titles("?region=alberta") == ["Nurse fired"]
    assert titles("?year=2021") == ["Professor censured"]
    assert titles("?q=ACADEMIC+freedom") == ["Professor censured"]
    assert titles("?q=leblanc") == ["Professor censured"]  # full name shown with consent
    assert titles("?q=Hidden") == []  # initials only: the legal name is not searchable
    assert titles("?q=vaccine") == ["Nurse fired"]
    assert titles("?q=fictional+private+note") == []
    assert titles("?category=bogus&year=abc&page=-3&institution=x") == ["Professor censured", "Nurse fired"]
    assert titles("?q=%25") == [] and client.get("/en/cases?q=_").status_code == 200


def test_index_paginates(client: Any, make_published: Any, app: Any) -> None:
    app.config["PUBLIC_CASES_PER_PAGE"] = 2
    for i in range(5):
        make_published(title=f"Paged case {i}")
    first = client.get("/en/cases").get_data(as_text=True)
    assert "Page 1 of 3" in first and "5 cases" in first
    assert "Page 3 of 3" in client.get("/en/cases?page=99").get_data(as_text=True)


def test_atom_feeds_parse(client: Any, make_published: Any, staff: Any) -> None:
    from casefiles.public.services import add_correction

    case = make_published(title="Feed case")
    add_correction(case, actor=staff, note="The sanction date was corrected.")
    db.session.commit()
    site = client.get("/en/feed.atom")
    assert site.status_code == 200 and site.mimetype == "application/atom+xml"
    root = ET.fromstring(  # noqa: S314
        site.data
    )
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert "Feed case" in titles and "Correction: Feed case" in titles
    one = ET.fromstring(  # noqa: S314
        client.get(f"/en/cases/{case.public_slug}/feed.atom").data
    )
    entries = one.findall(f"{ATOM}entry")
    assert any("Suspended by the college" in (e.findtext(f"{ATOM}title") or "") for e in entries)
    assert all(e.findtext(f"{ATOM}updated") for e in entries)


def test_sitemap_lists_published_only(client: Any, make_published: Any, make_case: Any) -> None:
    case = make_published()
    make_case(title="Private")
    root = ET.fromstring(  # noqa: S314
        client.get("/sitemap.xml").data
    )
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert (
        any(loc.endswith(f"/en/cases/{case.public_slug}") for loc in locs) and len(locs) == 12
    )  # campaigns, institution; in both languages
    assert "Sitemap:" in client.get("/robots.txt").get_data(as_text=True)


def test_api_lists_and_shows_cases_with_conditional_requests(client: Any, make_published: Any, staff: Any) -> None:
    case = make_published(title="API case")
    listing = client.get("/api/v1/cases")
    data = listing.get_json()
    assert data["total"] == 1 and data["items"][0]["slug"] == case.public_slug
    assert client.get("/api/v1/cases", headers={"If-None-Match": listing.headers["ETag"]}).status_code == 304

    one = client.get(f"/api/v1/cases/{case.public_slug}")
    body = one.get_json()
    assert body["title"] == "API case" and body["display_names"] == ["Amira Haddad"]
    assert body["events"][0]["date_iso"] == "2023-11"
    etag = one.headers["ETag"]
    again = client.get(f"/api/v1/cases/{case.public_slug}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    since = client.get(f"/api/v1/cases/{case.public_slug}", headers={"If-Modified-Since": one.headers["Last-Modified"]})
    assert since.status_code == 304
    case_services.update_case(case, actor=staff, changes={"public_summary": "Changed."})
    db.session.commit()
    changed = client.get(f"/api/v1/cases/{case.public_slug}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag

    page = client.get(f"/en/cases/{case.public_slug}")
    assert (
        client.get(f"/en/cases/{case.public_slug}", headers={"If-None-Match": page.headers["ETag"]}).status_code == 304
    )
    campaigns = client.get("/api/v1/campaigns")
    assert campaigns.get_json()["items"] == [] and campaigns.headers["ETag"]


def test_openapi_document_describes_the_api(client: Any) -> None:
    doc = json.loads(client.get("/api/v1/openapi.json").data)
    assert doc["openapi"].startswith("3.")
    assert {"/cases", "/cases/{slug}", "/campaigns"} <= set(doc["paths"])


def test_public_endpoints_need_no_login_and_set_no_cookie(client: Any, make_published: Any) -> None:
    case = make_published()
    for url in ("/en/", "/en/cases", f"/en/cases/{case.public_slug}", "/en/feed.atom", "/sitemap.xml", "/api/v1/cases"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_cached_pages_never_outlive_a_change(client: Any, make_published: Any, staff: Any, login: Any) -> None:
    from casefiles.public.services import unpublish_case

    case = make_published(title="Surge case")
    url = f"/en/cases/{case.public_slug}"
    first, second = client.get(url), client.get(url)  # the second is answered by the edge cache
    assert first.get_data() == second.get_data() and first.headers["ETag"] == second.headers["ETag"]
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert "X-Casefiles-Edge-Cacheable" not in second.headers
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    client.application.extensions["public_edge_cache"].clear()  # a cold cache answers a conditional request too
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get(url).get_data() == first.get_data()
    case_services.update_case(case, actor=staff, changes={"title": "Surge case, renamed"})
    db.session.commit()
    assert "Surge case, renamed" in client.get(url).get_data(as_text=True)
    unpublish_case(case, actor=staff)
    db.session.commit()
    assert client.get(url).status_code == 404
    assert "Surge case" not in client.get("/en/cases").get_data(as_text=True)
    login("staff")
    assert client.get("/en/cases").headers["Cache-Control"] == "no-store"  # signed in: never from the cache


def test_campaign_in_progress_shows_its_call_to_action(client: Any, make_published: Any, staff: Any) -> None:
    from datetime import date

    from casefiles.campaigns import services as campaigns

    case = make_published(title="Campaign case")
    running = campaigns.create_campaign(
        actor=staff,
        values={
            "title_en": "Reinstate her now",
            "title_fr": "Réintégrez-la",
            "call_to_action_en": "Sign the petition to the college.",
            "external_url": "https://petitions.example.org/reinstate",
            "status": "in_progress",
        },
    )
    planned = campaigns.create_campaign(actor=staff, values={"title_en": "Planned rally", "status": "planned"})
    for campaign in (running, planned):
        campaigns.link_case(campaign, case, actor=staff)
    campaigns.add_snapshot(running, actor=staff, values={"date": date(2024, 3, 1), "count": 12345, "source": "site"})
    db.session.commit()
    page = client.get(f"/en/cases/{case.public_slug}").get_data(as_text=True)
    assert "Reinstate her now" in page and "Sign the petition to the college." in page
    assert "12,345 supporters as of" in page and 'href="https://petitions.example.org/reinstate"' in page
    assert "Planned rally" not in page
    assert "Reinstate her now" in client.get("/en/").get_data(as_text=True)
    items = client.get("/api/v1/campaigns").get_json()["items"]
    assert [i["title"] for i in items] == ["Reinstate her now"] and items[0]["supporter_count"] == 12345
    client.set_cookie("lang", "fr")
    assert "Réintégrez-la" in client.get(f"/fr/cases/{case.public_slug}").get_data(as_text=True)


def test_share_image_is_a_1200_by_630_png_of_public_facts_kept_in_the_store(
    client: Any, make_published: Any, staff: Any
) -> None:
    import io

    from PIL import Image

    from casefiles.public.models import PublicPage
    from casefiles.public.services import unpublish_case
    from casefiles.public.store import case_scope

    case = make_published(title="Nurse suspended for a post", private_notes="PRIVATE-NOTE-SHARE")
    html = client.get(f"/fr/cases/{case.public_slug}").get_data(as_text=True)
    image_url = f"http://localhost/fr/cases/{case.public_slug}/share.png"
    assert f'<meta property="og:image" content="{image_url}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    answer = client.get(image_url)
    assert answer.status_code == 200 and answer.mimetype == "image/png" and answer.headers["ETag"]
    image = Image.open(io.BytesIO(answer.data))
    assert image.format == "PNG" and image.size == (1200, 630)
    assert not {k for k in image.info if k not in ("dpi", "gamma")}  # no text chunks, no metadata
    assert b"PRIVATE-NOTE-SHARE" not in answer.data
    assert client.get(image_url, headers={"If-None-Match": answer.headers["ETag"]}).status_code == 304
    stored = db.session.query(PublicPage).filter_by(scope=case_scope(case.id)).count()
    assert stored == 2  # the page and its image, kept with the case's stamps
    unpublish_case(case, actor=staff)
    db.session.commit()
    assert client.get(image_url).status_code == 404
    assert db.session.query(PublicPage).filter_by(scope=case_scope(case.id)).count() == 0
