"""Every demo role, every kind of page it reaches from its home: no serious or critical axe-core finding.

The demo is seeded into the test database; each role logs in through the form (the demo accounts need no
second factor) and follows the same-origin links from its home page, breadth first. Pages are grouped by
their Flask endpoint (``/gemeenten/deventer/cijfers`` and ``/gemeenten/utrecht/cijfers`` are one kind of
page), and each endpoint is checked once, by the first role that reaches it, so the run stays short.
axe-core comes from the ``axe-playwright-python`` package (requirements-dev.txt).
"""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from peerreview import demo
from tests.browser.test_selfeval_browser import TIMEOUT

# Each kind of demo account, with a text its home page shows (as tests/functional/test_demo.py).
ROLES = [
    "admin@netwerk.demo",
    "coordinator@netwerk.demo",
    "analist@netwerk.demo",
    "coordinator@deventer.demo",
    "invuller@peel-en-maas.demo",
    "coordinator@coevorden.demo",
    "invuller@arnhem.demo",
    "coordinator@apeldoorn.demo",  # a reviewer of Deventer
    "raad@peel-en-maas.demo",
]
PAGES_PER_ROLE = 25  # new kinds of page per role, at most
# Not pages to look at: logging out would end the crawl.
SKIPPED = {"accounts.logout", "static"}
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
}


@pytest.fixture
def seeded(app, session):
    with app.test_request_context():
        demo.seed(session)
        session.commit()
    return session


def _endpoint(adapter, path: str) -> str | None:
    try:
        endpoint, _args = adapter.match(path, method="GET")
    except RequestRedirect:
        return None
    except HTTPException:
        return None
    return str(endpoint)


def _log_in(page, email: str) -> None:
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(demo.PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/inloggen" not in url, timeout=TIMEOUT)


def test_every_page_of_every_demo_role_has_no_serious_axe_finding(page, app, seeded, live_server):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    adapter = app.url_map.bind("127.0.0.1")
    origin = urlsplit(live_server).netloc
    checked: dict[str, str] = {}  # endpoint -> the first path checked, by whom
    findings: list[str] = []
    broken: list[str] = []  # a link the app shows, or a resource a page loads, that does not open
    page.on("response", lambda r: broken.append(f"{r.url} on {page.url}: {r.status}") if r.status >= 400 else None)
    homes = 0
    for email in ROLES:
        _log_in(page, email)
        queue: deque[str] = deque([urlsplit(page.url).path or "/"])
        seen_here: set[str] = set()
        new_here = 0
        first = True
        while queue and new_here < PAGES_PER_ROLE:
            path = queue.popleft()
            endpoint = _endpoint(adapter, urlsplit(path).path)
            if endpoint is None or endpoint in SKIPPED or endpoint in seen_here:
                continue
            seen_here.add(endpoint)
            if endpoint in checked and not first:
                continue  # this kind of page was checked already (a home page is checked for every role)
            head = page.request.head(path)  # a download (PDF, CSV) is not a page: the browser would show it
            if "text/html" not in (head.headers.get("content-type") or ""):
                continue
            response = page.goto(path)
            assert response is not None, path  # goto waits for the load event
            if response.status == 200 and "/inloggen" not in page.url:
                results = axe.run(page, options=AXE_OPTIONS)
                for violation in results.response["violations"]:
                    if violation.get("impact") in ("serious", "critical"):
                        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
                        findings.append(f"{email} {path}: {violation['id']} ({violation['impact']}) at {targets}")
                checked.setdefault(endpoint, f"{path} ({email})")
                homes += first
                new_here += 1
            first = False
            for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
                url, _fragment = urldefrag(href)
                parts = urlsplit(url)
                if parts.netloc == origin and parts.scheme.startswith("http"):
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert homes == len(ROLES)  # every role logged in and its home page was checked
    assert len(checked) >= 40, sorted(checked)  # the crawl reached the app's pages, not just the homes
    assert broken == [], "\n".join(broken)
    assert findings == [], "\n".join(findings)
