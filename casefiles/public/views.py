"""The public side under /en/ and /fr/: home, case index with filters and search, case pages, Atom feeds; the
sitemap and robots.txt at the root.

Every view here is @public and renders only PublicCase projections (never an ORM object). A case that is not
published answers exactly like a case that does not exist.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user

from casefiles.authz import public
from casefiles.caching import BoundedCache
from casefiles.cases.merging import public_redirect_slug
from casefiles.cases.models import Case
from casefiles.enums import Outcome, PersonCategory
from casefiles.public import queries
from casefiles.public.edge_cache import MARKER
from casefiles.public.edge_cache import install as install_edge_cache
from casefiles.public.language import LANG_PREFIX
from casefiles.public.language import init_app as install_language
from casefiles.public.prerender import init_app as install_prerender
from casefiles.public.projection import PublicCase
from casefiles.public.store import case_marker
from casefiles.text_safety import xml_safe

bp = Blueprint("public", __name__, url_prefix=LANG_PREFIX)
bp.record_once(lambda state: install_edge_cache(state.app))
bp.record_once(lambda state: install_language(state.app))
bp.record_once(lambda state: install_prerender(state.app))
# What stays at the root of the site whatever the language: the sitemap (both languages) and robots.txt.
root_bp = Blueprint("public_root", __name__)

_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "public"
# Changes with the public templates, so a deploy invalidates every ETag; the same in every worker.
BUILD = hashlib.sha256(
    b"".join(p.read_bytes() for p in sorted(_TEMPLATES.rglob("*.html")) + sorted(_TEMPLATES.rglob("*.xml")))
).hexdigest()[:12]
PUBLIC_CACHE_CONTROL = "public, max-age=0, must-revalidate"


def locale() -> str:
    return str(get_locale() or "en")


def body_etag(body: bytes) -> str:
    """A validator derived from the answer itself: it moves exactly when what the reader sees moves."""
    return hashlib.sha256(BUILD.encode() + body).hexdigest()[:32]


# Rendered anonymous answers per worker, keyed by what they show and checked against a fresh validator; the
# time-to-live bounds staleness should a change ever bypass the audit log.
PAGES = BoundedCache(size=2048, ttl=30.0)


def anonymous() -> bool:
    return not (current_user and current_user.is_authenticated)


def not_modified(etag: str) -> Response | None:
    """A bare 304 when the reader already has this version."""
    if request.if_none_match and request.if_none_match.contains_weak(etag):
        response = Response(status=304)
        response.set_etag(etag)
        response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
        response.headers["Vary"] = "Cookie, Accept-Language"
        return response
    return None


def conditional(response: Response, etag: str, last_modified: datetime | None, marker: str | None = None) -> Response:
    """Attach validators and answer 304 to a matching If-None-Match / If-Modified-Since. `marker` (one case's
    answers: public.store.case_marker) keeps the answer with that case's stamps instead of the "all" stamp."""
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified.replace(microsecond=0)
    response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
    response.headers["Vary"] = "Cookie, Accept-Language"
    if anonymous():
        response.headers[MARKER] = marker or "1"  # the edge cache may keep this answer (see edge_cache.py)
    return response.make_conditional(request)


def load_public_case(slug: str) -> tuple[Case, PublicCase]:
    """The published case and its projection, or the same 404 as for a case that never existed."""
    case = queries.published_case_by_slug(slug)
    if case is None:
        moved = public_redirect_slug(slug)  # a published case merged into another, itself published
        if moved is not None:
            target = url_for(request.endpoint, **{**(request.view_args or {}), "slug": moved})
            abort(Response(status=301, headers={"Location": target}))
        abort(404)
    projection = queries.cached_public_case(case, locale())
    if projection is None:
        abort(404)
    return case, projection


def home() -> ResponseReturnValue:
    """The root of the site (web.home): the public home in the visitor's language (cookie, then browser)."""
    response = redirect(url_for("public.home"), code=301)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response


