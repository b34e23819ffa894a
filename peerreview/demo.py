"""Demo data: a network with real municipalities and fictional people.

Every step is get-or-create by a natural key, so ``flask demo seed`` can run again (and later
features can add their part) without duplicating or overwriting anything. Municipal facts (CBS
codes, provinces, approximate inhabitants) are public; every person is made up.
"""

from __future__ import annotations

from datetime import date
from itertools import count
from pathlib import Path
from typing import Any

import click
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview.accounts import auth
from peerreview.accounts.models import Membership, MembershipRole, NetworkRole, NetworkRoleGrant, User
from peerreview.rounds.models import Phase, Round, RoundDeadline, Variant, Visitatie
from peerreview.sanitize import clean_html
from peerreview.tenants.models import Gemeente, Jeugdregio, slugify

PASSWORD = "demo-visitatie"

# name, CBS code, province, jeugdregio, inhabitants (rounded)
GEMEENTEN: list[tuple[str, str, str, str, int]] = [
    # the five municipalities of the report
    ("Deventer", "GM0150", "Overijssel", "IJsselland", 102_000),
    ("Peel en Maas", "GM1894", "Limburg", "Noord-Limburg", 45_000),
    ("Roosendaal", "GM1674", "Noord-Brabant", "West-Brabant West", 78_000),
    ("Utrecht", "GM0344", "Utrecht", "Utrecht stad", 367_000),
    ("Zaltbommel", "GM0297", "Gelderland", "Bommelerwaard", 30_500),
    # their reference municipalities
    ("Apeldoorn", "GM0200", "Gelderland", "Midden-IJssel/Oost-Veluwe", 167_000),
    ("Arnhem", "GM0202", "Gelderland", "Centraal Gelderland", 166_000),
    ("Zutphen", "GM0301", "Gelderland", "Midden-IJssel/Oost-Veluwe", 48_500),
    ("Zwolle", "GM0193", "Overijssel", "IJsselland", 131_000),
    ("Altena", "GM1959", "Noord-Brabant", "West-Brabant Oost", 57_000),
    ("Buren", "GM0214", "Gelderland", "Rivierenland", 28_000),
    ("Heusden", "GM0797", "Noord-Brabant", "Hart van Brabant", 46_000),
    ("Maasdriel", "GM0263", "Gelderland", "Bommelerwaard", 25_500),
    ("West Betuwe", "GM1960", "Gelderland", "Rivierenland", 52_000),
    ("Bergen op Zoom", "GM0748", "Noord-Brabant", "West-Brabant West", 69_000),
    ("Breda", "GM0758", "Noord-Brabant", "West-Brabant Oost", 186_000),
    ("Goes", "GM0664", "Zeeland", "Zeeland", 39_000),
    ("Dordrecht", "GM0505", "Zuid-Holland", "Zuid-Holland Zuid", 121_000),
    ("Beesel", "GM0889", "Limburg", "Noord-Limburg", 13_500),
    ("Horst aan de Maas", "GM1507", "Limburg", "Noord-Limburg", 43_000),
    ("Leudal", "GM1640", "Limburg", "Midden-Limburg West", 36_500),
    ("Nederweert", "GM0946", "Limburg", "Midden-Limburg West", 17_500),
    ("Amersfoort", "GM0307", "Utrecht", "Regio Amersfoort", 161_000),
    ("Hilversum", "GM0402", "Noord-Holland", "Gooi en Vechtstreek", 93_000),
    ("Gouda", "GM0513", "Zuid-Holland", "Midden-Holland", 75_000),
    ("Amsterdam", "GM0363", "Noord-Holland", "Amsterdam-Amstelland", 931_000),
    ("Den Haag", "GM0518", "Zuid-Holland", "Haaglanden", 562_000),
    ("Rotterdam", "GM0599", "Zuid-Holland", "Rijnmond", 664_000),
    # Drenthe
    ("Aa en Hunze", "GM1680", "Drenthe", "Drenthe", 25_800),
    ("Assen", "GM0106", "Drenthe", "Drenthe", 69_000),
    ("Borger-Odoorn", "GM1681", "Drenthe", "Drenthe", 25_800),
    ("Coevorden", "GM0109", "Drenthe", "Drenthe", 35_700),
    ("De Wolden", "GM1690", "Drenthe", "Drenthe", 24_500),
    ("Emmen", "GM0114", "Drenthe", "Drenthe", 108_000),
    ("Hoogeveen", "GM0118", "Drenthe", "Drenthe", 56_000),
    ("Meppel", "GM0119", "Drenthe", "Drenthe", 35_000),
    ("Midden-Drenthe", "GM1731", "Drenthe", "Drenthe", 33_800),
    ("Noordenveld", "GM1699", "Drenthe", "Drenthe", 32_800),
    ("Tynaarlo", "GM1730", "Drenthe", "Drenthe", 34_800),
    ("Westerveld", "GM1701", "Drenthe", "Drenthe", 19_900),
]

# Fictional people: first and last names combined deterministically.
FIRST_NAMES = [
    "Anouk",
    "Bram",
    "Carlijn",
    "Daan",
    "Eline",
    "Freek",
    "Gerda",
    "Hamza",
    "Ilse",
    "Joost",
    "Karin",
    "Lars",
    "Maaike",
    "Nadia",
    "Olaf",
    "Priya",
    "Quinten",
    "Roos",
    "Sem",
    "Tessa",
    "Umut",
    "Vera",
    "Wouter",
    "Yara",
    "Zeynep",
    "Bart",
    "Fleur",
    "Gijs",
    "Hanneke",
    "Jasper",
]
LAST_NAMES = [
    "Aalbers",
    "Brinkhuis",
    "Claessen",
    "Dijkhof",
    "Elsinga",
    "Feenstra",
    "Goudsmit",
    "Haverkamp",
    "IJzerman",
    "Jonkers",
    "Kuipers",
    "Lammertink",
    "Mulderij",
    "Nijhof",
    "Oosterveld",
    "Postma",
    "Rietveld",
    "Schuurman",
    "Tielemans",
    "Uitdehaag",
    "Veldkamp",
    "Wessels",
    "Zandbergen",
    "Bosschaert",
    "Kamphuis",
    "Lindeboom",
    "Meulenbelt",
    "Overdijk",
    "Reinders",
    "Stoffels",
    "Terpstra",
]

