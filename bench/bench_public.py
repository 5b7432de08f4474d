"""Public pages fast cold, on every worker: 10,000 published cases in SQLite, gunicorn (2 workers), Debian's wrk.

Each scenario is measured beside a bare Flask endpoint rendering a static Jinja template of the same size (the
baseline), interleaved (baseline, then the app, in each of --rounds rounds), and reported as medians:
  - hot: one case page, over and over (the shared link everyone opens);
  - random after restart: a random page among the 10,000 published cases, right after the workers were restarted
    (SIGHUP to gunicorn: new workers, empty in-process caches), so every answer comes from the shared store the
    pages were rendered into when published (`flask public render-pages`, the same rendering publishing does);
  - unrelated cookie: the hot page with analytics and language cookies, which must not bypass the cache;
  - 304: the hot page with If-None-Match.
Targets: >= 0.5 of the baseline's requests/s (>= 0.9 for the 304), p99 latency under 100 ms at 50 connections.

    python bench/bench_public.py [--cases 10000] [--duration 10s] [--connections 50] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASELINE_APP = """
from flask import Flask, render_template
app = Flask(__name__, template_folder="templates")

@app.route("/static/<name>")
def static_page(name):
    return render_template(name + ".html")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(url: str, count: int) -> list[str]:
    """Create the schema and `count` published cases with people, public events and institutions."""
    from casefiles import create_app
    from casefiles.cases.models import Case, Event
    from casefiles.extensions import db
    from casefiles.institutions.models import Institution
    from casefiles.people.models import Person

    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random(6)
    regions = ["Québec", "Ontario", "Alberta", "British Columbia", "Manitoba", "Nova Scotia"]
    categories = ["student", "nurse", "physician", "teacher", "professor", "journalist", "lawyer"]
    outcomes = ["victory", "positive", "ongoing", "setback", "withdrawn"]
    consents = ["full_name", "initials", "pseudonym", "none"]
    now = datetime.now(UTC)
    slugs = []
    with app.app_context():
        db.create_all()
        db.session.execute(
            Institution.__table__.insert(),
            [
                {
                    "name": f"Institution {i}",
                    "name_key": f"institution {i}",
                    "kind": "university",
                    "region": regions[i % len(regions)],
                    "country": "Canada",
                }
                for i in range(1, 201)
            ],
        )
        summary = (
            "In November, she was suspended for a post about working conditions. **The post named no patient.** " * 6
        )
        cases, people, events = [], [], []
        for i in range(1, count + 1):
            slug = f"case{i:05d}{rng.randrange(16**6):06x}"
            slugs.append(slug)
            published = now - timedelta(minutes=i)
            cases.append(
                {
                    "id": i,
                    "title": f"Case {i}: {rng.choice(categories)} sanctioned for speech",
                    "status": "active",
                    "outcome": rng.choice(outcomes),
                    "priority": "normal",
                    "institution_id": rng.randint(1, 200),
                    "public_summary": summary,
                    "private_notes": "private",
                    "published": True,
                    "published_at": published,
                    "public_updated_at": published,
                    "public_slug": slug,
                }
            )
            people.append(
                {
                    "case_id": i,
                    "legal_name": f"Person Number{i}",
                    "name_consent": rng.choice(consents),
                    "pseudonym": f"Alias {i}",
                    "category": rng.choice(categories),
                }
            )
            year = rng.randint(2018, 2025)
            for n, title in enumerate(("Sanction imposed", "Appeal filed", "Hearing")):
                events.append(
                    {
                        "case_id": i,
                        "date": date(year, 1 + n, 10),
                        "date_precision": "month" if n == 0 else "day",
                        "title": title,
                        "description": "A public description of what happened at this step.",
                        "is_public": n < 2,
                        "kind": "other",
                    }
                )
        db.session.execute(Case.__table__.insert(), cases)
        db.session.execute(Person.__table__.insert(), people)
        db.session.execute(Event.__table__.insert(), events)
        db.session.commit()
    return slugs


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 - loopback http only
            return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def workers(master: subprocess.Popen) -> set[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master.pid)], capture_output=True, text=True).stdout
    return {int(pid) for pid in out.split()}


def restart_workers(master: subprocess.Popen, url: str) -> None:
    """SIGHUP: gunicorn starts new workers (empty in-process caches) and stops the old ones."""
    before = workers(master)
    master.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = workers(master)
        if len(now) == 2 and not (now & before):
            break
        time.sleep(0.1)
    else:
        raise RuntimeError("the workers did not restart")
    wait_for(url)


