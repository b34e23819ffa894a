"""The verbeteragenda: it follows from the portret's development points and the gemeente's own improvement
points (with links both ways), parts keep a status history, *vervallen* needs a reason, a stale revision is
answered with 409 and both versions, reminders before a period ends go out once, progress per period and
what changed since the last one, the normenkader check, and who may do what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from peerreview.agenda import services
from peerreview.agenda.models import ActionLine, Part, PartStatus, PartStatusChange, ProgressUpdate, ReportingPeriod
from peerreview.mail.models import OutgoingMail
from peerreview.rounds.reminders import send_due
from tests.factories import definitive, visited

PART = {
    "result": "Wachttijd voor de eerste afspraak onder 6 weken",
    "what": "Een wekelijkse triage door de gedragswetenschapper en de teamleider.",
    "owner_role": "Teamleider toegang",
    "owner_organisation": "Gemeente Deventer",
    "owner_user_id": "",
    "planning": "q2 2027",
    "due_on": "",
    "status": "nog_niet_gestart",
    "status_reason": "",
    "indicator": "",
    "indicator_code": "",
    "indicator_target": "",
}


@pytest.fixture
def world(app, session, make):
    """A definitive portret with one released development point (T5) and one own improvement point (T3)."""

    def prepare(s, w):
        from peerreview.reflectiesessie import services as sessies

        visitatie = s.merge(w["visitatie"])
        w["improvement"] = sessies.add_improvement_point(
            s, w["lead"], visitatie, "T3", "Gezinnen die buiten beeld blijven eerder bereiken."
        )

    world = definitive(app, session, make, prepare=prepare)
    world["url"] = f"{world['base']}/verbeteragenda"
    world["points"] = [f"ontwikkelpunt:{world['point'].id}", f"verbeterpunt:{world['improvement'].id}"]
    return world


def make_line(client, world, **extra):
    data = {
        "title": "Iedereen in beeld",
        "description": "",
        "process_goal": "Een vaste triage en een sleutelfiguur per kern.",
        "outcome_goal": "Gezinnen wachten niet langer dan zes weken.",
        "points": world["points"],
        "base_revision": "0",
        **extra,
    }
    query = "&".join(f"points={p}" for p in world["points"])
    response = client.post_form(
        f"{world['url']}/actielijnen/nieuw", data, token_from=f"{world['url']}/actielijnen/nieuw?{query}"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def only_line(session) -> ActionLine:
    session.expire_all()
    return session.scalars(select(ActionLine)).one()


def add_part(client, world, line_id, **extra):
    url = f"{world['url']}/actielijnen/{line_id}/onderdelen/nieuw"
    return client.post_form(url, {**PART, "base_revision": "0", **extra})


def test_the_agenda_follows_from_development_points_and_own_improvement_points_with_links_back(
    client_for, world, session
):
    coordinator = client_for(world["coordinator"])
    page = coordinator.get(world["url"]).get_data(as_text=True)
    assert "Het mandaat van het team is nog smal." in page  # the team's development point
    assert "Gezinnen die buiten beeld blijven eerder bereiken." in page  # the gemeente's own point
    assert "De visie staat al jaren." not in page  # T7's summary: no point of T7, no context shown
    assert "Nog geen actielijn." in page

    make_line(coordinator, world)
    line = only_line(session)
    assert [(s.kind.value, s.source_id) for s in line.sources] == [
        ("ontwikkelpunt", world["point"].id),
        ("verbeterpunt", world["improvement"].id),
    ]
    assert line.sources[0].text == "Het mandaat van het team is nog smal."  # a snapshot
    assert line.themes == ["T3", "T5"]  # the points' themes

    page = coordinator.get(world["url"]).get_data(as_text=True)
    # point -> action line, and action line -> point
    assert f'<a href="#actielijn-{line.id}">actielijn 1, Iedereen in beeld</a>' in page
    assert f'href="#punt-ontwikkelpunt-{world["point"].id}"' in page
    assert f'href="#punt-verbeterpunt-{world["improvement"].id}"' in page
    assert "Nog geen actielijn." not in page


def test_an_own_point_can_be_added_and_answered(client_for, world, session):
    coordinator = client_for(world["coordinator"])
    response = coordinator.post_form(
        f"{world['url']}/punten",
        {"punt-theme": "T9", "punt-text": "Kosten per traject elk kwartaal duiden."},
        token_from=world["url"],
    )
    assert response.status_code == 302
    found = services.points(session, world["visitatie"], services.agenda_of(session, world["visitatie"]))
    assert [p.kind.value for p in found] == ["verbeterpunt", "ontwikkelpunt", "eigen"]  # T3, T5, T9


def test_every_status_change_of_a_part_is_kept_and_shown(client_for, world, session):
    coordinator = client_for(world["coordinator"])
    make_line(coordinator, world)
    line = only_line(session)
    response = add_part(coordinator, world, line.id)
    assert response.status_code == 302, response.get_data(as_text=True)[-6000:]
    part = session.scalars(select(Part)).one()
    assert part.planning == "Q2 2027"  # tidied
    url = f"{world['url']}/onderdelen/{part.id}"
    assert coordinator.post_form(url, {**PART, "status": "in_uitvoering", "base_revision": "1"}).status_code == 302
    assert coordinator.post_form(url, {**PART, "status": "in_uitvoering", "base_revision": "2"}).status_code == 302
    assert coordinator.post_form(url, {**PART, "status": "gereed", "base_revision": "3"}).status_code == 302
    session.expire_all()
    history = session.scalars(select(PartStatusChange).order_by(PartStatusChange.id)).all()
    assert [h.status for h in history] == [PartStatus.NOG_NIET_GESTART, PartStatus.IN_UITVOERING, PartStatus.GEREED]
    page = coordinator.get(url).get_data(as_text=True)
    assert page.index("Nog niet gestart") < page.index("In uitvoering") < page.rindex("Gereed")


def test_a_part_that_lapses_needs_a_reason_and_keeps_the_input(client_for, world, session):
    coordinator = client_for(world["coordinator"])
    make_line(coordinator, world)
    line = only_line(session)
    add_part(coordinator, world, line.id)
    part = session.scalars(select(Part)).one()
    url = f"{world['url']}/onderdelen/{part.id}"
    typed = {**PART, "what": "Nieuwe aanpak met het wijkteam", "status": "vervallen", "base_revision": "1"}
    response = coordinator.post_form(url, typed)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Een onderdeel dat vervalt heeft een reden nodig" in page
    assert "Nieuwe aanpak met het wijkteam" in page
    session.expire_all()
    assert session.get(Part, part.id).status is PartStatus.NOG_NIET_GESTART
    response = coordinator.post_form(url, {**typed, "status_reason": "Opgegaan in de regionale aanpak."})
    assert response.status_code == 302
    session.expire_all()
    stored = session.get(Part, part.id)
    assert (stored.status, stored.status_reason) == (PartStatus.VERVALLEN, "Opgegaan in de regionale aanpak.")


def test_a_stale_revision_is_answered_with_409_and_both_versions(client_for, world, session):
    coordinator = client_for(world["coordinator"])
    make_line(coordinator, world)
    line = only_line(session)
    add_part(coordinator, world, line.id)
    part = session.scalars(select(Part)).one()
    url = f"{world['url']}/onderdelen/{part.id}"
    assert (
        coordinator.post_form(url, {**PART, "result": "Eerste versie van Anna", "base_revision": "1"}).status_code
        == 302
    )
    response = coordinator.post_form(url, {**PART, "result": "Tweede versie van Bram", "base_revision": "1"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Eerste versie van Anna" in page and "Tweede versie van Bram" in page
    session.expire_all()
    assert session.get(Part, part.id).result == "Eerste versie van Anna"

    line_url = f"{world['url']}/actielijnen/{line.id}"
    data = {"title": "Nieuwe titel", "process_goal": "a", "outcome_goal": "b", "base_revision": "1"}
    assert coordinator.post_form(line_url, data).status_code == 302
    response = coordinator.post_form(line_url, {**data, "title": "Andere titel"})
    assert response.status_code == 409
    assert "Nieuwe titel" in response.get_data(as_text=True) and "Andere titel" in response.get_data(as_text=True)


def _period(client, world, name, starts_on, ends_on):
    response = client.post_form(
        f"{world['url']}/perioden",
        {"periode-name": name, "periode-starts_on": starts_on.isoformat(), "periode-ends_on": ends_on.isoformat()},
        token_from=world["url"],
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_period_that_ends_before_it_begins_is_refused(client_for, world, session):
    coordinator = client_for(world["coordinator"])
    response = coordinator.post_form(
        f"{world['url']}/perioden",
        {"periode-name": "Voorjaar", "periode-starts_on": "2027-06-30", "periode-ends_on": "2027-01-01"},
        token_from=world["url"],
    )
    assert response.status_code == 422
    assert "De einddatum ligt vóór de begindatum" in response.get_data(as_text=True)
    assert session.scalars(select(ReportingPeriod)).all() == []


def test_reminders_before_a_period_ends_go_out_once(app, client_for, world, session):
    coordinator = client_for(world["coordinator"])
    make_line(coordinator, world)
    line = only_line(session)
    assert add_part(coordinator, world, line.id, owner_user_id=str(world["writer"].id)).status_code == 302
    assert add_part(coordinator, world, line.id, result="Een tweede onderdeel").status_code == 302
    today = date(2027, 6, 20)
    _period(coordinator, world, "Voorjaar 2027", date(2027, 1, 1), date(2027, 6, 30))

    def run(day):
        before = max(session.scalars(select(OutgoingMail.id)).all(), default=0)
        with app.test_request_context():
            send_due(session, day)
            session.commit()
        return session.scalars(
            select(OutgoingMail)
            .where(OutgoingMail.id > before, OutgoingMail.subject.contains("verbeteragenda"))
            .order_by(OutgoingMail.recipient)
        ).all()

    assert run(today - timedelta(days=10)) == []  # 20 days before the end: not yet
    sent = run(today)
    assert [m.recipient for m in sent] == [world["coordinator"].email, world["writer"].email]
    assert "Voorjaar 2027" in sent[0].subject and "Een tweede onderdeel" in sent[0].body_text
    assert "Een tweede onderdeel" not in sent[1].body_text  # the owner hears of their own part only
    assert run(today) == []  # twice: nothing more
    assert run(today + timedelta(days=1)) == []


def test_progress_per_period_and_what_changed_since_the_last_one(client_for, world, session):
    coordinator = client_for(world["coordinator"])
    make_line(coordinator, world)
    line = only_line(session)
    add_part(coordinator, world, line.id)
    part = session.scalars(select(Part)).one()
    _period(coordinator, world, "Voorjaar 2027", date(2027, 1, 1), date(2027, 6, 30))
    period = session.scalars(select(ReportingPeriod)).one()
    url = f"{world['url']}/onderdelen/{part.id}/voortgang/{period.id}"
    response = coordinator.post_form(
        url,
        {"text": "<p>De triage draait sinds maart.</p>", "status": "in_uitvoering", "reason": "", "base_revision": "0"},
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Part, part.id).status is PartStatus.IN_UITVOERING  # the status at that moment
    update = session.scalars(select(ProgressUpdate)).one()
    assert (update.status, update.revision) == (PartStatus.IN_UITVOERING, 1)
    # a second save on the old revision: 409, both texts shown
    stale = coordinator.post_form(
        url, {"text": "<p>Mijn eigen tekst.</p>", "status": "in_uitvoering", "reason": "", "base_revision": "0"}
    )
    assert stale.status_code == 409
    assert "De triage draait sinds maart." in stale.get_data(as_text=True)
    assert "Mijn eigen tekst." in stale.get_data(as_text=True)

    page = coordinator.get(f"{world['url']}/voortgang?periode={period.id}").get_data(as_text=True)
    assert "De triage draait sinds maart." in page and "In uitvoering" in page
    assert coordinator.get(f"{world['url']}/voortgang?periode=999999").status_code == 404


def test_the_normenkader_check_says_what_is_missing(client_for, world, session):
    coordinator = client_for(world["coordinator"])
    make_line(coordinator, world, outcome_goal="")
    line = only_line(session)
    add_part(coordinator, world, line.id, result="Een betere toegang", owner_role="", planning="")
    session.expire_all()
    norms = {n.key: n for n in services.norm_check(session.get(ActionLine, line.id))}
    assert not norms["meetbaar"].met and not norms["doelen"].met
    assert "resultaatdoel ontbreekt" in norms["doelen"].hint
    assert norms["eigenaar"].hint == "Geen eigenaar bij onderdeel 1."
    page = coordinator.get(world["url"]).get_data(as_text=True)
    assert "Wat ontbreekt: Geen planning bij onderdeel 1." in page
    add_part(coordinator, world, line.id, result="Wachttijd onder 6 weken")
    session.expire_all()
    norms = {n.key: n for n in services.norm_check(session.get(ActionLine, line.id))}
    assert norms["meetbaar"].met  # a result with a number


def test_a_planning_that_is_no_period_is_refused_in_dutch(client_for, world, session):
    coordinator = client_for(world["coordinator"])
    make_line(coordinator, world)
    line = only_line(session)
    response = add_part(coordinator, world, line.id, planning="ergens volgend jaar")
    assert response.status_code == 422
    assert "Vul de planning in als kwartaal (Q2 2027)" in response.get_data(as_text=True)
    assert session.scalars(select(Part)).all() == []


def test_who_may_see_and_do_what(client_for, world, session, make):
    coordinator, writer = client_for(world["coordinator"]), client_for(world["writer"])
    make_line(coordinator, world)
    line = only_line(session)
    add_part(coordinator, world, line.id, owner_user_id=str(world["writer"].id))
    add_part(coordinator, world, line.id, result="Niet van de invuller")
    own, other = session.scalars(select(Part).order_by(Part.id)).all()
    _period(coordinator, world, "Voorjaar 2027", date(2027, 1, 1), date(2027, 6, 30))
    period = session.scalars(select(ReportingPeriod)).one()

    assert client_for(world["outsider"]).get(world["url"]).status_code == 404  # another gemeente
    assert client_for(world["lead"]).get(world["url"]).status_code == 200  # the review team reads it
    assert client_for(world["staff"]).get(world["url"]).status_code == 200
    assert writer.get(world["url"]).status_code == 200
    assert writer.get(f"{world['url']}/actielijnen/nieuw").status_code == 404  # only the coordinator edits
    assert client_for(world["lead"]).get(f"{world['url']}/actielijnen/nieuw").status_code == 404
    progress = {
        "text": "<p>Bijgewerkt door de eigenaar.</p>",
        "status": "in_uitvoering",
        "reason": "",
        "base_revision": "0",
    }
    own_url = f"{world['url']}/onderdelen/{own.id}/voortgang/{period.id}"
    assert writer.post_form(own_url, progress).status_code == 302  # the owner records progress on own part
    other_url = f"{world['url']}/onderdelen/{other.id}/voortgang/{period.id}"
    assert writer.get(other_url).status_code == 404  # ... and not on someone else's
    edit = writer.post_form(
        f"{world['url']}/onderdelen/{own.id}", {**PART, "base_revision": "1"}, token_from=world["url"]
    )
    assert edit.status_code == 404  # nor edit the part


def test_the_agenda_opens_once_the_portret_is_definitive(app, client_for, session, make):
    world = visited(app, session, make)
    assert client_for(world["coordinator"]).get(f"{world['base']}/verbeteragenda").status_code == 404


def test_the_coordinators_next_step_points_to_the_agenda_until_it_has_an_action_line(client_for, world, session):
    from peerreview.portret.models import Portret, Publication

    portret = session.get(Portret, world["portret_id"])
    portret.publication = Publication.NETWERK  # the publication choice is made: the agenda is next
    session.commit()
    coordinator = client_for(world["coordinator"])
    page = coordinator.get(world["base"]).get_data(as_text=True)
    assert "Maak de verbeteragenda" in page and f'href="{world["url"]}"' in page
    assert "Maak de verbeteragenda" not in client_for(world["writer"]).get(world["base"]).get_data(as_text=True)
    make_line(coordinator, world)
    assert "Maak de verbeteragenda" not in coordinator.get(world["base"]).get_data(as_text=True)


def test_an_action_line_can_answer_a_point_added_later(client_for, world, session):
    coordinator = client_for(world["coordinator"])
    make_line(coordinator, world, points=[world["points"][0]])
    line = only_line(session)
    assert [s.kind.value for s in line.sources] == ["ontwikkelpunt"]
    url = f"{world['url']}/actielijnen/{line.id}"
    page = coordinator.get(url).get_data(as_text=True)
    assert "Gezinnen die buiten beeld blijven eerder bereiken." in page  # offered: not yet answered
    data = {
        "title": "Iedereen in beeld",
        "process_goal": "a",
        "outcome_goal": "b",
        "themes": ["T5"],
        "points": [world["points"][1]],
        "base_revision": "1",
    }
    assert coordinator.post_form(url, data).status_code == 302
    line = only_line(session)
    assert [s.kind.value for s in line.sources] == ["ontwikkelpunt", "verbeterpunt"]
    assert line.themes == ["T3", "T5"]


def test_progress_that_lets_a_part_lapse_needs_a_reason_too(client_for, world, session):
    coordinator = client_for(world["coordinator"])
    make_line(coordinator, world)
    add_part(coordinator, world, only_line(session).id)
    part = session.scalars(select(Part)).one()
    _period(coordinator, world, "Voorjaar 2027", date(2027, 1, 1), date(2027, 6, 30))
    period = session.scalars(select(ReportingPeriod)).one()
    url = f"{world['url']}/onderdelen/{part.id}/voortgang/{period.id}"
    typed = {"text": "<p>De regio pakt dit op.</p>", "status": "vervallen", "reason": "", "base_revision": "0"}
    response = coordinator.post_form(url, typed)
    assert response.status_code == 422
    assert "Een onderdeel dat vervalt heeft een reden nodig" in response.get_data(as_text=True)
    assert "De regio pakt dit op." in response.get_data(as_text=True)
    assert session.scalars(select(ProgressUpdate)).all() == []
    assert coordinator.post_form(url, {**typed, "reason": "Regionaal opgepakt."}).status_code == 302
    session.expire_all()
    assert session.get(Part, part.id).status_reason == "Regionaal opgepakt."
