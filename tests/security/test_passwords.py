"""Common and breached passwords are refused with a Dutch reason (zxcvbn's local lists, no network)."""

import socket

import pytest

from peerreview.accounts.auth import password_problem
from tests.factories import PASSWORD
from tests.security._accounts import login

COMMON = [
    "password1234",
    "Password1234",
    "qwertyuiop123",
    "123456789012",
    "iloveyou1234",
    "1q2w3e4r5t6y",
    "wachtwoord123",
    "Welkom123456",
    "abcdefghijkl",
    "zaq12wsxcde3",
    "passwordpassword",
    "aaaaaaaaaaab",
    "jennifer1234",
]
GOOD = ["paarse olifanten dansen samba", "fiets-onder-de-brug-Zwolle-79", "kR7#vQ2!mZ9@pL4x"]
REFUSED = "Dit wachtwoord is te makkelijk te raden"


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the password check must not use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.parametrize("password", COMMON)
def test_common_and_breached_passwords_are_refused(app, no_network, password):
    with app.app_context():
        problem = password_problem(password, "lid@example.nl")
    assert problem is not None
    assert problem.startswith(("Dit wachtwoord", "Kies een wachtwoord"))


@pytest.mark.parametrize("password", GOOD)
def test_long_unusual_passwords_are_accepted(app, no_network, password):
    with app.app_context():
        assert password_problem(password, "lid@example.nl") is None


def test_a_password_made_of_the_users_own_name_and_address_is_refused(app):
    with app.app_context():
        for password in ("anoukaalbers", "Aalbers2024!", "deventer2024!"):
            assert password_problem(password, "anouk.aalbers@deventer.nl", "Anouk Aalbers") is not None
        # the same passwords for someone else are not built from their own words
        assert password_problem("Aalbers2024!", "lid@example.nl", "Bram de Vries") is None


def test_a_very_long_password_is_checked_quickly_and_refused_beyond_the_maximum(app):
    import time

    with app.app_context():
        started = time.perf_counter()
        assert password_problem("woorden " * 25, "lid@example.nl") is None  # 200 characters
        assert time.perf_counter() - started < 2
        assert "hoogstens 200 tekens" in password_problem("x" * 201 + "abcdef", "lid@example.nl")


def test_changing_to_a_breached_password_is_refused_in_dutch_and_the_old_one_keeps_working(client, make):
    make.user("lid@example.nl")
    login(client, "lid@example.nl")
    response = client.post_form(
        "/account", {"current": PASSWORD, "password": "password1234", "confirm": "password1234"}
    )
    assert response.status_code == 200
    assert REFUSED in response.text
    client.post_form("/uitloggen", token_from="/")
    assert login(client, "lid@example.nl").status_code == 302
