"""The writing workspace of a portret section: next to the text, its evidence, the research questions
that apply to it, and what it does not use yet.

The evidence is what the draft generator may use (``generator.gather``), so the privacy rules are the
generator's: the submitted zelfevaluatie without the plusversie's case texts, the annotations and theme
summaries only once the team released them, quotes only from held conversations of respondents who
agreed to be quoted (never the conversation notes), key figures with the gemeente's duiding, and the
documents of the submission. What belongs to the section follows the skeleton (``forms/portret-v1.yaml``):
the questions and sections it names, its themes, and whether it takes quotes, figures and documents.

The research questions (``forms/portret-onderzoeksvragen-v1.yaml``) are the study's questions per
gemeente (DOMAIN.md §3.1), phrased as questions the team asks itself while writing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from peerreview import yamlfiles
from peerreview.portret import document_cache, generator
from peerreview.portret.evidence import Evidence, key_paragraphs, marks
from peerreview.portret.skeleton import FORMS, SkeletonSection
from peerreview.review.models import AnnotationKind
from peerreview.review.themes import themes
from peerreview.rounds.models import Visitatie
from peerreview.sanitize import plain_text
from peerreview.selfeval import values
from peerreview.selfeval.definitions import DefinitionError

PROMPTS_FILE = "portret-onderzoeksvragen-v1.yaml"


@dataclass(frozen=True)
class Prompt:
    id: str
    text: str


@cache
def prompts() -> dict[str, list[Prompt]]:
    """Section key -> the research questions that help write it, in the file's order."""
    path = FORMS / PROMPTS_FILE
    try:
        data = yamlfiles.load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DefinitionError(f"{path}: cannot be read: {error}") from error
    result: dict[str, list[Prompt]] = {}
    for item in data.get("questions") or []:
        for section in item.get("sections") or []:
            result.setdefault(section, []).append(Prompt(str(item["id"]), " ".join(str(item["text"]).split())))
    return result


@dataclass
class Group:
    key: str
    title: str
    items: list[Evidence]
    empty: str  # what to say when there is nothing


@dataclass
class Coverage:
    themes: list[tuple[str, str]]  # (code, label) of the section's themes the text does not use yet
    strengths: list[Evidence]
    developments: list[Evidence]

    @property
    def complete(self) -> bool:
        return not (self.themes or self.strengths or self.developments)


@dataclass
class Workspace:
    section: SkeletonSection
    prompts: list[Prompt]
    groups: list[Group]
    coverage: Coverage
    theme_codes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def evidence(self) -> dict[str, Evidence]:
        return {item.ref: item for group in self.groups for item in group.items}


# --- the evidence of one section ------------------------------------------------------------------------


def _answer(m: generator.Material, key: str) -> Evidence | None:
    question = m.definition.questions[key]
    answer = m.answers.get(key) or {}
    plain = (answer.get("plain") or "").strip()
    if not plain:
        return None
    value = answer.get("value") or {}
    if question.kind in ("rows", "rating_list"):
        _head, rows = values.table(question, value)
        lines = [" · ".join(c for c in row if c) for row in rows[:6]]
        text, trimmed = "\n".join(line for line in lines if line), len(rows) > 6
    else:
        paragraphs, trimmed = key_paragraphs(plain)
        text = "\n".join(paragraphs)
    return Evidence(
        ref=f"answer:{key}",
        kind="answer",
        title=question.label,
        text=text,
        attribution="De gemeente",
        sources=[generator._answer_source(m, key)],
        trimmed=trimmed,
        full_text_key=key,
    )


def _summary(code: str, text: str) -> Evidence:
    label = themes()[code].label
    return Evidence(
        ref=f"summary:{code}",
        kind="summary",
        title=f"{code} {label}",
        text=" ".join(text.split()),
        attribution="Het reviewteam",
        sources=[generator._summary_source(code)],
        themes=(code,),
    )


