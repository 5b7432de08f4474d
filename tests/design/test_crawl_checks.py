"""The crawl's own checks catch what they are meant to catch: a word broken inside a table cell or a badge, a page
that scrolls sideways; and the stylesheet turns a table into labelled cards on a phone without breaking a word."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from design_crawl import BROKEN_WORDS_JS, SIDEWAYS_JS

pytestmark = pytest.mark.browser
CSS = (Path(__file__).resolve().parents[2] / "casefiles" / "static" / "css" / "casefiles.css").read_text("utf-8")
JS = (Path(__file__).resolve().parents[2] / "casefiles" / "static" / "js" / "casefiles.js").read_text("utf-8")

TABLE = """<table class="data"><thead><tr><th>Name</th><th>Status</th><th>Institution</th></tr></thead>
<tbody><tr><td>Jeanne-Marie Tremblay-Demonstration</td><td><span class="badge">Résolu</span></td>
<td>Université Fictive de Montréal</td></tr></tbody></table>"""


@pytest.fixture
def blank(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


def test_a_word_shredded_by_overflow_wrap_anywhere_is_found(blank: Any) -> None:
    shredded = "<style>td { overflow-wrap: anywhere; } table { width: 60px; }</style>" + TABLE
    blank.set_content(f"<!doctype html><html><body>{shredded}</body></html>")
    broken = blank.evaluate(BROKEN_WORDS_JS)
    assert "Demonstration (td in data)" in broken, broken


def test_a_break_after_a_hyphen_is_not_a_broken_word(blank: Any) -> None:
    blank.set_content(
        '<!doctype html><html><body><table><tr><td style="width:1px">Jeanne-Marie Demo-Tremblay</td></tr></table>'
        "</body></html>"
    )
    assert blank.evaluate(BROKEN_WORDS_JS) == []


def test_a_page_wider_than_the_window_is_found(blank: Any) -> None:
    blank.set_content('<!doctype html><html><body><div style="width:2000px">wide</div></body></html>')
    width, inner = blank.evaluate(SIDEWAYS_JS)
    assert width > inner


@pytest.mark.parametrize("width", [1280, 375, 320])
def test_our_tables_keep_words_whole_and_stack_into_labelled_cards_on_a_phone(blank: Any, width: int) -> None:
    blank.set_viewport_size({"width": width, "height": 800})
    blank.set_content(
        f'<!doctype html><html><head><style>{CSS}</style></head><body><main class="wrap">'
        f'<div class="table-scroll" tabindex="0">{TABLE}</div></main><script>{JS}</script></body></html>'
    )
    assert blank.evaluate(BROKEN_WORDS_JS) == []
    width_now, inner = blank.evaluate(SIDEWAYS_JS)
    assert width_now <= inner
    label = blank.evaluate("() => getComputedStyle(document.querySelector('td:nth-child(3)'), '::before').content")
    display = blank.evaluate("() => getComputedStyle(document.querySelector('td')).display")
    if width < 600:
        assert label == '"Institution"' and display == "block", (label, display)
    else:
        assert display == "table-cell", display


def test_a_table_wider_than_the_page_scrolls_inside_its_wrapper(blank: Any) -> None:
    blank.set_viewport_size({"width": 700, "height": 800})
    cells = "".join(f"<td>Établissement{n}Extraordinairement</td>" for n in range(6))
    heads = "".join(f"<th>Column {n}</th>" for n in range(6))
    blank.set_content(
        f'<!doctype html><html><head><style>{CSS}</style></head><body><main class="wrap">'
        f'<div class="table-scroll" tabindex="0"><table class="data"><thead><tr>{heads}</tr></thead>'
        f"<tbody><tr>{cells}</tr></tbody></table></div></main><script>{JS}</script></body></html>"
    )
    wrapper = blank.evaluate(
        "() => { const w = document.querySelector('.table-scroll'); return [w.scrollWidth, w.clientWidth]; }"
    )
    assert wrapper[0] > wrapper[1], wrapper  # the wrapper scrolls ...
    width, inner = blank.evaluate(SIDEWAYS_JS)
    assert width <= inner  # ... the page does not
    assert blank.evaluate(BROKEN_WORDS_JS) == []
