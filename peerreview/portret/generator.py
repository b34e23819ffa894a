"""The draft of the gemeenteportret, compiled from everything the visitatie produced.

``gather`` collects the material: the submitted zelfevaluatie (never the plusversie's case texts:
they do not leave the visitatie), the theme summaries and annotations the review team released,
the quotes of the visit, the respondents, the key figures with the gemeente's duiding and the
document checklist. ``compose`` fills every section of the skeleton with it, as the report's portretten
are written (DOMAIN.md §5): each section leads with the review team's own words (its theme summaries,
strengths and development points), then the evidence: short excerpts of the zelfevaluatie attributed to
the gemeente ("De gemeente schrijft: …", trimmed to their key paragraphs with a link to the full answer
where something was left out; see ``evidence.key_paragraphs``) and the quotes of the visit, set apart.

Every generated block (paragraph, list item, heading, quote, table) carries ``data-bron="bN"``,
and the section's ``provenance`` maps ``bN`` to the items it came from, each with a readable label:
``answer``, ``annotation``, ``summary``, ``quote``, ``figure``, ``duiding``, ``document``,
``respondent``, ``conversation``, ``submission``, ``team`` or ``skeleton`` (fixed text of the
template). The review team sees them next to the text; readers outside the team never do.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session, contains_eager, lazyload

from peerreview.formatting import date_nl
from peerreview.indicators import services as indicators
from peerreview.portret.evidence import full_text_link, key_paragraphs
from peerreview.portret.skeleton import Skeleton, SkeletonSection
from peerreview.review import annotating as review_annotations
from peerreview.review import assignments as review_team
from peerreview.review import summaries as review_summaries
from peerreview.review.models import Annotation, AnnotationKind, ReviewAssignment, TeamRole, ThemeSummary
from peerreview.review.themes import themes
from peerreview.rounds.models import Visitatie
from peerreview.sanitize import clean_html, plain_text
from peerreview.selfeval import documents, values
from peerreview.selfeval import services as selfeval
from peerreview.selfeval.definitions import Definition
from peerreview.selfeval.models import Submission
from peerreview.visit import services as visit
from peerreview.visit.models import (
    Conversation,
    ConversationMode,
    ConversationStatus,
    Quote,
    Respondent,
    RespondentGroup,
)

Progress = Callable[[int, str], None]
_BLOCK_TAG = re.compile(r"<(p|li|h3|h4|blockquote|table)>")
CLOSING = (
    "Wat in {gemeente} werkt, is gegroeid uit de eigen geschiedenis, de eigen verhoudingen en de keuzes van de "
    "mensen die er werken. Het is geen recept om over te nemen. Andere gemeenten kunnen er wel hun voordeel mee "
    "doen: als vraag aan zichzelf, niet als blauwdruk. Elke gemeente vindt haar eigen route."
)


class GenerationError(Exception):
    """The draft cannot be made; the message is Dutch."""


@dataclass
class Material:
    visitatie: Visitatie
    submission: Submission
    definition: Definition
    answers: dict[str, dict[str, Any]]
    annotations: list[Annotation]
    summaries: dict[str, ThemeSummary]
    quotes: list[Quote]
    conversations: list[Conversation]  # empty unless asked for (``gather(respondents=True)``)
    respondent_list: list[tuple[RespondentGroup, list[Respondent]]]
    figures: dict[str, Any]
    figures_obj: indicators.Figures | None  # None: not asked for (``gather(figures=False)``)
    team: list[ReviewAssignment]
    released: bool


def gather(
    session: Session, visitatie: Visitatie, progress: Progress, *, figures: bool = True, respondents: bool = True
) -> Material:
    """Everything the draft may be made of. ``figures`` and ``respondents`` False leave out the key
    figures and the respondent list (the section workspace asks for them only where a section uses them)."""
    progress(5, "De ingediende zelfevaluatie lezen")
    submission = review_annotations.current_submission(session, visitatie)
    if submission is None:
        raise GenerationError("Er is geen ingediende zelfevaluatie om het portret uit samen te stellen.")
    definition = selfeval.definition_for(visitatie)
    answers = {k: v for k, v in submission.snapshot.get("answers", {}).items() if k in definition.questions}
    progress(20, "Themasamenvattingen en aantekeningen van het reviewteam verzamelen")
    released = visitatie.annotations_released_at is not None or visitatie.round.open_review
    annotations = _observations(session, visitatie) if released else []
    summaries = review_summaries.summaries(session, visitatie) if released else {}
    progress(35, "Gesprekken, respondenten en citaten van de visitatie ophalen")
    quotes = list(session.scalars(_quotes(visitatie)))
    progress(50, "Kengetallen en de duiding van de gemeente ophalen")
    figures_obj = indicators.figures_for(session, visitatie.gemeente) if figures else None
    return Material(
        visitatie=visitatie,
        submission=submission,
        definition=definition,
        answers=answers,
        annotations=annotations,
        summaries={k: v for k, v in summaries.items() if v.summary.strip() or v.judgement},
        quotes=quotes,
        conversations=visit.conversations(session, visitatie) if respondents else [],
        respondent_list=visit.respondent_list(session, visitatie) if respondents else [],
        figures=indicators.block_data(figures_obj) if figures_obj else {"groups": [], "sources": [], "columns": []},
        figures_obj=figures_obj,
        team=review_team.team_of(session, visitatie),
        released=released,
    )


def _observations(session: Session, visitatie: Visitatie) -> list[Annotation]:
    """The review team's strengths and development points that say something, in reading order; never on
    a case text (without their replies: the draft does not use them)."""
    found = session.scalars(
        select(Annotation)
        .where(
            Annotation.visitatie_id == visitatie.id,
            Annotation.kind.in_((AnnotationKind.STERKTE, AnnotationKind.ONTWIKKELPUNT)),
        )
        .options(lazyload(Annotation.replies))
        .order_by(*review_annotations.READING_ORDER)
    )
    return [a for a in found if not (a.question_key or "").startswith("casus") and a.body.strip()]


def _quotes(visitatie: Visitatie) -> Select[Quote]:
    """The quotes from the visitatie's held conversations, of respondents who agreed to be quoted."""
    return (
        select(Quote)
        .join(Conversation, and_(Conversation.id == Quote.conversation_id, Conversation.visitatie_id == visitatie.id))
        .join(Quote.respondent)
        .options(contains_eager(Quote.respondent))
        .where(
            Quote.visitatie_id == visitatie.id,
            Conversation.status == ConversationStatus.GEHOUDEN,
            Respondent.may_quote.is_(True),
        )
        .order_by(Quote.id)
    )


