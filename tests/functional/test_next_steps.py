"""Every role knows its next step: the round coordinator's progress dashboard, the gemeente's own next task
on the home page, respondents the gemeente proposes for the visit, and texts addressed to their reader."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from peerreview.accounts.models import MembershipRole, NetworkRole
from peerreview.audit.models import AuditEvent
from peerreview.rounds.models import Phase, RoundDeadline, Visitatie
from peerreview.selfeval import services as selfeval
from peerreview.visit.models import ProposalStatus, Respondent, RespondentProposal
from tests.factories import sample_value, start_selfeval, visited


@pytest.fixture
def world(app, session, make):
    """Deventer after its visit (see ``visited``), plus Zwolle in the same round, still writing with two
    required answers, its zelfevaluatie deadline passed yesterday; the visit's deadline is next month."""
    world = visited(app, session, make)
    round_ = world["visitatie"].round
    for deadline in round_.deadlines:
        if deadline.phase is Phase.ZELFEVALUATIE:
            deadline.due_on = date.today() - timedelta(days=1)
    round_.deadlines.append(RoundDeadline(phase=Phase.VISITATIE, due_on=date.today() + timedelta(days=30)))
    outsider = world["outsider"]  # the coordinator of Zwolle
    visitatie = Visitatie(round_id=round_.id, gemeente_id=outsider.memberships[0].gemeente_id)
    session.add(visitatie)
    session.commit()
    start_selfeval(session, visitatie)
    definition = selfeval.definition_for(visitatie)
    required = [q for q in definition.questions.values() if q.required]
    with app.test_request_context():
        for question in required[:2]:
            selfeval.save_answer(session, outsider, visitatie, question, sample_value(question), 0)
        session.commit()
    world.update(zwolle=visitatie, required=len(required), round=round_)
    return world


def _row(page: str, gemeente: str) -> str:
    """The dashboard's table row of one gemeente."""
    match = re.search(rf"<tr[^>]*>\s*<th scope=\"row\"><a [^>]*>{gemeente}</a>.*?</tr>", page, re.S)
    assert match, f"no row for {gemeente}"
    return match.group(0)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- the round coordinator's dashboard -------------------------------------------------------------------


def test_the_dashboard_shows_fill_progress_reviewers_visit_and_overdue_items(client_for, world):
    page = client_for(world["staff"]).get(f"/rondes/{world['round'].id}/voortgang").get_data(as_text=True)
    zwolle, deventer = _text(_row(page, "Zwolle")), _text(_row(page, "Deventer"))
    assert f"2/{world['required']}" in zwolle
    assert f"{world['required']}/{world['required']}" in deventer  # complete_selfeval answered them all
    # each reviewer with their annotations (one each), the theme summaries, the held conversation
    assert "Eline Elsinga (teamleider) : 1" in deventer and "Umut Uitdehaag: 1" in deventer
    assert "1/12 thema’s samengevat" in deventer and "1 gehouden" in deventer
    assert "nog niet gemaakt" in deventer  # no portret generated yet
    # overdue in words and colour: Zwolle missed its zelfevaluatie deadline, Deventer's visit is not due yet
    assert 'class="overdue-cell"' in _row(page, "Zwolle") and "Te laat: deadline" in zwolle
    assert "Te laat" not in deventer and "overdue-cell" not in _row(page, "Deventer")
    assert "<strong>1</strong> te laat" in page


def test_the_dashboards_fill_count_follows_a_changed_answer(app, client_for, world, session):
    """The count keeps whether a stored value is filled in memory (by the value's text): a new value counts anew."""
    url = f"/rondes/{world['round'].id}/voortgang"
    client, zwolle, writer = client_for(world["staff"]), world["zwolle"], world["outsider"]
    question = next(
        q for q in selfeval.definition_for(zwolle).questions.values() if q.required and q.kind == "strengths"
    )

    def fill() -> str:
        return _text(_row(client.get(url).get_data(as_text=True), "Zwolle"))

    assert f"2/{world['required']}" in fill()
    with app.test_request_context():
        selfeval.save_answer(session, writer, zwolle, question, sample_value(question), 0)
        session.commit()
    assert f"3/{world['required']}" in fill()
    with app.test_request_context():  # half a strengths answer does not count
        selfeval.save_answer(session, writer, zwolle, question, {"goed": "<p>Goed.</p>", "ontwikkel": ""}, 1)
        session.commit()
    assert f"2/{world['required']}" in fill()


