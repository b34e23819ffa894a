"""The *stand van zaken* report of a verbeteragenda per reporting period (issue 12, item 3), laid out like
Coevorden's status report on its Uitvoeringsplan Jeugd: per action line its parts, each with the plan's
*resultaat*, *wat*, *wie* and *planning* (the "grey box"), the status, and the period's stand van zaken;
up front a short summary of the status counts and what changed since the previous period.

One :class:`Report` is built from the database (:func:`build`) and written as HTML (the template
``agenda/report.html``), as a tagged PDF (``pdf/agenda_report.html`` through ``peerreview.pdf``), and as
DOCX for the council, who works in Word (:func:`docx_bytes`: real Word headings, tables with a repeated
header row). :func:`csv_text` lists every part of the agenda.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview import csvfile
from peerreview.agenda.models import ActionLine, Agenda, Part, PartStatus, ProgressUpdate, ReportingPeriod
from peerreview.formatting import LOCAL, date_nl
from peerreview.pdf import render_pdf
from peerreview.review.themes import themes
from peerreview.rounds.models import Visitatie
from peerreview.sanitize import plain_text

# The order of the statuses in the summary: from not started to done, the dropped ones last.
STATUS_ORDER = (
    PartStatus.NOG_NIET_GESTART,
    PartStatus.IN_VOORBEREIDING,
    PartStatus.IN_UITVOERING,
    PartStatus.GEREED,
    PartStatus.DOORLOPEND,
    PartStatus.VERVALLEN,
)
TITLE_LENGTH = 90


def part_title(part: Part) -> str:
    """A part has no title of its own: the first line of its intended result (or of what is done)."""
    text = " ".join((part.result or part.what or "Onderdeel").split())
    return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1].rstrip() + "…"


def short_status(status: PartStatus) -> str:
    """The status label without its explanation in brackets (for tables and counts)."""
    return status.label.split(" (")[0]


@dataclass
class PartRow:
    number: str  # "2.3": action line 2, part 3
    part: Part
    status: PartStatus  # in this period
    progress: ProgressUpdate | None  # this period's stand van zaken
    previous_status: PartStatus | None  # in the previous period (None: no previous period)
    previous_progress: ProgressUpdate | None

    @property
    def title(self) -> str:
        return part_title(self.part)

    @property
    def changed(self) -> bool:
        return self.previous_status is not None and self.previous_status is not self.status

    @property
    def progress_text(self) -> str:
        return plain_text(self.progress.text) if self.progress is not None else ""


@dataclass
class LineBlock:
    number: int
    line: ActionLine
    rows: list[PartRow]
    theme_labels: list[str]


@dataclass
class Report:
    visitatie: Visitatie
    agenda: Agenda
    period: ReportingPeriod
    previous: ReportingPeriod | None
    lines: list[LineBlock]
    counts: list[tuple[PartStatus, int]]
    generated_on: date
    changes: list[PartRow] = field(default_factory=list)
    new_updates: list[PartRow] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Stand van zaken verbeteragenda {self.visitatie.gemeente.name}: {self.period.name}"

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    @property
    def filename(self) -> str:
        slug = "".join(c if c.isalnum() else "-" for c in self.period.name.lower()).strip("-")
        return f"stand-van-zaken-{self.visitatie.gemeente.slug}-{slug or self.period.id}"


def _end_of(period: ReportingPeriod) -> datetime:
    return datetime.combine(period.ends_on + timedelta(days=1), time(0), tzinfo=LOCAL).astimezone(UTC)


def status_at(part: Part, period: ReportingPeriod, progress: ProgressUpdate | None) -> PartStatus:
    """The part's status in a period: as recorded with its stand van zaken, else the last change before the
    period ended, else its current status."""
    if progress is not None:
        return progress.status
    end = _end_of(period)
    changes = [c for c in part.status_changes if c.changed_at.replace(tzinfo=c.changed_at.tzinfo or UTC) < end]
    return changes[-1].status if changes else part.status


def previous_period(agenda: Agenda, period: ReportingPeriod) -> ReportingPeriod | None:
    earlier = [p for p in agenda.periods if (p.starts_on, p.id) < (period.starts_on, period.id)]
    return earlier[-1] if earlier else None


def current_period(agenda: Agenda, today: date | None = None) -> ReportingPeriod | None:
    """The period running today, else the last one that started, else the first."""
    today = today or datetime.now(LOCAL).date()
    periods = list(agenda.periods)
    if not periods:
        return None
    running = [p for p in periods if p.starts_on <= today <= p.ends_on]
    started = [p for p in periods if p.starts_on <= today]
    return (running or started or periods)[-1 if (running or started) else 0]


def build(session: Session, agenda: Agenda, period: ReportingPeriod) -> Report:
    previous = previous_period(agenda, period)
    lines = list(agenda.action_lines)
    part_ids = [part.id for line in lines for part in line.parts]
    wanted = [period.id] + ([previous.id] if previous is not None else [])
    progress: dict[tuple[int, int], ProgressUpdate] = {}
    if part_ids:
        for update in session.scalars(
            select(ProgressUpdate).where(ProgressUpdate.part_id.in_(part_ids), ProgressUpdate.period_id.in_(wanted))
        ):
            progress[(update.part_id, update.period_id)] = update
    labels = themes()
    blocks: list[LineBlock] = []
    for n, line in enumerate(lines, start=1):
        rows = []
        for m, part in enumerate(line.parts, start=1):
            now = progress.get((part.id, period.id))
            before = progress.get((part.id, previous.id)) if previous is not None else None
            rows.append(
                PartRow(
                    number=f"{n}.{m}",
                    part=part,
                    status=status_at(part, period, now),
                    progress=now,
                    previous_status=status_at(part, previous, before) if previous is not None else None,
                    previous_progress=before,
                )
            )
        blocks.append(
            LineBlock(
                number=n,
                line=line,
                rows=rows,
                theme_labels=[f"{code} {labels[code].short}" if code in labels else code for code in line.themes or []],
            )
        )
    tally = Counter(row.status for block in blocks for row in block.rows)
    all_rows = [row for block in blocks for row in block.rows]
    return Report(
        visitatie=agenda.visitatie,
        agenda=agenda,
        period=period,
        previous=previous,
        lines=blocks,
        counts=[(status, tally[status]) for status in STATUS_ORDER if tally[status]],
        generated_on=datetime.now(LOCAL).date(),
        changes=[row for row in all_rows if row.changed],
        new_updates=[row for row in all_rows if row.progress is not None and row.previous_progress is None],
    )


# --- PDF ------------------------------------------------------------------------------------------------


def pdf_bytes(report: Report) -> bytes:
    return render_pdf(render_template("pdf/agenda_report.html", report=report))


# --- DOCX -----------------------------------------------------------------------------------------------

PLAN_FIELDS = (("Resultaat", "result"), ("Wat", "what"), ("Wie", "owner"), ("Planning", "planning"))


def _owner(part: Part) -> str:
    who = part.owner_label
    if part.owner_user is not None:
        who = f"{who} ({part.owner_user.name})" if who else part.owner_user.name
    return who or "Nog niet belegd"


def _planning(part: Part) -> str:
    bits = [part.planning] if part.planning else []
    if part.due_on is not None:
        bits.append(f"uiterlijk {date_nl(part.due_on)}")
    return ", ".join(bits) or "Nog niet gepland"


def plan_values(part: Part) -> dict[str, str]:
    return {
        "result": part.result or "—",
        "what": part.what or "—",
        "owner": _owner(part),
        "planning": _planning(part),
    }


def _repeat_header(row: Any) -> None:
    """Mark a table row as its header row: Word repeats it on every page and screen readers read it so."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _table(document: Any, header: list[str], rows: list[list[str]]) -> Any:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    _repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    return table


