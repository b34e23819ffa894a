"""The portret skeleton (``forms/portret-v<N>.yaml``): the sections of a gemeenteportret, in order,
with their kind, guidance for the review team and the material the draft generator uses.

A portret records the skeleton version it was generated with. ``validate()`` runs at start-up: a
broken file, an unknown kind or a source that names no question stops the app with a clear message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from peerreview import yamlfiles
from peerreview.config import ROOT
from peerreview.selfeval.definitions import THEME, DefinitionError
from peerreview.selfeval.definitions import latest_version as questionnaire_version
from peerreview.selfeval.definitions import load as questionnaire

FORMS = ROOT / "forms"
KINDS = {"title", "authors", "lead", "cijfers", "narrative", "resume", "respondents", "sources"}
MATERIAL = {"quotes", "indicators", "documents", "respondents"}


@dataclass(frozen=True)
class SkeletonSection:
    key: str
    title: str  # may hold {gemeente}
    kind: str
    guidance: str
    optional: bool
    sources: tuple[str, ...]
    level: int  # 1 for a chapter, 2 for a subsection
    parent: str | None

    @property
    def questions(self) -> tuple[str, ...]:
        """Question or section keys of the zelfevaluatie (a section stands for all its questions)."""
        return tuple(s for s in self.sources if s not in MATERIAL and not THEME.match(s))

    @property
    def themes(self) -> tuple[str, ...]:
        return tuple(s for s in self.sources if THEME.match(s))

    def heading(self, gemeente: str, motto: str = "") -> str:
        return self.title.replace("{gemeente}", gemeente).replace("{motto}", motto).strip(" :")


@dataclass(frozen=True)
class Skeleton:
    key: str
    version: int
    sections: tuple[SkeletonSection, ...]

    def section(self, key: str) -> SkeletonSection | None:
        return next((s for s in self.sections if s.key == key), None)


def path_for(version: int) -> Any:
    return FORMS / f"portret-v{version}.yaml"


def latest_version() -> int:
    versions = [int(m.group(1)) for p in FORMS.glob("portret-v*.yaml") if (m := re.search(r"-v(\d+)\.yaml$", p.name))]
    if not versions:
        raise DefinitionError(f"no portret skeleton (portret-v<N>.yaml) in {FORMS}")
    return max(versions)


@cache
def load(version: int) -> Skeleton:
    path = path_for(version)
    try:
        data = yamlfiles.load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DefinitionError(f"{path}: cannot be read: {error}") from error
    sections: list[SkeletonSection] = []

    def add(items: list[dict[str, Any]], level: int, parent: str | None) -> None:
        for item in items:
            where = f"{path}: section {item.get('key', '?')!r}"
            if item.get("kind") not in KINDS:
                raise DefinitionError(f"{where}: kind must be one of {sorted(KINDS)}")
            if not item.get("title"):
                raise DefinitionError(f"{where}: a title is required")
            sections.append(
                SkeletonSection(
                    key=item["key"],
                    title=item["title"],
                    kind=item["kind"],
                    guidance=" ".join(str(item.get("guidance", "")).split()),
                    optional=bool(item.get("optional", False)),
                    sources=tuple(item.get("sources") or ()),
                    level=level,
                    parent=parent,
                )
            )
            add(item.get("subsections") or [], level + 1, item["key"])

    add(data.get("sections") or [], 1, None)
    keys = [s.key for s in sections]
    if duplicates := sorted({k for k in keys if keys.count(k) > 1}):
        raise DefinitionError(f"{path}: section keys occur twice: {duplicates}")
    return Skeleton(key=data.get("key", "portret"), version=int(data.get("version", version)), sections=tuple(sections))


def validate() -> None:
    """Every skeleton file loads, and every source names a theme, a kind of material or a question."""
    keys: set[str] = set()
    for variant in ("zelfevaluatie-basis", "zelfevaluatie-plus"):
        definition = questionnaire(variant, questionnaire_version(variant))
        keys |= set(definition.questions) | {s.key for top in definition.sections for s in top.walk()}
    for version in range(1, latest_version() + 1):
        skeleton = load(version)
        for section in skeleton.sections:
            if unknown := [q for q in section.questions if q not in keys]:
                raise DefinitionError(f"{path_for(version)}: section {section.key!r}: unknown sources {unknown}")
