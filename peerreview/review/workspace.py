"""What the review pages show (view layer: reads the query string). The workspace shows one chapter of
the submitted zelfevaluatie with its annotations; the theme view and the exports need every annotation."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import abort, g, get_template_attribute, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import Session, defer, lazyload

from peerreview import access, db
from peerreview.review import themes
from peerreview.review.agreement import agreement
from peerreview.review.annotating import (
    annotation_cards,
    annotation_index,
    annotations_of,
    current_submission,
    replies_of,
)
from peerreview.review.assignments import team_of
from peerreview.review.chapters import (
    ALL_CHAPTERS,
    CASES_CHAPTER,
    DOCUMENTS_CHAPTER,
    annotation_urls,
    chapter_of,
)
from peerreview.review.models import ReviewAssignment
from peerreview.rounds.models import Visitatie
from peerreview.selfeval.models import Submission
from peerreview.selfeval.services import definition_for


def _chapters(definition: Any, answers: dict[str, Any], cases: list[Any], shown: list[Any]) -> list[dict[str, Any]]:
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


def _by_question(items: list[Any]) -> dict[str | None, list[Any]]:
    result: dict[str | None, list[Any]] = {}
    for a in items:
        result.setdefault(a.question_key, []).append(a)
    return result


def _reviewer_filter() -> int | None:
    value = request.args.get("reviewer", "")
    return int(value) if re.fullmatch(r"[0-9]{1,10}", value) else None


def review_team(visitatie: Visitatie) -> list[ReviewAssignment]:
    """The visitatie's review team, once per request. Asked before the access checks, it also gives the
    access policy the current user's place on the team, which it would otherwise query on its own."""
    teams = g.setdefault("review_teams", {})
    if visitatie.id not in teams:
        teams[visitatie.id] = team_of(db.session(), visitatie)
        access.remember_assignments(current_user, teams[visitatie.id], [visitatie])
    return teams[visitatie.id]  # type: ignore[no-any-return]


def _annotations_context(
    visitatie: Visitatie, load: Callable[[Session, Visitatie], list[Any]], *, content: bool = False
) -> dict[str, Any]:
    """What every review page and export shows: the submitted version under review (404 while it is
    reopened; ``content``: with its snapshot, else only its number and date), the team, and the annotations
    ``load`` reads that this user may see, numbered."""
    s = db.session()
    without = [lazyload(Submission.submitted_by)] + ([] if content else [defer(Submission.snapshot)])
    submission = current_submission(s, visitatie, *without)
    if submission is None:
        abort(404)
    team = review_team(visitatie)
    every = load(s, visitatie)
    if not access.can("casus.read", visitatie):  # case texts (and quotes from them) never leave the visitatie
        every = [a for a in every if not (a.question_key or "").startswith("casus")]
    return {
        "visitatie": visitatie,
        "submission": submission,
        "all_annotations": every,
        "numbers": {a.id: n for n, a in enumerate(every, start=1)},
        "themes": themes.themes(),
        "kinds": themes.kinds(),
        "team": team,
        "role_of": {a.user_id: a.role for a in team},
        "anonymous": visitatie.round.anonymous_review,
        "can_annotate": access.can("review.annotate", visitatie),
    }


def export_context(visitatie: Visitatie) -> dict[str, Any]:
    """For the exports: every annotation in full (with its replies)."""
    return _annotations_context(visitatie, annotations_of)


def theme_context(visitatie: Visitatie) -> dict[str, Any]:
    """For the theme view: every annotation as a plain row, with where reviewers coded differently."""
    context = _annotations_context(visitatie, annotation_cards)
    every = context["all_annotations"]
    disagreements, per_theme = agreement(every)
    return context | {
        "disagreements": disagreements,
        "per_theme": per_theme,
        "authors": _authors(every, context["role_of"], context["anonymous"]),
        "links": annotation_urls(visitatie, every),
        "chips_of": theme_chips(),
    }


