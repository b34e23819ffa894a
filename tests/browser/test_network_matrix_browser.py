"""The theme matrix at 320 CSS pixels: the page itself never scrolls sideways; the table scrolls in its own
region, with the theme headers and the gemeente column staying in view (sticky)."""

from __future__ import annotations

from peerreview.accounts.models import NetworkRole
from peerreview.network.models import Audience
from tests.browser.test_selfeval_browser import TIMEOUT, log_in
from tests.functional.test_network_matrix import shared

WIDTH = 320


def test_the_matrix_fits_320_px_and_keeps_its_headers_in_view(page, app, session, make):
    analyst = make.user(network_role=NetworkRole.ANALYST)
    round_ = make.round("Landelijke ronde")
    for n in range(40):
        shared(app, session, make, f"Gemeente {n:02d}", (Audience.NETWERK, Audience.CONCEPT)[n % 2], round_)
    page.set_viewport_size({"width": WIDTH, "height": 700})
    log_in(page, analyst)
    response = page.goto("/netwerk/thema-matrix")
    assert response is not None and response.status == 200
    page.wait_for_load_state("load", timeout=TIMEOUT)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    region = page.locator(".matrix-scroll")
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert page.evaluate("(el) => el.scrollWidth > el.clientWidth", region.element_handle())
    first_header = page.locator("table.matrix tbody th").first
    theme_header = page.locator("table.matrix thead th").nth(3)
    before = first_header.bounding_box()
    head_before = theme_header.bounding_box()
    page.evaluate("(el) => { el.scrollLeft = 400; el.scrollTop = 600; }", region.element_handle())
    after = first_header.bounding_box()
    head_after = theme_header.bounding_box()
    region_box = region.bounding_box()
    assert before and after and head_before and head_after and region_box
    assert abs(after["x"] - before["x"]) < 2  # the gemeente column stays at the left edge
    assert head_after["y"] <= region_box["y"] + 2  # the theme headers stay at the top of the region
    assert head_after["x"] < head_before["x"]  # while the themes themselves scroll sideways
