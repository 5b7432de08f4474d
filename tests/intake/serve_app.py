"""One app server process on loopback for the multi-process tests: python serve_app.py DATABASE_URL PORT LIMIT."""

from __future__ import annotations

import sys

from werkzeug.serving import make_server

from casefiles import create_app

if __name__ == "__main__":
    database_url, port, limit, storage = sys.argv[1:5]
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_STORAGE": storage,
            "INTAKE_LIMIT_PER_ADDRESS": limit,
            "INTAKE_MIN_SECONDS": 0,
            "MAIL_SERVER": "",
        },
    )
    make_server("127.0.0.1", int(port), app, threaded=True).serve_forever()
