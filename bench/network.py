"""The national network at scale: a generated network on PostgreSQL, the theme matrix and one reindex timed.

    .venv/bin/python bench/network.py                      # generate, measure in process, drop
    .venv/bin/python bench/network.py --gunicorn           # also the pages under gunicorn (deploy config)
    .venv/bin/python bench/network.py --requests 50 --keep

What it does, all on 127.0.0.1:

1. drops and creates a PostgreSQL database (default ``peerreview_bench_network``; its name must contain
   ``bench``), migrates it (``flask db upgrade``) and generates a national network with
   :func:`generate_network`: 342 gemeenten in 42 jeugdregio's and 12 provinces, 3 rounds, 1,000 visitaties
   each with a portret (most adopted; published *netwerk* or *openbaar*, some for the gemeente only),
   about 50,000 rows in the passage index (theme summaries with a judgement, strengths, development
   points, lessons, improvement points, portret sections; written directly, as the indexer would),
   key figures for every gemeente and for Nederland (two indicators in two periods, SES decile and
   urbanisation), an analyst and a gemeente coordinator. One visitatie gets its full source material
   (12 theme summaries, 40 released annotations, a reflectiesessie with lessons and improvement points,
   an adopted and published portret version with every section written out) so that the indexer itself
   can be timed on it;
2. times ``reindex_visitatie`` for that portret (rebuild + commit), N times: p50/p95 (target ≤ 1 s);
3. measures the matrix pages IN PROCESS with Flask's test client (the app built as in production, on the
   same PostgreSQL): N requests one after the other per page after two warm-up requests, p50/p95, the
   page size and the SQL statements of one request. With ``--gunicorn`` the same pages are also
   requested over HTTP from gunicorn under ``deploy/gunicorn.conf.py`` (one request at a time, a new
   connection each, as in ``bench/pages.py``'s "alone" numbers). A repeated page is answered partly from
   what each process keeps under the index's stamp (``peerreview.network.cache``); the line "search,
   analyst, a new word each" asks a word no request asked before, so it shows a search that is not kept;
4. drops the database (``--keep`` keeps it).

The generator is reusable: other network benches (search, figures) call ``generate_network(session)`` on
their own database and read the ids it returns. Target of issue 11: p95 ≤ 100 ms for the matrix page,
index refresh for one portret ≤ 1 s. A benchmark, not a test: it measures and prints.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from autosave import (  # noqa: E402
    SENTENCES,
    app_env,
    cpu_reference,
    drop_database,
    migrate,
    percentile,
    recreate_database,
    settle_database,
)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/peerreview_bench_network"
PASSWORD = "bench-netwerk-wachtwoord"  # noqa: S105  (throwaway accounts in a throwaway database)
ANALYST = "analist@bench-netwerk.example"
MEMBER = "coordinator@bench-netwerk.example"
PROVINCES = (
    "Groningen",
    "Friesland",
    "Drenthe",
    "Overijssel",
    "Flevoland",
    "Gelderland",
    "Utrecht",
    "Noord-Holland",
    "Zuid-Holland",
    "Zeeland",
    "Noord-Brabant",
    "Limburg",
)
THEMES = [f"T{i}" for i in range(1, 13)]
JUDGEMENTS = ("duidelijk_aanwezig", "in_ontwikkeling", "nog_niet_zichtbaar")
TARGET_PAGE_P95_MS = 100.0
TARGET_REINDEX_S = 1.0


@dataclass
class Network:
    gemeenten: int
    rounds: list[int]
    visitaties: int
    portretten: int
    passages: int
    full_visitatie_id: int  # the visitatie with its complete source material (for timing the indexer)
    cell_gemeente_id: int  # a gemeente with a published portret (for a cell page)
    analyst_email: str
    member_email: str
    password: str


def _text(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(sentences))


def generate_network(
    session: Any,
    *,
    gemeenten: int = 342,
    rounds: int = 3,
    visitaties: int = 1000,
    passages: int = 50_000,
    seed: int = 11,
) -> Network:
    """Generate a national network in ``session``'s (empty) database and commit it. Source rows are the
    minimum the index refers to; the index rows are inserted directly. Reusable by other benches."""
    from sqlalchemy import func, insert, select, text

    from peerreview.accounts.auth import hash_password
    from peerreview.accounts.models import Membership, MembershipRole, NetworkRole, NetworkRoleGrant, User
    from peerreview.indicators.models import Area, AreaKind, Indicator, IndicatorValue, Unit
    from peerreview.network import cache, indexer
    from peerreview.network.models import Audience, NetworkCell, NetworkPassage, NetworkPassageTheme, PassageKind
    from peerreview.portret import skeleton as skeletons
    from peerreview.portret.models import Portret, Publication
    from peerreview.rounds.models import Round, Visitatie, VisitatieState
    from peerreview.tenants.models import Gemeente, Jeugdregio, slugify

    rng = random.Random(seed)  # noqa: S311  (a deterministic corpus, not a secret)
    now = datetime.now(UTC)
    # gemeenten in jeugdregio's, with areas and key figures
    regio_ids = list(
        session.execute(
            insert(Jeugdregio).returning(Jeugdregio.id), [{"name": f"Benchregio {n + 1}"} for n in range(42)]
        ).scalars()
    )
    rows = []
    for n in range(gemeenten):
        name = f"Benchgemeente {n + 1:03d}"
        rows.append(
            {
                "name": name,
                "slug": slugify(name),
                "cbs_code": f"GM{7000 + n:04d}",
                "province": PROVINCES[n % len(PROVINCES)],
                "jeugdregio_id": regio_ids[n % len(regio_ids)],
                "inhabitants": rng.choice((9_000, 25_000, 45_000, 80_000, 130_000, 220_000, 400_000)),
            }
        )
    gemeente_ids = list(session.execute(insert(Gemeente).returning(Gemeente.id), rows).scalars())
    area_ids = list(
        session.execute(
            insert(Area).returning(Area.id),
            [
                {"code": r["cbs_code"], "name": r["name"], "kind": AreaKind.GEMEENTE, "gemeente_id": g}
                for r, g in zip(rows, gemeente_ids, strict=True)
            ],
        ).scalars()
    )
    nederland = session.scalar(select(Area.id).where(Area.kind == AreaKind.NEDERLAND))
    if nederland is None:
        nederland = session.execute(
            insert(Area).returning(Area.id), [{"code": "NL01", "name": "Nederland", "kind": AreaKind.NEDERLAND}]
        ).scalar_one()
    indicators = {}
    for position, (code, unit, group, short) in enumerate(
        (
            ("JH_ZONDER_VERBLIJF", Unit.PERCENT, "gebruik", "Jeugdhulp zonder verblijf"),
            ("LASTEN_PER_JEUGDIGE", Unit.EURO, "lasten", "Lasten per jeugdige"),
            ("SES_DECIEL", Unit.DECILE, "context", "SES-deciel"),
            ("STEDELIJKHEID", Unit.KLASSE, "context", "Stedelijkheid"),
        )
    ):
        indicators[code] = session.execute(
            insert(Indicator).returning(Indicator.id),
            [
                {
                    "code": code,
                    "name": short,
                    "short_name": short,
                    "definition": short,
                    "unit": unit,
                    "source": "Benchmark",
                    "group": group,
                    "position": position,
                    "decimals": 1 if unit is Unit.PERCENT else 0,
                }
            ],
        ).scalar_one()
    values = []
    for area in [*area_ids, nederland]:
        for period, factor in (("2019", 1.0), ("2021", 1.08)):
            values.append(
                {
                    "indicator_id": indicators["JH_ZONDER_VERBLIJF"],
                    "area_id": area,
                    "period": period,
                    "value": round(rng.uniform(5, 11) * factor, 1),
                }
            )
            values.append(
                {
                    "indicator_id": indicators["LASTEN_PER_JEUGDIGE"],
                    "area_id": area,
                    "period": period,
                    "value": round(rng.uniform(700, 1400) * factor),
                }
            )
        if area != nederland:
            values.append(
                {
                    "indicator_id": indicators["SES_DECIEL"],
                    "area_id": area,
                    "period": "2021",
                    "value": rng.randint(1, 10),
                }
            )
            values.append(
                {
                    "indicator_id": indicators["STEDELIJKHEID"],
                    "area_id": area,
                    "period": "2021",
                    "value": rng.randint(1, 5),
                }
            )
    session.execute(insert(IndicatorValue), values)
    # rounds and visitaties: the newest rounds take every gemeente, the first one the rest
    round_ids = list(
        session.execute(
            insert(Round).returning(Round.id),
            [
                {
                    "name": f"Benchronde {2020 + 2 * n}",
                    "starts_on": date(2020 + 2 * n, 9, 1),
                    "ends_on": date(2021 + 2 * n, 6, 30),
                }
                for n in range(rounds)
            ],
        ).scalars()
    )
    pairs: list[tuple[int, int]] = []
    for round_id in reversed(round_ids):
        for gemeente_id in gemeente_ids:
            if len(pairs) < visitaties:
                pairs.append((round_id, gemeente_id))
    visitatie_rows = [
        {
            "round_id": r,
            "gemeente_id": g,
            "state": VisitatieState.DEFINITIEF,
            "annotations_released_at": now,
        }
        for r, g in pairs
    ]
    visitatie_ids = list(session.execute(insert(Visitatie).returning(Visitatie.id), visitatie_rows).scalars())
    skeleton_version = skeletons.latest_version()
    skeleton = skeletons.load(skeleton_version)
    publications = []
    for _ in visitatie_ids:
        roll = rng.random()
        publications.append(
            Publication.OPENBAAR if roll < 0.25 else Publication.NETWERK if roll < 0.8 else Publication.GEMEENTE
        )
    portret_ids = list(
        session.execute(
            insert(Portret).returning(Portret.id),
            [
                {
                    "gemeente_id": g,
                    "visitatie_id": v,
                    "skeleton_version": skeleton_version,
                    "current_version": 1,
                    "adopted_version": 1,
                    "adopted_at": now,
                    "publication": publication,
                    "published_at": now if publication is not Publication.GEMEENTE else None,
                }
                for (_r, g), v, publication in zip(pairs, visitatie_ids, publications, strict=True)
            ],
        ).scalars()
    )
    # the passage index, about ``passages`` rows
    sections = [s for s in skeleton.sections if s.kind in indexer.SECTION_KINDS]
    places = indexer.theme_sections(skeleton_version)
    per_visitatie = max(20, passages // max(1, len(visitatie_ids)))
    next_id = (session.scalar(select(func.max(NetworkPassage.id))) or 0) + 1
    passage_rows: list[dict[str, Any]] = []
    theme_rows: list[dict[str, Any]] = []
    passage_themes: list[list[str]] = []

    def add(
        visitatie: int,
        gemeente: int,
        round_id: int,
        portret: int,
        key: str,
        kind: PassageKind,
        audience: Audience,
        themes: list[str],
        **extra: Any,
    ) -> None:
        nonlocal next_id
        passage_rows.append(
            {
                "id": next_id,
                "key": key,
                "kind": kind,
                "audience": audience,
                "visitatie_id": visitatie,
                "gemeente_id": gemeente,
                "round_id": round_id,
                "portret_id": portret,
                "section_key": extra.get("section_key", places.get(themes[0]) if themes else None),
                "title": extra.get("title", kind.label),
                "text": extra.get("text") or _text(rng, rng.randint(1, 3)),
                "judgement": extra.get("judgement"),
                "indexed_at": now,
            }
        )
        theme_rows.extend({"passage_id": next_id, "theme": code} for code in themes)
        passage_themes.append(themes)
        next_id += 1

    for (round_id, gemeente), visitatie, portret, publication in zip(
        pairs, visitatie_ids, portret_ids, publications, strict=True
    ):
        audience = {Publication.OPENBAAR: Audience.OPENBAAR, Publication.NETWERK: Audience.NETWERK}.get(
            publication, Audience.CONCEPT
        )
        budget = per_visitatie
        for theme in THEMES:
            add(
                visitatie,
                gemeente,
                round_id,
                portret,
                f"summary:b{visitatie}:{theme}",
                PassageKind.SAMENVATTING,
                audience,
                [theme],
                judgement=rng.choice(JUDGEMENTS),
            )
        budget -= 12
        if audience is not Audience.CONCEPT:
            for section in sections:
                add(
                    visitatie,
                    gemeente,
                    round_id,
                    portret,
                    f"section:b{visitatie}:{section.key}",
                    PassageKind.SECTIE,
                    audience,
                    list(section.themes),
                    section_key=section.key,
                    title=section.title,
                    text=_text(rng, 8),
                )
            budget -= len(sections)
        for n in range(3):
            add(
                visitatie,
                gemeente,
                round_id,
                portret,
                f"lesson:b{visitatie}:{n}",
                PassageKind.LES,
                audience,
                [rng.choice(THEMES)],
            )
            add(
                visitatie,
                gemeente,
                round_id,
                portret,
                f"improvement:b{visitatie}:{n}",
                PassageKind.VERBETERPUNT,
                audience,
                [rng.choice(THEMES)],
            )
        budget -= 6
        for n in range(max(0, budget)):
            kind = PassageKind.STERKTE if rng.random() < 0.55 else PassageKind.ONTWIKKELPUNT
            themes = sorted(set(rng.sample(THEMES, rng.choice((1, 1, 2)))), key=lambda c: int(c[1:]))
            add(visitatie, gemeente, round_id, portret, f"annotation:b{visitatie}:{n}", kind, audience, themes)
    for start in range(0, len(passage_rows), 5000):
        session.execute(insert(NetworkPassage), passage_rows[start : start + 5000])
    for start in range(0, len(theme_rows), 10000):
        session.execute(insert(NetworkPassageTheme), theme_rows[start : start + 10000])
    cells = indexer.cell_rows([{**r, "themes": t} for r, t in zip(passage_rows, passage_themes, strict=True)])
    for start in range(0, len(cells), 10000):
        session.execute(insert(NetworkCell), cells[start : start + 10000])
    cache.bump_index_stamp(session)  # written directly: the matrix must not serve cells of an earlier index
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('network_passage', 'id'), (SELECT max(id) FROM network_passage))"
            )
        )
    # users: an analyst and a gemeente coordinator (no second factor: a benchmark logs in with a password)
    password_hash = hash_password(PASSWORD)
    analyst = User(email=ANALYST, name="Analist Bench", password_hash=password_hash, two_factor_exempt=True)
    analyst.network_roles.append(NetworkRoleGrant(role=NetworkRole.ANALYST))
    member = User(email=MEMBER, name="Coördinator Bench", password_hash=password_hash, two_factor_exempt=True)
    member.memberships.append(Membership(gemeente_id=gemeente_ids[0], role=MembershipRole.COORDINATOR))
    session.add_all([analyst, member])
    session.flush()
    full = _full_visitatie(session, rng, visitatie_ids[1], pairs[1][1], portret_ids[1], skeleton)
    session.commit()
    published = next(g for (_r, g), p in zip(pairs, publications, strict=True) if p is not Publication.GEMEENTE)
    return Network(
        gemeenten=len(gemeente_ids),
        rounds=round_ids,
        visitaties=len(visitatie_ids),
        portretten=len(portret_ids),
        passages=len(passage_rows),
        full_visitatie_id=full,
        cell_gemeente_id=published,
        analyst_email=ANALYST,
        member_email=MEMBER,
        password=PASSWORD,
    )


def _full_visitatie(
    session: Any, rng: random.Random, visitatie_id: int, gemeente_id: int, portret_id: int, skeleton: Any
) -> int:
    """The complete source material of one visitatie, so that the indexer can be timed on a real portret."""
    from peerreview.portret.models import Portret, PortretVersion, Publication, VersionKind
    from peerreview.reflectiesessie.models import ImprovementPoint, ReflectieSessie, SessieLesson
    from peerreview.review.models import Annotation, AnnotationKind, ThemeSummary
    from peerreview.selfeval.models import Submission

    submission = Submission(
        gemeente_id=gemeente_id,
        visitatie_id=visitatie_id,
        number=1,
        checksum="0" * 64,
        snapshot={"answers": {}, "cases": []},
    )
    session.add(submission)
    session.flush()
    for theme in THEMES:
        session.add(
            ThemeSummary(
                gemeente_id=gemeente_id,
                visitatie_id=visitatie_id,
                theme_code=theme,
                judgement=rng.choice(JUDGEMENTS),
                summary=_text(rng, 3),
            )
        )
    for n in range(40):
        session.add(
            Annotation(
                gemeente_id=gemeente_id,
                visitatie_id=visitatie_id,
                submission_id=submission.id,
                question_key=f"s{1 + n % 5}_{1 + n % 4}",
                themes=sorted(set(rng.sample(THEMES, 2)), key=lambda c: int(c[1:])),
                kind=AnnotationKind.STERKTE if n % 2 else AnnotationKind.ONTWIKKELPUNT,
                body=_text(rng, 2),
            )
        )
    sessie = ReflectieSessie(gemeente_id=gemeente_id, visitatie_id=visitatie_id, ics_uid=f"bench-{visitatie_id}@bench")
    session.add(sessie)
    session.flush()
    for n in range(3):
        session.add(
            SessieLesson(
                gemeente_id=gemeente_id,
                sessie_id=sessie.id,
                visitatie_id=visitatie_id,
                theme=THEMES[n * 3],
                text=_text(rng, 2),
            )
        )
        session.add(
            ImprovementPoint(
                gemeente_id=gemeente_id,
                sessie_id=sessie.id,
                visitatie_id=visitatie_id,
                theme=THEMES[n * 3 + 1],
                text=_text(rng, 2),
            )
        )
    content = {
        "gemeente": "Benchgemeente",
        "motto": "Samen leren",
        "sections": [
            {
                "key": s.key,
                "kind": s.kind,
                "level": s.level,
                "title": s.heading("Benchgemeente"),
                "html": "".join(f"<p>{_text(rng, 5)}</p>" for _ in range(4)),
                "provenance": {},
            }
            for s in skeleton.sections
        ],
    }
    session.add(
        PortretVersion(
            gemeente_id=gemeente_id,
            portret_id=portret_id,
            number=1,
            content=content,
            checksum="0" * 64,
            kind=VersionKind.DEFINITIEF,
        )
    )
    portret = session.get(Portret, portret_id)
    portret.publication = Publication.NETWERK
    session.flush()
    return visitatie_id


# --- measuring ------------------------------------------------------------------------------------------


def _stats(times: list[float]) -> str:
    return f"p50 {percentile(times, 50):7.1f} ms   p95 {percentile(times, 95):7.1f} ms   max {max(times):7.1f} ms"


def time_reindex(app: Any, visitatie_id: int, runs: int) -> tuple[list[float], int]:
    from peerreview import db
    from peerreview.network import indexer

    times, count = [], 0
    for _ in range(runs):
        with app.app_context(), db.new_session() as s:
            started = time.perf_counter()
            count = indexer.reindex_visitatie(s, visitatie_id)
            s.commit()
            times.append((time.perf_counter() - started) * 1000)
    return times, count


def pages(network: Network) -> list[tuple[str, str | None, str]]:
    """(label, who: None/analyst/member, path) of the pages measured."""
    three = "indicator=JH_ZONDER_VERBLIJF&indicator=LASTEN_PER_JEUGDIGE&indicator=SES_DECIEL"
    return [
        ("matrix, anonymous (openbaar)", None, "/netwerk/thema-matrix"),
        ("matrix, gemeente member", "member", "/netwerk/thema-matrix"),
        ("matrix, analyst (all)", "analyst", "/netwerk/thema-matrix"),
        ("matrix, analyst, 3 indicators", "analyst", f"/netwerk/thema-matrix?{three}"),
        ("matrix, analyst, 1 province", "analyst", "/netwerk/thema-matrix?province=Gelderland"),
        ("matrix, analyst, 2 themes", "analyst", "/netwerk/thema-matrix?thema=T3&thema=T7"),
        ("matrix CSV, analyst", "analyst", f"/netwerk/thema-matrix.csv?{three}"),
        ("cell page, member", "member", f"/netwerk/thema-matrix/{network.cell_gemeente_id}/T7"),
        ("figures, analyst (portret set)", "analyst", "/netwerk/cijfers?kengetal=JH_ZONDER_VERBLIJF"),
        ("figures, analyst, all gemeenten", "analyst", "/netwerk/cijfers?kengetal=JH_ZONDER_VERBLIJF&set=alle"),
        (
            "figures, analyst, scatter",
            "analyst",
            "/netwerk/cijfers?kengetal=JH_ZONDER_VERBLIJF&tegen=SES_DECIEL&set=alle",
        ),
        ("search, member, common word", "member", "/netwerk/zoeken?q=wachttijd"),
        ("search, analyst, common word", "analyst", "/netwerk/zoeken?q=wachttijd"),
        ("search, analyst, two words", "analyst", "/netwerk/zoeken?q=huisartsen+samenwerking"),
        ("search, analyst, theme facet", "analyst", "/netwerk/zoeken?q=gezinnen&thema=T3"),
        ("search, analyst, a new word each", "analyst", "/netwerk/zoeken?q={word}"),
    ]


# Words of the generated texts that no other page searches for: "a new word each" asks each one once per
# process, so none of its requests is answered from the per-process cache (up to 37 requests per page).
NEW_WORDS = [
    "toegang",
    "wijkteam",
    "inlooppunt",
    "ouders",
    "gedragswetenschapper",
    "overbruggingszorg",
    "onderwijs",
    "vindplaats",
    "regiogemeenten",
    "inkoop",
    "crisisdienst",
    "knelpunt",
    "volwassenheid",
    "jongeren",
    "contactpersoon",
    "cijfers",
    "nazorg",
    "traject",
    "gemeenteraad",
    "rapportage",
    "hulpplan",
    "jongerenpanel",
    "beleid",
    "aanbieders",
    "lasten",
    "instellingen",
    "doorlooptijd",
    "regisseur",
    "budget",
    "preventie",
    "opvoedondersteuning",
    "kinderen",
    "praktijkondersteuners",
    "verwijzingen",
    "resultaten",
    "medewerkers",
    "hogeschool",
    "verblijf",
    "weken",
    "inschatting",
]


def _nth(path: str, n: int) -> str:
    """The page's path for its ``n``-th request: the same path, or for a page of new words its ``n``-th word."""
    return path.format(word=NEW_WORDS[n % len(NEW_WORDS)]) if "{word}" in path else path


