"""After login, ``next`` only leads to a path on this site; anything else goes home, never to a 500."""

from urllib.parse import quote, urlsplit

import pyotp
import pytest

from peerreview.accounts.auth import safe_next
from tests.factories import PASSWORD

# Each decodes (once, as request.args does) to something a browser would take off-site, or that
# cannot go in a Location header.
HOSTILE = [
    "//evil.example/",
    "///evil.example/",
    "////evil.example",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r\n/evil.example/",
    "/\r\nSet-Cookie: x=1",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    " /evil",
    "/ /evil.example",
    "/\x00/evil.example",
    "/\x0b/evil.example",
    "/\u2028/evil.example",
    "/\u3000/evil.example",
    "/\u200b/evil.example",
    "\x7f//evil.example",
    "",
    "/" + "a" * 3000,
]

SAFE = ["/", "/gemeenten/deventer", "/visitaties/3/zelfevaluatie?tab=2#q-1", "/zoek?q=a%2Fb", "/%2F%2Fevil.example"]


@pytest.mark.parametrize("target", HOSTILE)
def test_safe_next_refuses_anything_that_could_leave_the_site(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", SAFE)
def test_safe_next_keeps_local_paths(target):
    assert safe_next(target) == target


def login_with_next(client, raw_query_value):
    token = client.csrf("/inloggen")
    return client.post(
        f"/inloggen?next={raw_query_value}",
        data={"csrf_token": token, "email": "lid@example.nl", "password": PASSWORD},
    )


@pytest.mark.parametrize(
    "raw",
    [
        "/%09/evil.example/",
        "/%0d%0a/evil.example/",
        "/%0d%0aLocation:%20https://evil.example/",
        "//evil.example/",
        "/%5Cevil.example",
        "%2F%2Fevil.example",
        "https:%2F%2Fevil.example",
        "/%00/evil.example",
        "/%E2%80%A8/evil.example",
        "%ff%fe",
    ],
)
def test_login_with_a_hostile_next_goes_home(client, make, raw):
    make.user("lid@example.nl")
    response = login_with_next(client, raw)
    if "%00" in raw:  # a control character in any input is refused before the view runs: no redirect at all
        assert response.status_code == 422 and "Location" not in response.headers
        return
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/"


@pytest.mark.parametrize("target", HOSTILE[:12])
def test_every_hostile_payload_percent_encoded_goes_home(client, make, target):
    make.user("lid@example.nl")
    response = login_with_next(client, quote(target, safe=""))
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_with_a_local_next_goes_there(client, make):
    make.user("lid@example.nl")
    response = login_with_next(client, quote("/gemeenten/?a=1", safe="/"))
    assert response.headers["Location"] == "/gemeenten/?a=1"


def test_an_already_logged_in_user_with_a_hostile_next_goes_home(client, make):
    make.user("lid@example.nl")
    login_with_next(client, "/")
    response = client.get("/inloggen?next=/%09/evil.example/")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).netloc in ("", "localhost")
    assert response.headers["Location"] == "/"


def test_the_two_factor_step_keeps_only_a_safe_next(client, make, session):
    user = make.user("lid@example.nl")
    secret = pyotp.random_base32()
    user.totp_secret = secret
    session.commit()
    response = login_with_next(client, "/%09/evil.example/")
    assert response.headers["Location"].endswith("/inloggen/tweestaps")
    response = client.post_form("/inloggen/tweestaps", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
