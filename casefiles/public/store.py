"""Rendered public answers shared by every worker and machine: a database table by default, Redis when REDIS_URL
is set. The in-process edge cache (edge_cache.py) stays in front of it.

Whether a stored answer still holds is decided by stamps kept in the database (public_stamps): "all" moves with any
public change, "shared" with a change not tied to one case (an institution, a campaign, the organization), and
"case:<id>" with a change to that case or its parts. They move in the very transaction that writes the change's
audit entry (every mutating service writes one), so a change — unpublishing above all — takes effect on the next
request in every worker. A case page is kept while its case's stamp and the shared stamp stand still, so a change
to one case leaves the ten thousand others warm; list pages (home, index, campaigns, institutions, feeds) follow
the "all" stamp. The stored answers of a case are deleted in the same transaction as the change to it (Redis: just
after it commits), so an unpublished case is gone from the store at once.

Only anonymous answers the views marked cacheable are stored, and only for addresses without a query string
(or with a page number alone): arbitrary searches stay in the bounded in-process front and never grow the table.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
import weakref
import zlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from casefiles.db import utcnow

ALL = "all"
SHARED = "shared"
# Audit actions that change nothing anyone sees in public: accounts, sign-ins, exports.
_PRIVATE_PREFIXES = ("user.", "auth.")
_PRIVATE_SUFFIXES = (".export",)
REDIS_TTL = 7 * 24 * 3600  # seconds a stored answer may wait in Redis for its next reader
log = logging.getLogger(__name__)


def case_scope(case_id: int) -> str:
    return f"case:{case_id}"


# -- what a stored answer is ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One rendered answer and the stamps it was rendered under."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    scope: str
    scope_stamp: str
    shared_stamp: str

    def holds(self, stamps: dict[str, str]) -> bool:
        """True while neither the scope's stamp nor the shared one has moved since rendering."""
        return stamps.get(self.scope, "") == self.scope_stamp and stamps.get(SHARED, "") == self.shared_stamp

    def encode(self) -> bytes:
        head = json.dumps(
            {
                "status": self.status,
                "headers": self.headers,
                "etag": self.etag,
                "scope": self.scope,
                "scope_stamp": self.scope_stamp,
                "shared_stamp": self.shared_stamp,
            },
            separators=(",", ":"),
        ).encode()
        return head + b"\n" + zlib.compress(self.body, 6)

    @classmethod
    def decode(cls, data: bytes) -> Entry:
        head, _, body = bytes(data).partition(b"\n")
        meta = json.loads(head)
        return cls(
            status=meta["status"],
            headers=tuple((k, v) for k, v in meta["headers"]),
            body=zlib.decompress(body),
            etag=meta["etag"],
            scope=meta["scope"],
            scope_stamp=meta["scope_stamp"],
            shared_stamp=meta["shared_stamp"],
        )