@bp.route("/", endpoint="home")
@public
def front() -> ResponseReturnValue:
    """Featured and recent cases, and the active campaigns."""
    loc = locale()
    generation = queries.public_generation()
    key = ("home", request.host, request.query_string, loc)
    cached = PAGES.get(key, generation) if anonymous() else None
    if cached is None:
        featured = queries.recent_public_cases(loc, limit=3, featured=True)
        seen = {c.slug for c in featured}
        recent = [c for c in queries.recent_public_cases(loc, limit=9) if c.slug not in seen][:6]
        body = render_template(
            "public/home.html",
            featured=featured,
            recent=recent,
            campaigns=queries.active_public_campaigns(loc),
        ).encode()
        cached = (body, body_etag(body), None)
        if anonymous():
            PAGES.put(key, cached, generation)
    return conditional(Response(cached[0], mimetype="text/html"), cached[1], None)


@bp.route("/cases")
@public
def index() -> ResponseReturnValue:
    """Published cases with filters and a search over published text only."""
    generation = queries.public_generation()
    key = ("index", request.host, request.query_string, locale())
    cached = PAGES.get(key, generation) if anonymous() else None
    if cached is None:
        filters = queries.PublicFilters.from_args(request.args)
        per_page = current_app.config.get("PUBLIC_CASES_PER_PAGE", 20)
        page = queries.find_public_cases(filters, locale(), per_page=per_page)
        body = render_template(
            "public/index.html",
            page=page,
            filters=filters,
            choices=queries.filter_choices(),
            categories=list(PersonCategory),
            outcomes=list(Outcome),
        ).encode()
        updated = max((c.updated_at for c in page.items if c.updated_at), default=None)
        cached = (body, body_etag(body), updated)
        if anonymous():
            PAGES.put(key, cached, generation)
    response = Response(cached[0], mimetype="text/html")
    return conditional(response, cached[1], cached[2])


@bp.route("/cases/<slug>")
@public
def case(slug: str) -> ResponseReturnValue:
    """One published case (anonymous answers are cached per worker until anything changes)."""
    marker = case_marker(slug) if anonymous() else None  # the stamps, read before the case is
    generation = queries.public_generation()
    key = ("case", request.host, slug, request.query_string, locale())
    cached = PAGES.get(key, generation) if anonymous() else None
    if cached is None:
        found, projection = load_public_case(slug)
        from casefiles.public.photos import public_photo

        body = render_template("public/case.html", case=projection, photo=public_photo(found.id, locale())).encode()
        cached = (body, body_etag(body), projection.updated_at)
        if anonymous():
            PAGES.put(key, cached, generation)
    early = not_modified(cached[1])
    if early is not None:
        return early
    return conditional(Response(cached[0], mimetype="text/html"), cached[1], cached[2], marker)


@bp.route("/cases/<slug>/photo")
@public
def photo(slug: str) -> ResponseReturnValue:
    """The case's photo (its metadata-free copy), while the person it shows consents to be named in full."""
    from casefiles.public import photos

    marker = case_marker(slug) if anonymous() else None
    case, _ = load_public_case(slug)
    found = photos.photo_of(case.id)
    if found is None or not photos.shown_publicly(found):
        abort(404)
    response = Response(photos.image_bytes(found), mimetype=found.mime_type)
    return conditional(response, found.sha256[:32], None, marker)


@bp.route("/cases/<slug>/share.png")
@public
def share_image(slug: str) -> ResponseReturnValue:
    """The case's share image (og:image): its public title, outcome and the organization, 1200 x 630 PNG."""
    from casefiles.public.share_image import share_png

    marker = case_marker(slug) if anonymous() else None
    _, projection = load_public_case(slug)
    body = share_png(projection.title, current_app.config["ORGANIZATION_NAME"], projection.outcome_label)
    return conditional(Response(body, mimetype="image/png"), body_etag(body), projection.updated_at, marker)


@bp.route("/cases/<slug>/feed.atom")
@public
def case_feed(slug: str) -> ResponseReturnValue:
    """Atom feed of one case's published updates."""
    marker = case_marker(slug) if anonymous() else None
    _, projection = load_public_case(slug)
    entries = feed_entries([projection], single=True)
    body = render_xml(
        "public/feed.xml",
        feed_id=url_for("public.case", slug=slug, _external=True),
        feed_title=projection.title,
        self_url=url_for("public.case_feed", slug=slug, _external=True),
        alternate=url_for("public.case", slug=slug, _external=True),
        updated=projection.updated_at,
        entries=entries,
    )
    response = Response(body, mimetype="application/atom+xml")
    return conditional(response, body_etag(body.encode()), projection.updated_at, marker)


