"""PDF rendering with WeasyPrint; it may only read our own static files (no local files, no network).

WeasyPrint 70 fetches every stylesheet, image and font through a ``weasyprint.urls.URLFetcher``.
:class:`StaticFetcher` replaces its ``fetch``: a URL is served only if it is a ``file:`` URL of a file
inside ``peerreview/static`` (relative URLs such as ``app.css`` resolve there, through ``base_url``),
read by us; ``http(s):``, ``data:``, ``ftp:``, other local files and any ``..`` segment (also
percent-encoded) are refused before anything is opened. WeasyPrint logs a refused resource and
renders without it; the rendering itself never fails because of user content.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from peerreview.config import ROOT

STATIC = (ROOT / "peerreview" / "static").resolve()


class RefusedURL(ValueError):
    """A PDF tried to load something other than one of our static files."""


def static_path(url: str) -> Path:
    """The static file ``url`` points to, or :class:`RefusedURL`."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise RefusedURL(f"PDF rendering may not fetch {url[:200]}")
    raw = unquote(parts.path)
    if "\\" in raw or "\x00" in raw or any(segment in ("..", ".") for segment in raw.split("/")):
        raise RefusedURL(f"PDF rendering may not fetch {url[:200]}")
    path = Path(raw).resolve()
    if not path.is_relative_to(STATIC) or not path.is_file():
        raise RefusedURL(f"PDF rendering may not fetch {url[:200]}")
    return path


class StaticFetcher(URLFetcher):
    """Serves our own static files and refuses everything else; keeps what it served and refused."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=False)
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        try:
            path = static_path(url)
        except RefusedURL:
            self.refused.append(url)
            raise
        self.served.append(path.relative_to(STATIC).as_posix())
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mimetype})

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
        """Never the urllib opener of the base class: every fetch goes through :meth:`fetch`."""
        return self.fetch(url if isinstance(url, str) else url.full_url)


OPTIONS = {"pdf_variant": "pdf/ua-1"}


def render_document(html: str, fetcher: StaticFetcher | None = None) -> Any:
    """The laid-out document (pages and boxes), as :func:`render_pdf` writes it."""
    from weasyprint import HTML

    page = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=fetcher or StaticFetcher())
    return page.render(**OPTIONS)


def render_pdf(html: str, fetcher: StaticFetcher | None = None) -> bytes:
    return render_document(html, fetcher).write_pdf(**OPTIONS)  # type: ignore[no-any-return]
