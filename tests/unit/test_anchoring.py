"""Re-anchoring annotations on a revised answer (peerreview.review.anchoring).

The rule under test: placed at the right passage, or detached; never placed at a wrong one. Every test
that expects a placement checks the text now at [start:end].
"""

from __future__ import annotations

import pytest

from peerreview.review import anchoring
from peerreview.review.anchoring import Placement, Selector, reanchor, reanchor_many, selector_for

P1 = (
    "De gemeente heeft de toegang tot jeugdhulp in 2023 opnieuw ingericht. Ouders kunnen nu terecht bij het "
    "wijkteam in hun eigen wijk. De wachttijd bedroeg gemiddeld 12 weken; de norm is 8 weken."
)
P2 = (
    "Met de huisartsen zijn afspraken gemaakt over verwijzingen. Ongeveer 40% van de verwijzingen komt via de "
    "huisarts. De praktijkondersteuner jeugd is in vijf praktijken actief."
)
P3 = (
    "De raad wordt twee keer per jaar geïnformeerd via het dashboard. Het college stuurt op resultaten – niet op "
    "productie – en vraagt daarom om een “lerende” monitor. Coördinatie van zorg blijft een aandachtspunt."
)
OLD = "\n".join([P1, P2, P3])


def sel(text: str, quote: str, nth: int = 0) -> Selector:
    """The selector for the nth occurrence of ``quote`` in ``text``."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(quote, i + 1)
    return selector_for(text, i, i + len(quote))


def assert_placed(new: str, p: Placement, quote: str, status: str | None = None) -> None:
    assert p.status in {"anchored", "moved"}, p
    assert p.start is not None and p.end is not None
    assert new[p.start : p.end] == quote == p.exact
    if status:
        assert p.status == status, p


def assert_detached(p: Placement) -> None:
    assert p == Placement("detached", None, None, "none", 0.0, None)


# --- building selectors --------------------------------------------------------------------------------


def test_selector_for_takes_quote_and_32_characters_of_context():
    s = sel(OLD, "terecht bij het wijkteam")
    start = OLD.index("terecht bij het wijkteam")
    assert s == Selector(
        exact="terecht bij het wijkteam",
        prefix=OLD[start - 32 : start],
        suffix=OLD[start + 24 : start + 24 + 32],
        start=start,
        end=start + 24,
    )
    assert len(s.prefix) == len(s.suffix) == 32


def test_selector_for_at_the_edges_of_the_text_has_short_context():
    first = selector_for(OLD, 0, 11)
    assert (first.exact, first.prefix) == ("De gemeente", "")
    last = selector_for(OLD, len(OLD) - 14, len(OLD))
    assert (last.exact, last.suffix) == ("aandachtspunt.", "")


def test_selector_for_context_length_is_configurable():
    s = selector_for(OLD, 100, 110, context=5)
    assert (s.prefix, s.suffix) == (OLD[95:100], OLD[110:115])


@pytest.mark.parametrize(("start", "end"), [(5, 5), (7, 3), (-1, 4), (0, len(OLD) + 1), (len(OLD), len(OLD) + 2)])
def test_selector_for_refuses_empty_or_out_of_bounds_ranges(start, end):
    with pytest.raises(ValueError, match="invalid range"):
        selector_for(OLD, start, end)


# --- the text did not change or only elsewhere ----------------------------------------------------------


def test_unchanged_text_is_anchored_by_position():
    s = sel(OLD, "terecht bij het wijkteam")
    p = reanchor(OLD, OLD, s)
    assert_placed(OLD, p, "terecht bij het wijkteam", "anchored")
    assert (p.start, p.end, p.method, p.confidence) == (s.start, s.end, "position", 1.0)


def test_new_paragraph_at_the_top_shifts_the_passage():
    new = "Inleiding: in deze paragraaf beschrijven wij de toegang.\n" + OLD
    s = sel(OLD, "Ongeveer 40% van de verwijzingen")
    p = reanchor(OLD, new, s)
    assert_placed(new, p, "Ongeveer 40% van de verwijzingen", "anchored")
    assert p.method == "diff"
    assert p.start == s.start + len("Inleiding: in deze paragraaf beschrijven wij de toegang.\n")


def test_insertion_in_the_same_paragraph_before_the_passage():
    new = OLD.replace("Ouders kunnen", "Dat gebeurde samen met de aanbieders. Ouders kunnen")
    p = reanchor(OLD, new, sel(OLD, "gemiddeld 12 weken"))
    assert_placed(new, p, "gemiddeld 12 weken", "anchored")


def test_insertion_in_the_same_paragraph_after_the_passage():
    new = OLD.replace("de norm is 8 weken.", "de norm is 8 weken. Dat moet korter.")
    s = sel(OLD, "de toegang tot jeugdhulp")
    p = reanchor(OLD, new, s)
    assert_placed(new, p, "de toegang tot jeugdhulp", "anchored")
    assert (p.start, p.method) == (s.start, "position")


def test_deletion_of_text_before_the_passage():
    new = OLD.replace("Met de huisartsen zijn afspraken gemaakt over verwijzingen. ", "")
    p = reanchor(OLD, new, sel(OLD, "De praktijkondersteuner jeugd"))
    assert_placed(new, p, "De praktijkondersteuner jeugd", "anchored")


def test_edit_right_next_to_the_passage_keeps_it_anchored():
    new = OLD.replace("in 2023 opnieuw ingericht", "in 2024 opnieuw ingericht")
    p = reanchor(OLD, new, sel(OLD, "de toegang tot jeugdhulp in"))
    assert_placed(new, p, "de toegang tot jeugdhulp in", "anchored")


# --- the passage itself changed -----------------------------------------------------------------------


def test_deleted_passage_is_detached():
    new = OLD.replace(" Ongeveer 40% van de verwijzingen komt via de huisarts.", "")
    assert_detached(reanchor(OLD, new, sel(OLD, "Ongeveer 40% van de verwijzingen komt via de huisarts.")))


def test_deleted_phrase_is_detached_even_if_its_words_occur_elsewhere():
    new = OLD.replace(" Ongeveer 40% van de verwijzingen komt via de huisarts.", "")
    assert_detached(reanchor(OLD, new, sel(OLD, "via de huisarts")))


def test_heavy_rewrite_is_detached():
    new = OLD.replace(
        "Ouders kunnen nu terecht bij het wijkteam in hun eigen wijk.",
        "Voor vragen over opvoeden is er sinds kort een inloopspreekuur op school.",
    )
    assert_detached(reanchor(OLD, new, sel(OLD, "Ouders kunnen nu terecht bij het wijkteam in hun eigen wijk.")))


def test_one_word_changed_is_found_fuzzily_with_the_new_range():
    new = OLD.replace("in vijf praktijken actief", "in zes praktijken actief")
    p = reanchor(OLD, new, sel(OLD, "De praktijkondersteuner jeugd is in vijf praktijken actief."))
    assert_placed(new, p, "De praktijkondersteuner jeugd is in zes praktijken actief.", "moved")
    assert p.method == "fuzzy"
    assert 0.5 < p.confidence < 1


def test_changed_first_word_is_covered_by_the_new_range():
    new = OLD.replace("Ouders kunnen nu terecht", "Gezinnen kunnen nu terecht")
    p = reanchor(OLD, new, sel(OLD, "Ouders kunnen nu terecht bij het wijkteam in hun eigen wijk."))
    assert_placed(new, p, "Gezinnen kunnen nu terecht bij het wijkteam in hun eigen wijk.", "moved")


def test_typo_fixed_in_the_passage():
    old = OLD.replace("geïnformeerd", "geïnfomreerd")
    new = OLD
    p = reanchor(old, new, sel(old, "De raad wordt twee keer per jaar geïnfomreerd via het dashboard."))
    assert_placed(new, p, "De raad wordt twee keer per jaar geïnformeerd via het dashboard.", "moved")
    assert p.method == "fuzzy"


def test_number_changed_in_the_passage():
    new = OLD.replace("Ongeveer 40% van", "Ongeveer 42% van")
    p = reanchor(OLD, new, sel(OLD, "Ongeveer 40% van de verwijzingen komt via de huisarts"))
    assert_placed(new, p, "Ongeveer 42% van de verwijzingen komt via de huisarts", "moved")


def test_short_passage_with_a_changed_number_in_place():
    new = OLD.replace("gemiddeld 12 weken", "gemiddeld 14 weken")
    p = reanchor(OLD, new, sel(OLD, "gemiddeld 12 weken"))
    assert_placed(new, p, "gemiddeld 14 weken", "moved")


def test_changed_number_alone_is_not_guessed():
    new = OLD.replace("Ongeveer 40% van", "Ongeveer 42% van")
    assert_detached(reanchor(OLD, new, sel(OLD, "40%")))


def test_whitespace_changed_inside_the_passage():
    new = OLD.replace("terecht bij het wijkteam", "terecht bij  het\u00a0wijkteam")
    p = reanchor(OLD, new, sel(OLD, "Ouders kunnen nu terecht bij het wijkteam in hun eigen wijk."))
    assert_placed(new, p, "Ouders kunnen nu terecht bij  het\u00a0wijkteam in hun eigen wijk.", "moved")


def test_paragraph_split_inside_the_passage_detaches():
    quote = "Ouders kunnen nu terecht bij het wijkteam in hun eigen wijk. De wachttijd bedroeg gemiddeld 12 weken"
    new = OLD.replace("eigen wijk. De wachttijd", "eigen wijk.\nDe wachttijd")
    assert_detached(reanchor(OLD, new, sel(OLD, quote)))


def test_punctuation_changed_inside_the_passage():
    new = OLD.replace("terecht bij het wijkteam in", "terecht bij het wijkteam, in")
    p = reanchor(OLD, new, sel(OLD, "Ouders kunnen nu terecht bij het wijkteam in hun eigen wijk."))
    assert_placed(new, p, "Ouders kunnen nu terecht bij het wijkteam, in hun eigen wijk.", "moved")


def test_punctuation_changed_right_after_the_passage_keeps_the_exact_quote():
    new = OLD.replace("het wijkteam in hun", "het wijkteam, in hun")
    p = reanchor(OLD, new, sel(OLD, "terecht bij het wijkteam"))
    assert_placed(new, p, "terecht bij het wijkteam", "anchored")


# --- moves and duplicates ------------------------------------------------------------------------------


def test_swapped_paragraphs_place_passages_in_both_at_their_new_offsets():
    new = "\n".join([P2, P1, P3])
    s1, s2 = sel(OLD, "terecht bij het wijkteam"), sel(OLD, "afspraken gemaakt over verwijzingen")
    p1, p2 = reanchor_many(OLD, new, [s1, s2])
    assert_placed(new, p1, "terecht bij het wijkteam")
    assert_placed(new, p2, "afspraken gemaakt over verwijzingen")
    assert p1.start == new.index("terecht bij het wijkteam") != s1.start
    assert p2.start == 0 + len("Met de huisartsen zijn ") != s2.start
    # the diff keeps one paragraph in place and sees the other as moved
    assert {p1.status, p2.status} == {"anchored", "moved"}


def test_moved_paragraph_is_reported_moved():
    short = "Tot slot: wij blijven leren van de ervaringen van ouders en jongeren."
    old = "\n".join([P1, short, P2, P3])
    new = "\n".join([P1, P2, P3, short])
    p = reanchor(old, new, sel(old, "wij blijven leren"))
    assert_placed(new, p, "wij blijven leren", "moved")
    assert (p.method, p.start) == ("quote", new.index("wij blijven leren"))


def test_short_moved_paragraph_without_surviving_context_is_detached_not_guessed():
    short = "Tot slot: wij blijven leren."  # 17 characters with only ".\nTot slot: " around them after the move
    old = "\n".join([P1, short, P2, P3])
    new = "\n".join([P1, P2, P3, short])
    assert_detached(reanchor(old, new, sel(old, "wij blijven leren")))


def test_whole_moved_paragraph_is_found_without_context():
    short = "Het wijkteam telt 14 fte en is bereikbaar via één telefoonnummer, ook in de avond."
    old = "\n".join([P1, short, P2, P3])
    new = "\n".join([P1, P2, P3, short])
    p = reanchor(old, new, sel(old, short))
    assert_placed(new, p, short, "moved")


def test_duplicated_sentence_with_a_different_context_keeps_the_original():
    sentence = "Ongeveer 40% van de verwijzingen komt via de huisarts."
    new = OLD.replace("Coördinatie van zorg", sentence + " Coördinatie van zorg")
    s = sel(OLD, sentence)
    p = reanchor(OLD, new, s)
    assert_placed(new, p, sentence, "anchored")
    assert p.start == s.start


def test_duplicated_sentence_where_context_disambiguates_after_a_move():
    sentence = "Ongeveer 40% van de verwijzingen komt via de huisarts."
    new = "\n".join([P3, P1 + " " + sentence, P2])  # the paragraph moved, and the sentence was repeated in P1
    p = reanchor(OLD, new, sel(OLD, sentence))
    assert_placed(new, p, sentence)
    assert p.start == new.index("Met de huisartsen") + P2.index(sentence)


def test_duplicated_sentence_with_identical_context_is_detached():
    old = "Eerste alinea over iets anders.\nHet budget is met 12% overschreden door de inkoop van verblijf.\nSlot."
    twice = "Het budget is met 12% overschreden door de inkoop van verblijf."
    new = f"Inleiding.\n{twice}\nTussenstuk.\n{twice}\nSlot?"
    assert_detached(reanchor(old, new, sel(old, "overschreden door de inkoop")))


def test_deleted_sentence_whose_twin_stood_elsewhere_before_is_detached():
    twin = "Wij evalueren dit jaarlijks met de aanbieders."
    old = f"{P1} {twin}\n{P2} {twin}\n{P3}"
    new = f"{P1}\n{P2} {twin}\n{P3}"  # the first one was deleted; the second one is the second one's
    assert_detached(reanchor(old, new, sel(old, twin, nth=0)))
    p = reanchor(old, new, sel(old, twin, nth=1))
    assert_placed(new, p, twin, "anchored")


def test_deleted_sentence_is_not_placed_on_a_similar_sentence():
    a = "Het aantal jeugdigen met jeugdhulp steeg in 2022 met 12%."
    b = "Het aantal jeugdigen met jeugdhulp steeg in 2023 met 8%."
    old = f"{P1} {a}\n{P2} {b}\n{P3}"
    new = f"{P1}\n{P2} {b}\n{P3}"
    assert_detached(reanchor(old, new, sel(old, a)))


# --- edges of the text, short quotes, unicode ----------------------------------------------------------


def test_passage_at_the_very_start_of_the_text():
    new = OLD.replace("Coördinatie van zorg blijft", "Coördinatie van zorg is")
    p = reanchor(OLD, new, selector_for(OLD, 0, len("De gemeente heeft")))
    assert_placed(new, p, "De gemeente heeft", "anchored")
    assert (p.start, p.method) == (0, "position")


def test_passage_at_the_very_start_after_an_insertion_before_it():
    new = "Samenvatting volgt.\n" + OLD
    p = reanchor(OLD, new, selector_for(OLD, 0, len("De gemeente heeft")))
    assert_placed(new, p, "De gemeente heeft", "anchored")
    assert p.start == len("Samenvatting volgt.\n")


def test_passage_at_the_very_end_of_the_text():
    quote = "Coördinatie van zorg blijft een aandachtspunt."
    new = "Samenvatting volgt.\n" + OLD
    p = reanchor(OLD, new, selector_for(OLD, len(OLD) - len(quote), len(OLD)))
    assert_placed(new, p, quote, "anchored")
    assert p.end == len(new)


def test_passage_at_the_end_stays_when_text_is_appended():
    quote = "een aandachtspunt."
    new = OLD + "\nNieuwe alinea met een toelichting."
    p = reanchor(OLD, new, selector_for(OLD, len(OLD) - len(quote), len(OLD)))
    assert_placed(new, p, quote, "anchored")


@pytest.mark.parametrize("quote", ["de", "n", "jeugd"])
def test_very_short_quote_follows_its_own_occurrence(quote):
    nth = 3 if quote == "de" else 0
    s = sel(OLD, quote, nth)
    new = "Eerst een nieuwe zin over de wijk en de jeugd.\n" + OLD
    p = reanchor(OLD, new, s)
    assert_placed(new, p, quote, "anchored")
    assert p.start == s.start + len("Eerst een nieuwe zin over de wijk en de jeugd.\n")


def test_very_short_quote_does_not_latch_onto_a_random_occurrence():
    at = OLD.index("via de huisarts") + 4
    s = selector_for(OLD, at, at + 2)
    assert s.exact == "de"
    new = OLD.replace(
        "Ongeveer 40% van de verwijzingen komt via de huisarts.", "Het aandeel van de jeugdarts is klein."
    )
    assert "de" in new
    assert_detached(reanchor(OLD, new, s))


def test_short_quote_is_not_placed_inside_a_longer_word():
    old = "Wij spreken de raad.\nSlot van het stuk."
    new = "Wij spreken de gemeenteraad.\nSlot van het stuk."
    assert_detached(reanchor(old, new, sel(old, "raad")))


def test_unicode_passages_are_placed_by_str_offsets():
    new = "Één nieuwe zin – met “aanhalingstekens”.\n" + OLD
    for quote in ["geïnformeerd", "resultaten – niet op productie –", "een “lerende” monitor", "Coördinatie"]:
        p = reanchor(OLD, new, sel(OLD, quote))
        assert_placed(new, p, quote, "anchored")


def test_unicode_passage_with_an_edit_is_found_fuzzily():
    new = OLD.replace("een “lerende” monitor", "een „lerende” monitor")
    p = reanchor(OLD, new, sel(OLD, "vraagt daarom om een “lerende” monitor."))
    assert_placed(new, p, "vraagt daarom om een „lerende” monitor.", "moved")


# --- interface ------------------------------------------------------------------------------------------


def test_reanchor_many_matches_reanchor_and_keeps_order():
    new = "Nieuwe inleiding.\n" + "\n".join([P2, P1, P3]).replace("12 weken", "13 weken")
    quotes = ["terecht bij het wijkteam", "De wachttijd bedroeg gemiddeld 12 weken", "de", "dashboard", "40%"]
    selectors = [sel(OLD, q) for q in quotes]
    many = reanchor_many(OLD, new, selectors)
    assert many == [reanchor(OLD, new, s) for s in selectors]
    for p in many:
        if p.status != "detached":
            assert new[p.start : p.end] == p.exact  # type: ignore[misc]
    assert reanchor_many(OLD, new, []) == []


def test_reanchor_many_computes_the_diff_once(monkeypatch):
    calls = []
    real = anchoring._Diff

    def counting(old: str, new: str) -> anchoring._Diff:
        calls.append(1)
        return real(old, new)

    monkeypatch.setattr(anchoring, "_Diff", counting)
    new = "Nieuwe inleiding.\n" + OLD
    reanchor_many(OLD, new, [sel(OLD, q) for q in ["de", "wijkteam", "dashboard", "huisarts", "monitor"]])
    assert len(calls) == 1
    reanchor_many(OLD, OLD, [sel(OLD, "wijkteam")])
    assert len(calls) == 1  # unchanged text: no diff at all


def test_stale_offsets_are_recovered_from_quote_and_context():
    s = sel(OLD, "terecht bij het wijkteam")
    stale = Selector(s.exact, s.prefix, s.suffix, s.start + 7, s.end + 7)
    p = reanchor(OLD, OLD, stale)
    assert_placed(OLD, p, "terecht bij het wijkteam", "anchored")
    assert p.start == s.start


def test_empty_new_text_detaches():
    assert_detached(reanchor(OLD, "", sel(OLD, "wijkteam")))


def test_multi_sentence_passage_survives_an_insertion_elsewhere():
    quote = "Met de huisartsen zijn afspraken gemaakt over verwijzingen. Ongeveer 40% van de verwijzingen"
    new = OLD.replace("Coördinatie van zorg", "Wij doen mee aan de regionale pilot. Coördinatie van zorg")
    new = "Voorwoord.\n" + new
    p = reanchor(OLD, new, sel(OLD, quote))
    assert_placed(new, p, quote, "anchored")


# --- look-alikes: cases the benchmark sweeps turned up --------------------------------------------------


def test_phrase_of_a_deleted_sentence_is_not_placed_in_another_sentence_sharing_it():
    ours = "Wij investeren in preventie voor kinderen met een licht verstandelijke beperking."
    other = "Het aantal kinderen met een licht verstandelijke beperking met jeugdhulp steeg."
    old = f"{P1} {ours}\n{P2}\n{P3}"
    new = f"{P1}\n{P2} {other}\n{P3}"
    assert_detached(reanchor(old, new, sel(old, "kinderen met een licht verstandelijke beperking")))


def test_sentence_moved_to_another_paragraph_is_found_with_its_phrase():
    ours = "Wij investeren in preventie voor kinderen met een licht verstandelijke beperking."
    old = f"{P1} {ours}\n{P2}\n{P3}"
    new = f"{P1}\n{P2}\n{P3} {ours}"
    p = reanchor(old, new, sel(old, "kinderen met een licht verstandelijke beperking"))
    assert_placed(new, p, "kinderen met een licht verstandelijke beperking", "moved")
    assert p.start == new.index(ours) + ours.index("kinderen")


def test_deleted_sentence_is_not_placed_on_its_neighbour_with_the_same_opening():
    a = "Eén keer per jaar organiseren wij een spiegelbijeenkomst met ouders en de scholen."
    b = "Eén keer per jaar organiseren wij een spiegelbijeenkomst met jongeren en de wijkagent."
    old = f"{P1}\n{a} {b}\n{P3}"
    new = f"{P1}\n{b}\n{P3}"
    assert_detached(reanchor(old, new, sel(old, "Eén keer", nth=0)))
    p = reanchor(old, new, sel(old, "Eén keer", nth=1))
    assert_placed(new, p, "Eén keer")
    assert p.start == new.index(b)


def test_edited_passage_range_leaves_out_a_sentence_inserted_after_it():
    old = OLD.replace("geïnformeerd", "geïnfomreerd")
    quote = "Het college stuurt op resultaten – niet op productie – en vraagt daarom om een “lerende” monitor."
    passage = "De raad wordt twee keer per jaar geïnfomreerd via het dashboard. " + quote
    new = OLD.replace(quote, quote + " Die monitor is in 2024 ontwikkeld.")
    p = reanchor(old, new, sel(old, passage))
    assert_placed(new, p, passage.replace("geïnfomreerd", "geïnformeerd"), "moved")


def test_changed_last_word_stays_inside_the_range():
    old = "Inleiding.\nVoor jongeren van 16 tot 23 jaar is een apart traject ingericht. Slot van de alinea."
    new = "Inleiding.\nVoor jongeren van 16 tot 23 jaar is een apart traject opgezet. Slot van de alinea."
    p = reanchor(old, new, sel(old, "Voor jongeren van 16 tot 23 jaar is een apart traject ingericht"))
    assert_placed(new, p, "Voor jongeren van 16 tot 23 jaar is een apart traject opgezet", "moved")


def test_verbatim_copy_elsewhere_does_not_win_over_the_edited_original():
    sentence = "Ongeveer 40% van de verwijzingen komt via de huisarts."
    edited = "Ongeveer 40% van de verwijzingen loopt tot op heden via de huisarts."
    new = OLD.replace(sentence, edited) + " " + sentence  # repeated at the end; the original reworded
    p = reanchor(OLD, new, sel(OLD, "van de verwijzingen komt via de huisarts"))
    assert p.status == "detached" or (p.start is not None and p.start < new.index("Coördinatie")), p
    p = reanchor(OLD, new, sel(OLD, sentence))
    assert_placed(new, p, edited, "moved")


def test_quote_is_not_counted_twice_inside_a_longer_number():
    old = "Het café trekt elke maand ongeveer 3 bezoekers.\nDe wijk trekt elke maand ongeveer 31 bezoekers."
    new = (
        "Nieuw begin.\nDe wijk trekt elke maand ongeveer 31 bezoekers.\nHet café trekt elke maand ongeveer 3 bezoekers."
    )
    p = reanchor(old, new, sel(old, "maand ongeveer 3"))
    assert_placed(new, p, "maand ongeveer 3", "moved")
    assert p.start == new.index("Het café") + len("Het café trekt elke ")


def test_edited_passage_is_not_stretched_over_a_new_sentence_to_reach_context():
    # the paragraph moved (no context before it) and a new sentence follows the edited passage: the range that
    # reaches context would swallow the new sentence; the small edit (a comma) is followed, the sentence is not
    a = "Het college heeft in 2023 een motie aangenomen over de ondersteuning thuis."
    b = "Met de scholen is afgesproken dat gezinnen binnen 2 dagen een eerste gesprek krijgen."
    c = "Wij noemen dit intern de korte lijnen."
    old = f"{P1}\n{a} {b} {c}\n{P3}"
    edited = f"{a} {b.replace('gezinnen binnen', 'gezinnen, binnen')}"
    new = f"{P3}\n{edited} Sinds 2022 werkt de gezinscoach in het dorp. {c}\n{P1}"
    p = reanchor(old, new, sel(old, f"{a} {b}"))
    assert (p.status, p.exact, p.start) == ("moved", edited, new.index(edited))


def test_diff_place_with_another_sentence_versus_the_whole_sentence_elsewhere_detaches():
    ours = "Klachten over de toegang worden besproken in de benchmark; in 2024 waren het er 4."
    other = "Klachten over de inkoop worden besproken in het casusoverleg; in 2020 waren het er 22."
    old = f"{P1}\n{ours} Het budget is krap.\n{P3}"
    new = f"{P1}\n{other} Het budget is krap.\n{P3}\n{ours} Wij blijven dit volgen."
    assert_detached(reanchor(old, new, sel(old, "Klachten over de")))
