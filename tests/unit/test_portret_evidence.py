"""Evidence excerpts, cited blocks and the links into the zelfevaluatie (``peerreview.portret.evidence``),
and the research questions per section (``forms/portret-onderzoeksvragen-v1.yaml``)."""

from __future__ import annotations

from peerreview.portret import evidence, skeleton, workspace
from peerreview.portret.evidence import Evidence
from peerreview.sanitize import clean_html, without_provenance


def test_key_paragraphs_keep_the_first_and_the_most_concrete_and_say_when_they_trim():
    plain = "Waar het om gaat.\nAlgemene woorden zonder meer.\nIn 2021 waren er 24 teams.\nSlot."
    paragraphs, trimmed = evidence.key_paragraphs(plain)
    assert paragraphs == ["Waar het om gaat.", "In 2021 waren er 24 teams."] and trimmed
    assert evidence.key_paragraphs("Kort.") == (["Kort."], False)
    assert evidence.key_paragraphs("") == ([], False)


def test_a_long_paragraph_is_cut_at_a_sentence_and_a_long_sentence_with_an_ellipsis():
    sentences = " ".join(f"Zin nummer {n} met wat woorden erin." for n in range(30))
    (text,), trimmed = evidence.key_paragraphs(sentences, max_words=20)
    assert trimmed and text.endswith("erin.") and len(text.split()) <= 20
    (text,), trimmed = evidence.key_paragraphs(" ".join(["woord"] * 50), max_words=10)
    assert trimmed and text == " ".join(["woord"] * 10) + " …"


QUOTE = Evidence(
    ref="quote:7",
    kind="quote",
    title="Wijkcoach",
    text="We gaan gewoon langs.",
    attribution="Wijkcoach, Team Noord",
    sources=[{"type": "quote", "id": 7, "conversation": 3, "label": "Citaat"}],
)


def test_citing_turns_marks_of_the_sections_evidence_into_new_provenance_keys_and_drops_the_rest():
    body = clean_html(QUOTE.block_html() + '<p data-bewijs="quote:8">Ander.</p><p data-bron="b3">Oud.</p>', True)
    assert 'data-bewijs="quote:7"' in body  # the sanitiser keeps a well-formed mark until the save
    cited, added = evidence.cite(body, {"quote:7": QUOTE}, 12)
    assert cited.startswith('<blockquote data-bron="b12"><p>“We gaan gewoon langs.”</p><p>– Wijkcoach, Team Noord')
    assert added == {"b12": QUOTE.sources} and "<p>Ander.</p>" in cited and '<p data-bron="b3">Oud.</p>' in cited
    assert evidence.next_key({"sections": [{"html": cited, "provenance": {"b40": []}}]}) == 41


def test_the_sanitiser_drops_a_malformed_mark_and_readers_never_see_one():
    assert clean_html('<p data-bewijs="javascript:x">Tekst</p>', True) == "<p>Tekst</p>"
    assert clean_html('<p data-bewijs="quote:7">Tekst</p>') == "<p>Tekst</p>"  # not portret HTML
    assert without_provenance('<p data-bewijs="quote:7" data-bron="b1">T</p>') == "<p>T</p>"


def test_the_link_to_the_full_answer_is_resolved_for_some_readers_and_removed_for_the_rest():
    body = clean_html(
        '<p data-bron="b1">De gemeente schrijft: “Kort.”</p><p data-bron="b1">'
        + evidence.full_text_link("s1_1", "Visie & doelen")
        + "</p><p>Verder.</p>",
        True,
    )
    linked = evidence.selfeval_links(body, lambda key: f"/zelfevaluatie/lezen#a-{key}")
    assert 'href="/zelfevaluatie/lezen#a-s1_1"' in linked and "Het hele antwoord op ‘Visie &amp; doelen’" in linked
    removed = evidence.selfeval_links(body, None)
    assert removed == '<p data-bron="b1">De gemeente schrijft: “Kort.”</p><p>Verder.</p>'
    edited = body.replace("</a></p>", "</a> en meer</p>")  # a paragraph the team wrote around the link
    kept = evidence.selfeval_links(edited, None)
    assert "href" not in kept and "in de zelfevaluatie en meer</p>" in kept  # the text stays, the link goes


def test_every_research_question_belongs_to_sections_of_the_skeleton():
    sections = {s.key for s in skeleton.load(skeleton.latest_version()).sections}
    prompts = workspace.prompts()
    assert set(prompts) <= sections
    assert {p.id for items in prompts.values() for p in items} >= {"Q1a", "Q1b", "Q1g", "Q2a", "Q2e", "Q3", "Q4"}
    assert all(items for key, items in prompts.items() if key in ("visie", "inrichting", "financiering", "resume"))
