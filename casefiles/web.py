"""Cross-cutting web plumbing: locale, security headers, session timeouts, error pages, template helpers."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, get_locale, refresh
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, ValidationError

from casefiles import dates, enums
from casefiles.audit.display import brief_line, display_value, field_label
from casefiles.auth import policies as auth_policies
from casefiles.authz import Role, can_publish, deny_by_default, has_role, public
from casefiles.briefs import policies as brief_policies
from casefiles.campaigns import policies as campaign_policies
from casefiles.dates import format_day
from casefiles.forms_common import guard_text_fields
from casefiles.institutions import policies as institution_policies
from casefiles.markdown import render_markdown
from casefiles.transfer import policies as transfer_policies
from casefiles.views_common import MAX_ID

bp = Blueprint("web", __name__)
LANG_COOKIE = "lang"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def select_locale() -> str:
    """The language cookie, then the signed-in user's choice, then Accept-Language, then English."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    from casefiles.public.language import url_language

    if url_language() in languages:  # a public page's address says its language (/fr/…)
        return url_language()
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in languages:
        return cookie
    user = getattr(g, "_login_user", None) or (current_user if current_user else None)
    locale = getattr(user, "locale", None)
    if locale in languages:
        return locale
    # By preference order and primary subtag: "fr-CA,en;q=0.8" is French (best_match would pick the exact "en").
    for tag, _quality in request.accept_languages:
        primary = tag.replace("_", "-").split("-")[0].lower()
        if primary in languages:
            return primary
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.route("/language/<code>")
@public
def set_language(code: str) -> ResponseReturnValue:
    """Switch language and remember it in a cookie."""
    from casefiles.auth.views import safe_next
    from casefiles.public.language import switch_address

    target = switch_address(safe_next(request.args.get("next")) or url_for("web.home"), code)
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANG_COOKIE,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=True,
        )
    return response


@bp.route("/")
@public
def home() -> ResponseReturnValue:
    """The public front door: featured and recent published cases (casefiles.public)."""
    from casefiles.public.views import home as public_home

    return public_home()


@bp.route("/healthz")
@public
def healthz() -> ResponseReturnValue:
    """Liveness for load balancers."""
    return {"status": "ok"}


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: ASCII digits only, no larger than an id can be. Anything else matches no route
    (a 404), instead of reaching the database as a number it cannot hold."""

    regex = r"[0-9]+"

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_ID:
            raise ValidationError()
        return number


# The furthest page any list serves: past it every list is empty anyway, and page x rows would no longer fit the
# database's OFFSET (a 500 on PostgreSQL and SQLite alike).
MAX_PAGE = 1_000_000


def _bound_page_number() -> None:
    """`page=` is read by every paginated list; one absurd value is brought back in range here, for all of them."""
    raw = request.args.get("page")
    if raw is None or len(raw) <= 6:
        return
    try:
        number = int(raw)
    except ValueError:
        return  # not a number: each list already ignores it
    if abs(number) > MAX_PAGE:
        args = request.args.copy()
        args["page"] = str(MAX_PAGE if number > 0 else 1)
        request.args = ImmutableMultiDict(args)  # type: ignore[misc]


def _enforce_session_timeouts() -> ResponseReturnValue | None:
    """Idle and absolute session timeouts for signed-in users."""
    if not current_user.is_authenticated:
        return None
    now = datetime.now(UTC).timestamp()
    started = session.get("_started", now)
    seen = session.get("_seen", now)
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    absolute = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if now - seen > idle or now - started > absolute:
        logout_user()
        session.clear()
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    session["_started"] = started
    session["_seen"] = now
    return None


def _security_headers(response):  # noqa: ANN001, ANN202
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_app.config.get("HSTS"):
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if current_user and current_user.is_authenticated:
        headers["Cache-Control"] = "no-store"
    headers.setdefault("Vary", "Cookie")
    return response


def _error_page(error: HTTPException) -> ResponseReturnValue:
    from casefiles.public.language import error_template

    code = error.code or 500
    return render_template(error_template(), code=code, error=error), code


def _csrf_error(error: CSRFError) -> ResponseReturnValue:
    return render_template("errors/error.html", code=400, error=error, csrf=True), 400


def _internal_error(error: Exception) -> ResponseReturnValue:
    from casefiles.extensions import db

    db.session.rollback()
    current_app.logger.exception("Unhandled error on %s", request.path)
    return render_template("errors/error.html", code=500, error=None), 500


def display_date(value: object, style: str = "long") -> str:
    """A date, a partial date or the local day of a moment, in the user's language (casefiles.dates)."""
    return format_day(value, style)


def init_app(app: Flask) -> None:
    """Wire hooks, error pages and template helpers into the app."""
    from casefiles.extensions import login_manager

    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    # The locale is cached on `g`; choose it afresh for every request, even when an app context outlives one.
    app.url_map.converters["int"] = IdConverter  # before any blueprint adds its routes
    guard_text_fields()
    app.before_request(refresh)
    app.before_request(_bound_page_number)
    app.before_request(deny_by_default)
    app.before_request(_enforce_session_timeouts)
    app.after_request(_security_headers)
    for code in (400, 401, 403, 404, 405, 409, 413, 429):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(500, _internal_error)

    app.jinja_env.filters["markdown"] = render_markdown
    dates.init_app(app)
    app.jinja_env.filters["number"] = lambda n: format_decimal(n or 0)
    app.jinja_env.globals.update(
        enums=enums,
        Role=Role,
        has_role=has_role,
        may=may,
        current_locale=lambda: str(get_locale() or "en"),
        today=dates.local_today,
        org_name=lambda: app.config["ORGANIZATION_NAME"],
        field_label=field_label,
        display_value=display_value,
        brief_line=brief_line,
    )
    app.jinja_env.add_extension("jinja2.ext.do")


def may(ability: str) -> bool:
    """Templates ask the domains' policies, by name, what the signed-in user may do."""
    abilities = {
        "publish": can_publish,
        "request_dossier": brief_policies.can_request_dossier,
        "view_campaigns": campaign_policies.can_view,
        "edit_campaigns": campaign_policies.can_edit,
        "edit_institutions": institution_policies.can_edit,
        "import": transfer_policies.can_import,
        "export": transfer_policies.can_export,
        "manage_users": auth_policies.can_manage_users,
    }
    return bool(abilities[ability](current_user))