# --- writing blocks with provenance -------------------------------------------------------------------


@dataclass
class Writer:
    """Collects one section's HTML; every block gets a provenance key."""

    counter: list[int]  # shared by all sections, so keys are unique within the portret
    parts: list[str] = field(default_factory=list)
    provenance: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def key(self, sources: list[dict[str, Any]]) -> str:
        self.counter[0] += 1
        key = f"b{self.counter[0]}"
        self.provenance[key] = sources
        return key

    def block(self, tag: str, inner_html: str, sources: list[dict[str, Any]]) -> None:
        self.parts.append(f'<{tag} data-bron="{self.key(sources)}">{inner_html}</{tag}>')

    def text(self, tag: str, text: str, sources: list[dict[str, Any]]) -> None:
        self.block(tag, html.escape(text), sources)

    def html(self, fragment: str, sources: list[dict[str, Any]]) -> None:
        """A piece of stored rich text: every block inside it gets the same provenance."""
        fragment = fragment.strip()
        if not fragment:
            return
        if not fragment.startswith(("<p", "<ul", "<ol", "<h3", "<h4", "<blockquote", "<table")):
            fragment = f"<p>{fragment}</p>"
        key = self.key(sources)
        self.parts.append(_BLOCK_TAG.sub(lambda m: f'<{m.group(1)} data-bron="{key}">', fragment))

    def items(self, entries: list[tuple[str, list[dict[str, Any]]]], ordered: bool = False) -> None:
        if not entries:
            return
        tag = "ol" if ordered else "ul"
        inner = "".join(f'<li data-bron="{self.key(sources)}">{text}</li>' for text, sources in entries)
        self.parts.append(f"<{tag}>{inner}</{tag}>")

    def result(self) -> tuple[str, dict[str, list[dict[str, Any]]]]:
        return clean_html("".join(self.parts), portret=True, limits=False), self.provenance


