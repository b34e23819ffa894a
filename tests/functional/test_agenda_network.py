"""The network's view of the verbeteragenda's: counts per theme and status for analysts and round
coordinators; anonymised ("Gemeente A", no name, no texts) unless the gemeente published its agenda."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from peerreview.accounts.models import NetworkRole
from peerreview.agenda.models import ActionLine
from peerreview.tenants.models import Gemeente
from tests.functional.agenda_world import agenda_world, build_agenda

URL = "/netwerk/verbeteragendas"


@pytest.fixture
def world(app, session, make):
    w = agenda_world(app, session, make)
    w["analyst"] = make.user("analist@netwerk.nl", network_role=NetworkRole.ANALYST)
    round_ = w["visitatie"].round
    for name in ("Zwolle", "Emmen", "Utrecht"):
        gemeente = session.scalar(select(Gemeente).where(Gemeente.name == name))
        visitatie = make.visitatie(gemeente, round_)
        agenda = build_agenda(session, visitatie, w["staff"])
        agenda["lines"][0].title = f"Geheime actielijn van {name}"
    session.commit()
    return w


def test_analysts_and_round_staff_see_counts_per_theme(client_for, world):
    for who in ("analyst", "staff"):
        page = client_for(world[who]).get(URL)
        assert page.status_code == 200, who
        text = page.get_data(as_text=True)
        assert "T5" in text and "Onderdelen per thema en status" in text
    page = client_for(world["analyst"]).get(URL).get_data(as_text=True)
    # T5: two parts per agenda (gereed and in uitvoering), four agendas -> 8 parts by 4 gemeenten
    row = page.split('<th scope="row">T5 ', 1)[1].split("</tr>", 1)[0]
    cells = [c.split("<", 1)[0] for c in row.split('<td class="num">')[1:]]
    assert cells[0] == "4" and cells[-1] == "8"


def test_unpublished_agendas_are_anonymous_without_names_or_texts(client_for, world):
    text = client_for(world["analyst"]).get(URL).get_data(as_text=True)
    for name in ("Zwolle", "Emmen", "Utrecht", "Deventer"):
        assert name not in text, name
    assert "Geheime actielijn" not in text and "Het mandaat van de toegang" not in text
    assert "Gemeente A" in text and "Gemeente D" in text
    assert "Nog geen gemeente deelt haar verbeteragenda" in text


def test_a_published_agenda_shows_the_name_and_the_action_line_titles(client_for, session, world):
    agenda = session.merge(world["agenda"])
    agenda.published = True
    session.commit()
    text = client_for(world["analyst"]).get(URL).get_data(as_text=True)
    assert "Deventer" in text and "Het mandaat van de toegang verbreden" in text
    assert "Zwolle" not in text and "Geheime actielijn" not in text
    assert "Gemeente C" in text and "Gemeente D" not in text  # three anonymous ones left


def test_few_unpublished_agendas_are_only_counted(client_for, session, world):
    for line in session.scalars(select(ActionLine).where(ActionLine.title.like("Geheime%"))):
        session.delete(line.agenda)
    session.commit()
    text = client_for(world["analyst"]).get(URL).get_data(as_text=True)
    assert "Gemeente A" not in text and "1 agenda is niet gedeeld" in text


def test_gemeente_members_and_council_do_not_see_the_view(client_for, make, world):
    for who in ("coordinator", "writer", "lead", "outsider"):
        assert client_for(world[who]).get(URL).status_code == 404, who
    assert 'href="/netwerk/verbeteragendas"' not in client_for(world["coordinator"]).get(
        "/netwerk/thema-matrix"
    ).get_data(as_text=True)
