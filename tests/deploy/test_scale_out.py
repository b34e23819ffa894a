"""Scale-out on one machine, as deployed: two gunicorn instances (``deploy/gunicorn.conf.py``) behind nginx
(the proxy settings of ``deploy/nginx/peerreview-proxy.conf``) and two rq workers, all on one PostgreSQL and
one Redis.

A session is a signed cookie whose user is checked against the database on every request (``id:session_token``),
so it must work on whichever instance gets the request, and end on all of them at once; a job queued by one
instance must be done by the shared workers.

Needs PostgreSQL and Redis (``PEERREVIEW_TEST_DATABASE_URL``, ``PEERREVIEW_TEST_REDIS_URL``) and nginx; skipped
with a reason otherwise. CI sets ``PEERREVIEW_TEST_REQUIRE_NGINX=1`` and installs nginx, so there a missing
nginx fails instead of skipping.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from peerreview.mail.models import OutgoingMail
from tests.conftest import DATABASE_URL, REDIS_URL, ROOT
from tests.factories import PASSWORD

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
SERVICES = bool(DATABASE_URL and REDIS_URL and DATABASE_URL.startswith("postgresql"))
if os.environ.get("PEERREVIEW_TEST_REQUIRE_NGINX") and not (NGINX and SERVICES):
    raise RuntimeError("PEERREVIEW_TEST_REQUIRE_NGINX is set but nginx, PostgreSQL or Redis is missing")

pytestmark = [
    pytest.mark.real_commits,  # the instances and workers are other processes: they see only committed data
    pytest.mark.skipif(not SERVICES, reason="needs PostgreSQL and Redis (PEERREVIEW_TEST_DATABASE_URL/_REDIS_URL)"),
    pytest.mark.skipif(NGINX is None, reason="needs nginx (apt-get install nginx)"),
]

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
SECRET = "scale-out-test-secret-" + "0123456789abcdef" * 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        ok = connection.getresponse().status == 200
        connection.close()
        return ok
    except OSError:
        return False


@dataclass
class Browser:
    """Cookies of one person, sent to whichever port we choose: the instances share nothing but the
    database, Redis and the secret key."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, port: int, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        headers = {"Host": "localhost"}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                if value and "expires=thu, 01 jan 1970" not in header.lower():
                    self.cookies[name.strip()] = value
                else:
                    self.cookies.pop(name.strip(), None)
            return response.status, response.headers.get("Location", ""), text
        finally:
            connection.close()

    def post_form(self, port: int, path: str, data: dict[str, str], token_from: str | None = None) -> tuple[int, str]:
        status, _, page = self.request(port, "GET", token_from or path)
        match = CSRF_RE.search(page)
        assert status == 200 and match, f"no form on {token_from or path} ({status})"
        status, location, _ = self.request(port, "POST", path, {"csrf_token": match.group(1) or match.group(2), **data})
        return status, location


@dataclass
class Stack:
    web: list[int]  # the two gunicorn instances
    nginx: int
    logs: Path

    def served(self, instance: int, path: str) -> int:
        """How many GETs of ``path`` the instance's access log shows."""
        return (self.logs / f"web{instance}.log").read_text(errors="replace").count(f'"GET {path} HTTP')


NGINX_CONF = """
daemon off;
master_process off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream peerreview_web {{
        server 127.0.0.1:{web0} max_fails=1 fail_timeout=5s;
        server 127.0.0.1:{web1} max_fails=1 fail_timeout=5s;
    }}
    server {{
        listen 127.0.0.1:{port};
        include {proxy_conf};
        location / {{ proxy_pass http://peerreview_web; }}
    }}
}}
"""


