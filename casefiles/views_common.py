"""Small helpers every blueprint uses."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort

from casefiles.extensions import db

T = TypeVar("T")

# Ids are the databases' `integer` (PostgreSQL's is 32-bit signed): anything larger names no row, and some
# drivers refuse to even send it (SQLite overflows past 2^63), so it never reaches a query.
MAX_ID = 2**31 - 1


def get_or_404(model: type[T], object_id: Any) -> T:
    """The row with this id, or a 404."""
    if isinstance(object_id, int) and not 0 < object_id <= MAX_ID:
        abort(404)
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def parse_id(value: Any) -> int | None:
    """An id typed in a query string or form: ASCII digits within the ids' range, else None. (`str.isdigit()`
    also accepts "²" or "١", which int() refuses or reads as another number.)"""
    text = str(value if value is not None else "").strip()
    if not text or not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
