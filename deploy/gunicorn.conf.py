"""Gunicorn settings for peerreview: ``gunicorn -c deploy/gunicorn.conf.py wsgi:app``.

Environment overrides: WEB_CONCURRENCY (workers), GUNICORN_BIND (listen address),
FORWARDED_ALLOW_IPS (proxies whose X-Forwarded-* headers gunicorn trusts).
"""

import gc
import os

from gunicorn.glogging import Logger


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))  # honours CPU pinning / cpusets
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: one request at a time per process, so one DB connection per worker.
# nginx buffers request and response bodies, so slow clients do not tie up a worker.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * _cpu_count() + 1))

# Recycle workers now and then to contain slow memory growth; jitter avoids all at once.
max_requests = 1000
max_requests_jitter = 100

timeout = 60  # a worker silent this long is killed (nginx waits 75 s)
graceful_timeout = 30  # on stop/reload, time for in-flight requests to finish
keepalive = 5  # only used by async workers; sync workers close after each response

# False on purpose: the app creates its SQLAlchemy engine (a connection pool) in create_app().
# Preloading would build it in the master and share its sockets across fork().
preload_app = False



def post_worker_init(worker):
    """The app is loaded: move everything it built at start-up out of the garbage collector's way,
    so that a large page is not paused by full collections that walk all those objects again."""
    gc.freeze()


# Heartbeat file on tmpfs: a disk-backed /tmp can stall workers and get them killed.
worker_tmp_dir = "/dev/shm"

# Only trust X-Forwarded-* from the local nginx (the app itself uses PEERREVIEW_PROXY_FIX_HOPS).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Request limits: gunicorn's defaults.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# No runtime control socket (gunicorn >= 25 puts one in $HOME/.gunicorn, read-only under systemd);
# systemd manages the master: HUP reloads workers, TERM stops gracefully.
control_socket_disable = True

# Logs to stdout/stderr: journald (systemd) or the container runtime collects them.
accesslog = "-"
errorlog = "-"
loglevel = "info"


class _AccessLogWithoutProbes(Logger):
    """Leave successful health probes out of the access log (they come every few seconds)."""

    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") in ("/healthz", "/readyz") and str(resp.status).startswith("200"):
            return
        super().access(resp, req, environ, request_time)


logger_class = _AccessLogWithoutProbes
