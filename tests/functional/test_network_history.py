"""A gemeente's rounds side by side: the team's judgement per theme in each round, the key figures per period,
and only the rounds the reader may see (404 when there is none)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from peerreview.accounts.models import NetworkRole
from peerreview.portret.models import Portret, Publication
from peerreview.review.models import ThemeSummary
from peerreview.rounds.models import Round, Visitatie
from tests.factories import definitive
from tests.functional.test_network_library import add_portret


@pytest.fixture
def world(app, session, make):
    """Deventer's current round (``definitive``: T7 'duidelijk aanwezig', published to the network) and an
    earlier one with its own portret and judgements."""
    w = definitive(app, session, make)
    current = session.get(Portret, w["portret_id"])
    current.publication, current.published_at = Publication.NETWERK, datetime.now(UTC)
    deventer = w["visitatie"].gemeente
    earlier_round = Round(name="Ronde 2023", starts_on=date(2023, 1, 9), ends_on=date(2023, 12, 15))
    session.add(earlier_round)
    session.flush()
    earlier = add_portret(
        session,
        deventer,
        earlier_round,
        motto="Vooraan in de wijk",
        sections=[("visie", "Visie", "<p>De visie in 2023.</p>")],
        publication=Publication.NETWERK,
    )
    for code, judgement, text in (
        ("T7", "in_ontwikkeling", "De visie was nog niet overal bekend."),
        ("T3", "nog_niet_zichtbaar", "De toegang was net nieuw."),
    ):
        session.add(
            ThemeSummary(
                gemeente_id=deventer.id, visitatie_id=earlier.id, theme_code=code, judgement=judgement, summary=text
            )
        )
    w["earlier"] = earlier
    w["analyst"] = make.user("analist@netwerk.nl", network_role=NetworkRole.ANALYST)
    session.commit()
    return w


def row(html: str, code: str) -> str:
    return html.split(f'<th scope="row">{code} ', 1)[1].split("</tr>", 1)[0]


def test_the_rounds_side_by_side_with_the_judgement_per_theme(client_for, world):
    response = client_for(world["outsider"]).get("/netwerk/gemeenten/deventer/rondes")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    heads = re.findall(r'<th scope="col">([^<]+)', html.split('class="history"', 1)[1].split("</thead>", 1)[0])
    assert heads == ["Thema", "Ronde 2023", "Ronde Oost"]  # oldest first
    t7 = row(html, "T7")
    assert t7.index("In ontwikkeling") < t7.index("Duidelijk aanwezig") and "anders dan eerder" in t7
    assert "De visie was nog niet overal bekend." in t7
    t3 = row(html, "T3")
    assert "Nog niet zichtbaar" in t3 and "anders dan eerder" not in t3  # no judgement in the current round
    assert "‘Vooraan in de wijk’" in html
    assert f'href="/portretten/deventer/{world["earlier"].id}"' in html


def test_the_key_figures_per_period_with_their_footnotes(client_for, world):
    html = client_for(world["outsider"]).get("/netwerk/gemeenten/deventer/rondes").get_data(as_text=True)
    figures = html.split('id="kengetallen"', 1)[1]
    assert "1e helft 2017" in figures and "1e helft 2020" in figures
    assert "7,8 % ⚠1" in figures and "5,9 %" in figures
    assert "De bron spreekt zichzelf hier tegen" in figures


def test_a_round_kept_within_the_gemeente_is_left_out_and_none_is_404(client_for, session, world):
    earlier = session.query(Portret).filter_by(visitatie_id=world["earlier"].id).one()
    earlier.publication = Publication.GEMEENTE
    session.commit()
    html = client_for(world["outsider"]).get("/netwerk/gemeenten/deventer/rondes").get_data(as_text=True)
    assert "Ronde 2023" not in html and "nog maar één ronde" in html
    # its own gemeente still reads both, as it reads both portretten
    own = client_for(world["coordinator"]).get("/netwerk/gemeenten/deventer/rondes").get_data(as_text=True)
    assert "Ronde 2023" in own and "Ronde Oost" in own
    current = session.get(Portret, world["portret_id"])
    current.publication = Publication.GEMEENTE
    session.commit()
    assert client_for(world["outsider"]).get("/netwerk/gemeenten/deventer/rondes").status_code == 404
    assert client_for(world["outsider"]).get("/netwerk/gemeenten/nergens/rondes").status_code == 404


def test_an_analyst_sees_released_review_material_marked_concept(client_for, session, world):
    current = session.get(Portret, world["portret_id"])
    current.publication = Publication.GEMEENTE
    session.get(Visitatie, world["earlier"].id)  # keeps its network publication
    session.commit()
    # the current round is adopted and kept within the gemeente: not the network's, not even as concept
    html = client_for(world["analyst"]).get("/netwerk/gemeenten/deventer/rondes").get_data(as_text=True)
    assert "Ronde Oost" not in html
    current.adopted_version = None  # not definitive yet: its released review is concept material
    session.commit()
    html = client_for(world["analyst"]).get("/netwerk/gemeenten/deventer/rondes").get_data(as_text=True)
    assert "Ronde Oost" in html and '<span class="badge">concept</span>' in html


def test_the_library_and_the_gemeente_page_link_to_the_rounds(client_for, world):
    library = client_for(world["outsider"]).get("/netwerk/portretten").get_data(as_text=True)
    assert library.count('href="/netwerk/gemeenten/deventer/rondes"') == 2  # on each of its two rows
    page = client_for(world["coordinator"]).get("/gemeenten/deventer").get_data(as_text=True)
    assert 'href="/netwerk/gemeenten/deventer/rondes"' in page
