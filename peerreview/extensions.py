"""Unbound Flask extensions, initialised in ``create_app``."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Log in om deze pagina te bekijken."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"
