"""The two-factor setup page shows a QR code that a phone can read: Chromium renders it, and zbarimg reads the
otpauth:// address back from the screenshot, with the same key the page prints."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from support import ARTIFACTS, PASSWORD, skip_or_fail

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "fr"])
def test_two_factor_qr_code_renders_and_decodes(page: Any, live_server: str, make_user: Any, language: str) -> None:
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        skip_or_fail("zbarimg is missing (apt-get install zbar-tools)")
    user = make_user("staff", email=f"qr-{language}@example.org")
    page.context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    page.goto("/staff/account/two-factor")
    image = page.locator("img.qr")
    # The image loaded and has pixels (a broken image has naturalWidth 0).
    assert image.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code image did not render"
    key = page.locator("code").first.inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", key), key
    shot = ARTIFACTS / "screens" / f"two-factor-qr-{language}.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    decoded = subprocess.run([zbarimg, "--raw", "-q", str(shot)], capture_output=True, text=True, timeout=60)
    assert decoded.returncode == 0, f"zbarimg found no code in {shot.name}: {decoded.stderr}"
    uri = decoded.stdout.strip()
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth" and parsed.netloc == "totp", uri
    assert parse_qs(parsed.query)["secret"] == [key], uri
    assert user.email.replace("@", "%40") in uri or user.email in uri, uri