NETWORK_USERS = [
    ("admin@netwerk.demo", "Marloes Beheer-Jansen", NetworkRole.ADMIN),
    ("coordinator@netwerk.demo", "Ruben Coördinator-Smit", NetworkRole.ROUND_COORDINATOR),
    ("analist@netwerk.demo", "Sanne Analist-de Vries", NetworkRole.ANALYST),
]

ROUND_NAME = "Visitatieronde jeugdhulp 2026–2027"
# Participants in the demo round and the version each coordinator chose (None: not chosen yet).
PARTICIPANTS: dict[str, Variant | None] = {
    "Deventer": Variant.BASIS,
    "Peel en Maas": Variant.PLUS,
    "Roosendaal": Variant.BASIS,
    "Utrecht": None,
    "Zaltbommel": Variant.BASIS,
    "Apeldoorn": Variant.BASIS,
    "Coevorden": Variant.PLUS,
    "Hoogeveen": None,
    "Emmen": Variant.BASIS,
    "Assen": None,
}


def seed(session: Session) -> bool:
    """Create what is missing; returns whether anything was created. Needs a request context
    (``app.test_request_context()``): e-mails and links are made along the way."""
    before = len(session.new)
    created = _gemeenten(session) | _users(session) | _round(session)
    created = _zelfevaluaties(session) or created
    created = _reviews(session) or created
    created = _kengetallen(session) or created
    created = _visits(session) or created
    created = _voorstellen(session) or created
    created = _reacties(session) or created
    created = _sessies(session) or created
    created = _vaststellingen(session) or created
    created = _publicaties(session) or created
    created = _earlier_round(session) or created
    created = _network_index(session) or created
    created = _lenses(session) or created  # after the network's passage index is built
    created = _verbeteragenda(session) or created
    created = _agenda_lezers(session) or created
    created = _rode_draden(session) or created
    return created or len(session.new) > before


def _network_index(session: Session) -> bool:
    """The national network's passage index, built from what the steps above made (only the visitaties
    whose passages differ from their sources are rebuilt)."""
    from peerreview.network import indexer

    created = False
    for visitatie in session.scalars(select(Visitatie).order_by(Visitatie.id)):
        if not indexer.is_current(session, visitatie):
            indexer.reindex_visitatie(session, visitatie.id)
            created = True
    return created


def _rode_draden(session: Session) -> bool:
    """Rode draden by the analyst from the passage index (``rode-draden.yaml``): each quote must stand in one
    passage of the named gemeente and kind, or the seed fails. A thread with the same statement is skipped.
    Then one network report, once a settled thread exists."""
    from flask import url_for

    from peerreview.network import threads, threads_report
    from peerreview.network.models import NetworkPassage, PassageKind
    from peerreview.network.threads_models import NetworkReport, Recognition, Stance, Thread, ThreadState

    data = yaml.safe_load((CONTENT / "rode-draden.yaml").read_text(encoding="utf-8"))
    analyst = session.scalars(select(User).where(User.email == "analist@netwerk.demo")).one()
    existing = set(session.scalars(select(Thread.statement)))
    created = False
    for item in data["threads"]:
        if item["statement"] in existing:
            continue
        thread = threads.create(session, analyst, item["statement"], item.get("description", ""), item["themes"])
        for quote in item["evidence"]:
            gemeente = session.scalars(select(Gemeente).where(Gemeente.slug == quote["gemeente"])).one()
            found = [
                p
                for p in session.scalars(
                    select(NetworkPassage).where(
                        NetworkPassage.gemeente_id == gemeente.id, NetworkPassage.kind == PassageKind(quote["kind"])
                    )
                )
                if quote["quote"] in p.text
            ]
            if len(found) != 1:
                raise RuntimeError(
                    f"rode-draden.yaml: {len(found)} {quote['kind']} passages of {gemeente.name} "
                    f"hold {quote['quote']!r} (expected exactly one)"
                )
            start = found[0].text.index(quote["quote"])
            threads.add_evidence(
                session,
                analyst,
                thread,
                found[0],
                Stance.TEGEN if quote.get("stance") == "tegen" else Stance.STEUN,
                quote["quote"],
                start,
                start + len(quote["quote"]),
            )
        state = ThreadState(item.get("state", "concept"))
        if state is not ThreadState.CONCEPT:
            threads.submit(
                session, analyst, thread, url_for("network.thread_show", thread_id=thread.id, _external=True)
            )
            for response in item.get("responses", []):
                gemeente = session.scalars(select(Gemeente).where(Gemeente.slug == response["gemeente"])).one()
                coordinator = session.scalars(
                    select(User).where(User.email == f"coordinator@{gemeente.slug}.demo")
                ).one()
                threads.respond(
                    session,
                    coordinator,
                    thread,
                    gemeente.id,
                    Recognition(response["recognition"]),
                    response["remark"],
                    0,
                )
        if state is ThreadState.VASTGESTELD:
            threads.settle(session, analyst, thread)
        created = True
    settled = session.scalar(select(Thread.id).where(Thread.state == ThreadState.VASTGESTELD).limit(1))
    if settled is not None and session.scalar(select(NetworkReport.id).limit(1)) is None:
        threads_report.generate(session, analyst, data["report"]["indicators"])
        created = True
    session.flush()
    return created


def _gemeenten(session: Session) -> bool:
    created = False
    regios = {r.name: r for r in session.scalars(select(Jeugdregio))}
    existing = set(session.scalars(select(Gemeente.cbs_code)))
    for name, code, province, regio, inhabitants in GEMEENTEN:
        if code in existing:
            continue
        if regio not in regios:
            regios[regio] = Jeugdregio(name=regio)
            session.add(regios[regio])
        session.add(
            Gemeente(
                name=name,
                slug=slugify(name),
                cbs_code=code,
                province=province,
                jeugdregio=regios[regio],
                inhabitants=inhabitants,
            )
        )
        created = True
    session.flush()
    return created


def _user(session: Session, email: str, name: str, password_hash: str) -> tuple[User, bool]:
    user = session.scalar(select(User).where(User.email == email))
    if user is not None:
        return user, False
    user = User(email=email, name=name, password_hash=password_hash, two_factor_exempt=True)
    session.add(user)
    return user, True


