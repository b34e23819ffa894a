"""The access policy: the one place that answers "may this user do X to this object now?".

Every view asks ``require(action, obj)``; templates ask ``can(action, obj)``. Anything a user may
not see is answered with 404 — never a hint that it exists.

Design note. The guide suggests binding a tenant to the session and filtering every query by it.
Our access model is cross-tenant by nature (reviewers of gemeente A read gemeente B's submitted
self-evaluation; round coordinators see every visitatie's progress), so the decision lives here,
per object and state, backed by three other layers: tenant-owned rows carry ``gemeente_id`` with
composite foreign keys (the database refuses cross-tenant references), services load children
through their tenant-checked parent, and ``tests/functional/test_route_matrix.py`` opens every URL
rule as a user of another gemeente and expects 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import abort, g
from flask_login import current_user
from sqlalchemy import select

from peerreview import db
from peerreview.accounts.models import MembershipRole, NetworkRole, User
from peerreview.network.models import Audience
from peerreview.portret.models import Publication
from peerreview.rounds.models import Round, Visitatie, VisitatieState
from peerreview.tenants.models import Gemeente

Rule = Callable[[User, Any], bool]
RULES: dict[str, Rule] = {}
# Rules that also answer for a visitor without an account (their function gets ``None`` as the user).
# Every other rule refuses anonymous visitors before it is asked.
ANONYMOUS: set[str] = set()


def rule(action: str, *, anonymous: bool = False) -> Callable[[Rule], Rule]:
    def register(func: Rule) -> Rule:
        RULES[action] = func
        if anonymous:
            ANONYMOUS.add(action)
        return func

    return register


def allowed(user: Any, action: str, obj: Any = None) -> bool:
    if action not in RULES:
        raise KeyError(f"no access rule for {action!r}")
    if user is None or not user.is_authenticated:
        return action in ANONYMOUS and RULES[action](None, obj)  # type: ignore[arg-type]
    return RULES[action](user, obj)


def can(action: str, obj: Any = None) -> bool:
    return allowed(current_user, action, obj)


def require(action: str, obj: Any = None) -> None:
    """Abort with 404 unless the current user may do ``action`` on ``obj``."""
    if (obj is None and action not in OBJECTLESS) or not can(action, obj):
        abort(404)


def fetch(model: Any, object_id: int, action: str) -> Any:
    """Load ``model`` by id for the current user, or abort with 404: the policy decides."""
    obj = db.session().get(model, object_id)
    require(action, obj)
    return obj


def visitatie(visitatie_id: int, action: str, *, with_variant: bool = False) -> Visitatie:
    """The visitatie for ``action`` by the current user, or 404. ``with_variant``: the zelfevaluatie's
    variant (basis/plus) must have been chosen. The one loader every view of a visitatie uses."""
    obj = db.session().get(Visitatie, visitatie_id)
    require(action, obj)
    assert obj is not None
    if with_variant and obj.variant is None:
        abort(404)
    return obj


# Actions that are not about one object.
OBJECTLESS = {
    "network.agendas",
    "network.admin",
    "audit.view",
    "round.create",
    "round.list",
    "gemeente.list",
    "indicators.manage",
    "network.view",
}


def _admin(user: User) -> bool:
    return user.has_network_role(NetworkRole.ADMIN)


def _round_staff(user: User) -> bool:
    return user.has_network_role(NetworkRole.ADMIN, NetworkRole.ROUND_COORDINATOR)


def _lead(user: User, visitatie: Visitatie) -> bool:
    from peerreview.review.models import TeamRole

    a = assignment(user, visitatie)
    return a is not None and a.declared_at is not None and a.role is TeamRole.LEAD


def two_factor_required(user: User) -> bool:
    """Network roles and reviewers need a second factor."""
    if user.two_factor_exempt:
        return False
    if user.network_roles:
        return True
    from peerreview.review.models import ReviewAssignment

    return (
        db.session().scalar(select(ReviewAssignment.id).where(ReviewAssignment.user_id == user.id).limit(1)) is not None
    )


def assignment(user: User, visitatie: Visitatie) -> Any:
    """The user's place on this visitatie's review team, or None (cached per request)."""
    from peerreview.review.models import ReviewAssignment

    cache = g.setdefault("review_assignments", {})
    key = (user.id, visitatie.id)
    if key not in cache:
        cache[key] = db.session().scalar(
            select(ReviewAssignment).where(
                ReviewAssignment.visitatie_id == visitatie.id, ReviewAssignment.user_id == user.id
            )
        )
    return cache[key]


def remember_assignments(user: User, assignments: Iterable[Any], visitaties: Iterable[Visitatie]) -> None:
    """Put already loaded review assignments in ``assignment``'s per-request cache. ``assignments`` must be
    ALL of the user's assignments: on any of ``visitaties`` without one, the user has none. Saves a query
    per visitatie on pages that list many (the home page)."""
    cache = g.setdefault("review_assignments", {})
    by_visitatie = {a.visitatie_id: a for a in assignments if a.user_id == user.id}
    for visitatie in visitaties:
        cache.setdefault((user.id, visitatie.id), by_visitatie.get(visitatie.id))


_SUBMITTED = (
    VisitatieState.INGEDIEND,
    VisitatieState.IN_REVIEW,
    VisitatieState.VISITATIE,
    VisitatieState.PORTRET_CONCEPT,
    VisitatieState.REFLECTIE,
    VisitatieState.DEFINITIEF,
)
_IN_REVIEW = (VisitatieState.INGEDIEND, VisitatieState.IN_REVIEW)


def _reviewer(user: User, visitatie: Visitatie) -> bool:
    """Assigned, declared free of conflicts, and the self-evaluation is submitted."""
    a = assignment(user, visitatie)
    return a is not None and a.declared_at is not None and visitatie.state in _SUBMITTED


# --- network ---------------------------------------------------------------------------------------


@rule("network.admin")
def _network_admin(user: User, _obj: None) -> bool:
    return _admin(user)


@rule("audit.view")
def _audit_view(user: User, _obj: None) -> bool:
    return _admin(user)


@rule("gemeente.list")
def _gemeente_list(user: User, _obj: None) -> bool:
    return _round_staff(user)


# --- gemeenten --------------------------------------------------------------------------------------


@rule("gemeente.view")
def _gemeente_view(user: User, gemeente: Gemeente) -> bool:
    return user.role_in(gemeente.id) is not None or _round_staff(user)


@rule("gemeente.manage_members")
def _gemeente_manage(user: User, gemeente: Gemeente) -> bool:
    return user.role_in(gemeente.id) is MembershipRole.COORDINATOR or _admin(user)


# --- rounds ---------------------------------------------------------------------------------------


@rule("round.list")
def _round_list(user: User, _obj: None) -> bool:
    return _round_staff(user)


@rule("round.create")
def _round_create(user: User, _obj: None) -> bool:
    return _round_staff(user)


@rule("round.manage")
def _round_manage(user: User, _round: Round) -> bool:
    return _round_staff(user)


# --- visitaties ------------------------------------------------------------------------------------


@rule("visitatie.view")
def _visitatie_view(user: User, visitatie: Visitatie) -> bool:
    """The visitatie's overview (state, deadlines, variant): its gemeente and the round staff."""
    return user.role_in(visitatie.gemeente_id) is not None or _round_staff(user)


