"""The sanitiser stores what a user typed made harmless, or refuses it with a Dutch message that keeps
their text; it never cuts text short in silence, and its cost is bounded before it parses anything."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from peerreview.accounts.models import MembershipRole
from peerreview.sanitize import MAX_CHARS, MAX_DEPTH, RefusedText, clean_html, lost_text, visible_text
from peerreview.selfeval.models import Answer
from tests.factories import start_selfeval

MXSS = "<p>VOOR <form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)> NA</p><p>MORE</p>"
SVG = "<p>BEGIN <svg><animate onbegin=alert(1) attributeName=x dur=1s> REST VAN DE ALINEA</p><p>DAARNA</p>"


def test_the_mxss_string_is_refused_quoting_the_text_from_the_first_lost_word():
    with pytest.raises(RefusedText) as refused:
        clean_html(MXSS)
    assert refused.value.status == 422
    assert "Een deel van de tekst kan niet veilig worden opgeslagen (vanaf ‘NA MORE’)" in str(refused.value)


def test_an_svg_animate_that_would_swallow_the_rest_of_the_paragraph_is_refused():
    with pytest.raises(RefusedText, match="vanaf ‘REST VAN DE ALINEA"):
        clean_html(SVG)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Hallo <b>wereld</b></p>", "<p>Hallo <b>wereld</b></p>"),
        ("<p>a <script>alert(1)</script>b</p>", "<p>a b</p>"),  # closed code: not user-visible words
        ("<style>p { color: red }</style><p>tekst</p>", "<p>tekst</p>"),
        ("<p>x <!-- opmerking --> y</p>", "<p>x  y</p>"),
        ('<p><img src=x onerror="alert(1)" alt="plaatje">z</p>', "<p>z</p>"),  # attributes are not text
        ("<p>wo<span style='color:red'>rd</span></p>", "<p>word</p>"),  # dropped inline tags keep the word
        ("<div>een</div><div>twee</div>", "eentwee"),  # letters all kept (words are compared as letters)
        ("<p>1 &lt; 2 &amp; 3</p>", "<p>1 &lt; 2 &amp; 3</p>"),
    ],
)
def test_harmless_or_harmed_markup_is_stored_when_no_visible_word_is_lost(html, expected):
    assert clean_html(html) == expected


@pytest.mark.parametrize(
    ("html", "lost"),
    [
        ("<p>a <style>b</style>c <style>d <b>e</b></p>", "d e"),  # a style holding tags is no code: visible
        ("<p>begin <script>nooit gesloten", "nooit gesloten"),  # unclosed code is visible in the editor
        ("<p>begin <!-- nooit gesloten", "nooit gesloten"),
        ("<p>een <a href='x>twee", "a href='x>twee"),  # an unfinished tag swallows the rest in html5
    ],
)
def test_words_that_cleaning_would_drop_are_reported(html, lost):
    with pytest.raises(RefusedText) as refused:
        clean_html(html)
    assert f"vanaf ‘{lost}" in str(refused.value)


def test_visible_text_hides_only_closed_code_and_comments():
    assert visible_text("a<script>x</script>b<!--c-->d").split() == ["a", "b", "d"]
    assert "x" in visible_text("a<style>x</math>y")
    assert lost_text("<p>a b</p>", "<p>a b</p>") is None
    assert lost_text("<p>a b c</p>", "<p>a</p>") == "b c"


def test_a_text_longer_than_the_cap_is_refused_as_too_large_before_cleaning():
    with pytest.raises(RefusedText) as refused:
        clean_html("<p>" + "a" * MAX_CHARS + "</p>")
    assert refused.value.status == 413
    assert "het maximum is 200.000 tekens per veld" in str(refused.value)


def test_nesting_deeper_than_the_cap_is_refused_quickly():
    started = time.perf_counter()
    with pytest.raises(RefusedText, match="te diep genest"):
        clean_html("<ul><li>" * 20_000)
    assert time.perf_counter() - started < 5  # was 116 s before the cap (a generous bound: no flakes)
    assert clean_html("<ul><li>" * (MAX_DEPTH // 2) + "diep")  # within the cap: stored


def test_implied_end_tags_do_not_count_as_depth():
    assert clean_html("<p>a" * (MAX_DEPTH * 3)).count("<p>") == MAX_DEPTH * 3


@pytest.mark.parametrize(
    "make_input", [lambda n: "<a" * n, lambda n: "</" * n, lambda n: "<?" * n, lambda n: "<a b='" * n]
)
def test_malformed_markup_is_judged_in_linear_time(make_input):
    started = time.perf_counter()
    status = 200
    try:
        clean_html(make_input(MAX_CHARS // 6))
    except RefusedText as refused:  # refused or stored (no letters lost), but quickly
        status = refused.status
    assert status in (200, 422)
    assert time.perf_counter() - started < 5  # html.parser took 83 s on "<a" * 100_000


# --- through the app: answers (autosave and the no-JavaScript form), visit notes ---


@pytest.fixture
def world(make, session):
    gemeente = make.gemeente("Deventer")
    writer = make.user("schrijver@deventer.nl", gemeente=gemeente, role=MembershipRole.COORDINATOR)
    visitatie = start_selfeval(session, make.visitatie(gemeente))
    return {"writer": writer, "visitatie": visitatie, "base": f"/visitaties/{visitatie.id}/zelfevaluatie"}


def test_autosave_of_the_mxss_string_answers_422_and_stores_nothing(client_for, world, session):
    client = client_for(world["writer"])
    response = client.post(
        f"{world['base']}/antwoorden/s1_1",
        data={"csrf_token": client.csrf(f"{world['base']}/onderdelen/s1"), "s1_1.__base": "0", "s1_1.html": MXSS},
        headers={"X-Requested-With": "fetch", "Accept": "application/json"},
    )
    assert response.status_code == 422
    assert "vanaf ‘NA MORE’" in response.json["error"]
    assert session.scalar(select(func.count()).select_from(Answer)) == 0


def test_the_form_without_javascript_keeps_the_refused_text_in_the_field(client_for, world, session):
    client = client_for(world["writer"])
    response = client.post(
        f"{world['base']}/onderdelen/s1",
        data={"csrf_token": client.csrf(f"{world['base']}/onderdelen/s1"), "s1_1.__base": "0", "s1_1.html": SVG},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "vanaf ‘REST VAN DE ALINEA" in body
    assert "REST VAN DE ALINEA</p>&lt;p&gt;DAARNA" in body or "DAARNA" in body.split("vanaf", 1)[1]
    assert session.scalar(select(func.count()).select_from(Answer)) == 0


def test_an_answer_over_the_size_cap_is_refused_with_the_limit(client_for, world, session):
    client = client_for(world["writer"])
    response = client.post(
        f"{world['base']}/antwoorden/s1_1",
        data={
            "csrf_token": client.csrf(f"{world['base']}/onderdelen/s1"),
            "s1_1.__base": "0",
            "s1_1.html": "<p>" + "woord " * 40_000 + "</p>",
        },
        headers={"X-Requested-With": "fetch", "Accept": "application/json"},
    )
    assert response.status_code == 422
    assert "het maximum is 200.000 tekens per veld" in response.json["error"]
    assert session.scalar(select(func.count()).select_from(Answer)) == 0


# --- other texts are refused over their limit, not cut short ---


def test_an_annotation_or_reply_over_its_limit_is_refused_not_cut(app, session, make):
    from peerreview.review import annotating
    from tests.factories import visited

    world = visited(app, session, make)
    with app.test_request_context():
        annotation = session.merge(world["strength"])
        lead = session.merge(world["lead"])
        with pytest.raises(annotating.ReviewError, match="het maximum is 4000"):
            annotating.reply(session, lead, annotation, "woord " * 700)
        with pytest.raises(annotating.ReviewError, match="het maximum is 8000"):
            annotating.update_annotation(session, lead, annotation, themes_=["T7"], kind="sterkte", body="w" * 8001)
        session.rollback()
    session.expire_all()
    assert session.get(type(annotation), annotation.id).body == "Een visie die breed gedragen wordt."


def test_an_upload_title_over_its_limit_is_refused_not_cut(app, session, world):
    from peerreview.selfeval import documents
    from peerreview.selfeval.filetypes import RejectedFile

    with app.test_request_context(), pytest.raises(RejectedFile, match="De titel is 201 tekens lang"):
        documents.upload(
            session,
            world["writer"],
            session.merge(world["visitatie"]),
            data=b"%PDF-1.4\n%%EOF\n",
            filename="plan.pdf",
            title="t" * 201,
            item_key=None,
            section_keys=[],
            max_bytes=1024,
        )


def test_a_csv_the_csv_module_refuses_is_a_refused_import_not_a_crash(app, session):
    from peerreview.indicators import importer

    data = b'RegioS;Perioden;X\n"' + b"x" * 200_000 + b'";2024;1\n'
    with app.test_request_context(), pytest.raises(importer.FileRefused, match="geen geldige CSV"):
        importer.run(session, data)
