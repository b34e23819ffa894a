"""PDF rendering with WeasyPrint; it may only read our own static files (no local files, no network)."""

from __future__ import annotations

from typing import Any

from peerreview.config import ROOT

STATIC = ROOT / "peerreview" / "static"


def _fetcher(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    from weasyprint.urls import default_url_fetcher

    prefix = "file://" + str(STATIC) + "/"
    if url.startswith(prefix) and ".." not in url:
        return default_url_fetcher(url, *args, **kwargs)  # type: ignore[no-any-return]
    raise ValueError(f"PDF rendering may not fetch {url}")


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(STATIC) + "/", url_fetcher=_fetcher)
    return document.write_pdf(pdf_variant="pdf/ua-1")  # type: ignore[no-any-return]
