"""Re-anchoring on a hand-written corpus of realistic revisions (issue 13, item 10).

    .venv/bin/python bench/reanchoring.py            # the numbers
    .venv/bin/python bench/reanchoring.py --verbose  # and every annotation that was not placed correctly

The corpus (``tests/data/reanchoring_corpus.yaml``) holds Dutch zelfevaluatie answers with annotations and
the revision a gemeente made: typo fixes inside and next to quotes, changed words and numbers, inserted
words, moved paragraphs and sentences, deleted passages (must detach) and near-duplicate sentences (the
same sentence twice with one word different: the annotation must land on its own one). Small edits count
as must-place. Targets: >= 95 % placed correctly, 0 placed wrongly. Scoring: ``tests/reanchoring_corpus.py``.
``bench/anchoring.py`` measures the same algorithm on generated revisions (and its speed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.reanchoring_corpus import evaluate  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every annotation not placed correctly")
    args = parser.parse_args()
    result = evaluate()
    print(f"annotations:        {result.total}")
    print(f"placed correctly:   {result.count('correct')} ({result.share_correct:.1%})")
    print(f"detached (a miss):  {result.count('detached')}")
    print(f"placed wrongly:     {result.count('wrong')}")
    print("per kind (correct / detached / wrong):")
    for kind, counts in sorted(result.by_kind().items()):
        print(f"  {kind:28} {counts['correct']:3} {counts['detached']:3} {counts['wrong']:3}")
    met = result.share_correct >= 0.95 and result.count("wrong") == 0
    print(f"targets (>= 95 % correct, 0 wrong): {'met' if met else 'NOT met'}")
    if args.verbose:
        for c in result.cases:
            if c.outcome != "correct":
                p = c.placement
                assert p is not None
                print(f"- [{c.outcome}] {c.answer} ({c.kind}) {c.quote!r} -> {p.status}/{p.method} {p.exact!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
