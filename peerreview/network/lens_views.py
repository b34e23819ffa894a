"""Lenses on the network's passages (issue 11 items 8 and 10): one passage with its codes, coding it,
the lens overview (per code: how many passages, which gemeenten), the passages of one code, and the
exports of passages with their codes (REFI-QDA ``.qdpx`` and CSV).

Everything a page lists comes from the passage index filtered by ``access.audiences(user)`` in SQL.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from peerreview import access, csvfile, db
from peerreview.network import lens_services, qdpx
from peerreview.network.blueprint import bp
from peerreview.network.lenses import Lens, lens_filter, lens_of, lenses, valid_pair
from peerreview.network.models import NetworkPassage, NetworkPassageTheme
from peerreview.review.themes import themes
from peerreview.rounds.models import Round
from peerreview.tenants.models import Gemeente

LIST_LIMIT = 200  # passages listed on the page of one code; the export has them all


def _user() -> Any:
    return current_user if current_user.is_authenticated else None


def _audiences() -> tuple[Any, ...]:
    return access.audiences(_user())


@bp.app_template_global()
def lens_vocabulary() -> dict[str, Lens]:
    return lenses()


@bp.app_template_global()
def lens_codes_for(passages: Iterable[NetworkPassage]) -> dict[str, set[tuple[str, str]]]:
    """For the ``_codes.html`` macro on other pages: the lens codes of these passages, in one query."""
    return lens_services.codes_of(db.session(), [p.key for p in passages])


@bp.app_template_global()
def passage_portret_url(passage: NetworkPassage) -> str | None:
    """Where a passage sits in the published portret (its section), or None for review material."""
    if passage.portret_id is None or passage.audience.value == "concept":
        return None
    gemeente = db.session().get(Gemeente, passage.gemeente_id)
    if gemeente is None:
        return None
    url = url_for("definitief.show", slug=gemeente.slug, visitatie_id=passage.visitatie_id)
    return f"{url}#sectie-{passage.section_key}" if passage.section_key else url


def _passage(key: str) -> NetworkPassage:
    access.require("network.view")
    passage = lens_services.visible_passage(db.session(), key, _audiences())
    if passage is None:
        abort(404)
    return passage


def _safe_next(default: str) -> str:
    """A local path to return to after coding (never another site)."""
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


@bp.route("/passages/<key>")
def passage(key: str) -> str:
    item = _passage(key)
    s = db.session()
    return render_template(
        "network/passage.html",
        passage=item,
        gemeente=s.get(Gemeente, item.gemeente_id),
        round=s.get(Round, item.round_id),
        codings=lens_services.codings_of(s, item.key),
        codes=lens_services.codes_of(s, [item.key]),
        themes=themes(),
    )


@bp.route("/passages/<key>/codes", methods=["POST"])
def code_passage(key: str) -> BaseResponse:
    item = _passage(key)
    access.require("lenses.code", item)
    shown = [k for k in request.form.getlist("lens") if k in lenses()]
    selected: set[tuple[str, str]] = set()
    for value in request.form.getlist("code"):
        lens, _, code = value.partition(":")
        if not valid_pair(lens, code) or lens not in shown:
            abort(400)
        selected.add((lens, code))
    added, removed = lens_services.set_codes(db.session(), current_user, item, selected, shown)
    if added or removed:
        flash("De lenscodes van de passage zijn opgeslagen.", "success")
    else:
        flash("Er is niets veranderd aan de lenscodes.", "success")
    return redirect(_safe_next(url_for("network.passage", key=item.key)))


# --- the lens overview ------------------------------------------------------------------------------------


@bp.route("/lenzen")
def lens_index() -> str:
    access.require("network.view")
    s = db.session()
    audiences = _audiences()
    overviews = {key: lens_services.overview(s, key, audiences) for key in lenses()}
    return render_template("network/lenses.html", lenses=lenses(), overviews=overviews, filters=_filter_args())


@bp.route("/lenzen/<lens>/<code>")
def lens_code(lens: str, code: str) -> str:
    access.require("network.view")
    vocabulary = lens_of(lens)
    if vocabulary is None or vocabulary.code(code) is None:
        abort(404)
    stmt = lens_filter(_visible(), NetworkPassage.key, lens, code)
    passages = db.session().scalars(stmt.limit(LIST_LIMIT + 1)).all()
    return render_template(
        "network/lens_code.html",
        lens=vocabulary,
        code=vocabulary.code(code),
        passages=passages[:LIST_LIMIT],
        more=len(passages) > LIST_LIMIT,
        gemeenten=_gemeenten_of(passages),
        themes=themes(),
    )


# --- exports ----------------------------------------------------------------------------------------------


def _visible() -> Any:
    """Every passage the current user may read, in a stable order (gemeente, visitatie, kind, key)."""
    return (
        select(NetworkPassage)
        .where(NetworkPassage.audience.in_(_audiences()))
        .order_by(NetworkPassage.gemeente_id, NetworkPassage.visitatie_id, NetworkPassage.id)
    )


def _filter_args() -> dict[str, str]:
    """The export filters from the query string: theme (T1..T12), gemeente (slug), lens and code."""
    args = {name: request.args.get(name, "").strip() for name in ("theme", "gemeente", "lens", "code")}
    if args["theme"] and args["theme"] not in themes():
        abort(404)
    if args["lens"] and lens_of(args["lens"]) is None:
        abort(404)
    if args["code"] and not (args["lens"] and valid_pair(args["lens"], args["code"])):
        abort(404)
    return {k: v for k, v in args.items() if v}


def _filtered(args: dict[str, str]) -> list[NetworkPassage]:
    stmt = _visible()
    if theme := args.get("theme"):
        stmt = stmt.where(
            NetworkPassage.id.in_(select(NetworkPassageTheme.passage_id).where(NetworkPassageTheme.theme == theme))
        )
    if slug := args.get("gemeente"):
        stmt = stmt.join(Gemeente, Gemeente.id == NetworkPassage.gemeente_id).where(Gemeente.slug == slug)
    stmt = lens_filter(stmt, NetworkPassage.key, args.get("lens"), args.get("code"))
    return list(db.session().scalars(stmt))


def _gemeenten_of(passages: Iterable[NetworkPassage]) -> dict[int, Gemeente]:
    ids = {p.gemeente_id for p in passages}
    if not ids:
        return {}
    return {g.id: g for g in db.session().scalars(select(Gemeente).where(Gemeente.id.in_(ids)))}


def _rounds_of(passages: Iterable[NetworkPassage]) -> dict[int, Round]:
    ids = {p.round_id for p in passages}
    if not ids:
        return {}
    return {r.id: r for r in db.session().scalars(select(Round).where(Round.id.in_(ids)))}


def _suffix(args: dict[str, str]) -> str:
    parts = [args[name] for name in ("gemeente", "theme", "lens", "code") if name in args]
    return "-".join(["netwerk-passages", *parts])


@bp.route("/export.qdpx")
def export_qdpx() -> Response:
    access.require("network.view")
    args = _filter_args()
    passages = _filtered(args)
    s = db.session()
    data = qdpx.build(
        passages,
        gemeenten=_gemeenten_of(passages),
        rounds=_rounds_of(passages),
        codes=lens_services.codes_of(s, [p.key for p in passages]),
        coders=qdpx.coders_of(s, [p.key for p in passages]),
    )
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{_suffix(args)}.qdpx"'},
    )


@bp.route("/export.csv")
def export_csv() -> Response:
    access.require("network.view")
    args = _filter_args()
    passages = _filtered(args)
    s = db.session()
    gemeenten, rounds = _gemeenten_of(passages), _rounds_of(passages)
    codes = lens_services.codes_of(s, [p.key for p in passages])
    buffer = io.StringIO()
    writer = csvfile.writer(buffer)
    lens_list = list(lenses().values())
    writer.writerow(
        [
            "passage",
            "gemeente",
            "ronde",
            "soort",
            "zichtbaar_voor",
            "titel",
            "themas",
            "oordeel",
            *[lens.key for lens in lens_list],
            "tekst",
        ]
    )
    for p in passages:
        pairs = codes.get(p.key, set())
        writer.writerow(
            [
                p.key,
                gemeenten[p.gemeente_id].name,
                rounds[p.round_id].name,
                p.kind.label,
                p.audience.label,
                p.title,
                " ".join(p.themes),
                p.judgement or "",
                *[" ".join(c.key for c in lens.codes if (lens.key, c.key) in pairs) for lens in lens_list],
                p.text,
            ]
        )
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_suffix(args)}.csv"'},
    )
