"""Every key page against a bare Flask page of the same size, in the same run, under the same gunicorn.

    .venv/bin/python bench/pages.py            # 3 rounds, about 15 minutes
    .venv/bin/python bench/pages.py --quick    # 1 short round, about 5 minutes
    .venv/bin/python bench/pages.py --pages portret,cijfers

What it does, all on 127.0.0.1 and bounded in time:

1. drops and creates a PostgreSQL database (its name must contain ``bench``), migrates it and seeds the
   demo (``flask demo seed``) plus a heavy case: two submitted self-evaluations with 300 and 1,000
   annotations, and a round that starts with 10 visitaties and later grows to 400 (in 400 gemeenten);
2. starts the app under ``deploy/gunicorn.conf.py`` (production settings) and, next to it, the bare Flask
   app of ``bench/bare_app.py`` under the same configuration and the same number of workers;
3. logs in as the account each page is for, and measures each page: throughput with wrk (Debian's
   ``wrk``) and 20 connections, then the latency of one request alone (30 requests one after the other),
   each time right after the bare page of the same size: bare, page, bare, page … so a busy neighbour on
   this shared machine slows both alike and the ratio stays comparable;
4. counts the SQL statements of one request of each page in this process (the same code and data, a
   SQLAlchemy event on the engine), so the measured servers carry no counting code;
5. checks every response: a status other than 200, or a body without the page's marker text (the login
   page, an error page, a redirect), stops the run with exit status 1 — a fast wrong page is no result;
6. prints per page: size, req/s, ratio to the bare page, latency p50/p95/p99 alone, SQL statements; then
   the flatness check (home and progress with 400 visitaties against 10) and the targets of issue 14.

Adding a page is one line in PAGES. The worker-recycle check (p99 at most 3 × p50 during a 60 s
autosave run) lives in ``bench/autosave.py --seconds 60``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from autosave import (  # bench/ is on sys.path when this file runs
    ROOT,
    Client,
    Server,
    app_env,
    cpu_count,
    cpu_reference,
    drop_database,
    migrate,
    percentile,
    recreate_database,
)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/peerreview_bench_pages"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
WRK_SCRIPT = Path(__file__).with_name("wrk_check.lua")
CONNECTIONS = 20  # as in issue 14's measurements
MAX_LOAD_SECONDS = 60.0

# Targets of issue 14, as ratios to the bare page of the same size.
TARGET_RATIO = 0.25
TARGET_RATIO_PORTRET = 0.15
TARGET_P50_MS = 10.0  # one request alone, pages under 100 KB
TARGET_FLATNESS = 1.5  # 400 visitaties against 10: at most this much slower


@dataclass(frozen=True)
class Page:
    """One page to measure. ``path`` may name seeded ids: {pm} Peel en Maas, {ro} Roosendaal, {a300} and
    {a1000} the annotated self-evaluations, {demo_round} the demo round, {big_round} the round that grows."""

    name: str
    user: str  # the account that opens it (e-mail address)
    path: str
    marker: str  # text only the real page holds: not the login page, not an error page


PM_LEAD = "coordinator@zaltbommel.demo"  # leads the review team of Peel en Maas in the demo
PAGES = [
    # The floor: the user, one statement and a form in the layout; no authenticated page costs less.
    Page("account (the floor)", "analist@netwerk.demo", "/account", "Wachtwoord wijzigen"),
    Page("home, network coordinator", "coordinator@netwerk.demo", "/", "Lopende rondes"),
    Page("home, analyst", "analist@netwerk.demo", "/", "Analist"),
    Page("home, gemeente coordinator", "coordinator@peel-en-maas.demo", "/", "Peel en Maas"),
    Page("home, invuller", "invuller@roosendaal.demo", "/", "Roosendaal"),
    Page("home, reviewer", "r0@a300.bench.nl", "/", "Benchdorp a300"),
    Page("progress, demo round (10)", "coordinator@netwerk.demo", "/rondes/{demo_round}", "Peel en Maas"),
    Page("progress, 400 visitaties", "coordinator@netwerk.demo", "/rondes/{big_round}", "Gemeente 1–50 van 400"),
    Page("editor (Roosendaal, s1)", "invuller@roosendaal.demo", "/visitaties/{ro}/zelfevaluatie/onderdelen/s1", 'name="csrf_token"'),
    Page("read view (Peel en Maas)", "coordinator@peel-en-maas.demo", "/visitaties/{pm}/zelfevaluatie/lezen", "Peel en Maas"),
    Page("review workspace (Peel en Maas)", PM_LEAD, "/visitaties/{pm}/review", "Peel en Maas"),
    Page("review workspace, 300 annotations", "r0@a300.bench.nl", "/visitaties/{a300}/review", "Benchdorp a300"),
    Page("review workspace, 1,000 annotations", "r0@a1000.bench.nl", "/visitaties/{a1000}/review", "Benchdorp a1000"),
    Page("theme view (Peel en Maas)", PM_LEAD, "/visitaties/{pm}/review/themas", "Peel en Maas"),
    Page("theme view, 1,000 annotations", "r0@a1000.bench.nl", "/visitaties/{a1000}/review/themas", "Benchdorp a1000"),
    Page("portret (Peel en Maas)", PM_LEAD, "/visitaties/{pm}/portret", "Peel en Maas"),
    Page("in cijfers (Peel en Maas)", "coordinator@peel-en-maas.demo", "/gemeenten/peel-en-maas/cijfers", "Peel en Maas"),
    Page("dashboard, demo round", "coordinator@netwerk.demo", "/rondes/{demo_round}/voortgang", "Peel en Maas"),
    Page("portret section editor", "invuller@deventer.demo", "/visitaties/{ro}/portret/secties/visie", 'name="csrf_token"'),
    Page("theme matrix (analyst)", "analist@netwerk.demo", "/netwerk/thema-matrix", "Peel en Maas"),
    Page("search (analyst)", "analist@netwerk.demo", "/netwerk/zoeken?q=wachtlijst", "Lenscodes toekennen"),
]  # fmt: skip
BARE_PAGE = Page("bare Flask page", "", "/{size}", "bare-flask-page")  # bench/bare_app.py
# Measured once with 10 visitaties in the growing round, and again (in PAGES) once it holds 400.
FLATNESS = {
    "home, network coordinator": "home, network coordinator",
    "progress, 10 visitaties": "progress, 400 visitaties",
}
SMALL_PAGES = [
    Page("progress, 10 visitaties", "coordinator@netwerk.demo", "/rondes/{big_round}", "Groeidorp 010"),
    next(p for p in PAGES if p.name == "home, network coordinator"),
]


# --- seeding ---------------------------------------------------------------------------------------------

GROWING_ROUND = "Benchronde groei"
REGIONS = 40  # the growing round's gemeenten spread over this many jeugdregio's


def seed(app, small: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The demo, the two annotated self-evaluations, and the growing round with ``small`` visitaties."""
    from sqlalchemy import select

    from peerreview import db, demo
    from peerreview.rounds.models import Round, Visitatie
    from peerreview.tenants.models import Gemeente
    from review_page import seed_annotated

    with app.test_request_context(base_url=app.config["BASE_URL"]), db.new_session() as s:
        demo.seed(s)
        s.commit()
    ids: dict[str, int] = {}
    for count, cbs in ((300, 9001), (1000, 9003)):
        with app.test_request_context():
            s = db.session()
            case = seed_annotated(s, random.Random(count), count, tag=f"a{count}", cbs=cbs)  # noqa: S311
            s.commit()
            ids[f"a{count}"] = case.visitatie.id
    with app.app_context(), db.new_session() as s:
        by_slug = {g.slug: g.id for g in s.scalars(select(Gemeente))}
        demo_round = s.scalars(select(Round).where(Round.name == demo.ROUND_NAME)).one()
        for key, slug in (("pm", "peel-en-maas"), ("ro", "roosendaal")):
            ids[key] = s.scalars(
                select(Visitatie.id).where(Visitatie.round_id == demo_round.id, Visitatie.gemeente_id == by_slug[slug])
            ).one()
        ids["demo_round"] = demo_round.id
        big = Round(name=GROWING_ROUND, starts_on=date(2026, 9, 1), ends_on=date(2027, 6, 30))
        s.add(big)
        s.commit()
        ids["big_round"] = big.id
    grow(app, ids["big_round"], small)
    return ids


