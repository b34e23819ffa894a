"""A table answer in the review workspace: its cells and the hidden glue between them are exactly the
answer's plain text, so a passage keeps its offsets whether shown as text or as a table."""

from __future__ import annotations

import re
from types import SimpleNamespace

from peerreview.review.highlight import highlighted_table

HEAD = ["Indicator", "Waarde"]
ROWS = [["Huisbezoek", "318"], ["Wachttijd", "21"]]
TEXT = "Huisbezoek | 318\nWachttijd | 21"


def annotation(id_: int, start: int, end: int):
    return SimpleNamespace(id=id_, start=start, end=end, themes=["T3"], anchor_status=SimpleNamespace(value="anchored"))


def answer_text(html: str) -> str:
    """The text a selection in the page counts: everything but the header row and the reference numbers."""
    html = re.sub(r"<th [^>]*data-not-answer>.*?</th>", "", html)
    html = re.sub(r'<a class="hl-ref".*?</a>', "", html)
    return re.sub(r"<[^>]+>", "", html).replace("&#x27;", "'")


def test_the_table_text_is_the_plain_text_and_a_passage_over_two_cells_is_marked_in_both():
    passage = annotation(7, TEXT.index("318"), TEXT.index("Wachttijd") + 4)  # "318\nWach"
    html = str(highlighted_table(HEAD, ROWS, TEXT, [passage], {7: 1}))
    assert answer_text(html) == TEXT
    assert '<th scope="col" data-not-answer>Indicator</th>' in html
    assert html.count('data-annotations="a-7"') == 2  # one mark per cell it covers
    assert '<mark class="hl hl-T3" data-annotations="a-7">Wach</mark><a class="hl-ref" id="h-7"' in html
    assert 'tabindex="0" role="region"' in html


def test_a_passage_ending_on_the_glue_keeps_its_reference():
    passage = annotation(3, 0, len("Huisbezoek | "))
    html = str(highlighted_table(HEAD, ROWS, TEXT, [passage], {3: 1}))
    assert 'id="h-3"' in html


def test_cells_that_do_not_make_up_the_text_fall_back_to_none():
    assert highlighted_table(HEAD, ROWS, "iets anders", [], {}) is None


def test_the_text_before_the_table_is_shown_before_it_with_the_same_offsets():
    intro = "We tellen twee dingen."
    text = f"{intro}\n{TEXT}"
    passage = annotation(5, text.index("twee"), text.index("318") + 3)  # from the text into the table
    html = str(highlighted_table(HEAD, ROWS, text, [passage], {5: 1}, start=len(intro) + 1))
    assert answer_text(html) == text
    assert html.index("twee") < html.index("<table")
    assert html.count('data-annotations="a-5"') == 3  # the text, the first cell, the second cell
    assert highlighted_table(HEAD, ROWS, text, [], {}) is None  # without the start the cells do not match
