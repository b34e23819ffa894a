"""Readable word-level diffs of plain texts: inline (one text with <del> and <ins>) and side by side."""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Sequence

from markupsafe import Markup

_TOKENS = re.compile(r"\s+|[^\s]+")


def _opcodes(old: str, new: str) -> tuple[list[str], list[str], Sequence[tuple[str, int, int, int, int]]]:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    return a, b, difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()


def _markup(parts: list[str]) -> Markup:
    return Markup("".join(parts).replace("\n", "<br>"))  # noqa: S704 - every part is escaped by the callers


def inline(old: str, new: str) -> Markup:
    """One text: what was removed in <del>, what was added in <ins>; line breaks kept."""
    a, b, codes = _opcodes(old, new)
    parts = []
    for op, a1, a2, b1, b2 in codes:
        removed, added = "".join(a[a1:a2]), "".join(b[b1:b2])
        if op == "equal":
            parts.append(html.escape(added))
        if op in ("delete", "replace") and removed.strip():
            parts.append(f"<del>{html.escape(removed)}</del>")
        if op in ("insert", "replace") and added.strip():
            parts.append(f"<ins>{html.escape(added)}</ins>")
    return _markup(parts)


def side_by_side(old: str, new: str) -> tuple[Markup, Markup]:
    """The old text with its removals marked, and the new text with its additions marked."""
    a, b, codes = _opcodes(old, new)
    left, right = [], []
    for op, a1, a2, b1, b2 in codes:
        removed, added = "".join(a[a1:a2]), "".join(b[b1:b2])
        if op == "equal":
            left.append(html.escape(removed))
            right.append(html.escape(added))
            continue
        if removed:
            left.append(f"<del>{html.escape(removed)}</del>" if removed.strip() else html.escape(removed))
        if added:
            right.append(f"<ins>{html.escape(added)}</ins>" if added.strip() else html.escape(added))
    return _markup(left), _markup(right)
