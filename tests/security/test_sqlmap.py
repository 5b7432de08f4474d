"""sqlmap (Debian's) against the staff case search and filters, signed in, on a loopback server: nothing
injectable, and no input makes the app answer 500."""

from __future__ import annotations

import shutil
import subprocess
import threading

import pytest
from support import skip_or_fail
from werkzeug.serving import make_server

pytestmark = pytest.mark.scanner

PARAMETERS = "q,status,outcome,tag,region,sort"
USER_AGENT = "casefiles-security-scan"


def test_sqlmap_finds_nothing_in_search_and_filters(app, login, make_case, tmp_path) -> None:
    sqlmap = shutil.which("sqlmap")
    if sqlmap is None:
        skip_or_fail("sqlmap is not installed (apt-get install sqlmap)")
    login("admin")
    for n in range(3):
        make_case(title=f"Scanned case {n}", tags=["campus"], status="active")
    from flask import current_app

    client = current_app.test_client()
    # sign in through a fresh client so its cookie is the one sqlmap uses
    from casefiles.auth.models import User
    from casefiles.extensions import db

    admin = db.session.query(User).filter_by(role_value="admin").first()
    from support import PASSWORD

    # the same User-Agent as sqlmap: strong session protection ties the session to the browser
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    assert client.post("/login", data={"email": admin.email, "password": PASSWORD}).status_code == 302
    cookie = client.get_cookie("session").value

    app.config["PROPAGATE_EXCEPTIONS"] = False
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/staff/cases?q=campus&status=active&outcome=ongoing&tag=campus&region=Qu&sort=updated"
    command = [
        sqlmap,
        "-u",
        url,
        "-p",
        PARAMETERS,
        "--user-agent",
        USER_AGENT,
        "--cookie",
        f"session={cookie}",
        "--batch",
        "--level",
        "1",
        "--risk",
        "1",
        "--threads",
        "4",
        "--time-sec",
        "2",
        "--disable-coloring",
        "--flush-session",
        "--output-dir",
        str(tmp_path / "sqlmap"),
    ]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=300, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
        )
    finally:
        server.shutdown()
        thread.join(5)
    output = result.stdout + result.stderr
    (tmp_path / "sqlmap.log").write_text(output)
    assert "all tested parameters do not appear to be injectable" in output, output[-3000:]
    for line in output.splitlines():
        lowered = line.lower()
        assert "is vulnerable" not in lowered and "appears to be '" not in lowered, line
    assert "Internal Server Error" not in output and "(500)" not in output, output[-3000:]
    # sqlmap really reached the signed-in page (not the sign-in redirect)
    assert "got a 302 redirect" not in output.lower(), output[-2000:]
