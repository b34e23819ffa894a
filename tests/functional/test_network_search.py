"""The network's search (issue 11 item 5): Dutch stemming, ranking, snippets, facets, and access in the
query. The suite runs on SQLite (FTS5) and on PostgreSQL (tsvector + GIN): every test here runs on both."""

from __future__ import annotations

import csv
import io
import time

import pytest
import sqlalchemy as sa

from peerreview import signals
from peerreview.accounts.models import NetworkRole
from peerreview.network import search
from peerreview.network.models import Audience, NetworkPassage, NetworkPassageTheme, PassageKind
from tests.factories import definitive

_keys = iter(range(1, 10**6))


def passage(session, visitatie, text, *, title="", audience=Audience.NETWERK, kind=PassageKind.SECTIE, themes=("T1",)):
    row = NetworkPassage(
        key=f"test:{next(_keys)}",
        kind=kind,
        audience=audience,
        visitatie_id=visitatie.id,
        gemeente_id=visitatie.gemeente_id,
        round_id=visitatie.round_id,
        section_key="visie" if kind is PassageKind.SECTIE else None,
        title=title,
        text=text,
    )
    row.theme_rows = [NetworkPassageTheme(theme=t) for t in themes]
    session.add(row)
    return row


def index(session, visitatie, *rows):
    """As the indexer does: flush the rows, then tell the search which passages the visitatie has now."""
    session.flush()
    signals.passages_reindexed.send(session, visitatie_id=visitatie.id, passage_ids=[r.id for r in rows])
    session.commit()


@pytest.fixture
def world(session, make):
    deventer = make.gemeente("Deventer")
    zaltbommel = make.gemeente("Zaltbommel")
    round_ = make.round("Ronde 2026")
    return {
        "deventer": make.visitatie(deventer, round_),
        "zaltbommel": make.visitatie(zaltbommel, round_),
        "member": make.user(gemeente=zaltbommel),
        "analyst": make.user(network_role=NetworkRole.ANALYST),
    }


def texts(results):
    return [hit.passage.text for hit in results.hits]


@pytest.mark.parametrize(
    ("query", "written"),
    [
        ("voorzieningen", "voorziening"),
        ("wachtlijsten", "wachtlijst"),
        ("gezinnen", "gezin"),
        ("huisarts", "huisartsen"),
    ],
)
def test_a_plural_finds_the_singular_and_back(session, world, query, written):
    v = world["deventer"]
    found = passage(session, v, f"Er is één {written} voor de hele regio.")
    other = passage(session, v, "Niets over dit onderwerp.")
    index(session, v, found, other)
    results = search.search(session, world["member"], query)
    assert texts(results) == [found.text]


def test_gezin_does_not_find_zin(session, world):
    v = world["deventer"]
    gezin = passage(session, v, "Het gezin krijgt één plan.")
    zin = passage(session, v, "In die zin werkt het goed.")
    index(session, v, gezin, zin)
    assert texts(search.search(session, world["member"], "gezinnen")) == [gezin.text]
    assert texts(search.search(session, world["member"], "zin")) == [zin.text]


def test_every_word_of_the_query_must_occur(session, world):
    v = world["deventer"]
    both = passage(session, v, "Wachtlijsten bij de huisarts.")
    one = passage(session, v, "Wachtlijsten elders.")
    index(session, v, both, one)
    assert texts(search.search(session, world["member"], "wachtlijst huisartsen")) == [both.text]


def test_a_passage_about_the_word_ranks_above_a_passing_mention(session, world):
    """The rule both backends keep: the word in the title, or more often in the text, ranks higher."""
    v = world["deventer"]
    filler = " ".join(["De gemeente werkt samen met scholen en de jeugdgezondheidszorg."] * 4)
    passing = passage(session, v, f"{filler} Ook de wachtlijst kwam kort ter sprake. {filler}")
    titled = passage(session, v, "De wachtlijsten zijn korter sinds het wijkteam zelf indiceert.", title="Wachtlijsten")
    twice = passage(
        session, v, f"De wachtlijst voor specialistische hulp groeit; een tweede wachtlijst ontstaat. {filler}"
    )
    unrelated = passage(session, v, filler)
    index(session, v, passing, titled, twice, unrelated)
    results = search.search(session, world["member"], "wachtlijsten")
    order = [hit.passage.id for hit in results.hits]
    assert order[-1] == passing.id
    assert set(order) == {passing.id, titled.id, twice.id}
    assert results.hits[0].rank > results.hits[-1].rank


