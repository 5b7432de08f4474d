"""English and French: every string is translated, and every page speaks the reader's language.

The catalog checks extract the strings from the current sources (as `flask translations update` does) and
compare them with casefiles/translations/fr; the page checks walk every GET page of app.url_map with real
objects, signed in as an administrator, in both languages.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from babel.messages.catalog import Catalog
from flask import render_template_string
from flask_babel import refresh

from casefiles import i18n
from casefiles.extensions import db

ROOT = Path(__file__).resolve().parents[1]
ENGLISH_MONTHS = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b"
)
# Pages that are not HTML for a reader, or that typeset a PDF (slow; the briefs tests read those back).
SKIP_SUFFIXES = (".pdf", ".csv", ".json", ".xml", ".atom", ".txt", ".png", ".jpg", ".webp", ".zip", ".img")
# Not pages to read while signed in: the sign-in steps end a half-finished sign-in (checked signed out).
SKIP_ENDPOINTS = ("static", "web.set_language", "auth.login", "auth.login_verify")
# Literal words a template may show untranslated: names of things and of languages in their own language.
UNTRANSLATED_WORDS = {
    "Casefiles",
    "English",
    "Français",
    "CSV",
    "PDF",
    "JSON",
    "API",
    "Atom",
    "Markdown",
    "SHA-256",
    "Bluesky",
    "Facebook",
    "LinkedIn",
    "Mastodon",
    "X",
    "EN",
    "FR",
}


# -- the catalog ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The messages of the current sources, extracted into a temporary .pot."""
    return i18n.extract(tmp_path_factory.mktemp("i18n") / "messages.pot")


@pytest.fixture(scope="module")
def french() -> Catalog:
    return i18n.read_catalog("fr")


def test_every_message_of_the_sources_has_a_written_french_translation(extracted: Catalog) -> None:
    report = i18n.check_catalog("fr", extracted)
    assert sum(1 for m in extracted if m.id) > 100, "extraction found almost nothing: is babel.cfg right?"
    problems = "\n".join(report.lines())
    assert not report.missing, f"Run `flask translations update`, then translate:\n{problems}"
    assert not report.untranslated, f"Write the French for:\n{problems}"
    assert not report.fuzzy, f"Review these fuzzy translations:\n{problems}"


def test_extraction_reaches_every_file_that_translates(extracted: Catalog) -> None:
    """babel.cfg must cover every kind of file that calls _() (a feed template in .xml once slipped through)."""
    scanned = {path for message in extracted for path, _line in message.locations}
    calls = re.compile(r"\b(?:_|_l|gettext|lazy_gettext|ngettext)\(\s*[\"']")
    missed = []
    for folder in ("casefiles", "templates"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".xml", ".txt") and "translations" not in path.parts:
                relative = path.relative_to(ROOT).as_posix()
                if relative not in scanned and calls.search(path.read_text(encoding="utf-8", errors="replace")):
                    missed.append(relative)
    assert not missed, f"these files call _() but babel.cfg does not extract them: {missed}"


def test_compiled_catalog_is_up_to_date_with_the_po_file() -> None:
    assert i18n.mo_matches_po("fr"), "messages.mo differs from messages.po: run `flask translations compile`"


def test_placeholders_are_kept_in_every_translation(french: Catalog) -> None:
    wrong = [m.id for m in french if m.id and all(i18n._texts(m.string)) and not i18n.placeholders_match(m)]
    assert not wrong, f"placeholders differ between English and French: {wrong}"
    # And every translation formats with its English arguments, as the application will call it.
    for message in french:
        if not message.id or not all(i18n._texts(message.string)):
            continue
        names = re.findall(r"%\((\w+)\)", " ".join(i18n._texts(message.id)))
        if not names:
            continue
        for text in i18n._texts(message.string):
            text % {name: 1 for name in names}


def test_french_follows_french_typography(french: Catalog) -> None:
    """Typographic apostrophe, guillemets with non-breaking spaces, a non-breaking space before a colon."""
    problems = []
    for message in french:
        for text in i18n._texts(message.string) if message.id else []:
            if "'" in text:
                problems.append(("straight apostrophe", text))
            if re.search(r"«(?!\u00a0)|(?<!\u00a0)»", text):
                problems.append(("guillemets without non-breaking spaces", text))
            if re.search(r"[^\u00a0\u202f\n%]:(\s|$)", text) and "://" not in text:
                problems.append(("colon without a non-breaking space", text))
            if re.search(r"[“”]", text):
                problems.append(("English quotation marks", text))
    assert not problems, "\n".join(f"{kind}: {text!r}" for kind, text in problems)