def test_the_dashboard_counts_delivered_answers_as_the_zelfevaluatie_itself_does(app, client_for, world, session):
    """The dashboard derives the count from stored values in its own way (for speed): it must agree with the
    zelfevaluatie's own progress, also for answers that are stored but do not count (empty text, half a
    strengths answer)."""
    from peerreview.selfeval import documents

    zwolle, writer = world["zwolle"], world["outsider"]
    definition = selfeval.definition_for(zwolle)
    required = [q for q in definition.questions.values() if q.required][2:]
    rich = next(q for q in required if q.kind == "richtext")
    strengths = next(q for q in required if q.kind == "strengths")
    others = [q for q in required if q not in (rich, strengths)][:6]
    with app.test_request_context():
        selfeval.save_answer(session, writer, zwolle, rich, {"html": "<p> </p>"}, 0)
        selfeval.save_answer(session, writer, zwolle, strengths, {"goed": "<p>Goed.</p>", "ontwikkel": ""}, 0)
        for question in others:
            selfeval.save_answer(session, writer, zwolle, question, sample_value(question), 0)
        session.commit()
    own = selfeval.progress(
        definition, selfeval.answers(session, zwolle), {}, documents.covered_sections(session, zwolle)
    )
    done = sum(p.done for p in own)
    assert done == 2 + len(others)  # the empty text and the half strengths answer do not count
    page = client_for(world["staff"]).get(f"/rondes/{world['round'].id}/voortgang").get_data(as_text=True)
    assert f"{done}/{world['required']}" in _text(_row(page, "Zwolle"))


def _statements(session):
    connection = session.connection()
    sent: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(connection, "before_cursor_execute", note)
    return sent, lambda: event.remove(connection, "before_cursor_execute", note)


def test_the_dashboard_runs_as_many_queries_for_many_gemeenten_as_for_few(client_for, world, make, session):
    client = client_for(world["staff"])
    url = f"/rondes/{world['round'].id}/voortgang"
    counts = []
    for extra in (0, 8):
        for _ in range(extra):
            visitatie = make.visitatie(make.gemeente(regio=f"Regio {_}-{extra}"), world["round"])
            start_selfeval(session, visitatie)
        sent, stop = _statements(session)
        assert client.get(url).status_code == 200
        stop()
        counts.append(len(sent))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("who", ["coordinator", "writer", "lead", "member", "outsider", "analyst"])
def test_only_round_staff_open_the_dashboard(client_for, world, make, who):
    user = make.user(network_role=NetworkRole.ANALYST) if who == "analyst" else world[who]
    assert client_for(user).get(f"/rondes/{world['round'].id}/voortgang").status_code == 404


def test_an_admin_opens_the_dashboard_and_staff_reach_it_and_the_teams_from_home(client_for, world, make):
    admin = make.user(network_role=NetworkRole.ADMIN)
    assert client_for(admin).get(f"/rondes/{world['round'].id}/voortgang").status_code == 200
    home = client_for(world["staff"]).get("/").get_data(as_text=True)
    assert f'href="/rondes/{world["round"].id}/voortgang"' in home
    assert f'href="/rondes/{world["round"].id}/reviewteams"' in home


def test_the_found_gemeenten_get_a_labelled_filter_box_only_when_the_list_is_long(client_for, make):
    staff = make.user(network_role=NetworkRole.ROUND_COORDINATOR)
    round_ = make.round("Ronde Noord")
    for n in range(10):
        make.gemeente(f"Drentse gemeente {n}", regio="Drenthe")
    make.gemeente("Zuidhorn", regio="Groningen")
    client = client_for(staff)
    long = client.get(f"/rondes/{round_.id}?zoek=drent").get_data(as_text=True)
    assert 'data-filter-list="gemeenten" hidden' in long  # a plain list until filter.js shows the box
    assert '<label for="filter-gemeenten">Filter de gevonden gemeenten</label>' in long
    assert long.count('type="checkbox"') == 10 and "filter.js" in long
    short = client.get(f"/rondes/{round_.id}?zoek=zuid").get_data(as_text=True)
    assert short.count('type="checkbox"') == 1 and "data-filter-list" not in short
    script = client.get("/static/filter.js")
    assert script.status_code == 200 and b"data-filter-list" in script.data
    script.close()