def _users(session: Session) -> bool:
    created = False
    password_hash = auth.hash_password(PASSWORD)
    for email, name, role in NETWORK_USERS:
        user, new = _user(session, email, name, password_hash)
        if new:
            user.network_roles.append(NetworkRoleGrant(role=role))
            created = True
    # 30 first and 31 last names (coprime): every combination differs, both parts vary.
    names = ((FIRST_NAMES[i % len(FIRST_NAMES)], LAST_NAMES[(7 * i) % len(LAST_NAMES)]) for i in count())
    gemeenten = session.scalars(select(Gemeente).order_by(Gemeente.cbs_code)).all()
    for gemeente in gemeenten:
        for prefix, member_role in (
            ("coordinator", MembershipRole.COORDINATOR),
            ("invuller", MembershipRole.CONTRIBUTOR),
        ):
            first, last = next(names)
            user, new = _user(session, f"{prefix}@{gemeente.slug}.demo", f"{first} {last}", password_hash)
            if new:
                user.memberships.append(Membership(gemeente_id=gemeente.id, role=member_role))
                created = True
    session.flush()
    return created


def _round(session: Session) -> bool:
    if session.scalar(select(Round).where(Round.name == ROUND_NAME)) is not None:
        return False
    coordinator = session.scalar(select(User).where(User.email == "coordinator@netwerk.demo"))
    round_ = Round(
        name=ROUND_NAME,
        description=(
            "Tien gemeenten leren van elkaars aanpak in de jeugdhulp. Elke gemeente schrijft een zelfevaluatie, "
            "collega's uit andere gemeenten lezen mee en bezoeken de gemeente, en samen maken we per gemeente "
            "een portret. Vragen? Mail de rondecoördinator."
        ),
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 6, 30),
        created_by=coordinator,
    )
    for phase, due_on in (
        (Phase.ZELFEVALUATIE, date(2027, 1, 15)),
        (Phase.REVIEW, date(2027, 2, 26)),
        (Phase.VISITATIE, date(2027, 4, 2)),
        (Phase.PORTRET, date(2027, 5, 7)),
        (Phase.REFLECTIE, date(2027, 6, 11)),
    ):
        round_.deadlines.append(RoundDeadline(phase=phase, due_on=due_on))
    session.add(round_)
    session.flush()
    by_name = {g.name: g for g in session.scalars(select(Gemeente))}
    for name, variant in PARTICIPANTS.items():
        session.add(Visitatie(round_id=round_.id, gemeente_id=by_name[name].id, variant=variant))
    session.flush()
    return True


def print_logins() -> None:
    click.echo(f"\nDemo-accounts (wachtwoord voor allemaal: {PASSWORD})")
    for email, _name, role in NETWORK_USERS:
        click.echo(f"  {email:<34} {role.label}")
    click.echo("  coordinator@<gemeente>.demo        Coördinator van die gemeente, bijv. coordinator@deventer.demo")
    click.echo("  invuller@<gemeente>.demo           Invuller van die gemeente, bijv. invuller@peel-en-maas.demo")
    click.echo("  raad@peel-en-maas.demo             Raadslid of rekenkamer: leest de verbeteragenda en het portret")
    click.echo("  Gemeenten: " + ", ".join(slugify(g[0]) for g in GEMEENTEN[:6]) + ", … (zie README)\n")


# --- zelfevaluaties ------------------------------------------------------------------------------------

CONTENT = Path(__file__).parent / "demo_content"
# Which demo visitaties get submitted after their content is written.
SUBMITTED = {"deventer", "peel-en-maas", "roosendaal", "zaltbommel"}


def _content(session: Session, pattern: str) -> list[tuple[dict, Gemeente, Visitatie | None]]:
    """The demo content files matching ``pattern``, each with its gemeente and its visitatie in the demo round."""
    round_ = session.scalars(select(Round).where(Round.name == ROUND_NAME)).one()
    result = []
    for path in sorted(CONTENT.glob(pattern)):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        gemeente = session.scalars(select(Gemeente).where(Gemeente.slug == data["gemeente"])).one()
        visitatie = session.scalar(
            select(Visitatie).where(Visitatie.round_id == round_.id, Visitatie.gemeente_id == gemeente.id)
        )
        result.append((data, gemeente, visitatie))
    return result


def _zelfevaluaties(session: Session) -> bool:
    from peerreview.selfeval import cases, services, submission

    created = False
    for data, gemeente, visitatie in _content(session, "zelfevaluatie-*.yaml"):
        if visitatie is None or services.answers(session, visitatie):
            continue  # not in the round, or written already: keep what is there
        visitatie.variant = Variant(data["variant"])
        definition = services.start(session, visitatie)
        authors = [
            session.scalars(select(User).where(User.email == f"{role}@{gemeente.slug}.demo")).one()
            for role in ("invuller", "coordinator")
        ]
        for n, (key, value) in enumerate(data.get("answers", {}).items()):
            question = definition.questions[key]
            author = authors[n % 2]
            if question.kind == "richtext" and n % 5 == 0:
                # an earlier, shorter draft, so the history has something to show
                first = value["html"].split("</p>")[0] + "</p>"
                services.save_answer(session, authors[(n + 1) % 2], visitatie, question, {"html": first}, 0)
                services.save_answer(session, author, visitatie, question, value, 1)
            else:
                services.save_answer(session, author, visitatie, question, value, 0)
        for entry in data.get("cases", []):
            consent = entry["consent"]
            casus = cases.create(
                session,
                authors[1],
                visitatie,
                pseudonym=entry["pseudonym"],
                given_by=consent["given_by"],
                given_on=date.fromisoformat(consent["given_on"]),
                scope=consent["scope"],
                recorded_how=consent["recorded_how"],
            )
            for other in consent.get("also", []):
                cases.add_consent(
                    session,
                    authors[1],
                    casus,
                    given_by=other["given_by"],
                    given_on=date.fromisoformat(other["given_on"]),
                    recorded_how=other["recorded_how"],
                )
            for field_key, html in {**entry.get("steps", {}), **entry.get("lessons", {})}.items():
                field = cases.field(definition, field_key)
                assert field is not None, f"no case field {field_key}"
                services.save_answer(
                    session, authors[0], visitatie, field.question, {"html": html}, 0, key=casus.field_key(field_key)
                )
        if gemeente.slug in SUBMITTED:
            submission.submit(session, authors[1], visitatie)
        created = True
    session.flush()
    return created


