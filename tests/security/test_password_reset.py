"""Password reset: links on BASE_URL whatever the Host header, one valid link per account, rate limits."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from peerreview.accounts.models import NetworkRole, User
from peerreview.db import utcnow
from peerreview.mail.models import OutgoingMail
from tests.security._accounts import links_in, mails_to

BASE_URL = "https://visitaties.example.nl"
SAME_ANSWER = "Als dit e-mailadres bij ons bekend is, ontvang je binnen enkele minuten een e-mail"


@pytest.fixture
def config_overrides():
    # No SERVER_NAME, as in production: the app then answers any Host header, the attacker's included.
    return {"SERVER_NAME": None, "BASE_URL": BASE_URL}


def ask_reset(client, email, address="192.0.2.10", host="localhost"):
    base_url = f"http://{host}"
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/wachtwoord-vergeten", base_url=base_url).text
    ).group(1)
    return client.post(
        "/wachtwoord-vergeten",
        data={"csrf_token": token, "email": email},
        base_url=base_url,
        environ_base={"REMOTE_ADDR": address},
    )


def reset_link(mail):
    [link] = [link for link in links_in(mail) if "/wachtwoord-herstellen/" in link]
    return link


def test_the_reset_link_is_built_from_base_url_not_the_host_header(client, make, session):
    make.user("coordinator@gouda.demo")
    assert ask_reset(client, "coordinator@gouda.demo", host="evil.example").status_code == 302
    [mail] = mails_to(session, "coordinator@gouda.demo")
    assert "evil.example" not in mail.body_text + mail.body_html
    assert reset_link(mail).startswith(f"{BASE_URL}/wachtwoord-herstellen/")


def test_the_invitation_link_is_built_from_base_url_not_the_host_header(client_for, make, session):
    admin = make.user("beheer@example.nl", network_role=NetworkRole.ADMIN)
    client = client_for(admin)
    # the admin's browser, talking to the app under the attacker's Host name
    client.set_cookie("peerreview_session", client.get_cookie("peerreview_session").value, domain="evil.example")
    page = client.get("/beheer/gebruikers", base_url="http://evil.example").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/beheer/uitnodigen/netwerk",
        data={"csrf_token": token, "email": "nieuw@example.nl", "role": "analyst"},
        base_url="http://evil.example",
    )
    assert response.status_code == 302
    [mail] = mails_to(session, "nieuw@example.nl")
    assert "evil.example" not in mail.body_text + mail.body_html
    links = links_in(mail)
    assert links and all(urlsplit(link).netloc == "visitaties.example.nl" for link in links)


def test_a_new_reset_link_replaces_the_previous_one(client, make, session):
    make.user("lid@example.nl")
    ask_reset(client, "lid@example.nl")
    ask_reset(client, "lid@example.nl")
    first, second = (urlsplit(reset_link(mail)).path for mail in mails_to(session, "lid@example.nl"))
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_thirty_requests_in_a_burst_send_three_mails_and_leave_one_valid_link(client, make, session):
    make.user("lid@example.nl")
    statuses = [ask_reset(client, "lid@example.nl").status_code for _ in range(30)]
    assert statuses.count(302) == 3
    assert statuses.count(429) == 27
    links = [urlsplit(reset_link(mail)).path for mail in mails_to(session, "lid@example.nl")]
    assert len(links) == 3
    assert [client.get(link).status_code for link in links] == [404, 404, 200]


def test_the_account_limit_holds_from_other_addresses_too(client, make, session):
    make.user("lid@example.nl")
    for n in range(3):
        assert ask_reset(client, "lid@example.nl", address=f"198.51.100.{n}").status_code == 302
    response = ask_reset(client, "lid@example.nl", address="203.0.113.77")
    assert response.status_code == 429
    assert "Wacht 15 minuten als je een nieuwe link wilt" in response.text
    assert len(mails_to(session, "lid@example.nl")) == 3


def test_one_address_asking_for_many_accounts_is_limited(client, make, session):
    for n in range(12):
        make.user(f"lid{n}@example.nl")
    statuses = [ask_reset(client, f"lid{n}@example.nl", address="192.0.2.99").status_code for n in range(12)]
    assert statuses == [302] * 10 + [429] * 2
    assert session.scalar(select(func.count()).select_from(OutgoingMail)) == 10
    assert ask_reset(client, "lid11@example.nl", address="192.0.2.100").status_code == 302  # another address


@pytest.mark.parametrize("config_overrides", [{"PASSWORD_RESET_MAX_PER_ACCOUNT": 1, "SERVER_NAME": None}])
def test_the_limits_are_configurable(client, make, session):
    make.user("lid@example.nl")
    assert ask_reset(client, "lid@example.nl").status_code == 302
    assert ask_reset(client, "lid@example.nl").status_code == 429


def test_the_answer_is_the_same_whether_the_account_exists_or_not(client, make, session):
    make.user("lid@example.nl")

    def answer(email, address):
        response = ask_reset(client, email, address=address)
        page = client.get(response.headers["Location"]).text
        return response.status_code, re.sub(r'value="[^"]+"', "", page)

    assert answer("lid@example.nl", "192.0.2.1") == answer("niemand@example.nl", "192.0.2.2")
    assert SAME_ANSWER in answer("nogeen@example.nl", "192.0.2.3")[1]
    # the limit, too, counts the e-mail address whether or not it has an account
    for _ in range(2):
        ask_reset(client, "niemand@example.nl", address="192.0.2.4")
        ask_reset(client, "lid@example.nl", address="192.0.2.4")
    limited = [ask_reset(client, email, address="192.0.2.5") for email in ("lid@example.nl", "niemand@example.nl")]
    assert [r.status_code for r in limited] == [429, 429]
    assert re.sub(r'value="[^"]+"', "", limited[0].text).replace("lid@example.nl", "") == re.sub(
        r'value="[^"]+"', "", limited[1].text
    ).replace("niemand@example.nl", "")


def test_an_expired_link_is_refused(client, make, session):
    user = make.user("lid@example.nl")
    ask_reset(client, "lid@example.nl")
    link = urlsplit(reset_link(mails_to(session, "lid@example.nl")[0])).path
    session.expire_all()
    session.get(User, user.id).password_reset_expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert client.get(link).status_code == 404


def test_using_the_link_ends_it_and_every_session(client, client_for, make, session):
    user = make.user("lid@example.nl")
    other_device = client_for(user)
    ask_reset(client, "lid@example.nl")
    link = urlsplit(reset_link(mails_to(session, "lid@example.nl")[0])).path
    new = "paarse olifanten dansen samba"
    assert client.post_form(link, {"password": new, "confirm": new}).status_code == 302
    assert client.get(link).status_code == 404
    assert other_device.get("/").status_code == 302
