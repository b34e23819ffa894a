"""The PDF renderer loads only our own static files: the app's CSS works, user content cannot reach
local files, the network or anything outside ``peerreview/static``."""

from __future__ import annotations

from typing import Any
from urllib import request

import pytest

from peerreview import pdf


def _box(document: Any, tag: str) -> Any:
    """The first laid-out box of element ``tag`` on the first page."""

    def walk(box: Any) -> Any:
        if getattr(box, "element_tag", None) == tag:
            return box
        for child in getattr(box, "children", []):
            found = walk(child)
            if found is not None:
                return found
        return None

    return walk(document.pages[0]._page_box)


def test_the_apps_own_css_loads_in_a_rendered_pdf() -> None:
    page = "<html><head>{}</head><body><h1>Titel</h1></body></html>"
    fetcher = pdf.StaticFetcher()
    styled = pdf.render_document(page.format('<link rel="stylesheet" href="app.css">'), fetcher)
    plain = pdf.render_document(page.format(""))
    assert fetcher.served == ["app.css"] and fetcher.refused == []
    # app.css sets h1 to 1.9rem (30.4px) where the default is 2em (32px)
    assert _box(styled, "h1").style["font_size"] == pytest.approx(30.4)
    assert _box(plain, "h1").style["font_size"] == pytest.approx(32)
    assert pdf.render_pdf(page.format('<link rel="stylesheet" href="app.css">')).startswith(b"%PDF")


HOSTILE = [
    "file:///etc/passwd",
    "file:///etc/hostname",
    "http://127.0.0.1:9/x.png",
    "https://example.org/x.css",
    "ftp://example.org/x.png",
    "data:image/svg+xml;base64,PHN2Zy8+",
    "../config.py",
    "../../pyproject.toml",
    "%2e%2e/config.py",
    "static/../../pyproject.toml",
    "app.css/../../config.py",
    "file://localhost/etc/passwd",
    "file://evil.example/share/x.png",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_file_http_data_and_dotdot_urls_in_user_content_are_refused_without_a_fetch(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Any] = []
    monkeypatch.setattr(request.OpenerDirector, "open", lambda self, *a, **k: opened.append(a))
    monkeypatch.setattr(request, "urlopen", lambda *a, **k: opened.append(a))
    fetcher = pdf.StaticFetcher()
    html = (
        f'<html><head><link rel="stylesheet" href="{url}"></head>'
        f'<body><p>Tekst</p><img src="{url}" alt="x"><p style="background: url({url})">x</p></body></html>'
    )
    assert pdf.render_pdf(html, fetcher).startswith(b"%PDF")  # rendering goes on without the resource
    assert fetcher.served == []
    assert len(fetcher.refused) >= 1
    assert opened == []


def test_static_path_accepts_only_files_inside_static() -> None:
    assert pdf.static_path((pdf.STATIC / "app.css").as_uri()) == pdf.STATIC / "app.css"
    for url in [pdf.STATIC.as_uri() + "/", pdf.STATIC.as_uri() + "/../config.py", pdf.STATIC.as_uri() + "/nope.css"]:
        with pytest.raises(pdf.RefusedURL):
            pdf.static_path(url)