# --- the gemeente's next step on the home page ----------------------------------------------------------


def _card(home: str, gemeente: str) -> str:
    match = re.search(rf'<li class="card">\s*<h3><a [^>]*>{gemeente}:.*?</li>', home, re.S)
    assert match, f"no card for {gemeente}"
    return match.group(0)


def test_before_submission_the_coordinator_sees_its_own_task_and_deadline(client_for, world, make):
    zwolle = world["zwolle"]
    card = _card(client_for(world["outsider"]).get("/").get_data(as_text=True), "Zwolle")
    assert f'href="/visitaties/{zwolle.id}/zelfevaluatie">Vul de zelfevaluatie in en dien haar in' in card
    assert "Deadline verlopen" in card and 'class="overdue"' in card  # yesterday's deadline, in words and colour
    writer = make.user(gemeente=world["outsider"].memberships[0].gemeente, role=MembershipRole.CONTRIBUTOR)
    assert ">Vul de zelfevaluatie in<" in _card(client_for(writer).get("/").get_data(as_text=True), "Zwolle")


def test_choosing_the_version_is_a_link_with_the_deadline(client_for, make):
    gemeente = make.gemeente("Olst")
    coordinator = make.user(gemeente=gemeente, role=MembershipRole.COORDINATOR)
    visitatie = make.visitatie(gemeente)
    card = _card(client_for(coordinator).get("/").get_data(as_text=True), "Olst")
    assert f'href="/visitaties/{visitatie.id}">Kies de basis- of plusversie' in card
    assert "Deadline: 15 januari 2027" in card


def test_after_submission_the_gemeente_proposes_respondents_then_waits_for_the_team(client_for, world, session):
    client = client_for(world["coordinator"])
    card = _card(client.get("/").get_data(as_text=True), "Deventer")
    due = world["round"].deadline(Phase.VISITATIE)
    assert f'href="{world["base"]}/visitatie/voorstellen">Stel respondenten voor' in card
    assert "Deadline: " in card and str(due.year) in card
    assert "Zelfevaluatie indienen" not in card
    client.post_form(f"{world['base']}/visitatie/voorstellen", {"role": "Intern begeleider", "group": "onderwijs"})
    card = _text(_card(client.get("/").get_data(as_text=True), "Deventer"))
    assert "Voor jou is er nu niets te doen. Het reviewteam houdt de gesprekken" in card
    assert "(visitatie gehouden:" in card  # the team's deadline, said to be the team's


def test_an_undeclared_reviewer_gets_a_link_to_the_declaration(client_for, world, session):
    from peerreview.review.models import ReviewAssignment

    assignment = session.scalar(select(ReviewAssignment).where(ReviewAssignment.user_id == world["member"].id))
    assignment.declared_at = None
    session.commit()
    home = client_for(world["member"]).get("/").get_data(as_text=True)
    assert f'<strong>Te doen:</strong> <a href="{world["base"]}/review/verklaring">' in home


# --- respondent proposals --------------------------------------------------------------------------------


def _propose(client, world, **fields):
    data = {"role": "Intern begeleider", "organisation": "De Rank", "group": "onderwijs", "name": "Mirjam Vos"}
    return client.post_form(f"{world['base']}/visitatie/voorstellen", {**data, **fields})


