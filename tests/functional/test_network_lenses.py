"""Lenses on the network's passages: the vocabularies load (and a bad file is refused with a clear message),
only analysts and round staff code passages (404 for a gemeente member), the lens filter returns only
coded passages the reader may see, and a passage that leaves the index (a withdrawn publication) leaves
the lens page and the exports while its coding waits for it to come back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from peerreview import access
from peerreview.accounts.models import MembershipRole, NetworkRole
from peerreview.audit.models import AuditEvent
from peerreview.network import indexer, lenses
from peerreview.network.lens_models import PassageCode
from peerreview.network.lens_services import set_codes
from peerreview.network.models import Audience, NetworkPassage, PassageKind
from peerreview.selfeval.definitions import DefinitionError

GOOD = """\
key: proef_lens
version: 2
name: "Proeflens"
description: "Een lens om mee te proeven."
codes:
  - {key: een, label: "Een", description: "De eerste."}
  - {key: twee, label: "Twee", description: "De tweede."}
"""


def passage(visitatie, key, audience, text="Een passage.", themes=("T3",), kind=PassageKind.STERKTE):
    """One row of the passage index, as the indexer builds it (``indexer.write_index`` inserts it)."""
    return {
        "key": key,
        "kind": kind,
        "audience": audience,
        "visitatie_id": visitatie.id,
        "gemeente_id": visitatie.gemeente_id,
        "round_id": visitatie.round_id,
        "portret_id": None,
        "section_key": None,
        "title": f"Titel {key}",
        "text": text,
        "judgement": None,
        "themes": list(themes),
    }


@pytest.fixture
def network(session, make):
    """Two gemeenten: Alfa with network and concept passages, Beta with a public one; an analyst, a round
    coordinator, a member of Beta."""
    alfa, beta = make.gemeente("Alfa"), make.gemeente("Beta")
    round_ = make.round("Ronde 2026")
    va, vb = make.visitatie(alfa, round_), make.visitatie(beta, round_)
    rows = [
        passage(va, "annotation:1", Audience.NETWERK, "Het team ziet korte lijnen met de huisartsen."),
        passage(va, "annotation:2", Audience.NETWERK, "Budgetplafonds zijn ingevoerd.", themes=("T8",)),
        passage(va, "summary:3", Audience.CONCEPT, "Nog een concept over de toegang.", kind=PassageKind.SAMENVATTING),
        passage(vb, "lesson:4", Audience.OPENBAAR, "Begin bij de bedoeling van de wet.", kind=PassageKind.LES),
    ]
    indexer.write_index(session, rows)
    session.commit()
    return {
        "alfa": alfa,
        "beta": beta,
        "va": va,
        "vb": vb,
        "analyst": make.user(network_role=NetworkRole.ANALYST),
        "staff": make.user(network_role=NetworkRole.ROUND_COORDINATOR),
        "member": make.user(gemeente=beta, role=MembershipRole.COORDINATOR),
    }


def code(client, key, *pairs, lens_keys=None):
    page = f"/netwerk/passages/{key}"
    data = {"lens": lens_keys or list(lenses.lenses()), "code": [f"{lens}:{c}" for lens, c in pairs]}
    return client.post_form(f"{page}/codes", data, token_from=page)


def codes_in_db(session, key):
    session.expire_all()
    return {(r.lens, r.code) for r in session.scalars(select(PassageCode).where(PassageCode.passage_key == key))}


# --- the vocabularies ----------------------------------------------------------------------------------------


def test_the_three_lenses_load_with_their_codes():
    loaded = lenses.lenses()
    assert list(loaded) == ["jeugdwet_doelen", "sturing", "toetsstenen"]
    assert len(loaded["jeugdwet_doelen"].codes) == 5
    assert loaded["sturing"].code_keys == ("interactief", "hierarchisch", "financieel")
    assert all(c.label and c.description for lens in loaded.values() for c in lens.codes)


def test_the_latest_version_of_a_lens_counts(tmp_path: Path):
    (tmp_path / "proef-lens-v2.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "proef-lens-v1.yaml").write_text(
        GOOD.replace("version: 2", "version: 1").replace("  - {key: twee", "#"), encoding="utf-8"
    )
    assert lenses.load_dir(tmp_path)["proef_lens"].version == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("key: proef_lens", 'key: "Proef Lens"'), "key must be lowercase"),
        (GOOD.replace("version: 2", "version: 3"), "file name must be proef-lens-v3.yaml"),
        (
            GOOD.replace(
                '  - {key: twee, label: "Twee", description: "De tweede."}',
                '  - {key: een, label: "Nog een", description: "Dubbel."}',
            ),
            "appears twice",
        ),
        (GOOD.replace('label: "Een", ', ""), "exactly key, label and description"),
        (GOOD.replace('name: "Proeflens"', 'name: ""'), "name must be a non-empty text"),
        ("codes: [", "cannot be read"),
    ],
)
def test_a_bad_lens_file_is_refused_with_the_file_and_the_problem(tmp_path: Path, text, message):
    path = tmp_path / "proef-lens-v2.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as error:
        lenses.load_dir(tmp_path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


# --- coding ---------------------------------------------------------------------------------------------------


def test_an_analyst_codes_a_passage_and_the_change_is_audited(client_for, session, network):
    analyst = client_for(network["analyst"])
    page = analyst.get("/netwerk/passages/annotation:1")
    assert page.status_code == 200
    assert 'name="code" value="sturing:interactief"' in page.get_data(as_text=True)
    response = code(analyst, "annotation:1", ("sturing", "interactief"), ("jeugdwet_doelen", "integrale_hulp"))
    assert response.status_code == 302
    assert codes_in_db(session, "annotation:1") == {("sturing", "interactief"), ("jeugdwet_doelen", "integrale_hulp")}
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "passage_codes_changed")).one()
    assert event.actor_id == network["analyst"].id and event.gemeente_id == network["alfa"].id
    assert event.details["added"] == ["jeugdwet_doelen:integrale_hulp", "sturing:interactief"]

    # unticking one code removes only that one
    code(analyst, "annotation:1", ("sturing", "interactief"))
    assert codes_in_db(session, "annotation:1") == {("sturing", "interactief")}
    page = analyst.get("/netwerk/passages/annotation:1").get_data(as_text=True)
    assert "Interactief" in page


def test_a_form_for_one_lens_leaves_the_other_lenses_alone(client_for, session, network):
    analyst = client_for(network["analyst"])
    code(analyst, "annotation:1", ("sturing", "financieel"), ("toetsstenen", "niemand_wacht"))
    code(analyst, "annotation:1", lens_keys=["sturing"])
    assert codes_in_db(session, "annotation:1") == {("toetsstenen", "niemand_wacht")}


def test_a_round_coordinator_may_code_and_an_unknown_code_is_refused(client_for, session, network):
    staff = client_for(network["staff"])
    assert code(staff, "summary:3", ("sturing", "financieel")).status_code == 302
    assert code(staff, "summary:3", ("sturing", "bestaat_niet")).status_code == 400
    assert codes_in_db(session, "summary:3") == {("sturing", "financieel")}


def test_a_gemeente_member_may_read_but_not_code_a_passage(client_for, session, network):
    member = client_for(network["member"])
    page = member.get("/netwerk/passages/annotation:1")
    assert page.status_code == 200
    assert "Lenscodes opslaan" not in page.get_data(as_text=True)
    token_page = "/netwerk/passages/annotation:1"
    response = member.post_form(
        "/netwerk/passages/annotation:1/codes",
        {"lens": ["sturing"], "code": ["sturing:financieel"]},
        token_from=token_page,
    )
    assert response.status_code == 404
    assert codes_in_db(session, "annotation:1") == set()


def test_concept_material_is_not_found_for_a_member_nor_for_a_visitor(client, client_for, network):
    assert client_for(network["member"]).get("/netwerk/passages/summary:3").status_code == 404
    assert client.get("/netwerk/passages/annotation:1").status_code == 404
    assert client.get("/netwerk/passages/lesson:4").status_code == 200
    assert client_for(network["analyst"]).get("/netwerk/passages/summary:3").status_code == 200
    assert client_for(network["analyst"]).get("/netwerk/passages/geen:1").status_code == 404


def test_the_rule_lets_only_network_staff_code(session, network):
    item = session.scalar(select(NetworkPassage).where(NetworkPassage.key == "annotation:1"))
    assert access.allowed(network["analyst"], "lenses.code", item)
    assert access.allowed(network["staff"], "lenses.code", item)
    assert not access.allowed(network["member"], "lenses.code", item)
    assert not access.allowed(None, "lenses.code", item)


def test_the_next_address_after_coding_stays_on_this_site(client_for, network):
    analyst = client_for(network["analyst"])
    page = "/netwerk/passages/annotation:1"
    data = {"lens": ["sturing"], "code": ["sturing:interactief"]}
    away = analyst.post_form(f"{page}/codes", {**data, "next": "//elders.example/"}, token_from=page)
    assert away.headers["Location"].endswith(page)
    back = analyst.post_form(f"{page}/codes", {**data, "next": "/netwerk/lenzen"}, token_from=page)
    assert back.headers["Location"].endswith("/netwerk/lenzen")


# --- the filter and the overview ------------------------------------------------------------------------------


def _code_all(session, network):
    analyst = session.merge(network["analyst"])
    for key in ("annotation:1", "annotation:2", "summary:3", "lesson:4"):
        item = session.scalar(select(NetworkPassage).where(NetworkPassage.key == key))
        pairs = {("sturing", "financieel")} if key != "annotation:1" else {("sturing", "interactief")}
        set_codes(session, analyst, item, pairs)
    session.commit()


def test_the_lens_filter_returns_only_coded_passages_the_reader_may_see(session, network):
    _code_all(session, network)
    base = select(NetworkPassage.key)

    def keys(audiences, lens, c=None):
        stmt = lenses.lens_filter(base.where(NetworkPassage.audience.in_(audiences)), NetworkPassage.key, lens, c)
        return set(session.scalars(stmt))

    everything = (Audience.OPENBAAR, Audience.NETWERK, Audience.CONCEPT)
    assert keys(everything, "sturing", "financieel") == {"annotation:2", "summary:3", "lesson:4"}
    assert keys((Audience.OPENBAAR, Audience.NETWERK), "sturing", "financieel") == {"annotation:2", "lesson:4"}
    assert keys((Audience.OPENBAAR,), "sturing", "financieel") == {"lesson:4"}
    assert keys(everything, "sturing") == {"annotation:1", "annotation:2", "summary:3", "lesson:4"}
    assert keys(everything, "jeugdwet_doelen") == set()
    assert keys(everything, "sturing", "bestaat_niet") == set()
    assert len(keys(everything, None)) == 4  # no lens: the query is unchanged


def test_the_lens_page_counts_passages_and_gemeenten_per_code_by_audience(client, client_for, session, network):
    _code_all(session, network)
    analyst = client_for(network["analyst"]).get("/netwerk/lenzen").get_data(as_text=True)
    assert "Alfa (2)" in analyst and "Beta (1)" in analyst  # financieel: annotation:2 + summary:3 (concept), lesson:4
    assert "Sturingsmechanismen per gemeente" in analyst  # the lens-by-gemeente table
    assert "export.qdpx?lens=sturing&amp;code=financieel&amp;gemeente=alfa" in analyst
    member = client_for(network["member"]).get("/netwerk/lenzen").get_data(as_text=True)
    assert "Alfa (1)" in member and "Alfa (2)" not in member
    visitor = client.get("/netwerk/lenzen").get_data(as_text=True)
    assert "Beta (1)" in visitor and "Alfa" not in visitor


def test_the_page_of_one_code_lists_its_visible_passages(client_for, session, network):
    _code_all(session, network)
    member = client_for(network["member"]).get("/netwerk/lenzen/sturing/financieel").get_data(as_text=True)
    assert "Budgetplafonds zijn ingevoerd." in member and "Begin bij de bedoeling" in member
    assert "Nog een concept" not in member and "korte lijnen" not in member
    assert client_for(network["member"]).get("/netwerk/lenzen/sturing/bestaat_niet").status_code == 404


def test_a_withdrawn_publication_takes_coded_passages_out_of_the_lens_page_and_the_exports(
    client_for, session, network
):
    _code_all(session, network)
    member = client_for(network["member"])
    assert "Alfa (1)" in member.get("/netwerk/lenzen").get_data(as_text=True)
    # Alfa withdraws its publication: the reindex drops its network passages from the index.
    indexer.remove_visitatie(session, network["va"].id)
    session.commit()
    page = member.get("/netwerk/lenzen").get_data(as_text=True)
    assert "Alfa" not in page and "Beta (1)" in page
    exported = member.get("/netwerk/export.csv?lens=sturing").get_data(as_text=True)
    assert "Budgetplafonds" not in exported and "Begin bij de bedoeling" in exported
    assert b"Budgetplafonds" not in member.get("/netwerk/export.qdpx?lens=sturing").data
    # the coding itself waits for the passage to come back
    assert codes_in_db(session, "annotation:2") == {("sturing", "financieel")}


def test_the_csv_export_lists_visible_passages_with_their_codes(client_for, session, network):
    _code_all(session, network)
    response = client_for(network["member"]).get("/netwerk/export.csv?theme=T3")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert {r["passage"] for r in rows} == {"annotation:1", "lesson:4"}  # T3, visible to a member
    assert {r["passage"]: r["sturing"] for r in rows} == {"annotation:1": "interactief", "lesson:4": "financieel"}


def test_export_filters_must_be_known(client_for, network):
    analyst = client_for(network["analyst"])
    assert analyst.get("/netwerk/export.csv?theme=T13").status_code == 404
    assert analyst.get("/netwerk/export.csv?lens=geen").status_code == 404
    assert analyst.get("/netwerk/export.csv?code=financieel").status_code == 404
    assert analyst.get("/netwerk/export.csv?gemeente=alfa&lens=sturing&code=financieel").status_code == 200


# --- the demo -----------------------------------------------------------------------------------------------


def test_the_demo_codes_passages_it_finds_and_skips_an_empty_index(session, make, capsys):
    from peerreview.network import lens_demo

    assert lens_demo.seed(session) is False
    assert "passage-index van het netwerk is leeg" in capsys.readouterr().out
    make.user("analist@netwerk.demo", network_role=NetworkRole.ANALYST)
    visitatie = make.visitatie(make.gemeente("Deventer"))
    indexer.write_index(
        session,
        [
            passage(visitatie, "annotation:90", Audience.NETWERK, "Andere tekst.", themes=("T8",)),
            passage(
                visitatie, "annotation:91", Audience.NETWERK, "Weten wat we uitgeven, elke dag.", themes=("T8", "T9")
            ),
        ],
    )
    session.commit()
    assert lens_demo.seed(session) is True
    session.commit()
    assert codes_in_db(session, "annotation:91") == {
        ("sturing", "financieel"),
        ("toetsstenen", "meten_met_indicatoren"),
    }
    assert lens_demo.seed(session) is False  # idempotent


def test_the_whole_path_publication_coding_withdrawal(app, session, make, client_for):
    """A published portret's passages are coded; after the gemeente withdraws the publication and the index
    is rebuilt, the member no longer sees them on the lens page nor in the export, the analyst still sees the
    released review material (now concept) but not the portret's sections, and every coding is kept."""
    from peerreview.definitief import services as publication
    from peerreview.network import indexer
    from peerreview.portret.models import Portret, Publication
    from tests.factories import definitive

    world = definitive(app, session, make)
    visitatie_id = world["visitatie"].id
    analyst = make.user(network_role=NetworkRole.ANALYST)
    reader = make.user(gemeente=make.gemeente("Lezerdam"))  # another gemeente in the network

    def publish(scope):
        with app.test_request_context():
            portret = session.get(Portret, world["portret_id"])
            publication.choose(session, session.merge(world["coordinator"]), portret, scope)
            indexer.reindex_visitatie(session, visitatie_id)
            session.commit()

    publish(Publication.NETWERK)
    keys = {
        p.kind: p.key
        for p in session.scalars(select(NetworkPassage).where(NetworkPassage.visitatie_id == visitatie_id))
    }
    section, strength = keys[PassageKind.SECTIE], keys[PassageKind.STERKTE]
    as_analyst = client_for(analyst)
    code(as_analyst, section, ("jeugdwet_doelen", "integrale_hulp"))
    code(as_analyst, strength, ("jeugdwet_doelen", "integrale_hulp"))
    as_reader = client_for(reader)
    assert "Deventer (2)" in as_reader.get("/netwerk/lenzen").get_data(as_text=True)
    assert "Een visie die breed gedragen wordt." in as_reader.get("/netwerk/export.csv?lens=jeugdwet_doelen").get_data(
        as_text=True
    )

    publish(Publication.GEMEENTE)  # withdrawn
    page = as_reader.get("/netwerk/lenzen").get_data(as_text=True)
    assert "Deventer" not in page
    assert "Een visie" not in as_reader.get("/netwerk/export.csv?lens=jeugdwet_doelen").get_data(as_text=True)
    assert as_reader.get(f"/netwerk/passages/{strength}").status_code == 404
    assert "Deventer (1)" in as_analyst.get("/netwerk/lenzen").get_data(as_text=True)  # the strength, as concept
    assert as_analyst.get(f"/netwerk/passages/{section}").status_code == 404
    assert codes_in_db(session, section) == {("jeugdwet_doelen", "integrale_hulp")}


