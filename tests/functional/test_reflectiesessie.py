"""The reflectiesessie: planning with a valid calendar file, invitation, update and reminder e-mails,
attendees proposed by the gemeente and agreed by the team, the record with themed lessons and
improvement points, and the wederhoor (each side only its own text, locked once the portret is adopted)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from peerreview.db import utcnow
from peerreview.mail.models import OutgoingMail
from peerreview.portret import services as portret_services
from peerreview.portret.models import Portret
from peerreview.reflectiesessie.models import ImprovementPoint, ReflectieSessie, SessieAttendee, SessieLesson
from peerreview.rounds.reminders import send_due
from tests.factories import visited

PLAN = {
    "planned_on": "2026-12-10",
    "starts_at": "13:30",
    "ends_at": "16:00",
    "mode": "op_locatie",
    "location": "Stadhuis Deventer, zaal 2; ingang Grote Kerkhof",
    "link": "",
}


@pytest.fixture
def world(app, session, make):
    """A visitatie with its concept portret released to the gemeente (state portret_concept)."""
    world = visited(app, session, make)
    with app.test_request_context():
        visitatie = session.merge(world["visitatie"])
        portret = portret_services.get_or_create(session, visitatie)
        portret_services.generate(session, portret, world["lead"])
        portret_services.release(session, world["lead"], portret)
        session.commit()
    world["sessie_url"] = f"{world['base']}/reflectiesessie"
    return world


def sessie(session, world) -> ReflectieSessie:
    session.expire_all()
    return session.scalar(select(ReflectieSessie).where(ReflectieSessie.visitatie_id == world["visitatie"].id))


def mails(session, since: int = 0) -> list[OutgoingMail]:
    return list(session.scalars(select(OutgoingMail).where(OutgoingMail.id > since).order_by(OutgoingMail.id)))


def last_mail_id(session) -> int:
    return max([m.id for m in mails(session)], default=0)


def planned_with_proposals(client_for, world) -> None:
    """The coordinator plans the session and proposes two attendees (not yet agreed by the team)."""
    coordinator = client_for(world["coordinator"])
    url = world["sessie_url"]
    assert coordinator.post_form(f"{url}/planning", PLAN).status_code == 302
    for role, organisation in (("Wethouder jeugd", "Gemeente Deventer"), ("Jeugdarts", "GGD IJsselland")):
        response = coordinator.post_form(
            f"{url}/deelnemers", {"role": role, "organisation": organisation}, token_from=url
        )
        assert response.status_code == 302


def parse(content: bytes):
    calendar = Calendar.from_ical(content)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_the_gemeente_proposes_attendees_and_only_the_lead_agrees(client_for, world, session):
    planned_with_proposals(client_for, world)
    items = session.scalars(select(SessieAttendee).order_by(SessieAttendee.id)).all()
    assert [(a.role, a.agreed_at is None) for a in items] == [("Wethouder jeugd", True), ("Jeugdarts", True)]
    url = f"{world['sessie_url']}/deelnemers/{items[0].id}/akkoord"
    assert client_for(world["coordinator"]).post_form(url, token_from=world["sessie_url"]).status_code == 404
    assert client_for(world["member"]).post_form(url, token_from=world["sessie_url"]).status_code == 404
    assert client_for(world["lead"]).post_form(url, token_from=world["sessie_url"]).status_code == 302
    session.expire_all()
    assert session.get(SessieAttendee, items[0].id).agreed_by_id == world["lead"].id
    # what the lead adds is agreed at once
    client_for(world["lead"]).post_form(
        f"{world['sessie_url']}/deelnemers",
        {"role": "Huisarts", "organisation": "Praktijk De Brink"},
        token_from=world["sessie_url"],
    )
    assert session.scalar(select(SessieAttendee).where(SessieAttendee.role == "Huisarts")).agreed_at is not None


def test_the_invitation_carries_a_valid_calendar_file_and_a_link_to_the_concept(client_for, world, session):
    planned_with_proposals(client_for, world)
    url = world["sessie_url"]
    coordinator = client_for(world["coordinator"])
    refused = coordinator.post_form(f"{url}/uitnodigen", token_from=url)  # nobody agreed yet
    assert refused.status_code == 302 and sessie(session, world).invited_at is None
    first = session.scalar(select(SessieAttendee).order_by(SessieAttendee.id))
    client_for(world["lead"]).post_form(f"{url}/deelnemers/{first.id}/akkoord", token_from=url)
    before = last_mail_id(session)
    assert coordinator.post_form(f"{url}/uitnodigen", token_from=url).status_code == 302
    sent = mails(session, before)
    # the gemeente's members (coordinator, writer) and the review team (lead, member)
    assert sorted(m.recipient for m in sent) == [
        "coord@deventer.nl",
        "lead@emmen.nl",
        "lid@utrecht.nl",
        "schrijver@deventer.nl",
    ]
    invitation = sent[0]
    assert invitation.subject == "Uitnodiging: reflectiesessie Deventer op 10 december 2026"
    assert f"/visitaties/{world['visitatie'].id}/portret" in invitation.body_text
    assert "10 december 2026, 13:30–16:00 uur" in invitation.body_text
    assert "Wethouder jeugd, Gemeente Deventer" in invitation.body_text
    assert "Jeugdarts" not in invitation.body_text  # proposed, not agreed
    assert invitation.attachment_name == "reflectiesessie-deventer.ics"
    assert invitation.attachment_type.startswith("text/calendar")
    raw = invitation.attachment
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded at 75 octets
    calendar, event = parse(raw)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"] and str(calendar["METHOD"]) == "PUBLISH"
    for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "SEQUENCE"):
        assert required in event, required
    assert event["DTSTART"].dt == datetime(2026, 12, 10, 12, 30, tzinfo=UTC)  # 13:30 in Amsterdam (CET)
    assert event["DTEND"].dt == datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
    assert b"DTSTART:20261210T123000Z" in raw
    assert str(event["LOCATION"]) == PLAN["location"]
    assert b"zaal 2\\; ingang" in raw  # the semicolon escaped (RFC 5545 3.3.11)
    assert str(event["SUMMARY"]) == "Reflectiesessie gemeenteportret Deventer"
    assert int(event["SEQUENCE"]) == 0
    # the same file can be downloaded from the page
    download = coordinator.get(f"{url}/agenda.ics")
    assert download.status_code == 200 and download.mimetype == "text/calendar"
    assert str(parse(download.data)[1]["UID"]) == str(event["UID"])


def test_a_changed_plan_sends_an_update_with_the_same_uid_and_a_higher_sequence(client_for, world, session):
    planned_with_proposals(client_for, world)
    url = world["sessie_url"]
    lead = client_for(world["lead"])
    first = session.scalar(select(SessieAttendee).order_by(SessieAttendee.id))
    lead.post_form(f"{url}/deelnemers/{first.id}/akkoord", token_from=url)
    lead.post_form(f"{url}/uitnodigen", token_from=url)
    uid = str(parse(mails(session)[-1].attachment)[1]["UID"])
    before = last_mail_id(session)
    assert lead.post_form(f"{url}/planning", PLAN).status_code == 302  # nothing changed: no update
    assert mails(session, before) == []
    moved = {**PLAN, "planned_on": "2026-12-11", "mode": "digitaal", "link": "https://meet.example.nl/sessie"}
    assert lead.post_form(f"{url}/planning", moved).status_code == 302
    updates = mails(session, before)
    assert len(updates) == 4
    assert updates[0].subject == "Gewijzigd: reflectiesessie Deventer op 11 december 2026"
    assert "is gewijzigd" in updates[0].body_text
    _calendar, event = parse(updates[0].attachment)
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
    assert event["DTSTART"].dt == datetime(2026, 12, 11, 12, 30, tzinfo=UTC)
    assert str(event["URL"]) == "https://meet.example.nl/sessie"


def test_a_plan_that_ends_before_it_starts_or_lacks_a_place_is_refused_in_dutch(client_for, world, session):
    coordinator = client_for(world["coordinator"])
    url = f"{world['sessie_url']}/planning"
    response = coordinator.post_form(url, {**PLAN, "ends_at": "12:00"})
    assert response.status_code == 422
    assert "De eindtijd moet na de begintijd liggen." in response.get_data(as_text=True)
    response = coordinator.post_form(url, {**PLAN, "mode": "digitaal", "link": "meet.example.nl"})
    assert response.status_code == 422 and "begint met https://" in response.get_data(as_text=True)
    assert sessie(session, world) is None


def test_the_reminder_goes_out_once_a_few_days_before_and_again_after_a_move(app, client_for, world, session):
    planned_with_proposals(client_for, world)
    url = world["sessie_url"]
    lead = client_for(world["lead"])
    first = session.scalar(select(SessieAttendee).order_by(SessieAttendee.id))
    lead.post_form(f"{url}/deelnemers/{first.id}/akkoord", token_from=url)
    lead.post_form(f"{url}/uitnodigen", token_from=url)

    def run(today):
        before = last_mail_id(session)
        with app.test_request_context():
            send_due(session, today)
            session.commit()
        return [m for m in mails(session, before) if "reflectiesessie" in m.subject]

    assert run(date(2026, 12, 6)) == []  # four days before
    reminders = run(date(2026, 12, 7))
    assert len(reminders) == 4 and reminders[0].subject == "Herinnering: reflectiesessie Deventer op 10 december 2026"
    assert reminders[0].attachment_name == "reflectiesessie-deventer.ics"
    assert run(date(2026, 12, 8)) == []  # once
    lead.post_form(f"{url}/planning", {**PLAN, "planned_on": "2026-12-09"})
    assert len(run(date(2026, 12, 8))) == 4  # the new date gets its own reminder
    assert run(date(2026, 12, 10)) == []  # after the session


def record_data(world, session, **extra):
    attendee = session.scalar(select(SessieAttendee).order_by(SessieAttendee.id))
    return {
        "held_on": "2026-12-01",
        "recognisability": "deels_herkenbaar",
        "sectie_visie": "herkenbaar",
        "sectie_financiering": "niet_herkenbaar",
        "present": str(attendee.id),
        "notes": "<p>Goed gesprek.</p><script>alert(1)</script>",
        **extra,
    }


def test_the_team_records_the_session_and_the_gemeente_reads_it(client_for, world, session):
    planned_with_proposals(client_for, world)
    url = world["sessie_url"]
    member = client_for(world["member"])
    assert client_for(world["coordinator"]).get(f"{url}/verslag").status_code == 404
    assert member.get(f"{url}/verslag").status_code == 200
    assert member.post_form(f"{url}/verslag", record_data(world, session)).status_code == 302
    stored = sessie(session, world)
    assert stored.held_on == date(2026, 12, 1) and stored.recognisability.value == "deels_herkenbaar"
    assert stored.section_recognisability == {"visie": "herkenbaar", "financiering": "niet_herkenbaar"}
    assert "<script>" not in stored.notes and "Goed gesprek." in stored.notes
    present = session.scalars(select(SessieAttendee.present).order_by(SessieAttendee.id)).all()
    assert present == [True, False]
    lesson = {
        "les-csrf_token": member.csrf(f"{url}/verslag"),
        "les-theme": "T4",
        "les-text": "Zet de POH-jeugd in de huisartsenpraktijk.",
    }
    assert member.post(f"{url}/lessen", data=lesson).status_code == 302
    point = {
        "punt-csrf_token": member.csrf(f"{url}/verslag"),
        "punt-theme": "T9",
        "punt-text": "Cijfers vaker samen duiden.",
    }
    assert member.post(f"{url}/verbeterpunten", data=point).status_code == 302
    bad = {"punt-csrf_token": member.csrf(f"{url}/verslag"), "punt-theme": "T99", "punt-text": "x"}
    assert member.post(f"{url}/verbeterpunten", data=bad).status_code == 422
    assert [(x.theme, x.text) for x in session.scalars(select(SessieLesson))] == [
        ("T4", "Zet de POH-jeugd in de huisartsenpraktijk.")
    ]
    stored_point = session.scalar(select(ImprovementPoint))
    assert (stored_point.theme, stored_point.visitatie_id, stored_point.sessie_id) == (
        "T9",
        world["visitatie"].id,
        stored.id,
    )
    page = client_for(world["writer"]).get(url).get_data(as_text=True)
    assert "Deels herkenbaar" in page and "Cijfers vaker samen duiden." in page and "POH-jeugd" in page
    assert "Sessie vastleggen" not in page and "Verslag bijwerken" not in page


def test_once_held_the_plan_can_no_longer_be_changed(client_for, world, session):
    planned_with_proposals(client_for, world)
    lead = client_for(world["lead"])
    assert lead.post_form(f"{world['sessie_url']}/verslag", record_data(world, session)).status_code == 302
    moved = lead.post_form(f"{world['sessie_url']}/planning", {**PLAN, "planned_on": "2026-12-11"})
    assert moved.status_code == 422 and "al gehouden" in moved.get_data(as_text=True)
    assert sessie(session, world).planned_on == date(2026, 12, 10)
    assert "Planning wijzigen" not in lead.get(world["sessie_url"]).get_data(as_text=True)


def test_a_session_cannot_be_recorded_as_held_in_the_future(client_for, world, session):
    planned_with_proposals(client_for, world)
    response = client_for(world["lead"]).post_form(
        f"{world['sessie_url']}/verslag", record_data(world, session, held_on="2099-01-01")
    )
    assert response.status_code == 422 and "niet in de toekomst" in response.get_data(as_text=True)


def test_each_side_writes_only_its_own_wederhoor_text(client_for, world, session):
    url = world["sessie_url"]
    coordinator, lead, member = (client_for(world[k]) for k in ("coordinator", "lead", "member"))
    assert lead.get(f"{url}/reactie").status_code == 404
    assert coordinator.get(f"{url}/nawoord").status_code == 404
    assert member.get(f"{url}/nawoord").status_code == 404  # the lead writes it
    assert client_for(world["writer"]).get(f"{url}/reactie").status_code == 404  # the coordinator writes it
    reactie = "<p>Het college herkent zich in het beeld.</p><img src=x onerror=alert(1)>"
    assert coordinator.post_form(f"{url}/reactie", {"html": reactie, "base_revision": "0"}).status_code == 302
    assert (
        lead.post_form(
            f"{url}/nawoord", {"html": "<p>Het team dankt de gemeente.</p>", "base_revision": "0"}
        ).status_code
        == 302
    )
    stored = sessie(session, world)
    assert (
        stored.reactie.startswith("<p>Het college herkent zich in het beeld.</p>") and "onerror" not in stored.reactie
    )
    assert stored.nawoord == "<p>Het team dankt de gemeente.</p>"
    assert (stored.reactie_revision, stored.nawoord_revision) == (1, 1)
    assert (stored.reactie_by_id, stored.nawoord_by_id) == (world["coordinator"].id, world["lead"].id)


def test_a_stale_reactie_is_refused_with_both_texts(client_for, world, session):
    url = f"{world['sessie_url']}/reactie"
    coordinator = client_for(world["coordinator"])
    coordinator.post_form(url, {"html": "<p>Eerste versie.</p>", "base_revision": "0"})
    stale = coordinator.post_form(url, {"html": "<p>Mijn versie.</p>", "base_revision": "0"})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "Eerste versie." in page and "Mijn versie." in page
    assert sessie(session, world).reactie == "<p>Eerste versie.</p>"


def test_a_reactie_over_the_word_limit_is_refused_in_dutch_and_kept_in_the_form(client_for, world, session):
    long = "<p>" + "woord " * 1600 + "</p>"
    response = client_for(world["coordinator"]).post_form(
        f"{world['sessie_url']}/reactie", {"html": long, "base_revision": "0"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "mag hoogstens 1.500 woorden tellen; nu zijn het er 1.600" in page and "woord woord" in page
    assert sessie(session, world) is None


def test_the_wederhoor_and_the_record_lock_once_the_portret_is_adopted(client_for, world, session):
    url = world["sessie_url"]
    coordinator, lead = client_for(world["coordinator"]), client_for(world["lead"])
    coordinator.post_form(f"{url}/reactie", {"html": "<p>Reactie.</p>", "base_revision": "0"})
    portret = session.scalar(select(Portret).where(Portret.visitatie_id == world["visitatie"].id))
    portret.adopted_version, portret.adopted_at = portret.current_version, utcnow()
    session.commit()
    refused = coordinator.post_form(f"{url}/reactie", {"html": "<p>Later.</p>", "base_revision": "1"})
    assert refused.status_code == 422 and "vastgesteld" in refused.get_data(as_text=True)
    refused = lead.post_form(f"{url}/nawoord", {"html": "<p>Later.</p>", "base_revision": "0"})
    assert refused.status_code == 422
    refused = lead.post_form(f"{url}/verslag", record_data_without_attendees())
    assert refused.status_code == 422 and "vastgesteld" in refused.get_data(as_text=True)
    stored = sessie(session, world)
    assert stored.reactie == "<p>Reactie.</p>" and stored.nawoord == "" and stored.held_on is None


def record_data_without_attendees():
    return {"held_on": "2026-12-01", "recognisability": "herkenbaar", "notes": ""}


def test_without_wederhoor_in_the_round_there_is_no_reactie_or_nawoord(client_for, world, session):
    world["visitatie"].round.wederhoor = False
    session.merge(world["visitatie"].round)
    session.commit()
    assert client_for(world["coordinator"]).get(f"{world['sessie_url']}/reactie").status_code == 404
    assert client_for(world["lead"]).get(f"{world['sessie_url']}/nawoord").status_code == 404
    assert "Wederhoor" not in client_for(world["lead"]).get(world["sessie_url"]).get_data(as_text=True)


def test_outsiders_get_404_and_the_gemeente_finds_the_sessie_in_the_nav_and_the_overview(client_for, world):
    assert client_for(world["outsider"]).get(world["sessie_url"]).status_code == 404
    page = client_for(world["writer"]).get(f"{world['base']}/portret").get_data(as_text=True)
    assert f'href="{world["sessie_url"]}"' in page and ">Reflectiesessie</a>" in page
    overview = client_for(world["coordinator"]).get(world["base"]).get_data(as_text=True)
    assert "Nog niet gepland" in overview and "Naar de reflectiesessie" in overview


def test_an_smtp_delivery_carries_the_calendar_file_as_a_text_calendar_attachment(app, monkeypatch):
    from email import message_from_bytes

    from peerreview.mail import tasks
    from peerreview.mail.models import OutgoingMail

    delivered = []

    class FakeSMTP:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            pass

        def login(self, *args):
            pass

        def send_message(self, message):
            delivered.append(message.as_bytes())

    monkeypatch.setattr(tasks.smtplib, "SMTP", FakeSMTP)
    ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    mail = OutgoingMail(
        recipient="a@example.nl",
        subject="Uitnodiging",
        body_text="Tekst",
        body_html="<p>Tekst</p>",
        attachment_name="reflectiesessie-deventer.ics",
        attachment_type="text/calendar; method=PUBLISH; charset=utf-8",
        attachment=ics,
    )
    with app.app_context():
        tasks._send_smtp(mail)
    parsed = message_from_bytes(delivered[0])
    parts = [p for p in parsed.walk() if p.get_filename()]
    assert len(parts) == 1
    part = parts[0]
    assert part.get_content_type() == "text/calendar" and part.get_param("method") == "PUBLISH"
    assert part.get_filename() == "reflectiesessie-deventer.ics" and part.get_payload(decode=True) == ics
    assert any(p.get_content_type() == "text/plain" for p in parsed.walk())


# Who opens which page while the concept is out (portret_concept): 200 or 404 (never a hint it exists).
ROLE_PAGES = {
    "": {"coordinator", "writer", "lead", "member", "staff"},
    "/planning": {"coordinator", "lead", "member", "staff"},
    "/verslag": {"lead", "member", "staff"},
    "/reactie": {"coordinator"},
    "/nawoord": {"lead"},
}


def test_each_role_opens_exactly_its_pages_and_every_change_is_audited(client_for, world, session):
    from peerreview.audit.models import AuditEvent

    roles = ("coordinator", "writer", "lead", "member", "staff", "outsider")
    for suffix, allowed in ROLE_PAGES.items():
        for role in roles:
            status = client_for(world[role]).get(f"{world['sessie_url']}{suffix}").status_code
            assert status == (200 if role in allowed else 404), f"{role} GET {suffix or '/'} gave {status}"
    planned_with_proposals(client_for, world)
    lead = client_for(world["lead"])
    first = session.scalar(select(SessieAttendee).order_by(SessieAttendee.id))
    lead.post_form(f"{world['sessie_url']}/deelnemers/{first.id}/akkoord", token_from=world["sessie_url"])
    lead.post_form(f"{world['sessie_url']}/uitnodigen", token_from=world["sessie_url"])
    lead.post_form(f"{world['sessie_url']}/planning", {**PLAN, "starts_at": "14:00"})
    lead.post_form(f"{world['sessie_url']}/verslag", record_data(world, session))
    lead.post_form(f"{world['sessie_url']}/nawoord", {"html": "<p>Nawoord.</p>", "base_revision": "0"})
    client_for(world["coordinator"]).post_form(
        f"{world['sessie_url']}/reactie", {"html": "<p>Reactie.</p>", "base_revision": "0"}
    )
    actions = [
        (e.action, e.actor_id)
        for e in session.scalars(select(AuditEvent).where(AuditEvent.action.like("sessie_%")).order_by(AuditEvent.id))
    ]
    assert actions == [
        ("sessie_invited", world["lead"].id),
        ("sessie_replanned", world["lead"].id),
        ("sessie_recorded", world["lead"].id),
        ("sessie_nawoord_saved", world["lead"].id),
        ("sessie_reactie_saved", world["coordinator"].id),
    ]


def test_after_smtp_delivery_the_stored_mail_keeps_the_attachment_name_but_not_its_content(
    app, session, run_jobs, monkeypatch
):
    from peerreview import db
    from peerreview.mail import services as mail_services
    from peerreview.mail import tasks

    delivered = []
    monkeypatch.setattr(tasks, "_send_smtp", lambda message: delivered.append(message.attachment))
    app.config["MAIL_BACKEND"] = "smtp"
    with app.test_request_context():
        s = db.session()
        stored = mail_services.send(
            s,
            "a@example.nl",
            "Uitnodiging",
            "password_reset",
            attachment=mail_services.Attachment("sessie.ics", "text/calendar", b"BEGIN:VCALENDAR"),
            user=type("U", (), {"name": "A"}),
            link="http://localhost/x",
            minutes=5,
        )
        s.commit()
        mail_id = stored.id
    run_jobs()
    session.expire_all()
    kept = session.get(OutgoingMail, mail_id)
    assert delivered == [b"BEGIN:VCALENDAR"]
    assert kept.sent_at is not None and kept.attachment_name == "sessie.ics" and kept.attachment is None