@rule("visitatie.choose_variant")
def _visitatie_choose_variant(user: User, visitatie: Visitatie) -> bool:
    return (
        user.role_in(visitatie.gemeente_id) is MembershipRole.COORDINATOR
        and visitatie.state is VisitatieState.ZELFEVALUATIE
    )


# --- zelfevaluatie -----------------------------------------------------------------------------------

_WRITERS = (MembershipRole.COORDINATOR, MembershipRole.CONTRIBUTOR)


@rule("selfeval.read")
def _selfeval_read(user: User, visitatie: Visitatie) -> bool:
    """The content: the gemeente always; round staff once it is submitted (before: progress only)."""
    if user.role_in(visitatie.gemeente_id) is not None or _reviewer(user, visitatie):
        return True
    return _round_staff(user) and visitatie.state is not VisitatieState.ZELFEVALUATIE


@rule("selfeval.progress")
def _selfeval_progress(user: User, visitatie: Visitatie) -> bool:
    return user.role_in(visitatie.gemeente_id) is not None or _round_staff(user)


@rule("selfeval.edit")
def _selfeval_edit(user: User, visitatie: Visitatie) -> bool:
    return (
        user.role_in(visitatie.gemeente_id) in _WRITERS
        and visitatie.state is VisitatieState.ZELFEVALUATIE
        and visitatie.variant is not None
    )


