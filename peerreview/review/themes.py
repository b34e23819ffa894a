"""The twelve success themes and the review vocabulary (``forms/themes-v1.yaml``, ``review-prompts-v1.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from peerreview import yamlfiles
from peerreview.config import ROOT
from peerreview.review.models import AnnotationKind
from peerreview.selfeval.definitions import DefinitionError

FORMS = ROOT / "forms"


@dataclass(frozen=True)
class Theme:
    code: str
    label: str
    short: str
    description: str
    look_fors: tuple[str, ...]
    evidence_sections: tuple[str, ...]
    colour: str
    highlight: str


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = yamlfiles.load((FORMS / "themes-v1.yaml").read_text(encoding="utf-8"))
    return data


@cache
def themes() -> dict[str, Theme]:
    return {
        t["code"]: Theme(
            code=t["code"],
            label=t["label"],
            short=t["short"],
            description=t["description"],
            look_fors=tuple(t.get("look_fors", [])),
            evidence_sections=tuple(t.get("evidence_sections", [])),
            colour=t["colour"],
            highlight=t["highlight"],
        )
        for t in _data()["themes"]
    }


def kinds() -> dict[str, str]:
    return {k["value"]: k["label"] for k in _data()["annotation_kinds"]}


def judgements() -> dict[str, str]:
    return {j["value"]: j["label"] for j in _data()["judgements"]}


@cache
def prompts() -> list[dict[str, Any]]:
    return list(yamlfiles.load((FORMS / "review-prompts-v1.yaml").read_text(encoding="utf-8"))["prompts"])


def validate() -> None:
    """Called at start-up: twelve themes T1..T12, each with colours; kinds match the model."""
    codes = list(themes())
    if codes != [f"T{i}" for i in range(1, 13)]:
        raise DefinitionError(f"{FORMS / 'themes-v1.yaml'}: themes must be T1..T12 in order, found {codes}")
    if set(kinds()) != {k.value for k in AnnotationKind}:
        raise DefinitionError(
            f"{FORMS / 'themes-v1.yaml'}: annotation_kinds must be {[k.value for k in AnnotationKind]}"
        )
