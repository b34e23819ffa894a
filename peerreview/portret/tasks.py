"""Background work for the portret: compiling the draft, and rendering a version's PDF, and the two
functions that queue them (``request_generation``, ``request_pdf``), called by the views after the
service call. The dependency points one way: tasks import services."""

from __future__ import annotations

import logging

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview import jobs
from peerreview.accounts.models import User
from peerreview.db import utcnow
from peerreview.jobs import job, pdf_job
from peerreview.pdf import render_pdf
from peerreview.portret import services
from peerreview.portret.definitive import document_status
from peerreview.portret.generator import GenerationError
from peerreview.portret.models import GenerationStatus, Portret, PortretVersion
from peerreview.rounds.models import Visitatie

log = logging.getLogger(__name__)


def request_generation(session: Session, actor: User, visitatie: Visitatie) -> Portret:
    """Queue a new draft; the job runs after the request commits. Raises services.PortretError."""
    portret = services.prepare_generation(session, actor, visitatie)
    jobs.enqueue_after_commit(
        session,
        generate_draft,
        dedupe_key=services.generation_job_key(portret),
        gemeente_id=portret.gemeente_id,
        portret_id=portret.id,
        request=portret.generation_requested,
        actor_id=actor.id,
    )
    return portret


def request_pdf(session: Session, item: PortretVersion) -> None:
    """Render the PDF of this version in the background, unless it exists for this exact content."""
    if services.pdf_ready(item):
        return
    item.pdf_requested_at = utcnow()
    session.flush()
    jobs.enqueue_after_commit(
        session,
        render_portret_pdf,
        dedupe_key=services.pdf_job_key(item),
        gemeente_id=item.gemeente_id,
        version_id=item.id,
    )


@job
def generate_draft(session: Session, *, gemeente_id: int, portret_id: int, request: int, actor_id: int | None) -> None:
    portret = session.scalar(select(Portret).where(Portret.id == portret_id, Portret.gemeente_id == gemeente_id))
    if portret is None or portret.generation_done >= request:
        return  # gone, or this request was handled by an earlier try
    actor = session.get(User, actor_id) if actor_id else None
    try:
        services.generate(session, portret, actor, on_progress=session.commit)
    except (services.PortretError, GenerationError) as refused:
        _failed(session, portret_id, str(refused))
    except Exception:  # shown on the page; the team can try again
        log.exception("portret %s: draft generation failed", portret_id)
        _failed(
            session,
            portret_id,
            "Er ging iets mis bij het samenstellen. Probeer het opnieuw; blijft het misgaan, "
            "meld het dan bij de beheerder.",
        )
    portret = session.get(Portret, portret_id)
    assert portret is not None
    portret.generation_done = request


def _failed(session: Session, portret_id: int, message: str) -> None:
    session.rollback()
    portret = session.get(Portret, portret_id)
    assert portret is not None
    portret.generation_status, portret.generation_error = GenerationStatus.FAILED, message


@pdf_job
def render_portret_pdf(session: Session, *, gemeente_id: int, version_id: int) -> None:
    item = session.scalar(
        select(PortretVersion)
        .where(PortretVersion.id == version_id, PortretVersion.gemeente_id == gemeente_id)
        .with_for_update(of=PortretVersion)
    )
    if item is None or services.pdf_ready(item):
        return  # gone, or this exact content was rendered already
    fingerprint = services.pdf_fingerprint(item)
    twin = session.scalar(
        select(PortretVersion).where(
            PortretVersion.portret_id == item.portret_id,
            PortretVersion.checksum == item.checksum,
            PortretVersion.pdf_checksum == fingerprint,
        )
    )
    if twin is not None:  # the same content was rendered for another version: reuse it
        item.pdf, item.pdf_checksum = twin.pdf, fingerprint
        return
    portret = session.get(Portret, item.portret_id)
    assert portret is not None
    item.pdf = render_pdf(pdf_html(session, portret, item))
    item.pdf_checksum = fingerprint


def pdf_html(session: Session, portret: Portret, version: PortretVersion) -> str:
    """The HTML that WeasyPrint turns into the version's PDF."""
    return render_template(
        "pdf/portret.html",
        portret=portret,
        version=version,
        visitatie=portret.visitatie,
        status=document_status(session, portret, version),
    )