@rule("selfeval.coordinate")
def _selfeval_coordinate(user: User, visitatie: Visitatie) -> bool:
    """Assign sections, clear privacy findings, submit."""
    return (
        user.role_in(visitatie.gemeente_id) is MembershipRole.COORDINATOR
        and visitatie.state is VisitatieState.ZELFEVALUATIE
        and visitatie.variant is not None
    )


@rule("selfeval.reopen")
def _selfeval_reopen(user: User, visitatie: Visitatie) -> bool:
    return _round_staff(user) and visitatie.state in (VisitatieState.INGEDIEND, VisitatieState.IN_REVIEW)


@rule("casus.read")
def _casus_read(user: User, visitatie: Visitatie) -> bool:
    """Case texts: only the gemeente and, after submission, its assigned reviewers; never the network."""
    return user.role_in(visitatie.gemeente_id) is not None or _reviewer(user, visitatie)


@rule("casus.withdraw_consent")
def _casus_withdraw(user: User, visitatie: Visitatie) -> bool:
    """Withdrawing consent is always possible for the gemeente's writers, also after submission."""
    return user.role_in(visitatie.gemeente_id) in _WRITERS


# --- review --------------------------------------------------------------------------------------------


@rule("review.team.manage")
def _review_team_manage(user: User, visitatie: Visitatie) -> bool:
    return _round_staff(user) and visitatie.variant is not None


@rule("review.declare")
def _review_declare(user: User, visitatie: Visitatie) -> bool:
    return assignment(user, visitatie) is not None


@rule("review.read")
def _review_read(user: User, visitatie: Visitatie) -> bool:
    """The review workspace: the team (after declaring), and round staff once submitted."""
    return _reviewer(user, visitatie) or (_round_staff(user) and visitatie.state in _SUBMITTED)


@rule("review.annotate")
def _review_annotate(user: User, visitatie: Visitatie) -> bool:
    return _reviewer(user, visitatie) and visitatie.state in _IN_REVIEW


@rule("review.release")
def _review_release(user: User, visitatie: Visitatie) -> bool:
    return (
        (_lead(user, visitatie) or _round_staff(user))
        and visitatie.state in _SUBMITTED
        and visitatie.annotations_released_at is None
    )


@rule("annotations.read")
def _annotations_read(user: User, visitatie: Visitatie) -> bool:
    """The review team and round staff; the gemeente once the team released them (or in open review)."""
    if _review_read(user, visitatie):
        return True
    released = visitatie.annotations_released_at is not None or visitatie.round.open_review
    return released and user.role_in(visitatie.gemeente_id) is not None and visitatie.state in _SUBMITTED


# --- the visit ------------------------------------------------------------------------------------------

_VISIT_OPEN = (*_IN_REVIEW, VisitatieState.VISITATIE, VisitatieState.PORTRET_CONCEPT)


