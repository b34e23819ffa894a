"""A worker killed mid-job (SIGKILL to the rq worker and its work horse, as the OOM killer or a
power cut would): the job's heartbeat stops, the dispatcher hands it over again, and it finishes once."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import pytest

from peerreview.jobs import JobOutbox
from peerreview.mail.models import OutgoingMail
from tests.conftest import DATABASE_URL, REDIS_URL, ROOT

STALE_SECONDS = 2


@pytest.fixture
def config_overrides():
    return {"JOB_STALE_SECONDS": STALE_SECONDS, "JOB_HEARTBEAT_SECONDS": 0.5}


def wait_for(condition, timeout=15.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def start_worker():
    env = {
        **os.environ,
        "PEERREVIEW_ENV": "testing",
        "PEERREVIEW_SECRET_KEY": "test-secret-key",
        "PEERREVIEW_DATABASE_URL": DATABASE_URL,
        "PEERREVIEW_REDIS_URL": REDIS_URL,
        "PEERREVIEW_JOB_HEARTBEAT_SECONDS": "0.5",
        "PEERREVIEW_JOB_STALE_SECONDS": str(STALE_SECONDS),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "default"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def kill_worker_and_horse(worker: subprocess.Popen) -> None:
    """SIGKILL to the rq worker and to its work horse (rq puts the horse in a session of its own)."""
    horses = children(worker.pid)
    os.kill(worker.pid, signal.SIGKILL)
    for horse in horses:
        with contextlib.suppress(ProcessLookupError):
            os.kill(horse, signal.SIGKILL)
    worker.wait(timeout=5)


def test_a_job_whose_worker_is_killed_is_handed_over_again_and_finishes_once(app, session, run_jobs):
    from peerreview import db, jobs
    from tests.faults.jobs_for_tests import hang_once_then_deliver

    runs_key = f"fault-test-runs-{os.getpid()}"
    with app.app_context():
        jobs.redis_connection().delete(runs_key)
        s = db.session()
        message = OutgoingMail(recipient="a@example.nl", subject="s", body_text="t", body_html="h")
        s.add(message)
        s.flush()
        row = jobs.enqueue_after_commit(s, hang_once_then_deliver, mail_id=message.id, runs_key=runs_key)
        s.commit()  # handed to rq right after the commit
    worker = start_worker()
    try:

        def beating():
            session.expire_all()
            running = session.get(JobOutbox, row.id)
            return running.started_at is not None and running.heartbeat_at > running.started_at

        wait_for(beating, what="the job to run and its heartbeat to beat")
        kill_worker_and_horse(worker)
    finally:
        if worker.poll() is None:
            kill_worker_and_horse(worker)
    session.expire_all()
    assert session.get(OutgoingMail, message.id).sent_at is None  # it died mid-job

    with app.app_context():
        wait_for(lambda: jobs.recover_stale() == 1, timeout=STALE_SECONDS + 5, what="the heartbeat to go stale")
        assert jobs.dispatch() == 1
    assert run_jobs() == 1
    session.expire_all()
    stored = session.get(OutgoingMail, message.id)
    assert stored.sent_at is not None and stored.attempts == 1  # finished, once
    done = session.get(JobOutbox, row.id)
    assert done.done_at is not None and done.attempts == 2
    with app.app_context():
        assert int(jobs.redis_connection().get(runs_key)) == 2
