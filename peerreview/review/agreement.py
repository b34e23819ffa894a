"""Agreement between reviewers: passages two reviewers coded with different themes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from peerreview.review.models import Annotation
from peerreview.review.themes import themes


@dataclass
class Disagreement:
    first: Annotation
    second: Annotation
    only_first: list[str]
    only_second: list[str]


def _overlap(a: Any, b: Any) -> bool:
    if a.question_key != b.question_key or a.question_key is None:
        return False
    if a.start is None or b.start is None:
        return a.start is None and b.start is None
    return bool(a.start < b.end and b.start < a.end)


def agreement(items: list[Any]) -> tuple[list[Disagreement], dict[str, tuple[int, int]]]:
    """Passages two reviewers coded with different themes, and per theme (agreed, pairs involving it).

    ``items`` are annotations or their index rows. Only annotations on the same answer can overlap,
    so pairs are formed within each answer.
    """
    disagreements, per_theme = [], {code: [0, 0] for code in themes()}
    by_question: dict[str | None, list[Any]] = defaultdict(list)
    for a in items:
        if a.question_key is not None:
            by_question[a.question_key].append(a)
    for group in by_question.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if a.author_id == b.author_id or not _overlap(a, b):
                    continue
                sa_, sb = set(a.themes), set(b.themes)
                for code in sa_ | sb:
                    per_theme[code][1] += 1
                    per_theme[code][0] += code in sa_ and code in sb
                if sa_ != sb:
                    disagreements.append(Disagreement(a, b, sorted(sa_ - sb), sorted(sb - sa_)))
    return disagreements, {k: (v[0], v[1]) for k, v in per_theme.items()}