@rule("visit.view")
def _visit_view(user: User, visitatie: Visitatie) -> bool:
    """The planning (dates, format, respondents by role): the team, round staff and the gemeente."""
    return visitatie.state in _SUBMITTED and (
        _reviewer(user, visitatie) or _round_staff(user) or user.role_in(visitatie.gemeente_id) is not None
    )


@rule("visit.notes")
def _visit_notes(user: User, visitatie: Visitatie) -> bool:
    """Conversation notes and quotes stay with the review team and round staff."""
    return visitatie.state in _SUBMITTED and (_reviewer(user, visitatie) or _round_staff(user))


@rule("visit.plan")
def _visit_plan(user: User, visitatie: Visitatie) -> bool:
    return visitatie.state in _VISIT_OPEN and (_reviewer(user, visitatie) or _round_staff(user))


@rule("visit.start")
def _visit_start(user: User, visitatie: Visitatie) -> bool:
    """The review is done and the visit begins: the team lead or round staff."""
    return visitatie.state in _IN_REVIEW and (_lead(user, visitatie) or _round_staff(user))


# Respondent proposals: the gemeente proposes people to speak to until the visit is held; the team decides.
_PROPOSING = (*_IN_REVIEW, VisitatieState.VISITATIE)


@rule("visit.proposals")
def _visit_proposals(user: User, visitatie: Visitatie) -> bool:
    """The gemeente's proposals (with the optional names): the gemeente, the team and round staff."""
    return _visit_view(user, visitatie)


@rule("visit.propose")
def _visit_propose(user: User, visitatie: Visitatie) -> bool:
    """Propose (or withdraw) a respondent: the gemeente's writers, until the visit is held."""
    return user.role_in(visitatie.gemeente_id) in _WRITERS and visitatie.state in _PROPOSING


@rule("visit.proposal.decide")
def _visit_proposal_decide(user: User, visitatie: Visitatie) -> bool:
    """Adopt a proposal as a respondent, or decline it: whoever plans the visit."""
    return _visit_plan(user, visitatie)


# --- the portret ----------------------------------------------------------------------------------------

_PORTRET_STATES = (
    VisitatieState.VISITATIE,
    VisitatieState.PORTRET_CONCEPT,
    VisitatieState.REFLECTIE,
    VisitatieState.DEFINITIEF,
)
_PORTRET_EDITABLE = (VisitatieState.VISITATIE, VisitatieState.PORTRET_CONCEPT, VisitatieState.REFLECTIE)


@rule("portret.draft")
def _portret_draft(user: User, visitatie: Visitatie) -> bool:
    """The working draft with its provenance and versions: the review team and round staff."""
    return visitatie.state in _PORTRET_STATES and (_reviewer(user, visitatie) or _round_staff(user))


@rule("portret.edit")
def _portret_edit(user: User, visitatie: Visitatie) -> bool:
    return visitatie.state in _PORTRET_EDITABLE and (_reviewer(user, visitatie) or _round_staff(user))


@rule("portret.release")
def _portret_release(user: User, visitatie: Visitatie) -> bool:
    return visitatie.state in (VisitatieState.VISITATIE, VisitatieState.PORTRET_CONCEPT) and (
        _lead(user, visitatie) or _round_staff(user)
    )


@rule("portret.read")
def _portret_read(user: User, portret: Any) -> bool:
    """The released concept: the gemeente once the team released it; the team and round staff always."""
    visitatie = portret.visitatie
    if _portret_draft(user, visitatie):
        return True
    return (
        portret.released_version is not None
        and visitatie.state in _PORTRET_STATES[1:]
        and user.role_in(visitatie.gemeente_id) is not None
    )


# --- the definitive portret: publication and errata ---------------------------------------------------------


def network_participant(user: User | None) -> bool:
    """A logged-in participant of the network: a member of a gemeente or a holder of a network role. A council
    member (``MembershipRole.RAAD``) is not: the council reads its own gemeente's agenda and portret only."""
    return user is not None and (bool(user.working_memberships) or bool(user.network_roles))


