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
    so pairs are formed within each answer, in the order of ``items`` (first before second, as listed).
    """
    disagreements, per_theme = [], {code: [0, 0] for code in themes()}
    by_question: dict[str | None, list[Any]] = defaultdict(list)
    for a in items:
        if a.question_key is not None:
            by_question[a.question_key].append(a)
    for group in by_question.values():
        coded = [frozenset(a.themes) for a in group]
        for i, j in _overlapping_pairs(group):
            a, b = group[i], group[j]
            if a.author_id == b.author_id:
                continue
            sa_, sb = coded[i], coded[j]
            for code in sa_ | sb:
                per_theme[code][1] += 1
                per_theme[code][0] += code in sa_ and code in sb
            if sa_ != sb:
                disagreements.append(Disagreement(a, b, sorted(sa_ - sb), sorted(sb - sa_)))
    return disagreements, {k: (v[0], v[1]) for k, v in per_theme.items()}


def _overlapping_pairs(group: list[Any]) -> list[tuple[int, int]]:
    """The index pairs ``(i, j)``, ``i < j``, of the annotations on one answer that overlap, sorted.

    A sweep over the passages ordered by start, instead of comparing every pair: an annotation is
    compared only with the earlier-starting ones that have not ended before it starts. With a few
    hundred annotations on a long answer that is a handful of comparisons each, not hundreds.
    Annotations on the whole answer (no start) overlap each other only.
    """
    pairs: list[tuple[int, int]] = []
    whole = [i for i, a in enumerate(group) if a.start is None]
    pairs.extend((i, j) for n, i in enumerate(whole) for j in whole[n + 1 :])
    passages = sorted((i for i, a in enumerate(group) if a.start is not None), key=lambda i: group[i].start)
    active: list[int] = []  # passages started so far that may still overlap a later one
    for j in passages:
        b = group[j]
        active = [i for i in active if group[i].end > b.start]  # ended before b: before every later one too
        pairs.extend((min(i, j), max(i, j)) for i in active if _overlap(group[i], b))
        active.append(j)
    pairs.sort()
    return pairs