@pytest.fixture(scope="module")
def stack(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("scale-out")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PEERREVIEW_")},
        "PEERREVIEW_ENV": "testing",
        "PEERREVIEW_SECRET_KEY": SECRET,
        "PEERREVIEW_DATABASE_URL": database_url,
        "PEERREVIEW_REDIS_URL": REDIS_URL or "",
        "PEERREVIEW_SESSION_COOKIE_SECURE": "false",
        "PEERREVIEW_BASE_URL": "http://localhost",
        "WEB_CONCURRENCY": "2",
        "PYTHONUNBUFFERED": "1",
    }
    web = [free_port(), free_port()]
    nginx_port = free_port()
    processes: list[subprocess.Popen] = []
    logs = []

    def start(name: str, command: list[str]) -> None:
        log = (tmp / f"{name}.log").open("wb")
        logs.append(log)
        processes.append(
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        )

    try:
        for n, port in enumerate(web):
            gunicorn = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "-b", f"127.0.0.1:{port}"]
            start(f"web{n}", [*gunicorn, "wsgi:app"])
        for n in range(2):
            start(f"worker{n}", [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "default", "pdf"])
        conf = tmp / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                tmp=tmp,
                web0=web[0],
                web1=web[1],
                port=nginx_port,
                proxy_conf=ROOT / "deploy" / "nginx" / "peerreview-proxy.conf",
            )
        )
        start("nginx", [str(NGINX), "-c", str(conf), "-p", str(tmp)])
        for port in (*web, nginx_port):
            wait_for(lambda port=port: answers(port), 60, f"port {port} to answer /healthz")
        yield Stack(web, nginx_port, tmp)
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        for log in logs:
            log.close()


def test_a_session_started_on_one_instance_works_on_the_other_and_a_logout_there_ends_it_on_both(stack, make):
    user = make.user(gemeente=make.gemeente(), name="Ilse Schaalvast")
    browser = Browser()
    first, second = stack.web

    status, location = browser.post_form(first, "/inloggen", {"email": user.email, "password": PASSWORD})
    assert status == 302 and "/inloggen" not in location
    copied = dict(browser.cookies)

    status, _, page = browser.request(second, "GET", "/account")
    assert status == 200 and "Ilse Schaalvast" in page

    status, location = browser.post_form(second, "/uitloggen", {}, token_from="/account")
    assert status == 302 and "/inloggen" in location
    # The cookie from before the logout, replayed on the first instance: the user's session token changed
    # in the database, so the signed cookie no longer logs anyone in there either.
    status, location, _ = Browser(copied).request(first, "GET", "/account")
    assert status == 302 and "/inloggen" in location


def test_nginx_spreads_one_persons_requests_over_both_instances_and_every_one_is_served_logged_in(stack, make):
    user = make.user(gemeente=make.gemeente(), name="Bram Tweeling")
    browser = Browser()
    status, _ = browser.post_form(stack.nginx, "/inloggen", {"email": user.email, "password": PASSWORD})
    assert status == 302
    before = [stack.served(n, "/account") for n in (0, 1)]

    pages = [browser.request(stack.nginx, "GET", "/account") for _ in range(6)]

    assert all(status == 200 and "Bram Tweeling" in page for status, _, page in pages)
    wait_for(lambda: sum(stack.served(n, "/account") for n in (0, 1)) - sum(before) == 6, 5, "the access logs")
    assert all(stack.served(n, "/account") > before[n] for n in (0, 1)), "one instance got every request"


def test_jobs_queued_through_either_instance_are_done_by_the_shared_workers(stack, make, session):
    gemeente = make.gemeente()
    users = [make.user(gemeente=gemeente) for _ in range(4)]
    for n, user in enumerate(users):  # a password reset e-mail, queued by the instance that got the request
        status, _ = Browser().post_form(stack.web[n % 2], "/wachtwoord-vergeten", {"email": user.email})
        assert status in (200, 302)

    def delivered() -> list[OutgoingMail]:
        session.expire_all()
        recipients = [u.email for u in users]
        return session.scalars(
            select(OutgoingMail).where(OutgoingMail.recipient.in_(recipients), OutgoingMail.sent_at.is_not(None))
        ).all()

    wait_for(lambda: len(delivered()) == 4, 60, "the workers to deliver the four e-mails")
    assert sorted(m.recipient for m in delivered()) == sorted(u.email for u in users)