def _reviews(session: Session) -> bool:
    """Review teams, annotations, replies, theme summaries and visit questions from review-*.yaml."""
    from peerreview.review import annotating, assignments, release, summaries, visit_questions
    from peerreview.review.models import VisitQuestion
    from peerreview.selfeval import cases

    created = False
    for data, _gemeente, visitatie in _content(session, "review-*.yaml"):
        if (
            visitatie is None
            or assignments.team_of(session, visitatie)
            or annotating.current_submission(session, visitatie) is None
        ):
            continue
        people = {"lead": data["team"]["lead"]}
        people.update({f"member{i}": email for i, email in enumerate(data["team"]["members"], start=1)})
        users = {role: session.scalars(select(User).where(User.email == email)).one() for role, email in people.items()}
        coordinator = session.scalars(select(User).where(User.email == "coordinator@netwerk.demo")).one()
        assignments.set_team(
            session, coordinator, visitatie, users["lead"].id, [u.id for role, u in users.items() if role != "lead"]
        )
        for user in users.values():
            assignments.declare(session, user, visitatie)
        case_ids = {c.pseudonym: c.id for c in cases.all_cases(session, visitatie)}
        for item in data.get("annotations", []):
            key = item.get("question") or f"casus{case_ids[item['case']]}_{item['field']}"
            annotation = annotating.create_annotation(
                session,
                users[item["author"]],
                visitatie,
                annotating.AnnotationInput(
                    question_key=key,
                    start=None,
                    end=None,
                    quote=item.get("quote", ""),
                    themes=item["themes"],
                    kind=item["kind"],
                    body=item["body"],
                ),
            )
            for answer in item.get("replies", []):
                annotating.reply(session, users[answer["author"]], annotation, answer["body"])
        for code, summary in data.get("summaries", {}).items():
            summaries.save_summary(
                session, users["lead"], visitatie, code, summary.get("judgement"), summary["summary"], 0
            )
        visit_questions.build_visit_questions(session, visitatie)
        for extra in data.get("questions", []):
            session.add(
                VisitQuestion(
                    gemeente_id=visitatie.gemeente_id,
                    visitatie_id=visitatie.id,
                    theme_code=extra.get("theme"),
                    text=extra["text"],
                )
            )
        if data.get("released"):
            release.release(session, users["lead"], visitatie)
        session.flush()
        created = True
    return created


# --- kengetallen ------------------------------------------------------------------------------------------


def _kengetallen(session: Session) -> bool:
    """Areas, indicators, reference groups and the figures of the report (read with the CBS importer)."""
    from peerreview.indicators import importer
    from peerreview.indicators import services as indicators
    from peerreview.indicators.models import (
        Area,
        AreaKind,
        Duiding,
        Indicator,
        IndicatorImport,
        IndicatorValue,
        ReferenceGroup,
        Unit,
    )

    added_areas = indicators.sync_gemeente_areas(session)
    if session.scalar(select(Indicator.id).limit(1)) is not None:
        return added_areas > 0
    data = yaml.safe_load((CONTENT / "kengetallen.yaml").read_text(encoding="utf-8"))
    for area in data["areas"]:
        session.add(Area(code=area["code"], name=area["name"], kind=AreaKind(area["kind"])))
    for position, item in enumerate(data["indicators"]):
        session.add(
            Indicator(
                code=item["code"],
                name=item["name"],
                short_name=item["short_name"],
                definition=" ".join(item["definition"].split()),
                unit=Unit(item["unit"]),
                decimals=item.get("decimals", 0),
                source=item["source"],
                caveat=" ".join((item.get("caveat") or "").split()),
                group=item["group"],
                position=position,
            )
        )
    session.flush()
    analyst = session.scalar(select(User).where(User.email == "analist@netwerk.demo"))
    csv = (CONTENT / "kengetallen.csv").read_bytes()
    upload = IndicatorImport(filename="kengetallen-rapport-2021.csv", content=csv, uploaded_by=analyst, status="klaar")
    session.add(upload)
    session.flush()
    upload.report = importer.run(session, csv, import_id=upload.id).as_dict()
    areas = {a.code: a for a in session.scalars(select(Area))}
    codes = {i.code: i for i in session.scalars(select(Indicator))}
    for flag in data.get("flags", []):
        value = session.scalars(
            select(IndicatorValue).where(
                IndicatorValue.indicator_id == codes[flag["indicator"]].id,
                IndicatorValue.area_id == areas[flag["area"]].id,
                IndicatorValue.period == str(flag["period"]),
            )
        ).one()
        value.flags, value.note = list(flag["flags"]), " ".join(flag.get("note", "").split())
    by_code = {g.cbs_code: g for g in session.scalars(select(Gemeente))}
    for group in data.get("reference_groups", []):
        session.add(
            ReferenceGroup(
                gemeente_id=by_code[group["gemeente"]].id,
                size_class=areas.get(group.get("size_class")),
                region=areas.get(group.get("region")),
                references=[areas[code] for code in group["references"]],
                note=" ".join((group.get("note") or "").split()),
            )
        )
    for item in data.get("duidingen", []):
        gemeente = session.scalars(select(Gemeente).where(Gemeente.slug == item["gemeente"])).one()
        author = session.scalar(select(User).where(User.email == f"coordinator@{gemeente.slug}.demo"))
        session.add(
            Duiding(
                gemeente_id=gemeente.id,
                indicator_id=codes[item["indicator"]].id,
                text=clean_html(item["html"]),
                updated_by=author,
            )
        )
    session.flush()
    return True


# --- visits and portretten ---------------------------------------------------------------------------------


