"""Casefiles scaled out for real, on loopback: nginx (TLS, deploy/nginx/) in front of two app servers started
from deploy/systemd/casefiles.service's command line, each with its own instance folder, on a throwaway
PostgreSQL, Redis, moto's S3-compatible server and an RQ worker from casefiles-worker.service's command line.

Everything is started here on free loopback ports, in a temporary folder, and stopped afterwards. The tests run
in file order: the last one stops an app server.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from support import ARTIFACTS, FIXTURES, skip_or_fail

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent
PASSWORD = "correct horse battery staple 42"
OWNER = "owner@example.org"
EDITOR = "editor@example.org"
BUCKET = "casefiles-cluster"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen | None, name: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not listen on port {port} within {seconds}s")


def _binary(name: str, *candidates: str) -> str:
    for candidate in (shutil.which(name), *candidates):
        if candidate and Path(candidate).exists():
            return candidate
    skip_or_fail(f"{name} is not installed (Debian package {name if name != 'initdb' else 'postgresql'})")
    raise AssertionError("unreachable")


def _unit(name: str) -> dict[str, Any]:
    """The [Service] ExecStart and Environment= lines of a systemd unit in deploy/systemd/."""
    service: dict[str, Any] = {"Environment": {}}
    for line in (DEPLOY / "systemd" / name).read_text(encoding="utf-8").splitlines():
        key, _sep, value = line.partition("=")
        if key == "ExecStart":
            service["ExecStart"] = value
        elif key == "Environment":
            env_name, _sep, env_value = value.partition("=")
            service["Environment"][env_name] = env_value
    return service


class Browser:
    """A person's browser: cookies, the CSRF token of each form, a Referer as a browser sends it.

    `source` is the loopback address it connects from (nginx sees it as the client's address)."""

    def __init__(self, certificate: str, source: str = "127.0.0.1") -> None:
        import requests
        from requests.adapters import HTTPAdapter

        class FromAddress(HTTPAdapter):
            def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
                kwargs["source_address"] = (source, 0)
                super().init_poolmanager(*args, **kwargs)

        self.http = requests.Session()
        self.http.trust_env = False  # no proxy from the environment, and REQUESTS_CA_BUNDLE must not replace ours
        self.http.verify = certificate
        self.http.mount("http://", FromAddress())
        self.http.mount("https://", FromAddress())

    def _headers(self, url: str) -> dict[str, str]:
        netloc = url.split("/")[2]
        headers = {"Referer": f"https://{netloc}/"}
        if url.startswith("http://"):
            # Straight to one app server: say what nginx would, and send the (Secure) cookies a browser would
            # send over https; requests keeps them for https only.
            headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"})
            headers["Cookie"] = "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.http.cookies)
        return headers

    def get(self, url: str) -> Any:
        return self.http.get(url, headers=self._headers(url), allow_redirects=False, timeout=60)

    def post(self, url: str, data: dict[str, Any], files: dict[str, Any] | None = None) -> Any:
        return self.http.post(
            url, data=data, files=files, headers=self._headers(url), allow_redirects=False, timeout=60
        )

    def form(self, url: str) -> dict[str, Any]:
        """The fields of the form on a page, with their current values (inputs, selects, textareas)."""
        page = self.get(url)
        assert page.status_code == 200, (url, page.status_code)
        html = page.text
        fields: dict[str, Any] = {}
        for match in re.finditer(r"<input([^>]*)>", html):
            attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', match.group(1)))
            if "name" in attrs and attrs.get("type") not in ("checkbox", "radio", "submit", "file"):
                fields[attrs["name"]] = attrs.get("value", "")
            elif attrs.get("type") == "checkbox" and "checked" in match.group(1):
                fields[attrs["name"]] = attrs.get("value", "y")
        for match in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
            # The selected option, whatever the order of its attributes; else the first, as a browser sends.
            options = [
                (re.search(r'value="([^"]*)"', attrs), re.search(r"\bselected\b", attrs))
                for attrs in re.findall(r"<option([^>]*)>", match.group(2))
            ]
            chosen = next((value for value, selected in options if value and selected), None) or next(
                (value for value, _ in options if value), None
            )
            fields[match.group(1)] = chosen.group(1) if chosen else ""
        for match in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
            import html as html_module

            fields[match.group(1)] = html_module.unescape(match.group(2)).lstrip("\n")
        return fields

    def sign_in(self, base: str, email: str, password: str = PASSWORD) -> Any:
        token = self.form(f"{base}/login")["csrf_token"]
        return self.post(f"{base}/login", {"csrf_token": token, "email": email, "password": password})

    def signed_in(self, base: str, email: str) -> None:
        """Sign in with the right password, or fail the test with the page that answered."""
        answer = self.sign_in(base, email)
        assert answer.status_code == 302, f"sign-in through {base}: {answer.status_code} {answer.text[:800]}"


@dataclass
class Cluster:
    """Addresses of the running cluster and the handles needed to stop parts of it."""

    root: Path
    nginx: str
    server_a: str
    server_b: str
    certificate: str
    env: dict[str, str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)
    database_url: str = ""

    def browser(self, source: str = "127.0.0.1") -> Browser:
        return Browser(self.certificate, source)

    def flask(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [str(VENV_BIN / "flask"), "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"flask {' '.join(args)}: {done.stdout}\n{done.stderr}"
        return done.stdout

    def log(self, name: str) -> str:
        return self.logs[name].read_text(encoding="utf-8", errors="replace")


def _start(cluster: Cluster, name: str, command: list[str], env: dict[str, str], cwd: Path = ROOT) -> subprocess.Popen:
    log = cluster.root / f"{name}.log"
    cluster.logs[name] = log
    with open(log, "wb") as handle:
        process = subprocess.Popen(  # noqa: S603 - our own command lines
            command, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
    cluster.processes[name] = process
    return process


def _postgres(cluster: Cluster, stack: list) -> str:
    pg_bin = None
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin")):
        if (candidate / "initdb").exists():
            pg_bin = candidate
    if pg_bin is None:
        skip_or_fail("PostgreSQL is not installed (Debian package postgresql)")
    data = cluster.root / "pg"
    data.mkdir()
    as_pg: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    subprocess.run(
        [*as_pg, str(pg_bin / "initdb"), "-D", str(data / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off -c synchronous_commit=off"
    subprocess.run(
        [
            *as_pg,
            str(pg_bin / "pg_ctl"),
            "-D",
            str(data / "data"),
            "-l",
            str(data / "log"),
            "-w",
            "-o",
            options,
            "start",
        ],
        check=True,
        capture_output=True,
    )
    stack.append(
        lambda: subprocess.run(
            [*as_pg, str(pg_bin / "pg_ctl"), "-D", str(data / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
    )
    from sqlalchemy import create_engine, text

    admin = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE casefiles"))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/casefiles"


def _certificate(root: Path) -> tuple[str, str]:
    openssl = _binary("openssl")
    cert, key = root / "tls.crt", root / "tls.key"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return str(cert), str(key)


def _nginx_config(root: Path, server_ports: tuple[int, int], https_port: int, http_port: int, tls: tuple) -> Path:
    """deploy/nginx/casefiles.conf with this machine's addresses, including casefiles-proxy.conf unchanged."""
    site = (DEPLOY / "nginx" / "casefiles.conf").read_text(encoding="utf-8")
    replacements = [
        ("server 10.0.0.11:8000", f"server 127.0.0.1:{server_ports[0]}"),
        ("server 10.0.0.12:8000", f"server 127.0.0.1:{server_ports[1]}"),
        ("    listen 80;\n", f"    listen 127.0.0.1:{http_port};\n"),
        ("    listen [::]:80;\n", ""),
        ("    listen 443 ssl;\n", f"    listen 127.0.0.1:{https_port} ssl;\n"),
        ("    listen [::]:443 ssl;\n", ""),
        ("/etc/letsencrypt/live/cases.example.org/fullchain.pem", tls[0]),
        ("/etc/letsencrypt/live/cases.example.org/privkey.pem", tls[1]),
        ("/etc/nginx/snippets/casefiles-proxy.conf", str(DEPLOY / "nginx" / "casefiles-proxy.conf")),
    ]
    for old, new in replacements:
        assert site.count(old) == 1, f"deploy/nginx/casefiles.conf no longer has {old!r}: update this test"
        site = site.replace(old, new)
    (root / "casefiles-site.conf").write_text(site, encoding="utf-8")
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {root / 'nginx-tmp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = root / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
pid {root / "nginx.pid"};
error_log {root / "nginx-error.log"} warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    log_format timed '$remote_addr "$request" $status $request_time upstream=$upstream_addr:$upstream_status';
    access_log {root / "nginx-access.log"} timed;
{temp}
    include {root / "casefiles-site.conf"};
}}
""",
        encoding="utf-8",
    )
    return conf


def _wait_healthy(cluster: Cluster, name: str, url: str) -> None:
    browser = cluster.browser()
    deadline = time.monotonic() + 60
    last: object = None
    while time.monotonic() < deadline:
        if cluster.processes[name].poll() is not None:
            raise RuntimeError(f"{name} exited:\n{cluster.log(name)[-3000:]}")
        try:
            last = browser.get(f"{url}/healthz").status_code
            if last == 200:
                return
        except (OSError, ValueError) as error:  # not up yet
            last = error
        time.sleep(0.2)
    errors = cluster.root / "nginx-error.log"
    detail = errors.read_text(errors="replace")[-2000:] if errors.exists() else ""
    raise RuntimeError(f"{name} did not answer /healthz ({last}):\n{cluster.log(name)[-3000:]}\n{detail}")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    nginx = _binary("nginx", "/usr/sbin/nginx")
    redis_server = _binary("redis-server")
    _binary("wrk")
    try:
        import boto3
        import moto.server  # noqa: F401
        import requests  # noqa: F401
    except ImportError as missing:
        skip_or_fail(f"{missing.name} is needed for the cluster test (pip install -e '.[test]')")
    root = Path(tempfile.mkdtemp(prefix="casefiles-cluster-"))
    root.chmod(0o755)  # nginx's workers (nobody) and PostgreSQL (postgres) reach their files inside
    stack: list = []
    ports = {name: _free_port() for name in ("a", "b", "https", "http", "redis", "s3")}
    cluster = Cluster(
        root=root,
        nginx=f"https://127.0.0.1:{ports['https']}",
        server_a=f"http://127.0.0.1:{ports['a']}",
        server_b=f"http://127.0.0.1:{ports['b']}",
        certificate="",
        env={},
    )
    try:
        cluster.database_url = _postgres(cluster, stack)
        redis = _start(
            cluster,
            "redis",
            [redis_server, "--port", str(ports["redis"]), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(root)],
            dict(os.environ),
        )  # fmt: skip
        moto = _start(
            cluster,
            "s3",
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(ports["s3"])],
            dict(os.environ),
        )
        _wait_for_port(ports["redis"], redis, "redis-server")
        _wait_for_port(ports["s3"], moto, "moto server")
        endpoint = f"http://127.0.0.1:{ports['s3']}"
        boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
        ).create_bucket(Bucket=BUCKET)
        certificate, key = _certificate(root)
        cluster.certificate = certificate
        (root / "dossier-files").mkdir()

        # What /etc/casefiles/casefiles.env holds on every machine (deploy/casefiles.env.example).
        base = {
            k: v for k, v in os.environ.items() if not k.startswith("CASEFILES_") and k not in ("TEST_DATABASE_URL",)
        }
        cluster.env = {
            **base,
            "PATH": f"{VENV_BIN}{os.pathsep}{base.get('PATH', '')}",
            "CASEFILES_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": cluster.database_url,
            "REDIS_URL": f"redis://127.0.0.1:{ports['redis']}/0",
            "CASEFILES_TRUSTED_PROXIES": "1",
            "CASEFILES_BASE_URL": cluster.nginx,
            "CASEFILES_STORAGE_BACKEND": "s3",
            "CASEFILES_S3_BUCKET": BUCKET,
            "CASEFILES_S3_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "CASEFILES_BRIEF_STORAGE": str(root / "dossier-files"),
            "CASEFILES_INSTANCE": str(root / "instance-admin"),
        }
        cluster.flask("db", "upgrade")
        cluster.flask(
            "users", "create", OWNER, "--role", "staff", "--name", "Owner", "--password-stdin", stdin=PASSWORD
        )
        cluster.flask(
            "users", "create", EDITOR, "--role", "staff", "--name", "Editor", "--password-stdin", stdin=PASSWORD
        )
        cluster.flask("demo", "load", "--count", "6", "--no-showcase")

        app_unit = _unit("casefiles.service")
        for name, port in (("a", ports["a"]), ("b", ports["b"])):
            command = shlex.split(
                app_unit["ExecStart"]
                .replace("/srv/casefiles/app/.venv/bin/", f"{VENV_BIN}/")
                .replace("/srv/casefiles/app/", f"{ROOT}/")
                .replace("--bind 10.0.0.11:8000", f"--bind 127.0.0.1:{port}")
            )
            instance = str(root / f"instance-{name}")  # each server its own (CASEFILES_INSTANCE in the unit)
            env = {**cluster.env, **app_unit["Environment"], "CASEFILES_INSTANCE": instance}
            assert app_unit["Environment"]["CASEFILES_INSTANCE"] == "/var/lib/casefiles/instance"
            _start(cluster, f"server-{name}", command, env)
        worker_unit = _unit("casefiles-worker.service")
        worker = shlex.split(
            worker_unit["ExecStart"]
            .replace("/srv/casefiles/app/.venv/bin/", f"{VENV_BIN}/")
            .replace("${REDIS_URL}", cluster.env["REDIS_URL"])
        )
        _start(cluster, "worker", worker, {**cluster.env, "CASEFILES_INSTANCE": str(root / "instance-worker")})

        conf = _nginx_config(root, (ports["a"], ports["b"]), ports["https"], ports["http"], (certificate, key))
        (root / "nginx-tmp").mkdir()
        check = subprocess.run([nginx, "-t", "-c", str(conf), "-e", str(root / "nginx-error.log")], capture_output=True)
        assert check.returncode == 0, check.stderr.decode()
        _start(cluster, "nginx", [nginx, "-c", str(conf), "-e", str(root / "nginx-error.log")], dict(os.environ))
        for name, url in (("server-a", cluster.server_a), ("server-b", cluster.server_b), ("nginx", cluster.nginx)):
            _wait_healthy(cluster, name, url)
        yield cluster
    finally:
        for name in ("nginx", "server-a", "server-b", "worker", "s3", "redis"):
            process = cluster.processes.get(name)
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in cluster.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for stop in reversed(stack):
            stop()
        kept = ARTIFACTS / "cluster"  # every log of the last run, for reading after a failure
        shutil.rmtree(kept, ignore_errors=True)
        kept.mkdir(parents=True, exist_ok=True)
        for log in root.glob("*.log"):
            shutil.copy(log, kept / log.name)
        shutil.rmtree(root, ignore_errors=True)


def _path(location: str) -> str:
    """The path of a redirect's Location, absolute or not."""
    from urllib.parse import urlsplit

    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _login_posts(cluster: Cluster, name: str) -> int:
    return len(re.findall(r'"POST /login HTTP', cluster.log(name)))


def test_the_login_limit_holds_across_both_app_servers_and_the_owner_still_gets_in(cluster: Cluster) -> None:
    """Through nginx, which sends requests to A and B in turn: an attacker's address (127.0.0.2) is refused on its
    11th failure against the account and never before; the owner's right password works from 127.0.0.3."""
    attacker = cluster.browser(source="127.0.0.2")
    before = {name: _login_posts(cluster, name) for name in ("server-a", "server-b")}
    token = attacker.form(f"{cluster.nginx}/login")["csrf_token"]  # one page, then only POSTs: they alternate

    def attempt(password: str) -> Any:
        return attacker.post(f"{cluster.nginx}/login", {"csrf_token": token, "email": OWNER, "password": password})

    for n in range(10):
        answer = attempt(f"wrong guess number {n}")
        assert answer.status_code == 200, f"failure {n + 1} answered {answer.status_code}"
    refused = attempt(PASSWORD)
    assert refused.status_code == 429
    assert 890 <= int(refused.headers["Retry-After"]) <= 900
    assert attempt(PASSWORD).status_code == 429  # whichever server answers
    for name in ("server-a", "server-b"):
        assert _login_posts(cluster, name) - before[name] >= 4, f"{name} answered too few of the attempts"
    owner = cluster.browser(source="127.0.0.3")
    signed_in = owner.sign_in(cluster.nginx, OWNER)
    assert signed_in.status_code == 302, signed_in.text[:300]
    assert owner.get(f"{cluster.nginx}/staff/cases").status_code == 200


def test_a_document_uploaded_through_a_downloads_byte_identical_through_b(cluster: Cluster) -> None:
    person = cluster.browser()
    person.signed_in(cluster.server_a, EDITOR)
    form = person.form(f"{cluster.server_a}/staff/cases/1/documents/new")
    content = (FIXTURES / "uploads" / "good" / "suspension-letter-fr.pdf").read_bytes()
    uploaded = person.post(
        f"{cluster.server_a}/staff/cases/1/documents/new",
        {**form, "kind": form.get("kind") or "other", "title": "Letter uploaded through A"},
        files={"files": ("letter.pdf", content, "application/pdf")},
    )
    assert uploaded.status_code == 302, uploaded.text[:500]
    detail = person.get(cluster.server_b + _path(uploaded.headers["Location"]))
    assert detail.status_code == 200
    link = re.search(r'href="(/staff/documents/\d+/versions/\d+/download)"', detail.text)
    assert link, "no download link on the document page"
    downloaded = person.get(cluster.server_b + link.group(1))
    assert downloaded.status_code == 200
    assert downloaded.content == content
    assert not any((cluster.root / "instance-b").rglob("*.pdf")), "B served it from its own disk"


def test_a_dossier_asked_through_a_is_built_by_the_worker_and_sent_by_b(cluster: Cluster) -> None:
    person = cluster.browser()
    person.signed_in(cluster.server_a, EDITOR)
    token = person.form(f"{cluster.server_a}/staff/dossiers/new")["csrf_token"]
    asked = person.post(
        f"{cluster.server_a}/staff/dossiers/new",
        {"csrf_token": token, "audience": "legal", "language": "en", "institution_id": "0", "case_ids": ["1", "2"]},
    )
    assert asked.status_code == 302, asked.text[:500]
    job = _path(asked.headers["Location"])
    deadline = time.monotonic() + 90
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        status = person.get(f"{cluster.server_b}{job}/status").json()
        if status["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    assert status.get("status") == "done", (status, cluster.log("worker")[-2000:])
    assert "casefiles-briefs" in cluster.log("worker") and "Job OK" in cluster.log("worker")
    pdf = person.get(f"{cluster.server_b}{job}/download")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_session_ended_through_a_is_refused_through_b(cluster: Cluster) -> None:
    """Signing out ends every session of the account: the other browser, served by B, is signed out too."""
    laptop, phone = cluster.browser(), cluster.browser()
    laptop.signed_in(cluster.server_b, OWNER)
    phone.signed_in(cluster.server_a, OWNER)
    assert laptop.get(f"{cluster.server_b}/staff/cases").status_code == 200
    assert laptop.get(f"{cluster.server_a}/staff/cases").status_code == 200  # one session, either server
    page = phone.get(f"{cluster.server_a}/staff/cases").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no form with a CSRF token on the case list"
    assert phone.post(f"{cluster.server_a}/logout", {"csrf_token": token.group(1)}).status_code == 302
    refused = laptop.get(f"{cluster.server_b}/staff/cases")
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]


def test_unpublishing_through_a_is_seen_through_b_on_the_next_request(cluster: Cluster) -> None:
    person = cluster.browser()
    person.signed_in(cluster.server_a, EDITOR)
    form = person.form(f"{cluster.server_a}/staff/cases/3/publish")
    published = person.post(
        f"{cluster.server_a}/staff/cases/3/publish", {**form, "consent_recorded": "y", "no_private_data": "y"}
    )
    assert published.status_code == 302, published.text[:800]
    anonymous = cluster.browser()
    index = anonymous.get(f"{cluster.server_b}/en/cases").text
    slugs = set(re.findall(r'href="(?:https://[^"/]+)?/en/cases/([^"/?#]+)"', index))
    assert len(slugs) == 1, slugs  # the one published case
    public_url = f"/en/cases/{slugs.pop()}"
    for _ in range(3):  # B's public-page cache now holds the page
        assert anonymous.get(f"{cluster.server_b}{public_url}").status_code == 200
    form = person.form(f"{cluster.server_a}/staff/cases/3/unpublish")
    assert person.post(f"{cluster.server_a}/staff/cases/3/unpublish", form).status_code == 302
    assert anonymous.get(f"{cluster.server_b}{public_url}").status_code == 404


# --- Stopping one app server under load ---------------------------------------------------------------------

WRK_SCRIPT = """
local paths = {"/en/", "/en/cases", "/healthz", "/en/feed.atom"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[i % #paths + 1])
end
"""


def _editor(cluster: Cluster, case_id: int, stop: threading.Event, results: dict[str, Any]) -> None:
    """Keeps saving one case through nginx with a new marker in its title; remembers what was acknowledged."""
    person = cluster.browser()
    person.signed_in(cluster.nginx, EDITOR)
    acknowledged: list[str] = []
    attempted: list[str] = []
    errors = 0
    while not stop.is_set():
        marker = f"Saved {secrets.token_hex(5)}"
        try:
            fields = person.form(f"{cluster.nginx}/staff/cases/{case_id}/edit")
            fields["title"] = marker
            attempted.append(marker)
            answer = person.post(f"{cluster.nginx}/staff/cases/{case_id}/edit", fields)
        except Exception:  # noqa: BLE001 - counted: an error the person sees, and tries again
            errors += 1
            continue
        if answer.status_code == 302:
            acknowledged.append(marker)
        else:
            errors += 1
    results[case_id] = {"acknowledged": acknowledged, "attempted": attempted, "errors": errors}


def test_stopping_one_app_server_under_load_loses_no_request_and_no_saved_edit(cluster: Cluster) -> None:
    (cluster.root / "paths.lua").write_text(WRK_SCRIPT, encoding="utf-8")
    stop_editing = threading.Event()
    results: dict[int, Any] = {}
    editors = [threading.Thread(target=_editor, args=(cluster, case_id, stop_editing, results)) for case_id in (2, 4)]
    for thread in editors:
        thread.start()
    wrk = subprocess.Popen(
        ["wrk", "-t2", "-c12", "-d8s", "--timeout", "5s", "-s", str(cluster.root / "paths.lua"), cluster.nginx],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(3)
    server_b = cluster.processes["server-b"]
    os.kill(server_b.pid, signal.SIGTERM)  # what `systemctl stop casefiles` sends (KillMode=mixed)
    assert server_b.wait(timeout=40) == 0, cluster.log("server-b")[-2000:]
    output, _ = wrk.communicate(timeout=60)
    stop_editing.set()
    for thread in editors:
        thread.join(timeout=60)

    print(output)  # noqa: T201 - the figures, for the record
    requests_done = int(re.search(r"(\d+) requests in", output).group(1))
    assert requests_done > 100, output
    assert "Non-2xx or 3xx responses" not in output, output
    assert "Socket errors" not in output, output
    assert "Shutting down" in cluster.log("server-b") or "Handling signal: term" in cluster.log("server-b")

    assert set(results) == {2, 4}, "an editor stopped early"
    reader = cluster.browser()
    reader.signed_in(cluster.nginx, EDITOR)
    for case_id, outcome in results.items():
        print(f"case {case_id}: {len(outcome['acknowledged'])} saves acknowledged, {outcome['errors']} errors")  # noqa: T201
        assert outcome["acknowledged"], f"no save went through for case {case_id}"
        title = reader.form(f"{cluster.nginx}/staff/cases/{case_id}/edit")["title"]
        last = outcome["acknowledged"][-1]
        # The last acknowledged save is what the case holds, unless a later save reached the database and only
        # its answer was lost on the way back: never an older one.
        later = outcome["attempted"][outcome["attempted"].index(last) :]
        assert title in later, (title, last)
    assert cluster.processes["server-a"].poll() is None
