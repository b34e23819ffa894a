"""Pages and downloads are never kept by a browser or proxy cache: every response except a static asset
says ``Cache-Control: no-store``."""

from __future__ import annotations

import pytest

from peerreview import CACHEABLE_ENDPOINTS


def _downloads(world) -> list[str]:
    v = world["visitatie"].id
    base = f"/visitaties/{v}/zelfevaluatie"
    return [
        f"{base}/export.json",
        f"{base}/export.csv",
        f"{base}/pdf",
        f"/visitaties/{v}/annotaties.jsonld",
        f"/visitaties/{v}/annotaties.csv",
    ]


def test_every_page_and_download_for_a_logged_in_user_is_no_store(client_for, plus_world):
    writer = client_for(plus_world["writer"])
    v = plus_world["visitatie"].id
    pages = ["/", "/account", f"/visitaties/{v}/zelfevaluatie", f"/visitaties/{v}/zelfevaluatie/lezen"]
    for url in [*pages, *_downloads(plus_world), "/bestaat-niet"]:
        response = writer.get(url)
        assert response.status_code in (200, 302, 404), url
        assert "no-store" in response.headers.get("Cache-Control", ""), url
    downloads = [writer.get(url) for url in _downloads(plus_world)]
    assert {r.mimetype for r in downloads} >= {"application/json", "text/csv", "application/pdf"}


@pytest.mark.parametrize("url", ["/inloggen", "/wachtwoord-vergeten", "/bestaat-niet"])
def test_anonymous_pages_are_no_store_too(client, url):
    assert client.get(url).headers["Cache-Control"] == "no-store"


def test_static_assets_stay_cacheable(client, client_for, plus_world):
    assert {"static", "review.theme_css"} == CACHEABLE_ENDPOINTS
    for c in (client, client_for(plus_world["writer"])):
        for url in ("/static/app.css", "/themas.css"):
            response = c.get(url)
            assert response.status_code == 200, url
            assert "no-store" not in response.headers.get("Cache-Control", ""), url
            response.close()


def test_every_get_route_of_the_url_map_is_no_store_for_a_logged_in_user(app, client_for, plus_world):
    from tests.security.test_case_reads import _urls, _values

    client = client_for(plus_world["lead"])
    values = _values(plus_world)
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in CACHEABLE_ENDPOINTS:
            continue
        for url in _urls(rule, values)[:1]:
            response = client.get(url)
            assert response.headers.get("Cache-Control") == "no-store", (
                f"{url}: {response.headers.get('Cache-Control')}"
            )
            checked += 1
    assert checked > 40