def _visits(session: Session) -> bool:
    """Respondents, conversations with notes and quotes (visit-*.yaml); a portret where the file has one."""
    from datetime import time

    from peerreview.review.assignments import team_of
    from peerreview.review.models import TeamRole
    from peerreview.visit import services as visit

    created = False
    for data, _gemeente, visitatie in _content(session, "visit-*.yaml"):
        if visitatie is None:
            continue
        team = team_of(session, visitatie)
        if not team or visit.respondents(session, visitatie):
            continue
        lead = next(a for a in team if a.role is TeamRole.LEAD)
        members = [a for a in team if a.role is TeamRole.MEMBER]
        roles = {"lead": lead.user, **{f"member{i}": a.user for i, a in enumerate(members, start=1)}}
        people = {}
        for item in data["respondents"]:
            people[item["key"]] = visit.save_respondent(
                session,
                visitatie,
                visit.RespondentInput(
                    role=item["role"],
                    organisation=item.get("organisation", ""),
                    group=item["group"],
                    number=item.get("number", 1),
                    may_quote=item.get("may_quote", False),
                ),
            )
        for item in data["conversations"]:
            hour, minute = (int(x) for x in str(item.get("starts_at", "10:00")).split(":"))
            conversation = visit.save_conversation(
                session,
                roles[item["interviewers"][0]],
                visitatie,
                visit.ConversationInput(
                    subject=item["subject"],
                    planned_on=item["planned_on"],
                    starts_at=time(hour, minute),
                    format=item["format"],
                    mode=item["mode"],
                    status=item["status"],
                    interviewer_ids=[roles[r].id for r in item["interviewers"]],
                    respondent_ids=[people[k].id for k in item["respondents"]],
                ),
                {a.user_id for a in team},
            )
            writer = roles[item["interviewers"][-1]]
            if item.get("notes"):
                visit.save_notes(session, writer, conversation, item["notes"], 0)
            for quote in item.get("quotes", []):
                visit.add_quote(
                    session,
                    writer,
                    conversation,
                    people[quote["respondent"]].id,
                    quote["text"],
                    quote.get("themes", []),
                    quote.get("section"),
                )
        if data.get("started"):
            visit.start(session, lead.user, visitatie)
        if data.get("portret"):
            _portret(session, visitatie, lead.user, data["portret"])
        created = True
    session.flush()
    return created


def _voorstellen(session: Session) -> bool:
    """Respondents the gemeente proposed for the visit (voorstellen-*.yaml), with the team's decisions."""
    from peerreview.db import utcnow
    from peerreview.review.assignments import team_of
    from peerreview.review.models import TeamRole
    from peerreview.visit import services as visit
    from peerreview.visit.models import ProposalStatus, RespondentGroup, RespondentProposal

    created = False
    for data, gemeente, visitatie in _content(session, "voorstellen-*.yaml"):
        if visitatie is None or session.scalar(
            select(RespondentProposal.id).where(RespondentProposal.visitatie_id == visitatie.id).limit(1)
        ):
            continue
        coordinator = session.scalar(select(User).where(User.email == f"coordinator@{gemeente.slug}.demo"))
        lead = next((a.user for a in team_of(session, visitatie) if a.role is TeamRole.LEAD), None)
        by_role = {r.role: r for r in visit.respondents(session, visitatie)}
        keys = {item["key"]: item["role"] for item in _visit_respondents(gemeente.slug)}
        for item in data["proposals"]:
            status = ProposalStatus(item["status"])
            respondent = by_role.get(keys.get(item.get("respondent", ""), ""))
            session.add(
                RespondentProposal(
                    gemeente_id=visitatie.gemeente_id,
                    visitatie_id=visitatie.id,
                    role=item["role"],
                    organisation=item.get("organisation", ""),
                    group=RespondentGroup(item["group"]),
                    motivation=item.get("motivation", ""),
                    status=status,
                    proposed_by_id=coordinator.id if coordinator else None,
                    decided_by_id=lead.id if lead and status is not ProposalStatus.VOORGESTELD else None,
                    decided_at=utcnow() if status is not ProposalStatus.VOORGESTELD else None,
                    reason=item.get("reason", ""),
                    respondent_id=respondent.id if respondent else None,
                )
            )
        created = True
    session.flush()
    return created


def _visit_respondents(slug: str) -> list[dict]:
    path = CONTENT / f"visit-{slug}.yaml"
    if not path.exists():
        return []
    return list(yaml.safe_load(path.read_text(encoding="utf-8")).get("respondents", []))


def _portret(session: Session, visitatie: Visitatie, lead: User, data: dict) -> None:
    """A generated concept, the motto and the team's own rewrite of some sections, released if asked."""
    from peerreview.portret import services as portret_services
    from peerreview.portret import tasks as portret_tasks

    portret = portret_services.get_or_create(session, visitatie)
    portret_services.generate(session, portret, lead)
    portret.generation_requested = portret.generation_done = 1
    current = portret_services.version(session, portret)
    assert current is not None
    portret_services.save_section(session, lead, portret, "titel", current.number, "", "", motto=data["motto"])
    for edit in data.get("edits", []):
        current = portret_services.version(session, portret)
        assert current is not None
        entry = portret_services.section_of(current.content, edit["section"])
        assert entry is not None, f"no portret section {edit['section']}"
        portret_services.save_section(
            session, lead, portret, edit["section"], current.number, entry["title"], edit["html"]
        )
    if data.get("release"):
        portret_tasks.request_pdf(session, portret_services.release(session, lead, portret))


# --- publication of adopted portretten -------------------------------------------------------------------


def _publicaties(session: Session) -> bool:
    """Publish adopted portretten as publicatie-*.yaml says (after an optional erratum by the team lead).
    A portret that is not adopted is skipped, and so is one whose publication was already chosen."""
    from peerreview.definitief import services as publication
    from peerreview.portret import services as portret_services
    from peerreview.portret import tasks as portret_tasks
    from peerreview.portret.models import Publication, VersionKind
    from peerreview.review.assignments import team_of
    from peerreview.review.models import TeamRole

    created = False
    for data, gemeente, visitatie in _content(session, "publicatie-*.yaml"):
        portret = portret_services.portret_of(session, visitatie) if visitatie else None
        if portret is None or portret.adopted_version is None:
            continue
        if portret.publication is not Publication.GEMEENTE or portret.publication_withdrawn_at is not None:
            continue
        erratum = data.get("erratum")
        versions = portret_services.definitive_versions(session, portret)
        if erratum and not any(v.kind is VersionKind.ERRATUM for v in versions):
            lead = next(a.user for a in team_of(session, portret.visitatie) if a.role is TeamRole.LEAD)
            adopted = portret_services.version(session, portret, portret.adopted_version)
            assert adopted is not None
            entry = portret_services.section_of(adopted.content, erratum["section"])
            assert entry is not None, f"no portret section {erratum['section']}"
            portret_services.save_section(
                session,
                lead,
                portret,
                erratum["section"],
                adopted.number,
                entry["title"],
                erratum["html"],
                erratum_reason=erratum["reason"],
            )
        coordinator = session.scalars(select(User).where(User.email == f"coordinator@{gemeente.slug}.demo")).one()
        publication.choose(session, coordinator, portret, Publication(data["publication"]))
        for item in publication.versions_to_render(session, portret):
            portret_tasks.request_pdf(session, item)
        created = True
    session.flush()
    return created