def council(user: User | None, gemeente_id: int) -> bool:
    """A council member or auditor of the gemeente (gemeenteraad, rekenkamer): read-only, agenda and
    definitive portret only. Every other rule asks ``role_in``, which does not count this role."""
    return user is not None and user.council_in(gemeente_id)


def published_to(user: User | None, portret: Any) -> bool:
    """The adopted portret as its gemeente published it: *openbaar* to anyone, also without an account;
    *netwerk* to every participant of the network; *alleen de gemeente* to nobody here (the gemeente, its
    team and round staff read it through ``portret.read``)."""
    if portret.adopted_version is None:
        return False
    if portret.publication is Publication.OPENBAAR:
        return True
    return portret.publication is Publication.NETWERK and network_participant(user)


@rule("portret.published", anonymous=True)
def _portret_published(user: User | None, portret: Any) -> bool:
    return published_to(user, portret)


@rule("portret.definitive", anonymous=True)
def _portret_definitive(user: User | None, portret: Any) -> bool:
    """The definitive versions (and errata) with their PDFs: whoever may read the portret or its publication."""
    if portret.adopted_version is None:
        return False
    return (
        published_to(user, portret)
        or (user is not None and _portret_read(user, portret))
        or council(user, portret.gemeente_id)
    )


@rule("portret.council")
def _portret_council(user: User | None, portret: Any) -> bool:
    """The adopted (definitive) portret for the gemeente's council members, whatever its publication."""
    return portret.adopted_version is not None and council(user, portret.gemeente_id)


@rule("portret.publish")
def _portret_publish(user: User, portret: Any) -> bool:
    """Choosing (and withdrawing) who may read the adopted portret is the gemeente coordinator's call."""
    return portret.adopted_version is not None and user.role_in(portret.gemeente_id) is MembershipRole.COORDINATOR


@rule("portret.erratum")
def _portret_erratum(user: User, portret: Any) -> bool:
    """A numbered correction of the definitive portret: the team lead or round staff."""
    visitatie = portret.visitatie
    return (
        portret.adopted_version is not None
        and visitatie.state is VisitatieState.DEFINITIEF
        and (_lead(user, visitatie) or _round_staff(user))
    )


# --- the reflectiesessie ---------------------------------------------------------------------------------
# Planned with the gemeente once the visit is under way; recorded by the team after the concept is shared;
# the wederhoor (bestuurlijke reactie, nawoord) only if the round has it, each text by its own side.

_SESSIE_STATES = (*_PORTRET_STATES,)
_SESSIE_OPEN = (VisitatieState.VISITATIE, VisitatieState.PORTRET_CONCEPT, VisitatieState.REFLECTIE)
_SESSIE_HELD = (VisitatieState.PORTRET_CONCEPT, VisitatieState.REFLECTIE)


@rule("sessie.view")
def _sessie_view(user: User, visitatie: Visitatie) -> bool:
    """Plan, attendees, record and wederhoor: the gemeente, the review team and round staff."""
    return visitatie.state in _SESSIE_STATES and (
        user.role_in(visitatie.gemeente_id) is not None or _reviewer(user, visitatie) or _round_staff(user)
    )


@rule("sessie.plan")
def _sessie_plan(user: User, visitatie: Visitatie) -> bool:
    """Date, place and proposed attendees: the gemeente's coordinator with the team (and round staff)."""
    return visitatie.state in _SESSIE_OPEN and (
        user.role_in(visitatie.gemeente_id) is MembershipRole.COORDINATOR
        or _reviewer(user, visitatie)
        or _round_staff(user)
    )


@rule("sessie.agree")
def _sessie_agree(user: User, visitatie: Visitatie) -> bool:
    """Agree to a proposed attendee on behalf of the team: its lead, or round staff."""
    return visitatie.state in _SESSIE_OPEN and (_lead(user, visitatie) or _round_staff(user))


