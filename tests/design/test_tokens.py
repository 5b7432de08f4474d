"""The colour tokens of the design system meet WCAG AA (4.5:1) for every text-on-background pair the stylesheet
uses, computed from the values in casefiles.css itself; the stylesheet is the only one, and cells of tables never
break words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS_DIR = Path(__file__).resolve().parents[2] / "casefiles" / "static" / "css"
CSS = (CSS_DIR / "casefiles.css").read_text(encoding="utf-8")

# (text, background): every pairing of the stylesheet (buttons, badges, alerts, header, panels).
PAIRS = [
    ("ink", "bg"), ("ink", "panel"), ("muted", "bg"), ("muted", "panel"),
    ("accent", "bg"), ("accent", "panel"), ("accent", "accent-tint"), ("accent-dark", "accent-tint"),
    ("on-dark", "ink"), ("on-dark", "accent"), ("on-dark", "accent-dark"),
    ("on-dark", "danger"), ("on-dark", "danger-dark"),
    ("danger", "bg"), ("danger", "danger-tint"), ("danger-dark", "danger-tint"),
    ("ok", "bg"), ("ok-dark", "ok-tint"), ("warn", "bg"), ("warn-dark", "warn-tint"),
    ("info-dark", "info-tint"), ("violet-dark", "violet-tint"), ("grey-dark", "grey-tint"),
    ("ink", "accent-tint"), ("ink", "danger-tint"), ("ink", "ok-tint"), ("ink", "warn-tint"),
]  # fmt: skip


def _tokens() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\}", CSS, re.S)
    assert root, "casefiles.css has no :root block"
    return dict(re.findall(r"--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})", root.group(1)))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(("text", "background"), PAIRS)
def test_text_colours_meet_aa(text: str, background: str) -> None:
    tokens = _tokens()
    ratio = contrast(tokens[text], tokens[background])
    assert ratio >= 4.5, f"--{text} on --{background}: {ratio:.2f}:1"


def test_one_stylesheet_and_cells_never_break_words() -> None:
    assert sorted(p.name for p in CSS_DIR.glob("*.css")) == ["casefiles.css"]
    assert "overflow-wrap: anywhere" not in re.sub(r"\.share-url, \.one-time-link \{[^}]*\}", "", CSS)
    cells = re.search(r"\.data th, \.data td, \.diff th, \.diff td \{([^}]*)\}", CSS)
    assert cells and "overflow-wrap: normal" in cells.group(1) and "word-break: normal" in cells.group(1)
    assert re.search(r"\[hidden\]\s*\{\s*display:\s*none !important;\s*\}", CSS)
