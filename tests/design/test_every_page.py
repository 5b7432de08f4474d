"""Every staff and public page, in English and French, at 1280 and 375 px, in real headless Chromium: screenshots
in tests/artifacts/screens/, no word broken inside a table cell or a badge, nothing scrolls sideways, axe-core
finds nothing, and the Nu HTML Checker (vnu) finds no error in the server's HTML.

The list of pages comes from the app's url_map (every GET route, with one example of each route's arguments from a
demo-like world), so pages added later are crawled too; a route whose argument has no example fails the test."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from design_crawl import HTML_DIR, Results, crawl
from support import skip_or_fail

from casefiles import create_app
from casefiles.extensions import db

pytestmark = pytest.mark.browser
VNU_JAR = Path(__file__).resolve().parent / ".vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="module")
def results(_schema: None, database_url: str, tmp_root: Path, _live_server_url: str, browser: Any) -> Iterator[Results]:
    """Seed the world, crawl once for the whole module, then empty the tables again."""
    from design_world import empty_all_tables, seed_world

    # The live server's own storage folder, so the documents seeded here are the ones it serves.
    instance = tmp_root / f"instance-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    instance.mkdir(exist_ok=True)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_STORAGE": str(instance)})
    with app.app_context():
        try:
            world = seed_world()
            yield crawl(app, browser, _live_server_url, world)
        finally:
            db.session.rollback()
            empty_all_tables()
            db.session.remove()


def test_every_route_is_crawled(results: Results) -> None:
    assert not results.unfilled, "routes without an example value (add one to tests/design/world.py):\n" + "\n".join(
        results.unfilled
    )
    assert not results.bad_status, "\n".join(results.bad_status)
    assert not results.wrong_language, results.wrong_language
    endpoints = {t.endpoint for t in results.pages}
    # Sanity: the crawl reached the pages people use most, on both sides.
    assert {"cases.dashboard", "cases.index", "cases.detail", "public.index", "public.case"} <= endpoints, endpoints
    assert len(results.screenshots) == len(results.pages) * 2 * 2, "a screenshot per page, width and language"
    # The search results page was crawled with what makes it different: marked words, other places named.
    search = {lang: (HTML_DIR / f"cases-index-search-{lang}.html").read_text() for lang in ("en", "fr")}
    assert "<mark>" in search["en"] and "Also found in:" in search["en"]
    assert "<mark>" in search["fr"] and "Également trouvé dans\u00a0:" in search["fr"]


def test_no_word_breaks_in_tables_or_badges_and_nothing_scrolls_sideways(results: Results) -> None:
    problems = [f"{page}: {', '.join(words)}" for page, words in sorted(results.broken_words.items())]
    problems += [
        f"{page}: scrolls sideways ({w[0]} px wide in {w[1]} px)" for page, w in sorted(results.sideways.items())
    ]
    assert not problems, "\n".join(problems)


def test_axe_finds_no_violation_on_any_page(results: Results) -> None:
    assert not results.axe, "\n".join(f"{page}: {found}" for page, found in sorted(results.axe.items()))


def test_nu_html_checker_finds_no_error_on_any_page(results: Results) -> None:
    java = shutil.which("java")
    if java is None:
        skip_or_fail("java is missing (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        skip_or_fail("vnu-jar is missing (npm install --prefix tests/design/.vnu vnu-jar, as .ci/run does)")
    assert results.html_files
    run = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--skip-non-html", str(HTML_DIR)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    errors = [m for m in messages if m.get("type") == "error"]
    assert messages or run.returncode == 0, run.stderr[-2000:]
    report = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message', '')} {m.get('extract', '')!r}"[:300]
        for m in errors
    ]
    checked = len(results.html_files)
    assert not errors, (
        f"{len(errors)} errors in {len({r.split(':')[0] for r in report})} of {checked} pages:\n"
        + "\n".join(report[:80])
    )