def page_key(parts: tuple) -> str:
    """The stored name of an answer: a hash of scheme, host, path, query (and language choice where it counts)."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8", "surrogateescape")).hexdigest()


# -- moving the stamps, in the transaction of the change ---------------------------------------------------------


def _public_action(action: str | None) -> bool:
    action = action or ""
    return not (action.startswith(_PRIVATE_PREFIXES) or action.endswith(_PRIVATE_SUFFIXES))


def scopes_for(entries: list[tuple[str | None, int | None]]) -> list[str]:
    """The stamps that move for these audit entries (action, case id), in one fixed order (no deadlock)."""
    scopes: set[str] = set()
    for action, case_id in entries:
        if not _public_action(action):
            continue
        scopes.add(ALL)
        scopes.add(case_scope(case_id) if case_id else SHARED)
    return sorted(scopes)


def move_stamps(connection: Any, scopes: list[str]) -> None:
    """Give each scope a fresh random stamp and drop the stored answers that depended on it (database store)."""
    if not scopes:
        return
    from casefiles.public.models import PublicPage, PublicStamp

    dialect = connection.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    for scope in scopes:
        stmt = insert(PublicStamp.__table__).values(scope=scope, value=secrets.token_hex(16))
        connection.execute(stmt.on_conflict_do_update(index_elements=["scope"], set_={"value": stmt.excluded.value}))
    dropped = [s for s in scopes if s != SHARED]  # a shared change leaves case pages to their stamps
    connection.execute(PublicPage.__table__.delete().where(PublicPage.__table__.c.scope.in_(dropped)))


def _remember_scopes(session: Session, scopes: list[str]) -> None:
    if scopes:
        session.info.setdefault("public_scopes", set()).update(scopes)


@event.listens_for(Session, "before_flush")
def _stamp_before_flush(session: Session, flush_context: object, instances: object) -> None:
    from casefiles.audit.models import AuditEntry

    found = [(o.action, o.case_id) for o in session.new if isinstance(o, AuditEntry)]
    scopes = scopes_for(found)
    if scopes:
        move_stamps(session.connection(), scopes)
        _remember_scopes(session, scopes)


@event.listens_for(Session, "do_orm_execute")
def _stamp_bulk_audit(state: Any) -> None:
    """Audit entries written by one multi-row INSERT (bulk import) move the stamps too."""
    statement = state.statement
    if not getattr(statement, "is_insert", False) or getattr(statement, "table", None) is None:
        return
    if statement.table.name != "audit_entries":
        return
    params = state.parameters
    rows = params if isinstance(params, list) else [params or {}]
    scopes = scopes_for([(r.get("action"), r.get("case_id")) for r in rows])
    if scopes:
        move_stamps(state.session.connection(), scopes)
        _remember_scopes(state.session, scopes)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    scopes = session.info.pop("public_scopes", None)
    if scopes:
        case_ids = [int(s.split(":", 1)[1]) for s in scopes if s.startswith("case:")]
        for listener in list(CASES_COMMITTED):
            listener(case_ids)
        for store in list(_COMMIT_LISTENERS):
            try:
                store.drop(sorted(scopes))
            except Exception:  # noqa: BLE001 - the change is committed; a store that is down only loses copies
                log.warning("Public store: could not drop the answers of %s", sorted(scopes), exc_info=True)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("public_scopes", None)


# Stores outside the database (Redis) drop a changed case's answers once the change is committed; weakly held,
# so an application that is gone (tests build many) takes its store with it.
_COMMIT_LISTENERS: weakref.WeakSet = weakref.WeakSet()
# Called with the ids of the cases a committed change touched (the pre-rendering of their pages listens).
CASES_COMMITTED: list = []


# -- reading the stamps, cheaply, on every public request -----------------------------------------------------------

_local = threading.local()


def _raw(engine: Any, sql: str, params: tuple) -> list[tuple]:
    """One read on a pooled connection this thread keeps for it; the read's transaction ends at once."""
    if engine.dialect.paramstyle in ("format", "pyformat"):
        sql = sql.replace("?", "%s")
    held = getattr(_local, "held", None)
    if held is not None and held[0] is not engine:
        _drop_connection()
        held = None
    try:
        if held is None:
            held = (engine, engine.raw_connection())
            _local.held = held
        connection = held[1]
        cursor = connection.cursor()
        try:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        finally:
            cursor.close()
            connection.rollback()
        return [tuple(r) for r in rows]
    except Exception:  # noqa: BLE001 - a broken pooled connection: try once more on a fresh one
        log.warning("Public store: the held connection failed; reconnecting", exc_info=True)
        _drop_connection()
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            connection.rollback()
            return [tuple(r) for r in rows]
        finally:
            connection.close()


def _drop_connection() -> None:
    held = getattr(_local, "held", None)
    _local.held = None
    if held is not None:
        try:
            held[1].invalidate()
        except Exception:  # noqa: BLE001 - already gone
            log.debug("Public store connection was already closed", exc_info=True)


def read_stamps(engine: Any, *scopes: str) -> dict[str, str]:
    """The current stamps of these scopes ("" for a scope that never moved)."""
    wanted = tuple(dict.fromkeys((*scopes, SHARED)))
    marks = ", ".join("?" for _ in wanted)
    rows = _raw(engine, f"SELECT scope, value FROM public_stamps WHERE scope IN ({marks})", wanted)  # noqa: S608
    found = dict.fromkeys(wanted, "")
    found.update({scope: value for scope, value in rows})
    return found


# -- where the answers are kept -------------------------------------------------------------------------------------


class DatabaseStore:
    """The public_pages table: every worker and machine on the same database shares it."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._batch: list[dict[str, Any]] | None = None

    def get(self, key: str) -> tuple[Entry, dict[str, str]] | None:
        """The stored answer with the current stamps of its scope, in one read."""
        rows = _raw(
            self.engine,
            "SELECT p.entry, p.scope,"
            " COALESCE((SELECT s.value FROM public_stamps s WHERE s.scope = p.scope), ''),"
            " COALESCE((SELECT s.value FROM public_stamps s WHERE s.scope = 'shared'), '')"
            " FROM public_pages p WHERE p.key = ?",
            (key,),
        )
        if not rows:
            return None
        data, scope, scope_value, shared_value = rows[0]
        return Entry.decode(data), {scope: scope_value, SHARED: shared_value}

    def put(self, key: str, entry: Entry) -> None:
        values = {
            "key": key,
            "scope": entry.scope,
            "scope_stamp": entry.scope_stamp,
            "shared_stamp": entry.shared_stamp,
            "entry": entry.encode(),
            "stored_at": utcnow(),
        }
        if self._batch is not None:
            self._batch.append(values)
            if len(self._batch) >= 500:
                self.flush()
            return
        self._write([values])

    def _write(self, rows: list[dict[str, Any]]) -> None:
        """Store the answers whose stamps still hold, in one transaction. The stamps are read in it (PostgreSQL:
        locked against a change until it ends), so an answer rendered just before a case was unpublished never
        lands in the store after the unpublishing emptied it."""
        from casefiles.public.models import PublicPage, PublicStamp

        postgres = self.engine.dialect.name == "postgresql"
        if postgres:
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(PublicPage.__table__)
        stmt = stmt.on_conflict_do_update(
            index_elements=["key"], set_={k: stmt.excluded[k] for k in rows[0] if k != "key"}
        )
        stamps_table = PublicStamp.__table__
        scopes = sorted({row["scope"] for row in rows} | {SHARED})
        with self.engine.begin() as conn:
            if postgres:
                conn.execute(text("SET LOCAL lock_timeout = '2s'"))
            query = select(stamps_table.c.scope, stamps_table.c.value).where(stamps_table.c.scope.in_(scopes))
            current = dict.fromkeys(scopes, "")
            current.update(dict(conn.execute(query.with_for_update(read=True) if postgres else query).all()))
            holding = [
                r for r in rows if current[r["scope"]] == r["scope_stamp"] and current[SHARED] == r["shared_stamp"]
            ]
            if holding:
                conn.execute(stmt, holding)

    def start_batch(self) -> None:
        """Keep puts and write them 500 at a time (rendering every page from the command line)."""
        self._batch = []

    def flush(self) -> None:
        rows, self._batch = self._batch or [], ([] if self._batch is not None else None)
        if rows:
            self._write(rows)

    def drop(self, scopes: list[str]) -> None:
        """Nothing to do after commit: the rows went in the change's own transaction (move_stamps)."""

    def count(self, scope: str) -> int:
        rows = _raw(self.engine, "SELECT COUNT(*) FROM public_pages WHERE scope = ?", (scope,))
        return int(rows[0][0])