def measure_in_process(app: Any, network: Network, requests: int) -> list[str]:
    from sqlalchemy import event, select

    from peerreview import db
    from peerreview.accounts.models import User

    with app.app_context(), db.new_session() as s:
        ids = {
            "analyst": s.scalars(select(User).where(User.email == network.analyst_email)).one().get_id(),
            "member": s.scalars(select(User).where(User.email == network.member_email)).one().get_id(),
        }
    engine = app.extensions["peerreview.engine"]
    lines = []
    for label, who, path in pages(network):
        client = app.test_client()
        if who:
            with client.session_transaction() as sess:
                sess["_user_id"], sess["_fresh"], sess["last_seen"] = ids[who], True, int(time.time())
        for n in range(2):
            response = client.get(_nth(path, n))
            if response.status_code != 200:
                raise SystemExit(f"{label}: {path} gave {response.status_code}")
        statements = [0]

        def count(*_args: object, statements: list[int] = statements) -> None:
            statements[0] += 1

        event.listen(engine, "before_cursor_execute", count)
        size = len(client.get(_nth(path, 2)).get_data())
        event.remove(engine, "before_cursor_execute", count)
        times = []
        for n in range(3, 3 + requests):
            started = time.perf_counter()
            response = client.get(_nth(path, n))
            response.get_data()
            times.append((time.perf_counter() - started) * 1000)
        ok = "ok " if percentile(times, 95) <= TARGET_PAGE_P95_MS else "SLOW"
        lines.append(f"  {ok} {label:34s} {_stats(times)}   {size / 1024:7.0f} KiB   {statements[0]:2d} SQL")
    return lines


