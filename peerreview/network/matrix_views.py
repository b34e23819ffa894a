"""The theme matrix: gemeenten as rows, the twelve themes as columns (issue 11 item 3), a cell's passages on
a page of their own, and the matrix as CSV. Anyone may open it (``network.view``); what it shows follows
``access.audiences``: visitors without an account only *openbaar* material, participants also *netwerk*,
analysts and round coordinators also released review material marked *concept*."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from flask import Response, abort, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from peerreview import access, csvfile, db
from peerreview.network import matrix
from peerreview.network.blueprint import bp
from peerreview.network.context import ContextFilter, contexts
from peerreview.network.models import Audience, NetworkPassage, PassageKind
from peerreview.review import themes as review_themes
from peerreview.rounds.models import Round
from peerreview.tenants.models import Gemeente

# The order of a cell's passages on its page.
KIND_ORDER = (
    PassageKind.SAMENVATTING,
    PassageKind.STERKTE,
    PassageKind.ONTWIKKELPUNT,
    PassageKind.LES,
    PassageKind.VERBETERPUNT,
    PassageKind.SECTIE,
)
KIND_HEADINGS = {
    PassageKind.SAMENVATTING: "Samenvatting van het team",
    PassageKind.STERKTE: "Sterktes",
    PassageKind.ONTWIKKELPUNT: "Ontwikkelpunten",
    PassageKind.LES: "Lessen uit de reflectiesessie",
    PassageKind.VERBETERPUNT: "Eigen verbeterpunten van de gemeente",
    PassageKind.SECTIE: "In het portret",
}


def _reader() -> Any:
    return current_user if current_user.is_authenticated else None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 0 < int(value) < 2**31 else None


@dataclass
class Choice:
    """What the reader chose: the context filter, the themes, the round, the indicators."""

    filter: ContextFilter
    themes: tuple[str, ...]
    round_id: int | None
    indicator_codes: tuple[str, ...]

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> Choice:
        chosen = tuple(code for code in matrix.THEMES if code in set(args.getlist("thema")))
        codes = tuple(dict.fromkeys(c.strip()[:40] for c in args.getlist("indicator") if c.strip()))
        return cls(ContextFilter.from_args(args), chosen or matrix.THEMES, _int(args.get("ronde")), codes)

    def as_args(self) -> dict[str, Any]:
        args: dict[str, Any] = dict(self.filter.as_args())
        if self.themes != matrix.THEMES:
            args["thema"] = list(self.themes)
        if self.round_id is not None:
            args["ronde"] = self.round_id
        if self.indicator_codes:
            args["indicator"] = list(self.indicator_codes)
        return args


def _matrix(choice: Choice) -> dict[str, Any]:
    """Everything the page and the CSV show, in a fixed number of queries."""
    s = db.session()
    audiences = access.audiences(_reader())
    found = matrix.cells(s, audiences, round_id=choice.round_id, themes=choice.themes)
    known = contexts(s)  # every gemeente: cheaper than a list of 342 ids in the query
    every = {gemeente_id: known[gemeente_id] for gemeente_id in found if gemeente_id in known}
    shown = choice.filter.apply(every)
    choices = matrix.indicator_choices(s)
    by_code = {i.code: i for i in choices}
    indicators = [by_code[c] for c in choice.indicator_codes if c in by_code][: matrix.MAX_INDICATORS]
    figures = matrix.figures(s, indicators, shown)
    rows = [
        matrix.Row(
            context=ctx,
            round_id=found[gemeente_id][0],
            cells=found[gemeente_id][1],
            figures=[figures.get((gemeente_id, i.code), matrix.Figure("—")) for i in indicators],
        )
        for gemeente_id, ctx in sorted(shown.items(), key=lambda item: item[1].name.casefold())
    ]
    rounds = matrix.rounds(s, audiences)
    theme_defs = review_themes.themes()
    return {
        "rows": rows,
        "choice": choice,
        "themes": [theme_defs[code] for code in choice.themes],
        "all_themes": list(theme_defs.values()),
        "judgements": review_themes.judgements(),
        "options": ContextFilter.options(every.values()),
        "total": len(every),
        "indicators": indicators,
        "indicator_choices": choices,
        "rounds": rounds,
        "round_names": {r.id: r.name for r in rounds},
        "concept_reader": Audience.CONCEPT in audiences,
        "anonymous": _reader() is None,
    }


def cells_html(rows: list[matrix.Row], themes: list[str], judgements: dict[str, str], query: str) -> list[Markup]:
    """The theme cells of each row as HTML, built here rather than in Jinja: 342 × 12 cells through the
    template engine cost more than the query. Cells with the same content share their text; only the
    link differs. Links are relative to the matrix page (``thema-matrix/<gemeente>/<theme>``)."""
    shown: dict[tuple[Any, ...], str] = {}
    empty = '<td class="mempty">–</td>'
    result = []
    for row in rows:
        parts = []
        for theme in themes:
            cell = row.cells.get(theme)
            if cell is None or cell.empty:
                parts.append(empty)
                continue
            key = (cell.judgement, cell.strengths, cell.points, cell.lessons, cell.concept)
            inner = shown.get(key)
            if inner is None:
                judgement = (
                    f'<span class="mj">{escape(judgements.get(cell.judgement, ""))}</span>' if cell.judgement else ""
                )
                lessons = f" · {cell.lessons}\u00a0les" if cell.lessons else ""
                concept = '<span class="mk">concept</span>' if cell.concept else ""
                inner = shown[key] = f"{judgement}{cell.strengths}\u00a0st · {cell.points}\u00a0op{lessons}{concept}"
            css = "mcell mconcept" if cell.concept else "mcell"
            parts.append(
                f'<td class="{css}"><a href="thema-matrix/{row.context.gemeente_id}/{theme}{query}">{inner}</a></td>'
            )
        result.append(Markup("".join(parts)))  # noqa: S704  (fixed markup; the only text, the judgement, is escaped)
    return result


@bp.route("/thema-matrix", endpoint="matrix")
def matrix_page() -> str:
    access.require("network.view")
    choice = Choice.from_args(request.args)
    data = _matrix(choice)
    query = f"?ronde={choice.round_id}" if choice.round_id else ""
    html = cells_html(data["rows"], list(choice.themes), data["judgements"], query)
    return render_template("network/matrix.html", cells_html=html, **data)


@bp.route("/thema-matrix.csv")
def matrix_csv() -> Response:
    access.require("network.view")
    data = _matrix(Choice.from_args(request.args))
    judgements = data["judgements"]
    buffer = io.StringIO()
    writer = csvfile.writer(buffer)
    header = ["gemeente", "provincie", "jeugdregio", "grootteklasse", "stedelijkheid", "ses_deciel", "ronde"]
    for theme in data["themes"]:
        header += [
            f"{theme.code} oordeel",
            f"{theme.code} sterktes",
            f"{theme.code} ontwikkelpunten",
            f"{theme.code} lessen",
            f"{theme.code} concept",
        ]
    for indicator in data["indicators"]:
        header += [f"{indicator.code} waarde", f"{indicator.code} periode", f"{indicator.code} index NL=100"]
    writer.writerow(header)
    for row in data["rows"]:
        ctx = row.context
        line: list[Any] = [
            ctx.name,
            ctx.province,
            ctx.jeugdregio or "",
            ctx.size_class or "",
            ctx.urbanisation or "",
            ctx.ses_decile if ctx.ses_decile is not None else "",
            data["round_names"].get(row.round_id, ""),
        ]
        for theme in data["themes"]:
            cell = row.cells.get(theme.code, matrix.Cell())
            line += [
                judgements.get(cell.judgement, "") if cell.judgement else "",
                cell.strengths,
                cell.points,
                cell.lessons,
                "concept" if cell.concept else "",
            ]
        for figure in row.figures:
            line += [figure.text, figure.period, round(figure.index) if figure.index is not None else ""]
        writer.writerow(line)
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="thema-matrix.csv"'},
    )


@bp.route("/thema-matrix/<int:gemeente_id>/<theme>")
def matrix_cell(gemeente_id: int, theme: str) -> str:
    """One cell: the passages themselves, with their place in the portret (or marked *concept*)."""
    access.require("network.view")
    theme_defs = review_themes.themes()
    if theme not in theme_defs:
        abort(404)
    s = db.session()
    audiences = access.audiences(_reader())
    round_id = _int(request.args.get("ronde"))
    found = matrix.passages(s, audiences, gemeente_id, theme, round_id)
    if not any(p.kind in matrix.COUNTED for p in found):
        # nothing this reader may see (or no such gemeente): never a hint that it exists. The portret's
        # sections alone make no cell: the matrix shows none there either.
        abort(404)
    gemeente = s.get(Gemeente, gemeente_id)
    round_ = s.get(Round, found[0].round_id)
    assert gemeente is not None and round_ is not None
    kept: dict[str, Any] = request.args.to_dict(flat=False)
    grouped: dict[PassageKind, list[NetworkPassage]] = {}
    for passage in found:
        grouped.setdefault(passage.kind, []).append(passage)
    return render_template(
        "network/matrix_cell.html",
        gemeente=gemeente,
        round_=round_,
        theme=theme_defs[theme],
        groups=[(kind, KIND_HEADINGS[kind], grouped[kind]) for kind in KIND_ORDER if kind in grouped],
        judgements=review_themes.judgements(),
        back=url_for("network.matrix", **kept),
    )


@bp.app_template_global()
def network_passage_link(passage: NetworkPassage, gemeente: Gemeente) -> str | None:
    """Where a passage sits in the published definitive portret; None for *concept* material."""
    if passage.audience is Audience.CONCEPT or passage.portret_id is None or not passage.section_key:
        return None
    return url_for(
        "definitief.show",
        slug=gemeente.slug,
        visitatie_id=passage.visitatie_id,
        _anchor=f"sectie-{passage.section_key}",
    )
