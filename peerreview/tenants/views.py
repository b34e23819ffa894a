from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from peerreview import access, db
from peerreview.accounts import forms as account_forms
from peerreview.accounts import services as accounts
from peerreview.accounts.models import Invitation, Membership, MembershipRole
from peerreview.accounts.views import invite_from_form
from peerreview.db import utcnow
from peerreview.rounds.models import Visitatie
from peerreview.tenants.models import Gemeente

bp = Blueprint("tenants", __name__, url_prefix="/gemeenten")


def _gemeente(slug: str, action: str = "gemeente.view") -> Gemeente:
    gemeente = db.session().scalar(select(Gemeente).where(Gemeente.slug == slug))
    access.require(action, gemeente)
    assert gemeente is not None
    return gemeente


def _membership(gemeente: Gemeente, membership_id: int) -> Membership:
    membership = db.session().scalar(
        select(Membership).where(Membership.id == membership_id, Membership.gemeente_id == gemeente.id)
    )
    if membership is None:
        abort(404)
    return membership


@bp.route("/")
@login_required
def index() -> str:
    access.require("gemeente.list")
    gemeenten = db.session().scalars(select(Gemeente).order_by(Gemeente.name)).all()
    return render_template("tenants/index.html", gemeenten=gemeenten)


@bp.route("/<slug>")
@login_required
def show(slug: str) -> str:
    return _render_show(_gemeente(slug))


def _render_show(gemeente: Gemeente, invite_form: account_forms.InviteMemberForm | None = None) -> str:
    s = db.session()
    visitaties = s.scalars(
        select(Visitatie).where(Visitatie.gemeente_id == gemeente.id).order_by(Visitatie.created_at.desc())
    ).all()
    members = s.scalars(
        select(Membership).where(Membership.gemeente_id == gemeente.id).join(Membership.user).order_by("name")
    ).all()
    manage = access.can("gemeente.manage_members", gemeente)
    invitations = []
    if manage:
        invitations = [
            i
            for i in s.scalars(
                select(Invitation).where(Invitation.gemeente_id == gemeente.id).order_by(Invitation.created_at.desc())
            )
            if i.is_open(utcnow())
        ]
    return render_template(
        "tenants/show.html",
        gemeente=gemeente,
        visitaties=visitaties,
        members=members,
        manage=manage,
        invitations=invitations,
        invite_form=invite_form or account_forms.InviteMemberForm(formdata=None),
        role_form=account_forms.MembershipRoleForm(formdata=None),
        confirm_form=account_forms.ConfirmForm(),
    )


@bp.route("/<slug>/uitnodigen", methods=["POST"])
@login_required
def invite(slug: str) -> Response | tuple[str, int]:
    gemeente = _gemeente(slug, "gemeente.manage_members")
    form = account_forms.InviteMemberForm()
    if form.validate_on_submit() and invite_from_form(
        form, gemeente=gemeente, membership_role=MembershipRole(form.role.data)
    ):
        return redirect(url_for("tenants.show", slug=slug, _anchor="leden"))
    return _render_show(gemeente, form), 422


@bp.route("/<slug>/leden/<int:membership_id>/rol", methods=["POST"])
@login_required
def change_role(slug: str, membership_id: int) -> Response:
    gemeente = _gemeente(slug, "gemeente.manage_members")
    membership = _membership(gemeente, membership_id)
    form = account_forms.MembershipRoleForm()
    if form.validate_on_submit():
        s = db.session()
        try:
            accounts.change_membership_role(s, current_user, membership, MembershipRole(form.role.data))
        except accounts.AccountError as error:
            s.rollback()
            flash(str(error), "error")
        else:
            flash(f"De rol van {membership.user.name} is nu {membership.role.label}.", "success")
    return redirect(url_for("tenants.show", slug=slug, _anchor="leden"))


@bp.route("/<slug>/leden/<int:membership_id>/verwijderen", methods=["POST"])
@login_required
def remove_member(slug: str, membership_id: int) -> Response:
    gemeente = _gemeente(slug, "gemeente.manage_members")
    if not account_forms.ConfirmForm().validate_on_submit():
        abort(400)  # only the CSRF token; CSRFProtect answers a bad one first
    membership = _membership(gemeente, membership_id)
    s = db.session()
    name = membership.user.name
    try:
        accounts.remove_membership(s, current_user, membership)
    except accounts.AccountError as error:
        s.rollback()
        flash(str(error), "error")
    else:
        flash(f"{name} is geen lid meer van {gemeente.name}.", "success")
    return redirect(url_for("tenants.show", slug=slug, _anchor="leden"))


@bp.route("/<slug>/uitnodigingen/<int:invitation_id>/intrekken", methods=["POST"])
@login_required
def revoke_invitation(slug: str, invitation_id: int) -> Response:
    gemeente = _gemeente(slug, "gemeente.manage_members")
    if not account_forms.ConfirmForm().validate_on_submit():
        abort(400)  # only the CSRF token; CSRFProtect answers a bad one first
    s = db.session()
    invitation = s.scalar(
        select(Invitation).where(Invitation.id == invitation_id, Invitation.gemeente_id == gemeente.id)
    )
    if invitation is None:
        abort(404)
    accounts.revoke_invitation(s, current_user, invitation)
    flash(f"De uitnodiging voor {invitation.email} is ingetrokken.", "success")
    return redirect(url_for("tenants.show", slug=slug, _anchor="leden"))
