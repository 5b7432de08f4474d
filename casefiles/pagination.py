"""One way to cut a list into pages: count, clamp the page into range, fetch one page.

`paginate` fetches the page's rows with OFFSET. `paginate_keys` is for long lists: the page's keys are read first
(an index scan that skips earlier pages without fetching their rows), then only the page's own rows, so page
2,000 costs about what the first page costs."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select

from casefiles.extensions import db


@dataclass
class Page:
    """One page of results."""

    items: Sequence[Any]
    total: int
    page: int
    per_page: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.page * self.per_page, self.total)


def paginate(
    stmt: Select,
    *,
    page: int,
    per_page: int,
    count: Select | None = None,
    rows: Callable[[Select], Sequence[Any]] | None = None,
) -> Page:
    """The page of `stmt` (a page past the end shows the last one); `count` counts when `stmt` is costly to."""
    counted = count if count is not None else stmt
    total = db.session.scalar(select(func.count()).select_from(counted.order_by(None).subquery())) or 0
    number = min(max(1, int(page or 1)), max(1, math.ceil(total / per_page)))
    one_page = stmt.limit(per_page).offset((number - 1) * per_page)
    items = rows(one_page) if rows is not None else db.session.execute(one_page).all()
    return Page(items=list(items), total=total, page=number, per_page=per_page)


def scalar_rows(stmt: Select) -> Sequence[Any]:
    """Rows of a one-entity select, as objects."""
    return db.session.scalars(stmt).all()


def paginate_keys(
    keys: Select,
    *,
    page: int,
    per_page: int,
    load: Callable[[list[Any]], Sequence[Any]],
    count: Select | None = None,
) -> Page:
    """The page of a long list in two steps: `keys` selects one unique key per row (its ORDER BY served by an
    index holding the key), `load` turns the page's keys into its items in the same order; `count` counts the
    list when `keys` is costly to."""
    counted = count if count is not None else keys
    total = db.session.scalar(select(func.count()).select_from(counted.order_by(None).subquery())) or 0
    number = min(max(1, int(page or 1)), max(1, math.ceil(total / per_page)))
    found = list(db.session.scalars(keys.limit(per_page).offset((number - 1) * per_page)))
    return Page(items=list(load(found)) if found else [], total=total, page=number, per_page=per_page)


def in_order(items: Sequence[Any], keys: Sequence[Any], key: Callable[[Any], Any]) -> list[Any]:
    """The items arranged in the order of `keys` (rows loaded by `IN (...)` come back in any order)."""
    by_key = {key(item): item for item in items}
    return [by_key[k] for k in keys if k in by_key]