def measure_gunicorn(env: dict[str, str], network: Network, requests: int, workers: int) -> list[str]:
    from autosave import Server
    from pages import login

    log = Path(tempfile.mkdtemp(prefix="bench-network-")) / "gunicorn.log"
    server = Server(env, workers, log)
    lines = []
    try:
        server.wait_ready()
        clients: dict[str | None, Any] = {
            "analyst": login(server.port, network.analyst_email, network.password),
            "member": login(server.port, network.member_email, network.password),
        }
        from autosave import Client

        clients[None] = Client(server.port)
        for label, who, path in pages(network):
            client = clients[who]
            for n in range(2):
                status, _headers, _body = client.request("GET", _nth(path, n))
                if status != 200:
                    raise SystemExit(f"{label}: {path} gave {status} under gunicorn")
            times = []
            for n in range(3, 3 + requests):
                started = time.perf_counter()
                status, _headers, body = client.request("GET", _nth(path, n))
                times.append((time.perf_counter() - started) * 1000)
                if status != 200:
                    raise SystemExit(f"{label}: {path} gave {status} under gunicorn")
            ok = "ok " if percentile(times, 95) <= TARGET_PAGE_P95_MS else "SLOW"
            lines.append(f"  {ok} {label:34s} {_stats(times)}   {len(body) / 1024:7.0f} KiB")
    finally:
        server.stop()
    return lines


