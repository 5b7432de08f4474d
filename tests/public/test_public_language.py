"""The language in the address of every public page: /en/…, /fr/…, with permanent redirects from the addresses
without it, hreflang alternates, a switcher that keeps the page, and the public header on public errors."""

# ruff: noqa: F811 - test arguments are the fixtures imported from public_fixtures
from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own output in tests
from typing import Any

import pytest
from flask import Blueprint, url_for
from public_fixtures import (  # noqa: F401 - pytest fixtures
    _fresh_projection_cache,
    client,
    make_published,
    publish,
    staff,
)

from casefiles import create_app
from casefiles.authz import public
from casefiles.public.language import LANG_PREFIX


def test_old_addresses_redirect_permanently_in_the_language_chosen_as_before(client: Any, make_published: Any) -> None:
    case = make_published(title="Nurse suspended", title_fr="Infirmière suspendue")
    slug = case.public_slug
    plain = client.get(f"/cases/{slug}")
    assert plain.status_code == 301 and plain.headers["Location"] == f"/en/cases/{slug}"
    browser_fr = client.get("/cases?q=nurse&page=1", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert browser_fr.status_code == 301 and browser_fr.headers["Location"] == "/fr/cases?q=nurse&page=1"
    client.set_cookie("lang", "fr")  # the cookie comes before the browser's wish, as before
    cookie = client.get("/campaigns", headers={"Accept-Language": "en"})
    assert cookie.status_code == 301 and cookie.headers["Location"] == "/fr/campaigns"
    assert client.get(f"/cases/{slug}/feed.atom").headers["Location"] == f"/fr/cases/{slug}/feed.atom"
    assert client.get("/feed.atom").headers["Location"] == "/fr/feed.atom"
    assert client.get(f"/institutions/{case.institution_id}").headers["Location"].startswith("/fr/institutions/")
    home = client.get("/")
    assert home.status_code == 301 and home.headers["Location"] == "/fr/"
    followed = client.get(f"/cases/{slug}", follow_redirects=True)
    assert followed.status_code == 200 and "Infirmière suspendue" in followed.get_data(as_text=True)
    # Not a public page, even with a language in front: no redirect, a plain 404.
    assert client.get("/no-such-page").status_code == 404


def test_a_french_address_stays_french_whatever_the_cookie_and_browser(client: Any, make_published: Any) -> None:
    case = make_published(title="Nurse suspended", title_fr="Infirmière suspendue")
    client.set_cookie("lang", "en")
    html = client.get(f"/fr/cases/{case.public_slug}", headers={"Accept-Language": "en-CA,en"}).get_data(as_text=True)
    assert '<html lang="fr">' in html and "Infirmière suspendue" in html
    # Every public link of the page keeps its language.
    assert 'href="/fr/cases"' in html and 'href="/en/cases"' not in html
    english = client.get(f"/en/cases/{case.public_slug}", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "Nurse suspended" in english


def test_hreflang_alternates_and_a_switcher_that_keeps_the_page(client: Any, make_published: Any) -> None:
    case = make_published()
    slug = case.public_slug
    html = client.get(f"/en/cases/{slug}?page=2").get_data(as_text=True)
    assert f'<link rel="alternate" hreflang="en" href="http://localhost/en/cases/{slug}?page=2">' in html
    assert f'<link rel="alternate" hreflang="fr" href="http://localhost/fr/cases/{slug}?page=2">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="http://localhost/en/cases/{slug}?page=2">' in html
    switch = client.get("/language/fr", query_string={"next": f"/en/cases/{slug}?page=2"})
    assert switch.status_code == 302 and switch.headers["Location"] == f"/fr/cases/{slug}?page=2"
    assert "lang=fr" in switch.headers["Set-Cookie"]
    # Off the public pages the switcher still goes back where it was.
    assert client.get("/language/en", query_string={"next": "/staff/cases"}).headers["Location"] == "/staff/cases"


def test_sitemap_feeds_and_api_carry_the_language(client: Any, make_published: Any) -> None:
    case = make_published()
    slug = case.public_slug
    sitemap = ET.fromstring(client.get("/sitemap.xml").data)  # noqa: S314 - our own output
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = [loc.text for loc in sitemap.findall("s:url/s:loc", ns)]
    assert f"http://localhost/en/cases/{slug}" in locs and f"http://localhost/fr/cases/{slug}" in locs
    entry = next(u for u in sitemap.findall("s:url", ns) if u.find("s:loc", ns).text.endswith(f"/fr/cases/{slug}"))
    alternates = {link.get("hreflang"): link.get("href") for link in entry.findall("x:link", ns)}
    assert alternates == {"en": f"http://localhost/en/cases/{slug}", "fr": f"http://localhost/fr/cases/{slug}"}
    feed = client.get("/fr/feed.atom").get_data(as_text=True)
    assert f"http://localhost/fr/cases/{slug}" in feed and "/en/cases/" not in feed
    api = client.get(f"/api/v1/cases/{slug}", headers={"Accept-Language": "fr"}).get_json()
    assert api["url"] == f"http://localhost/fr/cases/{slug}"
    listed = client.get("/api/v1/cases", headers={"Accept-Language": "en"}).get_json()["items"][0]
    assert listed["url"] == f"http://localhost/en/cases/{slug}"
    assert "Sitemap: http://localhost/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)


def test_public_errors_wear_the_public_header_and_staff_errors_the_staff_one(
    client: Any, login: Any, make_published: Any
) -> None:
    for path in ("/fr/cases/no-such-case", "/fr/nothing-here", "/en/campaigns/999999"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 404, path
        assert 'class="public"' in html and "main-nav" in html and "/login" in html, path
    assert '<html lang="fr">' in client.get("/fr/nothing-here").get_data(as_text=True)
    login("staff")
    staff_error = client.get("/staff/cases/999999").get_data(as_text=True)
    assert 'class="public"' not in staff_error and "/staff/cases" in staff_error  # the staff navigation
    public_error = client.get("/en/cases/no-such-case").get_data(as_text=True)
    assert 'class="public"' in public_error and "Staff side" in public_error


def test_a_new_public_blueprint_gets_the_language_without_change(database_url: str, tmp_path: Any) -> None:
    """What another engineer's new public page needs: url_prefix=LANG_PREFIX, nothing else."""
    bp = Blueprint("newpage", __name__, url_prefix=LANG_PREFIX)

    @bp.route("/stories/<int:number>")
    @public
    def story(number: int) -> str:
        from flask_babel import get_locale

        return f"{get_locale()} {url_for('newpage.story', number=number + 1)} {url_for('public.index')}"

    @bp.route("/stories/<int:number>/comment", methods=["POST"])
    @public
    def comment(number: int) -> str:
        return "kept"

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_STORAGE": str(tmp_path)})
    app.register_blueprint(bp)
    web = app.test_client()
    assert web.get("/fr/stories/1").get_data(as_text=True) == "fr /fr/stories/2 /fr/cases"
    old = web.get("/stories/1", headers={"Accept-Language": "fr"})
    assert old.status_code == 301 and old.headers["Location"] == "/fr/stories/1"
    posted = web.post("/stories/1/comment", headers={"Accept-Language": "en"})  # another method keeps its body
    assert posted.status_code == 308 and posted.headers["Location"] == "/en/stories/1/comment"
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert url_for("newpage.story", number=3) == "/fr/stories/3"  # off a public page: the visitor's choice
        assert url_for("newpage.story", number=3, lang="en") == "/en/stories/3"


@pytest.mark.browser
def test_a_french_link_opens_in_french_for_a_browser_that_asks_for_english(
    page: Any, live_server: str, make_published: Any
) -> None:
    case = make_published(title="Nurse suspended", title_fr="Infirmière suspendue")
    page.goto(f"/fr/cases/{case.public_slug}")  # the page fixture's browser asks for en-CA
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Infirmière suspendue"
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"**/en/cases/{case.public_slug}")
    assert page.locator("h1").inner_text() == "Nurse suspended"
    page.get_by_role("link", name="Cases").first.click()
    page.wait_for_url("**/en/cases")
