"""Following by email: a published case, a loopback SMTP server, and the follow form sent like a person would."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mail"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "petitions"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "public"))

from smtp_inbox import text_of  # noqa: E402

CONFIRM_LINK = re.compile(r"https?://[^\s\"<>]+/follow/confirm/[A-Za-z0-9_\-]+")
UNSUBSCRIBE_LINK = re.compile(r"https://[^\s\"<>]+/follow/unsubscribe/[A-Za-z0-9_\-.]+")
STARTED = re.compile(r'name="started" value="([^"]+)"')


def confirm_link(message: Any) -> str:
    found = CONFIRM_LINK.search(text_of(message))
    assert found, text_of(message)
    return found.group(0)


def unsubscribe_link(message: Any) -> str:
    header = message["List-Unsubscribe"]
    assert header and header.startswith("<https://") and header.endswith(">"), header
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header[1:-1]
    assert url in text_of(message)
    return url


def url(app: Any, endpoint: str, **values: Any) -> str:
    """A path of the app as url_for writes it (public addresses carry their language)."""
    from flask import url_for

    with app.test_request_context("/"):
        return url_for(endpoint, **values)
