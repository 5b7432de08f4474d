"""Case list and case page speed at scale, over HTTP through gunicorn, on SQLite or PostgreSQL.

Loads 100,000 fictional cases and 1,000,000 timeline events (bulk: the driver's executemany on SQLite, COPY on
PostgreSQL, bypassing the services) with the rows the services would write: cases, people, institutions,
sanctions with their appeal-deadline tasks, events, tags, assignments, one full-text search entry per case (the
same body and terms as casefiles.cases.indexing) and one audit entry per case. Then it starts gunicorn (2 sync
workers) on that database, signs in as staff and times, interleaved (one request of each page per round, so
the load of the machine falls on all of them alike), N requests of each page:

  a tiny page of the same server (the base layout around one word: the floor), the case list's first page, a
  filter (status + category), two searches (one name; a name and a word of the notes), page 2,000 of the list
  and one case page (about ten events).

It prints p50/p95 in milliseconds and the p95 ratio to the tiny page. Target: p95 < 100 ms for every page.

    python bench/bench_cases.py                                   # SQLite, 100,000 cases, 1,000,000 events
    python bench/bench_cases.py --database-url postgresql+psycopg://postgres@localhost/cf_bench
    python bench/bench_cases.py --cases 5000 --events 50000 --requests 20   # a quick look
    python bench/bench_cases.py --database-url ... --reuse        # time an already loaded database again

A PostgreSQL database is created if missing; one that already holds tables is emptied only with --reset (or
timed as it is with --reuse). The SQLite file is temporary unless --db names one.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import JSON, create_engine, func, inspect, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from casefiles import create_app  # noqa: E402
from casefiles.audit.models import AuditEntry  # noqa: E402
from casefiles.auth.models import User  # noqa: E402
from casefiles.auth.passwords import hash_password  # noqa: E402
from casefiles.cases.models import Case, Event, Sanction, Tag, Task, case_assignments, case_tags  # noqa: E402
from casefiles.enums import (  # noqa: E402
    CaseStatus,
    EventKind,
    InstitutionKind,
    NameConsent,
    Outcome,
    PersonCategory,
    Priority,
    SanctionType,
)
from casefiles.extensions import db  # noqa: E402
from casefiles.fulltext.models import SearchEntry  # noqa: E402
from casefiles.fulltext.terms import index_terms  # noqa: E402
from casefiles.institutions.models import Institution, institution_key  # noqa: E402
from casefiles.people import matching  # noqa: E402
from casefiles.people.models import Person  # noqa: E402

PASSWORD = "bench password not secret 42"
BATCH = 20_000
FIRST = "Alexis Camille Dominique Sacha Morgan Jordan Noa Charlie Maxime Élise Inès Théo Léa Hugo Amira Kofi Mei Ravi Zoé Yara Nadia Omar Jules Iris".split()  # noqa: E501
LAST = "Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier Dubé Poirier Fournier Lapointe Leclerc Lefebvre Poulin Smith Brown Wilson Martin Taylor Campbell Anderson Nguyen Singh Okafor".split()  # noqa: E501
WORDS = "speech post tweet lecture op-ed poem article interview protest petition vigil sermon podcast video thread letter statement classroom clinic hospital campus council union board hearing appeal counsel reinstatement suspension discipline complaint investigation tribunal regulator licence review grievance settlement apology media coverage solidarity students patients colleagues freedom expression opinion criticism policy government minister mayor health climate housing war peace language religion gender".split()  # noqa: E501
REGIONS = (
    "Québec Ontario Alberta Manitoba Saskatchewan Nova-Scotia New-Brunswick British-Columbia Yukon Nunavut".split()  # noqa: E501
)
TAG_NAMES = [f"tag-{w}" for w in WORDS[:50]]

# The server the timings go through: the app itself, plus one tiny page rendered in the same layout (the floor).
BENCH_WSGI = """
from flask import render_template_string
from wsgi import app
from casefiles.authz import public


@public
def tiny():
    return render_template_string('{% extends "base.html" %}{% block content %}<p>Tiny</p>{% endblock %}')


