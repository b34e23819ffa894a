"""Test data: small, explicit builders. Every tenant-owned row gets its gemeente."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from peerreview.accounts import auth
from peerreview.accounts.models import Membership, MembershipRole, NetworkRole, NetworkRoleGrant, User
from peerreview.rounds.models import Phase, Round, RoundDeadline, Visitatie
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
