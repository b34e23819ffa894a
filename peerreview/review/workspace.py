"""What the review pages show (view layer: reads the query string). The workspace shows one chapter of
the submitted zelfevaluatie with its annotations; the theme view and the exports need every annotation."""

from __future__ import annotations

import re
from typing import Any

from flask import abort, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from peerreview import access, db
from peerreview.review import themes
from peerreview.review.agreement import agreement
from peerreview.review.annotating import annotation_index, annotations_of, current_submission
from peerreview.review.assignments import team_of
from peerreview.review.chapters import ALL_CHAPTERS, CASES_CHAPTER, DOCUMENTS_CHAPTER, chapter_of
from peerreview.review.models import Annotation
from peerreview.rounds.models import Visitatie
from peerreview.selfeval.services import definition_for
from peerreview.selfeval.submission import answers_from


def _chapters(
    definition: Any, answers: dict[str, Any], cases: list[Any], shown: list[Annotation]
) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for a in shown:
        key = chapter_of(definition, a.question_key)
        counts[key] = counts.get(key, 0) + 1
    chapters = [
        {"key": top.key, "title": top.title, "count": counts.get(top.key, 0)}
        for top in definition.sections
        if any(q.key in answers for q in top.all_questions())
    ]
    if any(c.get("fields") for c in cases):
        chapters.append({"key": CASES_CHAPTER, "title": "Casussen", "count": counts.get(CASES_CHAPTER, 0)})
    if counts.get(DOCUMENTS_CHAPTER):
        chapters.append({"key": DOCUMENTS_CHAPTER, "title": "Documenten", "count": counts[DOCUMENTS_CHAPTER]})
    return chapters


def _by_question(items: list[Annotation]) -> dict[str | None, list[Annotation]]:
    result: dict[str | None, list[Annotation]] = {}
    for a in items:
        result.setdefault(a.question_key, []).append(a)
    return result


def _reviewer_filter() -> int | None:
    value = request.args.get("reviewer", "")
    return int(value) if re.fullmatch(r"[0-9]{1,10}", value) else None


def workspace_context(visitatie: Visitatie, chapter_view: bool = False, chapter: str | None = None) -> dict[str, Any]:
    """What the review pages show. The theme view and the exports need every annotation in full; the
    workspace (``chapter_view``) reads all of them as light rows (for numbers, counts and agreement)
    and loads in full only those of the chapter on screen (``chapter``, else the query string's)."""
    s = db.session()
    submission = current_submission(s, visitatie)
    if submission is None:
        abort(404)
    definition = definition_for(visitatie)
    theme = request.args.get("thema", "")
    kind = request.args.get("soort", "")
    author = _reviewer_filter()
    team = team_of(s, visitatie)  # first: the authors are then known without extra queries
    every: list[Any] = annotation_index(s, visitatie) if chapter_view else annotations_of(s, visitatie)
    if not access.can("casus.read", visitatie):  # case texts (and quotes from them) never leave the visitatie
        every = [a for a in every if not (a.question_key or "").startswith("casus")]
    matching = [
        a
        for a in every
        if (not theme or theme in a.themes)
        and (not kind or a.kind.value == kind)
        and (not author or a.author_id == author)
    ]
    disagreements, per_theme = agreement(every)
    answers = answers_from(submission.snapshot)
    cases = submission.snapshot.get("cases", []) if access.can("casus.read", visitatie) else []
    chapters = _chapters(definition, answers, cases, matching)
    keys = [c["key"] for c in chapters]
    chapter = chapter if chapter is not None else request.args.get("onderdeel", "")
    if chapter not in (*keys, ALL_CHAPTERS):
        chapter = keys[0] if keys else ALL_CHAPTERS
    shown = matching
    if chapter_view:
        on_screen = [
            a.id for a in matching if chapter == ALL_CHAPTERS or chapter_of(definition, a.question_key) == chapter
        ]
        shown = annotations_of(s, visitatie, ids=on_screen)
    return {
        "visitatie": visitatie,
        "submission": submission,
        "definition": definition,
        "answers": answers,
        "chapters": chapters,
        "chapter": chapter,
        "pages": [
            p
            for p in definition.pages
            if chapter == ALL_CHAPTERS or ((top := definition.top_section_of(p.key)) is not None and top.key == chapter)
        ],
        "show_cases": chapter in (CASES_CHAPTER, ALL_CHAPTERS),
        "show_documents": chapter in (DOCUMENTS_CHAPTER, ALL_CHAPTERS),
        "annotations": shown,
        "matching": len(matching),
        "all_annotations": every,
        "by_question": _by_question(shown),
        "themes": themes.themes(),
        "kinds": themes.kinds(),
        "filters": {"thema": theme, "soort": kind, "reviewer": author},
        "team": team,
        "anonymous": visitatie.round.anonymous_review,
        "disagreements": disagreements,
        "per_theme": per_theme,
        "can_annotate": access.can("review.annotate", visitatie),
        "cases": cases,
        "role_of": {a.user_id: a.role for a in team},
        "numbers": {a.id: n for n, a in enumerate(every, start=1)},
        "documents": submission.snapshot.get("documents", {}).get("files", []),
        "form_error": None,
        "card_context": None,  # filled by with_card_context
        "posted": None,
    }


def with_card_context(context: dict[str, Any], reply: dict[str, Any] | None = None) -> dict[str, Any]:
    """What every annotation card needs, computed once per page; ``reply``: a refused reply to show again
    (``id`` of the annotation, ``body`` as typed, ``error``)."""
    keys = ("numbers", "kinds", "themes", "role_of", "anonymous", "visitatie", "documents", "can_annotate")
    context["card_context"] = {key: context[key] for key in keys} | {
        "user_id": current_user.id,
        "csrf_token": generate_csrf(),  # once per page, not once per card
        "reply": reply,
    }
    return context


def reviewer_label(annotation: Annotation, role_of: dict[int, Any], anonymous: bool) -> str:
    """How an annotation's author is named: by role in an anonymous review, else by name."""
    role = role_of.get(annotation.author_id or 0)
    if anonymous:
        return role.label if role else "Reviewer"
    return annotation.author.name if annotation.author else "onbekend"