def _figures(m: generator.Material) -> list[Evidence]:
    figures = m.figures_obj
    if figures is None:
        return []
    columns = [c["name"] for c in m.figures.get("columns", [])]
    sources = {s["code"]: s for s in m.figures.get("sources", [])}
    items: list[Evidence] = []
    seen: set[str] = set()
    for group in m.figures.get("groups", []):
        for row in group["rows"]:
            if row["is_index"] or row["code"] in seen:
                continue
            seen.add(row["code"])
            cells = [
                f"{name} {cell}" for name, cell in zip(columns, row["cells"], strict=False) if cell and cell != "–"
            ]
            text = f"{row['label']}: " + "; ".join(cells) + "."
            source = sources.get(row["code"])
            if source:
                text += f" Bron: {source['source']}."
            duiding = figures.duidingen.get(row["code"])
            sourced = [generator._figure_source(row["code"], row["name"])]
            if duiding is not None and plain_text(duiding.text).strip():
                said, _ = key_paragraphs(plain_text(duiding.text), max_paragraphs=1, max_words=50)
                text += f"\nDe gemeente duidt dit zo: {said[0]}"
                sourced.insert(
                    0,
                    {"type": "duiding", "indicator": row["code"], "label": f"Duiding door de gemeente: {row['name']}"},
                )
            items.append(
                Evidence(
                    ref=f"figure:{row['code']}",
                    kind="figure",
                    title=row["name"],
                    text=text,
                    attribution="Kengetallen",
                    sources=sourced,
                    group=group["title"],
                )
            )
    return items


def _documents(m: generator.Material) -> list[Evidence]:
    snapshot = m.submission.snapshot.get("documents", {})
    return [
        Evidence(
            ref=f"document:{f['id']}",
            kind="document",
            title="Document",
            text=f"‘{f['title']}’ ({f['filename']})",
            attribution="De gemeente",
            sources=[{"type": "document", "id": f["id"], "label": f"Document ‘{f['title']}’"}],
        )
        for f in snapshot.get("files", [])
    ]


def _section_questions(m: generator.Material, section: SkeletonSection) -> tuple[str, ...]:
    # Case texts (plusversie) never leave the visitatie: not even as a question key of the skeleton.
    return tuple(k for k in generator.question_keys(m.definition, section.questions) if not k.startswith("casus"))


def _submitted(
    m: generator.Material, section: SkeletonSection
) -> tuple[tuple[str, ...], list[Evidence], list[Evidence]]:
    """The section's question keys, its answers and the submission's documents (when the section takes
    them). A submission never changes (a new one has a new checksum), so they are made once per
    submission, definition and section, and kept with the portret's rendered versions."""
    key = ("evidence", m.submission.id, m.submission.checksum, m.definition.key, m.definition.version, section)

    def make() -> tuple[tuple[str, ...], list[Evidence], list[Evidence]]:
        keys = _section_questions(m, section)
        answers = [item for key in keys if (item := _answer(m, key)) is not None]
        return keys, answers, _documents(m) if "documents" in section.sources else []

    return document_cache.remembered(key, make)


def evidence_groups(m: generator.Material, section: SkeletonSection) -> list[Group]:
    """The section's evidence, grouped as the workspace shows it."""
    section_themes = set(section.themes)
    keys, answers, documents = _submitted(m, section)
    summaries = [
        _summary(code, s.summary)
        for code, s in sorted(m.summaries.items(), key=lambda kv: int(kv[0][1:]))
        if code in section_themes and s.summary.strip()
    ]
    observations: list[Evidence] = []
    for a in m.annotations:
        if a.question_key not in keys and not section_themes.intersection(a.themes or []):
            continue
        strength = a.kind is AnnotationKind.STERKTE
        observations.append(
            Evidence(
                ref=f"annotation:{a.id}",
                kind="strength" if strength else "development",
                title="Sterkte" if strength else "Ontwikkelpunt",
                text=" ".join(a.body.split()),
                attribution=generator._author_label(m, a),
                sources=[generator._annotation_source(m, a)],
                themes=tuple(a.themes or ()),
            )
        )
    quotes = [
        Evidence(
            ref=f"quote:{q.id}",
            kind="quote",
            title=q.respondent.role,
            text=" ".join(q.text.split()),
            attribution=q.respondent.attribution,
            sources=[generator._quote_source(q)],
            themes=tuple(q.themes or ()),
            group=q.respondent.role,
        )
        for q in m.quotes
        if q.section_key == section.key or (not q.section_key and section_themes.intersection(q.themes or []))
    ]
    quotes.sort(key=lambda e: (e.group.lower(), e.ref))
    groups = [
        Group(
            "team",
            "Het reviewteam: themasamenvattingen",
            summaries,
            "Nog geen gedeelde themasamenvatting bij de thema's van deze sectie.",
        ),
        Group(
            "punten",
            "Sterktes en ontwikkelpunten",
            observations,
            "Nog geen gedeelde sterktes of ontwikkelpunten bij deze sectie.",
        ),
        Group("zelfevaluatie", "De zelfevaluatie", answers, "Geen beantwoorde vragen bij deze sectie."),
        Group("citaten", "Citaten uit de gesprekken, per functie", quotes, "Nog geen citaten bij deze sectie."),
    ]
    if uses_figures(section):
        groups.append(Group("cijfers", "Kengetallen met de duiding van de gemeente", _figures(m), "Geen kengetallen."))
    if "documents" in section.sources:
        groups.append(Group("documenten", "Documenten", documents, "Geen documenten bij de zelfevaluatie."))
    return groups


