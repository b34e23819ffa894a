"""The document checklist (``forms/documenten-v1.yaml``) and uploaded files.

Files are checked by content (``filetypes.detect``), stored in the database and can be linked to
sections. A section with a linked document counts as delivered: a gemeente that already has the
material may hand in documents instead of typing every answer.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview import yamlfiles
from peerreview.accounts.models import User
from peerreview.audit.services import record
from peerreview.config import ROOT
from peerreview.rounds.models import Visitatie
from peerreview.selfeval.filetypes import FileType, RejectedFile, detect, safe_filename
from peerreview.selfeval.models import ChecklistItem, Document, DocumentStatus

MAX_TITLE = 200


@cache
def checklist() -> dict[str, Any]:
    data: dict[str, Any] = yamlfiles.load((ROOT / "forms" / "documenten-v1.yaml").read_text(encoding="utf-8"))
    return data


def checklist_items() -> dict[str, dict[str, Any]]:
    return {item["key"]: item for group in checklist()["groups"] for item in group["items"]}


def statuses(session: Session, visitatie: Visitatie) -> dict[str, DocumentStatus]:
    rows = session.scalars(select(ChecklistItem).where(ChecklistItem.visitatie_id == visitatie.id))
    return {row.item_key: row.status for row in rows}


def set_status(session: Session, visitatie: Visitatie, item_key: str, status: DocumentStatus | None) -> None:
    row = session.scalar(
        select(ChecklistItem).where(ChecklistItem.visitatie_id == visitatie.id, ChecklistItem.item_key == item_key)
    )
    if status is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(
            ChecklistItem(
                gemeente_id=visitatie.gemeente_id, visitatie_id=visitatie.id, item_key=item_key, status=status
            )
        )
    else:
        row.status = status
    session.flush()


def files(session: Session, visitatie: Visitatie) -> list[Document]:
    return list(session.scalars(select(Document).where(Document.visitatie_id == visitatie.id).order_by(Document.id)))


def get(session: Session, visitatie: Visitatie, document_id: int) -> Document | None:
    return session.scalar(select(Document).where(Document.id == document_id, Document.visitatie_id == visitatie.id))


def upload(
    session: Session,
    actor: User,
    visitatie: Visitatie,
    *,
    data: bytes,
    filename: str,
    title: str,
    item_key: str | None,
    section_keys: list[str],
    max_bytes: int,
) -> Document:
    """Raises filetypes.RejectedFile with a Dutch message when the content is not acceptable."""
    title = title.strip()
    if len(title) > MAX_TITLE:  # refused, not cut short
        raise RejectedFile(f"De titel is {len(title)} tekens lang; gebruik hoogstens {MAX_TITLE} tekens.")
    filetype: FileType = detect(data, filename, max_bytes=max_bytes)
    name = safe_filename(filename, filetype)
    document = Document(
        gemeente_id=visitatie.gemeente_id,
        visitatie_id=visitatie.id,
        item_key=item_key or None,
        section_keys=section_keys,
        title=title or name.rsplit(".", 1)[0][:MAX_TITLE],
        filename=name,
        filetype=filetype.key,
        mimetype=filetype.mimetype,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_by_id=actor.id,
    )
    session.add(document)
    session.flush()
    if item_key:
        set_status(session, visitatie, item_key, DocumentStatus.AANWEZIG)
    record(
        session,
        "document_uploaded",
        actor=actor,
        gemeente_id=visitatie.gemeente_id,
        obj=document,
        filename=name,
        size=len(data),
    )
    return document


def remove(session: Session, actor: User, visitatie: Visitatie, document: Document) -> None:
    record(session, "document_deleted", actor=actor, gemeente_id=visitatie.gemeente_id, subject=document.filename)
    session.delete(document)
    session.flush()


def covered_sections(session: Session, visitatie: Visitatie) -> set[str]:
    return {key for d in files(session, visitatie) for key in d.section_keys}


def snapshot(session: Session, visitatie: Visitatie) -> dict[str, Any]:
    return {
        "checklist": {key: status.value for key, status in sorted(statuses(session, visitatie).items())},
        "files": [
            {
                "id": d.id,
                "title": d.title,
                "filename": d.filename,
                "filetype": d.filetype,
                "size": d.size,
                "sha256": d.sha256,
                "item_key": d.item_key,
                "sections": d.section_keys,
            }
            for d in files(session, visitatie)
        ],
    }
