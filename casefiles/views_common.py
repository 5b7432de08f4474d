"""Small helpers every blueprint uses."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort

from casefiles.extensions import db

T = TypeVar("T")


def get_or_404(model: type[T], object_id: Any) -> T:
    """The row with this id, or a 404."""
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj
