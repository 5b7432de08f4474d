"""The page crawl: every GET page of the app (the routes without arguments, and one example of each route with
arguments, filled from the demo-like world), in English and French, in one headless Chromium.

For each HTML page and language it keeps the server's HTML (for the Nu HTML Checker), runs axe-core once at
1280 px, and at 1280 and 375 px saves a screenshot and looks for words broken inside table cells and badges and for
a page that scrolls sideways."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from werkzeug.routing import AnyConverter, Rule

from casefiles.authz import is_public_endpoint

SCREENS = Path(__file__).resolve().parents[1] / "artifacts" / "screens"
HTML_DIR = Path(__file__).resolve().parents[1] / "artifacts" / "html"
WIDTHS = (1280, 375)
LANGUAGES = ("en", "fr")
# Argument names that take the page's language.
LANGUAGE_ARGUMENTS = {"lang", "language", "locale", "lang_code", "code"}
# Endpoints that are not pages (files, feeds, data) are recognised by their answer's content type, not listed here.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# Words inside table cells and badges that the browser split across two lines. A word is a run of characters
# between spaces; a break just after a hyphen, a dash or a slash is an ordinary line break, not one inside a word.
BROKEN_WORDS_JS = r"""() => {
  const found = [];
  const seen = new Set();
  const hiddenCache = new Map();
  function clippedAway(el) {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      if (hiddenCache.has(e)) return hiddenCache.get(e);
      const s = getComputedStyle(e);
      const r = e.getBoundingClientRect();
      const gone = (s.position === 'absolute' && r.width <= 2) || s.display === 'none' || s.visibility === 'hidden';
      if (gone) { hiddenCache.set(e, true); return true; }
    }
    return false;
  }
  function where(el) {
    const cell = el.closest('td, th, .badge');
    const table = el.closest('table');
    const caption = table && table.caption ? table.caption.textContent : '';
    const label = table ? (table.getAttribute('aria-label') || caption || table.className) : '';
    const classes = cell && cell.className ? '.' + cell.className.split(' ').join('.') : '';
    const name = cell ? cell.tagName.toLowerCase() + classes : el.tagName;
    return name + (label ? ' in ' + label.trim().slice(0, 40) : '');
  }
  for (const root of document.querySelectorAll('td, th, .badge')) {
    if (!root.getClientRects().length || root.closest('.breakable, .visually-hidden, svg')) continue;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      if (seen.has(node)) continue;
      seen.add(node);
      const parent = node.parentElement;
      if (!parent || parent.closest('.breakable, code.sha, .plain-url, .visually-hidden, svg, script, style')) continue;
      if (clippedAway(parent)) continue;
      const re = /[^\s\-\u2010\u2013\u2014\/]+[\-\u2010\u2013\u2014\/]?/g;
      let m;
      while ((m = re.exec(node.data))) {
        if (m[0].length < 2) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const rects = Array.from(range.getClientRects()).filter(r => r.width > 0.5 && r.height > 0.5);
        if (rects.length > 1 && rects.some(r => r.top >= rects[0].bottom - 1)) {
          found.push(m[0] + ' (' + where(parent) + ')');
          if (found.length >= 10) return found;
        }
      }
    }
  }
  return found;
}"""

# Only what a failure report needs comes back from the page: each violated rule and its first three elements.
AXE_RUN_JS = """(options) => axe.run(document, options).then(r => r.violations.map(
  v => [v.id, v.nodes.slice(0, 3).map(n => n.target)]))"""

SIDEWAYS_JS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@dataclass
class Target:
    name: str
    endpoint: str
    url: str
    public: bool
    status: int = 200


@dataclass
class Results:
    pages: list[Target] = field(default_factory=list)
    not_html: list[str] = field(default_factory=list)
    unfilled: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)
    broken_words: dict[str, list[str]] = field(default_factory=dict)
    sideways: dict[str, list[int]] = field(default_factory=dict)
    axe: dict[str, list[Any]] = field(default_factory=dict)
    html_files: list[Path] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)
    wrong_language: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def report(self) -> dict[str, Any]:
        """What the crawl found, as plain data (saved beside the screenshots)."""
        return {
            "pages": [f"{t.endpoint} {t.url}" for t in self.pages],
            "not_html": self.not_html,
            "unfilled": self.unfilled,
            "bad_status": self.bad_status,
            "broken_words": self.broken_words,
            "sideways": self.sideways,
            "axe": self.axe,
            "wrong_language": self.wrong_language,
            "seconds": {k: round(v, 1) for k, v in self.seconds.items()},
        }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def targets(app: Any, world: Any, language: str) -> tuple[list[Target], list[str]]:
    """One URL per GET rule (one per value of an `any(...)` part); rules whose arguments have no example value
    are returned by name, so a new route with a new kind of argument is noticed, not silently left out."""
    from flask import url_for

    found: list[Target] = []
    unfilled: list[str] = []
    parts = world.by_endpoint.get("_parts", {})
    rules: list[Rule] = sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
    for rule in rules:
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        variants: list[dict[str, Any]] = [{}]
        for name in sorted(rule.arguments):
            converter = rule._converters[name]
            if isinstance(converter, AnyConverter) and name not in LANGUAGE_ARGUMENTS:
                variants = [{**v, name: item} for v in variants for item in sorted(converter.items)]
        for values in variants:
            missing = []
            for name in sorted(rule.arguments):
                if name in values:
                    continue
                special = world.by_endpoint.get(rule.endpoint, {})
                if name in LANGUAGE_ARGUMENTS:
                    values[name] = language
                elif name in special:
                    values[name] = special[name]
                elif name in ("item_id", "case_id") and values.get("kind") in parts:
                    values[name] = parts[values["kind"]][name]
                elif world.by_name.get(name) is not None:
                    values[name] = world.by_name[name]
                else:
                    missing.append(name)
            # Query arguments a page needs (names that are not parts of the route).
            values.update(
                {k: v for k, v in world.by_endpoint.get(rule.endpoint, {}).items() if k not in rule.arguments}
            )
            if missing:
                unfilled.append(f"{rule.endpoint} ({rule.rule}): no example for {', '.join(missing)}")
                continue
            with app.test_request_context():
                url = url_for(rule.endpoint, **values)
            extra = "-".join(str(values[k]) for k in sorted(values) if k == "kind")
            name = _slug(rule.endpoint + ("-" + extra if extra else ""))
            found.append(Target(name, rule.endpoint, url, is_public_endpoint(rule.endpoint)))
    # The error pages people meet: a public page and a staff page that do not exist.
    for endpoint, values in (("public.case", {"slug": "no-such-case-here"}), ("cases.detail", {"case_id": 987654})):
        rule = next((r for r in rules if r.endpoint == endpoint), None)
        if rule is not None:
            values.update({n: language for n in rule.arguments if n in LANGUAGE_ARGUMENTS})
            with app.test_request_context():
                url = url_for(endpoint, **values)
            found.append(Target(_slug(endpoint + "-not-found"), endpoint, url, is_public_endpoint(endpoint), 404))
    # A staff search's results: snippets with marked words, and the other places a case matched named after them
    # (a word of the demo's showcase found in a case's own fields and in one of its documents).
    with app.test_request_context():
        url = url_for("cases.index", q="suspended")
    found.append(Target("cases-index-search", "cases.index", url, False))
    return found, unfilled


def _sign_in(context: Any, world: Any) -> None:
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=email]", world.admin_email)
    page.fill("input[name=password]", world.password)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"the admin could not sign in: {page.url}"
    page.close()


def crawl(app: Any, browser: Any, base_url: str, world: Any) -> Results:
    """Visit every page in both languages; collect what fails instead of stopping at the first page."""
    from axe_playwright_python.sync_playwright import Axe

    axe_source = Axe().axe_script  # axe-core as shipped by axe-playwright-python, loaded into every page
    results = Results()
    SCREENS.mkdir(parents=True, exist_ok=True)
    HTML_DIR.mkdir(parents=True, exist_ok=True)
    for old in HTML_DIR.glob("*.html"):  # the checker reads every file of this folder (screenshots are overwritten)
        old.unlink()
    skipped: set[str] = set()
    for language in LANGUAGES:
        pages, unfilled = targets(app, world, language)
        if language == LANGUAGES[0]:
            results.unfilled = unfilled
        contexts = {}
        for who in ("public", "staff"):
            context = browser.new_context(
                base_url=base_url, locale="en-CA", viewport={"width": WIDTHS[0], "height": 900}
            )
            context.set_default_timeout(20_000)
            context.add_init_script(axe_source)
            context.add_cookies([{"name": "lang", "value": language, "url": base_url}])
            if who == "staff":
                _sign_in(context, world)
            contexts[who] = context
        page = None
        for target in pages:
            if target.endpoint in skipped:
                continue
            context = contexts["public" if target.public else "staff"]
            if page is None or page.context is not context:
                if page is not None:
                    page.close()
                page = context.new_page()
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            started = time.monotonic()
            try:
                response = page.goto(target.url)
            except PlaywrightError as error:  # a file download (CSV, PDF, ZIP) is not a page
                results.not_html.append(f"{target.endpoint} {target.url} ({str(error).splitlines()[0][:80]})")
                skipped.add(target.endpoint)
                page.close()
                page = None
                continue
            kind = response.headers.get("content-type", "") if response else ""
            if not kind.startswith("text/html"):
                results.not_html.append(
                    f"{target.endpoint} {target.url} ({response.status if response else '-'} {kind.split(';')[0]})"
                )
                skipped.add(target.endpoint)
                continue
            if response.status != target.status and target.endpoint not in EXPECTED_STATUS:
                results.bad_status.append(f"{target.url} [{language}] answered {response.status}")
            if language == LANGUAGES[0]:
                results.pages.append(target)
            key = f"{target.name}-{language}"
            html_file = HTML_DIR / f"{key}.html"
            html_file.write_bytes(response.body())
            results.html_files.append(html_file)
            if page.locator("html").get_attribute("lang") != language:
                results.wrong_language.append(key)
            _tick(results, "load", started)
            started = time.monotonic()
            violations = page.evaluate(AXE_RUN_JS, {"runOnly": AXE_TAGS, "resultTypes": ["violations"]})
            if violations:
                results.axe[key] = violations
            _tick(results, "axe", started)
            for width in WIDTHS:
                started = time.monotonic()
                if width != WIDTHS[0]:
                    page.set_viewport_size({"width": width, "height": 800})
                broken = page.evaluate(BROKEN_WORDS_JS)
                if broken:
                    results.broken_words[f"{key}-{width}"] = broken
                scroll_width, inner = page.evaluate(SIDEWAYS_JS)
                if scroll_width > inner:
                    results.sideways[f"{key}-{width}"] = [scroll_width, inner]
                _tick(results, "checks", started)
                started = time.monotonic()
                shot = SCREENS / f"{key}-{width}.png"
                page.screenshot(path=str(shot), full_page=True)
                results.screenshots.append(shot)
                _tick(results, "screenshots", started)
        if page is not None:
            page.close()
        for context in contexts.values():
            context.close()
    (SCREENS / "report.json").write_text(json.dumps(results.report(), indent=1, ensure_ascii=False), encoding="utf-8")
    return results


def _tick(results: Results, phase: str, started: float) -> None:
    results.seconds[phase] = results.seconds.get(phase, 0.0) + time.monotonic() - started


# Pages whose example answers on purpose with another status (an invalid link shows its message with a 404).
# A dossier still queued has no file yet; evidence marked by hand has no captured files; a case without a photo
# has no photo image.
EXPECTED_STATUS = {
    "public.photo",
    "publishing.photo_image",
    "petitions.confirm",
    "followers.confirm",
    "followers.unsubscribe",
    "briefs.dossier_download",
    "evidence.warc",
    "evidence.body",
    "evidence.text",
}
