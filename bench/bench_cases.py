"""Case list and case page speed at scale: 100,000 fictional cases and 1,000,000 timeline events in SQLite.

The rows are bulk-inserted (SQLAlchemy Core executemany, bypassing the services) but are the rows the services
would write: cases, people, institutions, sanctions with their appeal-deadline tasks, events, tags, assignments,
the case_search_tokens inverted index (same words as casefiles.cases.services.reindex_case) and one audit entry
per case. Then, in-process with the Flask test client signed in as staff, it times N requests of each page and
prints p50/p95 in milliseconds, with a baseline (a page rendering a static template in the same layout) measured
in the same run and the ratio to it. Target: p95 < 100 ms for every page.

    python bench/bench_cases.py                       # 100,000 cases, 1,000,000 events, 50 requests each
    python bench/bench_cases.py --cases 5000 --events 50000 --requests 20   # a quick look
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import render_template_string  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from casefiles import create_app  # noqa: E402
from casefiles.audit.models import AuditEntry  # noqa: E402
from casefiles.auth.models import User  # noqa: E402
from casefiles.auth.passwords import hash_password  # noqa: E402
from casefiles.authz import public  # noqa: E402
from casefiles.cases.models import (  # noqa: E402
    Case,
    CaseSearchToken,
    Event,
    Sanction,
    Tag,
    Task,
    case_assignments,
    case_tags,
)
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
from casefiles.institutions.models import Institution, institution_key  # noqa: E402
from casefiles.people.models import Person  # noqa: E402
from casefiles.search import tokens  # noqa: E402

PASSWORD = "bench password not secret 42"
BATCH = 20_000
FIRST = "Alexis Camille Dominique Sacha Morgan Jordan Noa Charlie Maxime Élise Inès Théo Léa Hugo Amira Kofi Mei Ravi Zoé Yara Nadia Omar Jules Iris".split()  # noqa: E501
LAST = "Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier Dubé Poirier Fournier Lapointe Leclerc Lefebvre Poulin Smith Brown Wilson Martin Taylor Campbell Anderson Nguyen Singh Okafor".split()  # noqa: E501
WORDS = "speech post tweet lecture op-ed poem article interview protest petition vigil sermon podcast video thread letter statement classroom clinic hospital campus council union board hearing appeal counsel reinstatement suspension discipline complaint investigation tribunal regulator licence review grievance settlement apology media coverage solidarity students patients colleagues freedom expression opinion criticism policy government minister mayor health climate housing war peace language religion gender".split()  # noqa: E501
REGIONS = (
    "Québec Ontario Alberta Manitoba Saskatchewan Nova-Scotia New-Brunswick British-Columbia Yukon Nunavut".split()  # noqa: E501
)
TAG_NAMES = [f"tag-{w}" for w in WORDS[:50]]


class Loader:
    """Rows per table, completed with the model defaults as the ORM would, inserted in batches with the driver's
    executemany (the column types' own bind processors convert dates, booleans and JSON exactly as Core does)."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.pending: dict[Any, list[tuple]] = {}
        self.layout: dict[Any, tuple[list[str], dict[str, Any], list[Any], str]] = {}
        self.counts: dict[str, int] = {}

    def _layout(self, table: Any) -> tuple[list[str], dict[str, Any], list[Any], str]:
        if table not in self.layout:
            dialect = db.session.get_bind().dialect
            names, template, processors = [], {}, []
            for column in table.columns:
                names.append(column.name)
                default = column.default
                if default is None:
                    template[column.name] = None
                elif default.is_callable:
                    fn = default.arg
                    template[column.name] = self.now if "utcnow" in getattr(fn, "__name__", "") else fn(None)
                elif default.is_scalar:
                    template[column.name] = default.arg
                processors.append(column.type.dialect_impl(dialect).bind_processor(dialect))
            columns = ", ".join(f'"{n}"' for n in names)
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
            if rows:
                connection.exec_driver_sql(self.layout[t][3], rows)
                self.counts[t.name] = self.counts.get(t.name, 0) + len(rows)
                self.pending[t] = []


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
        speech_day, speech_precision = _partial(rng, start, 3000)
        archived = created + timedelta(days=30) if rng.random() < 0.05 else None
        loader.add(
            Case.__table__,
            {"id": case_id, "title": title, "status": rng.choice(statuses), "outcome": rng.choice(outcomes),
             "priority": rng.choice([p.value for p in Priority]), "institution_id": inst_id,
             "speech_text": speech, "speech_platform": rng.choice(["X", "Facebook", "Blog", "Classroom", "Radio"]),
             "speech_date": speech_day, "speech_date_precision": speech_precision, "public_summary": summary,
             "private_notes": notes, "created_at": created, "updated_at": created, "archived_at": archived,
             "created_by_id": staff.id, "version": 1},
        )  # fmt: skip
        names = []
        for position in range(1 if rng.random() < 0.9 else rng.randint(2, 11)):
            person_id += 1
            legal_name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            names.append(legal_name)
            loader.add(
                Person.__table__,
                {"id": person_id, "case_id": case_id, "position": position, "legal_name": legal_name,
                 "name_consent": rng.choice([c.value for c in NameConsent]), "category": rng.choice(categories),
                 "contact_email": f"person{person_id}@example.org", "created_at": created, "updated_at": created},
            )  # fmt: skip
        sanction_id += 1
        s_day, s_precision = _partial(rng, start, 3000)
        deadline = s_day + timedelta(days=30) if rng.random() < 0.5 else None
        loader.add(
            Sanction.__table__,
            {"id": sanction_id, "case_id": case_id, "type": rng.choice([t.value for t in SanctionType]),
             "imposed_by": inst_name, "date": s_day, "date_precision": s_precision, "appeal_deadline": deadline,
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
        words = tokens(title, None, speech, "", summary, notes, inst_name, " ".join(sorted(tag_names)), *names)
        for word in sorted(words):
            loader.add(CaseSearchToken.__table__, {"token": word, "case_id": case_id})
        loader.add(
            AuditEntry.__table__,
            {"id": case_id, "created_at": created, "actor_id": staff.id, "action": "case.create", "object_type": "case",
             "object_id": case_id, "case_id": case_id, "case_version": 1, "summary": title,
             "changes": {"title": [None, title]}},
        )  # fmt: skip
    loader.flush()
    db.session.commit()
    return {"ten_event_case": ten_event_case or 1, "counts": loader.counts}


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def time_requests(client: Any, url: str, n: int) -> tuple[float, float, float, float]:
    """Wall-clock p50/p95 and CPU-time p50/p95 (ms) of n requests; CPU time is what this process spent,
    unaffected by other programs competing for the cores (wall time is what a user waits)."""
    for _ in range(3):  # warm caches, as a running server would be
        assert client.get(url).status_code == 200, url
    wall, cpu = [], []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(wall), _percentile(wall, 0.95), statistics.median(cpu), _percentile(cpu, 0.95)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--db", help="SQLite file to create (default: a temporary file, removed afterwards)")
    parser.add_argument("--reuse", action="store_true", help="time an existing --db file without reloading it")
    args = parser.parse_args()

    folder = tempfile.TemporaryDirectory(prefix="casefiles-bench-")
    path = Path(args.db).resolve() if args.db else Path(folder.name) / "bench.db"
    reuse = args.reuse and path.exists()
    if path.exists() and not reuse:
        path.unlink()
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "INSTANCE_STORAGE": folder.name})

    @public
    def baseline() -> str:
        return render_template_string('{% extends "base.html" %}{% block content %}<p>Baseline</p>{% endblock %}')

    app.add_url_rule("/bench/baseline", "bench_baseline", baseline)

    with app.app_context():
        db.create_all()
        t0 = time.perf_counter()
        if reuse:
            for table in db.metadata.sorted_tables:  # indexes added to the models since the file was loaded
                for index in table.indexes:
                    index.create(db.engine, checkfirst=True)
            ten = db.session.scalar(
                select(Event.case_id).group_by(Event.case_id).having(func.count() == 10).order_by(Event.case_id)
            )
            info = {"ten_event_case": ten or 1, "counts": {}}
        else:
            info = load(args.cases, args.events)
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
        load_s = time.perf_counter() - t0
        counts = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}
        counts = {k: v for k, v in counts.items() if v}
        verb = "Reused" if reuse else "Loaded"
        print(f"{verb} in {load_s:.1f} s: " + ", ".join(f"{k}={v:,}" for k, v in sorted(counts.items())))
        size_mb = path.stat().st_size / 1e6
        n_events = db.session.scalar(select(func.count()).where(Event.case_id == info["ten_event_case"]))
        print(f"Database file: {size_mb:.0f} MB; case page uses case {info['ten_event_case']} ({n_events} events)")

        client = app.test_client()
        response = client.post("/login", data={"email": "staff@bench.example", "password": PASSWORD})
        assert response.status_code == 302, "login failed"
        pages = [
            ("baseline (static template, same layout)", "/bench/baseline"),
            ("case list, first page", "/staff/cases"),
            ("case list, filtered (status + category)", "/staff/cases?status=active&category=nurse"),
            ("case list, searched (name + notes word)", "/staff/cases?q=tremblay+reinstatement"),
            ("case list, searched (one name)", "/staff/cases?q=gagnon"),
            ("one case page (~10 events)", f"/staff/cases/{info['ten_event_case']}"),
        ]
        print(f"load average before timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        header = f"{'page':42} {'p50 ms':>7} {'p95 ms':>7} {'p95/base':>8}   {'CPU p50':>7} {'CPU p95':>7} {'/base':>6}"
        print(f"\n{header}   (target p95 < 100 ms)")
        base = None
        worst = worst_cpu = 0.0
        for label, url in pages:
            try:
                p50, p95, c50, c95 = time_requests(client, url, args.requests)
            except Exception as error:  # noqa: BLE001 - report the page as failing, time the others
                print(f"{label:42} FAILED: {type(error).__name__}: {str(error)[:200]}")
                worst = float("inf")
                continue
            if base is None:
                base = (p95, c95)
            else:
                worst, worst_cpu = max(worst, p95), max(worst_cpu, c95)
            flag = "" if p95 < 100 else "  MISSES TARGET (wall)"
            print(
                f"{label:42} {p50:7.1f} {p95:7.1f} {p95 / base[0]:7.1f}x   "
                f"{c50:7.1f} {c95:7.1f} {c95 / base[1]:5.1f}x{flag}"
            )
        db.session.remove()
        db.engine.dispose()
    folder.cleanup()
    print(f"\nWorst p95: {worst:.1f} ms wall, {worst_cpu:.1f} ms CPU (target 100 ms)")
    return 0 if worst < 100 else 1


if __name__ == "__main__":
    sys.exit(main())