def wrk(
    url: str, duration: str, connections: int, headers: dict[str, str] | None = None, script: Path | None = None
) -> dict[str, float]:
    """Run wrk and read requests/s, p99 latency (ms) and non-2xx/3xx answers."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}", "--latency"]
    for key, value in (headers or {}).items():
        cmd += ["-H", f"{key}: {value}"]
    if script is not None:
        cmd += ["-s", str(script)]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    factor = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p99_ms": float(p99.group(1)) * factor, "errors": int(errors.group(1)) if errors else 0}


RANDOM_SCRIPT = """
local paths = {%s}
math.randomseed(%d)
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def main() -> int:  # noqa: PLR0915 - one measured run, start to end
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="bench-public-"))
    url = f"sqlite:///{work / 'bench.db'}"
    started = time.monotonic()
    slugs = seed(url, args.cases)
    print(f"seeded {args.cases:,} published cases in {time.monotonic() - started:.1f} s")

    env = {
        **os.environ,
        "CASEFILES_ENV": "development",
        "DATABASE_URL": url,
        "CASEFILES_INSTANCE": str(work / "instance"),
        "PYTHONPATH": str(ROOT),
    }
    app_port, base_port = free_port(), free_port()
    app_url = f"http://127.0.0.1:{app_port}"
    started = time.monotonic()
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "public", "render-pages", "--base-url", app_url + "/"]
    shards = [  # the two cores: two halves at once
        subprocess.Popen(
            [*flask, "--language", "en", "--shard", f"{k}/2"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        for k in (1, 2)
    ]
    said = [shard.communicate()[0].strip() for shard in shards]
    print(f"{' + '.join(said)} ({time.monotonic() - started:.1f} s)")
    common = [sys.executable, "-m", "gunicorn", "-w", "2", "--log-level", "warning"]
    servers = [subprocess.Popen([*common, "-b", f"127.0.0.1:{app_port}", "wsgi:app"], cwd=ROOT, env=env)]
    try:
        case_path = f"/en/cases/{slugs[len(slugs) // 2]}"
        wait_for(app_url + case_path)
        templates = work / "baseline" / "templates"
        templates.mkdir(parents=True)
        body = fetch(app_url + case_path)
        # The same bytes as a static template (braces escaped so Jinja sees no syntax).
        (templates / "case.html").write_bytes(body.replace(b"{", b"&#123;").replace(b"}", b"&#125;"))
        (work / "baseline" / "baseline_app.py").write_text(BASELINE_APP)
        servers.append(
            subprocess.Popen(
                [*common, "-b", f"127.0.0.1:{base_port}", "baseline_app:app"], cwd=work / "baseline", env=env
            )
        )
        base_url = f"http://127.0.0.1:{base_port}/static/case"
        wait_for(base_url)
        etag = urllib.request.urlopen(app_url + case_path).headers["ETag"]  # noqa: S310 - loopback http
        print(f"case page {len(body):,} bytes; baseline {len(fetch(base_url)):,} bytes")
        script = work / "random.lua"
        paths = ", ".join(f'"/en/cases/{slug}"' for slug in slugs)
        script.write_text(RANDOM_SCRIPT % (paths, 6))
        cookie = "_ga=GA1.2.1234567890.1700000000; theme=dark; consent=yes; lang=fr"
        scenarios = [
            # label, wrk options for the app, restart the workers first?, target
            ("hot page", {}, False, 0.5),
            (f"random page of {len(slugs):,}, after restart", {"script": script}, True, 0.5),
            ("page with an unrelated cookie", {"headers": {"Cookie": cookie}}, False, 0.5),
            ("304 (If-None-Match)", {"headers": {"If-None-Match": etag}}, False, 0.9),
        ]
        wrk(base_url, "2s", args.connections)  # warm up both servers
        wrk(app_url + case_path, "2s", args.connections)
        measured: dict[str, tuple[list, list]] = {label: ([], []) for label, *_ in scenarios}
        for _ in range(args.rounds):
            for label, options, restart, _target in scenarios:
                if restart:
                    restart_workers(servers[1], base_url)
                measured[label][0].append(wrk(base_url, args.duration, args.connections))
                if restart:
                    restart_workers(servers[0], app_url + "/healthz")
                measured[label][1].append(wrk(app_url + case_path, args.duration, args.connections, **options))

        print(
            f"\nwrk -t2 -c{args.connections} -d{args.duration} --latency, {args.rounds} interleaved rounds (medians), "
            f"gunicorn -w 2 (sync), {args.cases:,} published cases, SQLite, shared store: the database"
        )
        print(f"{'scenario':40} {'req/s':>8} {'baseline':>9} {'ratio':>6} {'p99 ms':>7} {'base p99':>9} {'errors':>6}")
        for label, _options, _restart, target in scenarios:
            base, mine = median(measured[label][0]), median(measured[label][1])
            ratio = mine["rps"] / base["rps"]
            ok = "ok" if ratio >= target and mine["p99_ms"] < 100 else "MISSED"
            print(
                f"{label:40} {mine['rps']:8.1f} {base['rps']:9.1f} {ratio:6.2f} {mine['p99_ms']:7.1f} "
                f"{base['p99_ms']:9.1f} {mine['errors']:6d}  target >= {target}, p99 < 100 ms: {ok}"
            )
            print(
                f"{'':40} rounds req/s {[round(r['rps']) for r in measured[label][1]]}"
                f" baseline {[round(r['rps']) for r in measured[label][0]]}"
            )
        with open("/proc/loadavg") as load:
            print(f"load average during the run: {load.read().split()[0]} (other processes share the 2 cores)")
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    return 0


def median(runs: list[dict[str, float]]) -> dict[str, float]:
    """Median requests/s and median p99 over the rounds; errors summed."""
    return {
        "rps": statistics.median(r["rps"] for r in runs),
        "p99_ms": statistics.median(r["p99_ms"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
    }


def fetch(url: str) -> bytes:
    return urllib.request.urlopen(url).read()  # noqa: S310 - loopback http only


if __name__ == "__main__":
    raise SystemExit(main())