# --- provenance items -----------------------------------------------------------------------------------


def _answer_source(m: Material, key: str) -> dict[str, Any]:
    question = m.definition.questions[key]
    section = m.definition.top_section_of(key)
    return {
        "type": "answer",
        "key": key,
        "submission": m.submission.number,
        "revision": m.answers[key].get("revision"),
        "label": f"Zelfevaluatie, {section.title if section else ''}: {question.label}".replace(", :", ":"),
    }


def _author_label(m: Material, annotation: Annotation) -> str:
    role = next((a.role for a in m.team if a.user_id == annotation.author_id), None)
    if m.visitatie.round.anonymous_review or annotation.author is None:
        return role.label if role else "Reviewer"
    return annotation.author.name + (f" ({role.label.lower()})" if role else "")


def _annotation_source(m: Material, annotation: Annotation) -> dict[str, Any]:
    kind = "Sterkte" if annotation.kind is AnnotationKind.STERKTE else "Ontwikkelpunt"
    return {
        "type": "annotation",
        "id": annotation.id,
        "question": annotation.question_key,
        "label": f"{kind} van {_author_label(m, annotation)} bij ‘{_question_label(m, annotation.question_key)}’",
    }


def _question_label(m: Material, key: str | None) -> str:
    if key is None:
        return "een document"
    question = m.definition.questions.get(key)
    return question.label if question else key


def _summary_source(code: str) -> dict[str, Any]:
    return {"type": "summary", "theme": code, "label": f"Themasamenvatting {code} {themes()[code].label}"}


def _quote_source(quote: Quote) -> dict[str, Any]:
    return {
        "type": "quote",
        "id": quote.id,
        "conversation": quote.conversation_id,
        "label": f"Citaat van {quote.respondent.attribution} uit het gespreksverslag",
    }


def _figure_source(code: str, label: str) -> dict[str, Any]:
    return {"type": "figure", "indicator": code, "label": f"Kengetal {label}"}


SKELETON_SOURCE = {"type": "skeleton", "label": "Vaste tekst uit het portretsjabloon"}


# --- the sections -----------------------------------------------------------------------------------------


@dataclass
class Plan:
    """Which section gets which answer, annotation, quote and theme summary: each is used once in the
    body (the resumé sums up the themes again). Overview sections (the lead, optional sections) open with
    the gist of their answers instead."""

    answers: dict[str, tuple[str, ...]]
    annotations: dict[str, list[Annotation]]
    quotes: dict[str, list[Quote]]
    summaries: dict[str, list[str]] = field(default_factory=dict)  # theme codes whose summary leads a section


def _overview(section: SkeletonSection) -> bool:
    return section.kind == "lead" or (section.kind == "narrative" and section.optional)


def _plan_answers(m: Material, skeleton: Skeleton) -> dict[str, tuple[str, ...]]:
    full = [s for s in skeleton.sections if s.kind in ("narrative", "cijfers", "resume") and not _overview(s)]
    taken: dict[str, str] = {}
    for section in full:  # first the questions a section names itself, then those of the sections it names
        for key in section.questions:
            if key in m.definition.questions:
                taken.setdefault(key, section.key)
    for section in full:
        for key in question_keys(m.definition, section.questions):
            taken.setdefault(key, section.key)
    return {s.key: tuple(k for k in question_keys(m.definition, s.questions) if taken.get(k) == s.key) for s in full}