def run(args: argparse.Namespace) -> int:

    from peerreview import create_app, db
    from peerreview.network import search

    env = app_env(args.database_url, secrets.token_urlsafe(48))
    print(f"database {args.database_url} (dropped and created)")
    recreate_database(args.database_url)
    try:
        migrate(env)
        os.environ.update(env)
        app = create_app()
        started = time.perf_counter()
        with app.app_context(), db.new_session() as s:
            network = generate_network(s, gemeenten=args.gemeenten, visitaties=args.visitaties, passages=args.passages)
            search.rebuild(s)  # the passages were written directly: their search rows too
            s.commit()
        settle_database(args.database_url)
        print(
            f"generated in {time.perf_counter() - started:.1f} s: {network.gemeenten} gemeenten, "
            f"{len(network.rounds)} rounds, {network.visitaties} visitaties, {network.portretten} portretten, "
            f"{network.passages} passages"
        )
        times, count = time_reindex(app, network.full_visitatie_id, args.reindex_runs)
        verdict = "ok " if percentile(times, 95) <= TARGET_REINDEX_S * 1000 else "SLOW"
        print(
            f"\nreindex_visitatie of one full portret ({count} passages), rebuild + commit, {args.reindex_runs} runs:"
        )
        print(f"  {verdict} {_stats(times)}   (target ≤ {TARGET_REINDEX_S:.0f} s)")
        print(f"\npages in process (Flask test client, production config, PostgreSQL), {args.requests} requests each:")
        for line in measure_in_process(app, network, args.requests):
            print(line)
        if args.gunicorn:
            print(f"\npages under gunicorn ({args.workers} workers, deploy/gunicorn.conf.py), one request at a time:")
            for line in measure_gunicorn(env, network, args.requests, args.workers):
                print(line)
        print(f"\ntarget: p95 ≤ {TARGET_PAGE_P95_MS:.0f} ms per page (issue 11)")
        print(
            f"machine: {os.cpu_count()} cores, shared; load average {os.getloadavg()[0]:.1f}; "
            f"CPU reference loop {cpu_reference():.0f} ms (the same loop as bench/autosave.py; lower is faster)"
        )
    finally:
        if args.keep:
            print(f"kept {args.database_url}")
        else:
            drop_database(args.database_url)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--gemeenten", type=int, default=342)
    parser.add_argument("--visitaties", type=int, default=1000)
    parser.add_argument("--passages", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--reindex-runs", type=int, default=10)
    parser.add_argument("--gunicorn", action="store_true", help="also measure the pages under gunicorn")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
