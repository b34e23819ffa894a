"""Test data: small, explicit builders. Every tenant-owned row gets its gemeente."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from peerreview.accounts import auth
from peerreview.accounts.models import Membership, MembershipRole, NetworkRole, NetworkRoleGrant, User
from peerreview.rounds.models import Phase, Round, RoundDeadline, Variant, Visitatie
from peerreview.tenants.models import Gemeente, Jeugdregio, slugify

PASSWORD = "een-goed-wachtwoord"
_HASH = auth.hash_password(PASSWORD)
_counter = itertools.count(1)


class Factory:
    def __init__(self, session: Session) -> None:
        self.session = session

    def commit(self) -> None:
        self.session.commit()

    def gemeente(self, name: str | None = None, regio: str = "Testregio", inhabitants: int = 40_000) -> Gemeente:
        n = next(_counter)
        name = name or f"Gemeente {n}"
        jeugdregio = self.session.query(Jeugdregio).filter_by(name=regio).one_or_none() or Jeugdregio(name=regio)
        gemeente = Gemeente(
            name=name,
            slug=slugify(name),
            cbs_code=f"GM{n:04d}",
            province="Utrecht",
            jeugdregio=jeugdregio,
            inhabitants=inhabitants,
        )
        self.session.add(gemeente)
        self.session.commit()
        return gemeente

    def user(
        self,
        email: str | None = None,
        *,
        gemeente: Gemeente | None = None,
        role: MembershipRole = MembershipRole.CONTRIBUTOR,
        network_role: NetworkRole | None = None,
        two_factor_exempt: bool = True,
        **kwargs: Any,
    ) -> User:
        n = next(_counter)
        user = User(
            email=email or f"persoon{n}@example.nl",
            name=kwargs.pop("name", f"Persoon {n}"),
            password_hash=_HASH,
            two_factor_exempt=two_factor_exempt,
            **kwargs,
        )
        if gemeente is not None:
            user.memberships.append(Membership(gemeente_id=gemeente.id, role=role))
        if network_role is not None:
            user.network_roles.append(NetworkRoleGrant(role=network_role))
        self.session.add(user)
        self.session.commit()
        return user

    def round(self, name: str | None = None, gemeenten: tuple[Gemeente, ...] = ()) -> Round:
        round_ = Round(name=name or f"Ronde {next(_counter)}", starts_on=date(2026, 9, 1), ends_on=date(2027, 6, 30))
        round_.deadlines.append(RoundDeadline(phase=Phase.ZELFEVALUATIE, due_on=date(2027, 1, 15)))
        self.session.add(round_)
        self.session.flush()
        for gemeente in gemeenten:
            self.session.add(Visitatie(round_id=round_.id, gemeente_id=gemeente.id))
        self.session.commit()
        return round_

    def visitatie(self, gemeente: Gemeente, round_: Round | None = None) -> Visitatie:
        round_ = round_ or self.round()
        visitatie = Visitatie(round_id=round_.id, gemeente_id=gemeente.id)
        self.session.add(visitatie)
        self.session.commit()
        return visitatie


def sample_value(question) -> dict[str, Any]:
    """A valid, filled value for any question kind."""
    kind = question.kind
    if kind == "richtext":
        return {"html": f"<p>Antwoord op {question.label}.</p>"}
    if kind == "choice":
        return {"value": question.spec["options"][0]["value"], "explanation": "<p>Toelichting.</p>"}
    if kind == "checklist":
        return {"values": [question.spec["items"][0]["value"]], "explanation": ""}
    if kind == "rating_list":
        status = question.spec["scale"][0]["value"]
        return {"items": {str(i["value"]): {"status": status, "comment": ""} for i in question.spec["items"]}}
    if kind == "rows":
        row = {
            c["key"]: (c["options"][0]["value"] if c["kind"] == "choice" else "12") for c in question.spec["columns"]
        }
        return {"rows": [row]}
    if kind == "number":
        return {"value": 3}
    return {"goed": "<p>Goed.</p>", "ontwikkel": "<p>Beter.</p>"}


def start_selfeval(session: Session, visitatie: Visitatie, variant: Variant = Variant.BASIS) -> Visitatie:
    visitatie.variant, visitatie.definition_version = variant, 1
    session.commit()
    return visitatie


def complete_selfeval(app, session: Session, visitatie: Visitatie, user: User) -> None:
    """Answer every required question (for tests that need a submittable zelfevaluatie)."""
    from peerreview.selfeval import services

    with app.test_request_context():
        definition = services.definition_for(visitatie)
        current = services.answers(session, visitatie)
        for question in definition.questions.values():
            if question.required:
                base = current[question.key].revision if question.key in current else 0
                services.save_answer(session, user, visitatie, question, sample_value(question), base)
        session.commit()