def _lenses(session: Session) -> bool:
    """The network analyst's lens codes on shared passages (demo_content/lenzen.yaml); needs the passage index."""
    from peerreview.network import lens_demo

    return lens_demo.seed(session)


def _sessies(session: Session) -> bool:
    """The reflectiesessie (sessie-*.yaml): plan, agreed attendees, the invitation, the record with lessons
    and improvement points, and the wederhoor texts. Skipped for a visitatie that has a session already."""
    from datetime import time

    from peerreview.accounts.services import coordinators_of
    from peerreview.reflectiesessie import services as sessies
    from peerreview.review.assignments import team_of
    from peerreview.review.models import TeamRole

    created = False
    for data, gemeente, visitatie in _content(session, "sessie-*.yaml"):
        if visitatie is None or sessies.sessie_of(session, visitatie) is not None:
            continue
        lead = next((a.user for a in team_of(session, visitatie) if a.role is TeamRole.LEAD), None)
        coordinator = next(iter(coordinators_of(session, gemeente.id)), None)
        if lead is None or coordinator is None:
            continue
        plan = data["planning"]

        def clock(value: str) -> time:
            hour, minute = (int(x) for x in str(value).split(":"))
            return time(hour, minute)

        sessies.save_plan(
            session,
            coordinator,
            visitatie,
            sessies.PlanInput(
                planned_on=plan["date"],
                starts_at=clock(plan["starts_at"]),
                ends_at=clock(plan["ends_at"]),
                mode=plan["mode"],
                location=plan.get("location", ""),
                link=plan.get("link", ""),
            ),
        )
        present = []
        for item in data.get("attendees", []):
            attendee = sessies.add_attendee(
                session, coordinator, visitatie, item["role"], item.get("organisation", ""), agreed=False
            )
            if item.get("agreed", True):
                sessies.agree(session, lead, attendee)
            if item.get("present", item.get("agreed", True)):
                present.append(attendee.id)
        sessies.invite(session, coordinator, visitatie)
        held = data.get("held")
        if held:
            recognisability = held["recognisability"]
            sessies.save_record(
                session,
                lead,
                visitatie,
                sessies.RecordInput(
                    held_on=held["held_on"],
                    recognisability=recognisability["overall"],
                    sections=recognisability.get("sections", {}),
                    present_ids=present,
                    notes=held.get("notes", ""),
                ),
                today=held["held_on"],
            )
            for lesson in held.get("lessons", []):
                sessies.add_lesson(session, lead, visitatie, lesson["theme"], lesson["text"])
            for point in held.get("improvement_points", []):
                sessies.add_improvement_point(session, lead, visitatie, point["theme"], point["text"])
        if data.get("reactie"):
            sessies.save_wederhoor(session, coordinator, visitatie, "reactie", data["reactie"], 0)
        if data.get("nawoord"):
            sessies.save_wederhoor(session, lead, visitatie, "nawoord", data["nawoord"], 0)
        created = True
    session.flush()
    return created


# --- the reflectie: the gemeente's comments on the concept, the team's answers, adoption ----------------------


def _reflectie_people(session: Session, gemeente: Gemeente, visitatie: Visitatie, data: dict) -> dict[str, User]:
    """Who writes and answers in a reactie file: the gemeente's demo accounts, the extra people it names
    (created here as members of the gemeente), and the review team's lead."""
    from peerreview.review.assignments import team_of
    from peerreview.review.models import TeamRole

    people = {
        key: session.scalars(select(User).where(User.email == f"{key}@{gemeente.slug}.demo")).one()
        for key in ("coordinator", "invuller")
    }
    password_hash = auth.hash_password(PASSWORD)
    for item in data.get("people", []):
        user, new = _user(session, item["email"], item["name"], password_hash)
        if new:
            user.memberships.append(
                Membership(gemeente_id=gemeente.id, role=MembershipRole(item.get("role", "contributor")))
            )
        people[item["key"]] = user
    lead = next((a.user for a in team_of(session, visitatie) if a.role is TeamRole.LEAD), None)
    if lead is not None:
        people["lead"] = lead
    session.flush()
    return people


def _reacties(session: Session) -> bool:
    """Comments on the released concept (reactie-*.yaml): by the gemeente's people and by partners through
    personal links, duplicates merged, sent if the file says so, and the team's answers (``apply`` puts a
    factual correction in the text, ``replace`` puts the given words in place of the quoted passage)."""
    from peerreview.portret import services as portret_services
    from peerreview.reflectie import adoption, comments, guests
    from peerreview.reflectie.errors import ReflectieError
    from peerreview.rounds.models import VisitatieState

    created = False
    for data, gemeente, visitatie in _content(session, "reactie-*.yaml"):
        portret = portret_services.portret_of(session, visitatie) if visitatie is not None else None
        if visitatie is None or portret is None or portret.released_version is None:
            continue
        if visitatie.state is not VisitatieState.PORTRET_CONCEPT:
            continue  # sent before (or not yet open for comments)
        if comments.of_portret(session, portret) or guests.links_of(session, portret):
            continue  # done before
        people = _reflectie_people(session, gemeente, visitatie, data)
        coordinator = people["coordinator"]
        links = {
            item["key"]: guests.create(session, coordinator, portret, item["role"], item["organisation"])[0]
            for item in data.get("guests", [])
        }
        made: dict[str, Any] = {}
        for item in data.get("comments", []):
            try:
                made[item["key"]] = _comment(session, portret, item, people, links)
            except ReflectieError as error:
                raise ValueError(f"reactie-{data['gemeente']}.yaml, {item['key']}: {error}") from None
        for item in data.get("comments", []):
            if item.get("merged_into"):
                comments.merge(session, coordinator, portret, made[item["key"]], made[item["merged_into"]])
        if data.get("deadline"):  # after the comments: a deadline in the past would close the window
            portret.feedback_deadline = adoption.end_of_day(data["deadline"])
        if data.get("sent"):
            comments.send(session, coordinator, portret)
            for answer in data.get("answers", []):
                _answer(session, portret, people["lead"], made[answer["comment"]], answer)
        session.flush()
        created = True
    return created


