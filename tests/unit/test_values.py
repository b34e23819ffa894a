"""Answer values: cleaning untrusted input per field kind, plain text, completeness."""

import pytest

from peerreview.sanitize import clean_html, plain_text
from peerreview.selfeval import definitions
from peerreview.selfeval.values import InvalidValue, clean, is_filled, parse_number, plain

Q = definitions.load("zelfevaluatie-basis", 1).questions


@pytest.mark.parametrize(
    ("raw", "number"),
    [("12,5", 12.5), ("1.250,75", 1250.75), ("€ 3.400.000", 3400000.0), ("7", 7.0), ("", None), (4, 4.0)],
)
def test_dutch_numbers(raw, number):
    assert parse_number(raw, "Budget") == number


def test_bad_numbers_get_a_dutch_message():
    with pytest.raises(InvalidValue, match="‘twaalf’ is geen getal"):
        parse_number("twaalf", "Inzet")
    with pytest.raises(InvalidValue, match="niet kleiner zijn dan 0"):
        clean(Q["s2_1_5_fte"], {"value": "-2"})


def test_word_markup_is_cleaned():
    word = (
        '<p class="MsoNormal" style="margin:0"><span style="font-family:Calibri">Onze <b>visie</b></span>'
        "<o:p></o:p></p><!-- comment --><p>&nbsp;</p>"
    )
    assert clean_html(word) == "<p>Onze <b>visie</b></p>"


def test_plain_text_is_one_line_per_block():
    assert (
        plain_text("<h3>Kop</h3><p>Een  zin.<br>Tweede</p><ul><li>a</li><li>b</li></ul>")
        == "Kop\nEen zin.\nTweede\na\nb"
    )


def test_choice_values_outside_the_options_are_refused():
    with pytest.raises(InvalidValue, match="kies een van de mogelijkheden"):
        clean(Q["s2_5_2"], {"value": "hybride"})
    value = clean(Q["s2_5_2"], {"value": "netwerkmodel", "explanation": "<p>Omdat</p><script>x</script>"})
    assert value == {"value": "netwerkmodel", "explanation": "<p>Omdat</p>"}
    assert plain(Q["s2_5_2"], value) == "Netwerkmodel\nOmdat"


def test_rows_drop_empty_lines_and_unknown_choices():
    value = clean(
        Q["s1_3"],
        {
            "rows": [
                {"indicator": "Jeugdigen met jeugdhulp", "trend": "dalend", "waarde": "6,7%"},
                {"indicator": "", "trend": ""},
                {"trend": "omhoog"},
            ]
        },
    )
    assert len(value["rows"]) == 1
    assert value["rows"][0]["trend"] == "dalend"
    assert is_filled(Q["s1_3"], value)
    assert "Jeugdigen met jeugdhulp" in plain(Q["s1_3"], value)


def test_rating_list_is_filled_only_when_every_item_has_a_status():
    question = Q["s2_3_2"]
    items = {str(i["value"]): {"status": "aanwezig"} for i in question.spec["items"]}
    assert is_filled(question, clean(question, {"items": items}))
    items.pop("4c")
    assert not is_filled(question, clean(question, {"items": items}))


def test_the_routekaarts_heading_rows_are_not_rated_but_keep_their_comment():
    question = Q["s2_3_2"]
    headings = [str(i["value"]) for i in question.spec["items"] if i.get("heading")]
    assert headings == ["2", "3", "4"]
    items = {str(i["value"]): {"status": "deels_aanwezig"} for i in question.rated_items()}
    assert is_filled(question, clean(question, {"items": items}))  # complete without the heading rows
    items["3"] = {"status": "aanwezig", "comment": "Eén loket"}
    value = clean(question, {"items": items})
    assert value["items"]["3"] == {"status": None, "comment": "Eén loket"}  # a status on a heading is not kept
    assert "3. Vindbare en toegankelijke hulp: Eén loket" in plain(question, value).splitlines()
    assert "3a. Toegankelijk: Deels aanwezig" in plain(question, value).splitlines()


def test_table_questions_that_ask_for_text_too_keep_both():
    question = Q["s1_5"]
    assert question.spec["intro"]
    value = clean(question, {"intro": "<p>Vooral <b>korte lijnen</b>.</p><script>x</script>", "rows": []})
    assert value["intro"] == "<p>Vooral <b>korte lijnen</b>.</p>"
    value = clean(question, {"intro": "<p>Vooral korte lijnen.</p>", "rows": [{"factor": "Eén loket"}]})
    lines = plain(question, value).splitlines()
    assert lines[0] == "Vooral korte lijnen." and lines[1].startswith("Eén loket")
    # a table question without a text part keeps none, whatever is sent
    from dataclasses import replace

    without = replace(question, spec={k: v for k, v in question.spec.items() if k != "intro"})
    assert "intro" not in clean(without, {"intro": "<p>x</p>", "rows": [{"factor": "Eén loket"}]})


def test_a_table_question_with_an_optional_table_is_answered_by_its_text_alone():
    question = Q["s2_3_3"]
    assert question.spec.get("min_rows") == 0
    assert not is_filled(question, clean(question, {"intro": "", "rows": []}))
    assert is_filled(question, clean(question, {"intro": "<p>Zie het jaarverslag, bijlage 2.</p>", "rows": []}))


def test_strengths_need_both_parts():
    question = Q["s2_1_6"]
    assert not is_filled(question, clean(question, {"goed": "<p>Veel</p>", "ontwikkel": ""}))
    assert is_filled(question, clean(question, {"goed": "<p>Veel</p>", "ontwikkel": "<p>Meer</p>"}))


def test_thousands_with_dots_are_dutch():
    assert parse_number("1.250", "Budget") == 1250.0
    assert parse_number("12.5", "Fte") == 12.5