# --- the lens filter on other pages ------------------------------------------------------------------------


def test_search_filters_by_lens_in_the_query(client_for, session, network):
    from peerreview.network import search

    _code_all(session, network)
    search.refresh(session, list(session.scalars(select(NetworkPassage.id))))
    session.commit()
    analyst = client_for(network["analyst"])
    everything = analyst.get("/netwerk/zoeken?q=korte+lijnen+huisartsen").get_data(as_text=True)
    assert "Titel annotation:1" in everything
    assert 'name="lens"' in everything  # the lens select on the page
    financieel = analyst.get("/netwerk/zoeken?q=budgetplafonds&lens=sturing:financieel").get_data(as_text=True)
    assert "Titel annotation:2" in financieel
    assert "Lenscodes wijzigen" in financieel and ">Financieel</span>" in financieel  # the hit's codes
    interactief = analyst.get("/netwerk/zoeken?q=budgetplafonds&lens=sturing:interactief").get_data(as_text=True)
    assert "Titel annotation:2" not in interactief
    any_code = analyst.get("/netwerk/zoeken?q=korte+lijnen&lens=sturing").get_data(as_text=True)
    assert "Titel annotation:1" in any_code
    unknown = analyst.get("/netwerk/zoeken?q=korte+lijnen&lens=sturing:geen").get_data(as_text=True)
    assert "Titel annotation:1" in unknown  # an impossible filter is ignored, as the other facets are


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("sturing", ("sturing", None)),
        ("sturing:financieel", ("sturing", "financieel")),
        ("sturing:x", None),
        ("", None),
        ("x\x00", None),
    ],
)
def test_a_lens_choice_is_parsed_or_ignored(value, expected):
    assert lenses.parse_choice(value) == expected