def grow(app, round_id: int, to: int) -> None:  # type: ignore[no-untyped-def]
    """Give the growing round ``to`` visitaties, each in a gemeente of its own (created as needed)."""
    from sqlalchemy import func, select

    from peerreview import db
    from peerreview.rounds.models import Variant, Visitatie
    from peerreview.tenants.models import Gemeente, Jeugdregio

    with app.app_context(), db.new_session() as s:
        have = s.scalar(select(func.count()).select_from(Visitatie).where(Visitatie.round_id == round_id)) or 0
        regions = {r.name: r for r in s.scalars(select(Jeugdregio).where(Jeugdregio.name.like("Groeiregio %")))}
        for n in range(have + 1, to + 1):
            region = f"Groeiregio {n % REGIONS:02d}"
            if region not in regions:
                regions[region] = Jeugdregio(name=region)
            gemeente = Gemeente(
                name=f"Groeidorp {n:03d}",
                slug=f"groeidorp-{n:03d}",
                cbs_code=f"GM{7000 + n:04d}",
                province="Gelderland",
                jeugdregio=regions[region],
                inhabitants=20_000 + 100 * n,
            )
            s.add(gemeente)
            s.flush()
            variant = (Variant.BASIS, Variant.PLUS, None)[n % 3]
            s.add(Visitatie(round_id=round_id, gemeente_id=gemeente.id, variant=variant))
        s.commit()


