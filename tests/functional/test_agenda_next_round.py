"""Into the next round: a later visitatie of the same gemeente shows, beside the relevant sections of its
zelfevaluatie, the previous portret's development points and the agenda's action lines with their status,
and stores what the gemeente did with them; the review team sees the same and the previous portret."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from peerreview.agenda import next_round
from peerreview.agenda.report_models import FollowUp
from peerreview.audit.models import AuditEvent
from peerreview.selfeval import services as selfeval_services
from tests.factories import complete_selfeval, start_selfeval
from tests.functional.agenda_world import agenda_world


@pytest.fixture
def world(app, session, make):
    w = agenda_world(app, session, make)
    later = make.round("Ronde 2029")
    later.starts_on, later.ends_on = date(2029, 1, 1), date(2029, 12, 31)
    session.commit()
    new = start_selfeval(session, make.visitatie(w["visitatie"].gemeente, later))
    w["new"] = new
    w["new_base"] = f"/visitaties/{new.id}"
    with app.test_request_context():
        definition = selfeval_services.definition_for(session.merge(new))
        pages = [p.key for p in definition.pages]
    w["t5_page"] = next(p for p in pages if "T5" in {t.code for t in next_round.themes_of_section(p)})
    w["unrelated_page"] = next(
        p for p in pages if not {"T5", "T7", "T11"} & {t.code for t in next_round.themes_of_section(p)}
    )
    return w


def test_the_new_zelfevaluatie_shows_the_previous_points_and_agenda_beside_the_relevant_section(client_for, world):
    page = client_for(world["writer"]).get(f"{world['new_base']}/zelfevaluatie/onderdelen/{world['t5_page']}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Uit de vorige ronde (Ronde Oost)" in text
    assert "Het mandaat van het team is nog smal." in text  # the released development point (T5)
    assert "Het mandaat van de toegang verbreden" in text and "Gereed" in text  # the action line, its parts
    assert "Wat is er met deze punten gedaan?" in text
    other = client_for(world["writer"]).get(f"{world['new_base']}/zelfevaluatie/onderdelen/{world['unrelated_page']}")
    assert "Uit de vorige ronde" not in other.get_data(as_text=True)


def test_the_first_round_shows_nothing_of_a_previous_one(app, session, world):
    with app.test_request_context():
        assert next_round.carry_over(session, session.merge(world["visitatie"])) is None


def test_the_follow_up_is_stored_audit_logged_and_a_stale_save_is_a_409_with_both_texts(client_for, session, world):
    url = f"{world['new_base']}/zelfevaluatie/vorige-ronde/{world['t5_page']}"
    source = f"{world['new_base']}/zelfevaluatie/onderdelen/{world['t5_page']}"
    writer = client_for(world["writer"])
    saved = writer.post_form(url, {"follow_up": "Het team kreeg meer mandaat.", "base": "0"}, token_from=source)
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"#vorige-ronde-{world['t5_page']}")
    stored = session.scalars(select(FollowUp)).one()
    assert stored.text == "Het team kreeg meer mandaat." and stored.revision == 1
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "agenda_follow_up_saved")).one()
    assert "Het team kreeg meer mandaat." in writer.get(source).get_data(as_text=True)
    stale = client_for(world["coordinator"]).post_form(
        url, {"follow_up": "Mijn eigen versie.", "base": "0"}, token_from=source
    )
    assert stale.status_code == 409
    body = stale.get_data(as_text=True)
    assert "Het team kreeg meer mandaat." in body and "Mijn eigen versie." in body
    session.expire_all()
    assert session.scalars(select(FollowUp)).one().text == "Het team kreeg meer mandaat."


def test_only_the_gemeentes_writers_answer_and_only_beside_a_section_with_points(client_for, world):
    url = f"{world['new_base']}/zelfevaluatie/vorige-ronde/{world['t5_page']}"
    for who in ("outsider", "lead", "staff"):
        response = client_for(world[who]).post_form(url, {"follow_up": "x", "base": "0"}, token_from="/account")
        assert response.status_code == 404, who
    unrelated = f"{world['new_base']}/zelfevaluatie/vorige-ronde/{world['unrelated_page']}"
    assert (
        client_for(world["writer"])
        .post_form(unrelated, {"follow_up": "x", "base": "0"}, token_from="/account")
        .status_code
        == 404
    )


def test_round_staff_see_the_previous_points_in_the_review_and_the_previous_portret(app, client_for, session, world):
    from peerreview.selfeval import submission

    new = session.merge(world["new"])
    complete_selfeval(app, session, new, session.merge(world["writer"]))
    with app.test_request_context():
        session.add(
            FollowUp(
                gemeente_id=new.gemeente_id,
                visitatie_id=new.id,
                section_key=world["t5_page"],
                text="We hebben het mandaat verbreed.",
            )
        )
        submission.submit(session, session.merge(world["coordinator"]), session.merge(new))
        session.commit()
    staff = client_for(world["staff"])
    review = staff.get(f"{world['new_base']}/review?onderdeel=alles").get_data(as_text=True)
    assert "Het mandaat van het team is nog smal." in review
    assert "We hebben het mandaat verbreed." in review
    assert f"{world['new_base']}/vorige-ronde/portret" in review
    previous = staff.get(f"{world['new_base']}/vorige-ronde/portret")
    assert previous.status_code == 200 and "Ronde Oost" in previous.get_data(as_text=True)
    assert client_for(world["outsider"]).get(f"{world['new_base']}/vorige-ronde/portret").status_code == 404
