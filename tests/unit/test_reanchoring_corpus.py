"""Re-anchoring on the hand-written corpus of realistic revisions (issue 13, item 10): typo fixes inside and
next to quotes, changed words, moved paragraphs, deleted passages and near-duplicate sentences.
``bench/reanchoring.py`` prints the same numbers."""

from __future__ import annotations

import pytest

from peerreview.review.anchoring import reanchor, selector_for
from tests.reanchoring_corpus import evaluate, load, revise


@pytest.fixture(scope="module")
def result():
    return evaluate()


def test_corpus_is_large_and_covers_every_kind_of_edit(result):
    kinds = {c.kind for c in result.cases}
    assert result.total >= 60
    assert {"typo-inside", "typo-next", "changed-word", "moved", "deleted"} <= kinds
    assert {"near-duplicate", "near-duplicate-typo", "near-duplicate-changed", "deleted-near-duplicate"} <= kinds
    assert sum(1 for c in result.cases if c.expected is None) >= 8  # deletions that must detach


def test_at_least_95_percent_of_the_corpus_is_placed_correctly(result):
    misses = [(c.answer, c.quote, c.outcome) for c in result.cases if c.outcome != "correct"]
    assert result.share_correct >= 0.95, misses


def test_nothing_in_the_corpus_is_placed_wrongly(result):
    wrong = [(c.answer, c.quote, c.placement) for c in result.cases if c.outcome == "wrong"]
    assert wrong == []


def test_every_small_edit_is_followed(result):
    small = {"typo-inside", "typo-next", "two-typos", "changed-word", "changed-number", "near-duplicate-typo", "accent"}
    missed = [(c.quote, c.outcome) for c in result.cases if c.kind in small and c.outcome != "correct"]
    assert missed == []


def test_typo_fix_inside_the_quote_moves_the_annotation_and_records_the_new_quote():
    old = "Kern van die visie is gebiedgericht werken: de wijkteams kennen hun buurt."
    new = revise(old, [["gebiedgericht", "gebiedsgericht"]], "typo")
    start = old.index("gebiedgericht werken")
    placement = reanchor(old, new, selector_for(old, start, start + len("gebiedgericht werken")))
    assert (placement.status, placement.exact) == ("moved", "gebiedsgericht werken")


def test_deleted_sentence_does_not_jump_to_its_near_duplicate():
    old = (
        "We hebben met de aanbieders afgesproken dat zij wachtlijsten maandelijks doorgeven. "
        "Zo heeft de gemeente zicht op de wachtlijsten. Zo heeft de regio zicht op de wachtlijsten van alle aanbieders."
    )
    new = old.replace("Zo heeft de gemeente zicht op de wachtlijsten. ", "")
    quote = "Zo heeft de gemeente zicht op de wachtlijsten."
    start = old.index(quote)
    assert reanchor(old, new, selector_for(old, start, start + len(quote))).status == "detached"


def test_near_duplicate_annotation_lands_on_its_own_sentence():
    answers = {cases[0].answer: (old, new, cases) for old, new, cases in load()}
    old, new, cases = answers["toegang"]
    case = next(
        c for c in cases if c.kind == "near-duplicate" and "Jongeren" in old[c.old_range[0] - 9 : c.old_range[0]]
    )
    placement = reanchor(old, new, selector_for(old, *case.old_range))
    assert placement.start is not None and new[placement.start - 9 : placement.start] == "Jongeren "
