"""The network's passage index: which material of a visitatie gets which audience in each state (released
review, adopted, published netwerk/openbaar, withdrawn), that the services queue a rebuild, that case texts
never enter it and a withdrawn consent takes its stale rows away, the signal, and the CLI command."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from peerreview import signals
from peerreview.accounts.models import NetworkRole
from peerreview.network import indexer
from peerreview.network.models import Audience, NetworkCell, NetworkPassage, NetworkPassageTheme, PassageKind
from peerreview.portret.models import Portret
from peerreview.reflectiesessie.models import ImprovementPoint, ReflectieSessie, SessieLesson
from peerreview.review.models import Annotation, AnnotationKind
from peerreview.rounds.models import Visitatie
from peerreview.selfeval.models import Casus, Submission
from tests.factories import definitive, visited


@pytest.fixture
def world(app, session, make):
    w = definitive(app, session, make)
    w["visitatie_id"] = w["visitatie"].id
    w["analyst"] = make.user("analist@netwerk.nl", network_role=NetworkRole.ANALYST)
    return w


def reindex(app, session, visitatie_id: int) -> int:
    with app.test_request_context():
        count = indexer.reindex_visitatie(session, visitatie_id)
        session.commit()
    return count


def passages(session, visitatie_id: int) -> list[NetworkPassage]:
    session.expire_all()
    return list(
        session.scalars(
            select(NetworkPassage).where(NetworkPassage.visitatie_id == visitatie_id).order_by(NetworkPassage.id)
        )
    )


def by_kind(rows: list[NetworkPassage]) -> dict[PassageKind, list[NetworkPassage]]:
    found: dict[PassageKind, list[NetworkPassage]] = {}
    for row in rows:
        found.setdefault(row.kind, []).append(row)
    return found


def choose(client_for, world, scope: str):
    response = client_for(world["coordinator"]).post_form(
        f"{world['base']}/portret/publicatie", {"scope": scope}, token_from=f"{world['base']}/portret"
    )
    assert response.status_code == 302
    return response


def test_released_review_material_is_concept_while_the_portret_is_not_published(app, session, world):
    reindex(app, session, world["visitatie_id"])
    rows = passages(session, world["visitatie_id"])
    kinds = by_kind(rows)
    assert {r.audience for r in rows} == {Audience.CONCEPT}
    assert PassageKind.SECTIE not in kinds  # the sections only once published
    (summary,) = kinds[PassageKind.SAMENVATTING]
    assert summary.judgement == "duidelijk_aanwezig" and summary.themes == ["T7"]
    assert summary.text == "De visie staat al jaren." and summary.key.startswith("summary:")
    assert [p.text for p in kinds[PassageKind.STERKTE]] == ["Een visie die breed gedragen wordt."]
    assert [p.text for p in kinds[PassageKind.ONTWIKKELPUNT]] == ["Het mandaat van het team is nog smal."]
    assert kinds[PassageKind.ONTWIKKELPUNT][0].themes == ["T5"]
    cells = {
        c.theme: c
        for c in session.scalars(select(NetworkCell).where(NetworkCell.visitatie_id == world["visitatie_id"]))
    }
    assert set(cells) == {"T5", "T7"} and {c.audience for c in cells.values()} == {Audience.CONCEPT}
    assert (cells["T7"].summaries, cells["T7"].strengths, cells["T7"].judgement) == (1, 1, "duidelijk_aanwezig")
    assert (cells["T5"].points, cells["T5"].summaries, cells["T5"].judgement) == (1, 0, None)


def test_unreleased_review_material_is_never_indexed(app, session, make):
    w = visited(app, session, make, release=False)
    assert reindex(app, session, w["visitatie"].id) == 0
    assert passages(session, w["visitatie"].id) == []


def test_publishing_reindexes_with_its_audience_and_a_withdrawal_falls_back_to_concept(
    app, client_for, session, world, run_jobs
):
    choose(client_for, world, "netwerk")
    run_jobs()
    rows = passages(session, world["visitatie_id"])
    assert rows and {r.audience for r in rows} == {Audience.NETWERK}
    sections = by_kind(rows)[PassageKind.SECTIE]
    assert sections and all(s.section_key and s.portret_id == world["portret_id"] for s in sections)
    assert any("T7" in s.themes for s in sections)
    choose(client_for, world, "openbaar")
    run_jobs()
    assert {r.audience for r in passages(session, world["visitatie_id"])} == {Audience.OPENBAAR}
    choose(client_for, world, "gemeente")  # withdrawn
    run_jobs()
    rows = passages(session, world["visitatie_id"])
    assert rows and {r.audience for r in rows} == {Audience.CONCEPT}
    assert PassageKind.SECTIE not in by_kind(rows)


def test_lessons_and_improvement_points_follow_the_publication(app, session, world):
    visitatie = session.get(Visitatie, world["visitatie_id"])
    sessie = ReflectieSessie(gemeente_id=visitatie.gemeente_id, visitatie_id=visitatie.id, ics_uid="x@test")
    session.add(sessie)
    session.flush()
    session.add_all(
        [
            SessieLesson(
                gemeente_id=visitatie.gemeente_id,
                sessie_id=sessie.id,
                visitatie_id=visitatie.id,
                theme="T4",
                text="Begin klein met de huisartsen.",
            ),
            ImprovementPoint(
                gemeente_id=visitatie.gemeente_id,
                sessie_id=sessie.id,
                visitatie_id=visitatie.id,
                theme="T9",
                text="Sturen op de eigen monitor.",
            ),
        ]
    )
    session.commit()
    reindex(app, session, visitatie.id)
    kinds = by_kind(passages(session, visitatie.id))
    assert [(p.text, p.audience) for p in kinds[PassageKind.LES]] == [
        ("Begin klein met de huisartsen.", Audience.CONCEPT)
    ]
    assert kinds[PassageKind.VERBETERPUNT][0].themes == ["T9"]
    from peerreview.portret.models import Publication

    session.get(Portret, world["portret_id"]).publication = Publication.OPENBAAR
    session.commit()
    reindex(app, session, visitatie.id)
    kinds = by_kind(passages(session, visitatie.id))
    assert kinds[PassageKind.LES][0].audience is Audience.OPENBAAR
    assert kinds[PassageKind.VERBETERPUNT][0].audience is Audience.OPENBAAR


def test_recording_a_lesson_through_the_service_queues_a_rebuild(app, session, make, run_jobs):
    """The reflectiesessie's service sends network_material_changed; the job rebuilds after the commit."""
    from peerreview.reflectiesessie import services as sessie_services

    w = visited(app, session, make)
    with app.test_request_context():
        visitatie = session.get(Visitatie, w["visitatie"].id)
        sessie_services.add_lesson(session, session.merge(w["lead"]), visitatie, "T2", "Houd de koers vast.")
        session.commit()
    run_jobs()
    lessons = by_kind(passages(session, w["visitatie"].id))[PassageKind.LES]
    assert [p.text for p in lessons] == ["Houd de koers vast."]


