"""Questionnaire definitions: the versioned YAML files in ``forms/`` turned into typed objects.

A visitatie records the definition version it started with (``Visitatie.definition_version``), so a
later version never breaks earlier answers. ``validate_all()`` runs at start-up: a broken file stops
the app with a message that names the file and the problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from peerreview import yamlfiles
from peerreview.config import ROOT

FORMS = ROOT / "forms"
KINDS = {"richtext", "choice", "checklist", "rating_list", "rows", "number", "strengths"}
COLUMN_KINDS = {"text", "number", "choice"}
KEY = re.compile(r"^[a-z][a-z0-9_]*$")
THEME = re.compile(r"^T([1-9]|1[0-2])$")


class DefinitionError(ValueError):
    """A definition file is not valid; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    prompt: str
    kind: str
    required: bool
    guidance: str = ""
    themes: tuple[str, ...] = ()
    spec: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)  # kind-specific settings

    def option_values(self, name: str = "options") -> set[str]:
        return {str(o["value"]) for o in self.spec.get(name, [])}

    def label_of(self, name: str, value: str) -> str:
        return next((o["label"] for o in self.spec.get(name, []) if str(o["value"]) == str(value)), str(value))

    def rated_items(self) -> list[dict[str, Any]]:
        """A rating list's items that are rated: not the heading rows that group the items below them."""
        return [item for item in self.spec.get("items", []) if not item.get("heading")]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    guidance: str
    required: bool
    questions: tuple[Question, ...]
    subsections: tuple[Section, ...]

    def walk(self) -> list[Section]:
        """This section and all below it, in order."""
        return [self, *(s for sub in self.subsections for s in sub.walk())]

    def all_questions(self) -> list[Question]:
        return [q for s in self.walk() for q in s.questions]


@dataclass(frozen=True)
class Definition:
    key: str
    version: int
    title: str
    intro: str
    words_guideline: int
    sections: tuple[Section, ...]
    casussen: dict[str, Any] | None

    # Computed once per definition (loaded once per process, never changed): pages look questions up by
    # key in loops, and rebuilding these for every lookup cost milliseconds per request. Read-only.
    @cached_property
    def questions(self) -> dict[str, Question]:
        return {q.key: q for s in self.sections for q in s.all_questions()}

    @cached_property
    def pages(self) -> list[Section]:
        """The sections that hold questions: one editor page each."""
        return [s for top in self.sections for s in top.walk() if s.questions]

    @cached_property
    def _tops(self) -> dict[str, tuple[Section, Section]]:
        """Every section by key, with the top-level section it sits in."""
        found: dict[str, tuple[Section, Section]] = {}
        for top in self.sections:
            for s in top.walk():
                found.setdefault(s.key, (s, top))
        return found

    def section(self, key: str) -> Section | None:
        found = self._tops.get(key)
        return found[0] if found else None

    def top_section_of(self, key: str) -> Section | None:
        found = self._tops.get(key)
        return found[1] if found else None


# --- loading ------------------------------------------------------------------------------------------


def path_for(key: str, version: int) -> Path:
    prefix, _, variant = key.partition("-")
    return FORMS / prefix / f"{variant}-v{version}.yaml"


@cache
def load(key: str, version: int) -> Definition:
    path = path_for(key, version)
    try:
        data = yamlfiles.load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DefinitionError(f"{path}: cannot be read: {error}") from error
    return _parse(data, path, key, version)


def latest_version(key: str) -> int:
    prefix, _, variant = key.partition("-")
    versions = [
        int(m.group(1))
        for p in (FORMS / prefix).glob(f"{variant}-v*.yaml")
        if (m := re.search(r"-v(\d+)\.yaml$", p.name))
    ]
    if not versions:
        raise DefinitionError(f"no definition files for {key} in {FORMS / prefix}")
    return max(versions)


def validate_all() -> list[Definition]:
    """Load every zelfevaluatie definition; raises DefinitionError on the first problem."""
    definitions = []
    for path in sorted((FORMS / "zelfevaluatie").glob("*-v*.yaml")):
        match = re.match(r"^([a-z]+)-v(\d+)\.yaml$", path.name)
        if not match:
            raise DefinitionError(f"{path}: file name must look like basis-v1.yaml")
        definitions.append(load(f"zelfevaluatie-{match.group(1)}", int(match.group(2))))
    return definitions


