"""Plusversie cases: consent, the four steps and the lessons, the personal-data check, withdrawal.

Case texts are stored as answers with keys ``casus<id>_<field>``, so they get autosave, revisions
and history like every other answer. Only the gemeente reads them (every read is audit-logged);
withdrawing consent deletes them — also from earlier submissions — and keeps only the fact.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import url_for
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from peerreview.accounts.models import User
from peerreview.audit.services import record
from peerreview.db import utcnow
from peerreview.rounds.models import Visitatie
from peerreview.sanitize import plain_text
from peerreview.selfeval.definitions import Definition, Question
from peerreview.selfeval.models import Answer, Casus, PrivacyClearance, Submission
from peerreview.selfeval.privacy import Finding, find_personal_data
from peerreview.selfeval.snapshot import Blocker, canonical_json


@dataclass(frozen=True)
class CaseField:
    key: str  # dossieronderzoek, ..., casusniveau, systeemniveau
    title: str
    guidance: str

    @property
    def question(self) -> Question:
        return Question(
            key=self.key, label=self.title, prompt=self.title, kind="richtext", required=True, guidance=self.guidance
        )


def fields(definition: Definition) -> list[CaseField]:
    spec = definition.casussen or {}
    steps = [CaseField(s["key"], s["title"], s.get("guidance", "")) for s in spec.get("steps", [])]
    lessons = [CaseField(item["key"], item["label"], item.get("guidance", "")) for item in spec.get("lessons", [])]
    return steps + lessons


def field(definition: Definition, key: str) -> CaseField | None:
    return next((f for f in fields(definition) if f.key == key), None)


def all_cases(session: Session, visitatie: Visitatie) -> list[Casus]:
    return list(session.scalars(select(Casus).where(Casus.visitatie_id == visitatie.id).order_by(Casus.id)))


def get(session: Session, visitatie: Visitatie, casus_id: int) -> Casus | None:
    return session.scalar(select(Casus).where(Casus.id == casus_id, Casus.visitatie_id == visitatie.id))


def create(
    session: Session,
    actor: User,
    visitatie: Visitatie,
    *,
    pseudonym: str,
    given_by: str,
    given_on: date,
    scope: str,
    recorded_how: str,
) -> Casus:
    casus = Casus(
        gemeente_id=visitatie.gemeente_id,
        visitatie_id=visitatie.id,
        pseudonym=pseudonym.strip(),
        consent_given_by=given_by,
        consent_given_on=given_on,
        consent_scope=scope.strip(),
        consent_recorded_how=recorded_how,
        consent_recorded_by_id=actor.id,
    )
    session.add(casus)
    session.flush()
    record(session, "casus_created", actor=actor, gemeente_id=visitatie.gemeente_id, obj=casus)
    return casus


def texts(session: Session, casus: Casus) -> dict[str, Answer]:
    prefix = f"casus{casus.id}_"
    rows = session.scalars(
        select(Answer).where(Answer.visitatie_id == casus.visitatie_id, Answer.question_key.startswith(prefix))
    )
    return {a.question_key.removeprefix(prefix): a for a in rows}


def log_read(session: Session, actor: User, casus: Casus) -> None:
    record(session, "casus_read", actor=actor, gemeente_id=casus.gemeente_id, obj=casus)


def withdraw(session: Session, actor: User, visitatie: Visitatie, casus: Casus) -> None:
    """Remove everything the case says; keep the pseudonym and when consent was withdrawn."""
    session.execute(
        delete(Answer).where(Answer.visitatie_id == visitatie.id, Answer.question_key.startswith(f"casus{casus.id}_"))
    )
    casus.consent_scope = ""
    casus.withdrawn_at, casus.withdrawn_by_id = utcnow(), actor.id
    for submission in session.scalars(select(Submission).where(Submission.visitatie_id == visitatie.id)):
        scrubbed = [
            entry if entry.get("id") != casus.id else _withdrawn_entry(casus)
            for entry in submission.snapshot.get("cases", [])
        ]
        submission.snapshot = {**submission.snapshot, "cases": scrubbed}
        submission.checksum = hashlib.sha256(canonical_json(submission.snapshot)).hexdigest()
        submission.pdf, submission.pdf_checksum = None, None
    record(session, "consent_withdrawn", actor=actor, gemeente_id=visitatie.gemeente_id, obj=casus)
    session.flush()


def _withdrawn_entry(casus: Casus) -> dict[str, Any]:
    return {
        "id": casus.id,
        "pseudonym": casus.pseudonym,
        "withdrawn_at": casus.withdrawn_at.isoformat() if casus.withdrawn_at else None,
    }


def snapshot(session: Session, visitatie: Visitatie) -> list[dict[str, Any]]:
    result = []
    for casus in all_cases(session, visitatie):
        if casus.withdrawn_at:
            result.append(_withdrawn_entry(casus))
            continue
        result.append(
            {
                "id": casus.id,
                "pseudonym": casus.pseudonym,
                "consent": {
                    "given_by": casus.consent_given_by,
                    "given_on": casus.consent_given_on.isoformat(),
                    "scope": casus.consent_scope,
                    "recorded_how": casus.consent_recorded_how,
                },
                "fields": {k: {"value": a.value, "plain": a.plain} for k, a in sorted(texts(session, casus).items())},
            }
        )
    return result


# --- personal data -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFinding:
    casus: Casus
    field: str
    finding: Finding

    @property
    def key(self) -> str:
        return f"casus{self.casus.id}_{self.field}"

    @property
    def text_hash(self) -> str:
        return clearance_hash(self.finding.text)

    def context(self, plain: str, width: int = 40) -> tuple[str, str, str]:
        start, end = self.finding.start, self.finding.end
        return plain[max(0, start - width) : start], plain[start:end], plain[end : end + width]


def clearance_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def findings(session: Session, visitatie: Visitatie) -> list[CaseFinding]:
    """Open findings: flagged passages in active cases that the coordinator has not cleared."""
    cleared = {
        (c.question_key, c.kind, c.text_hash)
        for c in session.scalars(select(PrivacyClearance).where(PrivacyClearance.visitatie_id == visitatie.id))
    }
    result = []
    for casus in all_cases(session, visitatie):
        if casus.withdrawn_at:
            continue
        for name, answer in texts(session, casus).items():
            for finding in find_personal_data(answer.plain):
                item = CaseFinding(casus, name, finding)
                if (item.key, finding.kind, item.text_hash) not in cleared:
                    result.append(item)
    return result


def clear(session: Session, actor: User, visitatie: Visitatie, question_key: str, kind: str, text_hash: str) -> None:
    session.add(
        PrivacyClearance(
            gemeente_id=visitatie.gemeente_id,
            visitatie_id=visitatie.id,
            question_key=question_key,
            kind=kind,
            text_hash=text_hash,
            decided_by_id=actor.id,
        )
    )
    record(session, "privacy_cleared", actor=actor, gemeente_id=visitatie.gemeente_id, subject=question_key, kind=kind)
    session.flush()


def blockers(session: Session, visitatie: Visitatie, definition: Definition) -> list[Any]:
    if not definition.casussen:
        return []
    overview = url_for("selfeval.cases", visitatie_id=visitatie.id)
    active = [c for c in all_cases(session, visitatie) if not c.withdrawn_at]
    result = []
    minimum = int(definition.casussen["minimum"])
    if len(active) < minimum:
        result.append(
            Blocker(
                f"De plusversie vraagt minstens {minimum} casussen met toestemming; "
                f"er {'is' if len(active) == 1 else 'zijn'} er nu {len(active)}.",
                overview,
            )
        )
    for casus in active:
        filled = texts(session, casus)
        for f in fields(definition):
            if f.key not in filled or not plain_text(filled[f.key].value.get("html", "")):
                result.append(
                    Blocker(
                        f"{casus.pseudonym}: ‘{f.title}’ is nog niet ingevuld.",
                        url_for("selfeval.casus", visitatie_id=visitatie.id, casus_id=casus.id, _anchor=f"q-{f.key}"),
                    )
                )
    for item in findings(session, visitatie):
        result.append(
            Blocker(
                f"{item.casus.pseudonym}: mogelijk persoonsgegeven ({item.finding.label}) "
                "nog niet aangepast of beoordeeld.",
                url_for("selfeval.privacy", visitatie_id=visitatie.id),
            )
        )
    return result
