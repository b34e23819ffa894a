"""The re-anchoring corpus (``tests/data/reanchoring_corpus.yaml``): loading, applying the revision and
scoring ``peerreview.review.anchoring.reanchor_many`` on it. Used by ``bench/reanchoring.py`` (prints the
numbers) and ``tests/unit/test_reanchoring_corpus.py`` (asserts the targets).

Scoring, per annotation:

* **correct**: the passage survived (``expect`` is set) and the placement overlaps the expected range by
  at least 80 % of the longer of the two (an edited passage's boundaries may differ by a word or a mark),
  or the passage was deleted and the annotation detached;
* **detached**: the passage survived but the annotation was detached (a miss: small edits must follow);
* **wrong**: placed anywhere else, or placed although the passage was deleted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from peerreview.review.anchoring import Placement, reanchor_many, selector_for

CORPUS = Path(__file__).resolve().parent / "data" / "reanchoring_corpus.yaml"
MIN_OVERLAP = 0.8


@dataclass
class Case:
    answer: str
    kind: str
    quote: str
    old_range: tuple[int, int]
    expected: tuple[int, int] | None
    placement: Placement | None = None

    @property
    def outcome(self) -> str:
        p = self.placement
        assert p is not None
        placed = p.status != "detached" and p.start is not None and p.end is not None
        if self.expected is None:
            return "wrong" if placed else "correct"
        if not placed:
            return "detached"
        assert p.start is not None and p.end is not None
        s, e = self.expected
        overlap = max(0, min(e, p.end) - max(s, p.start))
        return "correct" if overlap >= MIN_OVERLAP * max(e - s, p.end - p.start) else "wrong"


@dataclass
class Result:
    cases: list[Case] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for c in self.cases if c.outcome == outcome)

    @property
    def total(self) -> int:
        return len(self.cases)

    @property
    def share_correct(self) -> float:
        return self.count("correct") / self.total if self.total else 0.0

    def by_kind(self) -> dict[str, Counter[str]]:
        out: dict[str, Counter[str]] = {}
        for c in self.cases:
            out.setdefault(c.kind, Counter())[c.outcome] += 1
        return out


def _unique(text: str, needle: str, where: str) -> int:
    first = text.find(needle)
    if first < 0 or text.find(needle, first + 1) >= 0:
        raise ValueError(f"{where}: {needle!r} must occur exactly once")
    return first


def _locate(text: str, quote: str, within: str | None, where: str) -> tuple[int, int]:
    if within is None:
        start = _unique(text, quote, where)
    else:
        outer = _unique(text, within, where)
        offset = within.find(quote)
        if offset < 0:
            raise ValueError(f"{where}: {quote!r} is not in {within!r}")
        start = outer + offset
    return start, start + len(quote)


def revise(old: str, edits: list[Any], where: str) -> str:
    """Apply an answer's edits to its old text."""
    text = old
    for edit in edits:
        if isinstance(edit, dict):
            i, j = edit["move"]
            paragraphs = text.split("\n\n")
            paragraphs.insert(j, paragraphs.pop(i))
            text = "\n\n".join(paragraphs)
        else:
            find, replace = edit
            at = _unique(text, find, where)
            text = text[:at] + replace + text[at + len(find) :]
    return text


def load(path: Path = CORPUS) -> list[tuple[str, str, list[Case]]]:
    """(old text, new text, cases) per answer."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    answers = []
    for answer in data["answers"]:
        key, old = answer["key"], answer["old"]
        new = revise(old, answer.get("edits", []), key)
        cases = []
        for a in answer["annotations"]:
            where = f"{key}/{a['quote'][:30]}"
            old_range = _locate(old, a["quote"], a.get("in"), where)
            expected = None if a["expect"] is None else _locate(new, a["expect"], a.get("expect_in"), where)
            cases.append(Case(key, a["kind"], a["quote"], old_range, expected))
        answers.append((old, new, cases))
    return answers


def evaluate(path: Path = CORPUS) -> Result:
    """Re-anchor every annotation of the corpus (one ``reanchor_many`` per answer) and score it."""
    result = Result()
    for old, new, cases in load(path):
        selectors = [selector_for(old, *c.old_range) for c in cases]
        for case, placement in zip(cases, reanchor_many(old, new, selectors), strict=True):
            case.placement = placement
            result.cases.append(case)
    return result