def _plan(m: Material, skeleton: Skeleton) -> Plan:
    answers = _plan_answers(m, skeleton)
    home = {key: section for section, keys in answers.items() for key in keys}
    body = [s for s in skeleton.sections if s.kind == "narrative" and not _overview(s)]
    resume = next((s.key for s in skeleton.sections if s.kind == "resume"), None)
    by_annotation: dict[str, list[Annotation]] = {s.key: [] for s in skeleton.sections}
    for a in m.annotations:  # with the answer it is about, else the first section on its theme
        target = home.get(a.question_key or "")
        if target is None and a.themes:
            target = next((s.key for s in body if a.themes[0] in s.themes), None)
        target = target or resume
        if target:
            by_annotation[target].append(a)
    with_quotes = [s for s in body if "quotes" in s.sources]
    by_quote: dict[str, list[Quote]] = {s.key: [] for s in skeleton.sections}
    for q in m.quotes:  # where the team meant it to go, else the first section on its theme
        target = q.section_key if q.section_key in by_quote else None
        if target is None and q.themes:
            target = next((s.key for s in with_quotes if q.themes[0] in s.themes), None)
        target = target or (with_quotes[0].key if with_quotes else resume)
        if target:
            by_quote[target].append(q)
    by_summary: dict[str, list[str]] = {s.key: [] for s in body}
    for code in sorted(m.summaries, key=lambda c: int(c[1:])):  # the first body section on the theme
        target = next((s.key for s in body if code in s.themes), None)
        if target:
            by_summary[target].append(code)
    return Plan(answers, by_annotation, by_quote, by_summary)


def question_keys(definition: Definition, keys: tuple[str, ...]) -> tuple[str, ...]:
    """Source keys as question keys: a section key stands for every question in it."""
    result: list[str] = []
    for key in keys:
        if key in definition.questions:
            result.append(key)
        elif (section := definition.section(key)) is not None:
            result.extend(q.key for q in section.all_questions())
    return tuple(dict.fromkeys(result))


def _answered(m: Material, keys: tuple[str, ...]) -> list[str]:
    return [k for k in question_keys(m.definition, keys) if (m.answers.get(k) or {}).get("plain", "").strip()]


# Answers whose first paragraph is prose; a table or a rated list has no opening line (its first row
# would read as "… | 318 | 2025 | …"), nor has a choice, so an overview leaves them to the section that
# has them as evidence.
PROSE_KINDS = ("richtext", "strengths")


def _write_openings(w: Writer, m: Material, keys: tuple[str, ...], limit: int) -> None:
    """The gist of a few answers, attributed: material for a short overview."""
    prose = [k for k in _answered(m, keys) if m.definition.questions[k].kind in PROSE_KINDS]
    for n, key in enumerate(prose[:limit]):
        paragraphs, _ = key_paragraphs(m.answers[key]["plain"], max_paragraphs=1, max_words=45)
        if paragraphs:
            w.text("p", f"{SAYS[n % len(SAYS)]} “{paragraphs[0]}”", [_answer_source(m, key)])


# How an excerpt of the zelfevaluatie is introduced, in turn, so that a section does not repeat itself.
SAYS = ("De gemeente schrijft:", "In de zelfevaluatie staat:", "De gemeente licht toe:")


