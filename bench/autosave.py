"""Autosave benchmark: latency and throughput of concurrent editors on PostgreSQL under gunicorn.

    .venv/bin/python bench/autosave.py                             # 20 editors, own question, flat out
    .venv/bin/python bench/autosave.py --same-answer --seconds 10  # 20 editors on ONE question
    .venv/bin/python bench/autosave.py --rate 100                  # latency at 100 saves/s offered
    .venv/bin/python bench/autosave.py --seconds 60                # workers recycle: p99 at most 3 × p50

What it does, all on 127.0.0.1 and bounded in time:

1. drops and creates a PostgreSQL database (default ``peerreview_bench``), migrates it with
   ``flask db upgrade`` and seeds it with the app's own models: one gemeente, 20 contributors,
   a round and one visitatie (basisversie);
2. starts gunicorn exactly as deployed (``deploy/gunicorn.conf.py``, production settings) on a free port;
3. logs every editor in through the login form (own cookies), opens the editor page for its CSRF
   token and then saves as fast as it can (or paced, ``--rate``): each save sends the revision of the
   previous response as its base, with a paragraph of 150–250 words that grows a little with every
   save; ``--same-answer`` puts all editors on one question and takes the base from each 409;
4. prints saves per second and latency percentiles (only 200 responses), non-200 counts, where the
   CPU went (gunicorn workers, PostgreSQL backends, this load generator, other processes: read from
   /proc, so a busy machine shows up), and checks in the database that every answer has exactly as
   many revisions as its revision number and as the client saw 200 responses (nothing lost,
   nothing silently overwritten);
5. stops gunicorn and drops the database (``--keep`` keeps it).

Targets (issue 14): p95 at most 50 ms and at least 250 saves per second on a 2-core machine, for
editors on their own questions, and p99 at most 3 × p50 over a run in which workers recycle (60 s).
Flat out, each editor waits for its answer before saving again, so mean latency = editors / throughput
(Little's law): the throughput target is read flat out, the latency target at a given offered load
(``--rate``). The load generator shares the cores.
A benchmark, not a test: it measures and prints; the exit status is 0 unless the run itself broke.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/peerreview_bench"
PASSWORD = "bench-wachtwoord-lang-genoeg"  # noqa: S105  (throwaway accounts in a throwaway database)
TARGET_P95_MS = 50.0
TARGET_SAVES_PER_SECOND = 250.0
# No latency cliff when gunicorn recycles its workers (max_requests): over a run long enough for every
# worker to restart at least once (60 s flat out), p99 at most this many times p50.
TARGET_P99_OVER_P50 = 3.0
HTTP_TIMEOUT = 30.0
CSRF_RE = re.compile(
    r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"|<input[^>]*value="([^"]+)"[^>]*name="csrf_token"'
)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", None, ""}


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def cpu_reference() -> float:
    """CPU ms of a fixed pure-Python loop: shows how fast this (shared, virtual) machine is right now."""
    started, total = time.process_time(), 0
    for i in range(1_000_000):
        total += i * i % 7
    return (time.process_time() - started) * 1000


# --- the database --------------------------------------------------------------------------------------


def maintenance_conninfo(url: str) -> tuple[str, str]:
    """(libpq URL of the ``postgres`` maintenance database, name of the bench database)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        raise SystemExit("--database-url must be a PostgreSQL URL")
    if parsed.host not in LOCAL_HOSTS:
        raise SystemExit(f"refusing to use database host {parsed.host!r}: the benchmark runs on 127.0.0.1 only")
    name = parsed.database or ""
    if "bench" not in name:
        raise SystemExit(f"refusing to drop database {name!r}: its name must contain 'bench'")
    maintenance = parsed.set(drivername="postgresql", database="postgres")
    return maintenance.render_as_string(hide_password=False), name


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    conninfo, name = maintenance_conninfo(url)
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    conninfo, name = maintenance_conninfo(url)
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def settle_database(url: str) -> None:
    """VACUUM ANALYZE, as autovacuum does some time after a bulk load: the visibility map is set, so the
    planner can use index-only scans (a search over 50,000 freshly inserted passages otherwise reads
    the passage table instead of its covering index: about twice as slow)."""
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as connection:
        connection.execute("VACUUM ANALYZE")