def test_the_snippet_marks_the_matching_words_of_the_passage_itself_and_escapes_html(session, world):
    v = world["deventer"]
    row = passage(session, v, "Gezinnen <b>met</b> meerdere hulpvragen krijgen één gezin-plan & een regisseur.")
    index(session, v, row)
    hit = search.search(session, world["member"], "gezin").hits[0]
    snippet = str(hit.snippet)
    assert "<mark>Gezinnen</mark>" in snippet
    assert "<mark>gezin</mark>-plan" in snippet
    assert "&lt;b&gt;met&lt;/b&gt;" in snippet and "<b>" not in snippet
    assert "&amp;" in snippet


def test_a_long_passage_is_cut_around_its_matches(session, world):
    v = world["deventer"]
    before = " ".join(f"woord{i}" for i in range(200))
    row = passage(session, v, f"{before} de huisarts verwijst direct. {before}")
    index(session, v, row)
    snippet = str(search.search(session, world["member"], "huisartsen").hits[0].snippet)
    assert "<mark>huisarts</mark>" in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(snippet) < 600


def test_concept_material_is_for_analysts_only(session, world, make):
    v = world["zaltbommel"]
    concept = passage(session, v, "Geheime wachtlijst in concept.", audience=Audience.CONCEPT, kind=PassageKind.STERKTE)
    shared = passage(session, v, "Gedeelde wachtlijst.", audience=Audience.NETWERK)
    public = passage(session, v, "Openbare wachtlijst.", audience=Audience.OPENBAAR)
    index(session, v, concept, shared, public)
    assert set(texts(search.search(session, world["analyst"], "wachtlijst"))) == {
        concept.text,
        shared.text,
        public.text,
    }
    assert set(texts(search.search(session, world["member"], "wachtlijst"))) == {shared.text, public.text}
    assert texts(search.search(session, None, "wachtlijst")) == [public.text]
    hit = next(h for h in search.search(session, world["analyst"], "wachtlijst").hits if h.passage.id == concept.id)
    assert hit.concept


def test_the_page_never_shows_text_of_a_passage_the_user_may_not_read(client_for, session, world):
    v = world["zaltbommel"]
    concept = passage(
        session, v, "Wachtlijst vertrouwelijk-kiwi.", audience=Audience.CONCEPT, kind=PassageKind.ONTWIKKELPUNT
    )
    shared = passage(session, v, "Wachtlijst gedeeld-appel.", title="Toegang")
    index(session, v, concept, shared)
    member_page = client_for(world["member"]).get("/netwerk/zoeken?q=wachtlijst").get_data(as_text=True)
    assert "gedeeld-appel" in member_page and "kiwi" not in member_page
    assert "1 passage gevonden" in member_page
    member_csv = client_for(world["member"]).get("/netwerk/zoeken.csv?q=wachtlijst").get_data(as_text=True)
    assert "gedeeld-appel" in member_csv and "kiwi" not in member_csv
    analyst_page = client_for(world["analyst"]).get("/netwerk/zoeken?q=wachtlijst").get_data(as_text=True)
    assert "kiwi" in analyst_page and ">concept<" in analyst_page


def test_facets_count_only_visible_passages(session, world):
    deventer, zaltbommel = world["deventer"], world["zaltbommel"]
    rows_d = [
        passage(session, deventer, "Jeugdhulp in de wijk.", themes=("T1", "T3")),
        passage(session, deventer, "Jeugdhulp op school.", themes=("T3",), kind=PassageKind.LES),
        passage(session, deventer, "Jeugdhulp concept.", audience=Audience.CONCEPT, themes=("T5",)),
    ]
    rows_z = [passage(session, zaltbommel, "Jeugdhulp dichtbij.", themes=("T3",), kind=PassageKind.STERKTE)]
    index(session, deventer, *rows_d)
    index(session, zaltbommel, *rows_z)
    results = search.search(session, world["member"], "jeugdhulp")
    assert results.total == 3
    counts = {facet: {i.value: i.count for i in items} for facet, items in results.facets.items()}
    assert counts["theme"] == {"T1": 1, "T3": 3}  # T5 is only in the concept passage
    assert counts["kind"] == {"sectie": 1, "les": 1, "sterkte": 1}
    assert counts["province"] == {"Utrecht": 3}
    assert counts["gemeente"] == {str(deventer.gemeente_id): 2, str(zaltbommel.gemeente_id): 1}
    assert counts["round"] == {str(deventer.round_id): 3}
    labels = {facet: {i.label for i in items} for facet, items in results.facets.items()}
    assert labels["gemeente"] == {"Deventer", "Zaltbommel"} and labels["round"] == {"Ronde 2026"}
    assert labels["kind"] == {"Portretsectie", "Les", "Sterkte"}
    analyst = search.search(session, world["analyst"], "jeugdhulp")
    assert analyst.total == 4 and {i.value for i in analyst.facets["theme"]} == {"T1", "T3", "T5"}