def test_translations_cli_reports_the_state_of_the_catalog(app: Any) -> None:
    result = app.test_cli_runner().invoke(args=["translations", "check"])
    assert result.exit_code == 0, result.output
    assert "messages are translated in fr" in result.output


# -- literal text left out of the catalog ----------------------------------------------------------------


class _TextCollector(HTMLParser):
    """Text nodes and the readable attributes of an HTML document (or of a template with Jinja removed)."""

    READABLE_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, skip_lang: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0
        self._skip_lang = skip_lang
        self._open: list[tuple[str, bool]] = []  # (tag, inside a passage marked lang=skip_lang)

    def _foreign(self) -> bool:
        return bool(self._open and self._open[-1][1])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        lang = dict(attrs).get("lang") or ""
        foreign = self._foreign() or bool(self._skip_lang and lang.startswith(self._skip_lang) and tag != "html")
        if tag not in self.VOID:
            self._open.append((tag, foreign))
        if foreign:
            return
        for name, value in attrs:
            if name in self.READABLE_ATTRIBUTES and value:
                self.texts.extend(value.split("\x00"))
            if tag == "input" and name == "value" and value and ("type", "submit") in attrs:
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if any(open_tag == tag for open_tag, _ in self._open):
            while self._open and self._open.pop()[0] != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not self._skip and not self._foreign():
            self.texts.extend(data.split("\x00"))


def readable_texts(html: str, skip_lang: str | None = None) -> list[str]:
    """The text a reader sees (or hears), leaving out passages marked lang=skip_lang (e.g. an English preview)."""
    collector = _TextCollector(skip_lang)
    collector.feed(html)
    collector.close()
    return [text for text in (" ".join(t.split()) for t in collector.texts) if text]


def _without_jinja(source: str) -> str:
    """The literal HTML of a template: comments, {% trans %} blocks, class-name blocks and tags removed,
    expressions replaced by a word-free token (so `lang="{{ x }}"` and `<h1{% if %} lang="x"{% endif %}>` parse)."""
    source = re.sub(r"{#.*?#}", " ", source, flags=re.S)
    source = re.sub(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}", " jinja ", source, flags=re.S)
    source = re.sub(r"{%-?\s*block\s+\w*class\w*\s*-?%}.*?{%-?\s*endblock\b.*?%}", " ", source, flags=re.S)
    source = re.sub(r"{{.*?}}", "jinja", source, flags=re.S)
    source = re.sub(r"{%.*?%}", " ", source, flags=re.S)
    return re.sub(r"<(script|style)\b.*?</\1\s*>", " ", source, flags=re.S | re.I)


def test_templates_have_no_literal_words_outside_the_catalog() -> None:
    leftovers = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for text in readable_texts(_without_jinja(path.read_text(encoding="utf-8"))):
            if "{" in text or "}" in text:  # a style sheet for the PDF pages, not words
                continue
            words = [w for w in re.findall(r"[^\W\d_][\w.-]*", text) if w not in UNTRANSLATED_WORDS]
            words = [w for w in words if not re.fullmatch(r"(?:jinja)+", w)]
            if any(len(w) > 1 for w in words):
                leftovers.append(f"{path.relative_to(ROOT)}: {text!r}")
    assert not leftovers, "wrap these in {{ _(...) }}:\n" + "\n".join(leftovers)


def test_templates_translate_a_label_together_with_its_colon() -> None:
    """`{{ _("Tags") }}:` would print « Étiquettes: »; French needs « Étiquettes : », so the colon is translated."""
    glued = re.compile(r"""_\((?:"[^"]*"|'[^']*')\)\s*-?}}\s*[:;?!]""")
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for match in glued.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, "put the punctuation inside the message:\n" + "\n".join(found)


# -- every page in both languages ------------------------------------------------------------------------


def _english_only_messages(french: Catalog) -> set[str]:
    """English strings whose French differs: seeing one of them on a French page means it escaped translation."""
    found = set()
    for message in french:
        english, translated = i18n._texts(message.id)[0], i18n._texts(message.string)[0] if message.id else ""
        if english and "%" not in english and translated and translated != english and len(english) > 2:
            found.add(english)
    # Some French words are also English messages (« Dossiers », « Documents »): those prove nothing.
    french_words = {text for m in french if m.id for text in i18n._texts(m.string)}
    return found - french_words - UNTRANSLATED_WORDS


