"""Network search benchmark (issue 11): a search's p50/p95 on a national network, and the search-index
refresh of one portret, on PostgreSQL.

    .venv/bin/python bench/network_search.py                      # 50,000 passages, 30 runs per query
    .venv/bin/python bench/network_search.py --passages 5000 --runs 10
    .venv/bin/python bench/network_search.py --keep               # reuse the generated database next time

The database (``--database-url``, default ``peerreview_bench_search``; its name must contain ``bench``) is
dropped and created, migrated, and filled with a generated network: 342 gemeenten in 12 provinces,
3 rounds, a visitatie per gemeente and round (1,026), and ``--passages`` passages spread over them
(sections, summaries, strengths, development points, lessons, improvement points; 1 to 3 themes each;
audiences about 15 % openbaar, 60 % netwerk, 25 % concept). The texts are Dutch-like: words drawn
from Dutch glue words, a youth-care vocabulary (in its inflected forms) and a long tail of rarer words with Zipf
frequencies over the whole vocabulary ("jeugdhulp" in about a third of the passages, most youth-care
words in 1 to 10 %), 40 to 160 words per passage.

Measured, in-process (no HTTP; the page adds its template rendering, measured apart):

* the search index build of every passage (``search.refresh`` in batches) and the refresh of one
  portret's passages (about 50: delete and insert their search rows), target <= 1 s;
* ``search.search`` for a set of queries (one common word, a rare word, two words, a word with a theme
  facet, one with a province facet, a word in nearly every passage), as a network member (openbaar +
  netwerk) and as an analyst (also concept): p50 and p95 over ``--runs`` runs each, after a warm-up,
  target p95 <= 100 ms; with the answers a process keeps under the index's stamp switched off
  (``peerreview.network.cache``), so every run runs the statement, as a search nobody asked before;
  (``--matrix-generator``: the network of ``bench/network.py`` instead, whose texts repeat a few dozen
  sentences, so that nearly every word is in a large share of the passages: the worst case for search.)
* the search page ``/netwerk/zoeken`` through Flask's test client as the analyst (query, facets, one page
  of hits, template), p50/p95.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from peerreview import create_app, db, migrations  # noqa: E402
from peerreview.accounts.models import Membership, MembershipRole, NetworkRole, NetworkRoleGrant, User  # noqa: E402
from peerreview.network import search  # noqa: E402
from peerreview.network.models import Audience, NetworkPassage, NetworkPassageTheme, PassageKind  # noqa: E402
from peerreview.rounds.models import Round, Visitatie  # noqa: E402
from peerreview.tenants.models import Gemeente, Jeugdregio  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/peerreview_bench_search"
PROVINCES = [
    "Groningen", "Friesland", "Drenthe", "Overijssel", "Flevoland", "Gelderland",
    "Utrecht", "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg",
]  # fmt: skip
DOMAIN = [
    "jeugdhulp",
    "jeugdige",
    "jeugdigen",
    "jongere",
    "jongeren",
    "gezin",
    "gezinnen",
    "ouder",
    "ouders",
    "kind",
    "kinderen",
    "wijkteam",
    "wijkteams",
    "toegang",
    "huisarts",
    "huisartsen",
    "verwijzing",
    "verwijzingen",
    "wachtlijst",
    "wachtlijsten",
    "voorziening",
    "voorzieningen",
    "preventie",
    "onderwijs",
    "school",
    "scholen",
    "samenwerking",
    "regio",
    "gemeente",
    "gemeenten",
    "zorgaanbieder",
    "zorgaanbieders",
    "inkoop",
    "contract",
    "contracten",
    "budget",
    "financiering",
    "monitoring",
    "sturing",
    "beleid",
    "visie",
    "ambitie",
    "resultaat",
    "resultaten",
    "kwaliteit",
    "veiligheid",
    "jeugdbescherming",
    "gecertificeerde",
    "instelling",
    "pleegzorg",
    "residentieel",
    "ambulant",
    "specialistische",
    "hulp",
    "casusregie",
    "regisseur",
    "praktijkondersteuner",
    "cijfers",
    "indicator",
    "trajecten",
    "kosten",
    "doorlooptijd",
    "cliëntervaring",
    "participatie",
    "ervaringsdeskundige",
    "lessen",
    "ontwikkelpunt",
    "sterkte",
]
GLUE = [
    "de",
    "het",
    "een",
    "en",
    "van",
    "in",
    "op",
    "te",
    "voor",
    "met",
    "die",
    "dat",
    "is",
    "aan",
    "bij",
    "om",
    "of",
    "als",
    "ook",
    "naar",
    "door",
    "over",
    "tot",
    "uit",
    "wordt",
]


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    syllables = ["ka", "lo", "ver", "ste", "mi", "ro", "den", "bel", "tra", "ge", "win", "pe", "zon", "dra", "vel"]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def ranked_vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Every word with its cumulative Zipf weight: the glue words first, the youth-care words spread over
    ranks 40 to about 2,000 (the first in about a third of the passages, most in 1 to 10 %), the long tail
    around them."""
    domain = DOMAIN[:]
    rng.shuffle(domain)
    domain.remove("jeugdhulp")
    words = GLUE + vocabulary(rng)
    words.insert(40, "jeugdhulp")
    for i, word in enumerate(domain):
        words.insert(int(60 * 1.05**i), word)
    cumulative, total = [], 0.0
    for rank in range(len(words)):
        total += 1.0 / (rank + 1)
        cumulative.append(total)
    return words, cumulative


