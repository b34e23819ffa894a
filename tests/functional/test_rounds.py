"""Visitatierondes: create, deadlines, participants, the overview, the variant choice."""

import itertools
import re
from datetime import date

from sqlalchemy import event, select

from peerreview.accounts.models import MembershipRole, NetworkRole
from peerreview.audit.models import AuditEvent
from peerreview.mail.models import OutgoingMail
from peerreview.rounds.models import Phase, Round, Variant, Visitatie

ROUND = {
    "name": "Ronde Oost 2027",
    "description": "Vijf gemeenten leren van elkaar.",
    "starts_on": "2026-09-01",
    "ends_on": "2027-06-30",
    "deadline_zelfevaluatie": "2027-01-15",
    "deadline_review": "2027-02-26",
    "deadline_visitatie": "",
    "deadline_portret": "",
    "deadline_reflectie": "2027-06-11",
    "same_region_rule": "block",
}


def test_round_coordinator_creates_a_round_with_deadlines(client_for, make, session):
    coordinator = make.user(network_role=NetworkRole.ROUND_COORDINATOR)
    response = client_for(coordinator).post_form("/rondes/nieuw", ROUND)
    assert response.status_code == 302
    round_ = session.scalar(select(Round))
    assert round_.name == "Ronde Oost 2027"
    assert round_.deadline(Phase.ZELFEVALUATIE) == date(2027, 1, 15)
    assert round_.deadline(Phase.VISITATIE) is None
    assert round_.deadline(Phase.REFLECTIE) == date(2027, 6, 11)
    assert session.scalar(select(AuditEvent.action)) == "round_created"


