"""Fixtures of the public side: a case published through the real services.

A plain module, not a conftest.py: test modules elsewhere import the top-level conftest by name, which a second
conftest module would shadow. Each test module here imports what it uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from casefiles.extensions import db


@pytest.fixture
def staff(make_user: Callable[..., Any]) -> Any:
    return make_user("staff")


@pytest.fixture(autouse=True)
def _fresh_projection_cache(app: Any) -> None:
    from casefiles.public.queries import clear_cache
    from casefiles.public.views import PAGES

    clear_cache()
    PAGES.clear()
    app.extensions["public_edge_cache"].clear()


@pytest.fixture
def publish(staff: Any) -> Callable[..., Any]:
    """publish(case) -> case, after the review checklist, committed."""
    from casefiles.public.services import ReviewChecklist, publish_case

    def _publish(case: Any) -> Any:
        publish_case(case, actor=staff, checklist=ReviewChecklist(consent_recorded=True, no_private_data=True))
        db.session.commit()
        return case

    return _publish


@pytest.fixture
def make_published(make_case: Callable[..., Any], publish: Callable[..., Any], staff: Any) -> Callable[..., Any]:
    """make_published(events=[...], **case values) -> a published case with public (and private) events."""
    from casefiles.cases import services

    def _make(events: list[dict] | None = None, person: dict | None = None, **values: Any) -> Any:
        person = person or {"legal_name": "Amira Haddad", "name_consent": "full_name", "category": "nurse"}
        case = make_case(person=person, **values)
        for event in events or [{"date": "2023-11", "title": "Suspended by the college", "is_public": True}]:
            services.add_event(case, actor=staff, values=event)
        db.session.commit()
        return publish(case)

    return _make


@pytest.fixture
def client(app: Any) -> Any:
    """The test client, forgetting the language Flask-Babel cached on `g`: the tests hold one app context, which
    every request of the client shares, so a label resolved while seeding data would fix the language."""
    from flask import g
    from flask.testing import FlaskClient

    class _Client(FlaskClient):
        def open(self, *args: Any, **kwargs: Any) -> Any:
            g.pop("_flask_babel", None)
            return super().open(*args, **kwargs)

    app.test_client_class = _Client
    return app.test_client()