@pytest.fixture
def world(app: Any, login: Any, make_user: Any, make_case: Any) -> dict[str, Any]:
    """A signed-in administrator and one of everything the staff pages show, made with the real services."""
    from casefiles.cases import services
    from casefiles.dates import PartialDate

    admin = login("admin")
    volunteer = make_user("volunteer")
    case = make_case(
        assignees=[volunteer],
        public_summary="A fictional summary.",
        sanction={"type": "suspension", "date": PartialDate.parse("2023-11-14"), "appeal_deadline": date(2023, 12, 14)},
    )
    event = services.add_event(
        case,
        actor=admin,
        values={"kind": "hearing", "date": PartialDate.parse("2024-01"), "title": "Fictional hearing"},
    )
    services.add_task(
        case, actor=admin, values={"title": "Fictional task", "due_date": date.today() + timedelta(days=3)}
    )
    db.session.commit()
    try:
        from casefiles.public.services import ReviewChecklist, publish_case

        publish_case(case, actor=admin, checklist=ReviewChecklist(consent_recorded=True, no_private_data=True))
        db.session.commit()
    except ImportError:  # public pages not installed: the staff pages are still walked
        db.session.rollback()
    world: dict[str, Any] = {}
    try:  # campaigns, organizations and sign-on letters, when those domains are installed
        from casefiles.campaigns import services as campaigns
        from casefiles.letters import services as letters
        from casefiles.organizations import services as organizations
    except ImportError:
        pass
    else:
        campaign = campaigns.create_campaign(
            actor=admin,
            values={"title_en": "Reinstate the student", "kind": "petition", "status": "in_progress", "goal": "20000"},
        )
        campaigns.add_snapshot(campaign, actor=admin, values={"date": date(2023, 11, 20), "count": 12000})
        campaigns.link_case(campaign, case, actor=admin)
        organization = organizations.create_organization(actor=admin, values={"name": "Fictional Civil Liberties"})
        letter = letters.create_letter(actor=admin, values={"title": "Fictional letter", "addressee": "Minister"})
        db.session.commit()
        world.update(campaign_id=campaign.id, organization_id=organization.id, letter_id=letter.id)
    try:  # one uploaded document, when documents are installed
        from casefiles.documents import services as documents
    except ImportError:
        pass
    else:
        (document,) = documents.upload_documents(
            case, actor=admin, files=[("note.txt", io.BytesIO(b"A fictional note."))], values={}
        )
        db.session.commit()
        world["document_id"] = document.id
    world.update(
        admin=admin,
        case_id=case.id,
        institution_id=case.institution_id,
        user_id=volunteer.id,
        slug=getattr(case, "public_slug", None) if getattr(case, "published_at", None) else None,
        parts={
            "people": case.people[0].id,
            "sanctions": case.sanctions[0].id,
            "events": event.id,
            "tasks": case.tasks[0].id,
        },
    )
    return world


def _first_id_of(noun: str) -> int | None:
    """Any row of the table named after `noun` (job_id -> *jobs), for pages of other domains."""
    for table in db.metadata.sorted_tables:
        if table.name.rstrip("s").endswith(noun) and "id" in table.c:
            return db.session.execute(db.select(table.c.id).limit(1)).scalar()
    return None


