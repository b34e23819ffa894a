"""The network report (issue 11 item 7): the settled rode draden with their evidence, chosen figures for the
gemeenten concerned, and a compact view of the passages per theme.

Generating a report stores a snapshot (``NetworkReport.content``) that the HTML page and the tagged PDF
render alike; the PDF is made in a background job (the ``pdf`` queue), like the portret's, and stored with
the checksum of the content it was made from. The report is read by every participant of the network, so
it is compiled for the network's audience: a quote from *concept* material (review material of a portret
that is not yet published) is referred to (gemeente, kind, round) without its text. Every claim carries
numbered references to its evidence, each with its gemeente and a link to its place.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from flask import render_template, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from peerreview import jobs
from peerreview.accounts.models import User
from peerreview.db import utcnow
from peerreview.formatting import date_nl
from peerreview.jobs import pdf_job
from peerreview.network import threads
from peerreview.network.models import Audience, NetworkPassage, NetworkPassageTheme, PassageKind
from peerreview.network.threads_models import NetworkReport, Stance, ThreadState
from peerreview.pdf import render_pdf
from peerreview.rounds.models import Round
from peerreview.tenants.models import Gemeente

DEFAULT_INDICATORS = ("JH121", "LASTEN_INWONER", "SES_DECIEL")


def evidence_link(item: Any, slug: str) -> str:
    """Where an evidence item sits: its section of the published portret (a section, or review material and
    lessons of a published portret: the section of their theme), otherwise the review or reflectiesessie page
    of its visitatie (readable there for whoever may read it)."""
    key = item.passage_key
    published = item.audience in (Audience.OPENBAAR.value, Audience.NETWERK.value)
    if item.section_key and (item.kind == PassageKind.SECTIE.value or published):
        return url_for(
            "definitief.show", slug=slug, visitatie_id=item.visitatie_id, _anchor=f"sectie-{item.section_key}"
        )
    if key.startswith("annotation:"):
        return url_for("review.workspace", visitatie_id=item.visitatie_id, _anchor=f"a-{key.split(':', 1)[1]}")
    if key.startswith("summary:"):
        return url_for("review.theme_view", visitatie_id=item.visitatie_id)
    return url_for("reflectiesessie.show", visitatie_id=item.visitatie_id)


def indicator_table(session: Session, gemeente_ids: Sequence[int], codes: Sequence[str]) -> dict[str, Any]:
    """The latest value of each chosen indicator for each gemeente concerned (one query), with sources."""
    from peerreview.indicators.models import Area, Indicator, IndicatorValue
    from peerreview.indicators.services import format_value, period_label, period_sort_key

    indicators = list(
        session.scalars(select(Indicator).where(Indicator.code.in_(list(codes))).order_by(Indicator.position))
    )
    gemeenten = list(
        session.scalars(select(Gemeente).where(Gemeente.id.in_(list(gemeente_ids))).order_by(Gemeente.name))
    )
    latest: dict[tuple[int, int], IndicatorValue] = {}
    if indicators and gemeenten:
        rows = session.scalars(
            select(IndicatorValue)
            .join(Area, Area.id == IndicatorValue.area_id)
            .where(
                Area.gemeente_id.in_([g.id for g in gemeenten]),
                IndicatorValue.indicator_id.in_([i.id for i in indicators]),
            )
        )
        for value in rows:
            key = (value.area.gemeente_id or 0, value.indicator_id)
            if key not in latest or period_sort_key(value.period) > period_sort_key(latest[key].period):
                latest[key] = value
    return {
        "indicators": [{"code": i.code, "name": i.short_name or i.name, "source": i.source} for i in indicators],
        "rows": [
            {
                "gemeente": g.name,
                "cells": [
                    {
                        "text": format_value(i, latest[(g.id, i.id)].value) if (g.id, i.id) in latest else "—",
                        "period": period_label(latest[(g.id, i.id)].period) if (g.id, i.id) in latest else "",
                        "flagged": bool(latest[(g.id, i.id)].flags) if (g.id, i.id) in latest else False,
                    }
                    for i in indicators
                ],
            }
            for g in gemeenten
        ],
    }


def theme_counts(session: Session, gemeente_ids: Sequence[int]) -> dict[str, Any]:
    """Passages the network may read, per gemeente and theme: one aggregate query over the index."""
    from peerreview.review.themes import themes

    codes = list(themes())
    ids = list(gemeente_ids)
    counts: dict[tuple[int, str], int] = {}
    if ids:
        query = (
            select(NetworkPassage.gemeente_id, NetworkPassageTheme.theme, func.count())
            .join(NetworkPassageTheme, NetworkPassageTheme.passage_id == NetworkPassage.id)
            .where(NetworkPassage.gemeente_id.in_(ids), NetworkPassage.audience.in_(list(threads.NETWORK_AUDIENCES)))
            .group_by(NetworkPassage.gemeente_id, NetworkPassageTheme.theme)
        )
        counts = {(gid, theme): n for gid, theme, n in session.execute(query)}
    gemeenten = list(session.scalars(select(Gemeente).where(Gemeente.id.in_(ids)).order_by(Gemeente.name)))
    return {
        "themes": [{"code": c, "short": themes()[c].short} for c in codes],
        "rows": [{"gemeente": g.name, "counts": [counts.get((g.id, c), 0) for c in codes]} for g in gemeenten],
    }


def compile_content(session: Session, indicator_codes: Sequence[str]) -> dict[str, Any]:
    """The report's snapshot: settled threads, numbered references, figures and theme counts."""
    settled = threads.listing(session, ThreadState.VASTGESTELD)
    settled.sort(key=lambda t: (t.settled_at or t.updated_at, t.id))
    thread_views = threads.views(session, settled, threads.NETWORK_AUDIENCES)
    round_names: dict[int, str] = {rid: name for rid, name in session.execute(select(Round.id, Round.name))}
    references: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    concerned: set[int] = set()
    for view in thread_views:
        thread = view.thread
        refs: dict[str, list[int]] = {"steun": [], "tegen": []}
        for e in [*view.supporting, *view.counter]:
            if not e.available:
                continue  # left the index: not part of the report
            concerned.add(e.item.gemeente_id)
            number = len(references) + 1
            references.append(
                {
                    "number": number,
                    "gemeente": e.item.gemeente.name,
                    "kind": e.kind_label,
                    "title": e.item.title if e.item.title.lower() != e.kind_label.lower() else "",
                    "round": round_names.get(e.item.round_id, ""),
                    "stance": e.item.stance.label,
                    "exact": e.item.exact if e.readable else "",
                    "concept": not e.readable,
                    "link": _external(evidence_link(e.item, e.item.gemeente.slug)),
                }
            )
            refs["tegen" if e.item.stance is Stance.TEGEN else "steun"].append(number)
        responses = threads.responses(session, thread)
        items.append(
            {
                "id": thread.id,
                "statement": thread.statement,
                "description": thread.description,
                "themes": list(thread.themes),
                "settled_on": date_nl(thread.settled_at.date()) if thread.settled_at else "",
                "support": [g.name for g in view.support_gemeenten],
                "counter": [g.name for g in view.counter_gemeenten],
                "refs": refs["steun"],
                "counter_refs": refs["tegen"],
                "responses": [
                    {"gemeente": r.gemeente.name, "recognition": r.recognition.label, "remark": r.remark}
                    for r in responses
                ],
                "link": _external(url_for("network.thread_show", thread_id=thread.id)),
            }
        )
    ids = sorted(concerned)
    return {
        "generated_on": date_nl(utcnow().date()),
        "threads": items,
        "references": references,
        "figures": indicator_table(session, ids, indicator_codes),
        "matrix": theme_counts(session, ids),
    }