def _comment(session: Session, portret: Any, item: dict, people: dict[str, User], links: dict[str, Any]) -> Any:
    from peerreview.reflectie import comments

    by = item["by"]
    return comments.create(
        session,
        portret,
        comments.CommentInput(
            kind=item["kind"],
            body=item["text"],
            section_key=item.get("section"),
            quote=item.get("quote", ""),
            correction=item.get("correction", ""),
            source=item.get("source", ""),
            theme=item.get("theme"),
        ),
        author=None if by.startswith("guest:") else people[by],
        guest=links[by.removeprefix("guest:")] if by.startswith("guest:") else None,
    )


def _answer(session: Session, portret: Any, lead: User, comment: Any, answer: dict) -> None:
    from peerreview.portret import services as portret_services
    from peerreview.reflectie import answers

    changed = None
    words = comment.correction if answer.get("apply") else answer.get("replace")
    if words and comment.section_key and comment.passage:
        current = portret_services.version(session, portret)
        entry = portret_services.section_of(current.content, comment.section_key) if current else None
        assert current is not None and entry is not None
        html, found = answers.proposed_html(entry["html"], comment.passage, words)
        assert found, f"passage {comment.passage!r} is no longer in {comment.section_key}"
        changed = portret_services.save_section(
            session, lead, portret, comment.section_key, current.number, entry["title"], html
        ).number
    answers.answer(session, lead, portret, comment, answer["decision"], answer["reason"], changed_version=changed)


def _vaststellingen(session: Session) -> bool:
    """The lead proposes the current version and the coordinator adopts it, where a reactie file says
    ``adopt: true`` and every comment has its answer."""
    from peerreview.portret import services as portret_services
    from peerreview.reflectie import adoption, comments
    from peerreview.rounds.models import VisitatieState

    created = False
    for data, gemeente, visitatie in _content(session, "reactie-*.yaml"):
        portret = portret_services.portret_of(session, visitatie) if visitatie is not None else None
        if not data.get("adopt") or visitatie is None or portret is None or portret.adopted_version is not None:
            continue
        if visitatie.state is not VisitatieState.REFLECTIE or comments.unanswered(session, portret):
            continue
        people = _reflectie_people(session, gemeente, visitatie, data)
        adoption.propose(session, people["lead"], portret)
        adoption.adopt(session, people["coordinator"], portret)
        created = True
    return created


# --- an earlier round (the network puts a gemeente's rounds side by side) --------------------------------