def text(rng: random.Random, words: list[str], cumulative: list[float]) -> str:
    sentence = " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(40, 160)))
    return sentence[0].upper() + sentence[1:] + "."


def generate(session: Session, passages: int, seed: int = 11) -> dict[str, Any]:
    rng = random.Random(seed)  # noqa: S311  (generated test data, not secrets)
    regions = [Jeugdregio(name=f"Jeugdregio {i}") for i in range(42)]
    session.add_all(regions)
    gemeenten = [
        Gemeente(
            name=f"Gemeente {i:03d}",
            slug=f"gemeente-{i:03d}",
            cbs_code=f"GM{i:04d}",
            province=PROVINCES[i % len(PROVINCES)],
            jeugdregio=regions[i % len(regions)],
            inhabitants=rng.randint(5_000, 900_000),
        )
        for i in range(1, 343)
    ]
    session.add_all(gemeenten)
    rounds = [Round(name=f"Ronde {y}", starts_on=date(y, 9, 1), ends_on=date(y + 1, 6, 30)) for y in (2022, 2024, 2026)]
    session.add_all(rounds)
    session.flush()
    visitaties = [Visitatie(round_id=r.id, gemeente_id=g.id) for r in rounds for g in gemeenten]
    session.add_all(visitaties)
    member = User(email="lid@bench.nl", name="Lid", password_hash=None, two_factor_exempt=True)
    member.memberships.append(Membership(gemeente_id=gemeenten[0].id, role=MembershipRole.CONTRIBUTOR))
    analyst = User(email="analist@bench.nl", name="Analist", password_hash=None, two_factor_exempt=True)
    analyst.network_roles.append(NetworkRoleGrant(role=NetworkRole.ANALYST))
    session.add_all([member, analyst])
    session.flush()
    words, cumulative = ranked_vocabulary(rng)
    kinds = list(PassageKind)
    rows, themes = [], []
    for n in range(passages):
        v = visitaties[n % len(visitaties)]
        roll = rng.random()
        audience = Audience.OPENBAAR if roll < 0.15 else Audience.NETWERK if roll < 0.75 else Audience.CONCEPT
        kind = kinds[n % len(kinds)]
        rows.append(
            {
                "id": n + 1,
                "key": f"bench:{n + 1}",
                "kind": kind.value,
                "audience": audience.value,
                "visitatie_id": v.id,
                "gemeente_id": v.gemeente_id,
                "round_id": v.round_id,
                "section_key": "visie" if kind is PassageKind.SECTIE else None,
                "title": " ".join(rng.choice(DOMAIN) for _ in range(rng.randint(1, 3))).capitalize(),
                "text": text(rng, words, cumulative),
                "indexed_at": db.utcnow(),
            }
        )
        for code in rng.sample(range(1, 13), rng.randint(1, 3)):
            themes.append({"passage_id": n + 1, "theme": f"T{code}"})
    for i in range(0, len(rows), 5000):
        session.execute(sa.insert(NetworkPassage), rows[i : i + 5000])
    for i in range(0, len(themes), 10000):
        session.execute(sa.insert(NetworkPassageTheme), themes[i : i + 10000])
    session.execute(sa.text("SELECT setval('network_passage_id_seq', :n)"), {"n": passages})
    return {"member": member.id, "analyst": analyst.id, "visitatie": visitaties[0].id}


MEMBERS = ("lid@bench.nl", "coordinator@bench-netwerk.example")
ANALYSTS = ("analist@bench.nl", "analist@bench-netwerk.example")


