"""Memory of a gunicorn worker: at rest, after 1,000 and after 10,000 requests, and the peak of a 500 MB upload.

Loads a fictional data set into a temporary SQLite file (or --database-url) with bench_cases.load (2,000 cases and
20,000 events by default; the first 500 published), starts gunicorn with ONE sync worker (every request lands on
it), and reads the worker's memory from /proc: RSS (what `ps` shows), PSS (its share of pages shared with the
master) and private memory (what it alone holds). Measured:

  - at rest: the worker booted, before its first request;
  - after 1,000 and after 10,000 requests of a mix of public pages (home, case list, random case pages in English
    and French) and staff pages (case list at random pages, random case pages, name searches), signed in;
  - the peak RSS (VmHWM, reset just before) of one 500 MB upload streamed to a case's documents.

Targets: at rest < 60 MB; flat over 10,000 requests (bounded caches); upload peak < 100 MB. The machine is shared:
memory figures do not depend on its load, timings would.

    python bench/bench_memory.py                    # 1,000 then 10,000 requests, 500 MB upload
    python bench/bench_memory.py --requests 2000 --upload-mb 100    # a quick look
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

PUBLISHED = 500


def _kb(pid: int, path: str, field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB", Path(f"/proc/{pid}/{path}").read_text(), re.MULTILINE)
    return int(match.group(1)) if match else 0


def memory(pid: int) -> dict[str, float]:
    """RSS, PSS and private memory of a process, in MB."""
    private = sum(_kb(pid, "smaps_rollup", f) for f in ("Private_Clean", "Private_Dirty"))
    return {
        "rss": _kb(pid, "status", "VmRSS") / 1024,
        "pss": _kb(pid, "smaps_rollup", "Pss") / 1024,
        "private": private / 1024,
        "peak": _kb(pid, "status", "VmHWM") / 1024,
    }


STACK = "flask, flask_babel, flask_login, flask_sqlalchemy, flask_wtf, sqlalchemy.orm, wtforms, jinja2"


def stack_floor() -> dict[str, float]:
    """The memory of an interpreter that imports the fixed stack's libraries and nothing of the app (the floor a
    worker cannot go under), measured the same way."""
    probe = (
        f"import {STACK}\n"
        "import os, sys\n"
        "sys.stdout.write(str(os.getpid()) + '\\n'); sys.stdout.flush(); sys.stdin.readline()\n"
    )
    child = subprocess.Popen([sys.executable, "-c", probe], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        pid = int(child.stdout.readline())  # type: ignore[union-attr]
        return memory(pid)
    finally:
        child.communicate("\n", timeout=30)


def worker_of(master: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.2)
    raise SystemExit("no gunicorn worker appeared")


def seed(url: str, n_cases: int, n_events: int, storage: Path) -> None:
    """The bench_cases data set, its first PUBLISHED cases published with a slug."""
    from bench_cases import load
    from sqlalchemy import text

    from casefiles import create_app
    from casefiles.extensions import db

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_STORAGE": str(storage)})
    with app.app_context():
        db.create_all()
        load(n_cases, n_events)
        db.session.execute(
            text(
                "UPDATE cases SET published = :yes, public_slug = 'case-' || id, published_at = created_at, "
                "public_updated_at = created_at, status = 'active' WHERE id <= :n"
            ),
            {"yes": True, "n": PUBLISHED},
        )
        db.session.execute(text("UPDATE people SET name_consent = 'full_name' WHERE case_id <= :n"), {"n": PUBLISHED})
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def sign_in(session, base: str) -> None:  # noqa: ANN001 - a requests.Session
    from bench_cases import PASSWORD

    form = session.get(f"{base}/login", timeout=60).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    response = session.post(
        f"{base}/login",
        data={"email": "staff@bench.example", "password": PASSWORD, "csrf_token": token.group(1) if token else ""},
        allow_redirects=False,
        timeout=60,
    )
    if response.status_code != 302:
        raise SystemExit(f"sign-in failed: {response.status_code}")


def request_mix(session, base: str, n: int, rng: random.Random, n_cases: int) -> dict[int, int]:  # noqa: ANN001
    """n requests of public and staff pages; the count of each status code."""
    from bench_cases import LAST

    statuses: dict[int, int] = {}
    for i in range(n):
        slug = f"case-{rng.randint(1, min(PUBLISHED, n_cases))}"
        pages = [
            "/en/",
            "/fr/cases",
            f"/en/cases/{slug}",
            f"/fr/cases/{slug}",
            f"/staff/cases?page={rng.randint(1, max(1, n_cases // 25))}",
            f"/staff/cases/{rng.randint(1, n_cases)}",
            f"/staff/cases?q={rng.choice(LAST)}",
        ]
        response = session.get(base + pages[i % len(pages)], timeout=120)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    return statuses


class MultipartFile:
    """A multipart/form-data body around one file, read in pieces (never the whole file in memory)."""

    def __init__(self, path: Path, fields: dict[str, str]) -> None:
        import uuid

        self.boundary = uuid.uuid4().hex
        head = "".join(
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in fields.items()
        )
        head += (
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="files"; filename="{path.name}"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        )
        self.parts = [head.encode(), path, f"\r\n--{self.boundary}--\r\n".encode()]
        self.length = len(self.parts[0]) + path.stat().st_size + len(self.parts[2])
        self._stream = path.open("rb")
        self._index = 0

    def __len__(self) -> int:
        return self.length

    def read(self, size: int = -1) -> bytes:
        size = 1024 * 1024 if size is None or size < 0 else size
        while self._index < 3:
            part = self.parts[self._index]
            if isinstance(part, bytes):
                self._index += 1
                return part
            chunk = self._stream.read(size)
            if chunk:
                return chunk
            self._stream.close()
            self._index += 1
        return b""


def upload(session, base: str, path: Path) -> tuple[float, int]:  # noqa: ANN001 - a requests.Session
    """Stream a multipart upload of the file to case 1's documents, signed in; (seconds, status)."""
    form = session.get(f"{base}/staff/cases/1/documents/new", timeout=120).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    body = MultipartFile(path, {"csrf_token": token.group(1) if token else "", "kind": "other"})
    started = time.perf_counter()
    response = session.post(
        f"{base}/staff/cases/1/documents/new",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={body.boundary}", "Content-Length": str(len(body))},
        allow_redirects=False,
        timeout=900,
    )
    return time.perf_counter() - started, response.status_code