def _html_paragraphs(document: Any, html: str) -> None:
    """The sanitised HTML of a stand van zaken as Word paragraphs: paragraphs, headings and list items."""
    import lxml.html  # type: ignore[import-untyped]

    if not html.strip():
        return
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("p", "h2", "h3", "h4", "blockquote"):
            text = " ".join(element.text_content().split())
            if text:
                document.add_paragraph(text, style="Intense Quote" if tag == "blockquote" else None).runs[
                    0
                ].bold = tag.startswith("h")
        elif tag == "li":
            text = " ".join(element.text_content().split())
            if text:
                ordered = element.getparent() is not None and element.getparent().tag == "ol"
                document.add_paragraph(text, style="List Number" if ordered else "List Bullet")
    if not any(isinstance(e.tag, str) and e.tag in ("p", "li", "h2", "h3", "h4", "blockquote") for e in root.iter()):
        text = " ".join(root.text_content().split())
        if text:
            document.add_paragraph(text)


def docx_bytes(report: Report) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    properties = document.core_properties
    properties.title = report.title
    properties.subject = "Stand van zaken verbeteragenda"
    properties.author = report.visitatie.gemeente.name
    properties.language = "nl-NL"
    properties.keywords = "verbeteragenda, stand van zaken, jeugdhulp"
    document.styles["Normal"].font.size = Pt(10)

    document.add_heading(report.title, level=0)
    intro = (
        f"Verbeteragenda na de visitatie {report.visitatie.round.name}. Peilmoment {report.period.name} "
        f"({date_nl(report.period.starts_on)} tot en met {date_nl(report.period.ends_on)}). "
        f"Opgesteld op {date_nl(report.generated_on)}."
    )
    document.add_paragraph(intro)

    document.add_heading("Samenvatting", level=1)
    if report.counts:
        document.add_paragraph(f"De agenda telt {len(report.lines)} actielijnen met {report.total} onderdelen.")
        _table(document, ["Status", "Aantal onderdelen"], [[short_status(s), str(n)] for s, n in report.counts])
    else:
        document.add_paragraph("De agenda heeft nog geen onderdelen.")

    document.add_heading(
        f"Wat veranderde sinds {report.previous.name}" if report.previous else "Wat veranderde", level=2
    )
    if report.previous is None:
        document.add_paragraph("Dit is het eerste peilmoment: er is nog geen eerdere stand van zaken.")
    elif report.changes:
        _table(
            document,
            ["Onderdeel", f"Status {report.previous.name}", f"Status {report.period.name}"],
            [
                [f"{row.number} {row.title}", short_status(row.previous_status), short_status(row.status)]  # type: ignore[arg-type]
                for row in report.changes
            ],
        )
    else:
        document.add_paragraph(f"Geen onderdeel veranderde van status sinds {report.previous.name}.")

    for block in report.lines:
        document.add_heading(f"Actielijn {block.number}: {block.line.title}", level=1)
        if block.line.description:
            document.add_paragraph(block.line.description)
        if block.theme_labels:
            document.add_paragraph("Thema's: " + ", ".join(block.theme_labels))
        if block.line.process_goal:
            document.add_paragraph(f"Procesdoel: {block.line.process_goal}")
        if block.line.outcome_goal:
            document.add_paragraph(f"Maatschappelijk doel: {block.line.outcome_goal}")
        if not block.rows:
            document.add_paragraph("Deze actielijn heeft nog geen onderdelen.")
        for row in block.rows:
            document.add_heading(f"Onderdeel {row.number}: {row.title}", level=2)
            values = plan_values(row.part)
            _table(
                document,
                ["Onderdeel", "Zoals gepland"],
                [[label, values[key]] for label, key in PLAN_FIELDS]
                + [
                    [
                        "Status",
                        short_status(row.status)
                        + (
                            f" ({row.part.status_reason})"
                            if row.part.status_reason and row.status is PartStatus.VERVALLEN
                            else ""
                        ),
                    ]
                ]
                + (
                    [
                        [
                            "Indicator",
                            row.part.indicator
                            + (f" (streefwaarde {row.part.indicator_target})" if row.part.indicator_target else ""),
                        ]
                    ]
                    if row.part.indicator
                    else []
                ),
            )
            document.add_heading(f"Stand van zaken {report.period.name}", level=3)
            if row.progress is not None:
                _html_paragraphs(document, row.progress.text)
            else:
                document.add_paragraph("Voor dit peilmoment is nog geen stand van zaken vastgelegd.")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- CSV ------------------------------------------------------------------------------------------------

