"""Key figures: the in-cijfers block (comparison, computed index, flags kept), the gemeente's duiding
without overwriting, the CSV upload as a background job with its report, reference groups, access."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from peerreview.accounts.models import MembershipRole, NetworkRole
from peerreview.indicators import services
from peerreview.indicators.models import Duiding, Indicator, IndicatorImport, IndicatorValue
from peerreview.tenants.models import Gemeente
from tests.factories import with_key_figures


@pytest.fixture
def world(make, session):
    deventer = make.gemeente("Deventer", regio="IJsselland")
    zwolle = make.gemeente("Zwolle", regio="IJsselland")
    emmen = make.gemeente("Emmen", regio="Drenthe")
    with_key_figures(session, deventer, zwolle)
    return {
        "deventer": deventer,
        "coordinator": make.user(gemeente=deventer, role=MembershipRole.COORDINATOR),
        "viewer": make.user(gemeente=deventer, role=MembershipRole.VIEWER),
        "outsider": make.user(gemeente=emmen, role=MembershipRole.COORDINATOR),
        "analyst": make.user(network_role=NetworkRole.ANALYST),
    }


def test_the_block_compares_and_indexes_without_correcting(app, session, world):
    with app.test_request_context():
        figures = services.figures_for(session, session.get(Gemeente, world["deventer"].id))
        block = services.block_data(figures)
    assert [c["role"] for c in block["columns"]] == ["gemeente", "referentie", "nederland"]
    use = next(g for g in block["groups"] if g["key"] == "gebruik")
    labels = [r["label"] for r in use["rows"]]
    assert labels == [
        "Jeugdhulp zonder verblijf, 1e helft 2017",
        "Jeugdhulp zonder verblijf, 1e helft 2020",
        "Index jeugdhulp zonder verblijf 1e helft 2020 (1e helft 2017 = 100)",
    ]
    printed, _, index = use["rows"]
    assert printed["cells"] == ["7,8 % ⚠1", "7,4 %", "7,1 %"]  # stored as the source printed it, flagged
    assert index["cells"] == ["76 ⚠", "100", "101"]  # computed here, and marked as resting on a flagged value
    assert block["footnotes"] == [
        "⚠1 Deventer, Jeugdhulp zonder verblijf, 1e helft 2017: De bron spreekt zichzelf hier tegen. Waarschijnlijk 5,8 %."
    ]
    assert [c["kind"] for c in block["charts"]] == ["bars", "lines", "bars"]
    assert (
        session.scalar(
            select(IndicatorValue.value).where(IndicatorValue.period == "2017-H1", IndicatorValue.flags != [])
        )
        == 7.8
    )


def test_the_page_shows_figures_sources_and_a_chosen_base_period(client_for, world):
    page = client_for(world["viewer"]).get("/gemeenten/deventer/cijfers").get_data(as_text=True)
    assert "Jeugdhulp in Deventer in cijfers" in page
    assert "€ 11.239" in page and "<svg" in page and "Bron: Findo." in page
    assert "Duiding schrijven" not in page  # a viewer does not write


def test_the_duiding_is_saved_and_a_stale_save_is_refused(client_for, world, session):
    url = "/gemeenten/deventer/cijfers/JH121/duiding"
    coordinator = client_for(world["coordinator"])
    first = coordinator.post_form(url, {"text": "<p>Het gebruik daalt sinds 2018.</p>", "base_revision": "0"})
    assert first.status_code == 302
    stale = coordinator.post_form(url, {"text": "<p>Een andere lezing.</p>", "base_revision": "0"})
    assert stale.status_code == 409
    body = stale.get_data(as_text=True)
    assert "Een andere lezing." in body and "Het gebruik daalt sinds 2018." in body
    stored = session.scalar(select(Duiding))
    assert stored.text == "<p>Het gebruik daalt sinds 2018.</p>" and stored.revision == 1
    page = client_for(world["viewer"]).get("/gemeenten/deventer/cijfers").get_data(as_text=True)
    assert "Het gebruik daalt sinds 2018." in page


def test_only_the_gemeente_writes_its_duiding_and_outsiders_see_nothing(client_for, world):
    assert client_for(world["coordinator"]).get("/gemeenten/deventer/cijfers/JH121/duiding").status_code == 200
    assert client_for(world["viewer"]).get("/gemeenten/deventer/cijfers/JH121/duiding").status_code == 404
    assert client_for(world["analyst"]).get("/gemeenten/deventer/cijfers/JH121/duiding").status_code == 404
    assert client_for(world["analyst"]).get("/gemeenten/deventer/cijfers").status_code == 200
    assert client_for(world["outsider"]).get("/gemeenten/deventer/cijfers").status_code == 404
    assert client_for(world["coordinator"]).get("/kengetallen").status_code == 404


def test_an_upload_is_read_by_a_job_and_reports_refused_rows(client_for, world, session, run_jobs):
    analyst = client_for(world["analyst"])
    code = world["deventer"].cbs_code
    data = f"Measure;RegioS;Perioden;Value\nJH121;{code};2021HJ01;6.1\nJH121;GM99;2021HJ01;5\n".encode()
    from io import BytesIO

    response = analyst.post_form(
        "/kengetallen/import", {"file": (BytesIO(data), "cbs.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    run_jobs()
    report = analyst.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 waarden gelezen: 1 nieuw, 0 bijgewerkt, 0 ongewijzigd en 1 afgewezen." in report
    assert "‘GM99’ is geen geldige CBS-gemeentecode" in report
    upload = session.scalar(select(IndicatorImport))
    assert upload.status == "klaar" and upload.uploaded_by_id == world["analyst"].id
    assert session.scalar(select(IndicatorValue).where(IndicatorValue.period == "2021-H1")).value == 6.1


def test_a_file_without_the_cbs_columns_is_refused_with_the_reason(client_for, world, session, run_jobs):
    from io import BytesIO

    analyst = client_for(world["analyst"])
    response = analyst.post_form(
        "/kengetallen/import",
        {"file": (BytesIO(b"Gemeente,Jaar,Waarde\nDeventer,2021,6\n"), "eigen.csv")},
        content_type="multipart/form-data",
    )
    run_jobs()
    report = analyst.get(response.headers["Location"]).get_data(as_text=True)
    assert "Het bestand is niet ingelezen" in report and "mist de kolommen RegioS en Perioden" in report
    empty = analyst.post_form("/kengetallen/import", {}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Kies een CSV-bestand om in te lezen." in empty.get_data(as_text=True)


def test_the_reference_group_is_chosen_by_the_network(client_for, world, session):
    analyst = client_for(world["analyst"])
    url = "/kengetallen/referentiegroepen/deventer"
    assert analyst.get(url).status_code == 200
    response = analyst.post_form(url, {"references": [], "size_class": "0", "region": "0", "note": "Alleen landelijk."})
    assert response.status_code == 302
    page = analyst.get("/gemeenten/deventer/cijfers").get_data(as_text=True)
    assert "Alleen landelijk." in page and "Zwolle" not in page.split("<h2>De cijfers</h2>")[1].split("</table>")[0]
    assert session.scalar(select(Indicator).where(Indicator.code == "JH121")) is not None


@pytest.mark.parametrize("base", ["99999999999999999999", "-1", "nul"])
def test_a_duiding_with_a_bad_revision_number_gets_a_dutch_422_and_keeps_the_text(client_for, world, session, base):
    url = "/gemeenten/deventer/cijfers/JH121/duiding"
    response = client_for(world["coordinator"]).post_form(url, {"text": "<p>Onze lezing.</p>", "base_revision": base})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "de versie waarop je wijziging is gebaseerd klopt niet" in body and "Onze lezing." in body
    assert session.scalar(select(Duiding)) is None


# --- the page's layout: each table with its charts, one duiding action; the Kengetallen page per part ---


def test_each_chart_follows_its_own_table_and_empty_duidingen_are_one_choice(client_for, world):
    coordinator = client_for(world["coordinator"])
    page = coordinator.get("/gemeenten/deventer/cijfers").get_data(as_text=True)
    order = [
        page.index("<caption>Lasten van de jeugdhulp</caption>"),
        page.index("<figcaption>Lasten per gebruiker, 2019</figcaption>"),
        page.index("<caption>Gebruik van jeugdhulp</caption>"),
        page.index("<figcaption>Jeugdhulp zonder verblijf, 1e helft 2017 tot 1e helft 2020</figcaption>"),
        page.index("<figcaption>Index jeugdhulp zonder verblijf 1e helft 2020 (1e helft 2017 = 100)</figcaption>"),
    ]
    assert order == sorted(order)  # a table, then its charts, then the next table
    assert "<h2>Grafieken</h2>" not in page
    assert "Nog geen duiding" not in page and page.count('name="kengetal"') == 1
    choice = page.split('name="kengetal"')[1].split("</select>")[0]
    assert '<option value="JH121">' in choice and '<option value="LASTEN_GEBRUIKER">' in choice

    saved = coordinator.post_form(
        "/gemeenten/deventer/cijfers/JH121/duiding", {"text": "<p>Het gebruik daalt.</p>", "base_revision": "0"}
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/gemeenten/deventer/cijfers#duiding-JH121")
    page = coordinator.get("/gemeenten/deventer/cijfers").get_data(as_text=True)
    assert 'id="duiding-JH121"' in page
    choice = page.split('name="kengetal"')[1].split("</select>")[0]
    assert "JH121" not in choice and "LASTEN_GEBRUIKER" in choice  # only what has no duiding yet
    use = page.index("<caption>Gebruik van jeugdhulp</caption>")
    assert use < page.index("Het gebruik daalt.") < page.index("<figcaption>Jeugdhulp zonder verblijf, 1e helft 2017")
    assert "Bij 1 van de 2 kengetallen staat een duiding van de gemeente." in page
    viewer = client_for(world["viewer"]).get("/gemeenten/deventer/cijfers").get_data(as_text=True)
    assert "Het gebruik daalt." in viewer and 'name="kengetal"' not in viewer  # a viewer reads, does not write


def test_the_duiding_choice_opens_the_figures_own_duiding_page(client_for, world):
    coordinator = client_for(world["coordinator"])
    url = "/gemeenten/deventer/cijfers/duiding?kengetal=JH121"
    response = coordinator.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/gemeenten/deventer/cijfers/JH121/duiding")
    assert coordinator.get("/gemeenten/deventer/cijfers/duiding?kengetal=ONBEKEND").status_code == 404
    assert coordinator.get("/gemeenten/deventer/cijfers/duiding").status_code == 404
    for who in ("viewer", "analyst", "outsider"):
        assert client_for(world[who]).get(url).status_code == 404, who


def test_the_kengetallen_page_shows_one_part_a_page_at_a_time_and_keeps_the_part(client_for, world, session):
    from tests.factories import indicator

    session.add_all([indicator(f"CTX{n:02d}", group="context", position=10 + n) for n in range(12)])
    session.flush()
    analyst = client_for(world["analyst"])

    def codes(body: str) -> list[str]:
        table = body.split('id="kengetallen"')[1].split("</table>")[0]
        return [c.split("</code>")[0] for c in table.split("<code>")[1:]]

    everything = analyst.get("/kengetallen").get_data(as_text=True)
    assert len(codes(everything)) == 10 and "Alle (14)" in everything
    assert "Sociaal-economische context (12)" in everything and "Gebruik van jeugdhulp (1)" in everything

    first = analyst.get("/kengetallen?onderdeel=context").get_data(as_text=True)
    assert codes(first) == [f"CTX{n:02d}" for n in range(10)]
    assert "Pagina 1 van 2" in first and 'href="/kengetallen?onderdeel=context&amp;pagina=2#kengetallen"' in first
    second = analyst.get("/kengetallen?onderdeel=context&pagina=2").get_data(as_text=True)
    assert codes(second) == ["CTX10", "CTX11"]
    assert 'href="/kengetallen?onderdeel=context&amp;pagina=1#kengetallen"' in second  # "Vorige" keeps the part
    assert '<a href="/kengetallen?onderdeel=context#kengetallen" aria-current="page">' in second

    assert codes(analyst.get("/kengetallen?onderdeel=gebruik").get_data(as_text=True)) == ["JH121"]
    assert codes(analyst.get("/kengetallen?onderdeel=context&pagina=99").get_data(as_text=True)) == ["CTX10", "CTX11"]
    assert len(codes(analyst.get("/kengetallen?onderdeel=onzin&pagina=x").get_data(as_text=True))) == 10
    assert client_for(world["coordinator"]).get("/kengetallen?onderdeel=context").status_code == 404
