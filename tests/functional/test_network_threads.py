"""Rode draden: evidence with its provenance (selected quotes, whole passages, counter-evidence kept apart),
evidence that vanishes with its passage, the state machine with who may read and respond at each state,
optimistic concurrency, versions, and the network report (HTML and tagged PDF) of the settled threads."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from sqlalchemy import delete, select

from peerreview.accounts.models import MembershipRole, NetworkRole
from peerreview.audit.models import AuditEvent
from peerreview.mail.models import OutgoingMail
from peerreview.network import threads
from peerreview.network.models import Audience, NetworkPassage, NetworkPassageTheme, PassageKind
from peerreview.network.threads_models import NetworkReport, Stance, Thread, ThreadEvidence, ThreadState

DEVENTER_TEXT = (
    "De toegang ligt bij de wijkteams. Elk gezin houdt één vaste contactpersoon, ook als er "
    "specialistische hulp bij komt. Zo hoeft een gezin zijn verhaal maar één keer te vertellen."
)
PEEL_TEXT = "Het jeugdteam werkt in de dorpen met één gezicht per gezin; de huisarts verwijst naar het team."
ZALTBOMMEL_TEXT = "Gezinnen krijgen bij elke nieuwe vraag een andere contactpersoon; dat kost vertrouwen."
QUOTE = "Elk gezin houdt één vaste contactpersoon"


def _passage(session, key, kind, audience, visitatie, text, themes=("T3",), section_key=None, title=""):
    passage = NetworkPassage(
        key=key,
        kind=kind,
        audience=audience,
        visitatie_id=visitatie.id,
        gemeente_id=visitatie.gemeente_id,
        round_id=visitatie.round_id,
        section_key=section_key,
        title=title,
        text=text,
    )
    passage.theme_rows = [NetworkPassageTheme(theme=t) for t in themes]
    session.add(passage)
    session.commit()
    return passage


@pytest.fixture
def net(app, session, make):
    deventer, peel, zaltbommel, zwolle = (
        make.gemeente(name) for name in ("Deventer", "Peel en Maas", "Zaltbommel", "Zwolle")
    )
    round_ = make.round("Ronde 2026")
    visitaties = {g.name: make.visitatie(g, round_) for g in (deventer, peel, zaltbommel, zwolle)}
    world = {
        "deventer": deventer,
        "peel": peel,
        "zaltbommel": zaltbommel,
        "analyst": make.user("analist@netwerk.nl", network_role=NetworkRole.ANALYST),
        "coord_deventer": make.user("coord@deventer.nl", gemeente=deventer, role=MembershipRole.COORDINATOR),
        "viewer_deventer": make.user("lezer@deventer.nl", gemeente=deventer, role=MembershipRole.VIEWER),
        "coord_peel": make.user("coord@peel.nl", gemeente=peel, role=MembershipRole.COORDINATOR),
        "coord_zaltbommel": make.user("coord@zaltbommel.nl", gemeente=zaltbommel, role=MembershipRole.COORDINATOR),
        "outsider": make.user("coord@zwolle.nl", gemeente=zwolle, role=MembershipRole.COORDINATOR),
    }
    world["p_deventer"] = _passage(
        session,
        f"section:{visitaties['Deventer'].id}:inrichting",
        PassageKind.SECTIE,
        Audience.NETWERK,
        visitaties["Deventer"],
        DEVENTER_TEXT,
        section_key="inrichting",
        title="Inrichting",
    )
    world["p_peel"] = _passage(
        session, "annotation:901", PassageKind.STERKTE, Audience.NETWERK, visitaties["Peel en Maas"], PEEL_TEXT
    )
    world["p_zaltbommel"] = _passage(
        session,
        "annotation:902",
        PassageKind.ONTWIKKELPUNT,
        Audience.OPENBAAR,
        visitaties["Zaltbommel"],
        ZALTBOMMEL_TEXT,
    )
    world["p_concept"] = _passage(
        session,
        "summary:903",
        PassageKind.SAMENVATTING,
        Audience.CONCEPT,
        visitaties["Zwolle"],
        "Het team ziet een toegang die nog zoekt naar haar vorm.",
    )
    return world


def new_thread(
    client_for, net, statement="Gemeenten die gezinnen één vaste contactpersoon geven, houden hulp dichtbij"
) -> int:
    analyst = client_for(net["analyst"])
    response = analyst.post_form(
        "/netwerk/rode-draden/nieuw",
        {"statement": statement, "themes": ["T3"], "description": "<p>Uit drie portretten.</p>", "base_revision": "0"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/rode-draden/(\d+)/werkruimte", response.location).group(1))


def add(client, thread_id, passage, stance="steun", exact="", start="", end=""):
    return client.post_form(
        f"/netwerk/rode-draden/{thread_id}/citaten",
        {"passage_key": passage.key, "stance": stance, "exact": exact, "start": start, "end": end},
        token_from=f"/netwerk/rode-draden/{thread_id}/werkruimte",
    )


def confirm(client, url, token_from):
    return client.post_form(url, {}, token_from=token_from)


# --- evidence and provenance ---------------------------------------------------------------------------------


def test_a_selected_quote_keeps_its_selectors_gemeente_and_link(client_for, net, session):
    thread_id = new_thread(client_for, net)
    analyst = client_for(net["analyst"])
    start = DEVENTER_TEXT.index(QUOTE)
    response = add(analyst, thread_id, net["p_deventer"], exact=QUOTE, start=start, end=start + len(QUOTE))
    assert response.status_code == 302
    item = session.scalars(select(ThreadEvidence)).one()
    assert (item.exact, item.start, item.end) == (QUOTE, start, start + len(QUOTE))
    assert item.prefix == DEVENTER_TEXT[max(0, start - 32) : start]
    assert item.suffix == DEVENTER_TEXT[start + len(QUOTE) : start + len(QUOTE) + 32]
    assert (item.gemeente_id, item.kind, item.section_key) == (net["deventer"].id, "sectie", "inrichting")
    page = analyst.get(f"/netwerk/rode-draden/{thread_id}").get_data(as_text=True)
    assert f"“{QUOTE}”" in page
    assert "Gedragen door 1 gemeente: Deventer." in page
    assert "<strong>Deventer</strong> · Portretsectie · Inrichting · Ronde 2026" in page
    assert f"/portretten/deventer/{item.visitatie_id}#sectie-inrichting" in page


def test_a_typed_quote_is_found_in_the_passage_and_an_absent_one_is_refused(client_for, net, session):
    thread_id = new_thread(client_for, net)
    analyst = client_for(net["analyst"])
    # wrong offsets and other whitespace: the server finds the quote itself
    assert add(analyst, thread_id, net["p_peel"], exact="één  gezicht per gezin", start="0", end="3").status_code == 302
    item = session.scalars(select(ThreadEvidence)).one()
    assert item.exact == "één gezicht per gezin" and PEEL_TEXT[item.start : item.end] == item.exact
    refused = add(analyst, thread_id, net["p_peel"], exact="een zin die er niet staat")
    assert refused.status_code == 422
    assert "staat niet (letterlijk) in de passage" in refused.get_data(as_text=True)


def test_without_javascript_the_whole_passage_is_added(client_for, net, session):
    thread_id = new_thread(client_for, net)
    analyst = client_for(net["analyst"])
    assert add(analyst, thread_id, net["p_peel"]).status_code == 302
    item = session.scalars(select(ThreadEvidence)).one()
    assert (item.exact, item.start, item.end) == (PEEL_TEXT, 0, len(PEEL_TEXT))


def test_counter_evidence_is_kept_apart_and_counted_separately(client_for, net, session):
    thread_id = new_thread(client_for, net)
    analyst = client_for(net["analyst"])
    add(analyst, thread_id, net["p_deventer"], exact=QUOTE)
    add(analyst, thread_id, net["p_peel"], exact="één gezicht per gezin")
    add(analyst, thread_id, net["p_zaltbommel"], stance="tegen", exact="een andere contactpersoon")
    view = threads.views(session, [session.get(Thread, thread_id)], tuple(Audience))[0]
    assert [g.name for g in view.support_gemeenten] == ["Deventer", "Peel en Maas"]
    assert [g.name for g in view.counter_gemeenten] == ["Zaltbommel"]
    page = analyst.get(f"/netwerk/rode-draden/{thread_id}").get_data(as_text=True)
    assert "Gedragen door 2 gemeenten: Deventer, Peel en Maas." in page
    assert "Spreekt tegen in 1 gemeente: Zaltbommel." in page
    assert page.index("Spreekt tegen in") > page.index("“een andere contactpersoon”") - 2000


def test_evidence_whose_passage_left_the_index_is_shown_without_text_and_no_longer_counts(client_for, net, session):
    thread_id = new_thread(client_for, net)
    analyst = client_for(net["analyst"])
    add(analyst, thread_id, net["p_deventer"], exact=QUOTE)
    add(analyst, thread_id, net["p_peel"], exact="één gezicht per gezin")
    # Deventer withdraws its publication: the indexer removes the visitatie's passages.
    session.execute(delete(NetworkPassage).where(NetworkPassage.gemeente_id == net["deventer"].id))
    session.commit()
    page = analyst.get(f"/netwerk/rode-draden/{thread_id}").get_data(as_text=True)
    assert QUOTE not in page
    assert "Niet meer beschikbaar" in page
    assert "Gedragen door 1 gemeente: Peel en Maas." in page
    # the snapshot is kept for the history, only not shown
    assert session.scalars(select(ThreadEvidence.exact).order_by(ThreadEvidence.id)).first() == QUOTE


def test_the_finder_reads_only_the_readers_audiences(client_for, net, session):
    network_only = threads.find_passages(session, (Audience.OPENBAAR, Audience.NETWERK), threads.FinderFilter())
    assert net["p_concept"].key not in {p.key for p in network_only}
    everything = threads.find_passages(session, tuple(Audience), threads.FinderFilter(theme="T3"))
    assert net["p_concept"].key in {p.key for p in everything}
    thread_id = new_thread(client_for, net)
    page = (
        client_for(net["analyst"])
        .get(f"/netwerk/rode-draden/{thread_id}/werkruimte?gemeente={net['peel'].id}")
        .get_data(as_text=True)
    )
    assert PEEL_TEXT in page and DEVENTER_TEXT not in page
    assert 'data-passage="annotation:901"' in page


# --- states: who reads and responds ----------------------------------------------------------------------------


def submitted(client_for, net, session) -> int:
    thread_id = new_thread(client_for, net)
    analyst = client_for(net["analyst"])
    add(analyst, thread_id, net["p_deventer"], exact=QUOTE)
    add(analyst, thread_id, net["p_peel"], exact="één gezicht per gezin")
    url = f"/netwerk/rode-draden/{thread_id}"
    assert confirm(analyst, f"{url}/ter-toetsing", url).status_code == 302
    return thread_id


def test_a_concept_thread_is_only_for_analysts(client_for, net):
    thread_id = new_thread(client_for, net)
    url = f"/netwerk/rode-draden/{thread_id}"
    assert client_for(net["analyst"]).get(url).status_code == 200
    for who in ("coord_deventer", "outsider", "viewer_deventer"):
        assert client_for(net[who]).get(url).status_code == 404
        assert client_for(net[who]).get(f"{url}/werkruimte").status_code == 404
    assert client_for(net["coord_deventer"]).get("/netwerk/rode-draden/nieuw").status_code == 404


def test_ter_toetsing_mails_and_opens_the_thread_to_exactly_the_gemeenten_concerned(client_for, net, session):
    thread_id = submitted(client_for, net, session)
    assert session.get(Thread, thread_id).state is ThreadState.TER_TOETSING
    recipients = set(session.scalars(select(OutgoingMail.recipient)))
    assert recipients == {"coord@deventer.nl", "coord@peel.nl"}
    mail = session.scalars(select(OutgoingMail).where(OutgoingMail.recipient == "coord@deventer.nl")).one()
    assert f"/netwerk/rode-draden/{thread_id}" in mail.body_text
    url = f"/netwerk/rode-draden/{thread_id}"
    for who in ("coord_deventer", "viewer_deventer", "coord_peel"):
        assert client_for(net[who]).get(url).status_code == 200
    for who in ("outsider", "coord_zaltbommel"):
        assert client_for(net[who]).get(url).status_code == 404
    listing = client_for(net["coord_deventer"]).get("/netwerk/rode-draden").get_data(as_text=True)
    assert "één vaste contactpersoon" in listing
    assert "één vaste contactpersoon" not in client_for(net["outsider"]).get("/netwerk/rode-draden").get_data(
        as_text=True
    )
    # a viewer reads but does not respond; nobody of the gemeente edits
    viewer = client_for(net["viewer_deventer"])
    assert viewer.post_form(f"{url}/reactie", {"recognition": "herkennen"}, token_from=url).status_code == 404
    coordinator = client_for(net["coord_deventer"])
    assert coordinator.post_form(f"{url}/vaststellen", {}, token_from=url).status_code == 404


def test_one_response_per_gemeente_editable_with_a_409_on_a_stale_revision(client_for, net, session):
    thread_id = submitted(client_for, net, session)
    url = f"/netwerk/rode-draden/{thread_id}"
    coordinator = client_for(net["coord_deventer"])
    first = {"recognition": "herkennen", "remark": "Zo werken wij sinds 2018.", "base_revision": "0"}
    assert coordinator.post_form(f"{url}/reactie", first, token_from=url).status_code == 302
    second = {"recognition": "niet_herkennen", "remark": "Bij nader inzien niet overal.", "base_revision": "1"}
    assert coordinator.post_form(f"{url}/reactie", second, token_from=url).status_code == 302
    stale = {"recognition": "herkennen", "remark": "Mijn eigen tekst", "base_revision": "1"}
    conflict = coordinator.post_form(f"{url}/reactie", stale, token_from=url)
    assert conflict.status_code == 409
    page = conflict.get_data(as_text=True)
    assert "Bij nader inzien niet overal." in page and "Mijn eigen tekst" in page
    rows = threads.responses(session, session.get(Thread, thread_id))
    assert [(r.gemeente.name, r.recognition.value, r.revision) for r in rows] == [("Deventer", "niet_herkennen", 2)]
    assert (
        client_for(net["coord_peel"])
        .post_form(f"{url}/reactie", {"recognition": "herkennen", "base_revision": "0"}, token_from=url)
        .status_code
        == 302
    )
    shown = client_for(net["analyst"]).get(url).get_data(as_text=True)
    assert "Deventer</strong>: Herkennen wij niet" in shown and "Peel en Maas</strong>: Herkennen wij" in shown


def test_a_settled_thread_is_locked_and_read_by_every_participant(client_for, net, session):
    thread_id = submitted(client_for, net, session)
    url = f"/netwerk/rode-draden/{thread_id}"
    analyst = client_for(net["analyst"])
    assert confirm(analyst, f"{url}/vaststellen", url).status_code == 302
    assert session.get(Thread, thread_id).state is ThreadState.VASTGESTELD
    assert client_for(net["outsider"]).get(url).status_code == 200
    for path in ("/bewerken", "/werkruimte"):
        assert analyst.get(url + path).status_code == 404
    assert (
        client_for(net["coord_deventer"])
        .post_form(f"{url}/reactie", {"recognition": "herkennen", "base_revision": "0"}, token_from=url)
        .status_code
        == 404
    )
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "thread_settled")) == "thread_settled"


def test_a_thread_without_evidence_cannot_go_ter_toetsing(client_for, net, session):
    thread_id = new_thread(client_for, net)
    url = f"/netwerk/rode-draden/{thread_id}"
    confirm(client_for(net["analyst"]), f"{url}/ter-toetsing", url)
    assert session.get(Thread, thread_id).state is ThreadState.CONCEPT
    assert session.scalars(select(OutgoingMail)).all() == []


# --- concurrency and versions ------------------------------------------------------------------------------------


def test_a_stale_text_edit_is_refused_with_both_texts_but_added_evidence_is_no_conflict(client_for, net, session):
    thread_id = new_thread(client_for, net)
    url = f"/netwerk/rode-draden/{thread_id}/bewerken"
    analyst = client_for(net["analyst"])
    base = session.get(Thread, thread_id).revision
    add(analyst, thread_id, net["p_peel"])  # a new version, the same text
    mine = {"statement": "Gemeenten die één gezicht per gezin bieden", "themes": ["T3"], "base_revision": str(base)}
    assert analyst.post_form(url, mine).status_code == 302
    theirs = {"statement": "Gemeenten die de toegang in de wijk leggen", "themes": ["T2"], "base_revision": str(base)}
    conflict = analyst.post_form(url, theirs)
    assert conflict.status_code == 409
    page = conflict.get_data(as_text=True)
    assert "Gemeenten die één gezicht per gezin bieden" in page and "Gemeenten die de toegang in de wijk leggen" in page
    session.expire_all()
    assert session.get(Thread, thread_id).statement == "Gemeenten die één gezicht per gezin bieden"


def test_every_save_is_a_version_and_two_versions_can_be_compared(client_for, net, session):
    thread_id = new_thread(client_for, net, statement="Gemeenten die vroeg beginnen")
    analyst = client_for(net["analyst"])
    add(analyst, thread_id, net["p_peel"], exact="één gezicht per gezin")
    revision = session.get(Thread, thread_id).revision
    analyst.post_form(
        f"/netwerk/rode-draden/{thread_id}/bewerken",
        {"statement": "Gemeenten die heel vroeg beginnen", "themes": ["T3"], "base_revision": str(revision)},
    )
    notes = [v.note for v in threads.versions(session, session.get(Thread, thread_id))]
    assert notes == ["Tekst bewerkt", "Onderbouwing toegevoegd", "Rode draad aangemaakt"]
    page = analyst.get(f"/netwerk/rode-draden/{thread_id}/versies?van=1&naar=3").get_data(as_text=True)
    assert "Gemeenten die <ins>heel </ins>vroeg beginnen" in page
    assert "één gezicht per gezin" in page
    assert client_for(net["outsider"]).get(f"/netwerk/rode-draden/{thread_id}/versies").status_code == 404


# --- the network report -----------------------------------------------------------------------------------------


@pytest.fixture
def reported(client_for, net, session, run_jobs):
    settled_id = submitted(client_for, net, session)
    url = f"/netwerk/rode-draden/{settled_id}"
    analyst = client_for(net["analyst"])
    confirm(analyst, f"{url}/vaststellen", url)
    concept_id = new_thread(client_for, net, statement="Gemeenten die nog zoeken naar een conceptrol")
    add(analyst, concept_id, net["p_zaltbommel"])
    response = analyst.post_form("/netwerk/rapport", {})
    assert response.status_code == 302
    run_jobs()
    return {"settled": settled_id, "concept": concept_id, "analyst": analyst}


def test_the_report_page_holds_the_settled_thread_with_numbered_sources(client_for, net, session, reported):
    page = client_for(net["outsider"]).get("/netwerk/rapport").get_data(as_text=True)
    assert "Gemeenten die gezinnen één vaste contactpersoon geven" in page
    assert "conceptrol" not in page
    assert 'href="#bron-1"' in page and 'id="bron-1"' in page and 'id="bron-2"' in page
    assert f"“{QUOTE}”" in page
    assert "#sectie-inrichting" in page
    report = session.scalars(select(NetworkReport)).one()
    assert [t["id"] for t in report.content["threads"]] == [reported["settled"]]
    assert (
        session.scalar(select(AuditEvent.object_id).where(AuditEvent.action == "network_report_generated")) == report.id
    )


def test_only_analysts_generate_a_report(client_for, net):
    assert (
        client_for(net["coord_deventer"]).post_form("/netwerk/rapport", {}, token_from="/netwerk/rapport").status_code
        == 404
    )


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_report_pdf_is_tagged_and_holds_the_settled_thread_only(client_for, net, reported):
    response = client_for(net["coord_peel"]).get("/netwerk/rapport.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    info = subprocess.run(["pdfinfo", "-"], input=response.data, capture_output=True, check=True).stdout.decode()
    assert re.search(r"Tagged:\s+yes", info)
    assert "Netwerkrapport 1: rode draden" in info  # the title
    text = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True).stdout
    flat = " ".join(text.decode().split())
    assert "Gemeenten die gezinnen één vaste contactpersoon geven" in flat
    assert "conceptrol" not in flat
    assert "Deventer" in flat and "Peel en Maas" in flat


def test_concept_evidence_is_referred_to_without_its_text_in_the_report(client_for, net, session, run_jobs):
    thread_id = new_thread(client_for, net)
    analyst = client_for(net["analyst"])
    add(analyst, thread_id, net["p_deventer"], exact=QUOTE)
    add(analyst, thread_id, net["p_concept"], exact="nog zoekt naar haar vorm")
    thread = session.get(Thread, thread_id)
    thread.state = ThreadState.VASTGESTELD
    session.commit()
    analyst.post_form("/netwerk/rapport", {})
    page = client_for(net["outsider"]).get("/netwerk/rapport").get_data(as_text=True)
    assert QUOTE in page
    assert "nog zoekt naar haar vorm" not in page
    assert "Conceptmateriaal" in page


def test_stance_labels_are_dutch():
    assert [s.label for s in Stance] == ["Onderbouwing", "Tegenbewijs"]


# --- with the real passage index -----------------------------------------------------------------------------------


def test_withdrawing_the_publication_removes_the_quoted_section_from_the_thread(
    app, client_for, make, session, run_jobs
):
    from peerreview.definitief import services as publication
    from peerreview.portret.models import Portret, Publication
    from tests.factories import definitive

    world = definitive(app, session, make)
    analyst = make.user("analist@netwerk.nl", network_role=NetworkRole.ANALYST)
    portret = session.get(Portret, world["portret_id"])
    with app.test_request_context():
        publication.choose(session, session.merge(world["coordinator"]), portret, Publication.NETWERK)
        session.commit()
    run_jobs()
    section = session.scalars(
        select(NetworkPassage).where(NetworkPassage.kind == PassageKind.SECTIE).order_by(NetworkPassage.id)
    ).first()
    assert section is not None and section.audience is Audience.NETWERK
    first_line = next(line for line in section.text.splitlines() if len(line.split()) >= 3)
    quote = " ".join(first_line.split()[:3])
    thread_id = new_thread(client_for, {"analyst": analyst})
    client = client_for(analyst)
    assert add(client, thread_id, section, exact=quote).status_code == 302
    page = client.get(f"/netwerk/rode-draden/{thread_id}").get_data(as_text=True)
    assert "Gedragen door 1 gemeente: Deventer." in page and quote in page
    with app.test_request_context():
        publication.choose(session, session.merge(world["coordinator"]), portret, Publication.GEMEENTE)
        session.commit()
    run_jobs()
    assert session.scalar(select(NetworkPassage.id).where(NetworkPassage.key == section.key)) is None
    page = client.get(f"/netwerk/rode-draden/{thread_id}").get_data(as_text=True)
    assert quote not in page
    assert "Niet meer beschikbaar" in page
    assert "Nog geen gemeente onderbouwt deze rode draad." in page