@rule("sessie.record")
def _sessie_record(user: User, visitatie: Visitatie) -> bool:
    """The record (recognisability, lessons, improvement points, notes): the team and round staff."""
    return visitatie.state in _SESSIE_HELD and (_reviewer(user, visitatie) or _round_staff(user))


@rule("sessie.reactie")
def _sessie_reactie(user: User, visitatie: Visitatie) -> bool:
    """The bestuurlijke reactie: the gemeente's coordinator only; never the team."""
    return (
        visitatie.round.wederhoor
        and visitatie.state in _SESSIE_HELD
        and user.role_in(visitatie.gemeente_id) is MembershipRole.COORDINATOR
    )


@rule("sessie.nawoord")
def _sessie_nawoord(user: User, visitatie: Visitatie) -> bool:
    """The nawoord: the team's lead only; never the gemeente."""
    return visitatie.round.wederhoor and visitatie.state in _SESSIE_HELD and _lead(user, visitatie)


# --- key figures ----------------------------------------------------------------------------------------


@rule("indicators.manage")
def _indicators_manage(user: User, _obj: None) -> bool:
    """Import figures, edit reference groups: network admins and analysts."""
    return user.has_network_role(NetworkRole.ADMIN, NetworkRole.ANALYST)


@rule("indicators.view")
def _indicators_view(user: User, gemeente: Gemeente) -> bool:
    """A gemeente's figures with its own interpretation: the gemeente, the network, and its reviewers."""
    if user.role_in(gemeente.id) is not None or user.network_roles:
        return True
    from peerreview.review.models import ReviewAssignment

    return (
        db.session().scalar(
            select(ReviewAssignment.id)
            .where(
                ReviewAssignment.gemeente_id == gemeente.id,
                ReviewAssignment.user_id == user.id,
                ReviewAssignment.declared_at.is_not(None),
            )
            .limit(1)
        )
        is not None
    )


@rule("indicators.interpret")
def _indicators_interpret(user: User, gemeente: Gemeente) -> bool:
    """Write the gemeente's duiding of its figures: its coordinators and writers."""
    return user.role_in(gemeente.id) in _WRITERS


# --- rode draden and the network report (network/threads*.py) -------------------------------------------
# Analysts, round coordinators and admins write threads. While a thread is *ter toetsing*, the members of
# exactly the gemeenten whose passages it uses read it, and their coordinators and writers respond; once it
# is *vastgesteld* every participant of the network reads it (and the network report).

OBJECTLESS |= {"threads.list", "threads.create", "report.view", "report.generate"}


def _analyst(user: User) -> bool:
    return user.has_network_role(NetworkRole.ADMIN, NetworkRole.ROUND_COORDINATOR, NetworkRole.ANALYST)


def _thread_gemeenten(thread: Any) -> set[int]:
    """The gemeenten whose passages the thread uses (cached per request)."""
    from peerreview.network.threads import concerned_gemeente_ids

    cache = g.setdefault("thread_gemeenten", {})
    if thread.id not in cache:
        cache[thread.id] = concerned_gemeente_ids(db.session(), thread)
    return cache[thread.id]  # type: ignore[no-any-return]


def _thread_member(user: User, thread: Any) -> bool:
    from peerreview.network.threads_models import ThreadState

    if thread.state is not ThreadState.TER_TOETSING:
        return False
    mine = {m.gemeente_id for m in user.working_memberships}
    return bool(mine & _thread_gemeenten(thread))


@rule("threads.list")
def _threads_list(user: User, _obj: None) -> bool:
    return network_participant(user)


@rule("threads.create")
def _threads_create(user: User, _obj: None) -> bool:
    return _analyst(user)


@rule("threads.view")
def _threads_view(user: User, thread: Any) -> bool:
    """Analysts always; the gemeenten concerned while it is ter toetsing; every participant once settled."""
    from peerreview.network.threads_models import ThreadState

    if _analyst(user):
        return True
    if thread.state is ThreadState.VASTGESTELD:
        return network_participant(user)
    return _thread_member(user, thread)