def add_case(session, visitatie: Visitatie, secret: str) -> tuple[Casus, Annotation]:
    casus = Casus(
        gemeente_id=visitatie.gemeente_id,
        visitatie_id=visitatie.id,
        pseudonym="Casus Noor",
        consent_given_by="jongere",
        consent_given_on=date(2026, 10, 1),
        consent_scope="dossier",
        consent_recorded_how="schriftelijk",
    )
    session.add(casus)
    session.flush()
    submission = session.scalar(select(Submission).where(Submission.visitatie_id == visitatie.id))
    annotation = Annotation(
        gemeente_id=visitatie.gemeente_id,
        visitatie_id=visitatie.id,
        submission_id=submission.id,
        question_key=f"casus{casus.id}_interview_inwoner",
        exact=secret,
        themes=["T3"],
        kind=AnnotationKind.STERKTE,
        body=f"Sterk: {secret}",
    )
    session.add(annotation)
    session.commit()
    return casus, annotation


def test_no_case_text_ever_enters_the_index(app, session, world):
    from peerreview.portret.models import Publication

    visitatie = session.get(Visitatie, world["visitatie_id"])
    add_case(session, visitatie, "Wat de jongere in vertrouwen vertelde")
    session.get(Portret, world["portret_id"]).publication = Publication.OPENBAAR
    session.commit()
    assert reindex(app, session, visitatie.id) > 3
    texts = session.scalars(select(NetworkPassage.text)).all()
    assert texts and not any("in vertrouwen vertelde" in t for t in texts)
    assert session.scalars(select(NetworkPassage.key).where(NetworkPassage.key.like("annotation:%"))).all()  # others
    assert all("casus" not in (k or "") for k in session.scalars(select(NetworkPassage.section_key)))


