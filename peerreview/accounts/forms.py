from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from peerreview.accounts.models import MEMBERSHIP_LABELS, NETWORK_LABELS


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


REQUIRED_EMAIL = [
    DataRequired("Vul je e-mailadres in."),
    Email("Vul een geldig e-mailadres in, bijvoorbeeld naam@gemeente.nl."),
]


class LoginForm(FlaskForm):
    email = EmailField(
        "E-mailadres", validators=REQUIRED_EMAIL, filters=[strip], render_kw={"autocomplete": "username"}
    )
    password = PasswordField(
        "Wachtwoord", validators=[DataRequired("Vul je wachtwoord in.")], render_kw={"autocomplete": "current-password"}
    )


class SecondFactorForm(FlaskForm):
    code = StringField(
        "Code uit je authenticator-app of een herstelcode",
        validators=[DataRequired("Vul de code in.")],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
    )


class EnableTwoFactorForm(FlaskForm):
    code = StringField(
        "Code van zes cijfers uit je authenticator-app",
        validators=[DataRequired("Vul de code van zes cijfers in.")],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "Nieuw wachtwoord",
        validators=[DataRequired("Kies een wachtwoord.")],
        description="Minstens 12 tekens. Een zin van een paar woorden werkt goed.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Herhaal het wachtwoord",
        validators=[
            DataRequired("Herhaal het wachtwoord."),
            EqualTo("password", "De twee wachtwoorden zijn niet gelijk."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        "Huidig wachtwoord",
        validators=[DataRequired("Vul je huidige wachtwoord in.")],
        render_kw={"autocomplete": "current-password"},
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "E-mailadres", validators=REQUIRED_EMAIL, filters=[strip], render_kw={"autocomplete": "username"}
    )


class AcceptInvitationForm(NewPasswordForm):
    name = StringField(
        "Je naam",
        validators=[DataRequired("Vul je naam in."), Length(max=120, message="Gebruik hoogstens 120 tekens.")],
        description="Zo zien collega's en reviewers je in de applicatie.",
        render_kw={"autocomplete": "name"},
    )


class InviteMemberForm(FlaskForm):
    email = EmailField("E-mailadres", validators=REQUIRED_EMAIL, filters=[strip])
    role = SelectField(
        "Rol", choices=[SelectChoice(k.value, v) for k, v in MEMBERSHIP_LABELS.items()], default="contributor"
    )


class InviteAnyMemberForm(InviteMemberForm):
    gemeente = SelectField("Gemeente", choices=[])


class InviteNetworkForm(FlaskForm):
    email = EmailField("E-mailadres", validators=REQUIRED_EMAIL, filters=[strip])
    role = SelectField("Rol", choices=[SelectChoice(k.value, v) for k, v in NETWORK_LABELS.items()])


class MembershipRoleForm(FlaskForm):
    role = SelectField("Rol", choices=[SelectChoice(k.value, v) for k, v in MEMBERSHIP_LABELS.items()])


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token, for buttons that confirm an action."""