def _events(session, action):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_gemeente_proposes_and_withdraws_a_respondent(client_for, world, session):
    client = client_for(world["writer"])
    assert _propose(client, world, motivation="Kent de samenwerking met de school").status_code == 302
    item = session.scalar(select(RespondentProposal))
    assert (item.role, item.name, item.status) == ("Intern begeleider", "Mirjam Vos", ProposalStatus.VOORGESTELD)
    assert item.proposed_by_id == world["writer"].id and item.gemeente_id == world["visitatie"].gemeente_id
    [proposed] = _events(session, "respondent_proposed")
    assert proposed.object_id == item.id and "Mirjam" not in str(proposed.details)  # the name stays out of the log
    page = client.get(f"{world['base']}/visitatie/voorstellen").get_data(as_text=True)
    assert "Kent de samenwerking met de school" in page and "Intrekken" in page
    withdrawn = client.post_form(
        f"{world['base']}/visitatie/voorstellen/{item.id}/intrekken",
        token_from=f"{world['base']}/visitatie/voorstellen",
    )
    assert withdrawn.status_code == 302
    session.refresh(item)
    assert item.status is ProposalStatus.INGETROKKEN and len(_events(session, "respondent_proposal_withdrawn")) == 1


def test_the_team_adopts_a_proposal_as_a_respondent_by_role_only(client_for, world, session):
    _propose(client_for(world["coordinator"]), world)
    item = session.scalar(select(RespondentProposal))
    lead = client_for(world["lead"])
    page = f"{world['base']}/visitatie/voorstellen"
    assert "Mirjam Vos" in lead.get(page).get_data(as_text=True)  # the team sees whom to invite
    assert lead.post_form(f"{page}/{item.id}/overnemen", token_from=page).status_code == 302
    session.refresh(item)
    respondent = session.get(Respondent, item.respondent_id)
    assert item.status is ProposalStatus.OVERGENOMEN and item.decided_by_id == world["lead"].id
    assert (respondent.role, respondent.organisation, respondent.group.value) == (
        "Intern begeleider",
        "De Rank",
        "onderwijs",
    )
    assert respondent.may_quote is False  # asked at the conversation
    assert len(_events(session, "respondent_proposal_adopted")) == 1
    # decided: the gemeente can no longer withdraw it
    client_for(world["coordinator"]).post_form(f"{page}/{item.id}/intrekken", token_from=page)
    session.refresh(item)
    assert item.status is ProposalStatus.OVERGENOMEN


def test_declining_needs_a_reason_the_gemeente_reads(client_for, world, session):
    _propose(client_for(world["coordinator"]), world)
    item = session.scalar(select(RespondentProposal))
    staff = client_for(world["staff"])
    page = f"{world['base']}/visitatie/voorstellen"
    refused = staff.post_form(f"{page}/{item.id}/afwijzen", {f"afwijzen-{item.id}-reason": " "}, token_from=page)
    assert refused.status_code == 422 and "Schrijf kort waarom" in refused.get_data(as_text=True)
    reason = "Het team spreekt het onderwijs al in het groepsgesprek."
    declined = staff.post_form(f"{page}/{item.id}/afwijzen", {f"afwijzen-{item.id}-reason": reason}, token_from=page)
    assert declined.status_code == 302
    session.refresh(item)
    assert item.status is ProposalStatus.AFGEWEZEN and item.reason == reason
    assert len(_events(session, "respondent_proposal_declined")) == 1
    assert reason in client_for(world["coordinator"]).get(page).get_data(as_text=True)


def test_proposals_are_404_for_other_gemeenten_and_for_the_wrong_role(client_for, world, session):
    _propose(client_for(world["coordinator"]), world)
    item = session.scalar(select(RespondentProposal))
    page = f"{world['base']}/visitatie/voorstellen"
    outsider = client_for(world["outsider"])  # coordinator of Zwolle
    assert outsider.get(page).status_code == 404
    token = outsider.csrf("/")
    for path in (page, f"{page}/{item.id}/intrekken", f"{page}/{item.id}/overnemen", f"{page}/{item.id}/afwijzen"):
        assert outsider.post(path, data={"csrf_token": token, "role": "x", "group": "overig"}).status_code == 404
    lead, writer = client_for(world["lead"]), client_for(world["writer"])
    assert lead.post(page, data={"csrf_token": lead.csrf(page), "role": "x", "group": "overig"}).status_code == 404
    assert lead.post(f"{page}/{item.id}/intrekken", data={"csrf_token": lead.csrf(page)}).status_code == 404
    for action in ("overnemen", "afwijzen"):
        assert writer.post(f"{page}/{item.id}/{action}", data={"csrf_token": writer.csrf(page)}).status_code == 404
    # another visitatie's id in the URL: the Zwolle coordinator's own visitatie is not yet submitted
    assert outsider.get(f"/visitaties/{world['zwolle'].id}/visitatie/voorstellen").status_code == 404
    session.refresh(item)
    assert item.status is ProposalStatus.VOORGESTELD