# --- coverage ---------------------------------------------------------------------------------------------


def coverage(groups: list[Group], section: SkeletonSection, body: str, provenance: dict[str, Any]) -> Coverage:
    """What the section's text (``body``, with its ``provenance``) does not use yet: the section's themes
    (a theme is used when the text cites its summary, a point or a quote on it, or names it), and the
    strengths and development points of its evidence (cited, or their words in the text)."""
    items = {item.ref: item for group in groups for item in group.items}
    present = set(re.findall(r'data-bron="(b\d{1,5})"', body))
    used: set[str] = set(marks(body))
    for key in present:
        for source in provenance.get(key, []):
            kind = source.get("type")
            if kind == "summary":
                used.add(f"summary:{source.get('theme')}")
            elif kind in ("annotation", "quote", "document"):
                used.add(f"{kind}:{source.get('id')}")
            elif kind == "answer":
                used.add(f"answer:{source.get('key')}")
            elif kind in ("figure", "duiding"):
                used.add(f"figure:{source.get('indicator')}")
    text = " ".join(plain_text(body).split()).lower()
    for item in items.values():
        if item.kind in ("strength", "development", "summary") and item.text and item.text.lower() in text:
            used.add(item.ref)
    used_themes = {code for ref in used if (found := items.get(ref)) for code in found.themes}
    missing_themes = [
        (code, themes()[code].label)
        for code in section.themes
        if code in themes() and code not in used_themes and themes()[code].label.lower() not in text
    ]
    points = [item for item in items.values() if item.kind in ("strength", "development") and item.ref not in used]
    return Coverage(
        themes=missing_themes,
        strengths=[p for p in points if p.kind == "strength"],
        developments=[p for p in points if p.kind == "development"],
    )


# --- assembling ---------------------------------------------------------------------------------------------


def uses_figures(section: SkeletonSection) -> bool:
    return "indicators" in section.sources or section.kind == "cijfers"


def material(session: Session, visitatie: Visitatie, section: SkeletonSection) -> generator.Material | None:
    """What the draft may be made of, as far as this section needs it (the key figures only where the
    section uses them, no respondent list), or None when there is no submitted zelfevaluatie."""
    try:
        return generator.gather(
            session, visitatie, lambda _percent, _step: None, figures=uses_figures(section), respondents=False
        )
    except generator.GenerationError:
        return None


def build(
    session: Session,
    visitatie: Visitatie,
    section: SkeletonSection,
    body: str,
    provenance: dict[str, Any],
    m: generator.Material | None = None,
) -> Workspace:
    m = m if m is not None else material(session, visitatie, section)
    groups = evidence_groups(m, section) if m is not None else []
    return Workspace(
        section=section,
        prompts=prompts().get(section.key, []),
        groups=groups,
        coverage=coverage(groups, section, body, provenance),
        theme_codes=[(code, themes()[code].label) for code in section.themes if code in themes()],
    )
