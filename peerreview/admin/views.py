from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from peerreview import access, db
from peerreview.accounts import forms, services
from peerreview.accounts.models import Membership, MembershipRole, NetworkRole, User
from peerreview.accounts.views import invite_from_form
from peerreview.tenants.models import Gemeente

bp = Blueprint("admin", __name__, url_prefix="/beheer")


@bp.before_request
@login_required
def _admins_only() -> None:
    access.require("network.admin")


def _render_users(
    network_form: forms.InviteNetworkForm | None = None, member_form: forms.InviteAnyMemberForm | None = None
) -> str:
    s = db.session()
    gemeenten = s.scalars(select(Gemeente).order_by(Gemeente.name)).all()
    search = request.args.get("zoek", "").strip()
    users = select(User).options(selectinload(User.memberships), selectinload(User.network_roles)).order_by(User.name)
    if search:
        pattern = f"%{search.lower()}%"
        in_gemeente = select(Membership.user_id).join(Gemeente).where(Gemeente.name.ilike(pattern))
        users = users.where(or_(User.name.ilike(pattern), User.email.ilike(pattern), User.id.in_(in_gemeente)))
    member_form = member_form or forms.InviteAnyMemberForm(formdata=None)
    member_form.gemeente.choices = [SelectChoice(g.slug, g.name) for g in gemeenten]
    return render_template(
        "admin/users.html",
        users=s.scalars(users).all(),
        search=search,
        network_form=network_form or forms.InviteNetworkForm(formdata=None),
        member_form=member_form,
        role_form=forms.ConfirmForm(),
        roles=list(NetworkRole),
    )


@bp.route("/gebruikers")
def users() -> str:
    return _render_users()


@bp.route("/uitnodigen/netwerk", methods=["POST"])
def invite_network() -> Response | tuple[str, int]:
    form = forms.InviteNetworkForm()
    if form.validate_on_submit() and invite_from_form(form, network_role=NetworkRole(form.role.data)):
        return redirect(url_for("admin.users"))
    return _render_users(network_form=form), 422


@bp.route("/uitnodigen/gemeente", methods=["POST"])
def invite_member() -> Response | tuple[str, int]:
    s = db.session()
    form = forms.InviteAnyMemberForm()
    form.gemeente.choices = [SelectChoice(g.slug, g.name) for g in s.scalars(select(Gemeente).order_by(Gemeente.name))]
    if form.validate_on_submit() and invite_from_form(
        form,
        gemeente=s.scalar(select(Gemeente).where(Gemeente.slug == form.gemeente.data)),
        membership_role=MembershipRole(form.role.data),
    ):
        return redirect(url_for("admin.users"))
    return _render_users(member_form=form), 422


@bp.route("/gebruikers/<int:user_id>/rollen/<role>", methods=["POST"])
def toggle_network_role(user_id: int, role: str) -> Response:
    s = db.session()
    user = s.get(User, user_id)
    if user is None or role not in {r.value for r in NetworkRole}:
        abort(404)
    network_role = NetworkRole(role)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        try:
            if user.has_network_role(network_role):
                services.revoke_network_role(s, current_user, user, network_role)
                message = f"{user.name} heeft de rol {network_role.label} niet meer."
            else:
                services.grant_network_role(s, current_user, user, network_role)
                message = f"{user.name} heeft nu de rol {network_role.label}."
        except services.AccountError as error:
            flash(str(error), "error")
        else:
            flash(message, "success")
    return redirect(url_for("admin.users"))


@bp.route("/gebruikers/<int:user_id>/blokkeren", methods=["POST"])
def toggle_blocked(user_id: int) -> Response:
    """Block an account (it cannot log in and every session of it ends at once) or unblock it."""
    s = db.session()
    user = s.get(User, user_id)
    if user is None:
        abort(404)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        block = user.active
        try:
            services.set_blocked(s, current_user, user, blocked=block)
        except services.AccountError as error:
            flash(str(error), "error")
        else:
            flash(
                f"{user.name} is geblokkeerd en overal uitgelogd." if block else f"{user.name} kan weer inloggen.",
                "success",
            )
    return redirect(url_for("admin.users"))
