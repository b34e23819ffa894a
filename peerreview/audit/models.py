from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from peerreview.accounts.models import User
from peerreview.db import Base, utcnow
from peerreview.tenants.models import Gemeente

# Human-readable Dutch descriptions, one place for every action the log knows.
ACTIONS = {
    "login": "Ingelogd",
    "login_failed": "Mislukte inlogpoging",
    "login_blocked": "Inlogpoging geblokkeerd (te veel pogingen)",
    "logout": "Uitgelogd",
    "two_factor_enabled": "Tweestapsverificatie ingesteld",
    "two_factor_disabled": "Tweestapsverificatie uitgezet",
    "recovery_code_used": "Herstelcode gebruikt",
    "password_reset_requested": "Wachtwoordherstel aangevraagd",
    "password_reset_limited": "Wachtwoordherstel geweigerd (te veel aanvragen)",
    "user_blocked": "Account geblokkeerd",
    "user_unblocked": "Account gedeblokkeerd",
    "password_changed": "Wachtwoord gewijzigd",
    "invitation_sent": "Uitnodiging verstuurd",
    "invitation_revoked": "Uitnodiging ingetrokken",
    "invitation_accepted": "Uitnodiging geaccepteerd",
    "role_granted": "Rol toegekend",
    "role_changed": "Rol gewijzigd",
    "role_revoked": "Rol ingetrokken",
    "round_created": "Visitatieronde aangemaakt",
    "round_updated": "Visitatieronde gewijzigd",
    "visitatie_added": "Gemeente toegevoegd aan ronde",
    "variant_chosen": "Versie van de zelfevaluatie gekozen",
    "selfeval_submitted": "Zelfevaluatie ingediend",
    "selfeval_reopened": "Zelfevaluatie heropend",
    "casus_created": "Casus aangemaakt",
    "consent_recorded": "Toestemming voor casus vastgelegd",
    "casus_read": "Casusteksten gelezen",
    "consent_withdrawn": "Toestemming voor casus ingetrokken",
    "privacy_cleared": "Mogelijk persoonsgegeven gemarkeerd als niet persoonlijk",
    "document_uploaded": "Document toegevoegd",
    "document_deleted": "Document verwijderd",
    "review_team_set": "Reviewteam vastgesteld",
    "conflict_declared": "Reviewer verklaarde geen belangenconflict",
    "annotations_released": "Aantekeningen gedeeld met de gemeente",
    "indicators_imported": "Kengetallen ingelezen",
    "reference_group_changed": "Referentiegroep gewijzigd",
    "visit_started": "Visitatie gestart (review afgerond)",
    "visit_notes_read": "Gespreksverslag gelezen",
    "visit_notes_saved": "Gespreksverslag opgeslagen",
    # respondent proposals of the gemeente (visit/proposals.py)
    "respondent_proposed": "Respondent voorgesteld door de gemeente",
    "respondent_proposal_withdrawn": "Voorstel voor een respondent ingetrokken",
    "respondent_proposal_adopted": "Voorgestelde respondent overgenomen",
    "respondent_proposal_declined": "Voorgestelde respondent niet overgenomen",
    "portret_generated": "Conceptportret gegenereerd",
    "portret_released": "Conceptportret gedeeld met de gemeente",
    "portret_published": "Definitief portret gepubliceerd",
    "portret_publication_withdrawn": "Publicatie van het portret ingetrokken",
    "portret_erratum": "Erratum op het definitieve portret",
    # the reflectie (reflectie/)
    "feedback_deadline_set": "Reactietermijn op het concept ingesteld",
    "guest_link_created": "Persoonlijke reactielink gemaakt",
    "guest_link_revoked": "Persoonlijke reactielink ingetrokken",
    "reflectie_sent": "Reactie van de gemeente op het concept verstuurd",
    "portret_proposed": "Portret voorgesteld als definitief",
    "portret_adopted": "Portret vastgesteld door de gemeente",
    # reflectiesessie (issue 10)
    "sessie_invited": "Uitnodiging reflectiesessie verstuurd",
    "sessie_replanned": "Reflectiesessie verplaatst of gewijzigd",
    "sessie_recorded": "Verslag reflectiesessie vastgelegd",
    "sessie_reactie_saved": "Bestuurlijke reactie opgeslagen",
    "sessie_nawoord_saved": "Nawoord opgeslagen",
    # the network's lenses (issue 11)
    "passage_codes_changed": "Lenscodes van een passage gewijzigd",
    # verbeteragenda: reports, the read-only share, the next round (agenda/, issue 12)
    "agenda_share_created": "Leeslink verbeteragenda gemaakt",
    "agenda_share_revoked": "Leeslink verbeteragenda ingetrokken",
    "agenda_share_used": "Leeslink verbeteragenda geopend",
    "agenda_report_downloaded": "Stand van zaken verbeteragenda gedownload",
    "agenda_published_set": "Verbeteragenda wel of niet gedeeld met het netwerk",
    "agenda_follow_up_saved": "Opvolging vorige ronde opgeslagen",
    # verbeteragenda (issue 12)
    "agenda_created": "Verbeteragenda aangemaakt",
    "agenda_point_added": "Eigen punt op de verbeteragenda gezet",
    "agenda_line_created": "Actielijn gemaakt",
    "agenda_line_updated": "Actielijn gewijzigd",
    "agenda_part_created": "Onderdeel van een actielijn toegevoegd",
    "agenda_part_updated": "Onderdeel van een actielijn gewijzigd",
    "agenda_part_status": "Status van een onderdeel gewijzigd",
    "agenda_period_created": "Rapportageperiode toegevoegd",
    "agenda_progress_saved": "Stand van zaken opgeslagen",
    # rode draden and the network report (issue 11)
    "thread_submitted": "Rode draad ter toetsing voorgelegd aan gemeenten",
    "thread_reopened": "Rode draad terug naar concept",
    "thread_settled": "Rode draad vastgesteld",
    "network_report_generated": "Netwerkrapport samengesteld",
}


class AuditEvent(Base):
    """Global table: many events (logins) belong to no gemeente; ``gemeente_id`` is set when one does."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(sa.String(48), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    gemeente_id: Mapped[int | None] = mapped_column(sa.ForeignKey("gemeente.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str | None] = mapped_column(sa.String(254))  # e.g. the e-mail address concerned
    object_type: Mapped[str | None] = mapped_column(sa.String(48))
    object_id: Mapped[int | None]
    address: Mapped[str | None] = mapped_column(sa.String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")
    gemeente: Mapped[Gemeente | None] = relationship(lazy="joined")

    @property
    def description(self) -> str:
        return ACTIONS.get(self.action, self.action)
