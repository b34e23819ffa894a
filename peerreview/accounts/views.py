from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from peerreview import db
from peerreview.accounts import auth, forms, services
from peerreview.accounts.models import User

bp = Blueprint("accounts", __name__)
PENDING_LOGIN_SECONDS = 300


def _safe_next(target: str | None) -> str:
    return auth.safe_next(target) or url_for("home.index")


def _start_session(user: User) -> None:
    session.clear()
    login_user(user)
    session.permanent = True
    session["last_seen"] = int(time.time())


def invite_from_form(form: forms.InviteMemberForm | forms.InviteNetworkForm, **target: object) -> bool:
    """Send the invitation a valid form asks for; on refusal the reason goes on the e-mail field."""
    s = db.session()
    try:
        services.invite(s, current_user, form.email.data, **target)  # type: ignore[arg-type]
    except services.AccountError as error:
        form.email.errors = [str(error)]
        return False
    flash(f"Uitnodiging verstuurd naar {form.email.data}.", "success")
    return True


def _address() -> str:
    return request.remote_addr or "onbekend"


@bp.route("/inloggen", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = forms.LoginForm()
    status = 200
    if form.validate_on_submit():
        s = db.session()
        result = services.authenticate(s, form.email.data, form.password.data, _address())
        if result.blocked_minutes:
            form.form_errors.append(
                "Te veel mislukte inlogpogingen. Wacht "
                f"{result.blocked_minutes} {'minuut' if result.blocked_minutes == 1 else 'minuten'} "
                "en probeer het dan opnieuw, of stel een nieuw wachtwoord in via ‘Wachtwoord vergeten’."
            )
            status = 429
        elif result.user is None:
            form.form_errors.append(
                "Dit e-mailadres en wachtwoord horen niet bij elkaar. Controleer ze en probeer het opnieuw."
            )
        elif result.user.two_factor_enabled:
            session["pending_login"] = {
                "uid": result.user.id,
                "token": result.user.session_token,
                "at": int(time.time()),
                "next": auth.safe_next(request.args.get("next")),
            }
            return redirect(url_for("accounts.second_factor"))
        else:
            _start_session(result.user)
            services.complete_login(s, result.user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form), status


@bp.route("/login")
def login_alias() -> Response:
    """The English address people (and tools) try first."""
    args: dict[str, Any] = request.args.to_dict()
    return redirect(url_for("accounts.login", **args))


@bp.route("/inloggen/tweestaps", methods=["GET", "POST"])
def second_factor() -> Response | str | tuple[str, int]:
    pending: dict[str, Any] = session.get("pending_login") or {}
    s = db.session()
    user = s.get(User, pending["uid"]) if pending else None
    if (
        user is None
        or user.session_token != pending["token"]
        or time.time() - pending["at"] > PENDING_LOGIN_SECONDS
        or not user.two_factor_enabled
    ):
        session.pop("pending_login", None)
        flash("Je inlogpoging is verlopen. Log opnieuw in.", "info")
        return redirect(url_for("accounts.login"))
    form = forms.SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        if minutes := services.blocked_minutes(s, user.email, _address()):
            form.form_errors.append(
                f"Te veel mislukte pogingen. Wacht {minutes} {'minuut' if minutes == 1 else 'minuten'} "
                "en probeer het dan opnieuw."
            )
            status = 429
        elif services.verify_second_factor(s, user, form.code.data):
            services.record_attempt(s, user.email, _address(), succeeded=True, user=user)
            _start_session(user)
            services.complete_login(s, user)
            return redirect(_safe_next(pending.get("next")))
        else:
            services.record_attempt(s, user.email, _address(), succeeded=False, user=user)
            form.code.errors = ["Deze code klopt niet of is al gebruikt. Probeer de volgende code uit je app."]
    return render_template("accounts/second_factor.html", form=form), status


@bp.route("/uitloggen", methods=["POST"])
@login_required
def logout() -> Response:
    """End every session of this user, copied cookies included.

    The logout form also clears this app's unsaved drafts from the browser (static/app.js)."""
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    services.logout(db.session(), current_user)
    logout_user()
    session.clear()
    flash("Je bent uitgelogd, ook op andere apparaten waar je nog ingelogd was.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile() -> Response | str:
    form = forms.ChangePasswordForm()
    s = db.session()
    if form.validate_on_submit():
        if not auth.check_password(current_user, form.current.data):
            form.current.errors = ["Je huidige wachtwoord klopt niet."]
        else:
            try:
                services.change_password(s, current_user, form.password.data)
            except services.AccountError as error:
                form.password.errors = [str(error)]
            else:
                _start_session(current_user)
                flash("Je wachtwoord is gewijzigd. Andere sessies zijn uitgelogd.", "success")
                return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/profile.html", form=form, recovery_left=services.unused_recovery_codes(s, current_user)
    )


@bp.route("/account/tweestaps", methods=["GET", "POST"])
@login_required
def two_factor_setup() -> Response | str:
    if current_user.two_factor_enabled:
        return redirect(url_for("accounts.profile"))
    secret = session.get("totp_setup") or auth.new_totp_secret()
    session["totp_setup"] = secret
    form = forms.EnableTwoFactorForm()
    if form.validate_on_submit():
        s = db.session()
        try:
            codes = services.enable_two_factor(s, current_user, secret, form.code.data)
        except services.AccountError as error:
            form.code.errors = [str(error)]
        else:
            session.pop("totp_setup")
            return render_template("accounts/recovery_codes.html", codes=codes, new=True)
    uri = auth.totp_uri(secret, current_user.email)
    return render_template(
        "accounts/two_factor_setup.html",
        form=form,
        secret=secret,
        qr=Markup(auth.totp_qr_svg(uri)),  # noqa: S704
    )


@bp.route("/account/herstelcodes", methods=["POST"])
@login_required
def new_recovery_codes() -> str:
    if not current_user.two_factor_enabled:
        abort(404)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    codes = services.replace_recovery_codes(db.session(), current_user)
    return render_template("accounts/recovery_codes.html", codes=codes, new=False)


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
def forgot_password() -> Response | str | tuple[str, int]:
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        if minutes := services.request_password_reset(db.session(), form.email.data, _address()):
            form.form_errors.append(
                "Er is voor dit e-mailadres of vanaf deze verbinding net al een paar keer een nieuw wachtwoord "
                "aangevraagd. Als het adres bij ons bekend is, blijft de laatst verstuurde link geldig. "
                f"Wacht {minutes} {'minuut' if minutes == 1 else 'minuten'} als je een nieuwe link wilt."
            )
            return render_template("accounts/forgot_password.html", form=form), 429
        flash(
            "Als dit e-mailadres bij ons bekend is, ontvang je binnen enkele minuten een e-mail met een link "
            "om een nieuw wachtwoord in te stellen. Kijk ook in je map met ongewenste e-mail.",
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Response | str | tuple[str, int]:
    user = auth.user_for_reset_token(token)
    if user is None:
        return render_template("accounts/link_invalid.html", what="herstellink"), 404
    form = forms.NewPasswordForm()
    if form.validate_on_submit():
        s = db.session()
        try:
            services.change_password(s, user, form.password.data)
        except services.AccountError as error:
            form.password.errors = [str(error)]
        else:
            flash("Je nieuwe wachtwoord is ingesteld. Log in met je nieuwe wachtwoord.", "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, user=user)


@bp.route("/uitnodiging/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> Response | str | tuple[str, int]:
    s = db.session()
    invitation = services.open_invitation(s, token)
    if invitation is None:
        return render_template("accounts/link_invalid.html", what="uitnodiging"), 404
    existing = services.user_by_email(s, invitation.email)
    if existing is not None:
        if not current_user.is_authenticated or current_user.id != existing.id:
            return render_template("accounts/invitation_login.html", invitation=invitation, token=token)
        form = forms.ConfirmForm()
        if form.validate_on_submit():
            services.accept_invitation(s, invitation, current_user)
            flash(f"Je hebt de uitnodiging geaccepteerd: {invitation.role_label}.", "success")
            return redirect(url_for("home.index"))
        return render_template("accounts/invitation_accept.html", invitation=invitation, form=form)
    form = forms.AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = services.create_user_from_invitation(s, invitation, form.name.data, form.password.data)
        except services.AccountError as error:
            form.password.errors = [str(error)]
        else:
            _start_session(user)
            flash("Welkom! Je account is aangemaakt.", "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/invitation_new.html", invitation=invitation, form=form)
