"""The read-only public JSON API under /api/v1/, described by an OpenAPI document.

Built from PublicCase projections only. Responses carry ETag and Last-Modified and answer 304 when unchanged.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, request, url_for
from flask.typing import ResponseReturnValue

from casefiles.authz import public
from casefiles.public import campaigns as public_campaigns
from casefiles.public import queries
from casefiles.public.edge_cache import MARKER
from casefiles.public.openapi import openapi_document
from casefiles.public.projection import PublicCase
from casefiles.public.store import case_marker
from casefiles.public.views import BUILD, PAGES, PUBLIC_CACHE_CONTROL, locale, not_modified

bp = Blueprint("public_api", __name__)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _json(
    data: Any,
    etag: str | None = None,
    last_modified: datetime | None = None,
    status: int = 200,
    body: str | None = None,
    marker: str | None = None,
) -> Response:
    body = body if body is not None else _dumps(data)
    response = Response(body, status=status, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    if status != 200:
        return response
    response.set_etag(etag or hashlib.sha256(f"{BUILD}|{body}".encode()).hexdigest()[:32])
    if last_modified is not None:
        response.last_modified = last_modified.replace(microsecond=0)
    response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers[MARKER] = marker or "1"  # the same for everyone: the edge cache may keep it
    return response.make_conditional(request)


def _summary(c: PublicCase) -> dict[str, Any]:
    return {
        "slug": c.slug,
        "title": c.title,
        "display_names": list(c.display_names),
        "categories": list(c.categories),
        "outcome": c.outcome,
        "outcome_label": c.outcome_label,
        "institution": c.institution.name if c.institution else None,
        "region": c.institution.region if c.institution else None,
        "published_at": c.published_at.isoformat() if c.published_at else None,
        "updated_at": c.updated_at.isoformat() if c.updated_at else None,
        "url": url_for("public.case", slug=c.slug, _external=True),
        "api_url": url_for("public_api.case", slug=c.slug, _external=True),
    }


def _error(status: int, message: str) -> Response:
    return _json({"error": {"status": status, "message": message}}, status=status)


@bp.route("/cases")
@public
def cases() -> ResponseReturnValue:
    """Published cases, newest first, with the same filters as the public index."""
    filters = queries.PublicFilters.from_args(request.args)
    per_page = min(max(request.args.get("per_page", 20, type=int) or 20, 1), 100)
    page = queries.find_public_cases(filters, locale(), per_page=per_page)
    data = {
        "locale": locale(),
        "page": page.page,
        "pages": page.pages,
        "per_page": per_page,
        "total": page.total,
        "items": [_summary(c) for c in page.items],
    }
    updated = max((c.updated_at for c in page.items if c.updated_at), default=None)
    return _json(data, last_modified=updated)


@bp.route("/cases/<slug>")
@public
def case(slug: str) -> ResponseReturnValue:
    """One published case: every public field."""
    marker = case_marker(slug)  # the stamps, read before the case is
    generation = queries.public_generation()
    key = ("api-case", request.host, slug, locale())
    cached = PAGES.get(key, generation)
    if cached is None:
        found = queries.published_case_by_slug(slug)
        projection = queries.cached_public_case(found, locale()) if found is not None else None
        if projection is None:
            return _error(404, "Not found")
        data = projection.as_json()
        data.pop("summary_text", None)
        data["url"] = url_for("public.case", slug=slug, _external=True)
        body = _dumps(data)
        cached = (body, hashlib.sha256(f"{BUILD}|{body}".encode()).hexdigest()[:32], projection.updated_at)
        PAGES.put(key, cached, generation)
    early = not_modified(cached[1])
    if early is not None:
        return early
    return _json(None, etag=cached[1], last_modified=cached[2], body=cached[0], marker=marker)


@bp.route("/campaigns")
@public
def campaigns() -> ResponseReturnValue:
    """Public campaigns (in progress, then completed) with their supporters over time and their cases."""
    items = [c.as_json() for c in public_campaigns.public_campaigns(locale())]
    return _json({"locale": locale(), "total": len(items), "items": items})


@bp.route("/campaigns/<int:campaign_id>")
@public
def campaign(campaign_id: int) -> ResponseReturnValue:
    """One public campaign (a planned or cancelled one answers like a missing one)."""
    found = public_campaigns.public_campaign_by_id(campaign_id)
    if found is None:
        return _error(404, "Not found")
    return _json(public_campaigns.project_campaign(found, locale()).as_json())


@bp.route("/openapi.json")
@public
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 description of this API."""
    return _json(openapi_document(url_for("public_api.cases", _external=True).rsplit("/cases", 1)[0]))
