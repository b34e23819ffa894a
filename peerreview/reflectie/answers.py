"""The factual-accuracy log: the review team answers every comment of the sent response with a
decision and a reason the gemeente reads; *verwerkt* names the version and section where the portret
changed, shown with the diff. A factual correction can be applied in one step: the section editor opens
with the quoted passage replaced by the proposed text, and saving it answers the comment."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from flask import url_for
from markupsafe import Markup
from sqlalchemy.orm import Session

from peerreview import diffs
from peerreview.accounts.models import User
from peerreview.accounts.services import coordinators_of
from peerreview.db import utcnow
from peerreview.mail import services as mail
from peerreview.portret import services as portret_services
from peerreview.portret.models import Portret
from peerreview.reflectie.anchors import section_text
from peerreview.reflectie.comments import unanswered
from peerreview.reflectie.errors import ReflectieError
from peerreview.reflectie.models import Comment, Decision
from peerreview.rounds.models import VisitatieState

REASON_MAX = 4000


def answer(
    session: Session,
    actor: User,
    portret: Portret,
    comment: Comment,
    decision: str,
    reason: str,
    *,
    changed_version: int | None = None,
    changed_section: str | None = None,
) -> None:
    """Record (or change) the team's answer; the gemeente's coordinators get an e-mail when the last
    open comment is answered."""
    if portret.visitatie.state is not VisitatieState.REFLECTIE:
        raise ReflectieError("Reacties beantwoorden kan alleen zolang het portret niet is vastgesteld.")
    if comment.sent_at is None or comment.merged_into_id is not None:
        raise ReflectieError("Deze reactie hoeft geen eigen antwoord: ze is samengevoegd of niet verstuurd.")
    if decision not in {d.value for d in Decision}:
        raise ReflectieError("Kies of de reactie verwerkt, deels verwerkt of niet verwerkt is.")
    reason = reason.strip()
    if not reason:
        raise ReflectieError("Schrijf een reden die de gemeente kan lezen, ook als de reactie verwerkt is.")
    if len(reason) > REASON_MAX:
        raise ReflectieError(f"De reden is {len(reason)} tekens lang; het maximum is {REASON_MAX}.")
    chosen = Decision(decision)
    if chosen is Decision.NIET_VERWERKT:
        changed_version = changed_section = None
    elif changed_version is not None:
        item = portret_services.version(session, portret, changed_version)
        section = changed_section or comment.section_key  # a comment on the whole portret names one here
        if item is None or not section or section_text(item, section) is None:
            raise ReflectieError("Kies een bestaande versie en sectie waarin de wijziging staat.")
        changed_section = section
    elif chosen is Decision.VERWERKT:
        raise ReflectieError("Kies bij ‘verwerkt’ de versie waarin het portret is aangepast.")
    was_open = comment.decision is None
    comment.decision, comment.reason = chosen, reason
    comment.changed_version, comment.changed_section = changed_version, changed_section
    comment.answered_by_id, comment.answered_at = actor.id, utcnow()
    session.flush()
    if was_open and unanswered(session, portret) == 0:
        _mail_all_answered(session, portret)


def _mail_all_answered(session: Session, portret: Portret) -> None:
    visitatie = portret.visitatie
    link = url_for("reflectie.log", visitatie_id=visitatie.id, _external=True)
    for coordinator in coordinators_of(session, visitatie.gemeente_id):
        mail.send(
            session,
            coordinator.email,
            f"Het reviewteam heeft alle reacties op het portret van {visitatie.gemeente.name} beantwoord",
            "reflectie_answered",
            user=coordinator,
            visitatie=visitatie,
            link=link,
        )


@dataclass
class Change:
    version: int
    section_title: str
    left: Markup
    right: Markup


def change_of(session: Session, portret: Portret, comment: Comment) -> Change | None:
    """The section before and after the version the answer names, side by side."""
    if comment.changed_version is None or comment.changed_section is None:
        return None
    new = portret_services.version(session, portret, comment.changed_version)
    old = portret_services.version(session, portret, comment.changed_version - 1)
    if new is None:
        return None
    entry = portret_services.section_of(new.content, comment.changed_section) or {}
    before = section_text(old, comment.changed_section) if old is not None else ""
    after = section_text(new, comment.changed_section) or ""
    left, right = diffs.side_by_side(before or "", after)
    return Change(new.number, entry.get("title", comment.changed_section), left, right)


# --- applying a factual correction ---------------------------------------------------------------------


def proposed_html(section_html: str, passage: str, correction: str) -> tuple[str, bool]:
    """The section's HTML with the quoted passage replaced by the correction (tags between the words of
    the passage are kept after it); ``found`` is False when the passage is not in the text any more."""
    words = passage.split()
    if not words or not correction.strip():
        return section_html, False
    gap = r"(?:\s|&nbsp;|<[^>]*>)+"
    pattern = gap.join(re.escape(html.escape(w, quote=False)) for w in words)
    match = re.search(pattern, section_html)
    if match is None:
        return section_html, False
    # the tags inside the passage stay (after the correction), so what they open or close stays balanced
    tags = "".join(re.findall(r"<[^>]*>", match.group(0)))
    replacement = html.escape(" ".join(correction.split()), quote=False) + tags
    return section_html[: match.start()] + replacement + section_html[match.end() :], True


def can_apply(comment: Comment) -> bool:
    return comment.kind.value == "feitelijke_onjuistheid" and bool(comment.section_key) and bool(comment.correction)


def apply_correction(
    session: Session, actor: User, portret: Portret, comment: Comment, base: int, title: str, body: str, reason: str
) -> int:
    """Save the section as the team edited it in the pre-filled editor (``save_section``: refused with a
    ``Conflict`` when someone else changed it meanwhile) and answer the comment as verwerkt with that version."""
    if not can_apply(comment) or comment.section_key is None:
        raise ReflectieError("Alleen een feitelijke onjuistheid met een voorgestelde tekst kan zo worden verwerkt.")
    if portret.visitatie.state is not VisitatieState.REFLECTIE:
        raise ReflectieError("Reacties verwerken kan alleen zolang het portret niet is vastgesteld.")
    saved = portret_services.save_section(session, actor, portret, comment.section_key, base, title, body)
    answer(
        session,
        actor,
        portret,
        comment,
        Decision.VERWERKT.value,
        reason,
        changed_version=saved.number,
        changed_section=comment.section_key,
    )
    return saved.number
