"""The language in the address of every public page: /en/cases/…, /fr/cases/….

A public blueprint is declared with `url_prefix=LANG_PREFIX`; nothing else is needed for a new public page:
- the language of the address decides the page's language (before the cookie or the browser's choice);
- `url_for` fills the language of the current page in (or the visitor's choice outside a public page);
- an address of the public side without its language (the addresses used before) answers 301 (308 for other
  methods than GET and HEAD) to the same page in the language chosen as before: cookie, then Accept-Language.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale, refresh
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from config import Config

LANGUAGES: tuple[str, ...] = tuple(Config.LANGUAGES)
LANG_PREFIX = "/<any(" + ", ".join(LANGUAGES) + "):lang>"
ENVIRON_KEY = "casefiles.url_language"
_PREFIXED = re.compile(r"^/(" + "|".join(LANGUAGES) + r")(?=/|$)")
# Addresses that are never public pages in another form: no redirect is tried for them.
_NOT_PUBLIC = ("/staff", "/api/", "/static/", "/login", "/logout", "/account", "/language/")


class LanguageRedirect(RequestRedirect):
    """A permanent redirect to the same public page with its language; 301 for GET and HEAD, else 308."""

    def __init__(self, new_url: str, code: int) -> None:
        super().__init__(new_url)
        self.code = code

    def get_response(self, environ: Any = None, scope: Any = None) -> Any:
        response = super().get_response(environ, scope)
        # The target depends on the visitor's cookie and browser: no shared cache may keep it for another.
        response.headers["Vary"] = "Cookie, Accept-Language"
        response.headers["Cache-Control"] = "no-cache"
        return response


def url_language() -> str | None:
    """The language written in the address of the current request, if it is a public page."""
    return request.environ.get(ENVIRON_KEY)


def _pull_language(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """url_value_preprocessor: remember the address's language (views never see it), or send an old address on."""
    if values and "lang" in values and _prefixed_rule(request.url_rule):
        request.environ[ENVIRON_KEY] = values.pop("lang")
        return
    if endpoint is None:
        found = _PREFIXED.match(request.path)
        if found:  # a missing public page: its error speaks the address's language
            request.environ[ENVIRON_KEY] = found.group(1)
            return
        _redirect_old_address()


def _redirect_old_address() -> None:
    """An address that matched nothing: if it is a public page once the language is put in front, go there."""
    path = request.path
    if _PREFIXED.match(path) or path.startswith(_NOT_PUBLIC):
        return
    refresh()  # the locale of an earlier request may still be cached on `g`
    language = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    if language not in LANGUAGES:
        language = LANGUAGES[0]
    target = f"/{language}{path}"
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        rule, _ = adapter.match(target, method=request.method, return_rule=True)
    except RequestRedirect as redirect:  # e.g. "/fr" -> "/fr/": follow the map's own spelling
        target = redirect.new_url.split("://", 1)[-1]
        target = target[target.index("/") :] if "/" in target else "/"
        target = target.removeprefix(request.script_root)
        rule = None
    except HTTPException:
        return
    if rule is not None and not _prefixed_rule(rule):
        return
    query = request.query_string.decode("latin-1")
    new_url = request.script_root + target + (f"?{query}" if query else "")
    raise LanguageRedirect(new_url, 301 if request.method in ("GET", "HEAD") else 308)


def current_language() -> str:
    """The language of the page being built: the address's, else the visitor's choice."""
    from flask import has_request_context

    if has_request_context():
        language = request.environ.get(ENVIRON_KEY)
        if language:
            return language
    language = str(get_locale() or "")
    return language if language in LANGUAGES else LANGUAGES[0]


def _add_language(endpoint: str, values: dict[str, Any]) -> None:
    """url_defaults: a link to a public page gets the current language unless another is asked for."""
    if "lang" in values:
        return
    expecting = current_app.extensions.setdefault("casefiles_lang_endpoints", {})
    wanted = expecting.get(endpoint)
    if wanted is None:
        try:
            rules = list(current_app.url_map.iter_rules(endpoint))
        except KeyError:
            rules = []
        wanted = expecting[endpoint] = any(_prefixed_rule(rule) for rule in rules)
    if wanted:
        values["lang"] = current_language()


def _prefixed_rule(rule: Any) -> bool:
    """A rule of a public page: its address starts with the language (other rules may have a `lang` of their own,
    e.g. a brief's language, which is left alone)."""
    return rule is not None and rule.rule.startswith(LANG_PREFIX)


def language_url(code: str, external: bool = False) -> str | None:
    """The current public page in another language (for hreflang alternates), or None off the public pages."""
    rule = request.url_rule
    if not _prefixed_rule(rule) or request.endpoint is None:
        return None
    args = dict(request.view_args or {})
    url = url_for(request.endpoint, lang=code, _external=external, **args)
    query = request.query_string.decode("latin-1")
    return url + (f"?{query}" if query else "")


def switch_address(target: str, code: str) -> str:
    """The language switcher's way back: the same public page in the chosen language."""
    if code in LANGUAGES and _PREFIXED.match(target):
        return _PREFIXED.sub(f"/{code}", target, count=1)
    return target


def is_public_address(path: str) -> bool:
    """An address of the public side (its errors wear the public header), not of the staff side."""
    return not path.startswith(("/staff", "/login", "/logout", "/account", "/users"))


def init_app(app: Flask) -> None:
    """Install the hooks once per application."""
    if app.extensions.get("casefiles_public_language"):
        return
    app.extensions["casefiles_public_language"] = True
    app.url_value_preprocessor(_pull_language)
    app.url_defaults(_add_language)
    app.jinja_env.globals.update(language_url=language_url, languages=LANGUAGES)


def error_template() -> str:
    """An error on a public address wears the public header and footer; on the staff side, the staff ones."""
    return "public/error.html" if is_public_address(request.path) else "errors/error.html"
