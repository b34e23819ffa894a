"""Background work for key figures: reading an uploaded CSV file."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview.db import utcnow
from peerreview.indicators import importer
from peerreview.indicators.models import IndicatorImport
from peerreview.jobs import job


def import_job_key(import_id: int) -> str:
    return f"indicator-import-{import_id}"


@job
def import_indicators(session: Session, *, import_id: int) -> None:
    upload = session.scalar(
        select(IndicatorImport).where(IndicatorImport.id == import_id).with_for_update(of=IndicatorImport)
    )
    if upload is None or upload.status in ("klaar", "mislukt"):
        return  # gone, or read by an earlier try
    try:  # a refused file is refused before anything is written
        report = importer.run(session, upload.content, import_id=upload.id).as_dict()
    except importer.FileRefused as refused:
        upload.status, upload.report = "mislukt", {"error": str(refused)}
    else:
        upload.status, upload.report = "klaar", report
    upload.finished_at = utcnow()
