"""Where an annotation is shown: the workspace shows one chapter of the zelfevaluatie at a time (calmer
to read, and a page of a few hundred annotations stays quick); "alles" shows the whole text on one page."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import url_for

from peerreview.rounds.models import Visitatie
from peerreview.selfeval.definitions import load
from peerreview.selfeval.services import definition_for

ALL_CHAPTERS = "alles"
CASES_CHAPTER = "casussen"
DOCUMENTS_CHAPTER = "documenten"


@cache
def _chapter_keys(definition_key: str, version: int) -> dict[str, str]:
    return {q.key: top.key for top in load(definition_key, version).sections for q in top.all_questions()}


def chapter_of(definition: Any, question_key: str | None) -> str:
    """The workspace chapter an annotation is shown in."""
    if question_key is None:
        return DOCUMENTS_CHAPTER
    if question_key.startswith("casus"):
        return CASES_CHAPTER
    return _chapter_keys(definition.key, definition.version).get(question_key, ALL_CHAPTERS)


def annotation_url(visitatie: Visitatie, question_key: str | None, annotation_id: int, **kwargs: Any) -> str:
    """The workspace chapter that shows this annotation, scrolled to it."""
    chapter = chapter_of(definition_for(visitatie), question_key)
    return url_for(
        "review.workspace", visitatie_id=visitatie.id, onderdeel=chapter, _anchor=f"a-{annotation_id}", **kwargs
    )


def annotation_urls(visitatie: Visitatie, items: list[Any]) -> dict[int, str]:
    """``annotation_url`` of each of ``items`` by annotation id: one ``url_for`` per chapter, not per annotation."""
    definition = definition_for(visitatie)
    chapters: dict[str, str] = {}
    urls = {}
    for a in items:
        chapter = chapter_of(definition, a.question_key)
        if chapter not in chapters:
            chapters[chapter] = url_for("review.workspace", visitatie_id=visitatie.id, onderdeel=chapter)
        urls[a.id] = f"{chapters[chapter]}#a-{a.id}"
    return urls
