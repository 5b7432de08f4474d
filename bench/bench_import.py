"""Import of 10,000 cases from CSV: wall time (target < 30 s) and peak memory (target < 300 MB).

Run:  python bench/bench_import.py [--rows 10000] [--database-url URL]
The import runs in a child process on a fresh database (SQLite in a temporary folder unless --database-url
names an empty PostgreSQL database); the child's peak resident memory comes from resource.getrusage.
A baseline measured in the same run (reading and validating the file only, no writes) puts the figures in context.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CATEGORIES = ["student", "nurse", "physician", "teacher", "professor", "journalist", "activist", "lawyer"]
SANCTIONS = ["suspension", "termination", "investigation", "reprimand", "expulsion", "censure"]
HEADER = [
    "external_ref",
    "person",
    "category",
    "institution",
    "region",
    "country",
    "speech",
    "sanction_type",
    "sanction_date",
    "status",
    "outcome",
    "public_summary",
    "private_notes",
    "published",
]


def make_csv(rows: int) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for n in range(rows):
        writer.writerow(
            [
                f"BENCH-{n:06d}",
                f"Personne fictive {n}",
                CATEGORIES[n % len(CATEGORIES)],
                f"Université fictive n° {n % 300}",
                "Québec",
                "Canada",
                "Une publication sur les réseaux sociaux au sujet d’une décision publique. " * 3,
                SANCTIONS[n % len(SANCTIONS)],
                ["2023", "2023-11", "2023-11-14"][n % 3],
                "active",
                "ongoing",
                "Résumé public fictif.",
                "Note privée fictive.",
                "no",
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def child(path: str, database_url: str, mode: str) -> None:
    """Runs in the child process: build the schema, import (or only preview), print JSON figures."""
    from casefiles import create_app
    from casefiles.extensions import db
    from casefiles.transfer.csv_import import import_cases, preview_cases

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        data = Path(path).read_bytes()
        started, cpu_started = time.perf_counter(), time.process_time()
        if mode == "import":
            report = import_cases(data, Path(path).name, actor=None)
            db.session.commit()
        else:
            report = preview_cases(data, Path(path).name)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({"seconds": elapsed, "cpu_seconds": cpu, "peak_mb": peak_kb / 1024, "counts": report.counts}))
        db.session.remove()
        db.drop_all()


def run_child(path: Path, database_url: str, mode: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, __file__, "--child", str(path), "--database-url", database_url, "--mode", mode],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--child", default="")
    parser.add_argument("--mode", default="import", choices=["import", "preview"])
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database_url, args.mode)
        return
    with tempfile.TemporaryDirectory(prefix="casefiles-bench-") as tmp:
        path = Path(tmp) / "cases.csv"
        path.write_bytes(make_csv(args.rows))
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        baseline = run_child(path, url, "preview")
        measured = run_child(path, url, "import")
    print(
        f"command: python bench/bench_import.py --rows {args.rows}"
        + (" --database-url URL" if args.database_url else "")
    )
    print(f"database: {url.split(':', 1)[0]}  rows: {args.rows:,}  file: {path.name}")
    print(f"baseline (read + validate only): {baseline['seconds']:.2f} s, peak {baseline['peak_mb']:.0f} MB")
    print(
        f"import: {measured['seconds']:.2f} s wall, {measured['cpu_seconds']:.2f} s CPU (target < 30 s), "
        f"peak memory {measured['peak_mb']:.0f} MB "
        f"(target < 300 MB); created {measured['counts']['create']:,}"
    )
    print(
        f"machine load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall time grows with load)"
    )
    print(
        f"ratio to baseline: time x{measured['seconds'] / max(baseline['seconds'], 1e-9):.1f}, "
        f"memory x{measured['peak_mb'] / max(baseline['peak_mb'], 1e-9):.2f}"
    )
    ok = measured["seconds"] < 30 and measured["peak_mb"] < 300
    print("targets met" if ok else "TARGETS MISSED")


if __name__ == "__main__":
    main()
