"""The CSRF token of every form is rendered without an id: a page holding several forms (the case page has a
dozen) would otherwise repeat `id="csrf_token"`, which HTML forbids. Templates keep writing `{{ form.csrf_token }}`
(with CSRF switched off, as in some tests, the field is absent and renders nothing)."""

from __future__ import annotations

from typing import Any

from wtforms.csrf.core import CSRFTokenField
from wtforms.widgets import HiddenInput


class HiddenWithoutId(HiddenInput):
    def __call__(self, field: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("id", False)
        return super().__call__(field, **kwargs)


def install() -> None:
    CSRFTokenField.widget = HiddenWithoutId()