@bp.route("/feed.atom")
@public
def site_feed() -> ResponseReturnValue:
    """Atom feed of the latest published updates on every case."""
    cases = queries.recent_public_cases(locale(), limit=30)
    entries = feed_entries(cases, single=False)[:50]
    updated = max((e["updated"] for e in entries), default=None)
    body = render_xml(
        "public/feed.xml",
        feed_id=url_for("public.home", _external=True),
        feed_title=current_app.config["ORGANIZATION_NAME"],
        self_url=url_for("public.site_feed", _external=True),
        alternate=url_for("public.index", _external=True),
        updated=updated,
        entries=entries,
    )
    response = Response(body, mimetype="application/atom+xml")
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    return conditional(response, etag, updated)


def render_xml(template: str, **context: Any) -> str:
    """A feed or sitemap, well-formed whatever was ever typed: characters XML forbids (NUL, other controls) are
    refused when text is saved, and removed here too, for text saved before that rule or by another path."""
    return xml_safe(render_template(template, **context))


def feed_entries(cases: list[PublicCase], single: bool) -> list[dict]:
    """Publication, public timeline events and corrections, newest first."""
    entries = []
    for c in cases:
        link = url_for("public.case", slug=c.slug, _external=True)
        if c.published_at:
            entries.append(
                {
                    "id": f"{link}#published",
                    "title": c.title,
                    "link": link,
                    "updated": c.updated_at or c.published_at,
                    "summary": c.summary_text[:600],
                    "kind": "case",
                }
            )
        if single:
            for i, e in enumerate(c.events):
                entries.append(
                    {
                        "id": f"{link}#event-{i + 1}-{e.date_iso}",
                        "title": f"{e.date_display} · {e.title}",
                        "link": f"{link}#timeline",
                        "updated": e.updated_at or c.updated_at,
                        "summary": e.kind_label,
                        "kind": "event",
                    }
                )
        for i, note in enumerate(c.corrections):
            entries.append(
                {
                    "id": f"{link}#correction-{i + 1}",
                    "title": c.title,
                    "link": f"{link}#corrections",
                    "updated": note.created_at,
                    "summary": note.note,
                    "kind": "correction",
                }
            )
    entries.sort(key=lambda e: e["updated"], reverse=True)
    return entries


@root_bp.route("/sitemap.xml")
@public
def sitemap() -> ResponseReturnValue:
    """Every public page, for search engines."""
    from sqlalchemy import select

    from casefiles.extensions import db

    rows = db.session.execute(
        select(Case.public_slug, Case.published_at, Case.public_updated_at)
        .where(queries.published_clause())
        .order_by(Case.published_at.desc())
        .limit(24_000)  # two languages each: under the 50,000 addresses a sitemap may hold
    ).all()
    from casefiles.public.campaigns import sitemap_ids

    institution_ids = db.session.scalars(
        select(Case.institution_id).where(queries.published_clause(), Case.institution_id.is_not(None)).distinct()
    ).all()
    from casefiles.public.language import LANGUAGES

    body = render_xml(
        "public/sitemap.xml",
        rows=rows,
        campaign_ids=sitemap_ids(),
        institution_ids=sorted(institution_ids),
        languages=LANGUAGES,
    )
    response = Response(body, mimetype="application/xml")
    return conditional(response, hashlib.sha256(body.encode()).hexdigest()[:32], None)


@root_bp.route("/robots.txt")
@public
def robots() -> ResponseReturnValue:
    """Crawlers may read the public side, never the staff side."""
    sitemap_url = url_for("public_root.sitemap", _external=True)
    body = f"User-agent: *\nDisallow: /staff/\nDisallow: /login\nSitemap: {sitemap_url}\n"
    return Response(body, mimetype="text/plain")
