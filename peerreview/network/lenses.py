"""Lenses: optional vocabularies an analyst applies to passages next to the twelve themes (issue 11 item 8).

The vocabularies are data, ``forms/lenses/<key>-v<version>.yaml`` (versioned like the other files in
``forms/``: a published version is never edited, a change is a new file), read with
:mod:`peerreview.yamlfiles` and checked on load: a broken file stops the app with a message that names
the file and the problem (``validate()`` runs in ``create_app``). The latest version of each lens counts.

:func:`lens_filter` is the one way other pages (the theme matrix, search, exports) narrow a query of
passages to those that carry a lens code::

    stmt = select(NetworkPassage).where(NetworkPassage.audience.in_(access.audiences(user)))
    stmt = lens_filter(stmt, NetworkPassage.key, "sturing", "financieel")    # one code
    stmt = lens_filter(stmt, NetworkPassage.key, "jeugdwet_doelen")          # any code of the lens

It adds ``passage_key_column IN (SELECT passage_key FROM passage_code WHERE lens = .. AND code = ..)``,
so visibility stays in the caller's SQL and the filter never widens what a user sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlalchemy import Select, select
from sqlalchemy.sql.elements import ColumnElement

from peerreview import yamlfiles
from peerreview.config import ROOT
from peerreview.network.lens_models import PassageCode
from peerreview.selfeval.definitions import DefinitionError

LENSES_DIR = ROOT / "forms" / "lenses"
KEY = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
FILE_NAME = re.compile(r"^([a-z][a-z0-9-]*)-v(\d+)\.yaml$")

S = TypeVar("S", bound=Select[*tuple[Any, ...]])


class LensError(DefinitionError):
    """A lens file is not valid; the message names the file and what is wrong."""


@dataclass(frozen=True)
class LensCode:
    key: str
    label: str
    description: str


@dataclass(frozen=True)
class Lens:
    key: str
    version: int
    name: str
    description: str
    codes: tuple[LensCode, ...]

    def code(self, key: str | None) -> LensCode | None:
        return next((c for c in self.codes if c.key == key), None)

    @property
    def code_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.codes)


# --- loading --------------------------------------------------------------------------------------------


def load_file(path: Path) -> Lens:
    """One lens file, checked: raises :class:`LensError` naming the file and the problem."""

    def fail(message: str) -> LensError:
        return LensError(f"{path}: {message}")

    match = FILE_NAME.match(path.name)
    if not match:
        raise fail("the file name must look like sturing-v1.yaml")
    try:
        data = yamlfiles.load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise fail(f"cannot be read: {error}") from error
    if not isinstance(data, dict):
        raise fail("the file must hold a mapping with key, version, name, description and codes")
    unknown = set(data) - {"key", "version", "name", "description", "codes"}
    if unknown:
        raise fail(f"unknown keys {sorted(unknown)}")
    key, version = data.get("key"), data.get("version")
    if not isinstance(key, str) or not KEY.match(key):
        raise fail(f"key must be lowercase letters, digits and _ (at most 48), found {key!r}")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise fail(f"version must be a whole number from 1, found {version!r}")
    if match.group(1) != key.replace("_", "-") or int(match.group(2)) != version:
        raise fail(f"the file name must be {key.replace('_', '-')}-v{version}.yaml (its key and version)")
    for name in ("name", "description"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise fail(f"{name} must be a non-empty text")
    codes = data.get("codes")
    if not isinstance(codes, list) or not codes:
        raise fail("codes must be a non-empty list")
    parsed: list[LensCode] = []
    for number, code in enumerate(codes, start=1):
        if not isinstance(code, dict):
            raise fail(f"code {number} must be a mapping with key, label and description")
        if set(code) != {"key", "label", "description"}:
            raise fail(f"code {number} must have exactly key, label and description, found {sorted(code)}")
        if not isinstance(code["key"], str) or not KEY.match(code["key"]):
            raise fail(f"code {number}: key must be lowercase letters, digits and _, found {code['key']!r}")
        for name in ("label", "description"):
            if not isinstance(code[name], str) or not code[name].strip():
                raise fail(f"code {code['key']}: {name} must be a non-empty text")
        if any(c.key == code["key"] for c in parsed):
            raise fail(f"code key {code['key']!r} appears twice")
        parsed.append(LensCode(key=code["key"], label=code["label"].strip(), description=code["description"].strip()))
    return Lens(
        key=key,
        version=version,
        name=data["name"].strip(),
        description=data["description"].strip(),
        codes=tuple(parsed),
    )


def load_dir(directory: Path) -> dict[str, Lens]:
    """The latest version of every lens in ``directory``, in the order of their keys."""
    latest: dict[str, Lens] = {}
    for path in sorted(directory.glob("*.yaml")):
        lens = load_file(path)
        if lens.key in latest and latest[lens.key].version == lens.version:
            raise LensError(f"{path}: lens {lens.key} version {lens.version} is defined twice")
        if lens.key not in latest or lens.version > latest[lens.key].version:
            latest[lens.key] = lens
    if not latest:
        raise LensError(f"{directory}: no lens files")
    return dict(sorted(latest.items()))


@cache
def lenses() -> dict[str, Lens]:
    """Every lens the app offers (loaded once per process)."""
    return load_dir(LENSES_DIR)


def validate() -> None:
    """Called at start-up: a broken lens file stops the app with a clear message."""
    lenses()


def lens_of(key: str | None) -> Lens | None:
    return lenses().get(key or "")


def valid_pair(lens: str, code: str) -> bool:
    found = lens_of(lens)
    return found is not None and found.code(code) is not None


# --- filtering ------------------------------------------------------------------------------------------


def matching_keys(lens: str, code: str | None = None) -> Select[str]:
    """The keys of the passages that carry ``code`` of ``lens`` (any code of the lens when ``code`` is None)."""
    stmt = select(PassageCode.passage_key).where(PassageCode.lens == lens)
    if code:
        stmt = stmt.where(PassageCode.code == code)
    return stmt


def lens_filter(
    select_stmt: S, passage_key_column: ColumnElement[str] | Any, lens: str | None, code: str | None = None
) -> S:
    """``select_stmt`` narrowed to passages with the lens code; unchanged when ``lens`` is empty.

    ``passage_key_column`` is the column holding the passage key in ``select_stmt`` (usually
    ``NetworkPassage.key``). An unknown lens or code matches nothing (never everything)."""
    if not lens:
        return select_stmt
    return select_stmt.where(passage_key_column.in_(matching_keys(lens, code)))


def parse_choice(value: str | None) -> tuple[str, str | None] | None:
    """A lens filter as one query-string value: ``"sturing"`` (any code of the lens) or
    ``"sturing:financieel"`` (one code), as ``templates/network/_lens_filter.html`` offers it. Returns
    (lens, code or None); None for an empty or unknown value (a filter that cannot be is ignored)."""
    lens, _, code = (value or "").replace("\x00", "").strip()[:100].partition(":")
    if lens_of(lens) is None:
        return None
    if code:
        return (lens, code) if valid_pair(lens, code) else None
    return lens, None
