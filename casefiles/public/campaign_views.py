"""Public campaign pages: the index (in progress and completed), one page per campaign, and the campaign update
(victories, positive movement, ongoing). Every view is @public and renders PublicCampaignPage projections only;
a planned or cancelled campaign answers exactly like one that does not exist.

No Last-Modified here: a campaign's own timestamp also moves for private edits (its sources, its goal), so the
validator is the body's hash, which moves exactly when what the reader sees moves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, time

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, format_number, get_translations, gettext

from casefiles.authz import public
from casefiles.campaigns.chart import supporters_chart
from casefiles.public import campaigns as public_campaigns
from casefiles.public import queries
from casefiles.public.language import LANG_PREFIX
from casefiles.public.views import PAGES, anonymous, body_etag, conditional, locale, not_modified, render_xml

bp = Blueprint("public_campaigns", __name__, url_prefix=LANG_PREFIX)


def _cached(key: tuple, build: Callable[[], str]) -> Response:
    """A rendered anonymous answer, kept per worker until anything changes (see public.views)."""
    generation = queries.public_generation()
    full_key = (*key, request.host, locale())
    cached = PAGES.get(full_key, generation) if anonymous() else None
    if cached is None:
        body = build().encode()
        cached = (body, body_etag(body), None)
        if anonymous():
            PAGES.put(full_key, cached, generation)
    early = not_modified(cached[1])
    if early is not None:
        return early
    return conditional(Response(cached[0], mimetype="text/html"), cached[1], None)


@bp.route("/campaigns")
@public
def index() -> ResponseReturnValue:
    """Campaigns in progress, then completed ones, each with its supporters and its cases."""

    def build() -> str:
        found = public_campaigns.public_campaigns(locale())
        return render_template(
            "public/campaigns/index.html",
            active=[c for c in found if not c.completed],
            completed=[c for c in found if c.completed],
        )

    return _cached(("campaigns",), build)


@bp.route("/campaigns/updates")
@public
def updates() -> ResponseReturnValue:
    """The campaign update: victories, positive movement and ongoing campaigns, each with its count and cases."""
    return _cached(
        ("campaign-updates",),
        lambda: render_template("public/campaigns/updates.html", sections=public_campaigns.campaign_update(locale())),
    )


@bp.route("/campaigns/<int:campaign_id>")
@public
def campaign(campaign_id: int) -> ResponseReturnValue:
    """One public campaign: outcome, targets, asks, call to action, supporters over time, its published cases."""

    def build() -> str:
        found = public_campaigns.public_campaign_by_id(campaign_id)
        if found is None:
            abort(404)
        page = public_campaigns.project_campaign(found, locale())
        return render_template(
            "public/campaigns/detail.html",
            campaign=page,
            series=list(page.series),
            chart=supporters_chart(list(page.series)),
        )

    return _cached(("campaign", campaign_id), build)


def _public_moment(page: public_campaigns.PublicCampaignPage) -> datetime:
    """The latest public change of a campaign: its latest count, or its cases' publication and public updates."""
    stamps = [c.updated_at for c in page.cases if c.updated_at]
    if page.counted_on:
        stamps.append(datetime.combine(page.counted_on, time(), tzinfo=UTC))
    return max(stamps) if stamps else datetime(1970, 1, 1, tzinfo=UTC)


@bp.route("/campaigns/feed.atom")
@public
def feed() -> ResponseReturnValue:
    """Atom feed of the public campaigns: status, outcome and supporters of each."""
    entries = []
    with force_locale(locale()):
        for page in public_campaigns.public_campaigns(locale()):
            link = url_for("public_campaigns.campaign", campaign_id=page.id, _external=True)
            summary = f"{page.status_label} · {page.outcome_label}"
            if page.supporter_count:
                # ungettext then format: the count is written the reader's way (12,000 / 12 000).
                text = get_translations().ungettext("%(num)s supporter", "%(num)s supporters", page.supporter_count)
                summary += " · " + text % {"num": format_number(page.supporter_count)}
            entries.append(
                {
                    "id": link,
                    "title": page.title,
                    "link": link,
                    "updated": _public_moment(page),
                    "summary": summary,
                    "kind": "campaign",
                }
            )
    entries.sort(key=lambda e: e["updated"], reverse=True)
    updated = entries[0]["updated"] if entries else None
    body = render_xml(
        "public/feed.xml",
        feed_id=url_for("public_campaigns.index", _external=True),
        feed_title=gettext("Campaigns"),
        self_url=url_for("public_campaigns.feed", _external=True),
        alternate=url_for("public_campaigns.index", _external=True),
        updated=updated,
        entries=entries,
    )
    response = Response(body, mimetype="application/atom+xml")
    return conditional(response, hashlib.sha256(body.encode()).hexdigest()[:32], updated)
