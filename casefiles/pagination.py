"""One way to cut a list into pages: count, clamp the page into range, fetch one page.

`paginate` fetches the page's rows with OFFSET. `paginate_keys` is for long lists: the page's keys are read first
(an index scan that skips earlier pages without fetching their rows), then only the page's own rows, so page
2,000 costs about what the first page costs."""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Integer, Select, bindparam, event, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY

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
    counter: Callable[[Select], int] | None = None,
) -> Page:
    """The page of a long list in two steps: `keys` selects one unique key per row (its ORDER BY served by an
    index holding the key), `load` turns the page's keys into its items in the same order; `count` counts the
    list when `keys` is costly to, and `counter` (a `CountCache.count`) may keep that number a few seconds."""
    counted = (count if count is not None else keys).order_by(None)
    total = counter(counted) if counter is not None else count_of(counted)
    number = min(max(1, int(page or 1)), max(1, math.ceil(total / per_page)))
    found = list(db.session.scalars(keys.limit(per_page).offset((number - 1) * per_page)))
    return Page(items=list(load(found)) if found else [], total=total, page=number, per_page=per_page)


def count_of(stmt: Select) -> int:
    """How many rows `stmt` selects."""
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


class CountCache:
    """Counts of long lists kept a few seconds, so that paging through 100,000 cases does not count them again
    for every page: the page's items are always read fresh, only "of N" may lag.

    A count is forgotten at once when this process writes to one of `tables` (any INSERT, UPDATE, DELETE or
    COPY naming one, and again when that transaction commits); a write by another process shows within `ttl`
    seconds. At most `size` counts are kept (least recently used first out), so memory stays flat."""

    def __init__(self, tables: Iterable[str], *, ttl: float = 20.0, size: int = 256) -> None:
        self.ttl, self.size = ttl, size
        self._names = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in sorted(tables)) + r")\b", re.IGNORECASE)
        self._generation = 0
        self._counts: OrderedDict[tuple, tuple[int, float, int]] = OrderedDict()
        self._lock = threading.Lock()
        event.listen(Engine, "before_cursor_execute", self._saw_statement)
        event.listen(Engine, "commit", self._saw_commit)

    def _saw_statement(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        head = statement.lstrip()[:6].upper()
        if head not in ("SELECT", "PRAGMA", "SAVEPO", "RELEAS", "EXPLAI") and self._names.search(statement):
            conn.info["list_tables_written"] = True
            self.forget()

    def _saw_commit(self, conn: Any) -> None:
        if conn.info.pop("list_tables_written", False):
            self.forget()

    def forget(self) -> None:
        """Drop every kept count (the lists' tables changed)."""
        with self._lock:
            self._generation += 1
            self._counts.clear()

    def count(self, stmt: Select | Callable[[], Select], *, key: tuple | None = None) -> int:
        """How many rows `stmt` selects, from a count kept less than `ttl` seconds ago if there is one.

        By default a count is known by its compiled SQL. With `key` (everything that decides which rows the
        statement selects), `stmt` may be a function making the statement, only called when the count is not kept:
        neither made nor compiled on a kept count."""
        bind = db.session.get_bind()
        if key is None:
            if callable(stmt):
                raise TypeError("a statement made on demand needs a key")
            compiled = stmt.compile(bind)
            key = (str(compiled), tuple(sorted((k, repr(v)) for k, v in compiled.params.items())))
        key = (str(bind.url), key)
        now = time.monotonic()
        with self._lock:
            kept = self._counts.get(key)
            generation = self._generation
            if kept is not None and kept[2] == generation and now - kept[1] < self.ttl:
                self._counts.move_to_end(key)
                return kept[0]
        total = count_of(stmt() if callable(stmt) else stmt)
        with self._lock:
            if generation == self._generation:  # nothing was written while counting
                self._counts[key] = (total, now, generation)
                self._counts.move_to_end(key)
                while len(self._counts) > self.size:
                    self._counts.popitem(last=False)
        return total


def in_order(items: Sequence[Any], keys: Sequence[Any], key: Callable[[Any], Any]) -> list[Any]:
    """The items arranged in the order of `keys` (rows loaded by `IN (...)` come back in any order)."""
    by_key = {key(item): item for item in items}
    return [by_key[k] for k in keys if k in by_key]


def in_ids(column: Any, ids: Sequence[int]) -> Any:
    """`column IN ids` with the ids bound as one value (a JSON array on SQLite, an array on PostgreSQL): a page's
    or a chunk's ids, often a hundred, are neither coerced nor rendered one parameter each, and the statement's
    text stays the same whatever their number."""
    values = [int(value) for value in ids]
    if db.engine.dialect.name == "postgresql":
        return column == func.any(bindparam(None, values, type_=ARRAY(Integer)))
    return column.in_(select(text("value")).select_from(func.json_each(json.dumps(values))))
