"""A definitive visitatie (``tests.factories.definitive``) with a verbeteragenda built directly on the models:
two action lines, four parts (one vervallen), two reporting periods with progress. Shared by the tests of
the reports, the share, the next round and the network view."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from peerreview.agenda.models import (
    ActionLine,
    ActionLineSource,
    Agenda,
    Part,
    PartStatus,
    PartStatusChange,
    ProgressUpdate,
    ReportingPeriod,
    SourceKind,
)
from tests.factories import definitive


def build_agenda(session, visitatie, coordinator, *, published: bool = False) -> dict[str, Any]:
    g = visitatie.gemeente_id
    agenda = Agenda(gemeente_id=g, visitatie_id=visitatie.id, created_by_id=coordinator.id, published=published)
    session.add(agenda)
    session.flush()
    spring = ReportingPeriod(
        gemeente_id=g, agenda_id=agenda.id, name="Voorjaar 2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 6, 30)
    )
    autumn = ReportingPeriod(
        gemeente_id=g, agenda_id=agenda.id, name="Najaar 2027", starts_on=date(2027, 7, 1), ends_on=date(2027, 12, 31)
    )
    first = ActionLine(
        gemeente_id=g,
        agenda_id=agenda.id,
        position=1,
        title="Het mandaat van de toegang verbreden",
        themes=["T5"],
        process_goal="Een besluit over het mandaat in 2027.",
        outcome_goal="Gezinnen krijgen sneller passende hulp.",
    )
    second = ActionLine(
        gemeente_id=g, agenda_id=agenda.id, position=2, title="Sturen op cijfers met de raad", themes=["T7", "T11"]
    )
    session.add_all([spring, autumn, first, second])
    session.flush()
    session.add(
        ActionLineSource(
            gemeente_id=g,
            action_line_id=first.id,
            kind=SourceKind.ONTWIKKELPUNT,
            theme="T5",
            text="Het mandaat van het team is nog smal.",
        )
    )
    parts = [
        Part(
            gemeente_id=g,
            action_line_id=first.id,
            position=1,
            result="Een werkinstructie mandaat toegang",
            what="Samen met het team de beslisruimte beschrijven",
            owner_role="Teamleider toegang",
            owner_organisation="Gemeente",
            planning="Q2 2027",
            status=PartStatus.GEREED,
        ),
        Part(
            gemeente_id=g,
            action_line_id=first.id,
            position=2,
            result="Casusoverleg met de huisartsen elke maand",
            what="Afspraken maken met de POH-jeugd",
            owner_role="Beleidsadviseur jeugd",
            planning="2027",
            status=PartStatus.IN_UITVOERING,
        ),
        Part(
            gemeente_id=g,
            action_line_id=second.id,
            position=1,
            result="Een dashboard jeugdhulp voor de raad",
            what="Kengetallen twee keer per jaar duiden",
            owner_role="Informatieadviseur",
            planning="Q4 2027",
            status=PartStatus.IN_VOORBEREIDING,
            indicator="Aandeel jongeren met jeugdhulp",
            indicator_code="JH121",
            indicator_target="lager dan regio",
        ),
        Part(
            gemeente_id=g,
            action_line_id=second.id,
            position=2,
            result="=Een eigen monitor naast de regionale",
            what="Zelf data verzamelen",
            owner_role="Beleidsadviseur",
            planning="2027",
            status=PartStatus.VERVALLEN,
            status_reason="De regionale monitor geeft wat we nodig hebben.",
        ),
    ]
    session.add_all(parts)
    session.flush()
    early = datetime(2027, 3, 1, tzinfo=UTC)
    for part, status in zip(
        parts,
        [
            PartStatus.IN_UITVOERING,
            PartStatus.NOG_NIET_GESTART,
            PartStatus.NOG_NIET_GESTART,
            PartStatus.IN_VOORBEREIDING,
        ],
        strict=True,
    ):
        session.add(PartStatusChange(gemeente_id=g, part_id=part.id, status=status, changed_at=early))
        later = datetime(2027, 9, 15, tzinfo=UTC)  # the change to the current status, in the autumn
        session.add(PartStatusChange(gemeente_id=g, part_id=part.id, status=part.status, changed_at=later))
    session.add_all(
        [
            ProgressUpdate(
                gemeente_id=g,
                part_id=parts[0].id,
                period_id=spring.id,
                status=PartStatus.IN_UITVOERING,
                text="<p>De eerste versie van de werkinstructie is besproken.</p>",
            ),
            ProgressUpdate(
                gemeente_id=g,
                part_id=parts[0].id,
                period_id=autumn.id,
                status=PartStatus.GEREED,
                text="<p>De werkinstructie is vastgesteld.</p><ul><li>Het team werkt ermee.</li></ul>",
            ),
            ProgressUpdate(
                gemeente_id=g,
                part_id=parts[1].id,
                period_id=autumn.id,
                status=PartStatus.IN_UITVOERING,
                text="<p>Drie van de vijf praktijken doen mee.</p>",
            ),
            ProgressUpdate(
                gemeente_id=g,
                part_id=parts[3].id,
                period_id=autumn.id,
                status=PartStatus.VERVALLEN,
                text="<p>Gestopt: de regionale monitor volstaat.</p>",
            ),
        ]
    )
    session.commit()
    return {"agenda": agenda, "spring": spring, "autumn": autumn, "lines": [first, second], "parts": parts}


def agenda_world(app, session, make) -> dict[str, Any]:
    world = definitive(app, session, make)
    world.update(build_agenda(session, world["visitatie"], world["coordinator"]))
    world["agenda_base"] = f"{world['base']}/verbeteragenda"
    return world
