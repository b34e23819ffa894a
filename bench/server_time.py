"""Server time per request of the key pages, in-process (no HTTP, no gunicorn): to see what a change
to the code does, without the noise of a load generator on the same two cores.

Runs against a database that already holds the demo data (``flask --app wsgi demo seed``), for
example a scratch PostgreSQL database. It gives every demo account a second factor (so the pages
are served as in production, where reviewers and network roles have one) and then requests each
page ``--requests`` times through the Flask test client as the right demo user, printing per page
the median and 95th percentile of wall time and of this process's CPU time, the number of SQL
statements per request and the response size. A page that answers anything but 200 (a login page,
a redirect to set up a second factor, an error) stops the run.

    PEERREVIEW_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/scratch \\
        .venv/bin/python bench/server_time.py [--requests 50] [--only portret,home] [--profile portret]

``--profile NAME`` runs that page under cProfile afterwards and prints the top functions by
cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, select, update

from peerreview import create_app, db, demo
from peerreview.accounts.models import User
from peerreview.rounds.models import Round, Visitatie
from peerreview.tenants.models import Gemeente

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@dataclass
class Page:
    name: str
    user: str
    path: str  # {gemeente-slug} placeholders are filled with visitatie ids
    method: str = "GET"


PAGES = [
    # The floor: the user, one statement and a form in the layout; every page below pays at least this.
    Page("account (floor)", "analist@netwerk.demo", "/account"),
    Page("home (network coordinator)", "coordinator@netwerk.demo", "/"),
    Page("home (reviewer)", "coordinator@zaltbommel.demo", "/"),
    Page("home (invuller)", "invuller@peel-en-maas.demo", "/"),
    Page("home (analyst)", "analist@netwerk.demo", "/"),
    Page("home (gemeente coordinator)", "coordinator@peel-en-maas.demo", "/"),
    Page("progress", "coordinator@netwerk.demo", "/rondes/{round}"),
    Page("dashboard", "coordinator@netwerk.demo", "/rondes/{round}/voortgang"),
    Page("editor", "invuller@roosendaal.demo", "/visitaties/{roosendaal}/zelfevaluatie/onderdelen/s1"),
    Page("read view", "coordinator@zaltbommel.demo", "/visitaties/{peel-en-maas}/zelfevaluatie/lezen"),
    Page("review workspace", "coordinator@apeldoorn.demo", "/visitaties/{deventer}/review"),
    Page("theme view", "coordinator@zaltbommel.demo", "/visitaties/{peel-en-maas}/review/themas"),
    Page("portret", "coordinator@zaltbommel.demo", "/visitaties/{peel-en-maas}/portret"),
    Page("portret section editor", "invuller@deventer.demo", "/visitaties/{roosendaal}/portret/secties/visie"),
    Page("in cijfers", "coordinator@peel-en-maas.demo", "/gemeenten/peel-en-maas/cijfers"),
    Page("autosave", "invuller@emmen.demo", "/visitaties/{emmen}/zelfevaluatie/antwoorden/s1_1", "POST"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--only", help="comma-separated words; pages whose name contains one of them")
    parser.add_argument("--profile", help="a page name (or part of it) to run under cProfile afterwards")
    parser.add_argument("--sql", help="a page name (or part of it) whose SQL statements to print (one request)")
    args = parser.parse_args()
    url = os.environ.get("PEERREVIEW_DATABASE_URL")
    if not url:
        sys.exit("set PEERREVIEW_DATABASE_URL to a database with the demo data")
    # As deployed, except that jobs never run and no mail is sent: these are read pages and autosave.
    app = create_app(
        {
            "ENV": "production",
            "SECRET_KEY": "server-time-bench-" + "x1y2z3a4b5c6d7e8f9g0" * 2,
            "DATABASE_URL": url,
            "REDIS_URL": "redis://127.0.0.1:6379/15",
            "JOBS_INLINE": False,
            "MAIL_BACKEND": "smtp",
            "BASE_URL": "https://localhost",
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
        }
    )
    statements = [0]
    shown: list[str] = []

    @event.listens_for(app.extensions["peerreview.engine"], "before_cursor_execute")
    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements[0] += 1
        shown.append(statement)

    with app.app_context(), db.new_session() as s:
        s.execute(update(User).where(User.totp_secret.is_(None)).values(totp_secret="JBSWY3DPEHPK3PXP"))  # noqa: S106
        s.commit()
        demo_round = s.scalars(select(Round).where(Round.name == demo.ROUND_NAME)).one()
        ids = {
            slug: v
            for slug, v in s.execute(
                select(Gemeente.slug, Visitatie.id).join(Visitatie.gemeente).where(Visitatie.round_id == demo_round.id)
            )
        }
        ids["round"] = demo_round.id
        users = {u.email: u.get_id() for u in s.scalars(select(User))}
    chosen = [p for p in PAGES if not args.only or any(w in p.name for w in args.only.split(","))]
    print(f"{'page':30} {'wall p50':>9} {'p95':>7} {'cpu p50':>8} {'queries':>8} {'KB':>6}")
    for page in chosen:
        client = app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = users[page.user]
            sess["_fresh"] = True
            sess["last_seen"] = int(time.time())
        path = page.path.format(**{k: str(v) for k, v in ids.items()})
        request = _requester(client, page, path)
        request()  # warm: templates compiled, first queries prepared
        walls, cpus, counts, size = [], [], [], 0
        for _ in range(args.requests):
            statements[0] = 0
            c0, w0 = time.process_time(), time.perf_counter()
            size = request()
            walls.append((time.perf_counter() - w0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
            counts.append(statements[0])
        print(
            f"{page.name:30} {statistics.median(walls):8.1f}ms {_p95(walls):6.1f} {statistics.median(cpus):7.1f}ms "
            f"{statistics.median(counts):8.0f} {size / 1024:6.1f}"
        )
        if args.sql and args.sql in page.name:
            shown.clear()
            request()
            print("\n\n".join(" ".join(statement.split()) for statement in shown), end="\n\n")
        if args.profile and args.profile in page.name:
            profiler = cProfile.Profile(time.process_time)  # CPU time: the machine is shared
            profiler.enable()
            for _ in range(args.requests):
                request()
            profiler.disable()
            order, top = os.environ.get("SORT", "cumulative"), int(os.environ.get("TOP", "45"))
            stats = pstats.Stats(profiler).sort_stats(order)
            stats.print_stats(top)
            if os.environ.get("CALLERS"):
                stats.print_callers(os.environ["CALLERS"])


def _requester(client: Any, page: Page, path: str) -> Any:
    if page.method == "GET":

        def get() -> int:
            response = client.get(path)
            if response.status_code != 200:
                sys.exit(f"{page.name}: GET {path} answered {response.status_code} {response.location or ''}")
            return len(response.data)

        return get
    editor = client.get(path.replace("antwoorden/s1_1", "onderdelen/s1")).get_data(as_text=True)
    match = CSRF_RE.search(editor)
    if not match:
        sys.exit(f"{page.name}: no CSRF token on the editor page")
    token = match.group(1) or match.group(2)
    base = [0]
    text = "<p>" + " ".join(["Wij werken samen met de huisartsen en het onderwijs in de wijk."] * 20)

    def post() -> int:
        response = client.post(
            path,
            data={"csrf_token": token, "s1_1.__base": str(base[0]), "s1_1.html": f"{text} {base[0]}</p>"},
            headers={"X-Requested-With": "fetch", "Accept": "application/json"},
        )
        if response.status_code == 409:  # the first save: the stored revision is the base from now on
            base[0] = response.json["current"]["revision"]
            return post()
        if response.status_code != 200:
            sys.exit(f"{page.name}: POST {path} answered {response.status_code}: {response.data[:200]!r}")
        base[0] = response.json["revision"]
        return len(response.data)

    return post


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


if __name__ == "__main__":
    main()
