"""How a version of the portret presents itself: a concept, or the definitive portret the gemeente
adopted (or one of its errata). The HTML view and the PDF both print the same ``DocumentStatus``; a
definitive document carries no concept marks, and ends with the wederhoor and its checksum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from peerreview.formatting import date_nl
from peerreview.portret import services
from peerreview.portret.models import Portret, PortretVersion, VersionKind


@dataclass(frozen=True)
class DocumentStatus:
    definitive: bool
    label: str  # "Definitief, vastgesteld op 14 december 2026, versie 7" / "Concept, versie 3"
    running: str  # the short form in the page footer: "definitief, versie 7"
    adopted_at: datetime | None
    erratum: str  # "Erratum 1: <reason>" or ""
    checksum: str
    reactie: str  # sanitised HTML of the bestuurlijke reactie ("" if none)
    nawoord: str


def document_status(session: Session, portret: Portret, version: PortretVersion) -> DocumentStatus:
    if version.kind is VersionKind.CONCEPT:
        return DocumentStatus(
            False,
            f"Concept, versie {version.number}",
            f"concept, versie {version.number}",
            None,
            "",
            version.checksum,
            "",
            "",
        )
    adopted = f", vastgesteld op {date_nl(portret.adopted_at)}" if portret.adopted_at else ""
    erratum = ""
    if version.kind is VersionKind.ERRATUM:
        number = services.erratum_number(session, version)
        erratum = f"Erratum {number}: {version.erratum_reason}".rstrip(": ")
    reactie = nawoord = ""
    if portret.visitatie.round.wederhoor:
        from peerreview.reflectiesessie.services import sessie_of

        sessie = sessie_of(session, portret.visitatie)
        if sessie is not None:
            reactie, nawoord = sessie.reactie, sessie.nawoord
    return DocumentStatus(
        True,
        f"Definitief{adopted}, versie {version.number}",
        f"definitief, versie {version.number}",
        portret.adopted_at,
        erratum,
        version.checksum,
        reactie,
        nawoord,
    )
