"""Soak test on loopback: the public pages under `wrk` while editors keep saving cases (and uploading documents
when that feature exists). Afterwards every saved edit and every uploaded file must be present, and
`flask storage check` (when it exists) must be clean.

    python bench/load_edit_soak.py [--seconds 20] [--editors 2] [--connections 16]

Prints wrk's figures and the editors' figures; exits 1 when an edit or a file is missing.
"""

from __future__ import annotations

import argparse
import hashlib
import http.cookiejar
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


class Browser:
    """A signed-in staff member driving the real forms (CSRF token and version field included)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})  # noqa: S310 - loopback only
        try:
            with self.opener.open(req, timeout=30) as response:  # noqa: S310 - loopback only
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def upload(self, path: str, fields: dict[str, str], filename: str, content: bytes) -> int:
        """POST a multipart form with one file, as a browser does."""
        boundary = "----soak" + secrets.token_hex(12)
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\n'
            "Content-Type: text/plain\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        req = urllib.request.Request(  # noqa: S310 - loopback only
            self.base + path,
            data=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": self.base + path},
        )
        try:
            with self.opener.open(req, timeout=60) as response:  # noqa: S310 - loopback only
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def form(self, path: str) -> dict[str, str]:
        status, html = self.request(path)
        assert status == 200, (path, status)
        fields: dict[str, str] = {}
        for match in re.finditer(r"<input([^>]*)>", html):
            attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(1)))
            if "name" in attrs and attrs.get("type") not in ("checkbox", "radio", "submit"):
                fields[attrs["name"]] = attrs.get("value", "")
        for match in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
            selected = re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', match.group(2))
            first = re.search(r'<option[^>]*value="([^"]+)"', match.group(2))
            fields[match.group(1)] = (selected or first).group(1) if (selected or first) else ""
        for match in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
            fields[match.group(1)] = re.sub(r"&#?\w+;", "", match.group(2)).strip()
        return fields

    def sign_in(self, email: str, password: str) -> None:
        fields = self.form("/login")
        status, _ = self.request("/login", {**fields, "email": email, "password": password})
        assert status == 302, f"sign-in failed ({status})"


def editor(base: str, email: str, password: str, case_ids: list[int], stop: threading.Event, results: dict) -> None:
    """Keep saving cases with a unique marker in the title and private notes; remember the last saved marker."""
    browser = Browser(base)
    browser.sign_in(email, password)
    saved = conflicts = errors = 0
    while not stop.is_set():
        for case_id in case_ids:
            if stop.is_set():
                break
            marker = f"soak-{secrets.token_hex(6)}"
            try:
                fields = browser.form(f"/staff/cases/{case_id}/edit")
                fields["title"] = f"Soak {marker}"
                fields["private_notes"] = f"Private {marker}"
                status, _ = browser.request(f"/staff/cases/{case_id}/edit", fields)
            except (AssertionError, OSError):
                errors += 1
                continue
            if status == 302:
                saved += 1
                results["last"][case_id] = marker
                results["markers"].append((case_id, marker))
            elif status == 409:
                conflicts += 1
            else:
                errors += 1
            if results["uploads_enabled"] and saved % 3 == 0:
                upload_path = f"/staff/cases/{case_id}/documents/new"
                content = f"Soak document {marker}\n".encode() * 200
                try:
                    fields = browser.form(upload_path)
                    fields = {k: v for k, v in fields.items() if k != "files"}
                    fields["title"] = f"Doc {marker}"
                    status = browser.upload(upload_path, fields, f"{marker}.txt", content)
                except (AssertionError, OSError):
                    status = 0
                if status == 302:
                    results["uploads"][f"Doc {marker}"] = hashlib.sha256(content).hexdigest()
                else:
                    results["upload_errors"] += 1
    results["saved"] += saved
    results["conflicts"] += conflicts
    results["errors"] += errors


def _has_uploads(base: str, email: str, password: str, case_id: int) -> bool:
    """True when this version has document uploads."""
    browser = Browser(base)
    browser.sign_in(email, password)
    status, _ = browser.request(f"/staff/cases/{case_id}/documents/new")
    return status == 200


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--editors", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=5088)
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if not wrk:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="casefiles-soak-"))
    env = dict(
        os.environ,
        CASEFILES_INSTANCE=str(work / "instance"),
        DATABASE_URL=os.environ.get("SOAK_DATABASE_URL") or f"sqlite:///{work / 'instance' / 'casefiles.db'}",
        SECRET_KEY=secrets.token_hex(32),
        FLASK_APP="wsgi",
    )
    password = "soak-" + secrets.token_urlsafe(18)
    setup = (
        "from casefiles import create_app\nfrom casefiles.extensions import db\n"
        "app = create_app()\nwith app.app_context():\n    db.create_all()\n"
    )
    subprocess.run([sys.executable, "-c", setup], cwd=ROOT, env=env, check=True)
    subprocess.run(["flask", "demo", "load", "--count", "12"], cwd=ROOT, env=env, check=True, capture_output=True)
    emails = [f"editor{n}@example.org" for n in range(args.editors)]
    for email in emails:
        subprocess.run(
            ["flask", "users", "create", email, "--role", "admin", "--password-stdin"],
            cwd=ROOT,
            env=env,
            input=password + "\n",
            text=True,
            check=True,
            capture_output=True,
        )
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        ["gunicorn", "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{args.port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(work / "server.log", "w"),  # noqa: SIM115 - closed with the process
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.1)
        check = (
            "from casefiles import create_app\nfrom casefiles.cases.models import Case\n"
            "from casefiles.extensions import db\napp = create_app()\nwith app.app_context():\n"
            "    print(','.join(str(c.id) for c in db.session.query(Case).order_by(Case.id)))\n"
        )
        ids = [
            int(i)
            for i in subprocess.run(
                [sys.executable, "-c", check], cwd=ROOT, env=env, check=True, capture_output=True, text=True
            )
            .stdout.strip()
            .split(",")
            if i
        ]
        # editors share nothing: each edits its own cases, so every save must succeed
        shares = [ids[n :: args.editors] for n in range(args.editors)]
        stop = threading.Event()
        results: dict = {"saved": 0, "conflicts": 0, "errors": 0, "last": {}, "markers": [], "uploads": {}}
        results["upload_errors"] = 0
        results["uploads_enabled"] = _has_uploads(base, emails[0], password, ids[0])
        threads = [
            threading.Thread(target=editor, args=(base, email, password, share, stop, results))
            for email, share in zip(emails, shares, strict=True)
        ]
        for thread in threads:
            thread.start()
        wrk_out = {}
        wrk_threads = [
            threading.Thread(
                target=lambda p=p: wrk_out.__setitem__(
                    p,
                    subprocess.run(
                        [wrk, "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", base + p],
                        capture_output=True,
                        text=True,
                    ).stdout,
                )
            )
            for p in ("/", "/cases")
        ]
        for thread in wrk_threads:
            thread.start()
        for thread in wrk_threads:
            thread.join()
        stop.set()
        for thread in threads:
            thread.join(60)
    finally:
        server.terminate()
        server.wait(10)

    for path, out in wrk_out.items():
        print(f"== wrk {path}")
        for line in out.splitlines():
            if any(
                k in line for k in ("Requests/sec", "Latency", "50%", "99%", "Non-2xx", "Socket errors", "requests")
            ):
                print("  " + line.strip())
    print(f"== editors: {results['saved']} saves, {results['conflicts']} conflicts, {results['errors']} errors")
    if results["uploads_enabled"]:
        print(f"== uploads: {len(results['uploads'])} documents, {results['upload_errors']} refused or failed")
    else:
        print("== uploads: not available in this version")

    verify = (
        "import json, sys\nfrom casefiles import create_app\nfrom casefiles.cases.models import Case\n"
        "from casefiles.audit.models import AuditEntry\nfrom casefiles.extensions import db\n"
        "app = create_app()\nwith app.app_context():\n"
        "    cases = {c.id: [c.title, c.private_notes] for c in db.session.query(Case)}\n"
        "    edits = db.session.query(AuditEntry).filter(AuditEntry.action == 'case.update').count()\n"
        "    docs = {}\n"
        "    try:\n"
        "        from casefiles.documents.models import Document\n"
        "        docs = {d.title: [v.sha256 for v in d.versions] for d in db.session.query(Document)}\n"
        "    except ImportError:\n"
        "        pass\n"
        "    print(json.dumps({'cases': cases, 'edits': edits, 'docs': docs}))\n"
    )
    import json

    state = json.loads(
        subprocess.run([sys.executable, "-c", verify], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    missing = [
        (case_id, marker)
        for case_id, marker in results["last"].items()
        if state["cases"][str(case_id)] != [f"Soak {marker}", f"Private {marker}"]
    ]
    print(f"== audit entries for case edits: {state['edits']} (saves counted by editors: {results['saved']})")
    lost_files = [title for title, digest in results["uploads"].items() if state["docs"].get(title) != [digest]]
    print(f"== every uploaded file present with its SHA-256: {'yes' if not lost_files else lost_files[:5]}")
    storage_check = subprocess.run(["flask", "storage", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    if "No such command" in storage_check.stderr:
        print("== flask storage check: not available in this version (no document storage yet)")
        storage_ok = True
    else:
        storage_ok = storage_check.returncode == 0
        print(f"== flask storage check: {'clean' if storage_ok else storage_check.stdout + storage_check.stderr}")
    ok = (
        not missing
        and not lost_files
        and results["errors"] == 0
        and results["upload_errors"] == 0
        and state["edits"] >= results["saved"]
        and storage_ok
    )
    print(f"== last edit of every case present: {'yes' if not missing else missing}")
    print("== RESULT:", "OK" if ok else "FAILED")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
