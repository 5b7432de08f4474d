"""The share image of a case (OpenGraph `og:image`): a 1200 x 630 PNG drawn with Pillow from the public projection
alone — the case's public title, its outcome and the organization's name — so no private value can reach it.
Served under the case's address and kept like its page (edge cache and shared store, with the case's stamps).
Pillow is imported here, on first use, never when a worker starts."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
_FONTS = Path("/usr/share/fonts/truetype/dejavu")
BACKGROUND = (22, 50, 79)  # the public header's navy; white text on it is far above AA contrast
ACCENT = (245, 197, 66)
TEXT = (255, 255, 255)


def _font(size: int, bold: bool = False) -> Any:
    from PIL import ImageFont

    path = _FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def _wrap(draw: Any, text: str, font: Any, width: int, max_lines: int) -> list[str]:
    """Whole words per line (never a word cut in the middle); an ellipsis when the title is longer."""
    lines: list[str] = []
    current = ""
    words = text.split()
    for index, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not current:
            current = candidate
            continue
        lines.append(current)
        current = word
        if len(lines) == max_lines:
            lines[-1] = _ellipsis(draw, lines[-1], font, width)
            return lines
        if index == len(words) - 1:
            break
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _ellipsis(draw, lines[-1], font, width)
    return lines


def _ellipsis(draw: Any, line: str, font: Any, width: int) -> str:
    while line and draw.textlength(line + " …", font=font) > width:
        line = line.rsplit(" ", 1)[0] if " " in line else line[:-1]
    return line + " …"


def share_png(title: str, organization: str, outcome: str) -> bytes:
    """The PNG bytes of one case's share image."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 18, HEIGHT), fill=ACCENT)
    heading = _font(64, bold=True)
    y = MARGIN + 40
    if outcome:
        draw.text((MARGIN, MARGIN - 10), outcome.upper(), font=_font(30, bold=True), fill=ACCENT)
    for line in _wrap(draw, title, heading, WIDTH - 2 * MARGIN, 4):
        draw.text((MARGIN, y), line, font=heading, fill=TEXT)
        y += 80
    small = _font(34)
    draw.text((MARGIN, HEIGHT - MARGIN - 20), organization, font=small, fill=TEXT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