def _write_answers(w: Writer, m: Material, keys: tuple[str, ...]) -> None:
    """The answers as evidence: short attributed excerpts of their key paragraphs (a table whole, with a
    sentence that says what it is), and a link to the full answer where the excerpt leaves something out.
    The link is for readers who may open the zelfevaluatie; ``evidence.selfeval_links`` removes it for
    everyone else (published and network views, the PDF)."""
    for n, key in enumerate(_answered(m, keys)):
        question = m.definition.questions[key]
        source = [_answer_source(m, key)]
        value = m.answers[key].get("value") or {}
        says = SAYS[n % len(SAYS)]
        trimmed = False
        if question.kind in ("rows", "rating_list"):
            intro = plain_text(value.get("intro", "")) if value.get("intro") else ""
            if intro:
                paragraphs, trimmed = key_paragraphs(intro)
                w.text("p", f"{says} “{' … '.join(paragraphs)}”", source)
            w.text("p", f"De gemeente geeft dit overzicht bij ‘{question.label}’:", source)
            head, rows = values.table(question, value)
            w.block("table", _table_html(head, rows), source)
        elif question.kind in ("choice", "checklist", "number"):
            lines = [line for line in values.plain(question, value).split("\n") if line.strip()]
            answer = lines[0] if lines else ""
            w.text("p", f"Op de vraag ‘{question.label}’ antwoordt de gemeente: {answer}.".replace("..", "."), source)
            if len(lines) > 1:
                paragraphs, trimmed = key_paragraphs("\n".join(lines[1:]), max_paragraphs=1)
                w.text("p", f"{says} “{paragraphs[0]}”", source)
        else:
            paragraphs, trimmed = key_paragraphs(m.answers[key]["plain"], max_words=55)
            if not paragraphs:
                continue
            w.text("p", f"{says} “{' … '.join(paragraphs)}”", source)
        if trimmed:
            w.block("p", full_text_link(key, question.label), source)


def _write_team(w: Writer, m: Material, codes: list[str]) -> None:
    """The review team's own words first: its summaries of the section's themes."""
    for code in codes:
        summary = m.summaries.get(code)
        if summary is not None and summary.summary.strip():
            w.text("p", " ".join(summary.summary.split()), [_summary_source(code)])


