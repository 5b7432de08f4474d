"""WSGI entry point: `gunicorn wsgi:app`."""

import gc

from casefiles import create_app

app = create_app()

# What starting made (modules, mappings, the template environment, about 100,000 objects) lives as long as the
# worker: set it aside from the garbage collector, whose full collections otherwise walked it all, 60-80 ms in the
# middle of a request, every few dozen requests. A full collection now walks what requests made (under 10 ms).
gc.freeze()