@rule("threads.edit")
def _threads_edit(user: User, thread: Any) -> bool:
    """Text, evidence and state: analysts, until the thread is settled."""
    from peerreview.network.threads_models import ThreadState

    return _analyst(user) and thread.state is not ThreadState.VASTGESTELD


@rule("threads.respond")
def _threads_respond(user: User, thread: Any) -> bool:
    """*Herkennen wij (niet)*: the coordinators and writers of a gemeente concerned, while ter toetsing."""
    if not _thread_member(user, thread):
        return False
    return any(user.role_in(gid) in _WRITERS for gid in _thread_gemeenten(thread))


@rule("report.view")
def _report_view(user: User, _obj: None) -> bool:
    return network_participant(user)


@rule("report.generate")
def _report_generate(user: User, _obj: None) -> bool:
    return _analyst(user)


# --- the reflectie: comments on the concept, answers, the definitive portret (reflectie/) ----------------

_ANSWERED_STATES = (VisitatieState.REFLECTIE, VisitatieState.DEFINITIEF)


def _released(visitatie: Visitatie) -> bool:
    from peerreview.portret.models import Portret

    return (
        db.session().scalar(
            select(Portret.id).where(Portret.visitatie_id == visitatie.id, Portret.released_version.is_not(None))
        )
        is not None
    )


@rule("reflectie.comment")
def _reflectie_comment(user: User, visitatie: Visitatie) -> bool:
    """The gemeente (every member) comments on the released concept; the deadline is checked with a message."""
    return (
        user.role_in(visitatie.gemeente_id) is not None
        and visitatie.state is VisitatieState.PORTRET_CONCEPT
        and _released(visitatie)
    )


@rule("reflectie.coordinate")
def _reflectie_coordinate(user: User, visitatie: Visitatie) -> bool:
    """See every comment, merge duplicates, send the response, hand out personal links: the coordinator."""
    return _reflectie_comment(user, visitatie) and user.role_in(visitatie.gemeente_id) is MembershipRole.COORDINATOR


@rule("reflectie.log")
def _reflectie_log(user: User, visitatie: Visitatie) -> bool:
    """The sent response with the team's answers: the team, round staff and the gemeente."""
    return visitatie.state in _ANSWERED_STATES and (
        _reviewer(user, visitatie) or _round_staff(user) or user.role_in(visitatie.gemeente_id) is not None
    )


@rule("reflectie.answer")
def _reflectie_answer(user: User, visitatie: Visitatie) -> bool:
    return visitatie.state is VisitatieState.REFLECTIE and (_reviewer(user, visitatie) or _round_staff(user))


@rule("reflectie.deadline")
def _reflectie_deadline(user: User, visitatie: Visitatie) -> bool:
    return visitatie.state in (VisitatieState.VISITATIE, VisitatieState.PORTRET_CONCEPT) and (
        _lead(user, visitatie) or _round_staff(user)
    )


@rule("reflectie.propose")
def _reflectie_propose(user: User, visitatie: Visitatie) -> bool:
    return visitatie.state is VisitatieState.REFLECTIE and (_lead(user, visitatie) or _round_staff(user))


@rule("reflectie.adopt")
def _reflectie_adopt(user: User, visitatie: Visitatie) -> bool:
    return (
        visitatie.state is VisitatieState.REFLECTIE
        and user.role_in(visitatie.gemeente_id) is MembershipRole.COORDINATOR
    )


# --- the verbeteragenda (agenda/) -------------------------------------------------------------------------
# The agenda answers the adopted portret: it opens once the visitatie is definitief (the portret is adopted,
# its development points and the reflectiesessie's improvement points are final). Before that the points
# may still change, and a plan built on a concept would have to be redone.


def _agenda_open(visitatie: Visitatie) -> bool:
    return visitatie.state is VisitatieState.DEFINITIEF


