"""The calendar file of the reflectiesessie (RFC 5545), written with the ``icalendar`` package.

``METHOD:PUBLISH``: the file informs; it asks nobody to reply (there is no organiser mailbox that
would process replies). Calendar programs match an update to the event they already have by its
``UID`` and take it when its ``SEQUENCE`` is higher, so every changed plan keeps the UID and raises
the sequence (see ``services.save_plan``). Times are written in UTC (``...Z``), so no VTIMEZONE is
needed; the plan itself is kept in Dutch local time. Line folding and text escaping are the package's.
"""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event, vText

from peerreview.formatting import LOCAL
from peerreview.reflectiesessie.models import ReflectieSessie, SessieMode
from peerreview.rounds.models import Visitatie

PRODID = "-//Peerreview jeugdhulp//Reflectiesessie//NL"
CONTENT_TYPE = "text/calendar; method=PUBLISH; charset=utf-8"


def start_end_utc(sessie: ReflectieSessie) -> tuple[datetime, datetime]:
    """The planned start and end as aware UTC datetimes (the plan is local time in Europe/Amsterdam)."""
    assert sessie.planned_on is not None and sessie.starts_at is not None and sessie.ends_at is not None
    start = datetime.combine(sessie.planned_on, sessie.starts_at, tzinfo=LOCAL).astimezone(UTC)
    end = datetime.combine(sessie.planned_on, sessie.ends_at, tzinfo=LOCAL).astimezone(UTC)
    return start, end


def summary(visitatie: Visitatie) -> str:
    return f"Reflectiesessie gemeenteportret {visitatie.gemeente.name}"


def calendar_file(sessie: ReflectieSessie, visitatie: Visitatie, portret_link: str, page_link: str) -> bytes:
    start, end = start_end_utc(sessie)
    event = Event()
    event.add("uid", sessie.ics_uid)
    event.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("sequence", sessie.ics_sequence)
    event.add("summary", summary(visitatie))
    event.add("status", "CONFIRMED")
    if sessie.mode is SessieMode.DIGITAAL:
        event.add("location", vText(sessie.link or "Digitaal"))
        if sessie.link:
            event.add("url", sessie.link)
    else:
        event.add("location", vText(sessie.location))
        event.add("url", page_link)
    event.add(
        "description",
        f"Reflectiesessie over het conceptportret van {visitatie.gemeente.name} ({visitatie.round.name}).\n"
        f"Lees het concept vooraf: {portret_link}\n"
        f"Planning en deelnemers: {page_link}",
    )
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    content: bytes = calendar.to_ical()
    return content
