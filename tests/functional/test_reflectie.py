"""The reflectie: the gemeente comments on the released concept (members, and partners through a
personal link), the coordinator merges and sends, the team answers every comment (and applies a factual
correction in one step), and the portret becomes definitive in two steps."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from peerreview.audit.models import AuditEvent
from peerreview.mail.models import OutgoingMail
from peerreview.portret import services as portret_services
from peerreview.portret.models import Portret, PortretVersion, VersionKind
from peerreview.reflectie import answers, comments
from peerreview.reflectie.models import Comment, Decision, GuestLink
from peerreview.review.models import AnchorStatus
from peerreview.rounds.models import Visitatie, VisitatieState
from tests.factories import visited

VISIE = (
    "<p>Deventer werkt sinds 2019 met zes wijkteams. Elk wijkteam heeft een vaste gedragswetenschapper.</p>"
    "<p>De gemeente koopt jeugdhulp regionaal in met elf gemeenten in IJsselland.</p>"
)
PASSAGE = "koopt jeugdhulp regionaal in met elf gemeenten"


@pytest.fixture
def world(app, session, make):
    w = visited(app, session, make)
    with app.test_request_context():
        visitatie = session.merge(w["visitatie"])
        portret = portret_services.get_or_create(session, visitatie)
        portret_services.generate(session, portret, w["lead"])
        current = portret_services.version(session, portret)
        portret_services.save_section(session, w["lead"], portret, "visie", current.number, "Visie", VISIE)
        portret_services.release(session, w["lead"], portret)
        session.commit()
    w["portret_id"] = portret.id
    w["reacties"] = f"{w['base']}/reacties"
    return w


def portret(session, world) -> Portret:
    session.expire_all()
    return session.get(Portret, world["portret_id"])


def comment(client, world, token_from=None, **data):
    fields = {"kind": "aanvulling", "body": "Een opmerking.", "section_key": "", "quote": "", **data}
    return client.post_form(world["reacties"], fields, token_from=token_from)


def send(client_for, world):
    response = client_for(world["coordinator"]).post_form(
        f"{world['reacties']}/versturen", token_from=world["reacties"]
    )
    assert response.status_code == 302
    return response


def edit_visie(client_for, world, session, html):
    number = portret(session, world).current_version
    response = client_for(world["lead"]).post_form(
        f"{world['base']}/portret/secties/visie", {"base": number, "title": "Visie", "html": html}
    )
    assert response.status_code == 302


def mails_to(session, recipient, subject_start):
    return session.scalars(
        select(OutgoingMail).where(OutgoingMail.recipient == recipient, OutgoingMail.subject.like(f"{subject_start}%"))
    ).all()


def test_a_passage_comment_follows_the_teams_edits_and_comes_loose_when_the_passage_is_gone(client_for, world, session):
    response = comment(
        client_for(world["coordinator"]),
        world,
        kind="nuance",
        section_key="visie",
        quote=PASSAGE,
        body="Het zijn er elf.",
    )
    assert response.status_code == 302
    item = session.scalar(select(Comment))
    assert (item.exact, item.anchor_status) == (PASSAGE, AnchorStatus.ANCHORED)
    first_start = item.start
    # the team adds a sentence in front: the passage moves with the text
    edit_visie(client_for, world, session, "<p>Een nieuwe eerste zin over de raad.</p>" + VISIE)
    session.expire_all()
    item = session.scalar(select(Comment))
    assert item.exact == PASSAGE and item.start > first_start
    assert item.version_number == portret(session, world).current_version
    assert item.anchor_status in (AnchorStatus.ANCHORED, AnchorStatus.MOVED)
    # the team rewrites the paragraph: the passage comes loose and says so
    edit_visie(client_for, world, session, "<p>Deventer werkt sinds 2019 met zes wijkteams.</p>")
    session.expire_all()
    item = session.scalar(select(Comment))
    assert (item.anchor_status, item.exact, item.original_exact) == (AnchorStatus.DETACHED, None, PASSAGE)
    page = client_for(world["coordinator"]).get(world["reacties"]).get_data(as_text=True)
    assert "Losgeraakt" in page and PASSAGE in page


def test_a_passage_that_is_not_in_the_section_is_refused_with_the_text_kept(client_for, world, session):
    response = comment(
        client_for(world["writer"]), world, section_key="visie", quote="staat er niet in", body="Mijn opmerking"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "staat niet (letterlijk) in deze sectie" in page and "Mijn opmerking" in page
    assert session.scalar(select(Comment)) is None


def test_comments_are_invisible_to_the_team_until_the_coordinator_sends_them(client_for, world, session):
    comment(client_for(world["writer"]), world, kind="niet_herkenbaar", body="Dit herken ik niet.")
    comment(client_for(world["coordinator"]), world, kind="les", theme="T3", body="Ken je gezinnen bij naam.")
    lead, member = client_for(world["lead"]), client_for(world["member"])
    for client in (lead, member):
        assert client.get(f"{world['reacties']}/logboek").status_code == 404
        assert client.get(world["reacties"]).status_code == 404
        assert "Dit herken ik niet." not in client.get(f"{world['base']}/portret").get_data(as_text=True)
    # the coordinator sees every comment, a member only their own
    assert "Dit herken ik niet." in client_for(world["coordinator"]).get(world["reacties"]).get_data(as_text=True)
    assert "Ken je gezinnen" not in client_for(world["writer"]).get(world["reacties"]).get_data(as_text=True)
    send(client_for, world)
    session.expire_all()
    assert session.get(Visitatie, world["visitatie"].id).state is VisitatieState.REFLECTIE
    assert all(c.sent_at is not None for c in session.scalars(select(Comment)))
    page = lead.get(f"{world['reacties']}/logboek").get_data(as_text=True)
    assert "Dit herken ik niet." in page and "Ken je gezinnen bij naam." in page
    for person in (world["lead"], world["member"]):
        [mail] = mails_to(session, person.email, "Deventer reageerde op het conceptportret")
        assert "2 reacties" in mail.body_text and "/reacties/logboek" in mail.body_text
    # sent: the gemeente cannot add more
    assert comment(client_for(world["writer"]), world, token_from="/account").status_code == 404


def test_the_coordinator_merges_duplicates_and_the_team_answers_them_once(client_for, world, session):
    writer, coordinator = client_for(world["writer"]), client_for(world["coordinator"])
    comment(writer, world, kind="niet_herkenbaar", body="Eerste versie van hetzelfde punt.")
    comment(coordinator, world, kind="niet_herkenbaar", body="Tweede versie van hetzelfde punt.")
    first, second = session.scalars(select(Comment).order_by(Comment.id)).all()
    response = coordinator.post_form(
        f"{world['reacties']}/{second.id}/samenvoegen", {"target": first.id}, token_from=world["reacties"]
    )
    assert response.status_code == 302
    send(client_for, world)
    assert comments.unanswered(session, portret(session, world)) == 1
    page = client_for(world["lead"]).get(f"{world['reacties']}/logboek").get_data(as_text=True)
    assert "Samengevoegd: ook" in page and "Tweede versie van hetzelfde punt." in page


def test_the_definitive_gate_refuses_while_a_comment_is_unanswered(client_for, world, session):
    comment(client_for(world["writer"]), world, kind="aanvulling", body="Noem ook de huisartsen.")
    send(client_for, world)
    lead = client_for(world["lead"])
    log = f"{world['reacties']}/logboek"
    response = lead.post_form(f"{world['reacties']}/voorstellen", token_from=log, follow_redirects=True)
    assert "Er wacht nog 1 reactie op een antwoord van het team" in response.get_data(as_text=True)
    assert portret(session, world).proposed_version is None
    item = session.scalar(select(Comment))
    response = lead.post_form(
        f"{world['reacties']}/{item.id}/antwoord", {"decision": "niet_verwerkt", "reason": ""}, token_from=log
    )
    assert "Schrijf een reden" in lead.get(log).get_data(as_text=True)
    assert comments.unanswered(session, portret(session, world)) == 1
    lead.post_form(
        f"{world['reacties']}/{item.id}/antwoord",
        {"decision": "niet_verwerkt", "reason": "De huisartsen staan al in de sectie samenwerking."},
        token_from=log,
    )
    assert comments.unanswered(session, portret(session, world)) == 0
    lead.post_form(f"{world['reacties']}/voorstellen", token_from=log)
    assert portret(session, world).proposed_version == portret(session, world).current_version


def test_adoption_takes_two_steps_by_the_right_people(client_for, world, session):
    send(client_for, world)  # a response without comments: nothing to answer
    log = f"{world['reacties']}/logboek"
    coordinator, lead, writer = (client_for(world[k]) for k in ("coordinator", "lead", "writer"))
    assert coordinator.post_form(f"{world['reacties']}/voorstellen", token_from=log).status_code == 404
    assert writer.post_form(f"{world['reacties']}/voorstellen", token_from=log).status_code == 404
    assert client_for(world["member"]).post_form(f"{world['reacties']}/voorstellen", token_from=log).status_code == 404
    for client in (lead, writer, client_for(world["staff"])):
        assert client.post_form(f"{world['reacties']}/vaststellen", token_from=log).status_code == 404
    # adopting before a proposal is refused
    coordinator.post_form(f"{world['reacties']}/vaststellen", token_from=log)
    assert portret(session, world).adopted_version is None
    assert lead.post_form(f"{world['reacties']}/voorstellen", token_from=log).status_code == 302
    number = portret(session, world).proposed_version
    assert mails_to(session, world["coordinator"].email, "Stel het portret van Deventer vast")
    assert coordinator.post_form(f"{world['reacties']}/vaststellen", token_from=log).status_code == 302
    p = portret(session, world)
    assert (p.adopted_version, p.adopted_by_id) == (number, world["coordinator"].id)
    assert p.visitatie.state is VisitatieState.DEFINITIEF
    version = session.scalar(
        select(PortretVersion).where(PortretVersion.portret_id == p.id, PortretVersion.number == number)
    )
    assert version.kind is VersionKind.DEFINITIEF
    actions = {(e.action, e.actor_id) for e in session.scalars(select(AuditEvent))}
    assert {("portret_proposed", world["lead"].id), ("portret_adopted", world["coordinator"].id)} <= actions
    assert mails_to(session, world["lead"].email, "Het portret van Deventer is vastgesteld")
    # after adoption nothing can be answered or proposed again
    assert lead.post_form(f"{world['reacties']}/voorstellen", token_from=log).status_code == 404


def test_a_factual_correction_is_applied_in_one_step_and_the_gemeente_sees_the_diff(client_for, world, session):
    comment(
        client_for(world["writer"]),
        world,
        kind="feitelijke_onjuistheid",
        section_key="visie",
        quote="elf gemeenten",
        correction="twaalf gemeenten",
        source="Regiovisie IJsselland 2025",
        body="Sinds 2024 zijn het er twaalf.",
    )
    send(client_for, world)
    item = session.scalar(select(Comment))
    lead = client_for(world["lead"])
    apply_url = f"{world['reacties']}/{item.id}/verwerken"
    page = lead.get(apply_url).get_data(as_text=True)
    assert "regionaal in met twaalf gemeenten in IJsselland" in page
    before = portret(session, world).current_version
    html = re.search(r'<textarea id="html"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    import html as htmllib

    response = lead.post_form(
        apply_url,
        {"base": before, "title": "Visie", "html": htmllib.unescape(html), "reason": "Klopt, aangepast."},
    )
    assert response.status_code == 302
    session.expire_all()
    item = session.get(Comment, item.id)
    assert (item.decision, item.changed_version, item.changed_section) == (Decision.VERWERKT, before + 1, "visie")
    gemeente_page = client_for(world["coordinator"]).get(f"{world['reacties']}/logboek").get_data(as_text=True)
    assert "Verwerkt" in gemeente_page and "Klopt, aangepast." in gemeente_page
    assert "<del>elf</del>" in gemeente_page and "<ins>twaalf</ins>" in gemeente_page
    assert mails_to(session, world["coordinator"].email, "Het reviewteam heeft alle reacties")


def test_applying_on_a_stale_version_is_a_conflict_and_answers_nothing(client_for, world, session):
    comment(
        client_for(world["writer"]),
        world,
        kind="feitelijke_onjuistheid",
        section_key="visie",
        quote="zes wijkteams",
        correction="zeven wijkteams",
        body="Het zijn er zeven.",
    )
    send(client_for, world)
    item = session.scalar(select(Comment))
    stale = portret(session, world).current_version
    edit_visie(client_for, world, session, VISIE + "<p>Nog een zin.</p>")
    response = client_for(world["lead"]).post_form(
        f"{world['reacties']}/{item.id}/verwerken",
        {"base": stale, "title": "Visie", "html": VISIE.replace("zes", "zeven"), "reason": "Aangepast."},
    )
    assert response.status_code == 409
    assert "Nog een zin." in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Comment, item.id).decision is None


def test_personal_links_expire_and_open_only_their_own_portret(app, client_for, world, session):
    coordinator = client_for(world["coordinator"])
    links = f"{world['reacties']}/links"
    page = coordinator.post_form(links, {"role": "Jeugdverpleegkundige", "organisation": "GGD IJsselland"})
    url = re.search(r'value="(http[^"]+/reageren/[^"]+)"', page.get_data(as_text=True)).group(1)
    path = url.split("localhost", 1)[-1]
    link = session.scalar(select(GuestLink))
    assert path.rsplit("/", 1)[1] not in link.token_hash  # only the hash is stored
    guest = app.test_client()
    from tests.conftest import Client

    guest.__class__ = Client
    page = guest.get(path).get_data(as_text=True)
    assert "Conceptportret Deventer" in page and "Deventer werkt sinds 2019" in page
    assert guest.post_form(path, {"kind": "aanvulling", "body": "Wij werken ook mee."}).status_code == 302
    item = session.scalar(select(Comment))
    assert item.guest_link_id == link.id and item.author_id is None
    assert "Jeugdverpleegkundige, GGD IJsselland" in coordinator.get(world["reacties"]).get_data(as_text=True)
    # the link gives no way into the rest of the visitatie
    assert guest.get(f"{world['base']}/portret").status_code == 302  # to the login page
    assert guest.get("/reageren/" + "x" * 43).status_code == 404
    # expired, then revoked: 404
    link.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    session.commit()
    assert guest.get(path).status_code == 404
    link.expires_at = datetime.now(UTC) + timedelta(days=1)
    session.commit()
    assert guest.get(path).status_code == 200
    # a link never shows a portret that is not released (the team's working draft)
    p = portret(session, world)
    released, p.released_version = p.released_version, None
    session.commit()
    assert guest.get(path).status_code == 404
    p.released_version = released
    session.commit()
    coordinator.post_form(f"{links}/{link.id}/intrekken", token_from=links)
    assert guest.get(path).status_code == 404


def test_the_deadline_closes_the_window_with_a_dutch_message(client_for, world, session):
    lead = client_for(world["lead"])
    termijn = f"{world['reacties']}/termijn"
    assert lead.post_form(termijn, {"deadline": "2020-01-01"}).status_code == 422
    day = (datetime.now(UTC) + timedelta(days=10)).date()
    assert lead.post_form(termijn, {"deadline": day.isoformat()}).status_code == 302
    deadline = portret(session, world).feedback_deadline
    assert deadline.astimezone(UTC).date() == day and deadline > datetime.now(UTC)
    assert client_for(world["coordinator"]).post_form(termijn, {"deadline": day.isoformat()}).status_code == 404
    p = portret(session, world)
    p.feedback_deadline = datetime.now(UTC) - timedelta(hours=1)
    session.commit()
    response = comment(client_for(world["writer"]), world, body="Te laat.")
    assert response.status_code == 422
    assert "De reactietermijn is gesloten op" in response.get_data(as_text=True)
    assert session.scalar(select(Comment)) is None


def test_the_correction_replaces_the_passage_and_keeps_the_inline_markup_balanced():
    html, found = answers.proposed_html("<p>Met <strong>elf</strong> gemeenten samen.</p>", "elf gemeenten", "twaalf")
    assert found and html == "<p>Met <strong>twaalf</strong> samen.</p>"
    assert answers.proposed_html("<p>Iets anders.</p>", "elf gemeenten", "twaalf") == ("<p>Iets anders.</p>", False)


def test_hostile_values_in_every_reflectie_form_never_give_a_5xx(app, client_for, world, session):
    from tests.security.test_input_fuzz import HOSTILE

    def hammer(client, path, fields, token_from):
        token = client.csrf(token_from)
        for kind, value in HOSTILE.items():
            data = {name: value for name in fields}
            if kind == "1 MB":
                data = {name: value for name in sorted(fields)[:3]}
            response = client.post(path, data={"csrf_token": token, **data})
            assert response.status_code < 500, f"{path} [{kind}]: {response.status_code}"

    coordinator, lead = client_for(world["coordinator"]), client_for(world["lead"])
    reacties = world["reacties"]
    comment(
        coordinator,
        world,
        kind="feitelijke_onjuistheid",
        section_key="visie",
        quote="zes wijkteams",
        correction="zeven",
    )
    comment(coordinator, world, body="Tweede.")
    first = session.scalar(select(Comment).order_by(Comment.id))
    fields = ["kind", "section_key", "quote", "body", "correction", "source", "theme"]
    hammer(coordinator, reacties, fields, reacties)
    hammer(coordinator, f"{reacties}/{first.id}/samenvoegen", ["target"], reacties)
    hammer(coordinator, f"{reacties}/links", ["role", "organisation"], f"{reacties}/links")
    hammer(lead, f"{reacties}/termijn", ["deadline"], f"{reacties}/termijn")
    page = coordinator.post_form(f"{reacties}/links", {"role": "Leerkracht", "organisation": "School"})
    guest_path = "/reageren/" + re.search(r'/reageren/([^"]+)"', page.get_data(as_text=True)).group(1)
    guest = app.test_client()
    from tests.conftest import Client

    guest.__class__ = Client
    hammer(guest, guest_path, fields, guest_path)
    session.rollback()
    for c in session.scalars(select(Comment)):
        c.merged_into_id = None
    session.commit()
    send(client_for, world)
    log = f"{reacties}/logboek"
    hammer(lead, f"{reacties}/{first.id}/antwoord", ["decision", "reason", "changed_version"], log)
    hammer(lead, f"{reacties}/{first.id}/verwerken", ["title", "html", "base", "reason"], log)


def test_an_answer_to_a_comment_on_the_whole_portret_names_the_section_that_changed(client_for, world, session):
    comment(client_for(world["coordinator"]), world, kind="nuance", body="De toon is wat streng.")
    send(client_for, world)
    edit_visie(client_for, world, session, VISIE.replace("Elk wijkteam heeft", "Gelukkig heeft elk wijkteam"))
    item = session.scalar(select(Comment))
    log = f"{world['reacties']}/logboek"
    number = portret(session, world).current_version
    client_for(world["lead"]).post_form(
        f"{world['reacties']}/{item.id}/antwoord",
        {"decision": "deels_verwerkt", "reason": "Iets milder.", "changed_version": number, "changed_section": "visie"},
        token_from=log,
    )
    session.expire_all()
    assert (session.get(Comment, item.id).changed_version, session.get(Comment, item.id).changed_section) == (
        number,
        "visie",
    )
    page = client_for(world["writer"]).get(log).get_data(as_text=True)
    assert "Deels verwerkt" in page and "<ins>Gelukkig" in page


def test_the_next_step_on_the_visitatie_page_follows_the_reflectie(client_for, world, session):
    """Coordinator: send the comments; team: answer them, then propose; the visitatie page says so."""
    overview = world["base"]
    comment(client_for(world["writer"]), world, kind="aanvulling", body="Aanvulling een.")
    comment(client_for(world["writer"]), world, kind="nuance", body="Nuance twee.")
    page = client_for(world["coordinator"]).get(overview).get_data(as_text=True)
    assert "Stuur de reactie van de gemeente naar het team (2 reacties klaar)" in page
    assert "Stuur de reactie" not in client_for(world["writer"]).get(overview).get_data(as_text=True)
    send(client_for, world)
    team_page = f"{world['base']}/portret"  # the team's pages of the visitatie start at the portret
    page = client_for(world["lead"]).get(team_page).get_data(as_text=True)
    assert "2 reacties wachten op een antwoord van het team" in page
    for item in session.scalars(select(Comment)):
        item.decision, item.reason = Decision.NIET_VERWERKT, "Past niet bij wat het team zag."
    session.commit()
    page = client_for(world["lead"]).get(team_page).get_data(as_text=True)
    assert "wachten op een antwoord" not in page and "Stel het portret voor als definitief" in page
