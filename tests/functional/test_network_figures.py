"""Figures across gemeenten: the table with index and footnotes as in the *in cijfers* block, bars and a
scatter as well-formed SVG (one bar or point per gemeente, the portret gemeenten marked with their own shape
and a legend), the CSV, and that the marks tell no reader about a portret they may not read."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from peerreview.accounts.models import NetworkRole
from peerreview.indicators.models import Area, AreaKind, Indicator, IndicatorValue
from peerreview.indicators.services import sync_gemeente_areas
from peerreview.portret.models import Portret, Publication
from tests.factories import definitive, indicator

SVG = "{http://www.w3.org/2000/svg}"
ALL = "/netwerk/cijfers?kengetal=JH121&periode=2020-H1&set=alle&groep=NL01"


@pytest.fixture
def world(app, session, make):
    """``definitive``: Deventer with a portret, JH121 for Deventer, Zwolle and Nederland (2017-H1 of Deventer
    flagged); here Kampen gets a JH121 figure too, and the three an SES decile."""
    w = definitive(app, session, make)
    publish(session, w, Publication.NETWERK)
    kampen = make.gemeente("Kampen", regio="IJsselland", inhabitants=54_000)
    sync_gemeente_areas(session)
    areas = {a.name: a for a in session.scalars(select(Area).where(Area.gemeente_id.is_not(None)))}
    session.add(Area(code="GK-20-50", name="Gemeenten met 20.000–50.000 inwoners", kind=AreaKind.GROOTTEKLASSE))
    ses = indicator("SES_DECIEL", unit="decile", group="context", short_name="SES-deciel", position=5)
    session.add(ses)
    session.flush()
    jh121 = session.scalar(select(Indicator).where(Indicator.code == "JH121"))
    session.add(IndicatorValue(indicator_id=jh121.id, area_id=areas["Kampen"].id, period="2020-H1", value=6.1))
    for name, decile in (("Deventer", 2), ("Zwolle", 4), ("Kampen", 5)):
        session.add(IndicatorValue(indicator_id=ses.id, area_id=areas[name].id, period="2019", value=decile))
    w["kampen"] = kampen
    w["analyst"] = make.user("analist@netwerk.nl", network_role=NetworkRole.ANALYST)
    session.commit()
    return w


def publish(session, world, scope):
    portret = session.get(Portret, world["portret_id"])
    portret.publication, portret.published_at = scope, datetime.now(UTC)
    session.commit()


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]


def texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def table_rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    cells = re.findall(r'<th scope="row">(.*?)</th>', body)
    return [re.sub(r"<[^>]+>", "", re.sub(r"<span.*", "", m)).strip() for m in cells]


def test_the_table_orders_gemeenten_by_value_with_index_against_nederland(client_for, world):
    html = client_for(world["outsider"]).get(ALL).get_data(as_text=True)
    assert table_rows(html)[:3] == ["Zwolle", "Kampen", "Deventer"]
    assert table_rows(html)[3].startswith("Nederland")
    deventer = html.split("<tbody>", 1)[1].split(">Deventer", 1)[1].split("</tr>", 1)[0]
    assert "5,9 %" in deventer and "82" in deventer  # 5,9 / 7,2 = 82 % of Nederland
    assert "gemeente met een portret" in deventer
    assert "Geen cijfer over 1e helft 2020 voor: Emmen, Utrecht." in html


def test_a_flagged_value_gets_its_numbered_footnote_as_in_the_in_cijfers_block(client_for, world):
    html = client_for(world["outsider"]).get(ALL.replace("2020-H1", "2017-H1")).get_data(as_text=True)
    assert "7,8 % ⚠1" in html
    notes = html.split('class="footnotes"', 1)[1].split("</ol>", 1)[0]
    assert "⚠1" in notes and "De bron spreekt zichzelf hier tegen" in notes and "Waarschijnlijk 5,8 %." in notes


def test_bars_are_well_formed_with_one_bar_per_gemeente_and_group(client_for, world):
    html = client_for(world["outsider"]).get(ALL).get_data(as_text=True)
    (bars,) = svgs(html)
    assert bars.find(f"{SVG}title").text.startswith("Jeugdhulp zonder verblijf, 1e helft 2020")
    assert "Deventer" in bars.find(f"{SVG}desc").text
    assert len(bars.findall(f".//{SVG}rect[@class='bar']")) == 4  # Zwolle, Kampen, Deventer, Nederland
    labels = texts(bars)
    assert {"Zwolle", "Kampen", "Deventer ◆", "Nederland"} <= set(labels)
    assert "Bron: CBS Kerncijfers jeugdzorg (JH121). Periode: 1e helft 2020." in html


def test_the_scatter_marks_the_gemeenten_with_a_portret_by_shape_with_a_legend(client_for, world):
    html = client_for(world["outsider"]).get(ALL + "&tegen=SES_DECIEL").get_data(as_text=True)
    _bars, scatter = svgs(html)
    marked = scatter.findall(f".//{SVG}path[@class='point marked']")
    others = scatter.findall(f".//{SVG}circle[@class='point']")
    assert (len(marked), len(others)) == (1, 2)  # Deventer; Zwolle and Kampen
    labels = texts(scatter)
    assert "Gemeente met een portret" in labels and "Andere gemeente" in labels  # the legend
    assert "Deventer" in labels
    assert "SES-deciel (2019)" in labels and "Jeugdhulp zonder verblijf (1e helft 2020)" in labels  # axes
    assert {"2", "3", "4", "5"} <= set(labels) and not any("," in t for t in labels if t[:1].isdigit() and "%" not in t)
    desc = scatter.find(f"{SVG}desc").text
    assert "Kampen: 5 en 6,1 %" in desc and "Deventer (gemeente met een portret)" in desc


def test_no_mark_for_a_portret_kept_within_its_gemeente(client_for, session, world):
    publish(session, world, Publication.GEMEENTE)
    for user in ("outsider", "coordinator"):
        html = client_for(world[user]).get(ALL + "&tegen=SES_DECIEL").get_data(as_text=True)
        _bars, scatter = svgs(html)
        assert scatter.findall(f".//{SVG}path[@class='point marked']") == [], user
        assert "◆" not in "".join(texts(_bars)) and "(portret)" not in html, user


def test_without_an_account_a_portret_for_the_network_is_not_marked(client, world):
    response = client.get(ALL + "&tegen=SES_DECIEL")
    if response.status_code != 200:
        assert response.status_code in (302, 404)
        return
    _bars, scatter = svgs(response.get_data(as_text=True))
    assert scatter.findall(f".//{SVG}path[@class='point marked']") == []


def test_the_default_shows_the_gemeenten_with_a_portret_next_to_nederland(client_for, world):
    html = client_for(world["outsider"]).get("/netwerk/cijfers").get_data(as_text=True)
    assert [r for r in table_rows(html)] == ["Deventer", "Nederland"]
    chosen = client_for(world["outsider"]).get(
        "/netwerk/cijfers?kengetal=JH121&periode=2020-H1&set=gekozen&g=kampen&g=zwolle&groep=GK-20-50"
    )
    assert table_rows(chosen.get_data(as_text=True)) == ["Zwolle", "Kampen", "Gemeenten met 20.000–50.000 inwoners"]


def test_the_context_filter_narrows_the_gemeenten(client_for, world):
    html = client_for(world["outsider"]).get(ALL + "&jeugdregio=IJsselland&ses_decile=5").get_data(as_text=True)
    assert table_rows(html)[:-1] == ["Kampen"]


def test_the_table_as_csv(client_for, world):
    response = client_for(world["outsider"]).get(
        "/netwerk/cijfers.csv?kengetal=JH121&periode=2020-H1&set=alle&groep=NL01&tegen=SES_DECIEL"
    )
    assert response.mimetype == "text/csv"
    assert 'filename="kengetallen-jh121-2020-h1.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:6] == ["Gemeente of groep", "Soort", "Code", "Kengetal", "Periode", "Waarde"]
    deventer = next(r for r in rows if r[0] == "Deventer")
    assert deventer[4:9] == ["1e helft 2020", "5.9", "81.9", "ja", ""] and deventer[9] == "2.0"
    assert [r[0] for r in rows[1:]] == ["Zwolle", "Kampen", "Deventer", "Nederland"]


def test_the_figures_page_takes_a_fixed_number_of_queries(app, client_for, session, make, world):
    client = client_for(world["analyst"])
    client.get(ALL)  # warm up: the login and the first request load what every page loads
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(ALL + "&tegen=SES_DECIEL").status_code == 200
        few = len(statements)
        for n in range(20):
            make.gemeente(f"Extra {n}")
        statements.clear()
        assert client.get(ALL + "&tegen=SES_DECIEL").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == few <= 16


@pytest.mark.parametrize(
    "query",
    [
        "kengetal=ONBEKEND&periode=2099&tegen=JH121&tegen_periode=%3C&set=iets&g=nergens&groep=XX",
        "kengetal=JH121&tegen=JH121&g=" + "a" * 500 + "&ses_decile=%E2%80%AE&province=" + "x" * 300,
        "kengetal=&periode=&set=gekozen",
    ],
)
def test_hostile_or_odd_choices_give_a_page_not_an_error(client_for, world, query):
    client = client_for(world["outsider"])
    for path in ("/netwerk/cijfers", "/netwerk/cijfers.csv"):
        assert client.get(f"{path}?{query}").status_code == 200, (path, query)
