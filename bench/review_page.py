"""Server time of the review workspace with 300 annotations (target: p95 at most 100 ms).

Seeds a submitted self-evaluation with realistic answer lengths, a review team and 300 annotations
(with replies and overlaps), then requests the review page repeatedly through the WSGI app and prints
p50/p95/max of the server time: for the chapter pages the reviewer works in (requested in turn, so
the figure covers every chapter), and for the whole text on one page (``?onderdeel=alles``). Uses a
temporary SQLite file unless --database-url names a database whose name contains "bench" (it is
emptied first).

    .venv/bin/python bench/review_page.py [--annotations 300] [--requests 60] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from peerreview import create_app, db, migrations  # noqa: E402
from peerreview.accounts import auth  # noqa: E402
from peerreview.accounts.models import Membership, MembershipRole, NetworkRole, NetworkRoleGrant, User  # noqa: E402
from peerreview.review import annotating, assignments  # noqa: E402
from peerreview.rounds.models import Phase, Round, RoundDeadline, Variant, Visitatie  # noqa: E402
from peerreview.selfeval import services, submission  # noqa: E402
from peerreview.tenants.models import Gemeente, Jeugdregio  # noqa: E402

PASSWORD = "bench-wachtwoord"  # noqa: S105  (throwaway accounts in a throwaway database)
WORDS = (
    "gemeente jeugdhulp toegang wijkteam gezinscoach huisarts onderwijs aanbieders monitoring raad preventie "
    "jongeren ouders casus regie budget contract inkoop visie kwaliteit gesprek netwerk school zorg"
).split()


def paragraph(rng: random.Random, n: int) -> str:
    sentences = []
    while sum(len(s.split()) for s in sentences) < n:
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


@dataclass
class AnnotatedCase:
    """A submitted self-evaluation under review, with its people (all with password ``PASSWORD``)."""

    visitatie: Visitatie
    writer: User  # the gemeente's coordinator
    reviewers: list[User]  # reviewers[0] leads the team
    staff: User  # round coordinator
    definition: services.Definition
    keys: list[str]  # the richtext questions, where the annotations are


def seed_annotated(
    s: Session, rng: random.Random, annotations: int, tag: str = "bench", cbs: int = 9001
) -> AnnotatedCase:
    """A round with one submitted self-evaluation (realistic answer lengths), a declared review team of three
    and ``annotations`` annotations (every fifth with a reply; overlaps happen). ``tag`` keeps names and
    e-mail addresses apart when one database holds several cases; ``cbs`` and ``cbs + 1`` become CBS codes."""
    a = Gemeente(
        name=f"Benchdorp {tag}",
        slug=f"benchdorp-{tag}",
        cbs_code=f"GM{cbs:04d}",
        province="Utrecht",
        jeugdregio=Jeugdregio(name=f"Bench {tag}"),
        inhabitants=50_000,
    )
    b = Gemeente(
        name=f"Andersum {tag}",
        slug=f"andersum-{tag}",
        cbs_code=f"GM{cbs + 1:04d}",
        province="Drenthe",
        jeugdregio=Jeugdregio(name=f"Elders {tag}"),
        inhabitants=40_000,
    )
    s.add_all([a, b])
    s.flush()
    password = auth.hash_password(PASSWORD)
    writer = User(email=f"w@{tag}.bench.nl", name="Schrijver", password_hash=password, two_factor_exempt=True)
    writer.memberships.append(Membership(gemeente_id=a.id, role=MembershipRole.COORDINATOR))
    reviewers = []
    for n in range(3):
        user = User(email=f"r{n}@{tag}.bench.nl", name=f"Reviewer {n}", password_hash=password, two_factor_exempt=True)
        user.memberships.append(Membership(gemeente_id=b.id, role=MembershipRole.CONTRIBUTOR))
        reviewers.append(user)
    staff = User(email=f"rc@{tag}.bench.nl", name="Ronde", password_hash=password, two_factor_exempt=True)
    staff.network_roles.append(NetworkRoleGrant(role=NetworkRole.ROUND_COORDINATOR))
    s.add_all([writer, staff, *reviewers])
    round_ = Round(name=f"Bench {tag}", starts_on=date(2026, 9, 1), ends_on=date(2027, 6, 30))
    round_.deadlines.append(RoundDeadline(phase=Phase.ZELFEVALUATIE, due_on=date(2027, 1, 15)))
    s.add(round_)
    s.flush()
    visitatie = Visitatie(round_id=round_.id, gemeente_id=a.id, variant=Variant.BASIS, definition_version=1)
    s.add(visitatie)
    s.flush()
    definition = services.definition_for(visitatie)
    from tests.factories import sample_value

    for question in definition.questions.values():
        value = (
            {"html": "".join(f"<p>{paragraph(rng, 80)}</p>" for _ in range(3))}
            if question.kind == "richtext"
            else sample_value(question)
        )
        services.save_answer(s, writer, visitatie, question, value, 0)
    submission.submit(s, writer, visitatie)
    assignments.set_team(s, staff, visitatie, reviewers[0].id, [reviewers[1].id, reviewers[2].id])
    for user in reviewers:
        assignments.declare(s, user, visitatie)
    keys = [q.key for q in definition.questions.values() if q.kind == "richtext"]
    latest = annotating.current_submission(s, visitatie)
    for n in range(annotations):
        key = rng.choice(keys)
        plain = annotating.plain_of(latest, key)
        start = rng.randrange(0, len(plain) - 60)
        annotation = annotating.create_annotation(
            s,
            reviewers[n % 3],
            visitatie,
            annotating.AnnotationInput(
                question_key=key,
                start=start,
                end=start + rng.randint(10, 60),
                quote="",
                themes=rng.sample([f"T{i}" for i in range(1, 13)], rng.randint(1, 2)),
                kind=rng.choice(["sterkte", "ontwikkelpunt", "vraag", "ontbrekend_bewijs"]),
                body=paragraph(rng, 25),
            ),
        )
        if n % 5 == 0:
            annotating.reply(s, reviewers[(n + 1) % 3], annotation, paragraph(rng, 15))
    return AnnotatedCase(visitatie, writer, reviewers, staff, definition, keys)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--annotations", type=int, default=300)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    if args.database_url and "bench" not in args.database_url.rsplit("/", 1)[-1]:
        sys.exit("refusing: the database name must contain 'bench'")
    app = create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "bench",
            "DATABASE_URL": url,
            "JOBS_INLINE": True,
            "SESSION_COOKIE_SECURE": False,
            "SERVER_NAME": "localhost",
            "REDIS_URL": None,
        }
    )
    engine = app.extensions["peerreview.engine"]
    if url.startswith("postgresql"):
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrations.upgrade(engine)
    with app.test_request_context():
        s = db.session()
        case = seed_annotated(s, random.Random(7), args.annotations)  # noqa: S311  (test text)
        s.commit()
        visitatie_id, definition, keys, reviewers = case.visitatie.id, case.definition, case.keys, case.reviewers

    import gc

    gc.collect()
    gc.freeze()  # as a gunicorn worker does after loading the app (deploy/gunicorn.conf.py)
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = reviewers[0].get_id()
        sess["last_seen"] = int(time.time())
    base = f"/visitaties/{visitatie_id}/review"
    chapters = [top.key for top in definition.sections if any(q.key in keys for q in top.all_questions())]
    print(f"Database:        {'PostgreSQL' if url.startswith('postgresql') else 'SQLite'}")
    print(f"Annotations:     {args.annotations} (with {args.annotations // 5} replies) on {len(keys)} answers")
    worst = 0.0
    for label, paths in (
        (f"Chapter pages ({', '.join(chapters)}, in turn)", [f"{base}?onderdeel={c}" for c in chapters]),
        ("Whole text on one page", [f"{base}?onderdeel=alles"]),
    ):
        for path in paths:  # warm-up
            assert client.get(path).status_code == 200
        times, sizes = [], []
        for n in range(args.requests):
            started = time.perf_counter()
            response = client.get(paths[n % len(paths)])
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            sizes.append(len(response.data) // 1024)
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"\n{label}: {args.requests} requests, pages {min(sizes)}–{max(sizes)} kB")
        print(f"  server time: p50 {statistics.median(times):.1f} ms   p95 {p95:.1f} ms   max {times[-1]:.1f} ms")
        worst = p95 if label.startswith("Chapter") else worst
    print(f"\nTarget p95 <= 100 ms (the chapter pages a reviewer works in): {'MET' if worst <= 100 else 'NOT MET'}")


if __name__ == "__main__":
    main()