def _earlier_round(session: Session) -> bool:
    """An earlier round for one gemeente (ronde-2023-*.yaml): the round, a definitive portret published to the
    network and the team's theme summaries, written directly (the round is over). Skipped when it exists."""
    from datetime import UTC, datetime, time

    from peerreview.portret import services as portret_services
    from peerreview.portret import tasks as portret_tasks
    from peerreview.portret.models import Portret, PortretVersion, Publication, VersionKind
    from peerreview.portret.skeleton import load as load_skeleton
    from peerreview.review.models import ThemeSummary
    from peerreview.rounds.models import VisitatieState

    created = False
    for path in sorted(CONTENT.glob("ronde-*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = data["round"]
        if session.scalar(select(Round).where(Round.name == spec["name"])) is not None:
            continue
        gemeente = session.scalars(select(Gemeente).where(Gemeente.slug == data["gemeente"])).one()
        coordinator = session.scalar(select(User).where(User.email == "coordinator@netwerk.demo"))
        round_ = Round(
            name=spec["name"],
            description=" ".join(spec.get("description", "").split()),
            starts_on=spec["starts_on"],
            ends_on=spec["ends_on"],
            created_by=coordinator,
        )
        for phase, due_on in spec.get("deadlines", {}).items():
            round_.deadlines.append(RoundDeadline(phase=Phase(phase), due_on=due_on))
        session.add(round_)
        session.flush()

        def moment(day: date) -> datetime:
            return datetime.combine(day, time(12, 0), tzinfo=UTC)

        visitatie = Visitatie(
            round_id=round_.id,
            gemeente_id=gemeente.id,
            variant=Variant.BASIS,
            definition_version=1,
            state=VisitatieState.DEFINITIEF,
            annotations_released_at=moment(data["released_on"]),
        )
        session.add(visitatie)
        session.flush()
        for code, item in data["summaries"].items():
            session.add(
                ThemeSummary(
                    gemeente_id=gemeente.id,
                    visitatie_id=visitatie.id,
                    theme_code=code,
                    judgement=item.get("judgement"),
                    summary=" ".join(item["summary"].split()),
                    updated_at=moment(data["released_on"]),
                )
            )
        skeleton = load_skeleton(1)
        texts = {s["key"]: clean_html(s["html"]) for s in data["sections"]}
        sections = [
            {
                "key": section.key,
                "kind": section.kind,
                "level": section.level,
                "title": section.heading(gemeente.name, data["motto"]),
                "html": texts.get(section.key, ""),
                "provenance": {},
            }
            for section in skeleton.sections
            if section.kind == "title" or section.key in texts
        ]
        content = {"skeleton": 1, "gemeente": gemeente.name, "motto": data["motto"], "sections": sections}
        adopted = moment(data["adopted_on"])
        portret = Portret(
            gemeente_id=gemeente.id,
            visitatie_id=visitatie.id,
            skeleton_version=1,
            current_version=1,
            released_version=1,
            released_at=moment(data["released_on"]),
            proposed_version=1,
            proposed_at=adopted,
            adopted_version=1,
            adopted_at=adopted,
            publication=Publication(data["publication"]),
            published_at=adopted,
        )
        session.add(portret)
        session.flush()
        version = PortretVersion(
            gemeente_id=gemeente.id,
            portret_id=portret.id,
            number=1,
            content=content,
            checksum=portret_services.checksum(content),
            note="Vastgesteld",
            kind=VersionKind.DEFINITIEF,
            created_at=adopted,
        )
        session.add(version)
        session.flush()
        portret_tasks.request_pdf(session, version)
        created = True
    session.flush()
    return created


# --- the verbeteragenda ---------------------------------------------------------------------------------------


def _verbeteragenda(session: Session) -> bool:
    """The verbeteragenda (verbeteragenda-*.yaml) of an adopted portret: action lines answering the team's
    development points and the gemeente's own improvement points (found by kind, theme and a piece of text),
    their parts, the reporting periods and the stand van zaken per period, dated as the file says. Skipped
    for a visitatie that is not definitive or whose agenda has action lines already."""
    from datetime import UTC, datetime
    from datetime import time as clock

    from peerreview.agenda import services as agendas
    from peerreview.agenda.models import PartStatusChange
    from peerreview.formatting import LOCAL
    from peerreview.rounds.models import VisitatieState

    def moment(day: date) -> datetime:
        return datetime.combine(day, clock(10, 0), tzinfo=LOCAL).astimezone(UTC)

    created = False
    for data, gemeente, visitatie in _content(session, "verbeteragenda-*.yaml"):
        if visitatie is None or visitatie.state is not VisitatieState.DEFINITIEF:
            continue
        existing = agendas.agenda_of(session, visitatie)
        if existing is not None and existing.action_lines:
            continue
        coordinator = session.scalars(select(User).where(User.email == f"coordinator@{gemeente.slug}.demo")).one()
        start = moment(data["created"])
        agenda = agendas.get_or_create(session, coordinator, visitatie)
        agenda.created_at = start
        periods = {
            p["name"]: agendas.add_period(session, coordinator, visitatie, p["name"], p["starts_on"], p["ends_on"])
            for p in data["periods"]
        }
        for item in data["action_lines"]:
            found = agendas.points(session, visitatie, agenda)
            keys = []
            for wanted in item.get("points", []):
                match = next(
                    (
                        p
                        for p in found
                        if p.kind.value == wanted["kind"]
                        and wanted["theme"] in p.themes
                        and wanted.get("contains", "") in p.text
                    ),
                    None,
                )
                assert match is not None, f"{gemeente.slug}: no {wanted} among the points"
                keys.append(match.key)
            line = agendas.add_action_line(
                session,
                coordinator,
                visitatie,
                agendas.LineInput(
                    title=item["title"],
                    description=item.get("description", ""),
                    themes=item.get("themes", []),
                    process_goal=item.get("process_goal", ""),
                    outcome_goal=item.get("outcome_goal", ""),
                ),
                keys,
            )
            line.created_at = line.updated_at = start
            for entry in item["parts"]:
                owner = entry.get("owner", {})
                owner_user = (
                    session.scalar(select(User).where(User.email == owner["user"])) if owner.get("user") else None
                )
                part = agendas.add_part(
                    session,
                    coordinator,
                    agenda,
                    line,
                    agendas.PartInput(
                        result=entry.get("result", ""),
                        what=entry.get("what", ""),
                        owner_role=owner.get("role", ""),
                        owner_organisation=owner.get("organisation", ""),
                        owner_user_id=owner_user.id if owner_user is not None else None,
                        planning=entry.get("planning", ""),
                        due_on=entry.get("due_on"),
                        status=entry.get("status", "nog_niet_gestart"),
                        status_reason=entry.get("reason", ""),
                        indicator=entry.get("indicator", ""),
                        indicator_code=entry.get("indicator_code"),
                        indicator_target=entry.get("indicator_target", ""),
                    ),
                )
                part.updated_at = start
                for change in part.status_changes:
                    change.changed_at = start
                for name, progress in entry.get("progress", {}).items():
                    at = moment(progress["at"])
                    before = {c.id for c in agendas.history(session, part)}
                    author = part.owner_user or coordinator
                    update = agendas.record_progress(
                        session,
                        author,
                        part,
                        periods[name],
                        progress["text"],
                        progress["status"],
                        progress.get("reason", ""),
                        0,
                    )
                    update.created_at = update.updated_at = at
                    for change in session.scalars(select(PartStatusChange).where(PartStatusChange.part_id == part.id)):
                        if change.id not in before:
                            change.changed_at = at
                    part.updated_at = at
                    session.flush()
        created = True
    session.flush()
    return created


# --- the verbeteragenda's readers and the next round (agendarep) -------------------------------------------


def _agenda_lezers(session: Session) -> bool:
    """A council member of Peel en Maas (reads its agenda and definitive portret only), Peel en Maas's agenda
    shared with the network by name, and a later round in which Peel en Maas starts its next zelfevaluatie
    (whose editor shows the previous round's points and agenda). Content: ``agendarep-raad.yaml``."""
    from peerreview.agenda.models import Agenda

    data = yaml.safe_load((CONTENT / "agendarep-raad.yaml").read_text(encoding="utf-8"))
    created = False
    password_hash = auth.hash_password(PASSWORD)
    slugs = {g.slug: g for g in session.scalars(select(Gemeente))}
    for item in data["council"]:
        user, new = _user(session, item["email"], item["name"], password_hash)
        if new:
            user.memberships.append(Membership(gemeente_id=slugs[item["gemeente"]].id, role=MembershipRole.RAAD))
            created = True
    for slug in data["published"]:
        agenda = session.scalar(
            select(Agenda)
            .join(Visitatie, Visitatie.id == Agenda.visitatie_id)
            .where(Visitatie.gemeente_id == slugs[slug].id)
        )
        if agenda is not None and not agenda.published:
            agenda.published = True
            created = True
    later = data["next_round"]
    round_ = session.scalar(select(Round).where(Round.name == later["name"]))
    if round_ is None:
        round_ = Round(
            name=later["name"],
            description=" ".join(later["description"].split()),
            starts_on=later["starts_on"],
            ends_on=later["ends_on"],
            created_by_id=session.scalar(select(User.id).where(User.email == "coordinator@netwerk.demo")),
        )
        round_.deadlines.append(RoundDeadline(phase=Phase.ZELFEVALUATIE, due_on=later["zelfevaluatie_due"]))
        session.add(round_)
        session.flush()
        created = True
    for slug, variant in later["gemeenten"].items():
        exists = session.scalar(
            select(Visitatie.id).where(Visitatie.round_id == round_.id, Visitatie.gemeente_id == slugs[slug].id)
        )
        if exists is None:
            session.add(
                Visitatie(
                    round_id=round_.id, gemeente_id=slugs[slug].id, variant=Variant(variant), definition_version=1
                )
            )
            created = True
    session.flush()
    return created
