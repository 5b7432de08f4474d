"""Duplicate finding at scale: find_possible_duplicates beside a primary-key read of the same run.

Loads N fictional cases (one person each, with an email and a phone, a sanction dated at one of 200 institutions;
bulk inserts with the match keys the model would keep), then times, interleaved round by round so the machine's
load falls on all alike:

  the floor: reading one case by its primary key;
  the finder with a name written another way (order, accents, case), an email, a phone, an institution and a
  date, as the new-case page and the intake queue ask it;
  for contrast, the scan the keys avoid: every person's name folded in Python and compared.

It prints p50/p95 in milliseconds and the ratio of each p95 to the floor's.

    python bench/bench_duplicates.py                      # SQLite, 50,000 cases
    python bench/bench_duplicates.py --cases 5000 --rounds 50
    python bench/bench_duplicates.py --database-url postgresql+psycopg://postgres@localhost/cf_bench_dup
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from casefiles import create_app  # noqa: E402
from casefiles.cases.duplicates import find_possible_duplicates  # noqa: E402
from casefiles.cases.models import Case, Sanction  # noqa: E402
from casefiles.extensions import db  # noqa: E402
from casefiles.institutions.models import Institution  # noqa: E402
from casefiles.people import matching  # noqa: E402
from casefiles.people.models import Person  # noqa: E402

GIVEN = ["Zoé", "Léa", "Émile", "Samuel", "Chloé", "Noah", "Jeanne-Marie", "Olivier", "Amélie", "Karim", "Ana"]
FAMILY = ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Lefèvre", "Nguyen", "Haddad", "Martin"]


def _fresh_postgres(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def load(cases: int) -> list[dict]:
    """Bulk rows: institutions, cases, people (with their keys), sanctions. Returns each case's person."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    db.session.execute(
        Institution.__table__.insert(),
        [
            {
                "id": i,
                "name": f"Institution {i}",
                "name_key": f"institution {i}",
                "kind": "university",
                "region": "",
                "country": "",
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(1, 201)
        ],
    )
    people = []
    for start in range(1, cases + 1, 5000):
        ids = range(start, min(cases, start + 4999) + 1)
        case_rows, person_rows, sanction_rows = [], [], []
        for i in ids:
            name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}-{i}"
            email, phone = f"person{i}@example.org", f"+1 514 {i // 10000 % 1000:03d}-{i % 10000:04d}"
            day = date(2020, 1, 1) + timedelta(days=rng.randrange(1800))
            institution = rng.randrange(1, 201)
            case_rows.append(
                {
                    "id": i,
                    "title": f"Case {i}",
                    "status": "active",
                    "outcome": "ongoing",
                    "priority": "normal",
                    "institution_id": institution,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            person_rows.append(
                {
                    "id": i,
                    "case_id": i,
                    "legal_name": name,
                    "contact_email": email,
                    "contact_phone": phone,
                    "name_key": matching.name_key(name),
                    "email_key": matching.email_key(email),
                    "phone_key": matching.phone_key(phone),
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            sanction_rows.append(
                {
                    "id": i,
                    "case_id": i,
                    "type": "suspension",
                    "date": day,
                    "institution_id": institution,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            people.append({"name": name, "email": email, "phone": phone, "institution": institution, "day": day})
        db.session.execute(Case.__table__.insert(), case_rows)
        db.session.execute(Person.__table__.insert(), person_rows)
        db.session.execute(Sanction.__table__.insert(), sanction_rows)
    db.session.commit()
    with db.engine.connect() as conn:  # statistics, as a running database keeps them (autovacuum, ANALYZE)
        conn.execute(text("ANALYZE"))
        conn.commit()
    return people


def _other_way(name: str) -> str:
    """The same name as someone else would type it: family name first, no accents, other case."""
    given, family = name.split(" ", 1)
    return f"{family.upper()}, {matching.name_key(given)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--scan-rounds", type=int, default=5, help="rounds of the slow contrast (a full scan)")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'dup.db'}"
        if url.startswith("postgresql"):
            _fresh_postgres(url)
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_STORAGE": tmp})
        with app.app_context(), app.test_request_context():
            db.create_all()
            started = time.perf_counter()
            people = load(args.cases)
            print(f"{db.engine.dialect.name}: loaded {args.cases:,} cases in {time.perf_counter() - started:.1f} s")
            rng = random.Random(11)
            timings: dict[str, list[float]] = {"floor: case by primary key": [], "find_possible_duplicates": []}
            found_all = True
            for _ in range(args.rounds):
                index = rng.randrange(len(people))
                person = people[index]
                db.session.expire_all()
                t0 = time.perf_counter()
                db.session.execute(select(Case).where(Case.id == index + 1)).scalar_one()
                timings["floor: case by primary key"].append(time.perf_counter() - t0)
                db.session.expire_all()
                t0 = time.perf_counter()
                matches = find_possible_duplicates(
                    name=_other_way(person["name"]),
                    email=person["email"].upper(),
                    phone=person["phone"].replace(" ", ""),
                    institution_id=person["institution"],
                    when=person["day"] + timedelta(days=3),
                )
                timings["find_possible_duplicates"].append(time.perf_counter() - t0)
                found_all = found_all and any(m.case.id == index + 1 for m in matches)
            scan = []
            for _ in range(args.scan_rounds):
                wanted = matching.name_key(_other_way(people[rng.randrange(len(people))]["name"]))
                t0 = time.perf_counter()
                [
                    pid
                    for pid, name in db.session.execute(select(Person.id, Person.legal_name))
                    if matching.name_key(name) == wanted
                ]
                scan.append(time.perf_counter() - t0)
            timings["contrast: scan every name"] = scan
            floor = statistics.quantiles(timings["floor: case by primary key"], n=20)[18]
            print(f"{'what':32} {'p50 ms':>8} {'p95 ms':>8} {'p95 / floor':>12}")
            for label, values in timings.items():
                p50 = statistics.median(values)
                p95 = statistics.quantiles(values, n=20)[18] if len(values) >= 2 else values[0]
                print(f"{label:32} {p50 * 1000:8.2f} {p95 * 1000:8.2f} {p95 / floor:12.1f}")
            print(f"every person was found by the finder: {found_all}")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
