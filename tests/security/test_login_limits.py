"""Login limits count per account and address: one address (a town hall's NAT) does not lock out everyone."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from peerreview.accounts.models import LoginAttempt
from tests.security._accounts import login

TOWN_HALL = "192.0.2.50"  # one NAT address for everyone in the building


def failures(session, emails, address):
    """Failed attempts as the login form records them (the form itself is slow: a hash per try)."""
    session.add_all(LoginAttempt(email=email, address=address, succeeded=False) for email in emails)
    session.commit()


def test_failures_with_made_up_accounts_do_not_block_a_colleague_behind_the_same_address(client, make, session):
    make.user("lid@gouda.nl")
    for n in range(3):
        assert login(client, f"verzonnen{n}@gouda.nl", "fout-fout-fout", address=TOWN_HALL).status_code == 200
    failures(session, [f"verzonnen{n}@gouda.nl" for n in range(3, 31)], TOWN_HALL)
    assert login(client, "lid@gouda.nl", address=TOWN_HALL).status_code == 302


def test_failures_on_one_account_do_not_block_another_account_behind_the_same_address(client, make):
    make.user("lid@gouda.nl")
    make.user("collega@gouda.nl")
    for _ in range(5):
        login(client, "lid@gouda.nl", "fout-fout-fout", address=TOWN_HALL)
    assert login(client, "lid@gouda.nl", address=TOWN_HALL).status_code == 429
    assert login(client, "collega@gouda.nl", address=TOWN_HALL).status_code == 302


def test_five_failures_lock_the_account_from_that_address_only(client, make):
    make.user("lid@gouda.nl")
    for _ in range(5):
        login(client, "lid@gouda.nl", "fout-fout-fout", address="203.0.113.5")
    response = login(client, "lid@gouda.nl", address="203.0.113.5")
    assert response.status_code == 429
    assert "Te veel mislukte inlogpogingen. Wacht 15 minuten" in response.text
    assert login(client, "lid@gouda.nl", address=TOWN_HALL).status_code == 302


@pytest.fixture
def config_overrides(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("config_overrides", [{"LOGIN_MAX_FAILURES_PER_ACCOUNT": 8}], indirect=True)
def test_guessing_one_password_from_many_addresses_is_limited_per_account(client, make):
    make.user("lid@gouda.nl")
    for n in range(8):
        login(client, "lid@gouda.nl", "fout-fout-fout", address=f"198.51.100.{n}")
    assert login(client, "lid@gouda.nl", address="198.51.100.200").status_code == 429


@pytest.mark.parametrize("config_overrides", [{"LOGIN_MAX_FAILURES_PER_ADDRESS": 20}], indirect=True)
def test_spraying_from_one_address_hits_the_ceiling_but_known_colleagues_still_log_in(client, make, session):
    make.user("bekend@gouda.nl")
    make.user("nieuw@gouda.nl")
    assert login(client, "bekend@gouda.nl", address=TOWN_HALL).status_code == 302  # logged in here before
    client.post_form("/uitloggen", token_from="/")
    failures(session, [f"gok{n}@gouda.nl" for n in range(20)], TOWN_HALL)
    assert login(client, "gok99@gouda.nl", "Welkom01!", address=TOWN_HALL).status_code == 429
    assert login(client, "nieuw@gouda.nl", address=TOWN_HALL).status_code == 429  # never logged in from here
    assert login(client, "bekend@gouda.nl", address=TOWN_HALL).status_code == 302
    assert login(client.application.test_client(), "nieuw@gouda.nl", address="203.0.113.9").status_code == 302


def test_old_failures_do_not_count(client, make, session):
    make.user("lid@gouda.nl")
    for _ in range(5):
        login(client, "lid@gouda.nl", "fout-fout-fout", address=TOWN_HALL)
    for attempt in session.scalars(select(LoginAttempt)):
        attempt.at -= timedelta(minutes=16)
    session.commit()
    assert login(client, "lid@gouda.nl", address=TOWN_HALL).status_code == 302