def matrix_network(session: Session, passages: int) -> dict[str, Any]:
    """The network of ``bench/network.py`` (nmatrix's generator), for comparison with the matrix numbers."""
    sys.path.insert(0, str(ROOT / "bench"))
    from network import generate_network

    generate_network(session, passages=passages)
    return {
        "member": session.scalar(sa.select(User.id).where(User.email.in_(MEMBERS))),
        "analyst": session.scalar(sa.select(User.id).where(User.email.in_(ANALYSTS))),
        "visitatie": session.scalar(sa.select(sa.func.min(NetworkPassage.visitatie_id))),
    }


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--passages", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="reuse the database if it holds the passages already")
    parser.add_argument(
        "--matrix-generator",
        action="store_true",
        help="generate with bench/network.py's generate_network (its texts repeat a few sentences: every word is "
        "common, the worst case for a search) instead of this script's Zipf corpus",
    )
    args = parser.parse_args()
    url = sa.engine.make_url(args.database_url)
    if "bench" not in (url.database or ""):
        sys.exit("the database name must contain 'bench': it is dropped and created")

    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database})
    engine = db.make_engine(args.database_url)
    fresh = not (args.keep and exists)
    if fresh:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}"'))
            connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
        migrations.upgrade(engine)
    admin.dispose()

    app = create_app(
        {
            "ENV": "testing",  # as the tests run the app: no production checks, no mail; jobs inline
            "TESTING": True,
            "DATABASE_URL": args.database_url,
            "SECRET_KEY": "bench",
            "JOBS_INLINE": True,
            "SERVER_NAME": "localhost",
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
        }
    )
    with app.app_context():
        session = db.session()
        if fresh and args.matrix_generator:  # its passages are written directly: the search rows are built below
            started = time.perf_counter()
            world = matrix_network(session, args.passages)
            print(f"generated with bench/network.py's generate_network in {time.perf_counter() - started:.1f} s")
        elif fresh:
            started = time.perf_counter()
            world = generate(session, args.passages)
            session.commit()
            print(f"generated {args.passages:,} passages in {time.perf_counter() - started:.1f} s")
        if fresh:
            started = time.perf_counter()
            ids = list(session.scalars(sa.select(NetworkPassage.id).order_by(NetworkPassage.id)))
            for i in range(0, len(ids), 2000):
                search.refresh(session, ids[i : i + 2000])
            session.commit()
            build = time.perf_counter() - started
            print(f"search index of {len(ids):,} passages built in {build:.1f} s ({len(ids) / build:,.0f} per s)")
            session.commit()
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("VACUUM ANALYZE"))  # as autovacuum does after a bulk load
        if not fresh:
            world = {
                "member": session.scalar(sa.select(User.id).where(User.email.in_(MEMBERS))),
                "analyst": session.scalar(sa.select(User.id).where(User.email.in_(ANALYSTS))),
                "visitatie": session.scalar(sa.select(sa.func.min(NetworkPassage.visitatie_id))),
            }
        total = session.scalar(sa.select(sa.func.count()).select_from(NetworkPassage))
        indexed = session.scalar(sa.text("SELECT count(*) FROM network_search"))
        print(f"network: {total:,} passages, {indexed:,} in the search index")

        # The refresh of one portret: about 50 passages of one visitatie (delete + insert of their rows).
        one = list(session.scalars(sa.select(NetworkPassage.id).order_by(NetworkPassage.id).limit(50)))
        refresh_times = []
        for _ in range(10):
            started = time.perf_counter()
            search.refresh(session, one)
            session.flush()
            refresh_times.append(time.perf_counter() - started)
        session.rollback()
        p50, p95 = percentiles(refresh_times)
        print(f"refresh of one portret ({len(one)} passages): p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
              f"(target <= 1000 ms)")  # fmt: skip

        member = session.get(User, world["member"])
        analyst = session.get(User, world["analyst"])
        analyst_login = analyst.get_id()
        queries: list[tuple[str, str, search.Facets]] = [
            ("common word", "wachtlijsten", search.Facets()),
            ("two words", "huisartsen verwijzing", search.Facets()),
            ("plural, theme facet", "gezinnen", search.Facets(theme="T4")),
            ("province facet", "preventie", search.Facets(province="Drenthe")),
            ("kind facet", "samenwerking onderwijs", search.Facets(kind=PassageKind.LES)),
            ("rare word", "velzonpe", search.Facets()),
            ("very common", "jeugdhulp gemeente", search.Facets()),
            ("no hit", "onvindbaarwoord", search.Facets()),
        ]
        search._GROUPED.size = 0  # time the statement, not the answers this process keeps (network/cache.py)
        print(f"\nsearch.search, {args.runs} runs each (p50 / p95 ms; hits):")
        all_samples = []
        for label, user in (("member", member), ("analyst", analyst)):
            for name, query, facets in queries:
                for _ in range(3):
                    search.search(session, user, query, facets)
                samples = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    results = search.search(session, user, query, facets)
                    samples.append(time.perf_counter() - started)
                session.rollback()
                all_samples += samples
                p50, p95 = percentiles(samples)
                print(f"  {label:8} {name:22} {query!r:26} {p50 * 1000:6.1f} / {p95 * 1000:6.1f}   {results.total:,}")
        p50, p95 = percentiles(all_samples)
        print(f"  all queries: p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms (target p95 <= 100 ms)")

    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = analyst_login
        cookie["_fresh"] = True
        cookie["last_seen"] = int(time.time())
    page_samples = []
    for i in range(args.runs + 3):
        name, query, facets = queries[i % len(queries)]
        started = time.perf_counter()
        response = client.get("/netwerk/zoeken", query_string={"q": query, **facets.args()})
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            sys.exit(f"/netwerk/zoeken answered {response.status_code}")
        if i >= 3:
            page_samples.append(elapsed)
    p50, p95 = percentiles(page_samples)
    print(f"\npage /netwerk/zoeken as the analyst (test client, all queries): p50 {p50 * 1000:.1f} ms, "
          f"p95 {p95 * 1000:.1f} ms")  # fmt: skip
    print(f"machine: {os.cpu_count()} cores, shared; load average {os.getloadavg()[0]:.1f}")
    engine.dispose()


if __name__ == "__main__":
    main()