def test_facet_filters_narrow_the_hits_in_the_query(session, world):
    deventer, zaltbommel = world["deventer"], world["zaltbommel"]
    a = passage(session, deventer, "Preventie in de wijk.", themes=("T2",))
    b = passage(session, deventer, "Preventie op school.", themes=("T4",), kind=PassageKind.LES)
    c = passage(session, zaltbommel, "Preventie dichtbij.", themes=("T2",))
    index(session, deventer, a, b)
    index(session, zaltbommel, c)
    member = world["member"]
    assert set(texts(search.search(session, member, "preventie", search.Facets(theme="T2")))) == {a.text, c.text}
    assert texts(search.search(session, member, "preventie", search.Facets(kind=PassageKind.LES))) == [b.text]
    only_d = search.search(session, member, "preventie", search.Facets(gemeente=deventer.gemeente_id, theme="T2"))
    assert texts(only_d) == [a.text]
    assert only_d.facets["theme"][0].selected
    assert search.search(session, member, "preventie", search.Facets(province="Drenthe")).total == 0
    facets = search.Facets.from_args({"thema": "t2", "soort": "les", "gemeente": "x", "ronde": "99999999999"})
    assert facets == search.Facets(theme="T2", kind=PassageKind.LES)


def test_a_withdrawn_publication_vanishes_from_search_after_the_reindex(session, world):
    v = world["deventer"]
    row = passage(session, v, "De wachtlijst is weg.")
    index(session, v, row)
    assert search.search(session, world["member"], "wachtlijst").total == 1
    # The indexer rebuilds the visitatie without the withdrawn material: its passages are deleted.
    session.execute(sa.delete(NetworkPassage).where(NetworkPassage.visitatie_id == v.id))
    index(session, v)
    assert search.search(session, world["member"], "wachtlijst").total == 0
    assert session.scalar(sa.text("SELECT count(*) FROM network_search")) == 0


def test_a_reindex_replaces_the_search_rows_of_changed_passages(session, world):
    v = world["deventer"]
    row = passage(session, v, "Over huisartsen.")
    index(session, v, row)
    row.text = "Over scholen."
    index(session, v, row)
    assert search.search(session, world["member"], "huisarts").total == 0
    assert search.search(session, world["member"], "school").total == 1
    assert session.scalar(sa.text("SELECT count(*) FROM network_search")) == 1


def test_results_come_in_pages(session, world):
    v = world["deventer"]
    rows = [passage(session, v, f"Wijkteam nummer {i}.") for i in range(25)]
    index(session, v, *rows)
    first = search.search(session, world["member"], "wijkteams", per_page=10)
    third = search.search(session, world["member"], "wijkteams", page=3, per_page=10)
    beyond = search.search(session, world["member"], "wijkteams", page=99, per_page=10)
    assert (first.total, first.pages, len(first.hits), len(third.hits)) == (25, 3, 10, 5)
    assert beyond.page == 3
    assert not {h.passage.id for h in first.hits} & {h.passage.id for h in third.hits}


def test_the_search_index_of_one_portret_is_refreshed_within_a_second(session, world):
    v = world["deventer"]
    paragraph = "De gemeente organiseert de toegang tot jeugdhulp via wijkteams die dicht bij gezinnen werken. " * 6
    rows = [passage(session, v, f"{paragraph} Passage {i}.", title=f"Sectie {i}") for i in range(80)]
    session.flush()
    started = time.perf_counter()
    written = search.refresh(session, [r.id for r in rows])
    elapsed = time.perf_counter() - started
    assert written == 80
    assert elapsed < 1.0


def test_the_page_without_a_query_suggests_words(client):
    page = client.get("/netwerk/zoeken").get_data(as_text=True)
    assert 'label for="q"' in page
    assert "Typ een of meer woorden" in page
    assert "/netwerk/zoeken?q=wachtlijsten" in page


def test_the_page_says_what_to_try_when_nothing_is_found(client_for, world):
    page = client_for(world["member"]).get("/netwerk/zoeken?q=onvindbaarwoord&thema=T3").get_data(as_text=True)
    assert "Niets gevonden" in page
    assert "zonder filters te zoeken" in page


def test_the_page_links_each_hit_to_its_place_and_offers_facet_links(client_for, session, world):
    v = world["deventer"]
    row = passage(session, v, "Het wijkteam werkt met één plan.", title="Visie", themes=("T2",))
    index(session, v, row)
    page = client_for(world["member"]).get("/netwerk/zoeken?q=wijkteam").get_data(as_text=True)
    assert f"/portretten/deventer/{v.id}#sectie-visie" in page
    assert "<mark>wijkteam</mark>" in page
    assert "thema=T2" in page
    assert "Deventer" in page