def test_a_withdrawn_consent_rebuilds_the_index_and_takes_stale_rows_away(app, session, world, run_jobs):
    from peerreview.selfeval import cases

    visitatie = session.get(Visitatie, world["visitatie_id"])
    casus, annotation = add_case(session, visitatie, "Het verhaal van de moeder")
    reindex(app, session, visitatie.id)
    # a row an earlier, wrong build left behind (the index is derived data: a rebuild must clean it)
    with app.test_request_context():
        indexer.write_index(
            session,
            [
                {
                    "key": f"annotation:{annotation.id}",
                    "kind": PassageKind.STERKTE,
                    "audience": Audience.CONCEPT,
                    "visitatie_id": visitatie.id,
                    "gemeente_id": visitatie.gemeente_id,
                    "round_id": visitatie.round_id,
                    "portret_id": None,
                    "section_key": None,
                    "title": "Sterkte",
                    "text": annotation.body,
                    "judgement": None,
                    "themes": ["T3"],
                }
            ],
        )
        session.commit()
    assert session.scalar(select(func.count()).where(NetworkPassage.text.like("%de moeder%"))) == 1
    with app.test_request_context():
        cases.withdraw(
            session, session.merge(world["coordinator"]), session.merge(visitatie), casus, withdrawn_by="ouder"
        )
        session.commit()
    run_jobs()
    session.expire_all()
    assert session.scalar(select(func.count()).where(NetworkPassage.text.like("%de moeder%"))) == 0
    assert passages(session, visitatie.id)  # the rest of the visitatie's material is still there


def test_a_reindex_replaces_the_rows_and_sends_passages_reindexed(app, session, world):
    received: list[tuple[int, list[int]]] = []

    def receiver(sender, *, visitatie_id, passage_ids, **_):
        received.append((visitatie_id, passage_ids))

    signals.passages_reindexed.connect(receiver)
    try:
        first = reindex(app, session, world["visitatie_id"])
        second = reindex(app, session, world["visitatie_id"])
    finally:
        signals.passages_reindexed.disconnect(receiver)
    assert first == second == 3
    assert [r[0] for r in received] == [world["visitatie_id"]] * 2
    assert sorted(p.id for p in passages(session, world["visitatie_id"])) == sorted(received[-1][1])
    assert session.scalar(select(func.count()).select_from(NetworkPassage)) == 3  # the earlier rows are gone
    orphans = (
        select(func.count())
        .select_from(NetworkPassageTheme)
        .where(NetworkPassageTheme.passage_id.not_in(select(NetworkPassage.id)))
    )
    assert session.scalar(orphans) == 0


def test_the_cli_rebuilds_the_whole_index(app, session, world):
    session.execute(NetworkPassage.__table__.delete())
    session.commit()
    result = app.test_cli_runner().invoke(args=["network", "reindex"])
    assert result.exit_code == 0, result.output
    assert "3 passages" in result.output
    assert len(passages(session, world["visitatie_id"])) == 3