def _parse(data: Any, path: Path, key: str, version: int) -> Definition:
    def fail(message: str) -> DefinitionError:
        return DefinitionError(f"{path}: {message}")

    if not isinstance(data, dict):
        raise fail("the file must contain a mapping")
    if data.get("key") != key or data.get("version") != version:
        raise fail(f"key/version must be {key!r}/{version}, found {data.get('key')!r}/{data.get('version')!r}")
    seen: set[str] = set()

    def parse_question(raw: dict[str, Any], where: str) -> Question:
        qkey = raw.get("key")
        if not isinstance(qkey, str) or not KEY.match(qkey):
            raise fail(f"{where}: question key {qkey!r} must be lower case letters, digits and _")
        if qkey in seen:
            raise fail(f"{where}: question key {qkey!r} is used twice")
        seen.add(qkey)
        kind = raw.get("kind")
        if kind not in KINDS:
            raise fail(f"question {qkey}: kind {kind!r} is not one of {sorted(KINDS)}")
        for required in ("label", "prompt"):
            if not isinstance(raw.get(required), str) or not raw[required].strip():
                raise fail(f"question {qkey}: '{required}' is missing")
        themes = tuple(raw.get("themes") or ())
        if bad := [t for t in themes if not THEME.match(str(t))]:
            raise fail(f"question {qkey}: unknown theme codes {bad}")
        spec = {
            k: v
            for k, v in raw.items()
            if k not in {"key", "label", "prompt", "kind", "required", "guidance", "themes"}
        }
        _check_kind(qkey, kind, spec, fail)
        return Question(
            key=qkey,
            label=raw["label"],
            prompt=raw["prompt"],
            kind=kind,
            required=bool(raw.get("required", False)),
            guidance=raw.get("guidance") or "",
            themes=themes,
            spec=spec,
        )

    def parse_section(raw: dict[str, Any]) -> Section:
        skey = raw.get("key")
        if not isinstance(skey, str) or not KEY.match(skey):
            raise fail(f"section key {skey!r} must be lower case letters, digits and _")
        if not raw.get("title"):
            raise fail(f"section {skey}: 'title' is missing")
        questions = tuple(parse_question(q, f"section {skey}") for q in raw.get("questions") or [])
        subsections = tuple(parse_section(s) for s in raw.get("subsections") or [])
        if not questions and not subsections:
            raise fail(f"section {skey}: has neither questions nor subsections")
        return Section(
            key=skey,
            title=raw["title"],
            guidance=raw.get("guidance") or "",
            required=bool(raw.get("required", True)),
            questions=questions,
            subsections=subsections,
        )

    sections = tuple(parse_section(s) for s in data.get("sections") or [])
    if not sections:
        raise fail("no sections")
    guideline = data.get("length_guideline") or {}
    casussen = data.get("casussen")
    if casussen is not None and not (isinstance(casussen.get("minimum"), int) and casussen.get("steps")):
        raise fail("casussen needs 'minimum' and 'steps'")
    return Definition(
        key=key,
        version=version,
        title=data.get("title") or key,
        intro=data.get("intro") or "",
        words_guideline=int(guideline.get("pages", 12)) * int(guideline.get("words_per_page", 500)),
        sections=sections,
        casussen=casussen,
    )


def _check_kind(qkey: str, kind: str, spec: dict[str, Any], fail: Any) -> None:
    def values(name: str) -> list[Any]:
        items = spec.get(name)
        if not isinstance(items, list) or not items:
            raise fail(f"question {qkey} ({kind}): '{name}' must be a non-empty list")
        for item in items:
            if not isinstance(item, dict) or "value" not in item or "label" not in item:
                raise fail(f"question {qkey}: every entry of '{name}' needs a value and a label")
        return items

    if "intro" in spec and (
        kind not in ("rows", "rating_list") or not isinstance(spec["intro"], str) or not spec["intro"]
    ):
        raise fail(f"question {qkey}: 'intro' (the label of the text before a table) belongs to rows or rating_list")
    if kind == "choice":
        values("options")
    elif kind == "checklist":
        values("items")
    elif kind == "rating_list":
        for item in values("items"):
            if not isinstance(item.get("heading", False), bool):
                raise fail(f"question {qkey}: 'heading' of item {item['value']} must be true or false")
        values("scale")
    elif kind == "rows":
        columns = spec.get("columns")
        if not isinstance(columns, list) or not columns:
            raise fail(f"question {qkey} (rows): 'columns' must be a non-empty list")
        for column in columns:
            if column.get("kind") not in COLUMN_KINDS or not column.get("key") or not column.get("label"):
                raise fail(f"question {qkey}: every column needs a key, a label and a kind in {sorted(COLUMN_KINDS)}")
            if column["kind"] == "choice" and not column.get("options"):
                raise fail(f"question {qkey}: choice column {column['key']} needs options")
