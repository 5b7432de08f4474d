"""A corpus of XSS payloads through every text field of the case, person, sanction, event and task forms
renders inert on the staff pages; the Markdown sanitizer keeps only allowed tags and attributes (hypothesis)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from casefiles.cases.models import Case
from casefiles.extensions import db
from casefiles.markdown import ALLOWED_ATTRIBUTES, ALLOWED_SCHEMES, ALLOWED_TAGS, render_markdown

PAYLOADS = [line for line in (Path(__file__).with_name("xss_payloads.txt").read_text().splitlines()) if line.strip()]
TEXT_INPUTS = {"text", "email", "url", "search", "tel", None}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href", "background"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}


class FormReader(HTMLParser):
    """The fields of the first POST form that is not the sign-out form."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.text_fields: list[str] = []
        self.invalid: set[str] = set()
        self._in_form = False
        self._done = False
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form" and not self._done and (a.get("method") or "").lower() == "post":
            if "/logout" not in (a.get("action") or ""):
                self._in_form = True
            return
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type")
            if kind in ("checkbox", "radio"):
                return
            self.fields[name] = a.get("value") or ""
            if kind in TEXT_INPUTS:
                self.text_fields.append(name)
            if a.get("aria-invalid") == "true":
                self.invalid.add(name)
        elif tag == "textarea" and name:
            self.fields[name] = ""
            self.text_fields.append(name)
            if a.get("aria-invalid") == "true":
                self.invalid.add(name)
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
            if a.get("aria-invalid") == "true":
                self.invalid.add(name)
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if value and not self.fields.get(self._select):
                self.fields[self._select] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "form" and self._in_form:
            self._in_form = False
            self._done = True