def test_invalid_deadlines_get_dutch_errors_and_keep_the_input(client_for, make, session):
    coordinator = make.user(network_role=NetworkRole.ROUND_COORDINATOR)
    data = {**ROUND, "deadline_review": "2027-01-10", "ends_on": "2026-08-01"}
    response = client_for(coordinator).post_form("/rondes/nieuw", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "De einddatum ligt vóór de begindatum." in html
    assert 'value="Ronde Oost 2027"' in html
    data = {**ROUND, "deadline_review": "2027-01-10"}
    html = client_for(coordinator).post_form("/rondes/nieuw", data).get_data(as_text=True)
    assert "Deze deadline ligt vóór de deadline ‘Zelfevaluatie indienen’." in html
    data = {**ROUND, "deadline_zelfevaluatie": "2028-01-01", "deadline_review": "", "deadline_reflectie": ""}
    html = client_for(coordinator).post_form("/rondes/nieuw", data).get_data(as_text=True)
    assert "Deze deadline valt buiten de looptijd van de ronde." in html
    data = {**ROUND, "starts_on": "31-02-2026"}
    html = client_for(coordinator).post_form("/rondes/nieuw", data).get_data(as_text=True)
    assert "Vul een geldige begindatum in." in html
    assert session.scalars(select(Round)).all() == []


def test_round_names_are_unique(client_for, make):
    coordinator = make.user(network_role=NetworkRole.ROUND_COORDINATOR)
    make.round("Ronde Oost 2027")
    html = client_for(coordinator).post_form("/rondes/nieuw", ROUND).get_data(as_text=True)
    assert "Er is al een ronde met deze naam." in html


def test_editing_a_round_changes_deadlines(client_for, make, session):
    coordinator = make.user(network_role=NetworkRole.ROUND_COORDINATOR)
    round_ = make.round("Ronde Oost 2027")
    client = client_for(coordinator)
    form = client.get(f"/rondes/{round_.id}/bewerken").get_data(as_text=True)
    assert 'value="2027-01-15"' in form
    client.post_form(f"/rondes/{round_.id}/bewerken", {**ROUND, "deadline_zelfevaluatie": "2027-01-22"})
    session.expire_all()
    assert session.get(Round, round_.id).deadline(Phase.ZELFEVALUATIE) == date(2027, 1, 22)
    assert session.get(Round, round_.id).deadline(Phase.REVIEW) == date(2027, 2, 26)


def test_adding_participants_creates_visitaties_and_tells_the_coordinators(client_for, make, session, run_jobs):
    coordinator = make.user(network_role=NetworkRole.ROUND_COORDINATOR)
    deventer, emmen = make.gemeente("Deventer", regio="IJsselland"), make.gemeente("Emmen", regio="Drenthe")
    make.user("coord@deventer.nl", gemeente=deventer, role=MembershipRole.COORDINATOR)
    make.user("invuller@deventer.nl", gemeente=deventer)
    round_ = make.round("Ronde Oost 2027")
    client = client_for(coordinator)
    response = client.post_form(
        f"/rondes/{round_.id}/gemeenten", {"gemeenten": [deventer.id, emmen.id]}, token_from=f"/rondes/{round_.id}"
    )
    assert response.status_code == 302
    run_jobs()
    assert len(session.scalars(select(Visitatie)).all()) == 2
    mails = session.scalars(select(OutgoingMail)).all()
    assert [m.recipient for m in mails] == ["coord@deventer.nl"]
    assert "Deventer doet mee aan Ronde Oost 2027" in mails[0].subject
    assert mails[0].sent_at is not None

    overview = client.get(f"/rondes/{round_.id}").get_data(as_text=True)
    assert "Deventer" in overview and "IJsselland" in overview and "nog niet gekozen" in overview
    assert "15 januari 2027" in overview
    # both are in the round now, so they are no longer offered
    assert "Alle gemeenten in het netwerk doen al mee." in overview
    empty = client.post_form(f"/rondes/{round_.id}/gemeenten", {}, token_from=f"/rondes/{round_.id}")
    assert empty.status_code == 422


def test_gemeente_coordinator_chooses_the_variant(client_for, make, session):
    deventer = make.gemeente("Deventer")
    coordinator = make.user(gemeente=deventer, role=MembershipRole.COORDINATOR)
    contributor = make.user(gemeente=deventer)
    visitatie = make.visitatie(deventer)
    url = f"/visitaties/{visitatie.id}"
    assert "Welke versie vullen jullie in?" in client_for(coordinator).get(url).get_data(as_text=True)
    assert "Welke versie vullen jullie in?" not in client_for(contributor).get(url).get_data(as_text=True)

    contributor_client = client_for(contributor)
    token = contributor_client.csrf(url)
    assert contributor_client.post(f"{url}/versie", data={"csrf_token": token, "variant": "plus"}).status_code == 404
    missing = client_for(coordinator).post_form(f"{url}/versie", {}, token_from=url)
    assert "Kies de basisversie of de plusversie." in missing.get_data(as_text=True)
    assert client_for(coordinator).post_form(f"{url}/versie", {"variant": "plus"}, token_from=url).status_code == 302
    session.expire_all()
    assert session.get(Visitatie, visitatie.id).variant is Variant.PLUS


def test_home_pages_show_what_matters_per_role(client_for, make):
    deventer = make.gemeente("Deventer")
    coordinator = make.user(gemeente=deventer, role=MembershipRole.COORDINATOR)
    round_coordinator = make.user(network_role=NetworkRole.ROUND_COORDINATOR)
    make.visitatie(deventer, make.round("Ronde Oost 2027"))
    home = client_for(coordinator).get("/").get_data(as_text=True)
    assert "Deventer: Ronde Oost 2027" in home
    assert ">Kies de basis- of plusversie<" in home  # the next step is a link
    staff_home = client_for(round_coordinator).get("/").get_data(as_text=True)
    assert "Lopende rondes" in staff_home and "Ronde Oost 2027" in staff_home


def test_the_round_form_offers_wederhoor_checked_and_stores_the_choice(client_for, make, session):
    coordinator = client_for(make.user(network_role=NetworkRole.ROUND_COORDINATOR))
    form = coordinator.get("/rondes/nieuw").get_data(as_text=True)
    assert '<input checked id="wederhoor" name="wederhoor" type="checkbox" value="y">' in form
    assert coordinator.post_form("/rondes/nieuw", {**ROUND, "wederhoor": "y"}).status_code == 302
    round_ = session.scalar(select(Round))
    assert round_.wederhoor is True
    assert coordinator.post_form(f"/rondes/{round_.id}/bewerken", ROUND).status_code == 302  # unchecked
    session.expire_all()
    assert session.get(Round, round_.id).wederhoor is False
    assert "wederhoor (bestuurlijke reactie en nawoord) uit" in coordinator.get(f"/rondes/{round_.id}").get_data(
        as_text=True
    )


def test_the_progress_page_offers_only_the_gemeenten_found_by_name_or_jeugdregio(client_for, make):
    coordinator = make.user(network_role=NetworkRole.ROUND_COORDINATOR)
    deventer = make.gemeente("Deventer", regio="IJsselland")
    make.gemeente("Emmen", regio="Drenthe")
    make.gemeente("Assen", regio="Drenthe")
    make.gemeente("Zwolle", regio="IJsselland")
    round_ = make.round("Ronde Oost 2027", gemeenten=(deventer,))
    client = client_for(coordinator)
    url = f"/rondes/{round_.id}"
    page = client.get(url).get_data(as_text=True)
    assert "3 gemeenten in het netwerk doen nog niet mee" in page
    assert 'type="checkbox"' not in page  # nothing offered before a search
    by_region = client.get(f"{url}?zoek=drent").get_data(as_text=True)
    offered = set(re.findall(r"<label for=\"gemeenten-\d+\">([^<]+)</label>", by_region))
    assert offered == {"Emmen", "Assen"}
    by_name = client.get(f"{url}?zoek=ZWOL").get_data(as_text=True)
    assert set(re.findall(r"<label for=\"gemeenten-\d+\">([^<]+)</label>", by_name)) == {"Zwolle"}
    taking_part = client.get(f"{url}?zoek=Deventer").get_data(as_text=True)
    assert 'type="checkbox"' not in taking_part and "Geen gemeente gevonden met ‘Deventer’" in taking_part
    wildcard = client.get(f"{url}?zoek=%25").get_data(as_text=True)  # a literal %, not "everything"
    assert 'type="checkbox"' not in wildcard


_regions = itertools.count()


def _statements(session):
    """Count the SQL statements sent on the test's connection (the app's sessions share it)."""
    connection = session.connection()
    sent: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(connection, "before_cursor_execute", note)
    return sent, lambda: event.remove(connection, "before_cursor_execute", note)


def test_progress_and_home_pages_run_as_many_queries_for_100_visitaties_as_for_10(client_for, make, session):
    coordinator = make.user(network_role=NetworkRole.ROUND_COORDINATOR)
    round_ = make.round("Grote ronde")
    client = client_for(coordinator)
    counts = []
    for n in (10, 100):
        while len(session.scalars(select(Visitatie).where(Visitatie.round_id == round_.id)).all()) < n:
            gemeente = make.gemeente(regio=f"Regio {next(_regions)}")  # a jeugdregio of its own: no query per region
            make.visitatie(gemeente, round_)
        make.gemeente()  # one more not in the round, so the page offers a search
        sent, stop = _statements(session)
        for path in (f"/rondes/{round_.id}", f"/rondes/{round_.id}?zoek=Gemeente", "/"):
            assert client.get(path).status_code == 200
        stop()
        counts.append(len(sent))
    assert counts[0] == counts[1], counts
    names = sorted(v.gemeente.name for v in session.scalars(select(Visitatie).where(Visitatie.round_id == round_.id)))
    page = client.get(f"/rondes/{round_.id}").get_data(as_text=True)
    assert page.count('href="/visitaties/') == 50 and "Regio " in page  # a page of the participants, not all
    assert "Gemeente 1–50 van 100 (pagina 1 van 2)" in page and f"/rondes/{round_.id}?pagina=2" in page
    assert f">{names[0]}</a>" in page and f">{names[50]}</a>" not in page
    second = client.get(f"/rondes/{round_.id}?pagina=2").get_data(as_text=True)
    assert f">{names[50]}</a>" in second and f">{names[-1]}</a>" in second and f">{names[0]}</a>" not in second
    assert "Gemeente 51–100 van 100" in second and "Volgende" not in second.split("pagina 2 van 2")[1][:200]
    assert "Gemeente 51–100 van 100" in client.get(f"/rondes/{round_.id}?pagina=99").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'<td class="num">100</td>\s*<td class="num">100</td>\s*<td class="num">0</td>', home)


