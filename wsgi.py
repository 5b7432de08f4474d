"""WSGI entry point: `gunicorn wsgi:app`."""

from casefiles import create_app

app = create_app()
