"""Gunicorn settings for peerreview: ``gunicorn -c deploy/gunicorn.conf.py wsgi:app``.

Environment overrides: WEB_CONCURRENCY (workers), GUNICORN_BIND (listen address),
FORWARDED_ALLOW_IPS (proxies whose X-Forwarded-* headers gunicorn trusts).
"""

import gc
import os
import sys
import time

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

# Recycle workers now and then to contain slow memory growth. Under even load every worker reaches
# max_requests at about the same moment; with the old 1000 ± 100 all five restarted within 1-2 s of each
# other. Two measures keep restarts apart (post_fork below): the first generation of workers, which starts
# together, gets staggered limits (worker n of N: max_requests × (1 + n/N)), and the jitter is half of
# max_requests instead of a tenth, so replacements drift apart instead of back together. A restart is
# cheap anyway (preload_app below): a fork, not a fresh import of the app.
max_requests = 1000
max_requests_jitter = 500

timeout = 60  # a worker silent this long is killed (nginx waits 75 s)
graceful_timeout = 30  # on stop/reload, time for in-flight requests to finish
keepalive = 5  # only used by async workers; sync workers close after each response

# The master imports the app once (the code, the questionnaire YAML, the templates' environment) and
# every worker is a fork of it: a worker (re)start costs a few milliseconds of CPU instead of about 1.5 s
# of imports and parsing, and the workers share that memory copy-on-write. The database engine (its
# connection pool) is built in the master too; post_fork gives every worker its own pool.
# The price: SIGHUP (systemctl reload) restarts the workers but does not load new code, since the master
# holds it. Deploy new code with a restart (docs/deployment.md: one instance at a time behind nginx).
preload_app = True


def post_fork(server, worker):
    """In the new worker: its own database connections, and its place in the restart schedule."""
    app = server.app.wsgi()  # with preload_app: the app the master loaded, inherited by fork
    engine = getattr(app, "extensions", {}).get("peerreview.engine")
    if engine is not None:
        # Connections the master may have opened belong to the master: forget them without closing them
        # (closing would end the master's sessions), and let this worker open its own.
        engine.dispose(close=False)
    if worker.age <= server.num_workers and worker.max_requests < sys.maxsize:
        worker.max_requests += (worker.age - 1) * server.cfg.max_requests // server.num_workers


def post_worker_init(worker):
    """The app is loaded: move everything it built at start-up out of the garbage collector's way,
    so that a large page is not paused by full collections that walk all those objects again.
    Logs the CPU the worker needed to get here (a forked child's CPU clock starts at zero)."""
    gc.freeze()
    worker.log.info(
        "Worker %s ready after %.0f ms of CPU; recycled after %s requests",
        worker.pid,
        time.process_time() * 1000,
        worker.max_requests,
    )


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
