"""The portret's document (its sections, figures and provenance) as HTML, rendered once per version.

Rendering the review team's view of a full portret (about 170 KB: every section, every figure table,
a link for each of several hundred provenance items) takes tens of milliseconds of CPU, the bulk of
the portret page. A version never changes: an edit makes a new version with a new checksum (see
``services.save_section``). So the rendered fragment is kept in this process's memory, keyed by
everything it depends on: the version (id and checksum of its content), the visitatie and gemeente
(the provenance links), the view (team or gemeente, editable or not, links into the zelfevaluatie
or not) and the URL prefix the app is mounted under. The rest of the page (navigation, state, actions,
the user) is rendered per request.

Each worker keeps at most ``MAX_ENTRIES`` fragments (a few MB); the least recently shown goes first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from flask import get_template_attribute, request
from markupsafe import Markup

from peerreview.portret import skeleton
from peerreview.portret.models import PortretVersion
from peerreview.rounds.models import Visitatie

MAX_ENTRIES = 32

_fragments: OrderedDict[Hashable, Markup] = OrderedDict()
_lock = threading.Lock()


def document_html(
    visitatie: Visitatie, version: PortretVersion, *, team: bool, editable: bool, links: bool = False
) -> Markup:
    """``portret/_document.html``'s ``document`` macro for this version, from memory when rendered before."""
    key = (
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
    with _lock:
        cached = _fragments.get(key)
        if cached is not None:
            _fragments.move_to_end(key)
            return cached
    macro = get_template_attribute("portret/_document.html", "document")
    # A macro of an autoescaping template returns Markup: the sections' HTML went through clean_html.
    html: Markup = macro(
        visitatie,
        version,
        skeleton.load(int(version.content.get("skeleton", 1))),
        team=team,
        editable=editable,
        links=links,
    )
    with _lock:
        _fragments[key] = html
        while len(_fragments) > MAX_ENTRIES:
            _fragments.popitem(last=False)
    return html
