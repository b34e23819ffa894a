"""The definitive portret as a document: no concept marks anywhere (cover, footer, metadata), its status
("Definitief, vastgesteld op …, versie N"; an erratum with its number and reason), the bestuurlijke
reactie and the nawoord at the end, the content checksum on the last page, and still a tagged PDF.

Adoption itself is another feature: these tests set the columns it sets (adopted version and time, the
version's kind, the visitatie's state) directly."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime

import pytest

from peerreview.portret import services as portret_services
from peerreview.portret import tasks
from peerreview.portret.models import Portret, PortretVersion, VersionKind
from peerreview.reflectiesessie import services as sessie_services
from peerreview.rounds.models import VisitatieState
from tests.factories import visited

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")

REACTIE = "<p>Het college van Deventer herkent zich in het portret en dankt het reviewteam.</p>"
NAWOORD = "<p>Het reviewteam dankt alle gesprekspartners voor hun openheid.</p>"
ADOPTED_AT = datetime(2026, 12, 14, 10, 0, tzinfo=UTC)


@pytest.fixture
def world(app, session, make):
    """A released concept with a bestuurlijke reactie and a nawoord, then adopted (version kind definitief)."""
    world = visited(app, session, make)
    with app.test_request_context():
        visitatie = session.merge(world["visitatie"])
        portret = portret_services.get_or_create(session, visitatie)
        portret_services.generate(session, portret, world["lead"])
        portret_services.release(session, world["lead"], portret)
        sessie_services.save_wederhoor(session, world["coordinator"], visitatie, "reactie", REACTIE, 0)
        sessie_services.save_wederhoor(session, world["lead"], visitatie, "nawoord", NAWOORD, 0)
        session.commit()
    world["portret"] = portret
    return world


def adopt(session, portret: Portret) -> PortretVersion:
    version = portret_services.version(session, portret)
    version.kind = VersionKind.DEFINITIEF
    portret.adopted_version, portret.adopted_at = version.number, ADOPTED_AT
    portret.visitatie.state = VisitatieState.DEFINITIEF
    session.merge(portret.visitatie)
    session.commit()
    return version


def pdf_of(app, session, version: PortretVersion) -> bytes:
    with app.app_context():
        tasks.render_portret_pdf(gemeente_id=version.gemeente_id, version_id=version.id)
    session.expire_all()
    return session.get(PortretVersion, version.id).pdf


def text(pdf: bytes, *pages: str) -> str:
    return subprocess.run(["pdftotext", *pages, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def info(pdf: bytes) -> str:
    return subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_the_concept_pdf_says_concept(app, session, world):
    version = portret_services.version(session, world["portret"])
    document = text(pdf_of(app, session, version))
    assert f"Concept, versie {version.number}" in document and f"concept, versie {version.number}" in document
    assert REACTIE[3:40] not in document  # the wederhoor belongs to the definitive portret only


def test_the_definitive_pdf_has_no_concept_marks_and_ends_with_the_wederhoor_and_checksum(app, session, world):
    version = adopt(session, world["portret"])
    pdf = pdf_of(app, session, version)
    document = text(pdf)
    assert not re.search(r"concept", document, flags=re.IGNORECASE), "a concept mark in the definitive PDF"
    assert f"Definitief, vastgesteld op 14 december 2026, versie {version.number}" in document
    assert f"definitief, versie {version.number} · pagina 2 van" in document  # the running footer
    assert "Het college van Deventer herkent zich in het portret en dankt het reviewteam." in document
    assert "Het reviewteam dankt alle gesprekspartners voor hun openheid." in document
    assert document.index("Bestuurlijke reactie") < document.index("Nawoord van het reviewteam")
    metadata = info(pdf)
    assert "oncept" not in metadata  # title, subject/description
    assert re.search(r"Tagged:\s+yes", metadata)
    pages = int(re.search(r"Pages:\s+(\d+)", metadata).group(1))
    last = text(pdf, "-f", str(pages), "-l", str(pages))
    assert version.checksum in last.replace("\n", "")
    assert version.checksum == portret_services.checksum(version.content)


def test_an_erratum_pdf_names_its_number_and_reason(app, session, world):
    first = adopt(session, world["portret"])
    portret = session.get(Portret, world["portret"].id)
    erratum = PortretVersion(
        gemeente_id=portret.gemeente_id,
        portret_id=portret.id,
        number=first.number + 1,
        content=first.content,
        checksum=first.checksum,
        kind=VersionKind.ERRATUM,
        erratum_reason="Het aantal jeugdigen met jeugdhulp was onjuist overgenomen",
    )
    session.add(erratum)
    portret.current_version = portret.adopted_version = erratum.number
    session.commit()
    first_pdf = pdf_of(app, session, first)
    document = text(pdf_of(app, session, erratum))
    assert "Erratum 1: Het aantal jeugdigen met jeugdhulp was onjuist overgenomen" in document
    assert f"versie {erratum.number}" in document and not re.search(r"concept", document, flags=re.IGNORECASE)
    assert session.get(PortretVersion, first.id).pdf == first_pdf  # the earlier version keeps its own PDF


def test_a_concept_pdf_is_not_reused_once_its_version_is_definitive(app, session, world):
    version = portret_services.version(session, world["portret"])
    concept_pdf = pdf_of(app, session, version)
    assert portret_services.pdf_ready(session.get(PortretVersion, version.id))
    version = adopt(session, session.get(Portret, world["portret"].id))
    assert not portret_services.pdf_ready(version)  # the concept PDF no longer counts
    definitive_pdf = pdf_of(app, session, version)
    assert definitive_pdf != concept_pdf and "Definitief" in text(definitive_pdf)


def test_the_definitive_portret_page_shows_the_status_the_wederhoor_and_the_checksum(app, session, world, client_for):
    version = adopt(session, world["portret"])
    page = client_for(world["lead"]).get(f"{world['base']}/portret").get_data(as_text=True)
    assert f"Definitief, vastgesteld op 14 december 2026, versie {version.number}" in page
    assert "Het college van Deventer herkent zich" in page and "Het reviewteam dankt" in page
    assert version.checksum in page
    assert "Werkversie" not in page and "Conceptportret ·" not in page
