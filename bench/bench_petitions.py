"""Petition signing under load: 200 supporters sign at once while the public pages take a surge.

gunicorn (2 workers x 8 threads by default) on SQLite (or --database-url, e.g. PostgreSQL), a loopback SMTP server
(aiosmtpd) receiving the confirmation emails, Debian's wrk on the public pages. In the same run:
  1. baseline: wrk on a case page alone;
  2. the same wrk while `--signers` supporters sign concurrently (each opens the form, waits the time trap, sends);
  3. every confirmation email is awaited, and every link confirmed concurrently; then half of the signers sign
     again with the same email.
Checks: every signer got exactly one email; the public count equals the external count plus the number of
signers, exactly (each confirmed signature counted once, signing again counts nothing).
Reports: p50/p99 of the signing POST, the case page's requests/s and p99 alone and under the signing load.

    python bench/bench_petitions.py [--signers 200] [--duration 15s] [--connections 50] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "mail"))

from bench_public import free_port, seed, wait_for, wrk  # noqa: E402

EXTERNAL_COUNT = 12_000
MIN_SECONDS = 1
CLOSE = {"Connection": "close"}


def add_petition(url: str) -> int:
    """A petition campaign in progress, with an external count, linked to the first published case."""
    from datetime import date

    from casefiles import create_app
    from casefiles.campaigns.models import Campaign, SupporterSnapshot, case_campaigns
    from casefiles.extensions import db

    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        campaign = Campaign(
            title_en="Reinstate her now",
            title_fr="Réintégrez-la",
            kind="petition",
            status="in_progress",
            outcome="ongoing",
            targets=[],
            asks=[],
        )
        db.session.add(campaign)
        db.session.flush()
        db.session.add(SupporterSnapshot(campaign_id=campaign.id, date=date(2024, 1, 5), count=EXTERNAL_COUNT))
        db.session.execute(case_campaigns.insert().values(case_id=1, campaign_id=campaign.id))
        db.session.commit()
        return campaign.id


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def sign(base: str, campaign_id: int, email: str) -> float:
    """Open the form, wait like a person, send it; the POST's latency in ms."""
    import requests

    session = requests.Session()
    # Not kept alive across the wait: gunicorn closes an idle connection after 2 s (--keep-alive), and a POST sent
    # on a connection the server is closing at that moment is reset ("Connection reset by peer"). A browser retries
    # such a request on a new connection; this client opens the new connection itself (nginx in front does too).
    form = session.get(f"{base}/en/campaigns/{campaign_id}/sign", headers=CLOSE, timeout=60).text
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', form).group(1)
    time.sleep(MIN_SECONDS + 0.2)
    data = {"csrf_token": csrf, "started": started, "name": "Bench Signer", "email": email, "region": "QC"}
    begin = time.perf_counter()
    answer = session.post(f"{base}/en/campaigns/{campaign_id}/sign", data=data, timeout=60)
    elapsed = (time.perf_counter() - begin) * 1000
    if answer.status_code != 200 or "Check your email" not in answer.text:
        raise RuntimeError(f"signing {email}: {answer.status_code}")
    return elapsed


def confirm(base: str, link: str) -> None:
    import requests

    session = requests.Session()
    page = session.get(link.replace("http://localhost", base), headers=CLOSE, timeout=60).text
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = session.post(link.replace("http://localhost", base), data={"csrf_token": csrf}, timeout=60)
    if answer.status_code != 200:
        raise RuntimeError(f"confirming {link}: {answer.status_code}")


def main() -> int:
    import requests
    from smtp_inbox import SmtpServer, text_of

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signers", type=int, default=200)
    parser.add_argument("--duration", default="15s")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-petitions-"))
    url = args.database_url or f"sqlite:///{work / 'bench.db'}"
    slugs = seed(url, args.cases)
    campaign_id = add_petition(url)
    smtp = SmtpServer().start()
    port = free_port()
    env = {
        **os.environ,
        "CASEFILES_ENV": "development",
        "DATABASE_URL": url,
        "CASEFILES_INSTANCE": str(work / "instance"),
        "PYTHONPATH": str(ROOT),
        "CASEFILES_MAIL_SERVER": "127.0.0.1",
        "CASEFILES_MAIL_PORT": str(smtp.port),
        "CASEFILES_PETITION_LIMIT_PER_ADDRESS": f"{args.signers * 10} per hour",  # every signer is on loopback
        "CASEFILES_PETITION_MIN_SECONDS": str(MIN_SECONDS),
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "--threads", str(args.threads)]
    gunicorn += ["--log-level", "warning"]
    server = subprocess.Popen([*gunicorn, "-b", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    case_url = f"{base}/cases/{slugs[0]}"
    try:
        wait_for(case_url)
        case_url = requests.get(case_url, timeout=30).url  # public pages may live under a language prefix
        baseline = wrk(case_url, args.duration, args.connections)
        emails = [f"signer{i}@example.org" for i in range(args.signers)]
        loaded: dict[str, dict[str, float]] = {}
        surge = threading.Thread(target=lambda: loaded.update(case=wrk(case_url, args.duration, args.connections)))
        surge.start()
        with ThreadPoolExecutor(max_workers=args.signers) as pool:
            latencies = list(pool.map(lambda e: sign(base, campaign_id, e), emails))
        surge.join()

        deadline = time.monotonic() + 120
        while len(smtp.inbox.messages) < args.signers and time.monotonic() < deadline:
            time.sleep(0.2)
        per_address = {e: len(smtp.inbox.to(e)) for e in emails}
        links = [
            re.search(r"https?://\S+/petitions/confirm/\S+", text_of(smtp.inbox.to(e)[0])).group(0) for e in emails
        ]
        with ThreadPoolExecutor(max_workers=50) as pool:
            list(pool.map(lambda link: confirm(base, link), links))
        with ThreadPoolExecutor(max_workers=50) as pool:  # the same emails again: nothing more counts
            list(pool.map(lambda e: sign(base, campaign_id, e.upper()), emails[: args.signers // 2]))
        time.sleep(2)
        count = requests.get(f"{base}/api/v1/campaigns/{campaign_id}", timeout=30).json()["supporter_count"]
    finally:
        server.terminate()
        server.wait(timeout=30)
        smtp.stop()

    print(f"signers: {args.signers} at once; public surge: wrk -c{args.connections} -d{args.duration} on a case page")
    print(f"{'':34} {'req/s':>9} {'p99 ms':>8} {'errors':>7}")
    print(f"{'case page alone (baseline)':34} {baseline['rps']:9.0f} {baseline['p99_ms']:8.1f} {baseline['errors']:7d}")
    case = loaded["case"]
    print(f"{'case page while signing':34} {case['rps']:9.0f} {case['p99_ms']:8.1f} {case['errors']:7d}")
    print(
        f"signing POST: p50 {statistics.median(latencies):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, "
        f"max {max(latencies):.1f} ms"
    )
    one_each = all(n == 1 for n in per_address.values())
    expected = EXTERNAL_COUNT + args.signers
    print(f"emails: {len(smtp.inbox.messages)} for {args.signers} signers (one each: {one_each})")
    print(f"public count: {count} (expected {expected}: {'OK' if count == expected else 'WRONG'})")
    return 0 if one_each and count == expected else 1


if __name__ == "__main__":
    raise SystemExit(main())
