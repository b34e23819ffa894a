"""Dutch numbers and dates through Babel: what it costs on the page with the most numbers, the portret.

Seeds the demo into a temporary SQLite database and opens the Peel en Maas portret (key figures, charts,
dates) as its review team lead, then

1. times one call of each formatting function: Babel (``peerreview.formatting``) against the
   hand-written f-string code it replaced (kept below, for this comparison only);
2. profiles one page view: how many numbers and dates it formats and the time spent in doing so;
3. times the page ``--views`` times with Babel and again with the old functions swapped in everywhere
   they are referenced, and prints both medians.

    .venv/bin/python bench/formatting.py [--views 30]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
import timeit
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.portret import make_app  # noqa: E402

# --- the code Babel replaced (f-strings and a month table), for the comparison only ------------------
MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def old_date_nl(value: date | None) -> str:
    return "—" if value is None else f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def old_datetime_nl(value: datetime | None) -> str:
    if value is None:
        return "—"
    local = value.astimezone(ZoneInfo("Europe/Amsterdam"))
    return f"{old_date_nl(local)}, {local:%H:%M}"


def old_number_nl(value: float, decimals: int | None = None) -> str:
    if decimals is None:
        text = f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value):,}"
    else:
        text = f"{value:,.{decimals}f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def swap(app: Any, functions: dict[str, Any], current: dict[str, Any]) -> None:
    """Point every module and Jinja filter that holds a ``current`` function at ``functions`` instead."""
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("peerreview"):
            for name, function in functions.items():
                if (
                    getattr(module, name, None) in (current[name], function)
                    and module.__name__ != "peerreview.formatting"
                ):
                    setattr(module, name, function)
    app.jinja_env.filters.update(datum=functions["date_nl"], datumtijd=functions["datetime_nl"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--views", type=int, default=30)
    args = parser.parse_args()

    from sqlalchemy import select

    from peerreview import db, demo, formatting, migrations
    from peerreview.accounts.models import User
    from peerreview.rounds.models import Visitatie
    from peerreview.tenants.models import Gemeente

    print("One call, microseconds (best of 5 × 20,000):")
    cases = [
        ("number_nl(1234567.891)", (1234567.891,)),
        ("number_nl(12.5, 1)", (12.5, 1)),
    ]
    for label, call_args in cases:
        new = min(timeit.repeat(lambda a=call_args: formatting.number_nl(*a), number=20_000, repeat=5)) / 20_000
        old = min(timeit.repeat(lambda a=call_args: old_number_nl(*a), number=20_000, repeat=5)) / 20_000
        print(f"  {label:<28} Babel {new * 1e6:6.1f}   f-string {old * 1e6:6.1f}")
    moment = datetime(2027, 1, 15, 13, 5, tzinfo=UTC)
    for label, new_f, old_f, value in [
        ("date_nl", formatting.date_nl, old_date_nl, date(2027, 1, 15)),
        ("datetime_nl", formatting.datetime_nl, old_datetime_nl, moment),
    ]:
        new = min(timeit.repeat(lambda f=new_f, v=value: f(v), number=20_000, repeat=5)) / 20_000
        old = min(timeit.repeat(lambda f=old_f, v=value: f(v), number=20_000, repeat=5)) / 20_000
        print(f"  {label:<28} Babel {new * 1e6:6.1f}   f-string {old * 1e6:6.1f}")

    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = make_app(url)
    migrations.upgrade(app.extensions["peerreview.engine"])
    with app.test_request_context(), db.new_session() as session:
        demo.seed(session)
        session.commit()
        visitatie_id = session.scalar(select(Visitatie.id).join(Gemeente).where(Gemeente.slug == "peel-en-maas"))
        lead = session.scalar(select(User).where(User.email == "coordinator@zaltbommel.demo"))
        assert visitatie_id is not None and lead is not None
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie.update({"_user_id": lead.get_id(), "_fresh": True, "last_seen": int(time.time())})
    path = f"/visitaties/{visitatie_id}/portret"

    def view() -> float:
        started = time.perf_counter()
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        return time.perf_counter() - started

    for _ in range(3):
        view()  # warm: templates compiled, caches filled
    profile = cProfile.Profile()
    profile.enable()
    view()
    profile.disable()
    stats = pstats.Stats(profile)
    calls, seconds = 0, 0.0
    for (filename, _line, name), (_cc, count, _tt, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if filename.endswith("formatting.py") and name in ("number_nl", "date_nl", "datetime_nl"):
            calls += count
            seconds += cumulative
    print(f"\nOne view of the portret page formats {calls} numbers and dates, {seconds * 1000:.1f} ms (profiled)")

    babel_functions = {"number_nl": formatting.number_nl, "date_nl": formatting.date_nl}
    babel_functions["datetime_nl"] = formatting.datetime_nl
    old_functions = {"number_nl": old_number_nl, "date_nl": old_date_nl, "datetime_nl": old_datetime_nl}
    babel, old = [], []
    for _ in range(args.views):  # alternating, so that a busy neighbour slows both alike
        swap(app, babel_functions, old_functions)
        babel.append(view())
        swap(app, old_functions, babel_functions)
        old.append(view())
    from peerreview.indicators import charts

    assert charts.number_nl is old_number_nl  # the swap reached the modules that format
    print(f"Portret page, {args.views} views each, median (slowest):")
    print(f"  Babel     {statistics.median(babel) * 1000:6.1f} ms ({max(babel) * 1000:.1f})")
    print(f"  f-string  {statistics.median(old) * 1000:6.1f} ms ({max(old) * 1000:.1f})")


if __name__ == "__main__":
    main()