def test_the_matrix_counts_only_coded_passages_with_a_lens_and_its_cells_offer_the_coding_control(
    client_for, session, network
):
    _code_all(session, network)  # annotation:1 interactief (T3), annotation:2 financieel (T8), lesson:4 financieel
    member = client_for(network["member"])
    everything = member.get("/netwerk/thema-matrix").get_data(as_text=True)
    assert '<th scope="row">Alfa' in everything and '<th scope="row">Beta' in everything
    interactief = member.get("/netwerk/thema-matrix?lens=sturing:interactief").get_data(as_text=True)
    assert '<th scope="row">Alfa' in interactief and '<th scope="row">Beta' not in interactief
    assert 'name="lens"' in interactief and 'value="sturing:interactief" selected' in interactief
    assert f"thema-matrix/{network['alfa'].id}/T3?lens=sturing%3Ainteractief" in interactief
    nothing = member.get("/netwerk/thema-matrix?lens=toetsstenen:niemand_wacht").get_data(as_text=True)
    assert "Nog geen passages met deze lenscode" in nothing
    # the cell keeps the lens: Alfa's T8 has a strength coded financieel, none coded interactief
    cell = f"/netwerk/thema-matrix/{network['alfa'].id}/T8"
    assert member.get(f"{cell}?lens=sturing:financieel").status_code == 200
    assert member.get(f"{cell}?lens=sturing:interactief").status_code == 404
    analyst_cell = client_for(network["analyst"]).get(cell).get_data(as_text=True)
    assert "Lenscodes wijzigen" in analyst_cell and 'value="sturing:financieel" checked' in analyst_cell
    assert "Lenscodes opslaan" not in member.get(cell).get_data(as_text=True)