def test_form_messages_are_dutch_without_reading_the_translations_per_request(client_for, make, monkeypatch):
    from babel import support

    coordinator = make.user(network_role=NetworkRole.ROUND_COORDINATOR)
    make.gemeente("Emmen", regio="Drenthe")
    round_ = make.round("Ronde Noord 2027")
    reads: list[object] = []
    real = support.Translations.load
    monkeypatch.setattr(support.Translations, "load", lambda *a, **k: reads.append(a) or real(*a, **k))
    client = client_for(coordinator)
    for _ in range(2):
        refused = client.post_form(f"/rondes/{round_.id}/gemeenten", {"gemeenten": ["2147483647"]}, token_from="/")
        assert refused.status_code == 422
        assert "is een ongeldige keuze voor dit veld" in refused.get_data(as_text=True)
    assert reads == []


def test_the_home_page_of_a_reviewer_and_member_runs_as_many_queries_for_six_visitaties_as_for_two(
    client_for, make, session
):
    from peerreview.review.models import ReviewAssignment, TeamRole

    own = make.gemeente("Eigendorp")
    reviewer = make.user(gemeente=own, role=MembershipRole.COORDINATOR)
    client = client_for(reviewer)
    counts = []
    for n in (1, 3):
        while len(session.scalars(select(ReviewAssignment)).all()) < n:
            round_ = make.round()
            make.visitatie(own, round_)  # the own gemeente's visitatie in that round
            reviewed = make.visitatie(make.gemeente(), round_)
            session.add(
                ReviewAssignment(
                    gemeente_id=reviewed.gemeente_id,
                    visitatie_id=reviewed.id,
                    user_id=reviewer.id,
                    role=TeamRole.MEMBER,
                    declared_at=reviewed.created_at,
                )
            )
            session.commit()
        sent, stop = _statements(session)
        page = client.get("/").get_data(as_text=True)
        stop()
        counts.append(len(sent))
        assert page.count('<li class="card">') == 2 * n
    assert counts[0] == counts[1], (counts, [q[:60] for q in sent])