class InertChecker(HTMLParser):
    """Collects anything that could execute: inline scripts, on* handlers, javascript: URLs, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append(f"script tag {attrs}")
            self._script = True
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
            self.problems.append("meta refresh")
        for name, value in attrs:
            lowered = name.lower()
            if lowered.startswith("on"):
                self.problems.append(f"handler {name}={value!r} on <{tag}>")
            if lowered == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if lowered in URL_ATTRIBUTES and value:
                compact = re.sub(r"[\x00-\x20]", "", value).lower()
                if compact.startswith(("javascript:", "vbscript:", "data:text")):
                    self.problems.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self._script and data.strip():
            self.problems.append(f"inline script {data[:60]!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False


def assert_inert(html: str, where: str) -> None:
    checker = InertChecker()
    checker.feed(html)
    assert not checker.problems, f"{where}: {checker.problems[:5]}"


def submit_with_payload(client, path: str, payload: str, fallback: dict[str, str] | None = None):
    """Fill every text field of the form at `path` with the payload and post it; fields the form refuses
    (emails, links, dates) fall back to a valid value so the payloads in the other fields are saved."""
    page = client.get(path)
    assert page.status_code == 200, path
    reader = FormReader()
    reader.feed(page.get_data(as_text=True))
    data = dict(reader.fields)
    for name in reader.text_fields:
        data[name] = payload
    for _attempt in range(3):
        response = client.post(path, data=data)
        if response.status_code == 302:
            return response
        assert response.status_code in (200, 409), (path, response.status_code)
        assert_inert(response.get_data(as_text=True), f"form errors on {path}")
        again = FormReader()
        again.feed(response.get_data(as_text=True))
        for name in again.invalid or set(reader.text_fields):
            data[name] = (fallback or {}).get(name, "")
        if not again.invalid:
            break
    raise AssertionError(f"{path} never accepted the payload form: {data}")


FALLBACK = {
    "title": "Fallback title",
    "legal_name": "Fallback name",
    "contact_email": "",
    "speech_url": "",
    "speech_date": "",
    "sanction_date": "",
    "date": "2024",
    "due_date": "2024-05-01",
    # Dates are typed in three parts (year, month, day).
    "date-year": "2024",
    "due_date-year": "2024",
    "due_date-month": "5",
    "due_date-day": "1",
    **{f"events-{row}-date-year": "2024" for row in range(3)},
}


def test_payloads_in_every_text_field_render_inert(client, login) -> None:
    login("admin")
    pages_checked = 0
    for index, payload in enumerate(PAYLOADS):
        response = submit_with_payload(client, "/staff/cases/new", payload, FALLBACK)
        case = db.session.scalars(select(Case).order_by(Case.id.desc())).first()
        assert response.headers["Location"].endswith(f"/staff/cases/{case.id}")
        base = f"/staff/cases/{case.id}"
        for kind in ("people", "sanctions", "events", "tasks"):
            submit_with_payload(client, f"{base}/{kind}/new", payload, FALLBACK)
        if index % 5 == 0:
            submit_with_payload(client, f"{base}/edit", payload, FALLBACK)
        for path in (base, f"{base}/edit", f"{base}/history"):
            html = client.get(path).get_data(as_text=True)
            assert_inert(html, f"{path} with payload {payload!r}")
            pages_checked += 1
    db.session.expire_all()
    stored = db.session.scalars(select(Case)).all()
    assert len(stored) == len(PAYLOADS)
    # the payloads were really stored (not silently dropped) ...
    assert any("<script>alert(1)</script>" in (c.private_notes or "") for c in stored)
    # ... and the lists render them inert too
    for path in ("/staff/cases", "/staff/cases?q=script", "/staff/", "/staff/audit/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.get_data(as_text=True), path)
    assert pages_checked == 3 * len(PAYLOADS)


# --- The Markdown sanitizer, fuzzed --------------------------------------------------------------------------


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in ALLOWED_TAGS:
            self.bad.append(f"tag {tag}")
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}
        for name, value in attrs:
            if name not in allowed:
                self.bad.append(f"attribute {name} on {tag}")
            if name == "href" and value:
                # a scheme starts with a letter (RFC 3986); anything else, like "%3Ejavascript:", is a relative path
                scheme = re.match(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):", value)
                if scheme and scheme.group(1).lower() not in ALLOWED_SCHEMES:
                    self.bad.append(f"href {value!r}")

    handle_startendtag = handle_starttag


MARKUP_BITS = st.sampled_from(
    [
        "<",
        ">",
        "</",
        "/>",
        '"',
        "'",
        "=",
        "`",
        "script",
        "img",
        "svg",
        "iframe",
        "a",
        "style",
        " onerror=",
        " onclick=",
        " href=",
        " src=",
        "javascript:",
        "JaVaScRiPt:",
        "data:text/html,",
        "&#106;",
        "&lt;",
        "[x](",
        ")",
        "![y](",
        "**",
        "_",
        "\n",
        "\n\n",
        "> ",
        "- ",
        "1. ",
        "```",
        "    ",
        "http://example.org",
        "mailto:a@b",
        "<!--",
        "-->",
        "<![CDATA[",
        "alert(1)",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(MARKUP_BITS, st.text(max_size=6)), max_size=40).map("".join))
def test_markdown_sanitizer_keeps_only_allowed_tags(text: str) -> None:
    html = str(render_markdown(text))
    collector = TagCollector()
    collector.feed(html)
    assert not collector.bad, (text, html, collector.bad)
    assert_inert(html, repr(text))


def test_relative_path_that_mentions_a_scheme_is_not_a_scheme() -> None:
    html = str(render_markdown("[x](>javascript:)"))
    collector = TagCollector()
    collector.feed(html)
    assert not collector.bad, html
    assert_inert(html, "relative path")


def test_markdown_corpus_is_inert() -> None:
    for payload in PAYLOADS:
        html = str(render_markdown(payload))
        assert_inert(html, payload)
        collector = TagCollector()
        collector.feed(html)
        assert not collector.bad, (payload, html)