# What production requires to start; autosave itself queues no jobs and sends no mail.
PRODUCTION_SERVICES = {
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
    "MAIL_BACKEND": "smtp",
    "BASE_URL": "https://127.0.0.1",
}


def app_env(url: str, secret: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERREVIEW_")}
    env.update(
        PEERREVIEW_ENV="production",
        PEERREVIEW_DATABASE_URL=url,
        PEERREVIEW_SECRET_KEY=secret,
        PEERREVIEW_SESSION_COOKIE_SECURE="false",
        PEERREVIEW_REMEMBER_COOKIE_SECURE="false",
        **{f"PEERREVIEW_{key}": value for key, value in PRODUCTION_SERVICES.items()},
    )
    return env


def migrate(env: dict[str, str]) -> None:
    result = subprocess.run(  # our own interpreter, fixed arguments
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"migration failed:\n{result.stdout}\n{result.stderr}")


@dataclass
class Seeded:
    visitatie_id: int
    emails: list[str]
    question_keys: list[str]


def seed(app, editors: int) -> Seeded:  # type: ignore[no-untyped-def]
    from peerreview import db
    from peerreview.accounts.auth import hash_password
    from peerreview.accounts.models import MembershipRole
    from peerreview.models import Gemeente, Membership, Round, RoundDeadline, User, Visitatie
    from peerreview.rounds.models import Phase, Variant
    from peerreview.selfeval import definitions

    definition = definitions.load("zelfevaluatie-basis", 1)
    richtext = [q.key for q in definition.questions.values() if q.kind == "richtext"]
    if len(richtext) < editors:
        raise SystemExit(f"the basisversie has only {len(richtext)} richtext questions for {editors} editors")
    password_hash = hash_password(PASSWORD)
    with app.app_context(), db.new_session() as s:
        gemeente = Gemeente(
            name="Benchdam", slug="benchdam", cbs_code="GM0150", province="Overijssel", inhabitants=101_000
        )
        s.add(gemeente)
        s.flush()
        emails = []
        for n in range(1, editors + 1):
            email = f"invuller{n:02d}@benchdam.example"
            user = User(email=email, name=f"Invuller {n:02d}", password_hash=password_hash)
            user.memberships.append(Membership(gemeente_id=gemeente.id, role=MembershipRole.CONTRIBUTOR))
            s.add(user)
            emails.append(email)
        round_ = Round(name="Benchronde 2026–2027", starts_on=date(2026, 9, 1), ends_on=date(2027, 6, 30))
        round_.deadlines.append(RoundDeadline(phase=Phase.ZELFEVALUATIE, due_on=date(2027, 1, 15)))
        s.add(round_)
        s.flush()
        visitatie = Visitatie(round_id=round_.id, gemeente_id=gemeente.id, variant=Variant.BASIS, definition_version=1)
        s.add(visitatie)
        s.commit()
        return Seeded(visitatie.id, emails, richtext[:editors])


def server_version(app) -> str:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from peerreview import db

    with app.app_context(), db.engine().connect() as connection:
        return str(connection.execute(text("SHOW server_version")).scalar())


def verify(app, visitatie_id: int, seen: dict[str, list[int]]) -> list[str]:  # type: ignore[no-untyped-def]
    """Per answer: revision == number of AnswerRevision rows == distinct numbers 1..revision == 200s seen."""
    from sqlalchemy import func, select

    from peerreview import db
    from peerreview.selfeval.models import Answer, AnswerRevision

    problems, lines = [], []
    with app.app_context(), db.new_session() as s:
        rows = s.execute(
            select(
                Answer.question_key,
                Answer.revision,
                func.count(AnswerRevision.id),
                func.count(func.distinct(AnswerRevision.number)),
                func.min(AnswerRevision.number),
                func.max(AnswerRevision.number),
            )
            .outerjoin(AnswerRevision, AnswerRevision.answer_id == Answer.id)
            .where(Answer.visitatie_id == visitatie_id)
            .group_by(Answer.id)
            .order_by(Answer.question_key)
        ).all()
    for key, revision, count, distinct, low, high in rows:
        numbers = seen.get(key, [])
        ok = (
            count == revision
            and distinct == revision
            and low == 1
            and high == revision
            and len(numbers) == revision
            and len(set(numbers)) == len(numbers)
        )
        if not ok:
            problems.append(
                f"  {key}: revision {revision}, {count} revision rows ({distinct} distinct numbers {low}..{high}), "
                f"{len(numbers)} saves answered 200 ({len(set(numbers))} distinct revisions)"
            )
    missing = sorted(set(seen) - {r[0] for r in rows})
    problems += [f"  {key}: saves answered 200 but no answer row" for key in missing]
    total_revisions = sum(r[2] for r in rows)
    lines.append(
        f"Database check: {len(rows)} answer(s), {total_revisions} AnswerRevision rows, "
        f"{sum(len(v) for v in seen.values())} saves answered 200 in total (warm-up included)"
    )
    if problems:
        lines.append("  FAILED — revisions lost or overwritten:")
        lines += problems
    else:
        lines.append(
            "  OK — for every answer: AnswerRevision rows = revision = 200 responses, numbered 1..revision "
            "without gaps or duplicates"
        )
    return lines


# --- gunicorn ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_ticks(pid: int) -> int | None:
    """User + system CPU of one process, in clock ticks (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime, stime


def machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # without guest time, which is already in user
    return total - idle, total


@dataclass
class CpuSnapshot:
    at: float
    machine: tuple[int, int]
    workers: dict[int, int]
    backends: dict[int, int]
    client: float


def cpu_snapshot(server: Server, app) -> CpuSnapshot:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from peerreview import db

    with app.app_context(), db.engine().connect() as connection:
        backend_pids = connection.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        ).scalars()
        backends = {pid: t for pid in backend_pids if (t := process_ticks(pid)) is not None}
    workers = {pid: t for pid in server.worker_pids() if (t := process_ticks(pid)) is not None}
    usage = os.times()
    return CpuSnapshot(time.perf_counter(), machine_ticks(), workers, backends, usage.user + usage.system)


def cpu_report(before: CpuSnapshot, after: CpuSnapshot, count: int, unit: str, cores: int) -> list[str]:
    """Where the CPU went during the measured window: per save (or request), and as a share of the machine."""

    def seconds(a: dict[int, int], b: dict[int, int]) -> float:
        return sum(b[pid] - a[pid] for pid in a.keys() & b.keys()) / CLOCK_TICKS

    wall = after.at - before.at
    busy = (after.machine[0] - before.machine[0]) / CLOCK_TICKS
    workers, backends = seconds(before.workers, after.workers), seconds(before.backends, after.backends)
    client = after.client - before.client
    other = max(0.0, busy - workers - backends - client)
    per_save = 1000 / max(1, count)

    def share(cpu: float) -> str:
        return f"{100 * cpu / (wall * cores):4.0f}% of the machine"

    return [
        f"CPU in the measured window ({cores} cores × {wall:.1f} s):",
        f"  gunicorn workers   {workers * per_save:6.1f} ms per {unit:7s} {share(workers)}",
        f"  PostgreSQL         {backends * per_save:6.1f} ms per {unit:7s} {share(backends)}",
        f"  load generator     {client * per_save:6.1f} ms per {unit:7s} {share(client)}",
        f"  other processes    {other * per_save:6.1f} ms per {unit:7s} {share(other)}  (not this benchmark)",
        f"  idle                                        {share(wall * cores - busy)}",
    ]


class Server:
    """gunicorn under ``deploy/gunicorn.conf.py`` on a free port; ``app`` may name another WSGI app
    (``bench/pages.py`` runs its bare Flask page this way, with ``pythonpath="bench"``)."""

    def __init__(
        self, env: dict[str, str], workers: int, log_path: Path, app: str = "wsgi:app", pythonpath: str | None = None
    ) -> None:
        self.port = free_port()
        self.workers = workers
        self.log_path = log_path
        env = dict(env, WEB_CONCURRENCY=str(workers), GUNICORN_BIND=f"127.0.0.1:{self.port}")
        self.log = log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603  (our own interpreter, fixed arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "deploy/gunicorn.conf.py",
                "-b",
                f"127.0.0.1:{self.port}",
                *(["--pythonpath", pythonpath] if pythonpath else []),
                app,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited early; see {self.log_path}:\n{self.log_path.read_text()[-3000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    # /healthz answers as soon as one worker is up; wait until all of them booted.
                    while self.boots() < self.workers and time.monotonic() < deadline:
                        time.sleep(0.1)
                    return
                connection.close()
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer /healthz within {timeout:.0f} s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def boots(self) -> int:
        return self.log_path.read_text(errors="replace").count("Booting worker with pid")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: in-flight requests finish
            try:
                self.process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # our own session: master and its workers
                self.process.wait(timeout=10)
        self.log.close()


# --- the editors ---------------------------------------------------------------------------------------

SENTENCES = [
    "De toegang tot jeugdhulp loopt bij ons via het wijkteam, dat in elk van de vier kernen een vast inlooppunt heeft.",
    "Ouders weten het wijkteam steeds beter te vinden, vooral sinds de samenwerking met de huisartsen is versterkt.",
    "Bij complexe vragen sluit een gedragswetenschapper aan, zodat de eerste inschatting niet bij één persoon ligt.",
    "We zien dat de wachttijd voor specialistische hulp het afgelopen jaar is opgelopen tot gemiddeld elf weken.",
    "In die periode biedt het wijkteam overbruggingszorg, maar gezinnen ervaren dit niet altijd als passend.",
    "Het onderwijs is een belangrijke vindplaats; de schoolmaatschappelijk werkers overleggen maandelijks met ons.",
    "Met de regiogemeenten hebben we afspraken gemaakt over de inkoop van verblijf en de crisisdienst.",
    "Een knelpunt blijft de overgang naar volwassenheid, waarbij jongeren rond hun achttiende buiten de boot vallen.",
    "Daarom werken we sinds vorig jaar met een vaste contactpersoon die al vanaf zestien jaar meekijkt.",
    "De cijfers over herhaald beroep laten zien dat ongeveer een op de vijf gezinnen binnen een jaar terugkomt.",
    "Dat vraagt om betere nazorg en om een scherpere afspraak over wanneer een traject echt is afgerond.",
    "De gemeenteraad volgt de ontwikkelingen via een halfjaarlijkse rapportage met cijfers en verhalen.",
    "In gesprekken met jongeren horen we terug dat zij zelf meer willen meebeslissen over hun hulpplan.",
    "We hebben daarom een jongerenpanel opgericht dat twee keer per jaar meedenkt over beleid en uitvoering.",
    "Aanbieders geven aan dat de administratieve lasten hoog zijn; samen met de regio onderzoeken we vereenvoudiging.",
    "De samenwerking met de gecertificeerde instellingen is goed, al is de doorlooptijd van onderzoeken soms lang.",
    "Voor gezinnen met meervoudige problemen zetten we de aanpak één gezin, één plan, één regisseur in.",
    "Het budget voor jeugdhulp is de afgelopen drie jaar overschreden; de grootste groei zit in ambulante hulp.",
    "We willen daarom meer investeren in preventie, zoals opvoedondersteuning en laagdrempelige groepsaanbiedingen.",
    "Tegelijk bewaken we dat kinderen die specialistische hulp nodig hebben die ook tijdig krijgen.",
    "In de komende periode evalueren we de inzet van praktijkondersteuners jeugd bij de huisartsen.",
    "De eerste resultaten zijn bemoedigend: minder verwijzingen naar de tweede lijn en tevreden ouders.",
    "Wel merken we dat het lastig is om voldoende gekwalificeerde medewerkers te vinden en te behouden.",
    "Daarover zijn we in gesprek met de hogeschool en met aanbieders in de regio.",
]


def paragraph_bodies(rng: random.Random, count: int = 100) -> list[str]:
    """``count`` successive versions of an answer: 150 words growing by one word per save."""
    sentences = SENTENCES[:]
    rng.shuffle(sentences)
    words = " ".join(sentences * 3).split()
    bodies = []
    for n in range(count):
        text = words[: 150 + n]
        paragraphs = [" ".join(text[i : i + 60]) for i in range(0, len(text), 60)]
        paragraphs[0] = f"<strong>{paragraphs[0]}</strong>" if n % 7 == 0 else paragraphs[0]
        bodies.append("".join(f"<p>{p}</p>" for p in paragraphs))
    return bodies


class Client:
    """One browser: its own cookies, one new connection per request (sync workers close them anyway)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        all_headers = dict(headers or {})
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HTTP_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                expired = "max-age=0" in header.lower() or "1970" in header
                if expired or not value:
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = value
            return response.status, dict(response.headers.items()), data
        finally:
            connection.close()

    def csrf(self, path: str) -> str:
        status, _, body = self.request("GET", path)
        match = CSRF_RE.search(body.decode())
        if status != 200 or match is None:
            raise RuntimeError(f"GET {path}: {status}, no csrf_token")
        return match.group(1) or match.group(2)

    def login(self, email: str) -> None:
        token = self.csrf("/inloggen")
        status, headers, _ = self.request(
            "POST", "/inloggen", {"csrf_token": token, "email": email, "password": PASSWORD}
        )
        if status != 302 or "/inloggen" in headers.get("Location", ""):
            raise RuntimeError(f"login {email}: {status} {headers.get('Location')}")
        if "peerreview_session" not in self.cookies:
            raise RuntimeError(f"login {email}: no peerreview_session cookie")


@dataclass
class Sample:
    start: float
    end: float
    status: int  # 0: connection error


@dataclass
class Editor:
    email: str
    key: str
    bodies: list[str]
    samples: list[Sample] = field(default_factory=list)
    revisions: list[int] = field(default_factory=list)  # the revision of every 200, warm-up included
    offset: float = 0.0  # paced mode: where in the interval this editor saves (0..1), spreads the load
    error: str | None = None


def run_editor(
    editor: Editor,
    port: int,
    visitatie_id: int,
    ready: threading.Barrier,
    clock: list[float],
    interval: float | None,
) -> None:
    """Log in, open the editor page, then save until ``clock[1]``: back to back, or every ``interval`` s."""
    client = Client(port)
    try:
        client.login(editor.email)
        token = client.csrf(f"/visitaties/{visitatie_id}/zelfevaluatie/onderdelen/s1")
    except Exception as error:
        editor.error = f"{type(error).__name__}: {error}"
        ready.abort()
        return
    try:
        ready.wait(timeout=120)
    except threading.BrokenBarrierError:
        return
    path = f"/visitaties/{visitatie_id}/zelfevaluatie/antwoorden/{editor.key}"
    headers = {"X-Requested-With": "fetch", "Accept": "application/json"}
    base, n = 0, 0
    next_at = clock[0] + (interval or 0) * editor.offset
    while time.perf_counter() < clock[1]:
        if interval is not None:  # paced: one save per interval; a late editor does not catch up in a burst
            time.sleep(max(0.0, next_at - time.perf_counter()))
            next_at = max(next_at + interval, time.perf_counter())
        form = {
            "csrf_token": token,
            f"{editor.key}.__base": str(base),
            f"{editor.key}.html": editor.bodies[n % len(editor.bodies)],
        }
        t0 = time.perf_counter()
        try:
            status, _, body = client.request("POST", path, form, headers)
        except OSError:
            editor.samples.append(Sample(t0, time.perf_counter(), 0))
            time.sleep(0.05)
            continue
        t1 = time.perf_counter()
        editor.samples.append(Sample(t0, t1, status))
        if status == 200:
            base = json.loads(body)["revision"]
            editor.revisions.append(base)
            n += 1
        elif status == 409:
            base = json.loads(body)["current"]["revision"]  # the user merges, then saves on the stored version
        else:
            time.sleep(0.05)  # logged out, CSRF, 5xx: do not spin


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))  # nearest rank
    return ordered[rank]


