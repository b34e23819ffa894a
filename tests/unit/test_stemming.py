"""The Dutch stemming of the network's search: the pairs that matter join, unrelated words stay apart."""

from __future__ import annotations

import pytest

from peerreview.network import stemming


@pytest.mark.parametrize(
    ("plural", "singular"),
    [
        ("voorzieningen", "voorziening"),
        ("wachtlijsten", "wachtlijst"),
        ("gezinnen", "gezin"),
        ("jongeren", "jongere"),
        ("huisartsen", "huisarts"),
        ("kinderen", "kind"),
        ("gemeenten", "gemeente"),
        ("gemeentes", "gemeente"),
        ("wijkteams", "wijkteam"),
        ("ouders", "ouder"),
    ],
)
def test_plural_and_singular_share_a_stem(plural, singular):
    assert stemming.stems(plural) == stemming.stems(singular)


@pytest.mark.parametrize(
    ("word", "other"),
    [("gezin", "zin"), ("gemeente", "menen"), ("gebied", "bieden"), ("gevolg", "volgen"), ("kind", "kinderopvang")],
)
def test_the_exception_table_keeps_unrelated_words_apart(word, other):
    # The Snowball stemmer alone strips "ge-": "gezin" and "zin" would be one stem.
    assert stemming.stems(word) != stemming.stems(other)


def test_every_exception_form_is_folded_and_maps_to_a_stem_of_its_own_group():
    table = stemming.exceptions()
    assert table["gezinnen"] == table["gezin"] == "gezin"
    assert all(word == stemming.fold(word) for word in table)


def test_case_and_accents_do_not_matter():
    assert stemming.stems("Één Coöperatie") == stemming.stems("een cooperatie")
    assert stemming.fold("Ëén") == "een"


def test_words_are_split_at_hyphens_and_punctuation_and_repeats_are_kept():
    assert stemming.stems("jeugd-hulp, jeugd!") == ["jeugd", "hulp", "jeugd"]


def test_a_query_leaves_out_stop_words_unless_nothing_else_is_left():
    assert stemming.query_stems("de wachtlijsten van de gezinnen") == ["wachtlijst", "gezin"]
    assert stemming.query_stems("de het") == ["de", "het"]
    assert stemming.query_stems("gezin gezinnen") == ["gezin"]


def test_stem_of_a_word_as_written_matches_the_indexed_stem():
    assert stemming.stem_of("Huisartsen") == stemming.stems("huisarts")[0]