app.add_url_rule("/bench/tiny", "bench_tiny", tiny)
"""


class Loader:
    """Rows per table, completed with the model defaults as the ORM would, inserted in batches: SQLite through
    the driver's executemany (the column types' own bind processors convert dates, booleans and JSON exactly as
    Core does), PostgreSQL through COPY (psycopg adapts the Python values; JSON is wrapped)."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.pending: dict[Any, list[tuple]] = {}
        self.layout: dict[Any, tuple[list[str], dict[str, Any], list[Any], str]] = {}
        self.counts: dict[str, int] = {}
        self.postgresql = db.session.get_bind().dialect.name == "postgresql"

    def _layout(self, table: Any) -> tuple[list[str], dict[str, Any], list[Any], str]:
        if table not in self.layout:
            dialect = db.session.get_bind().dialect
            names, template, processors = [], {}, []
            for column in table.columns:
                if column.name == "vector":  # the full-text trigger of PostgreSQL fills it
                    continue
                names.append(column.name)
                default = column.default
                if default is None:
                    template[column.name] = None
                elif default.is_callable:
                    fn = default.arg
                    template[column.name] = self.now if "utcnow" in getattr(fn, "__name__", "") else fn(None)
                elif default.is_scalar:
                    template[column.name] = default.arg
                if self.postgresql:
                    processors.append(_json if isinstance(column.type, JSON) else None)
                else:
                    processors.append(column.type.dialect_impl(dialect).bind_processor(dialect))
            columns = ", ".join(f'"{n}"' for n in names)
            if self.postgresql:
                sql = f'COPY "{table.name}" ({columns}) FROM STDIN'
            else:
                sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({", ".join("?" for _ in names)})'  # noqa: S608 - names from the models
            self.layout[table] = (names, template, processors, sql)
        return self.layout[table]

    def add(self, table: Any, row: dict[str, Any]) -> None:
        names, template, processors, _sql = self._layout(table)
        full = {**template, **row}
        values = tuple(
            proc(full[n]) if proc is not None and full[n] is not None else full[n]
            for n, proc in zip(names, processors, strict=True)
        )
        rows = self.pending.setdefault(table, [])
        rows.append(values)
        if len(rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Insert everything pending, parents before children (foreign keys are enforced)."""
        connection = db.session.connection()
        for t in db.metadata.sorted_tables:
            rows = self.pending.get(t)
            if not rows:
                continue
            if self.postgresql:
                with connection.connection.driver_connection.cursor() as cursor, cursor.copy(self.layout[t][3]) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                connection.exec_driver_sql(self.layout[t][3], rows)
            self.counts[t.name] = self.counts.get(t.name, 0) + len(rows)
            self.pending[t] = []


def _json(value: Any) -> Any:
    from psycopg.types.json import Json

    return Json(value)


def _partial(rng: random.Random, start: date, span_days: int) -> tuple[date, str]:
    day = start + timedelta(days=rng.randrange(span_days))
    precision = rng.choices(["day", "month", "year"], weights=[8, 3, 1])[0]
    if precision == "month":
        day = day.replace(day=1)
    elif precision == "year":
        day = day.replace(month=1, day=1)
    return day, precision


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def load(n_cases: int, n_events: int, seed: int = 7) -> dict[str, Any]:
    """Bulk-load the fictional data set; returns what the timings need (a case with about ten events...)."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    loader = Loader(now)
    statuses = [s.value for s in CaseStatus]
    outcomes = [o.value for o in Outcome]
    categories = [c.value for c in PersonCategory]

    password_hash = hash_password(PASSWORD)
    staff = User(email="staff@bench.example", name="Bench Staff", password_hash=password_hash, role_value="staff")
    staff.session_token = "bench-token"
    db.session.add(staff)
    volunteers = []
    for i in range(200):
        v = User(email=f"volunteer{i}@bench.example", name=f"Volunteer {i}", password_hash=password_hash)
        v.session_token = f"bench-token-{i}"
        volunteers.append(v)
    db.session.add_all(volunteers)
    db.session.flush()
    volunteer_ids = [v.id for v in volunteers]

    institutions = []
    kinds = [k.value for k in InstitutionKind]
    for i in range(2000):
        name = f"{rng.choice(['Université', 'Collège', 'Hôpital', 'Conseil scolaire', 'Ordre', 'Ministère'])} {rng.choice(LAST)} {i}"  # noqa: E501
        institutions.append((i + 1, name, rng.choice(REGIONS)))
        loader.add(
            Institution.__table__,
            {"id": i + 1, "name": name, "name_key": institution_key(name), "kind": rng.choice(kinds),
             "region": institutions[-1][2], "country": "Canada"},
        )  # fmt: skip
    for i, name in enumerate(TAG_NAMES):
        loader.add(Tag.__table__, {"id": i + 1, "name": name})
    loader.flush()

    events_left = n_events
    person_id = sanction_id = task_id = event_id = 0
    ten_event_case = None
    start = date(2015, 1, 1)
    for case_id in range(1, n_cases + 1):
        created = now - timedelta(minutes=rng.randrange(60 * 24 * 365 * 8))
        inst_id, inst_name, _region = rng.choice(institutions)
        title = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {rng.choice(WORDS)} case {case_id}"
        speech = _text(rng, 12)
        summary = _text(rng, 25)
        notes = _text(rng, 30)
        platform = rng.choice(["X", "Facebook", "Blog", "Classroom", "Radio"])
        speech_day, speech_precision = _partial(rng, start, 3000)
        archived = created + timedelta(days=30) if rng.random() < 0.05 else None
        loader.add(
            Case.__table__,
            {"id": case_id, "title": title, "status": rng.choice(statuses), "outcome": rng.choice(outcomes),
             "priority": rng.choice([p.value for p in Priority]), "institution_id": inst_id,
             "speech_text": speech, "speech_platform": platform,
             "speech_date": speech_day, "speech_date_precision": speech_precision, "public_summary": summary,
             "private_notes": notes, "created_at": created, "updated_at": created, "archived_at": archived,
             "created_by_id": staff.id, "version": 1},
        )  # fmt: skip
        names = []
        for position in range(1 if rng.random() < 0.9 else rng.randint(2, 11)):
            person_id += 1
            legal_name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            email = f"person{person_id}@example.org"
            names.append(legal_name)
            loader.add(
                Person.__table__,
                {"id": person_id, "case_id": case_id, "position": position, "legal_name": legal_name,
                 "name_consent": rng.choice([c.value for c in NameConsent]), "category": rng.choice(categories),
                 "contact_email": email, "created_at": created, "updated_at": created,
                 "name_key": matching.name_key(legal_name), "email_key": matching.email_key(email)},
            )  # fmt: skip
        sanction_id += 1
        s_day, s_precision = _partial(rng, start, 3000)
        deadline = s_day + timedelta(days=30) if rng.random() < 0.5 else None
        loader.add(
            Sanction.__table__,
            {"id": sanction_id, "case_id": case_id, "type": rng.choice([t.value for t in SanctionType]),
             "imposed_by": inst_name, "institution_id": inst_id, "date": s_day, "date_precision": s_precision,
             "appeal_deadline": deadline,
             "created_at": created, "updated_at": created},
        )  # fmt: skip
        if deadline:
            task_id += 1
            loader.add(
                Task.__table__,
                {"id": task_id, "case_id": case_id, "title": "Appeal deadline", "due_date": deadline,
                 "done": deadline < now.date(), "sanction_id": sanction_id, "created_at": created,
                 "updated_at": created},
            )  # fmt: skip
        tag_names = rng.sample(TAG_NAMES, rng.randint(0, 3))
        for name in tag_names:
            loader.add(case_tags, {"case_id": case_id, "tag_id": TAG_NAMES.index(name) + 1})
        if rng.random() < 0.7:
            loader.add(case_assignments, {"case_id": case_id, "user_id": rng.choice(volunteer_ids)})
        remaining_cases = n_cases - case_id + 1
        mean = events_left / remaining_cases
        n = events_left if remaining_cases == 1 else min(events_left, max(0, round(rng.uniform(0, 2 * mean))))
        if n == 10 and ten_event_case is None:
            ten_event_case = case_id
        for _ in range(n):
            event_id += 1
            e_day, e_precision = _partial(rng, start, 3600)
            loader.add(
                Event.__table__,
                {"id": event_id, "case_id": case_id, "kind": rng.choice([k.value for k in EventKind]),
                 "date": e_day, "date_precision": e_precision, "title": _text(rng, 4)[:200],
                 "is_public": rng.random() < 0.3, "created_at": created, "updated_at": created},
            )  # fmt: skip
        events_left -= n
        # The case's own full-text entry: its searchable fields and its people's names (casefiles.cases.indexing).
        body = "\n".join([title, speech, platform, summary, notes, *names, f"CF-{case_id:05d}"])
        loader.add(SearchEntry.__table__, {"id": case_id, "case_id": case_id, "body": body, "terms": index_terms(body)})
        loader.add(
            AuditEntry.__table__,
            {"id": case_id, "created_at": created, "actor_id": staff.id, "action": "case.create", "object_type": "case",
             "object_id": case_id, "case_id": case_id, "case_version": 1, "summary": title,
             "changes": {"title": [None, title]}},
        )  # fmt: skip
    loader.flush()
    if loader.postgresql:  # rows were written with their ids: move each sequence past them
        for table in db.metadata.sorted_tables:
            if "id" in table.columns and table.columns["id"].autoincrement in (True, "auto"):
                sql = f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), max(id)) FROM \"{table.name}\""  # noqa: S608 - names from the models
                db.session.execute(text(sql))
    db.session.commit()
    return {"ten_event_case": ten_event_case or 1, "counts": loader.counts}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_postgresql(url: str, reset: bool, reuse: bool) -> bool:
    """Create the database if missing; True when it already holds the data set (and --reuse asks for it)."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}):
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        tables = inspect(engine).get_table_names()
        if tables and reuse:
            return True
        if tables and not reset:
            raise SystemExit(f"{parsed.database} already holds tables: pass --reset to empty it, or --reuse")
        if tables:
            with engine.connect() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        return False
    finally:
        engine.dispose()


def _cpu_ns(pids: list[int]) -> int:
    """CPU time these processes have used (every thread), in nanoseconds, from /proc/<pid>/task/*/schedstat."""
    total = 0
    for pid in pids:
        for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
            try:
                total += int(stat.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue
    return total


def server_processes(master: int, url: str) -> list[int]:
    """The gunicorn workers and, on PostgreSQL, the database backends serving this database (same machine)."""
    pids = [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    if url.startswith("postgresql"):
        mine = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        engine = create_engine(url)
        with engine.connect() as conn:
            pids += list(conn.scalars(text(mine)))
        engine.dispose()
    return pids


def time_pages(
    base: str, pages: list[tuple[str, str]], n: int, master: int, url: str
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Sign in as staff, then request every page once per round, n rounds. Per page: the wall-clock milliseconds,
    and the CPU milliseconds the server spent on it (gunicorn workers, and PostgreSQL's backends), which the load
    of other programs on the machine does not inflate."""
    import requests

    session = requests.Session()
    form = session.get(f"{base}/login", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    response = session.post(
        f"{base}/login",
        data={"email": "staff@bench.example", "password": PASSWORD, "csrf_token": token.group(1) if token else ""},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, f"login failed: {response.status_code}"
    for _label, path in pages:  # warm each worker's caches, as a running server would be
        for _ in range(4):
            response = session.get(base + path, timeout=60)
            assert response.status_code == 200, (path, response.status_code)
    processes = server_processes(master, url)
    timings: dict[str, list[float]] = {label: [] for label, _path in pages}
    cpu: dict[str, list[float]] = {label: [] for label, _path in pages}
    for _ in range(n):
        for label, path in pages:
            c0 = _cpu_ns(processes)
            t0 = time.perf_counter()
            response = session.get(base + path, timeout=60)
            timings[label].append((time.perf_counter() - t0) * 1000)
            cpu[label].append((_cpu_ns(processes) - c0) / 1e6)
            assert response.status_code == 200, (path, response.status_code)
    return timings, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50, help="requests of each page (interleaved rounds)")
    parser.add_argument("--database-url", default="", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--db", help="SQLite file to create or reuse (instead of a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="time an already loaded database without reloading it")
    parser.add_argument("--reset", action="store_true", help="empty a PostgreSQL database that holds tables")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    folder = tempfile.TemporaryDirectory(prefix="casefiles-bench-")
    work = Path(folder.name)
    if args.database_url.startswith("postgresql"):
        url = args.database_url
        reuse = prepare_postgresql(url, args.reset, args.reuse)
    else:
        path = Path(args.db).resolve() if args.db else work / "bench.db"
        reuse = args.reuse and path.exists()
        if path.exists() and not reuse:
            path.unlink()
        url = args.database_url or f"sqlite:///{path}"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_STORAGE": str(work / "storage")})

    with app.app_context():
        db.create_all()
        t0 = time.perf_counter()
        if reuse:
            for table in db.metadata.sorted_tables:  # indexes added to the models since the data was loaded
                for index in table.indexes:
                    index.create(db.engine, checkfirst=True)
            db.session.commit()
            ten = db.session.scalar(
                select(Event.case_id).group_by(Event.case_id).having(func.count() == 10).order_by(Event.case_id)
            )
            info = {"ten_event_case": ten or 1}
        else:
            info = load(args.cases, args.events)
        dialect = db.engine.dialect.name
        db.session.remove()
        if dialect == "postgresql":  # fresh statistics and visibility map, as autovacuum would leave them
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        load_s = time.perf_counter() - t0
        counts = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}
        counts = {k: v for k, v in counts.items() if v}
        verb = "Reused" if reuse else "Loaded"
        print(f"{dialect}: {verb} in {load_s:.1f} s: " + ", ".join(f"{k}={v:,}" for k, v in sorted(counts.items())))
        n_events = db.session.scalar(select(func.count()).where(Event.case_id == info["ten_event_case"]))
        print(f"case page uses case {info['ten_event_case']} ({n_events} events)")
        db.session.remove()
        db.engine.dispose()

    (work / "bench_wsgi.py").write_text(BENCH_WSGI)
    port = _free_port()
    env = {
        **os.environ,
        "CASEFILES_ENV": "development",
        "DATABASE_URL": url,
        "CASEFILES_INSTANCE": str(work / "instance"),
        "PYTHONPATH": os.pathsep.join([str(work), str(ROOT)]),
    }
    command = [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "--log-level", "warning"]
    server = subprocess.Popen([*command, "-b", f"127.0.0.1:{port}", "bench_wsgi:app"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    pages = [
        ("tiny page, same server (floor)", "/bench/tiny"),
        ("case list, first page", "/staff/cases"),
        ("case list, filtered (status + category)", "/staff/cases?status=active&category=nurse"),
        ("case list, searched (one name)", "/staff/cases?q=gagnon"),
        ("case list, searched (name + notes word)", "/staff/cases?q=tremblay+reinstatement"),
        ("case list, page 2,000", "/staff/cases?page=2000"),
        ("one case page (~10 events)", f"/staff/cases/{info['ten_event_case']}"),
    ]
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        load_before = os.getloadavg()[0]
        timings, cpu = time_pages(base, pages, args.requests, server.pid, url)
    finally:
        server.terminate()
        server.wait(timeout=30)
        folder.cleanup()

    print(f"gunicorn -w {args.workers} (sync), {args.requests} requests of each page, interleaved; "
          f"load average before timing: {load_before:.1f} on {os.cpu_count()} cores (shared machine)")  # fmt: skip
    print(f"\n{'page':42} {'p50 ms':>7} {'p95 ms':>7} {'/floor':>7}   {'CPU p50':>7} {'CPU p95':>7} {'/floor':>7}")
    floor, floor_cpu = _percentile(timings[pages[0][0]], 0.95), _percentile(cpu[pages[0][0]], 0.95)
    worst = worst_cpu = 0.0
    for label, _url in pages:
        p50, p95 = statistics.median(timings[label]), _percentile(timings[label], 0.95)
        c50, c95 = statistics.median(cpu[label]), _percentile(cpu[label], 0.95)
        if label != pages[0][0]:
            worst, worst_cpu = max(worst, p95), max(worst_cpu, c95)
        flag = "" if p95 < 100 else "  (wall p95 over 100 ms)"
        wall = f"{p50:7.1f} {p95:7.1f} {p95 / floor:6.1f}x"
        print(f"{label:42} {wall}   {c50:7.1f} {c95:7.1f} {c95 / floor_cpu:6.1f}x{flag}")
    print("\nCPU: what the server spent on the request (gunicorn worker + PostgreSQL backends), from /proc schedstat.")
    print(f"Worst p95: {worst:.1f} ms wall, {worst_cpu:.1f} ms server CPU (target 100 ms)")
    return 0 if worst < 100 else 1


if __name__ == "__main__":
    sys.exit(main())