def main() -> int:
    import requests
    from bench_upload import _generate

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=10_000, help="requests in all (a reading after 1,000)")
    parser.add_argument("--upload-mb", type=int, default=500)
    parser.add_argument("--database-url", default="", help="an empty database (default: a temporary SQLite file)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="casefiles-bench-memory-") as tmp:
        work = Path(tmp)
        url = args.database_url or f"sqlite:///{work / 'bench.db'}"
        t0 = time.perf_counter()
        seed(url, args.cases, args.events, work / "instance" / "storage")
        print(f"seeded {args.cases:,} cases, {args.events:,} events ({PUBLISHED} published) in "
              f"{time.perf_counter() - t0:.0f} s")  # fmt: skip
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {
            **os.environ,
            "CASEFILES_ENV": "development",
            "DATABASE_URL": url,
            "CASEFILES_INSTANCE": str(work / "instance"),
            "CASEFILES_MAX_UPLOAD_MB": str(args.upload_mb + 10),
            "PYTHONPATH": str(ROOT),
        }
        ready = work / "worker-ready"
        config = work / "gunicorn_bench.py"
        config.write_text(f"def post_worker_init(worker):\n    open({str(ready)!r}, 'w').write(str(worker.pid))\n")
        command = [sys.executable, "-m", "gunicorn", "-c", str(config), "-w", "1", "--timeout", "900"]
        command += ["--log-level", "warning"]
        server = subprocess.Popen([*command, "-b", f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{port}"
        readings: list[tuple[str, dict[str, float]]] = []
        try:
            worker = worker_of(server.pid)
            deadline = time.monotonic() + 120
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise SystemExit("gunicorn did not start") from None
                    time.sleep(0.2)
            while not ready.exists():  # the worker has imported the app and waits for its first request
                if time.monotonic() > deadline:
                    raise SystemExit("the worker did not finish booting")
                time.sleep(0.2)
            time.sleep(1)
            readings.append(("at rest (booted, no request yet)", memory(worker)))
            session = requests.Session()
            sign_in(session, base)
            rng = random.Random(11)
            first = min(1000, args.requests)
            t0 = time.perf_counter()
            statuses = request_mix(session, base, first, rng, args.cases)
            readings.append((f"after {first:,} requests", memory(worker)))
            if args.requests > first:
                more = request_mix(session, base, args.requests - first, rng, args.cases)
                for code, n in more.items():
                    statuses[code] = statuses.get(code, 0) + n
                readings.append((f"after {args.requests:,} requests", memory(worker)))
            seconds = time.perf_counter() - t0
            if worker_of(server.pid) != worker:
                raise SystemExit("the worker was replaced during the run")

            source = work / "upload.txt"
            _generate(source, args.upload_mb * 1024 * 1024)
            session.get(f"{base}/staff/cases/1/documents/new", timeout=120)  # the form's page is loaded once
            Path(f"/proc/{worker}/clear_refs").write_text("5")  # the peak from here on: the upload's own
            before = memory(worker)
            upload_seconds, status = upload(session, base, source)
            after = memory(worker)
            source.unlink()
        finally:
            server.terminate()
            server.wait(timeout=60)

    print(f"gunicorn -w 1 (sync); {args.requests:,} requests in {seconds:.0f} s, status codes {statuses}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared machine)")  # fmt: skip
    floor = stack_floor()
    print(f"\n{'worker memory':40} {'RSS MB':>8} {'PSS MB':>8} {'private MB':>11}")
    print(f"{'(floor: the stack alone, no app)':40} {floor['rss']:8.1f} {floor['pss']:8.1f} {floor['private']:11.1f}")
    for label, reading in readings:
        print(f"{label:40} {reading['rss']:8.1f} {reading['pss']:8.1f} {reading['private']:11.1f}")
    rest, last = readings[0][1]["rss"], readings[-1][1]["rss"]
    grown = readings[-1][1]["rss"] - readings[1][1]["rss"] if len(readings) > 2 else 0.0
    print(f"\nat rest: {rest:.1f} MB RSS (target < 60 MB) {'OK' if rest < 60 else 'ABOVE TARGET'}; importing the "
          f"stack alone ({STACK}) takes {floor['rss']:.1f} MB RSS in the same run")  # fmt: skip
    print(f"growth from 1,000 to {args.requests:,} requests: {grown:+.1f} MB RSS (target: flat)")
    verdict = "OK" if after["peak"] < 100 else "ABOVE TARGET"
    print(f"{args.upload_mb} MB upload (status {status}, {upload_seconds:.1f} s): RSS before {before['rss']:.1f} MB, "
          f"peak {after['peak']:.1f} MB (target < 100 MB) {verdict}")  # fmt: skip
    return 0 if rest < 60 and after["peak"] < 100 and last - rest < 40 else 1


if __name__ == "__main__":
    sys.exit(main())