CSV_HEADER = [
    "Actielijn",
    "Titel actielijn",
    "Thema's",
    "Onderdeel",
    "Resultaat",
    "Wat",
    "Wie (rol)",
    "Wie (organisatie)",
    "Wie (account)",
    "Planning",
    "Uiterlijk",
    "Status",
    "Reden (vervallen)",
    "Indicator",
    "Kengetal",
    "Streefwaarde",
    "Laatste peilmoment",
    "Laatste stand van zaken",
]


def csv_text(session: Session, agenda: Agenda) -> str:
    """Every part of the agenda, one row each, with its latest stand van zaken."""
    lines = list(agenda.action_lines)
    part_ids = [part.id for line in lines for part in line.parts]
    order = {p.id: (p.starts_on, p.id) for p in agenda.periods}
    names = {p.id: p.name for p in agenda.periods}
    latest: dict[int, ProgressUpdate] = {}
    if part_ids:
        for found in session.scalars(select(ProgressUpdate).where(ProgressUpdate.part_id.in_(part_ids))):
            best = latest.get(found.part_id)
            if best is None or order.get(found.period_id, (date.min, 0)) > order.get(best.period_id, (date.min, 0)):
                latest[found.part_id] = found
    stream = io.StringIO()
    out = csvfile.writer(stream)
    out.writerow(CSV_HEADER)
    for n, line in enumerate(lines, start=1):
        for m, part in enumerate(line.parts, start=1):
            update = latest.get(part.id)
            out.writerow(
                [
                    n,
                    line.title,
                    " ".join(line.themes or []),
                    f"{n}.{m}",
                    part.result,
                    part.what,
                    part.owner_role,
                    part.owner_organisation,
                    part.owner_user.name if part.owner_user is not None else "",
                    part.planning,
                    part.due_on.isoformat() if part.due_on else "",
                    short_status(part.status),
                    part.status_reason,
                    part.indicator,
                    part.indicator_code or "",
                    part.indicator_target,
                    names.get(update.period_id, "") if update is not None else "",
                    plain_text(update.text) if update is not None else "",
                ]
            )
    return stream.getvalue()
