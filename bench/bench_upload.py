"""Upload a 500 MB file through the app over loopback and compare with copying it on the same disk.

    python bench/bench_upload.py [--size-mb 500]

Starts a real server process (werkzeug, one process) on a free loopback port, signs in, streams a multipart
upload of a generated plain-text file, then prints: upload throughput, copy throughput, their ratio
(target >= 0.5) and the server's peak resident memory (VmHWM, target < 100 MB). Everything lives in a
temporary folder that is deleted afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench password that is long enough 42"
CHUNK = 1024 * 1024


def serve(folder: Path, port: int) -> None:
    """The server process: a fresh SQLite database and storage in `folder`, a staff user and one case."""
    sys.path.insert(0, str(ROOT))
    from casefiles import create_app
    from casefiles.auth.services import create_user
    from casefiles.authz import Role
    from casefiles.cases import services as case_services
    from casefiles.extensions import db

    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "INSTANCE_STORAGE": str(folder / "instance"),
            "MAX_CONTENT_LENGTH": 1024 * 1024 * 1024,
        },
    )
    with app.app_context():
        db.create_all()
        create_user(actor=None, email="bench@example.org", password=PASSWORD, role=Role.STAFF, name="Bench")
        case_services.create_case(
            actor=None,
            values={"title": "Bench case", "status": "active", "outcome": "ongoing"},
            person={"legal_name": "Bench Person", "category": "student"},
            sanction={"type": "suspension"},
        )
        db.session.commit()
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", port, app, threaded=False)
    print("ready", flush=True)
    server.serve_forever()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else float("nan")


def _rss_mb(pid: int) -> float:
    match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(match.group(1)) / 1024 if match else float("nan")


def _generate(path: Path, size: int) -> None:
    line = b"Casefiles bench, a plain text line of a large upload, repeated to fill the file.\n"
    block = line * (CHUNK // len(line) + 1)
    written = 0
    with path.open("wb") as out:
        while written < size:
            piece = block[: min(len(block), size - written)]
            out.write(piece)
            written += len(piece)


def _copy(source: Path, target: Path) -> float:
    started = time.perf_counter()
    with source.open("rb") as src, target.open("wb") as dst:
        shutil.copyfileobj(src, dst, CHUNK)
        dst.flush()
        os.fsync(dst.fileno())
    return time.perf_counter() - started


def _login(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = f"email=bench%40example.org&password={PASSWORD.replace(' ', '+')}"
    conn.request("POST", "/login", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    cookies = [v.split(";", 1)[0] for k, v in response.getheaders() if k.lower() == "set-cookie"]
    conn.close()
    if response.status != 302 or not cookies:
        raise SystemExit(f"login failed: {response.status}")
    return "; ".join(cookies)


def _upload(port: int, cookie: str, path: Path) -> tuple[float, int]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nother\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{path.name}"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + path.stat().st_size + len(tail)

    def body():  # noqa: ANN202 - a generator streamed by http.client, never the whole file in memory
        yield head
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK):
                yield chunk
        yield tail

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request(
        "POST",
        "/staff/cases/1/documents/new",
        body=body(),
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(length),
            "Cookie": cookie,
        },
    )
    response = conn.getresponse()
    page = response.read().decode("utf-8", "replace")
    if response.status != 302:
        print("refused:", re.findall(r'class="error-message"[^>]*>([^<]*)', page)[:3])
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed, response.status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=500)
    parser.add_argument("--serve", nargs=2, metavar=("FOLDER", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve[0]), int(args.serve[1]))
        return
    size = args.size_mb * 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="casefiles-bench-") as tmp:
        folder = Path(tmp)
        source = folder / "large-upload.txt"
        _generate(source, size)
        copy_seconds = _copy(source, folder / "copy.txt")
        (folder / "copy.txt").unlink()
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(folder), str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        try:
            assert server.stdout is not None
            if server.stdout.readline().strip() != b"ready":
                raise SystemExit("the server did not start")
            cookie = _login(port)
            idle_mb = _rss_mb(server.pid)
            # Forget the peak of signing in (argon2id alone takes 64 MB): measure the upload's own peak.
            Path(f"/proc/{server.pid}/clear_refs").write_text("5")
            upload_seconds, status = _upload(port, cookie, source)
            peak_mb = _peak_rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
        stored = list((folder / "instance" / "storage").rglob("*"))
        stored_bytes = sum(p.stat().st_size for p in stored if p.is_file())
    mb = size / (1024 * 1024)
    print(f"command: python bench/bench_upload.py --size-mb {args.size_mb}")
    print(f"upload status: {status} (302 = stored); bytes in storage: {stored_bytes}")
    print(f"file size: {mb:.0f} MB")
    print(f"copy on the same disk: {copy_seconds:.2f} s ({mb / copy_seconds:.0f} MB/s)")
    print(f"upload through the app: {upload_seconds:.2f} s ({mb / upload_seconds:.0f} MB/s)")
    ratio = copy_seconds / upload_seconds
    print(f"throughput ratio upload/copy: {ratio:.2f} (target >= 0.5) {'OK' if ratio >= 0.5 else 'BELOW TARGET'}")
    print(f"server RSS before the upload (application loaded, signed in): {idle_mb:.1f} MB")
    verdict = "OK" if peak_mb < 100 else "ABOVE TARGET"
    print(f"server peak RSS during the upload (VmHWM): {peak_mb:.1f} MB (target < 100 MB) {verdict}")
    print(f"server memory growth during the upload: {peak_mb - idle_mb:.1f} MB")


if __name__ == "__main__":
    main()
