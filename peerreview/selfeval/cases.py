"""Plusversie cases: consent, the four steps and the lessons, the personal-data check, withdrawal.

Case texts are stored as answers with keys ``casus<id>_<field>``, so they get autosave, revisions
and history like every other answer. Only the gemeente reads them (every read is audit-logged);
withdrawing consent deletes them — also from earlier submissions — and keeps only the fact.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from blinker import signal
from flask import url_for
from sqlalchemy import CursorResult, Delete, delete, select
from sqlalchemy.orm import Session

from peerreview.accounts.models import User
from peerreview.audit.services import record, record_read
from peerreview.db import utcnow
from peerreview.rounds.models import Visitatie
from peerreview.sanitize import plain_text
from peerreview.selfeval.definitions import Definition, Question
from peerreview.selfeval.models import Answer, AnswerRevision, Casus, CasusConsent, PrivacyClearance, Submission
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
    """A new case with the consent of its first person; ``add_consent`` records anyone else's."""
    casus = Casus(
        gemeente_id=visitatie.gemeente_id,
        visitatie_id=visitatie.id,
        pseudonym=pseudonym.strip(),
        consent_scope=scope.strip(),
    )
    session.add(casus)
    session.flush()
    record(session, "casus_created", actor=actor, gemeente_id=visitatie.gemeente_id, obj=casus)
    add_consent(session, actor, casus, given_by=given_by, given_on=given_on, recorded_how=recorded_how)
    return casus


def add_consent(
    session: Session, actor: User, casus: Casus, *, given_by: str, given_on: date, recorded_how: str
) -> CasusConsent:
    """One more person's consent for the case (a mother and her son each give their own)."""
    if casus.withdrawn_at is not None:
        raise ValueError("consent for a withdrawn case")
    consent = CasusConsent(
        gemeente_id=casus.gemeente_id,
        casus_id=casus.id,
        given_by=given_by,
        given_on=given_on,
        recorded_how=recorded_how,
        recorded_by_id=actor.id,
    )
    session.add(consent)
    session.flush()
    session.expire(casus, ["consents"])
    record(
        session,
        "consent_recorded",
        actor=actor,
        gemeente_id=casus.gemeente_id,
        obj=casus,
        given_by=given_by,
        recorded_how=recorded_how,
    )
    return consent


def texts(session: Session, casus: Casus) -> dict[str, Answer]:
    prefix = f"casus{casus.id}_"
    rows = session.scalars(
        select(Answer).where(Answer.visitatie_id == casus.visitatie_id, Answer.question_key.startswith(prefix))
    )
    return {a.question_key.removeprefix(prefix): a for a in rows}


# What names a case whose text a response shows: the case, its id, a snapshot entry (``{"id": ..,
# "fields": ..}``; a withdrawn entry has no fields and shows no text), or a question key
# ``casus<id>_<field>`` (an answer, or an annotation quoting one).
CaseRef = Casus | int | Mapping[str, Any] | str | None


def case_id(ref: CaseRef) -> int | None:
    """The case ``ref`` shows text of, if any."""
    if isinstance(ref, Casus):
        return ref.id
    if isinstance(ref, int):
        return ref
    if isinstance(ref, Mapping):
        return int(ref["id"]) if ref.get("fields") else None
    if isinstance(ref, str):
        head, sep, _field = ref.partition("_")
        if sep and head.startswith("casus") and head[5:].isdigit():
            return int(head[5:])
    return None


def log_case_read(actor: User, visitatie: Visitatie, refs: Iterable[CaseRef], *, via: str) -> list[int]:
    """THE one place that logs a read of case text: every response that shows case text (page, export,
    PDF, history, annotation quotes) calls it with what it shows and how (``via``). One audit row per
    case, naming it, in its own short transaction (a GET commits nothing else). Returns the ids logged."""
    ids = sorted({i for i in map(case_id, refs) if i is not None})
    if ids:
        record_read(
            "casus_read",
            actor=actor,
            events=[
                {"gemeente_id": visitatie.gemeente_id, "object_type": Casus.__tablename__, "object_id": i, "via": via}
                for i in ids
            ],
        )
    return ids


# Sent inside a withdrawal, before the flush, as ``consent_withdrawn.send(casus, session=..., keys_prefix=...)``:
# other packages holding copies of the case text (the review's annotations) remove theirs. The
# zelfevaluatie never imports them (peerreview/review/consent.py connects its receiver).
consent_withdrawn = signal("peerreview.casus.consent-withdrawn")


def withdraw(session: Session, actor: User, visitatie: Visitatie, casus: Casus, *, withdrawn_by: str) -> dict[str, int]:
    """Consent is withdrawn (by ``withdrawn_by``, a ``given_by`` value; recorded by ``actor``): remove every
    copy of what the case says and keep only its pseudonym and the fact. Removed: the answers and all their
    revisions, the privacy clearances (hashes of its passages), the case in every submission snapshot
    (whose rendered PDF is deleted; the view queues it again, without the case), and, through :data:`consent_withdrawn`,
    the annotations that quote it with their replies. Returns what was removed, per kind."""
    prefix = f"casus{casus.id}_"
    answer_ids = select(Answer.id).where(Answer.visitatie_id == visitatie.id, Answer.question_key.startswith(prefix))
    removed = {
        "revisions": _delete(session, delete(AnswerRevision).where(AnswerRevision.answer_id.in_(answer_ids))),
        "answers": _delete(
            session, delete(Answer).where(Answer.visitatie_id == visitatie.id, Answer.question_key.startswith(prefix))
        ),
        "clearances": _delete(
            session,
            delete(PrivacyClearance).where(
                PrivacyClearance.visitatie_id == visitatie.id, PrivacyClearance.question_key.startswith(prefix)
            ),
        ),
        "submissions": 0,
    }
    casus.consent_scope = ""
    casus.withdrawn_at, casus.withdrawn_by_id, casus.consent_withdrawn_by = utcnow(), actor.id, withdrawn_by
    for submission in session.scalars(select(Submission).where(Submission.visitatie_id == visitatie.id)):
        entries = submission.snapshot.get("cases", [])
        if not any(entry.get("id") == casus.id and "fields" in entry for entry in entries):
            continue
        scrubbed = [entry if entry.get("id") != casus.id else _withdrawn_entry(casus) for entry in entries]
        submission.snapshot = {**submission.snapshot, "cases": scrubbed}
        submission.checksum = hashlib.sha256(canonical_json(submission.snapshot)).hexdigest()
        submission.pdf, submission.pdf_checksum = None, None
        removed["submissions"] += 1
    for _receiver, result in consent_withdrawn.send(casus, session=session, keys_prefix=prefix):
        for kind, count in (result or {}).items():
            removed[kind] = removed.get(kind, 0) + count
    record(
        session,
        "consent_withdrawn",
        actor=actor,
        gemeente_id=visitatie.gemeente_id,
        obj=casus,
        withdrawn_by=withdrawn_by,
        removed=removed,
    )
    session.flush()
    return removed


def _delete(session: Session, statement: Delete) -> int:
    """Run a bulk delete; the number of rows it removed."""
    return cast(CursorResult[Any], session.execute(statement)).rowcount


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
                    "scope": casus.consent_scope,
                    "given": [
                        {"given_by": c.given_by, "given_on": c.given_on.isoformat(), "recorded_how": c.recorded_how}
                        for c in casus.consents
                    ],
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