def _external(path: str) -> str:
    from flask import current_app

    base = str(current_app.config.get("BASE_URL") or "").rstrip("/")
    return f"{base}{path}" if base and path.startswith("/") else path


def checksum(content: dict[str, Any]) -> str:
    canonical = json.dumps({k: v for k, v in content.items() if k != "generated_on"}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def generate(session: Session, actor: User, indicator_codes: Sequence[str]) -> NetworkReport:
    """A new numbered report from the settled threads as they are now; its PDF is rendered in the background."""
    from peerreview.audit.services import record

    content = compile_content(session, indicator_codes)
    number = (session.scalar(select(func.max(NetworkReport.number))) or 0) + 1
    report = NetworkReport(number=number, content=content, checksum=checksum(content), created_by_id=actor.id)
    session.add(report)
    session.flush()
    record(session, "network_report_generated", actor=actor, obj=report, number=number, threads=len(content["threads"]))
    request_pdf(session, report)
    return report


def request_pdf(session: Session, report: NetworkReport) -> None:
    """Render the report's PDF in the background, unless it exists for this exact content."""
    if pdf_ready(report):
        return
    jobs.enqueue_after_commit(session, render_report_pdf, dedupe_key=pdf_job_key(report), report_id=report.id)


def latest(session: Session) -> NetworkReport | None:
    return session.scalar(select(NetworkReport).order_by(NetworkReport.number.desc()).limit(1))


def reports(session: Session) -> list[NetworkReport]:
    return list(session.scalars(select(NetworkReport).order_by(NetworkReport.number.desc())))


def pdf_job_key(report: NetworkReport) -> str:
    return f"network-report-pdf-{report.id}-{report.checksum[:16]}"


def pdf_ready(report: NetworkReport) -> bool:
    return report.pdf_checksum == report.checksum


@pdf_job
def render_report_pdf(session: Session, *, report_id: int) -> None:
    report = session.scalar(
        select(NetworkReport).where(NetworkReport.id == report_id).with_for_update(of=NetworkReport)
    )
    if report is None or pdf_ready(report):
        return
    html = render_template("pdf/network_report.html", report=report, content=report.content, themes=_themes())
    report.pdf = render_pdf(html)
    report.pdf_checksum = report.checksum


def _themes() -> dict[str, Any]:
    from peerreview.review.themes import themes

    return themes()
