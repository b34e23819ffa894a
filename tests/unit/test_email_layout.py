"""E-mails: every message extends the one layout; the HTML part is the text part, escaped."""

from __future__ import annotations

import datetime
import html
import re
from pathlib import Path
from types import SimpleNamespace as NS
from typing import Any

import pytest

from peerreview.mail import services

EMAIL_DIR = Path(__file__).resolve().parents[2] / "templates" / "email"
FOOTER = "\n\n--\nNetwerk Jeugd\nDit bericht is automatisch verstuurd. Je kunt er niet op antwoorden."
HOSTILE = 'Jan & <script>alert(1)</script> "de" Vries'

ROUND = NS(
    name="Ronde 2026",
    deadlines=[NS(phase=NS(label="Zelfevaluatie indienen"), due_on=datetime.date(2026, 3, 5))],
)
VISITATIE = NS(gemeente=NS(name="Aardam"), round=ROUND)
BASE = {"user": NS(name=HOSTILE), "visitatie": VISITATIE, "link": "https://peer.example/v/1?a=1&b=2"}

# For each message: its own context and a sentence of its body that must appear, rendered.
MESSAGES: dict[str, tuple[dict[str, Any], str]] = {
    "agenda_reminder": (
        {
            "period": NS(name="Voorjaar 2027", ends_on=datetime.date(2027, 6, 30)),
            "parts": [("Kortere wachttijden", "Wachttijd onder 6 weken")],
            "days_left": 14,
        },
        "loopt af op 30 juni 2027 (over 14 dagen).",
    ),
    "annotations_released": ({}, "zijn aantekeningen bij de zelfevaluatie van Aardam met jullie gedeeld"),
    "deadline_reminder": (
        {"phase": NS(label="Reflectie"), "due": datetime.date(2026, 12, 31), "days_left": 3},
        "reflectie uiterlijk 31 december 2026 (over 3 dagen).",
    ),
    "invitation": (
        {"inviter": NS(name="Piet"), "invitation": NS(role_label="Coördinator"), "place": "Aardam", "days": 14},
        "Piet nodigt je uit als coördinator bij Aardam.",
    ),
    "password_reset": ({"minutes": 60}, "De link werkt 60 minuten en één keer."),
    "portret_adopted": ({"number": 7}, "Aardam heeft het portret vastgesteld: versie 7 is het definitieve portret."),
    "portret_proposed": ({"number": 7}, "Het reviewteam stelt versie 7 voor als het definitieve portret van Aardam."),
    "reflectie_answered": ({}, "Het reviewteam heeft elke reactie van Aardam op het conceptportret beantwoord."),
    "reflectie_sent": ({"count": 3}, "Aardam heeft gereageerd op het conceptportret: 3 reacties van de gemeente"),
    "reflectiesessie": (
        {
            "kind": "update",
            "sessie": NS(
                planned_on=datetime.date(2026, 12, 10),
                starts_at=datetime.time(13, 30),
                ends_at=datetime.time(16, 0),
                mode=NS(value="op_locatie"),
                location="Raadzaal",
                link="",
            ),
            "attendees": [NS(label="Wethouder jeugd, gemeente Aardam")],
            "portret_link": "https://peer.example/portret",
        },
        "Wanneer: 10 december 2026, 13:30–16:00 uur",
    ),
    "portret_released": ({"again": True, "version": NS(number=2)}, "een nieuwe versie (versie 2)"),
    "review_assigned": ({"role": NS(label="Voorzitter")}, "Je bent voorzitter in het reviewteam voor Aardam"),
    "selfeval_reopened": ({"by": NS(name="Piet"), "reason": "Bijlage vergeten"}, '"Bijlage vergeten"'),
    "selfeval_submitted": (
        {"submission": NS(number=3, checksum="abcdef0123456789")},
        "(versie 3, controlegetal abcdef012345)",
    ),
    "visitatie_added": (
        {"gemeente": NS(name="Aardam"), "round": ROUND},
        "Eerste deadline: zelfevaluatie indienen uiterlijk 5 maart 2026.",
    ),
}


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"NETWORK_NAME": "Netwerk Jeugd"}


def test_every_message_template_is_rendered_here():
    on_disk = {path.stem for path in EMAIL_DIR.glob("*.txt") if not path.name.startswith("_")}
    assert on_disk == set(MESSAGES)
    assert {path.name for path in EMAIL_DIR.glob("*.html")} == {"_layout.html"}


@pytest.mark.parametrize("template", sorted(MESSAGES))
def test_message_extends_the_layout_and_html_shows_the_same_text(app, template):
    extra, sentence = MESSAGES[template]
    with app.test_request_context():
        text, body_html = services.render(template, subject=f"Onderwerp {HOSTILE}", **BASE, **extra)
    assert '{% extends "email/_layout.txt" %}' in (EMAIL_DIR / f"{template}.txt").read_text()
    assert sentence in text
    assert text.endswith(FOOTER)
    assert HOSTILE in text or template == "invitation"  # the invitation greets no one by name
    # The HTML part shows exactly the text part: nothing from a name becomes markup.
    shown = re.search(r'<div style="white-space: pre-wrap;">(.*)</div>', body_html, re.DOTALL)
    assert shown is not None
    assert html.unescape(re.sub(r"<[^>]+>", "", shown.group(1))) == text
    assert "<script>" not in body_html
    assert f"<title>Onderwerp {html.escape(HOSTILE)}</title>" in body_html.replace("&#34;", "&quot;")
    assert '<a href="https://peer.example/v/1?a=1&amp;b=2" rel="noopener">' in body_html
