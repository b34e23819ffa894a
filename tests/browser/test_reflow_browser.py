"""At 320 CSS pixels wide (WCAG 1.4.10 reflow) the page itself never scrolls sideways: text wraps, and a
table too wide for the screen scrolls inside its own region."""

from __future__ import annotations

from peerreview.accounts.models import MembershipRole
from peerreview.rounds.models import Variant
from tests.browser.test_portret_browser import with_draft
from tests.browser.test_selfeval_browser import TIMEOUT, log_in
from tests.factories import start_selfeval, visited

WIDTH = 320
PAGE_WIDTH = "document.documentElement.scrollWidth"


def fits(page, path: str) -> int:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    page.wait_for_load_state("load", timeout=TIMEOUT)
    return page.evaluate(PAGE_WIDTH)


def test_portret_editor_review_and_figures_pages_fit_320_px(page, app, session, make):
    world = visited(app, session, make)
    with_draft(app, session, world)
    zwolle = world["outsider"].memberships[0].gemeente
    editing = start_selfeval(session, make.visitatie(zwolle), Variant.PLUS)
    writer = make.user(gemeente=zwolle, role=MembershipRole.CONTRIBUTOR)
    session.commit()
    page.set_viewport_size({"width": WIDTH, "height": 800})
    base = world["base"]

    log_in(page, world["lead"])
    for path in (
        f"{base}/portret",
        f"{base}/portret/secties/in_het_kort",
        f"{base}/review?onderdeel=alles",
        "/gemeenten/deventer/cijfers",
    ):
        assert fits(page, path) <= WIDTH, path
    assert page.locator(".table-scroll[tabindex='0'][role='region']").count() > 0  # wide tables scroll on their own

    page.goto("about:blank")
    page.context.clear_cookies()
    log_in(page, writer)
    for section in ("s1", "s2_1"):
        path = f"/visitaties/{editing.id}/zelfevaluatie/onderdelen/{section}"
        assert fits(page, path) <= WIDTH, path


def test_in_cijfers_and_kengetallen_fit_320_px(page, app, session, make):
    from peerreview.accounts.models import NetworkRole
    from tests.factories import indicator, with_key_figures

    deventer = make.gemeente("Deventer", regio="IJsselland")
    zwolle = make.gemeente("Zwolle", regio="IJsselland")
    with_key_figures(session, deventer, zwolle)
    long = "Een lange definitie die op een smal scherm over meerdere regels moet doorlopen, zonder dat de pagina breder wordt. "
    session.add_all([indicator(f"CONTEXT_{n:02d}", group="context", definition=long * 3) for n in range(12)])
    coordinator = make.user(gemeente=deventer, role=MembershipRole.COORDINATOR)
    analyst = make.user(network_role=NetworkRole.ANALYST)
    session.commit()
    page.set_viewport_size({"width": WIDTH, "height": 800})

    log_in(page, coordinator)
    assert fits(page, "/gemeenten/deventer/cijfers") <= WIDTH
    for name in ("Index berekenen", "Duiding schrijven"):  # the forms above the tables wrap inside the screen
        box = page.get_by_role("button", name=name).bounding_box()
        assert box is not None and box["x"] + box["width"] <= WIDTH, name
    select = page.get_by_label("Kengetal").bounding_box()
    assert select is not None and select["x"] + select["width"] <= WIDTH

    page.goto("about:blank")
    page.context.clear_cookies()
    log_in(page, analyst)
    for path in ("/kengetallen", "/kengetallen?onderdeel=context&pagina=2", "/gemeenten/deventer/cijfers"):
        assert fits(page, path) <= WIDTH, path