def test_a_facet_with_many_values_is_one_select_that_keeps_the_query_and_the_other_filters(
    client_for, session, world, monkeypatch
):
    from peerreview.network import search_views

    monkeypatch.setattr(search_views, "LONG_FACET", 1)  # two gemeenten stand in for the network's 342
    deventer, zaltbommel = world["deventer"], world["zaltbommel"]
    index(session, deventer, passage(session, deventer, "Het wijkteam in Deventer.", themes=("T2",)))
    index(session, zaltbommel, passage(session, zaltbommel, "Het wijkteam in Zaltbommel.", themes=("T2",)))
    client = client_for(world["member"])
    page = client.get("/netwerk/zoeken?q=wijkteam&thema=T2").get_data(as_text=True)
    select = page.split('<select id="facet-gemeente-keuze" name="gemeente">', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{deventer.gemeente_id}">Deventer (1)</option>' in select
    assert f'<option value="{zaltbommel.gemeente_id}">Zaltbommel (1)</option>' in select
    form = page.split('<label for="facet-gemeente-keuze"', 1)[0].rsplit("<form", 1)[1]
    assert 'name="q" value="wijkteam"' in form and 'name="thema" value="T2"' in form
    assert f"gemeente={deventer.gemeente_id}" not in page  # no link per gemeente
    chosen = client.get(f"/netwerk/zoeken?q=wijkteam&thema=T2&gemeente={deventer.gemeente_id}").get_data(as_text=True)
    assert "in Deventer." in chosen and "in Zaltbommel." not in chosen
    assert "Deventer</strong> (1)" in chosen  # the chosen one, with its link to drop the filter


def test_the_csv_holds_every_hit_with_its_gemeente_and_escapes_formulas(client_for, session, world):
    v = world["deventer"]
    row = passage(session, v, '=HYPERLINK("x") wachtlijst', title="Wachtlijst", themes=("T1", "T4"))
    index(session, v, row)
    response = client_for(world["member"]).get("/netwerk/zoeken.csv?q=wachtlijst")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["positie", "gemeente", "provincie"]
    assert rows[1][1] == "Deventer" and rows[1][5] == "T1 T4"
    assert rows[1][8].startswith("'=")


HOSTILE = [
    "\x00",
    '"',
    "' OR 1=1 --",
    "NEAR(a b)",
    "a* OR b:c",
    "!&|():*",
    "<script>alert(1)</script>",
    "²³",
    "9" * 40,
    "-1",
    "x" * 5000,
    "T99",
    "ëën",
]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_values_in_every_argument_never_give_an_error(client_for, session, world, value):
    v = world["deventer"]
    index(session, v, passage(session, v, "Wachtlijst voor jeugdhulp."))
    client = client_for(world["analyst"])
    for path in ("/netwerk/zoeken", "/netwerk/zoeken.csv"):
        for name in ("q", "thema", "gemeente", "provincie", "ronde", "soort", "pagina"):
            args = {"q": "wachtlijst", name: value}
            response = client.get(path, query_string=args)
            assert response.status_code == (422 if "\x00" in value else 200), (path, name)  # the app refuses NUL
            assert "<script>alert" not in response.get_data(as_text=True)


def test_a_published_portret_is_found_through_the_indexer_and_vanishes_when_withdrawn(app, session, make):
    """The whole path: the indexer rebuilds the visitatie's passages, the signal refreshes the search;
    withdrawing the publication empties both."""
    from peerreview.definitief import services as definitief
    from peerreview.network import indexer
    from peerreview.portret.models import Portret, Publication

    world = definitive(app, session, make)
    visitatie = world["visitatie"]
    portret = session.get(Portret, world["portret_id"])
    coordinator = session.merge(world["coordinator"])
    reader = make.user(gemeente=make.gemeente("Elders"))
    with app.test_request_context():
        definitief.choose(session, coordinator, portret, Publication.NETWERK)
        indexer.reindex_visitatie(session, visitatie.id)
        session.commit()
        section = session.scalars(
            sa.select(NetworkPassage).where(
                NetworkPassage.visitatie_id == visitatie.id, NetworkPassage.kind == PassageKind.SECTIE
            )
        ).first()
        assert section is not None
        word = max(section.text.split(), key=len).strip(".,;:()")
        found = search.search(session, reader, word)
        assert section.id in {hit.passage.id for hit in found.hits}
        definitief.choose(session, coordinator, portret, Publication.GEMEENTE)
        indexer.reindex_visitatie(session, visitatie.id)
        session.commit()
        assert search.search(session, reader, word).total == 0
        stored = sa.text("SELECT count(*) FROM network_search")
        passages = session.scalar(sa.select(sa.func.count()).select_from(NetworkPassage))
        assert session.scalar(stored) == passages
