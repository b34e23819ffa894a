"""Browser tests: the app served on a free local port, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "allow_console_errors(*patterns): console errors matching one of these regular expressions are expected "
        "(a failed request the page handles, e.g. while offline)",
    )


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.real_commits)  # the live server's threads use their own connections
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason="Chromium is not installed (apt-get install -y chromium)"))


@pytest.fixture
def live_server(app) -> Iterator[str]:
    app.config.update(SERVER_NAME=None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def page(live_server, request) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        context = browser.new_context(base_url=live_server, locale="nl-NL")
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        yield page
        browser.close()
        marker = request.node.get_closest_marker("allow_console_errors")
        allowed = [re.compile(pattern) for pattern in (marker.args if marker else ())]
        errors = [e for e in errors if not any(pattern.search(e) for pattern in allowed)]
        assert errors == [], f"console errors: {errors}"
