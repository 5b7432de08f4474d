"""A public petition campaign on a published case, and a loopback SMTP server."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from casefiles.extensions import db

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mail"))
from smtp_inbox import SmtpServer, text_of  # noqa: E402

LINK = re.compile(r"https?://[^\s\"<>]+/petitions/confirm/[A-Za-z0-9_\-]+")


@pytest.fixture
def smtp(app: Any) -> Any:
    server = SmtpServer().start()
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=server.port,
        MAIL_DEFAULT_SENDER="campaigns@example.org",
        MAIL_WORKER="off",
        PETITION_MIN_SECONDS=0,
    )
    yield server
    server.stop()


@pytest.fixture
def petition(make_published: Any, staff: Any) -> Any:
    from datetime import date

    from casefiles.campaigns import services as campaigns

    case = make_published(title="Student suspended for a speech")
    campaign = campaigns.create_campaign(
        actor=staff,
        values={
            "title_en": "Reinstate the student",
            "title_fr": "Réintégrez l’étudiant",
            "kind": "petition",
            "status": "in_progress",
            "call_to_action_en": "Sign to ask the university to lift the suspension.",
        },
    )
    campaigns.link_case(campaign, case, actor=staff)
    campaigns.add_snapshot(campaign, actor=staff, values={"date": date(2024, 3, 1), "count": 500, "source": "paper"})
    db.session.commit()
    return campaign


def confirmation_link(message: Any) -> str:
    found = LINK.search(text_of(message))
    assert found, text_of(message)
    return found.group(0)
