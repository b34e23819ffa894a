"""What a portret page derives from a version, kept in memory: the document (its sections, figures and
provenance) rendered as HTML, and the section editor's section.

Rendering the review team's view of a full portret (about 170 KB: every section, every figure table,
a link for each of several hundred provenance items) takes tens of milliseconds of CPU, the bulk of
the portret page. A version never changes: an edit makes a new version with a new checksum (see
``services.save_section``). So the rendered fragment is kept in this process's memory, keyed by
everything it depends on: the version (id and checksum of its content), the visitatie and gemeente
(the provenance links), the view (team or gemeente, editable or not, links into the zelfevaluatie
or not) and the URL prefix the app is mounted under. The rest of the page (navigation, state, actions,
the user) is rendered per request.

The section editor reads one section of a version's content (60-140 KB of JSON): it is kept the same way,
by version, checksum and section key, so the content is read and parsed once per version.

Each worker keeps at most ``MAX_ENTRIES`` entries (some 10 MB at most) in a ``FragmentCache``. What is kept
is shared by every reader who may see that version in that view: treat it as read-only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import get_template_attribute, request
from markupsafe import Markup

from peerreview.fragments import FragmentCache
from peerreview.portret import services, skeleton
from peerreview.portret.models import PortretVersion
from peerreview.rounds.models import Visitatie

MAX_ENTRIES = 64

_entries: FragmentCache[Any] = FragmentCache(MAX_ENTRIES)
T = TypeVar("T")


def remembered(key: Hashable, make: Callable[[], T]) -> T:
    """The value kept under ``key``, or ``make()``'s, then kept. ``key`` must name everything the value
    depends on."""
    return _entries.get(key, make)  # type: ignore[no-any-return]


def document_html(
    visitatie: Visitatie, version: PortretVersion, *, team: bool, editable: bool, links: bool = False
) -> Markup:
    """``portret/_document.html``'s ``document`` macro for this version, from memory when rendered before."""
    key = (
        "document",
        version.id,
        version.checksum,
        version.kind,
        visitatie.id,
        visitatie.gemeente.slug,
        team,
        editable,
        links,
        request.script_root,
    )
    # A macro of an autoescaping template returns Markup: the sections' HTML went through clean_html.
    html: Markup = remembered(
        key,
        lambda: get_template_attribute("portret/_document.html", "document")(
            visitatie,
            version,
            skeleton.load(int(version.content.get("skeleton", 1))),
            team=team,
            editable=editable,
            links=links,
        ),
    )
    return html


def section(version: PortretVersion, key: str) -> tuple[dict[str, Any] | None, str]:
    """The version's section ``key`` (None when it has none) and the portret's motto."""
    return remembered(
        ("section", version.id, version.checksum, key),
        lambda: (services.section_of(version.content, key), version.content.get("motto", "")),
    )