def page_urls(app: Any, world: dict[str, Any]) -> list[str]:
    """A URL for every GET page whose arguments can be filled with real objects."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP_ENDPOINTS:
            continue
        if rule.rule.endswith(SKIP_SUFFIXES) or "download" in rule.endpoint or rule.endpoint.endswith("status"):
            continue
        choices: list[dict[str, Any]] = [{}]
        kinds = getattr(rule._converters.get("kind"), "items", None)
        if kinds and set(kinds) <= set(world["parts"]):
            # The parts of a case (people, sanctions, events, tasks): one URL per kind, with a real item.
            choices = [{"kind": kind} for kind in sorted(kinds)]
            if "item_id" in rule.arguments:
                choices = [dict(c, item_id=world["parts"][c["kind"]]) for c in choices]
        for choice in choices:
            values = dict(choice)
            for argument in rule.arguments - values.keys():
                value = world.get(argument)
                if value is None and argument.endswith("_id"):
                    value = _first_id_of(argument.removesuffix("_id"))
                if value is None:
                    break
                values[argument] = value
            else:
                urls.append(rule.build(values, append_unknown=False)[1])
    return sorted(set(urls))


def _visible_english(html: str, english_only: set[str]) -> list[str]:
    texts = readable_texts(html, skip_lang="en")
    return [text for text in texts if text in english_only or ENGLISH_MONTHS.search(text)]


def test_every_page_renders_in_french_with_the_cookie_and_in_english_by_default(
    app: Any, client: Any, world: dict[str, Any], french: Catalog
) -> None:
    english_only = _english_only_messages(french)
    urls = page_urls(app, world)
    assert "/staff/cases/{}".format(world["case_id"]) in urls and "/staff/" in urls
    checked, failures = 0, []
    for url in urls:
        client.delete_cookie("lang")
        english = client.get(url)
        client.set_cookie("lang", "fr")
        response = client.get(url)
        client.delete_cookie("lang")
        if english.status_code >= 400 or response.status_code >= 400:
            failures.append(f"{url}: HTTP {english.status_code} / {response.status_code}")
            continue
        if response.mimetype != "text/html" or response.status_code != 200:
            continue
        checked += 1
        if '<html lang="en"' not in english.get_data(as_text=True):
            failures.append(f'{url}: not <html lang="en"> by default')
        html = response.get_data(as_text=True)
        if '<html lang="fr"' not in html:
            failures.append(f'{url}: not <html lang="fr"> with the fr cookie')
        leaked = _visible_english(html, english_only)
        if leaked:
            failures.append(f"{url}: English on the French page: {leaked}")
    assert checked >= 15, f"only {checked} pages could be checked: {urls}"
    client.set_cookie("lang", "fr")
    client.post("/logout")
    html = client.get("/login").get_data(as_text=True)
    if '<html lang="fr"' not in html or _visible_english(html, english_only):
        failures.append(f"/login: English on the French page: {_visible_english(html, english_only)}")
    assert not failures, "\n".join(failures)


def test_accept_language_selects_french_and_the_cookie_wins(client: Any, world: dict[str, Any]) -> None:
    page = client.get("/staff/", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr"' in page.get_data(as_text=True)
    assert "Tableau de bord" in page.get_data(as_text=True)
    # A Québec browser that lists English second still gets French (not the exact "en" match).
    page = client.get("/staff/", headers={"Accept-Language": "fr-CA,en-US;q=0.9,en;q=0.8"})
    assert '<html lang="fr"' in page.get_data(as_text=True)
    page = client.get("/staff/", headers={"Accept-Language": "de-DE,en-GB;q=0.7,fr;q=0.5"})
    assert '<html lang="en"' in page.get_data(as_text=True)
    client.set_cookie("lang", "en")
    page = client.get("/staff/", headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    assert '<html lang="en"' in page.get_data(as_text=True)


def test_language_switch_link_sets_the_cookie_and_returns_to_the_same_page(client: Any, world: dict[str, Any]) -> None:
    url = "/staff/cases/{}".format(world["case_id"])
    html = client.get(url).get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)"[^>]*hreflang="fr"', html)
    assert link, "the English page offers no link to French"
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == url
    assert "lang=fr" in response.headers["Set-Cookie"]
    html = client.get(url).get_data(as_text=True)
    assert '<html lang="fr"' in html
    back = re.search(r'<a href="([^"]+)"[^>]*hreflang="en"', html)
    assert back, "the French page offers no link back to English"


def test_language_switch_never_leaves_the_site(client: Any) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.get("/language/fr", query_string={"next": target})
        assert response.status_code == 302
        location = urlsplit(response.headers["Location"])
        assert location.netloc in ("", "localhost"), response.headers["Location"]
    response = client.get("/language/de", query_string={"next": "/"})
    assert "lang=de" not in response.headers.get("Set-Cookie", "")


def test_dates_and_numbers_follow_the_reader_language(
    app: Any, client: Any, world: dict[str, Any], make_case: Any
) -> None:
    from casefiles.dates import PartialDate
    from casefiles.enums import CaseStatus

    template = "{{ day|date }} | {{ month|date }} | {{ 12000|number }} | {{ status.label }}"
    values = {
        "day": PartialDate.parse("2023-11-14"),
        "month": PartialDate.parse("2023-11"),
        "status": CaseStatus.ACTIVE,
    }
    with app.test_request_context("/", headers={"Cookie": "lang=fr"}):
        refresh()  # the test's app context outlives requests; a real request refreshes in before_request
        french = render_template_string(template, **values)
    with app.test_request_context("/"):
        refresh()
        english = render_template_string(template, **values)
    assert french.replace("\u202f", " ").replace("\u00a0", " ") == "14 novembre 2023 | novembre 2023 | 12 000 | Actif"
    assert re.match(r"12[\u202f\u00a0]000", french.split(" | ")[2]), "French groups digits with a non-breaking space"
    assert english == "November 14, 2023 | November 2023 | 12,000 | Active"

    if "campaign_id" in world:  # a supporter count on a real page
        url = "/staff/campaigns/{}".format(world["campaign_id"])
        assert "12,000" in client.get(url).get_data(as_text=True)
        client.set_cookie("lang", "fr")
        assert "12\u202f000" in client.get(url).get_data(as_text=True)
        client.delete_cookie("lang")

    url = "/staff/cases/{}".format(world["case_id"])
    assert "November 14, 2023" in client.get(url).get_data(as_text=True)
    client.set_cookie("lang", "fr")
    html = client.get(url).get_data(as_text=True)
    assert "14 novembre 2023" in html and "Suspension" in html and "Étudiant·e" in html
    # The appeal deadline task was created by an English request; a French reader still reads it in French.
    assert "Échéance d’appel\u00a0: Suspension" in html
    assert "Échéance d’appel\u00a0: Suspension" in client.get("/staff/").get_data(as_text=True)
    # History lines put French spacing before the colon, and still escape what people typed.
    assert re.search(r"a publié le dossier\u00a0: Case \d+", html)
    make_case(title="Case <b>bold</b> & co")
    history = client.get("/staff/cases/{}".format(world["case_id"] + 1)).get_data(as_text=True)
    assert "a ouvert le dossier\u00a0: Case &lt;b&gt;bold&lt;/b&gt; &amp; co" in history


@pytest.mark.browser
def test_french_browser_signs_in_in_french_and_switches_language_in_place(
    browser: Any, live_server: str, make_user: Any
) -> None:
    """Real Chromium set to Canadian French: French from the first page, the switch keeps the reader in place."""
    from support import PASSWORD

    user = make_user("staff")
    context = browser.new_context(base_url=live_server, locale="fr-CA", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/login")
        assert page.locator("html").get_attribute("lang") == "fr"
        page.fill("#email", user.email)
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(r"/staff/$"))
        assert page.get_by_role("heading", name="Tableau de bord").count() == 1

        page.goto("/staff/cases?sort=updated")
        page.locator('a[hreflang="en"]').click()
        page.wait_for_url(re.compile(r"/staff/cases\?sort=updated$"))
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("heading", name="Cases").count() >= 1
        page.reload()  # the choice is remembered over the browser's own language
        assert page.locator("html").get_attribute("lang") == "en"

        page.locator('a[hreflang="fr"]').click()
        page.wait_for_url(re.compile(r"/staff/cases\?sort=updated$"))
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.get_by_role("heading", name="Dossiers").count() >= 1
    finally:
        context.close()


def test_publication_preview_shows_each_language_wholly_in_that_language(client: Any, world: dict[str, Any]) -> None:
    if world.get("slug") is None:
        pytest.skip("publishing is not installed")
    client.set_cookie("lang", "fr")
    html = client.get("/staff/cases/{}/publish".format(world["case_id"])).get_data(as_text=True)
    english = html[html.index('<div lang="en"') : html.index('<div lang="fr"')]
    french = html[html.index('<div lang="fr"') :]
    assert "Ongoing" in english and "Last updated" in english
    assert "En cours" not in english and "Dernière mise à jour" not in english and "Personne" not in english
    assert "En cours" in french and "Ongoing" not in french


def test_error_pages_speak_the_reader_language(client: Any, world: dict[str, Any]) -> None:
    client.set_cookie("lang", "fr")
    response = client.get("/staff/cases/999999")
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and '<html lang="fr"' in html and "Page introuvable" in html
    client.delete_cookie("lang")
    assert "Page not found" in client.get("/staff/cases/999999").get_data(as_text=True)
