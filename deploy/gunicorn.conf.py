"""Gunicorn settings of a Casefiles app server; deploy/systemd/casefiles.service passes `--config` this file.

The options on the unit's command line (workers, address, timeouts) come on top of these.
"""

import atexit

# No control socket in the service user's home: systemctl is the control, and two app servers on one machine
# would otherwise share one socket path.
control_socket_disable = True


def post_worker_init(worker):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    """A stopping worker closes its copy of the listening socket as soon as its last request is answered.

    Otherwise the socket stays open while the interpreter tears itself down (a second or more on a busy machine):
    new connections wait in the kernel's backlog and are reset only then, so nginx would retry a page late and
    answer a save with 502. Closed at once, the kernel refuses them and nginx sends them straight to another server.
    """

    def close_listeners() -> None:
        for listener in worker.sockets:
            listener.close()

    atexit.register(close_listeners)