def test_a_proposal_of_another_visitatie_is_404(client_for, world, session):
    other = RespondentProposal(
        gemeente_id=world["zwolle"].gemeente_id, visitatie_id=world["zwolle"].id, role="Wethouder", group="gemeente"
    )
    session.add(other)
    session.commit()
    page = f"{world['base']}/visitatie/voorstellen"
    lead = client_for(world["lead"])
    assert lead.post(f"{page}/{other.id}/overnemen", data={"csrf_token": lead.csrf(page)}).status_code == 404
    session.refresh(other)
    assert other.status is ProposalStatus.VOORGESTELD


def test_proposal_forms_need_the_csrf_token(client_for, world, session):
    client = client_for(world["coordinator"])
    page = f"{world['base']}/visitatie/voorstellen"
    assert client.post(page, data={"role": "Intern begeleider", "group": "onderwijs"}).status_code == 400
    assert session.scalar(select(RespondentProposal)) is None


# --- texts addressed to their reader ---------------------------------------------------------------------


def test_the_selfeval_overview_addresses_each_reader_by_role_and_state(client_for, world, make):
    intro = "Met deze zelfevaluatie kijken jullie zelf"
    zwolle = f"/visitaties/{world['zwolle'].id}/zelfevaluatie"
    assert intro in client_for(world["outsider"]).get(zwolle).get_data(as_text=True)  # writing: addressed to them
    staff_writing = client_for(world["staff"]).get(zwolle).get_data(as_text=True)
    assert intro not in staff_writing and "Zwolle schrijft de zelfevaluatie" in staff_writing
    deventer = f"{world['base']}/zelfevaluatie"
    submitted = client_for(world["coordinator"]).get(deventer).get_data(as_text=True)
    assert intro not in submitted and "Jullie hebben de zelfevaluatie ingediend" in submitted
    staff = client_for(world["staff"]).get(deventer).get_data(as_text=True)
    assert intro not in staff and "Deventer heeft de zelfevaluatie ingediend" in staff
    assert "ullie" not in _text(re.search(r'<p class="lead">.*?</p>', staff, re.S).group(0))


def test_the_visitatie_page_names_the_gemeente_for_network_staff(client_for, world):
    staff = client_for(world["staff"]).get(f"/visitaties/{world['zwolle'].id}").get_data(as_text=True)
    assert "Zwolle vult de basisversie in." in staff and "Jullie vullen" not in staff
    assert "Bekijk hoe ver Zwolle is met de basisversie; de tekst lees je na het indienen." in staff
    own = client_for(world["outsider"]).get(f"/visitaties/{world['zwolle'].id}").get_data(as_text=True)
    assert "Jullie" in own or "Keuze opslaan" in own  # the coordinator may still change the version
    submitted = client_for(world["staff"]).get(world["base"]).get_data(as_text=True)
    assert "Deventer heeft de basisversie ingediend." in submitted


def test_after_adoption_home_and_the_visitatie_say_the_portret_is_definitive(app, client_for, session, make):
    from tests.factories import definitive

    world = definitive(app, session, make)
    card = _text(_card(client_for(world["coordinator"]).get("/").get_data(as_text=True), "Deventer"))
    assert "Jullie stelden het portret vast op" in card and "deelde het conceptportret" not in card
    assert "Conceptportret" not in card and " Portret" in card
    staff = _text(client_for(world["staff"]).get(world["base"]).get_data(as_text=True))
    assert "Het portret is definitief: Deventer heeft het vastgesteld op" in staff
    assert "Lees het vóór de reflectiesessie" not in staff