def workspace_context(visitatie: Visitatie, chapter: str | None = None) -> dict[str, Any]:
    """The workspace: one chapter (``chapter``, else the query string's) of the submitted zelfevaluatie with
    its annotations. It reads all of them as light rows (for numbers, counts and agreement) and loads as
    cards only those of the chapter on screen, with their replies; the whole text on one page
    (``ALL_CHAPTERS``) reads them all as cards at once."""
    chapter = chapter if chapter is not None else request.args.get("onderdeel", "")
    whole = chapter == ALL_CHAPTERS
    context = _annotations_context(visitatie, annotation_cards if whole else annotation_index, content=True)
    s = db.session()
    definition = definition_for(visitatie)
    submission, every = context["submission"], context["all_annotations"]
    theme = request.args.get("thema", "")
    kind = request.args.get("soort", "")
    author = _reviewer_filter()
    matching = [
        a
        for a in every
        if (not theme or theme in a.themes)
        and (not kind or a.kind.value == kind)
        and (not author or a.author_id == author)
    ]
    disagreements, per_theme = agreement(every)
    answers = submission.snapshot.get("answers", {})  # by question key: value, plain text, revision
    cases = submission.snapshot.get("cases", []) if access.can("casus.read", visitatie) else []
    chapters = _chapters(definition, answers, cases, matching)
    keys = [c["key"] for c in chapters]
    if chapter not in (*keys, ALL_CHAPTERS):
        chapter = keys[0] if keys else ALL_CHAPTERS
    on_screen = [a.id for a in matching if chapter == ALL_CHAPTERS or chapter_of(definition, a.question_key) == chapter]
    shown = matching if whole else annotation_cards(s, visitatie, ids=on_screen)
    return context | {
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
        "replies": replies_of(s, visitatie, on_screen),
        "authors": _authors(shown, context["role_of"], context["anonymous"]),
        "matching": len(matching),
        "by_question": _by_question(shown),
        "filters": {"thema": theme, "soort": kind, "reviewer": author},
        "disagreements": disagreements,
        "per_theme": per_theme,
        "cases": cases,
        "documents": submission.snapshot.get("documents", {}).get("files", []),
        "form_error": None,
        "card_context": None,  # filled by with_card_context
        "posted": None,
    }


def theme_chips() -> dict[str, Any]:
    """``review/_chips.html``'s chip of each theme, by code: rendered once per page, not once per annotation."""
    chips = get_template_attribute("review/_chips.html", "chips")
    return {code: chips([code], themes.themes()) for code in themes.themes()}


def _authors(cards: list[Any], role_of: dict[int, Any], anonymous: bool) -> dict[int | None, str]:
    """How each author of these annotation cards is named (by ``reviewer_label``), by author id."""
    return {a.author_id: reviewer_label(a.author_id, a.author_name, role_of, anonymous) for a in cards}


def with_card_context(context: dict[str, Any], reply: dict[str, Any] | None = None) -> dict[str, Any]:
    """What every annotation card needs, computed once per page; ``reply``: a refused reply to show again
    (``id`` of the annotation, ``body`` as typed, ``error``)."""
    keys = ("numbers", "kinds", "replies", "authors", "anonymous", "visitatie", "documents", "can_annotate")
    visitatie_id = context["visitatie"].id
    context["card_context"] = {key: context[key] for key in keys} | {
        "user_id": current_user.id,
        "csrf_token": generate_csrf(),  # once per page, not once per card
        "reply": reply,
        "chips": theme_chips(),
        "reply_url": _by_annotation_id(url_for("review.add_reply", visitatie_id=visitatie_id, annotation_id=_ID)),
        "edit_url": _by_annotation_id(url_for("review.update", visitatie_id=visitatie_id, annotation_id=_ID)),
    }
    return context


_ID = 987654321  # stands for the annotation id in a card's URLs: built once per page, filled in per card


def _by_annotation_id(url: str) -> str:
    """``url``, built with ``_ID``, as a format string of the annotation id (``url.format(id)``)."""
    return url.replace("{", "{{").replace("}", "}}").replace(str(_ID), "{}")


def reviewer_label(author_id: int | None, author_name: str | None, role_of: dict[int, Any], anonymous: bool) -> str:
    """How an annotation's author is named: by role in an anonymous review, else by name."""
    role = role_of.get(author_id or 0)
    if anonymous:
        return role.label if role else "Reviewer"
    return author_name if author_name is not None else "onbekend"
