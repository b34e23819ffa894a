"""Search everything the network may read (issue 11 item 5): the page and its CSV export.

Both ask ``search.search`` once; what the user may read is decided there, inside the query. A GET writes
nothing. Visitors without an account search the *openbaar* passages only (``network.view`` answers for
them too; ``access.audiences`` keeps them to openbaar).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Response, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from peerreview import access, csvfile, db
from peerreview.network import search
from peerreview.network.blueprint import bp
from peerreview.network.models import Audience, PassageKind
from peerreview.review import themes
from peerreview.rounds.models import Visitatie

FACET_TITLES = {
    "theme": "Thema",
    "kind": "Soort",
    "gemeente": "Gemeente",
    "province": "Provincie",
    "round": "Ronde",
}
FACET_ARGS = {"theme": "thema", "gemeente": "gemeente", "province": "provincie", "round": "ronde", "kind": "soort"}
LONG_FACET = 15  # a facet with more values than this (the gemeenten) is a select, not a list of links
SUGGESTIONS = ("wachtlijsten", "gezinnen", "huisartsen", "jongeren", "scholen", "samenwerking met onderwijs")
CSV_LIMIT = 5000


def _page_number() -> int:
    return min(search.number(request.args.get("pagina", "")) or 1, 100_000)


def _links(hits: list[search.Hit]) -> dict[int, str]:
    """Where each hit sits: the published portret (at its section), or, for concept material, the review's
    theme view when the user may open it. Passages without a place the user may open get no link."""
    links: dict[int, str] = {}
    concept_ids = {h.passage.visitatie_id for h in hits if h.concept}
    visitaties = (
        {v.id: v for v in db.session().scalars(select(Visitatie).where(Visitatie.id.in_(concept_ids)))}
        if concept_ids
        else {}
    )
    for hit in hits:
        passage = hit.passage
        if hit.concept:
            visitatie = visitaties.get(passage.visitatie_id)
            if visitatie is not None and access.can("annotations.read", visitatie):
                anchor = f"thema-{hit.themes[0]}" if hit.themes else None
                links[passage.id] = url_for("review.theme_view", visitatie_id=visitatie.id, _anchor=anchor)
            continue
        anchor = f"sectie-{passage.section_key}" if passage.section_key else None
        links[passage.id] = url_for(
            "definitief.show", slug=hit.gemeente_slug, visitatie_id=passage.visitatie_id, _anchor=anchor
        )
    return links


def _facet_urls(results: search.Results) -> Callable[[str, str | None], str]:
    """``url(facet, value)``: the search with ``facet`` set to ``value`` (None: that facet dropped), from page
    one. The URL without the facet is built once per facet: a facet can list hundreds of values."""
    without: dict[str, str] = {}

    def url(facet: str, value: str | None) -> str:
        if facet not in without:
            args: dict[str, Any] = dict(results.facets_chosen.without(facet).args())
            without[facet] = url_for("network.search", q=results.query or None, **args)
        if value is None:
            return without[facet]
        separator = "&" if "?" in without[facet] else "?"
        return f"{without[facet]}{separator}{urlencode({FACET_ARGS[facet]: value})}"

    return url


def _args(results: search.Results) -> dict[str, Any]:
    return dict(results.facets_chosen.args())


@bp.route("/zoeken", endpoint="search")  # the function has another name: it must not hide the module
def search_page() -> str:
    access.require("network.view")
    query = request.args.get("q", "")
    facets = search.Facets.from_args(request.args)
    results = search.search(db.session(), current_user, query, facets, page=_page_number())
    return render_template(
        "network/search.html",
        results=results,
        links=_links(results.hits),
        facet_titles=FACET_TITLES,
        facet_args=FACET_ARGS,
        long_facet=LONG_FACET,
        facet_url=_facet_urls(results),
        page_url=lambda page: url_for("network.search", q=results.query, pagina=page, **_args(results)),
        csv_url=url_for("network.search_csv", q=results.query, **_args(results)),
        suggestions=SUGGESTIONS,
        judgements=themes.judgements(),
        concept_visible=Audience.CONCEPT in access.audiences(current_user),
    )


@bp.route("/zoeken.csv")
def search_csv() -> Response:
    """The hits (up to CSV_LIMIT, in rank order) as a spreadsheet: the passage's full text, not the snippet."""
    access.require("network.view")
    facets = search.Facets.from_args(request.args)
    results = search.search_all(db.session(), current_user, request.args.get("q", ""), facets, limit=CSV_LIMIT)
    judgements = themes.judgements()
    buffer = io.StringIO()
    writer = csvfile.writer(buffer)
    writer.writerow(
        [
            "positie",
            "gemeente",
            "provincie",
            "ronde",
            "soort",
            "themas",
            "status",
            "titel",
            "tekst",
            "oordeel",
            "sleutel",
        ]
    )
    for position, hit in enumerate(results.hits, start=1):
        p = hit.passage
        writer.writerow(
            [
                position,
                hit.gemeente,
                hit.province,
                hit.round,
                PassageKind(p.kind).label,
                " ".join(hit.themes),
                "concept" if hit.concept else Audience(p.audience).label.lower(),
                p.title,
                p.text,
                judgements.get(p.judgement, p.judgement) if p.judgement else "",
                p.key,
            ]
        )
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="netwerk-zoekresultaten.csv"'},
    )
