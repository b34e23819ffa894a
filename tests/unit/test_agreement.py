"""Agreement between reviewers: the sweep over sorted passages finds exactly the pairs that comparing
every pair of annotations on an answer finds, in the same order and orientation."""

from __future__ import annotations

import random
from collections import defaultdict
from types import SimpleNamespace
from typing import Any

from peerreview.review.agreement import Disagreement, _overlap, agreement
from peerreview.review.themes import themes


def every_pair(items: list[Any]) -> tuple[list[Disagreement], dict[str, tuple[int, int]]]:
    """The plain definition: every pair of annotations on one answer, by different authors, that overlap."""
    disagreements, per_theme = [], {code: [0, 0] for code in themes()}
    by_question: dict[str, list[Any]] = defaultdict(list)
    for a in items:
        if a.question_key is not None:
            by_question[a.question_key].append(a)
    for group in by_question.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if a.author_id == b.author_id or not _overlap(a, b):
                    continue
                first, second = set(a.themes), set(b.themes)
                for code in first | second:
                    per_theme[code][1] += 1
                    per_theme[code][0] += code in first and code in second
                if first != second:
                    disagreements.append(Disagreement(a, b, sorted(first - second), sorted(second - first)))
    return disagreements, {k: (v[0], v[1]) for k, v in per_theme.items()}


def random_annotations(rng: random.Random, n: int) -> list[Any]:
    codes = list(themes())
    items = []
    for number in range(n):
        start = None if rng.random() < 0.15 else rng.randint(0, 400)
        length = rng.choice([0, 1, 5, 30, 120])
        items.append(
            SimpleNamespace(
                id=number,
                question_key=rng.choice(["s1_1", "s1_2", "s2_1", "casus3_verloop", None]),
                start=start,
                end=None if start is None else start + length,
                themes=rng.sample(codes, rng.randint(0, 3)),
                author_id=rng.randint(1, 4),
            )
        )
    return items


def test_the_sweep_finds_the_same_disagreements_and_theme_counts_as_every_pair():
    rng = random.Random(14)  # noqa: S311  (test data, not secrets)
    compared = 0
    for _ in range(300):
        items = random_annotations(rng, rng.randint(0, 60))
        fast, fast_per_theme = agreement(items)
        slow, slow_per_theme = every_pair(items)
        assert [(d.first.id, d.second.id, d.only_first, d.only_second) for d in fast] == [
            (d.first.id, d.second.id, d.only_first, d.only_second) for d in slow
        ]
        assert fast_per_theme == slow_per_theme
        compared += len(slow)
    assert compared > 1000  # the random data does produce many overlapping pairs


def test_touching_passages_and_empty_ones_follow_the_overlap_rule():
    def item(number: int, start: int | None, end: int | None, author: int, codes: list[str]) -> Any:
        return SimpleNamespace(id=number, question_key="s1_1", start=start, end=end, themes=codes, author_id=author)

    items = [
        item(1, 0, 10, 1, ["T1"]),
        item(2, 10, 20, 2, ["T2"]),  # touches 1: no overlap
        item(3, 5, 5, 2, ["T3"]),  # empty, inside 1: overlaps it
        item(4, 0, 0, 3, ["T4"]),  # empty at the start of 1: no overlap (0 < 0 is false)
        item(5, None, None, 3, ["T5"]),  # the whole answer: only with other whole-answer annotations
        item(6, None, None, 1, ["T6"]),
    ]
    found = [(d.first.id, d.second.id) for d in agreement(items)[0]]
    assert found == [(1, 3), (5, 6)] == [(d.first.id, d.second.id) for d in every_pair(items)[0]]