class RedisStore:
    """Answers in Redis (shared by machines that share it); the stamps stay in the database, in the transaction."""

    def __init__(self, engine: Any, url: str, prefix: str = "casefiles:public:") -> None:
        from redis import Redis

        self.engine = engine
        self.client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        self.prefix = prefix

    def _page(self, key: str) -> str:
        return f"{self.prefix}page:{key}"

    def _members(self, scope: str) -> str:
        return f"{self.prefix}scope:{scope}"

    def get(self, key: str) -> tuple[Entry, dict[str, str]] | None:
        data = self.client.get(self._page(key))
        if data is None:
            return None
        entry = Entry.decode(data)
        return entry, read_stamps(self.engine, entry.scope)

    def put(self, key: str, entry: Entry) -> None:
        pipe = self.client.pipeline()
        pipe.set(self._page(key), entry.encode(), ex=REDIS_TTL)
        pipe.sadd(self._members(entry.scope), key)
        pipe.expire(self._members(entry.scope), REDIS_TTL)
        pipe.execute()
        # A change that committed while this answer was being rendered: its drop may have run before the answer
        # arrived, so look again and take it back (a later change drops it itself).
        if not entry.holds(read_stamps(self.engine, entry.scope)):
            self.client.delete(self._page(key))

    def drop(self, scopes: list[str]) -> None:
        """After the change commits: the answers of the changed cases (and the lists) leave Redis."""
        for scope in scopes:
            if scope == SHARED:
                continue
            members = self._members(scope)
            keys = [k.decode() for k in self.client.smembers(members)]
            pipe = self.client.pipeline()
            for key in keys:
                pipe.delete(self._page(key))
            pipe.delete(members)
            pipe.execute()

    def count(self, scope: str) -> int:
        return sum(1 for k in self.client.smembers(self._members(scope)) if self.client.exists(self._page(k.decode())))


def store_for(app: Any) -> DatabaseStore | RedisStore:
    """The application's store, built once (it needs the engine): Redis when REDIS_URL is set, else the database."""
    store = app.extensions.get("public_store")
    if store is None:
        with app.app_context():
            from casefiles.extensions import db

            engine = db.engine
        url = app.config.get("REDIS_URL")
        store = RedisStore(engine, url) if url else DatabaseStore(engine)
        app.extensions["public_store"] = store
        if isinstance(store, RedisStore):
            _COMMIT_LISTENERS.add(store)
    return store


def case_marker(slug: str) -> str | None:
    """The cache marker of a case's answers: its scope and the stamps read *before* its data (a change landing
    while it renders leaves the answer marked with the older stamp: it will simply be rendered again)."""
    from casefiles.cases.models import Case
    from casefiles.extensions import db

    if not slug or len(slug) > 80:
        return None
    case_id = db.session.scalar(select(Case.id).where(Case.public_slug == slug))
    if case_id is None:
        return None
    scope = case_scope(case_id)
    # Through the request's own session: on SQLite the stamps then come from the same snapshot as the data.
    stamps = dict.fromkeys((scope, SHARED), "")
    rows = db.session.execute(
        text("SELECT scope, value FROM public_stamps WHERE scope IN (:scope, :shared)"),
        {"scope": scope, "shared": SHARED},
    ).all()
    stamps.update({row[0]: row[1] for row in rows})
    return f"{scope} {stamps[scope] or '-'} {stamps[SHARED] or '-'}"


def parse_marker(value: str, stamps: dict[str, str]) -> tuple[str, str, str]:
    """(scope, scope stamp, shared stamp) from a view's marker; "1" means the "all" scope read by the edge."""
    parts = value.split()
    if len(parts) == 3 and parts[0].startswith("case:"):
        return parts[0], parts[1].replace("-", ""), parts[2].replace("-", "")
    return ALL, stamps.get(ALL, ""), stamps.get(SHARED, "")