def run(args: argparse.Namespace) -> int:
    from peerreview import create_app

    secret = "bench-" + os.urandom(24).hex()
    workers = args.workers or 2 * cpu_count() + 1
    mode = "same answer (all editors on one question)" if args.same_answer else "own answer per editor"
    mode += f", paced at {args.rate:g} saves/s in total" if args.rate else ", each saving back to back"
    print(f"peerreview autosave benchmark — {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}", flush=True)
    print(f"Setting up {args.database_url.rsplit('/', 1)[-1]} …", flush=True)
    recreate_database(args.database_url)
    env = app_env(args.database_url, secret)
    server = None
    app = None
    tmp = tempfile.mkdtemp(prefix="peerreview-bench-")
    try:
        migrate(env)
        app = create_app(
            {"ENV": "production", "DATABASE_URL": args.database_url, "SECRET_KEY": secret, **PRODUCTION_SERVICES}
        )
        seeded = seed(app, args.editors)
        pg_version = server_version(app)
        server = Server(env, workers, Path(tmp) / "gunicorn.log")
        server.wait_ready()
        boots_before = server.boots()
        reference_before = cpu_reference()

        rng = random.Random(2026)  # noqa: S311  (test text, not security)
        keys = [seeded.question_keys[0]] * args.editors if args.same_answer else seeded.question_keys
        editors = [
            Editor(email, key, paragraph_bodies(random.Random(rng.random())))  # noqa: S311
            for email, key in zip(seeded.emails, keys, strict=True)
        ]
        clock = [0.0, float("inf")]  # start, stop
        interval = args.editors / args.rate if args.rate else None
        for i, editor in enumerate(editors):
            editor.offset = i / args.editors

        def set_clock() -> None:  # runs once, when the last editor is ready, before any is released
            clock[0] = time.perf_counter()
            clock[1] = clock[0] + args.warmup + args.seconds

        ready = threading.Barrier(args.editors + 1, action=set_clock)
        threads = [
            threading.Thread(
                target=run_editor, args=(e, server.port, seeded.visitatie_id, ready, clock, interval), daemon=True
            )
            for e in editors
        ]
        for thread in threads:
            thread.start()
        try:
            ready.wait(timeout=180)  # every editor logged in and has its editor page open
        except threading.BrokenBarrierError:
            errors = [e.error for e in editors if e.error]
            raise SystemExit(f"editors could not start: {errors[:3]}; see {server.log_path}") from None
        measure_from, measure_to = clock[0] + args.warmup, clock[1]
        print(
            f"{args.editors} editors logged in; {args.warmup:g} s warm-up, then {args.seconds:g} s measured …",
            flush=True,
        )
        time.sleep(max(0.0, measure_from - time.perf_counter()))
        cpu_before = cpu_snapshot(server, app)
        time.sleep(max(0.0, measure_to - time.perf_counter()))
        cpu_after = cpu_snapshot(server, app)
        for thread in threads:
            thread.join(timeout=args.warmup + args.seconds + HTTP_TIMEOUT + 10)
        boots_after = server.boots()
        reference_after = cpu_reference()

        measured = [s for e in editors for s in e.samples if measure_from <= s.start and s.end <= measure_to]
        ok_ms = [(s.end - s.start) * 1000 for s in measured if s.status == 200]
        conflict_ms = [(s.end - s.start) * 1000 for s in measured if s.status == 409]
        others = Counter(s.status for s in measured if s.status not in (200, 409))
        seen: dict[str, list[int]] = {}
        for e in editors:
            seen.setdefault(e.key, []).extend(e.revisions)
        saves_per_second = len(ok_ms) / args.seconds
        p95 = percentile(ok_ms, 95)

        out = [
            "",
            f"Mode:               {mode}",
            f"Machine:            {cpu_count()} CPU core(s) (load generator on the same cores)",
            f"CPU speed check:    {reference_before:.0f} ms before, {reference_after:.0f} ms after "
            "(a fixed Python loop, idle server; lower = faster machine right now)",
            f"PostgreSQL:         {pg_version}",
            f"Gunicorn:           {workers} sync workers (deploy/gunicorn.conf.py, PEERREVIEW_ENV=production)",
            f"Worker restarts:    {boots_after - boots_before} during the run (max_requests recycling)",
            f"Editors:            {args.editors} (threads, each logged in as its own contributor)",
            f"Measured:           {args.seconds:g} s after {args.warmup:g} s warm-up",
            "",
            f"Saves (200):        {len(ok_ms)}",
            f"Saves per second:   {saves_per_second:.1f}",
            "Latency of 200s:    p50 {:.1f} ms   p95 {:.1f} ms   p99 {:.1f} ms   max {:.1f} ms".format(
                percentile(ok_ms, 50), p95, percentile(ok_ms, 99), max(ok_ms, default=float("nan"))
            ),
        ]
        if not args.rate and not args.same_answer:
            # Little's law: every editor waits for its answer before saving again, so latency and rate are tied.
            out.append(
                f"(Flat out, {args.editors} editors keep {args.editors} saves in flight: mean latency ≈ "
                f"{args.editors} / rate = {1000 * args.editors / max(saves_per_second, 0.001):.0f} ms; "
                f"p95 ≤ {TARGET_P95_MS:g} ms flat out needs more than "
                f"{1000 * args.editors / TARGET_P95_MS:.0f} saves/s — see --rate)"
            )
        if args.same_answer or conflict_ms:
            out.append(
                f"Conflicts (409):    {len(conflict_ms)}  ({100 * len(conflict_ms) / max(1, len(measured)):.0f}% of "
                f"{len(measured)} requests; p50 {percentile(conflict_ms, 50):.1f} ms, "
                f"p95 {percentile(conflict_ms, 95):.1f} ms)"
            )
            out.append(f"Requests per second: {len(measured) / args.seconds:.1f} (200 + 409)")
        out.append(
            "Other statuses:     "
            + (", ".join(f"{k or 'connection error'}: {v}" for k, v in sorted(others.items())) or "none")
        )
        out.append("")
        if args.same_answer:
            out.append("Targets:            (apply to the default mode: every editor on its own question)")
        else:
            met_latency = p95 <= TARGET_P95_MS
            # Paced, the rate cannot exceed the offered one: met when the server kept up with an offered
            # load at or above the target (within the pacing's 2 % of timer slack).
            met_rate = (
                saves_per_second >= 0.98 * args.rate if args.rate else saves_per_second >= TARGET_SAVES_PER_SECOND
            )
            out.append(f"Target p95 ≤ {TARGET_P95_MS:g} ms:       {'MET' if met_latency else 'NOT MET'} ({p95:.1f} ms)")
            if args.rate and args.rate < TARGET_SAVES_PER_SECOND:
                out.append(
                    f"Target ≥ {TARGET_SAVES_PER_SECOND:g} saves/s:   not measured (only {args.rate:g}/s offered; "
                    "run without --rate)"
                )
            else:
                out.append(
                    f"Target ≥ {TARGET_SAVES_PER_SECOND:g} saves/s:   "
                    f"{'MET' if met_rate else 'NOT MET'} ({saves_per_second:.1f}/s"
                    + (f" of {args.rate:g}/s offered)" if args.rate else ")")
                )
        restarts = boots_after - boots_before
        p50, p99 = percentile(ok_ms, 50), percentile(ok_ms, 99)
        if restarts:
            met_cliff = p99 <= TARGET_P99_OVER_P50 * p50
            out.append(
                f"Target p99 ≤ {TARGET_P99_OVER_P50:g} × p50 while workers recycle: "
                f"{'MET' if met_cliff else 'NOT MET'} (p99 {p99:.1f} ms = {p99 / p50:.1f} × p50, {restarts} restarts)"
            )
        else:
            out.append(
                f"Target p99 ≤ {TARGET_P99_OVER_P50:g} × p50 while workers recycle: not measured "
                "(no worker restarted; run longer, e.g. --seconds 60)"
            )
        out += [
            "",
            *cpu_report(
                cpu_before,
                cpu_after,
                len(measured) if args.same_answer else len(ok_ms),
                "request" if args.same_answer else "save",
                cpu_count(),
            ),
            "",
        ]
        out += verify(app, seeded.visitatie_id, seen)
        print("\n".join(out), flush=True)
        if any(e.error for e in editors):
            print("Editor errors:", [e.error for e in editors if e.error])
        return 0
    finally:
        if server is not None:
            server.stop()
            if args.keep:
                print(f"gunicorn log: {server.log_path}")
        if app is not None:
            app.extensions["peerreview.engine"].dispose()
        if args.keep:
            print(f"Kept database {args.database_url}")
        else:
            drop_database(args.database_url)
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"bench database, dropped! (default {DEFAULT_URL})")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured duration (default 20)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured warm-up (default 2)")
    parser.add_argument("--editors", type=int, default=20, help="concurrent editors (default 20)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default 2 × cores + 1)")
    parser.add_argument("--same-answer", action="store_true", help="all editors save the same question")
    parser.add_argument(
        "--rate", type=float, default=None, help="offer this many saves/s in total, evenly paced (default: flat out)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and the gunicorn log")
    args = parser.parse_args()
    if not 0 < args.seconds <= 600 or not 0 <= args.warmup <= 60 or not 1 <= args.editors <= 100:
        parser.error("keep it bounded: 0 < --seconds ≤ 600, 0 ≤ --warmup ≤ 60, 1 ≤ --editors ≤ 100")
    if args.rate is not None and not 0 < args.rate <= 10_000:
        parser.error("--rate must be between 0 and 10000 saves per second")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