def agenda_council(user: User, visitatie: Visitatie) -> bool:
    """Read-only council and rekenkamer access to the agenda: a member of the gemeente with the council role."""
    return council(user, visitatie.gemeente_id)


@rule("agenda.view")
def _agenda_view(user: User, visitatie: Visitatie) -> bool:
    """The agenda with its progress: the gemeente's members, the review team, round staff (and the council)."""
    return _agenda_open(visitatie) and (
        user.role_in(visitatie.gemeente_id) is not None
        or _reviewer(user, visitatie)
        or _round_staff(user)
        or agenda_council(user, visitatie)
    )


@rule("agenda.edit")
def _agenda_edit(user: User, visitatie: Visitatie) -> bool:
    """Action lines, parts, points, periods and every part's progress: the gemeente's coordinator."""
    return _agenda_open(visitatie) and user.role_in(visitatie.gemeente_id) is MembershipRole.COORDINATOR


@rule("agenda.share")
def _agenda_share(user: User, visitatie: Visitatie) -> bool:
    """Hand out (and revoke) read-only links for the gemeenteraad and rekenkamer: the gemeente's coordinator."""
    return _agenda_edit(user, visitatie)


@rule("agenda.report")
def _agenda_report(user: User, visitatie: Visitatie) -> bool:
    """The stand-van-zaken reports (HTML, PDF, DOCX) and the CSV of parts: whoever may read the agenda."""
    return _agenda_view(user, visitatie)


@rule("network.agendas")
def _network_agendas(user: User, _obj: None) -> bool:
    """What gemeenten work on by theme and how far they got: analysts, round coordinators and admins."""
    return user.has_network_role(NetworkRole.ADMIN, NetworkRole.ROUND_COORDINATOR, NetworkRole.ANALYST)


@rule("agenda.progress")
def _agenda_progress(user: User, part: Any) -> bool:
    """The stand van zaken of one part: the coordinator, or the member who owns the part."""
    visitatie = part.action_line.agenda.visitatie
    if not _agenda_open(visitatie):
        return False
    role = user.role_in(part.gemeente_id)
    return role is MembershipRole.COORDINATOR or (role is not None and part.owner_user_id == user.id)


# --- the national network (issue 11) ---------------------------------------------------------------------
# What the network may read of a visitatie is decided once, when the passage index is built
# (``peerreview.network.indexer``: each passage gets its ``Audience``); which audiences a user belongs to is
# decided here. The network's screens filter by ``audiences(user)`` in their SQL, never after the query.


def audiences(user: User | None) -> tuple[Audience, ...]:
    """The audiences whose passages ``user`` may read: anyone the *openbaar* ones; every participant of the
    network also the *netwerk* ones; analysts, round coordinators and admins also the released review
    material of portretten that are not (yet) definitive and published, shown marked *concept*."""
    if user is None or not user.is_authenticated:
        return (Audience.OPENBAAR,)
    if user.has_network_role(NetworkRole.ADMIN, NetworkRole.ROUND_COORDINATOR, NetworkRole.ANALYST):
        return (Audience.OPENBAAR, Audience.NETWERK, Audience.CONCEPT)
    if network_participant(user):
        return (Audience.OPENBAAR, Audience.NETWERK)
    return (Audience.OPENBAAR,)


@rule("network.view", anonymous=True)
def _network_view(user: User | None, _obj: None) -> bool:
    """The network's screens (matrix, library, figures, search, threads): every participant of the network,
    and visitors without an account, who see only what was published *openbaar* (``audiences``)."""
    return user is None or network_participant(user)


@rule("lenses.code")
def _lenses_code(user: User, passage: Any) -> bool:
    """Apply lens codes (Jeugdwet goals, steering, toetsstenen) to a passage of the network: analysts, round
    coordinators and admins, on a passage they may read."""
    return user.has_network_role(NetworkRole.ADMIN, NetworkRole.ROUND_COORDINATOR, NetworkRole.ANALYST) and (
        passage.audience in audiences(user)
    )