def _table_html(head: list[str], rows: list[list[str]]) -> str:
    cells = "".join(f"<th>{html.escape(label)}</th>" for label in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<thead><tr>{cells}</tr></thead><tbody>{body}</tbody>"


def _write_observations(w: Writer, m: Material, items: list[Annotation]) -> None:
    for kind, heading in (
        (AnnotationKind.STERKTE, "Wat het reviewteam sterk vindt"),
        (AnnotationKind.ONTWIKKELPUNT, "Ontwikkelpunten volgens het reviewteam"),
    ):
        chosen = [a for a in items if a.kind is kind]
        if not chosen:
            continue
        sources = [_annotation_source(m, a) for a in chosen]
        w.text("h4", heading, sources)
        w.items([(html.escape(" ".join(a.body.split())), [s]) for a, s in zip(chosen, sources, strict=True)])


def _write_quotes(w: Writer, items: list[Quote]) -> None:
    for q in items:
        w.block(
            "blockquote",
            f"<p>“{html.escape(q.text)}”</p><p>– {html.escape(q.respondent.attribution)}</p>",
            [_quote_source(q)],
        )


def _authors(w: Writer, m: Material) -> None:
    if not m.team:
        return
    if m.visitatie.round.anonymous_review:
        roles = sorted((a.role for a in m.team), key=lambda r: r is not TeamRole.LEAD)
        text = (
            "Het reviewteam: " + ", ".join(r.label.lower() for r in roles) + ", uit andere gemeenten van het netwerk."
        )
    else:
        names = []
        for a in sorted(m.team, key=lambda a: (a.role is not TeamRole.LEAD, a.id)):
            gemeente = next((mem.gemeente.name for mem in a.user.memberships), None)
            names.append(f"{a.user.name} ({a.role.label.lower()}{', gemeente ' + gemeente if gemeente else ''})")
        text = "; ".join(names) + "."
    w.text("p", text, [{"type": "team", "label": "Het reviewteam van deze visitatie"}])


def _cijfers(w: Writer, m: Material, section: SkeletonSection, plan: Plan) -> None:
    figures = m.figures_obj
    if figures is None:
        return
    for indicator in figures.indicators:
        duiding = figures.duidingen.get(indicator.code)
        if duiding is None or indicator.code not in figures.series:
            continue
        sources = [
            {
                "type": "duiding",
                "indicator": indicator.code,
                "label": f"Duiding door de gemeente: {indicator.short_name}",
            },
            _figure_source(indicator.code, indicator.short_name),
        ]
        w.text("h4", f"{indicator.short_name}: wat de gemeente erover zegt", sources)
        w.html(duiding.text, sources)
    _write_answers(w, m, plan.answers.get(section.key, ()))


def _resume(w: Writer, m: Material, section: SkeletonSection, plan: Plan) -> None:
    groups: list[tuple[str, list[str | None]]] = [
        ("Wat anderen kunnen leren: de sterktes", ["duidelijk_aanwezig"]),
        ("Aandachtspunten en ontwikkelpunten", ["in_ontwikkeling", "nog_niet_zichtbaar"]),
        ("Overige bevindingen per thema", [None]),
    ]
    for heading, wanted in groups:
        chosen = [
            (code, s) for code, s in sorted(m.summaries.items(), key=lambda kv: int(kv[0][1:])) if s.judgement in wanted
        ]
        if not chosen:
            continue
        w.text("h3", heading, [_summary_source(code) for code, _ in chosen])
        for code, summary in chosen:
            source = [_summary_source(code)]
            # the group heading says where the theme stands; no label after each theme (no scores)
            w.text("h4", themes()[code].label, source)
            if summary.summary.strip():
                w.text("p", " ".join(summary.summary.split()), source)
    _write_observations(w, m, plan.annotations.get(section.key, []))
    _write_quotes(w, plan.quotes.get(section.key, []))
    _write_answers(w, m, plan.answers.get(section.key, ()))
    w.text("p", CLOSING.format(gemeente=m.visitatie.gemeente.name), [SKELETON_SOURCE])


def _respondents(w: Writer, m: Material) -> None:
    held = [c for c in m.conversations if c.status is ConversationStatus.GEHOUDEN]
    if not held:
        return
    on_site = sum(1 for c in held if c.mode is ConversationMode.OP_LOCATIE)
    first, last = min(c.planned_on for c in held), max(c.planned_on for c in held)
    w.text(
        "p",
        f"Het reviewteam voerde {len(held)} gesprek{'ken' if len(held) != 1 else ''} tussen {date_nl(first)} en "
        f"{date_nl(last)}: {on_site} op locatie en {len(held) - on_site} digitaal. Respondenten staan hieronder met "
        "hun functie en organisatie.",
        [
            {"type": "conversation", "id": c.id, "label": f"Gesprek ‘{c.subject}’ ({date_nl(c.planned_on)})"}
            for c in held
        ],
    )
    for group, people in m.respondent_list:
        sources = [{"type": "respondent", "id": r.id, "label": f"Respondent {r.label}"} for r in people]
        w.text("h3", group.label, sources)
        # the same two columns in every group; a resident has a role and no organisation (an empty cell)
        rows = [[r.role + (f" (×{r.number})" if r.number > 1 else ""), r.organisation or ""] for r in people]
        w.block("table", _table_html(["Functie", "Organisatie"], rows), sources)


def _sources(w: Writer, m: Material) -> None:
    submission = m.submission
    variant = m.visitatie.variant.label.lower() if m.visitatie.variant else ""
    w.text(
        "h3",
        "Zelfevaluatie",
        [{"type": "submission", "number": submission.number, "label": "De ingediende zelfevaluatie"}],
    )
    w.text(
        "p",
        f"Zelfevaluatie {m.visitatie.gemeente.name} ({variant}), versie {submission.number}, ingediend op "
        f"{date_nl(submission.submitted_at.date())}.",
        [{"type": "submission", "number": submission.number, "label": "De ingediende zelfevaluatie"}],
    )
    snapshot = submission.snapshot.get("documents", {})
    files = snapshot.get("files", [])
    present = {k for k, v in snapshot.get("checklist", {}).items() if v == "aanwezig"}
    for group in documents.checklist()["groups"]:
        keys = {item["key"]: item["label"] for item in group["items"]}
        entries = []
        for f in files:
            if f.get("item_key") in keys:
                source = {"type": "document", "id": f["id"], "label": f"Document ‘{f['title']}’"}
                entries.append((html.escape(f"{f['title']} ({f['filename']})"), [source]))
        for key, label in keys.items():
            if key in present and not any(f.get("item_key") == key for f in files):
                entries.append(
                    (
                        html.escape(f"{label} (aanwezig, niet geüpload)"),
                        [{"type": "checklist", "key": key, "label": f"Documentenlijst: {label}"}],
                    )
                )
        if entries:
            w.text("h3", group["title"], [source for _, sources in entries for source in sources])
            w.items(entries)
    loose = [f for f in files if not f.get("item_key")]
    if loose:
        entries = [
            (
                html.escape(f"{f['title']} ({f['filename']})"),
                [{"type": "document", "id": f["id"], "label": f"Document ‘{f['title']}’"}],
            )
            for f in loose
        ]
        w.text("h3", "Overige documenten", [s for _, sources in entries for s in sources])
        w.items(entries)
    figure_sources = m.figures.get("sources", [])
    if figure_sources:
        entries = [
            (
                html.escape(f"{s['name']}: {s['source']}; {', '.join(s['periods'])}."),
                [_figure_source(s["code"], s["name"])],
            )
            for s in figure_sources
        ]
        w.text("h3", "Cijferbronnen", [s for _, sources in entries for s in sources])
        w.items(entries)


def compose(m: Material, skeleton: Skeleton, progress: Progress, motto: str = "") -> dict[str, Any]:
    """The portret's content: one entry per skeleton section, in order."""
    plan = _plan(m, skeleton)
    counter = [0]
    gemeente = m.visitatie.gemeente.name
    sections: list[dict[str, Any]] = []
    for n, section in enumerate(skeleton.sections):
        progress(55 + 40 * n // len(skeleton.sections), f"Sectie ‘{section.heading(gemeente)}’ schrijven")
        w = Writer(counter)
        figures = None
        if section.kind == "authors":
            _authors(w, m)
        elif _overview(section):
            _write_openings(w, m, section.questions, limit=2 if section.kind == "lead" else 4)
            _write_observations(w, m, plan.annotations.get(section.key, []))
            _write_quotes(w, plan.quotes.get(section.key, []))
        elif section.kind == "narrative":  # the team's words first, then the evidence
            _write_team(w, m, plan.summaries.get(section.key, []))
            _write_observations(w, m, plan.annotations.get(section.key, []))
            _write_answers(w, m, plan.answers.get(section.key, ()))
            _write_quotes(w, plan.quotes.get(section.key, []))
        elif section.kind == "cijfers":
            figures = m.figures if m.figures["groups"] else None
            _cijfers(w, m, section, plan)
        elif section.kind == "resume":
            _resume(w, m, section, plan)
        elif section.kind == "respondents":
            _respondents(w, m)
        elif section.kind == "sources":
            _sources(w, m)
        body, provenance = w.result()
        entry: dict[str, Any] = {
            "key": section.key,
            "kind": section.kind,
            "level": section.level,
            "title": title_for(section, gemeente, motto) if section.kind == "title" else section.heading(gemeente),
            "html": body,
            "provenance": provenance,
        }
        if figures is not None:
            entry["figures"] = figures
            entry["figure_provenance"] = [
                _figure_source(row["code"], row["name"])
                for group in figures["groups"]
                for row in group["rows"]
                if not row["is_index"]
            ]
        sections.append(entry)
    return {"skeleton": skeleton.version, "gemeente": gemeente, "motto": motto, "sections": sections}


def title_for(section: SkeletonSection, gemeente: str, motto: str) -> str:
    return section.heading(gemeente, motto) if motto.strip() else f"Gemeenteportret {gemeente}"