# --- measuring -----------------------------------------------------------------------------------------


class NotThePage(Exception):
    """A response was not the page we meant to measure: the run stops, with exit status 1."""


# Requests that got no response at all (a connection closed or refused): the run goes on, reports them
# at the end and exits with status 1. A worker that dies or drops requests is a finding, not noise.
DROPPED: list[str] = []


@dataclass
class Wrk:
    """One wrk run: requests, duration, latency percentiles (ms)."""

    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def wrk(
    port: int, path: str, marker: str, cookie: str, connections: int, seconds: float, allow_none: bool = False
) -> Wrk:
    """``connections`` connections for ``seconds``; every response checked (wrk_check.lua). A warm-up may
    see no response end in time: it still reaches every worker."""
    threads = min(connections, cpu_count())
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{math.ceil(seconds)}s",
        "--timeout",
        "30s",
        "-s",
        str(WRK_SCRIPT),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    result = subprocess.run(  # noqa: S603  (fixed program, our own arguments)
        command,
        env=dict(os.environ, BENCH_MARKER=marker),
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH ")), None)
    if result.returncode != 0 or line is None:
        raise NotThePage(f"wrk failed on {path}:\n{result.stdout}\n{result.stderr}")
    data = json.loads(line.removeprefix("BENCH "))
    if data["bad"]:
        raise NotThePage(
            f"{path}: {data['bad']} of {data['requests']} responses were not the page (first: {data['first_bad']})"
        )
    if data["socket_errors"]:
        DROPPED.append(f"{path} on port {port}: {data['socket_errors']} connections failed under load (wrk)")
    if not data["requests"] and not allow_none:
        raise NotThePage(f"{path}: no response at all in {seconds:g} s")
    settle(port)
    return Wrk(data["requests"], data["seconds"], data["p50"], data["p95"], data["p99"])


def under_load(port: int, path: str, marker: str, cookie: str, seconds: float) -> Wrk:
    """Throughput with CONNECTIONS connections. A slow page gets more time: until at least two responses
    per connection ended inside the window (so the rate is not decided by a handful of requests), at
    most a minute."""
    wanted = 2 * CONNECTIONS
    while True:
        result = wrk(port, path, marker, cookie, CONNECTIONS, seconds, allow_none=True)
        if result.requests >= wanted or seconds >= MAX_LOAD_SECONDS:
            if not result.requests:
                raise NotThePage(f"{path}: no response at all in {seconds:g} s")
            return result
        # long enough for ``wanted`` responses at the rate just seen (with a margin), or four times as long
        needed = 1.3 * seconds * wanted / result.requests if result.requests else 4 * seconds
        seconds = math.ceil(min(MAX_LOAD_SECONDS, max(needed, 2 * seconds)))


def settle(port: int) -> None:
    """Wait until the requests wrk left queued when it stopped are served (a health check queues behind
    them), so they do not slow down the next measurement."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", "/healthz")
        connection.getresponse().read()
    finally:
        connection.close()


def alone(port: int, path: str, marker: str, cookie: str, requests: int) -> Wrk:
    """``requests`` requests one after the other, each on a new connection (as wrk does against sync
    workers): the latency of one request alone, by count rather than by time, so a slow page on a busy
    machine still gives enough samples."""
    headers = {"Cookie": cookie} if cookie else {}
    times = []
    started = time.perf_counter()
    for _ in range(requests):
        t0 = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as error:
            DROPPED.append(f"{path} on port {port}: {type(error).__name__}: {error} (one request alone)")
            continue
        finally:
            connection.close()
        times.append((time.perf_counter() - t0) * 1000)
        if response.status != 200 or marker.encode() not in body:
            raise NotThePage(f"{path}: status {response.status}, {len(body)} bytes, marker {marker!r} not found")
    return Wrk(
        requests, time.perf_counter() - started, percentile(times, 50), percentile(times, 95), percentile(times, 99)
    )


def session_cookie(client: Client) -> str:
    return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def login(port: int, email: str, password: str) -> Client:
    client = Client(port)
    token = client.csrf("/inloggen")
    status, headers, _ = client.request(
        "POST", "/inloggen", {"csrf_token": token, "email": email, "password": password}
    )
    if status != 302 or "/inloggen" in headers.get("Location", ""):
        raise NotThePage(f"login as {email}: {status} {headers.get('Location')}")
    return client


def fetch_page(client: Client, page: Page, path: str) -> int:
    """One GET through ``client`` (which keeps the refreshed session cookie for wrk); the page's size."""
    status, headers, body = client.request("GET", path)
    text = body.decode(errors="replace")
    if status != 200 or page.marker not in text:
        title = text.split("<title>", 1)[-1].split("</title>", 1)[0][:80] if "<title>" in text else text[:80]
        raise NotThePage(
            f"{page.name} ({path}) as {page.user}: status {status}, {len(body)} bytes, "
            f"marker {page.marker!r} {'missing' if status == 200 else ''}, title {title!r}, "
            f"Location {headers.get('Location')!r}"
        )
    return len(body)


def count_queries(app, cookie: str, path: str) -> int:  # type: ignore[no-untyped-def]
    """SQL statements of one request for ``path`` with this session cookie, in this process (warm: the
    second of two requests, so per-process caches count as they do in a worker that has served a few)."""
    from sqlalchemy import event

    engine = app.extensions["peerreview.engine"]
    client = app.test_client()
    for part in cookie.split("; "):
        name, _, value = part.partition("=")
        client.set_cookie(name, value)
    statements = [0]

    def count(*_args: object) -> None:
        statements[0] += 1

    client.get(path)
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    if response.status_code != 200:
        raise NotThePage(f"{path}: status {response.status_code} in process (query count)")
    return statements[0]


@dataclass
class Measured:
    page: Page
    path: str
    size: int = 0
    queries: int = 0
    # per round: page under load, bare under load, page alone, bare alone
    rounds: list[tuple[Wrk, Wrk, Wrk, Wrk]] = field(default_factory=list)

    def median(self, index: int, attribute: str) -> float:
        return statistics.median(getattr(r[index], attribute) for r in self.rounds)

    def ratios(self) -> list[float]:
        return [page.rate / bare.rate for page, bare, _, _ in self.rounds]


@dataclass
class Settings:
    load_seconds: float
    alone_requests: int
    rounds: int


def measure(
    pages: list[Page],
    ids: dict[str, int],
    app,  # type: ignore[no-untyped-def]
    server: Server,
    bare: Server,
    clients: dict[str, Client],
    settings: Settings,
) -> list[Measured]:
    """Warm every page up, count its queries, then the rounds: bare, page, bare, page …"""
    results = [Measured(page, page.path.format(**ids)) for page in pages]
    for m in results:
        client = clients[m.page.user]
        m.size = fetch_page(client, m.page, m.path)
        m.queries = count_queries(app, session_cookie(client), m.path)
        fetch_page(Client(bare.port), BARE_PAGE, f"/{m.size}")
        wrk(server.port, m.path, m.page.marker, session_cookie(client), CONNECTIONS, 1, allow_none=True)
        wrk(bare.port, f"/{m.size}", BARE_PAGE.marker, "", CONNECTIONS, 1, allow_none=True)
    for n in range(settings.rounds):
        print(f"  round {n + 1} of {settings.rounds} …", flush=True)
        for m in results:
            client = clients[m.page.user]
            fetch_page(client, m.page, m.path)  # refreshes the session cookie (idle timeout, 2FA re-check)
            cookie = session_cookie(client)
            bare_path = f"/{m.size}"
            bare_load = under_load(bare.port, bare_path, BARE_PAGE.marker, "", settings.load_seconds)
            page_load = under_load(server.port, m.path, m.page.marker, cookie, settings.load_seconds)
            bare_alone = alone(bare.port, bare_path, BARE_PAGE.marker, "", settings.alone_requests)
            page_alone = alone(server.port, m.path, m.page.marker, cookie, settings.alone_requests)
            m.rounds.append((page_load, bare_load, page_alone, bare_alone))
        print("\n".join(["", *table(results), ""]), flush=True)  # so far: a broken run still leaves figures
    return results


# --- reporting -----------------------------------------------------------------------------------------


def table(results: list[Measured]) -> list[str]:
    lines = [
        f"{'page':38} {'size':>7} {'req/s':>7} {'bare':>7} {'÷ bare':>7} {'range':>13}   "
        f"{'alone p50':>9} {'p95':>7} {'p99':>7}   {'SQL':>4}",
    ]
    for m in results:
        ratios = m.ratios()
        lines.append(
            f"{m.page.name:38} {m.size / 1024:5.1f}KB {m.median(0, 'rate'):7.1f} {m.median(1, 'rate'):7.1f} "
            f"{statistics.median(ratios):7.3f} {min(ratios):6.3f}–{max(ratios):.3f}   "
            f"{m.median(2, 'p50'):7.1f}ms {m.median(2, 'p95'):5.1f}ms {m.median(2, 'p99'):5.1f}ms   {m.queries:4d}"
        )
    bare_alone = [r[3] for m in results for r in m.rounds]
    bare_load = [r[1].rate for m in results for r in m.rounds]
    lines.append(
        f"{'bare Flask page (all sizes above)':38} {'':7} {statistics.median(bare_load):7.1f} {'':7} {1:7.3f} "
        f"{'':13}   {statistics.median(w.p50 for w in bare_alone):7.1f}ms "
        f"{statistics.median(w.p95 for w in bare_alone):5.1f}ms {statistics.median(w.p99 for w in bare_alone):5.1f}ms"
    )
    return lines


def targets(results: list[Measured], small: list[Measured]) -> tuple[list[str], bool]:
    lines, all_met = [], True
    for m in results:
        ratio = statistics.median(m.ratios())
        goal = TARGET_RATIO_PORTRET if m.page.name.startswith("portret (") else TARGET_RATIO
        met = ratio >= goal
        alone = ""
        if m.size < 100 * 1024:
            p50 = m.median(2, "p50")
            met = met and p50 < TARGET_P50_MS
            alone = f", alone p50 {p50:.1f} ms (< {TARGET_P50_MS:g} ms)"
        all_met = all_met and met
        lines.append(f"  {'MET    ' if met else 'NOT MET'} {m.page.name}: {ratio:.3f} of bare (≥ {goal:g}){alone}")
    by_name = {m.page.name: m for m in results}
    lines.append("")
    lines.append(f"Flatness: 400 visitaties against 10 in the growing round (at most {TARGET_FLATNESS:g}× slower):")
    for m10 in small:
        m400 = by_name.get(FLATNESS[m10.page.name])
        if m400 is None:
            continue
        slower = statistics.median(m10.ratios()) / statistics.median(m400.ratios())
        met = slower <= TARGET_FLATNESS
        all_met = all_met and met
        lines.append(
            f"  {'MET    ' if met else 'NOT MET'} {m400.page.name}: {slower:.2f}× slower than with 10 "
            f"({statistics.median(m10.ratios()):.3f} → {statistics.median(m400.ratios()):.3f} of bare; "
            f"SQL {m10.queries} → {m400.queries}; {m10.size / 1024:.0f} → {m400.size / 1024:.0f} KB)"
        )
    return lines, all_met


# --- the run -------------------------------------------------------------------------------------------


def selected(pages: list[Page], names: str | None) -> list[Page]:
    if not names:
        return pages
    wanted = [n.strip().lower() for n in names.split(",") if n.strip()]
    return [p for p in pages if any(w in p.name.lower() for w in wanted)]


def run(args: argparse.Namespace) -> int:
    from peerreview import create_app
    from peerreview.demo import PASSWORD as DEMO_PASSWORD
    from review_page import PASSWORD as CASE_PASSWORD

    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk")
    settings = Settings(2, 10, 1) if args.quick else Settings(args.seconds, args.alone, args.rounds)
    pages = selected(PAGES, args.pages)
    small_pages = [p for p in SMALL_PAGES if FLATNESS[p.name] in {q.name for q in pages}]
    workers = args.workers or 2 * cpu_count() + 1
    secret = "bench-" + os.urandom(24).hex()
    services = {"REDIS_URL": args.redis_url, "MAIL_BACKEND": "smtp", "BASE_URL": "https://127.0.0.1"}
    print(f"peerreview page benchmark — {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}", flush=True)
    print(f"Setting up {args.database_url.rsplit('/', 1)[-1]} (demo, 300 and 1,000 annotations, 10 visitaties) …")
    recreate_database(args.database_url)
    env = dict(app_env(args.database_url, secret), PEERREVIEW_REDIS_URL=args.redis_url)
    tmp = Path(tempfile.mkdtemp(prefix="peerreview-bench-pages-"))
    app = server = bare = None
    try:
        migrate(env)
        app = create_app({"ENV": "production", "DATABASE_URL": args.database_url, "SECRET_KEY": secret, **services})
        started = time.perf_counter()
        ids = seed(app, 10)
        print(f"Seeded in {time.perf_counter() - started:.0f} s.", flush=True)
        server = Server(env, workers, tmp / "gunicorn.log")
        bare = Server(dict(os.environ), workers, tmp / "bare.log", app="bare_app:app", pythonpath="bench")
        server.wait_ready()
        bare.wait_ready()
        clients: dict[str, Client] = {}
        for page in pages + small_pages:
            if page.user not in clients:
                password = CASE_PASSWORD if page.user.endswith(".bench.nl") else DEMO_PASSWORD
                clients[page.user] = login(server.port, page.user, password)
        speed_before, load_before = cpu_reference(), os.getloadavg()[0]

        small: list[Measured] = []
        if small_pages:
            print("Growing round with 10 visitaties:", flush=True)
            small = measure(small_pages, ids, app, server, bare, clients, settings)
            print("Growing the round to 400 visitaties …", flush=True)
            grow(app, ids["big_round"], 400)
        print(f"Measuring {len(pages)} pages:", flush=True)
        results = measure(pages, ids, app, server, bare, clients, settings)
        speed_after, load_after = cpu_reference(), os.getloadavg()[0]

        mode = "quick: 1 round" if args.quick else f"{settings.rounds} rounds"
        out = [
            "",
            f"Machine:        {cpu_count()} CPU core(s), shared; wrk runs on the same cores; load average "
            f"{load_before:.1f} before, {load_after:.1f} after",
            f"CPU speed check: {speed_before:.0f} ms before, {speed_after:.0f} ms after (a fixed Python loop; "
            "lower = faster machine right now)",
            f"Gunicorn:       {workers} sync workers each for the app and the bare page (deploy/gunicorn.conf.py)",
            f"Runs:           {mode}; per page and round: {settings.load_seconds:g} s with {CONNECTIONS} "
            f"connections, then {settings.alone_requests} requests one at a time; each right after the bare page "
            "of the same size",
            "Columns:        req/s and bare: medians over the rounds; ÷ bare: median of the per-round ratios "
            "(range: lowest–highest); alone: one connection; SQL: statements per request",
            "",
            *(table(small) if small else []),
            *table(results),
            "",
            "Targets (issue 14):",
        ]
        lines, met = targets(results, small)
        out += [
            *lines,
            "",
            "All targets met." if met else "Not all targets met (a benchmark: exit status 0 all the same).",
        ]
        if DROPPED:
            out += ["", f"FAILED: {len(DROPPED)} time(s) a request got no response:", *(f"  {d}" for d in DROPPED)]
        print("\n".join(out), flush=True)
        return 1 if DROPPED else 0
    finally:
        for process in (server, bare):
            if process is not None:
                process.stop()
        if app is not None:
            app.extensions["peerreview.engine"].dispose()
        if args.keep:
            print(f"Kept database {args.database_url} and the gunicorn logs in {tmp}")
        else:
            drop_database(args.database_url)
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"bench database, dropped! (default {DEFAULT_URL})")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS, help=f"Redis for the app (default {DEFAULT_REDIS})")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds under load per page and round (default 5)")
    parser.add_argument("--alone", type=int, default=30, help="requests one at a time per page and round (default 30)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default 2 × cores + 1)")
    parser.add_argument("--pages", help="only pages whose name contains one of these (comma-separated)")
    parser.add_argument("--quick", action="store_true", help="one short round (2 s + 10 requests per page)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the gunicorn logs")
    args = parser.parse_args()
    if not 1 <= args.rounds <= 10 or not 1 <= args.seconds <= 60 or not 5 <= args.alone <= 1000:
        parser.error("keep it bounded: 1 ≤ --rounds ≤ 10, 1 ≤ --seconds ≤ 60, 5 ≤ --alone ≤ 1000")
    try:
        return run(args)
    except NotThePage as error:
        print(f"\nFAILED, not the page: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
