"""Plusversie cases: consent, the personal-data gate, withdrawal, who may read them."""

import pytest
from sqlalchemy import func, select

from peerreview.accounts.models import MembershipRole, NetworkRole
from peerreview.audit.models import AuditEvent
from peerreview.rounds.models import Variant
from peerreview.selfeval.models import Answer, AnswerRevision, Casus, Submission
from tests.factories import complete_selfeval, start_selfeval

CONSENT = {
    "pseudonym": "Casus Noor",
    "given_by": "jongere",
    "given_on": "2026-10-02",
    "recorded_how": "schriftelijk",
    "scope": "Inzage in het dossier, een interview en bespreking in de duidingssessie.",
}
FIELDS = (
    "dossieronderzoek",
    "interview_inwoner",
    "interview_professionals",
    "duidingssessie",
    "casusniveau",
    "systeemniveau",
)


@pytest.fixture
def plus(make, session):
    gemeente = make.gemeente("Peel en Maas")
    coordinator = make.user(gemeente=gemeente, role=MembershipRole.COORDINATOR)
    writer = make.user(gemeente=gemeente, role=MembershipRole.CONTRIBUTOR)
    visitatie = start_selfeval(session, make.visitatie(gemeente), Variant.PLUS)
    return {
        "coordinator": coordinator,
        "writer": writer,
        "visitatie": visitatie,
        "base": f"/visitaties/{visitatie.id}/zelfevaluatie",
    }


def new_case(client, plus, **changes):
    return client.post_form(f"{plus['base']}/casussen", {**CONSENT, **changes})


def write(client, plus, casus_id, field, html, base=0):
    key = f"casus{casus_id}_{field}"
    token = client.csrf(f"{plus['base']}/casussen/{casus_id}")
    return client.post(
        f"{plus['base']}/antwoorden/{key}", data={"csrf_token": token, f"{key}.__base": str(base), f"{key}.html": html}
    )


def test_a_case_starts_with_recorded_consent(client_for, plus, session):
    writer = client_for(plus["writer"])
    missing = new_case(writer, plus, scope="", given_on="")
    assert missing.status_code == 422
    html = missing.get_data(as_text=True)
    assert "Beschrijf waarvoor de toestemming geldt." in html and 'value="Casus Noor"' in html
    assert new_case(writer, plus).status_code == 302
    casus = session.scalar(select(Casus))
    [consent] = casus.consents
    assert consent.given_by == "jongere" and consent.recorded_by_id == plus["writer"].id
    assert write(writer, plus, casus.id, "dossieronderzoek", "<p>Tijdlijn van de hulp.</p>").status_code == 200
    assert write(writer, plus, 999, "dossieronderzoek", "<p>x</p>").status_code == 404


def test_consent_from_a_second_person_is_recorded_with_who_recorded_it(app, client_for, plus, session):
    writer, coordinator = client_for(plus["writer"]), client_for(plus["coordinator"])
    new_case(writer, plus)
    casus = session.scalar(select(Casus))
    url = f"{plus['base']}/casussen/{casus.id}/toestemming"
    page_url = f"{plus['base']}/casussen/{casus.id}"
    refused = coordinator.post_form(
        url, {"given_by": "ouder", "given_on": "", "recorded_how": "mondeling"}, token_from=page_url
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Vul een geldige datum in." in html and '<option selected value="mondeling">' in html
    second = {"given_by": "ouder", "given_on": "2026-10-03", "recorded_how": "mondeling"}
    assert coordinator.post_form(url, second, token_from=page_url).status_code == 302
    session.expire_all()
    given = [(c.given_by, c.given_on.isoformat(), c.recorded_by_id) for c in casus.consents]
    assert given == [("jongere", "2026-10-02", plus["writer"].id), ("ouder", "2026-10-03", plus["coordinator"].id)]
    page = writer.get(page_url).get_data(as_text=True)
    assert "Jongere, 2 oktober 2026" in page and "Ouder of verzorger, 3 oktober 2026" in page
    assert f"vastgelegd door {plus['coordinator'].name}" in page
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "consent_recorded").order_by(AuditEvent.id)
    ).all()
    assert [e.details["given_by"] for e in events] == ["jongere", "ouder"]
    from peerreview.selfeval.cases import snapshot

    [entry] = snapshot(session, plus["visitatie"])
    assert [g["given_by"] for g in entry["consent"]["given"]] == ["jongere", "ouder"]


def test_no_consent_is_added_to_a_withdrawn_case(client_for, plus, session):
    writer, coordinator = client_for(plus["writer"]), client_for(plus["coordinator"])
    new_case(writer, plus)
    casus = session.scalar(select(Casus))
    base = f"{plus['base']}/casussen/{casus.id}"
    withdrawn = coordinator.post_form(f"{base}/toestemming-intrekken", {"withdrawn_by": "jongere"}, token_from=base)
    assert withdrawn.status_code == 302
    late = {"given_by": "ouder", "given_on": "2026-10-03", "recorded_how": "mondeling"}
    assert coordinator.post_form(f"{base}/toestemming", late, token_from=f"{plus['base']}/casussen").status_code == 404


def test_personal_data_blocks_submission_until_fixed_or_cleared(app, client_for, plus, session):
    writer, coordinator = client_for(plus["writer"]), client_for(plus["coordinator"])
    complete_selfeval(app, session, plus["visitatie"], plus["writer"])
    for pseudonym in ("Casus Noor", "Casus Vos", "Casus Sem"):
        new_case(writer, plus, pseudonym=pseudonym)
    cases = session.scalars(select(Casus).order_by(Casus.id)).all()
    for casus in cases:
        for field in FIELDS:
            write(writer, plus, casus.id, field, "<p>Zorgvuldig beschreven, zonder persoonsgegevens.</p>")
    write(
        writer,
        plus,
        cases[0].id,
        "dossieronderzoek",
        "<p>Moeder belde vanaf 06-12345678 en gaf het BSN 111222333 door.</p>",
        base=1,
    )

    summary = coordinator.get(f"{plus['base']}/indienen").get_data(as_text=True)
    assert "Casus Noor: mogelijk persoonsgegeven (Telefoonnummer)" in summary
    assert "Casus Noor: mogelijk persoonsgegeven (Burgerservicenummer (BSN))" in summary
    assert coordinator.post_form(f"{plus['base']}/indienen").status_code == 422

    # the phone number is fixed in the text; the coordinator judges the other one not personal
    write(
        writer, plus, cases[0].id, "dossieronderzoek", "<p>Moeder belde en gaf het nummer 111222333 door.</p>", base=2
    )
    page = coordinator.get(f"{plus['base']}/persoonsgegevens").get_data(as_text=True)
    assert "<mark>111222333</mark>" in page
    import re

    fields = dict(re.findall(r'name="(key|kind|hash)" value="([^"]+)"', page))
    # only the coordinator may judge a finding
    assert (
        writer.post(
            f"{plus['base']}/persoonsgegevens", data={"csrf_token": writer.csrf("/account"), **fields}
        ).status_code
        == 404
    )
    coordinator.post_form(f"{plus['base']}/persoonsgegevens", fields)
    assert "Geen mogelijke persoonsgegevens gevonden" in coordinator.get(f"{plus['base']}/persoonsgegevens").get_data(
        as_text=True
    )
    assert coordinator.post_form(f"{plus['base']}/indienen").status_code == 302
    snapshot = session.scalar(select(Submission)).snapshot
    assert [c["pseudonym"] for c in snapshot["cases"]] == ["Casus Noor", "Casus Vos", "Casus Sem"]


def test_fewer_than_three_cases_block_the_plusversie(app, client_for, plus, session):
    complete_selfeval(app, session, plus["visitatie"], plus["writer"])
    summary = client_for(plus["coordinator"]).get(f"{plus['base']}/indienen").get_data(as_text=True)
    assert "De plusversie vraagt minstens 3 casussen met toestemming; er zijn er nu 0." in summary


def test_withdrawing_consent_removes_the_case_text_from_answers_revisions_and_submissions(
    app, client_for, plus, session
):
    writer = client_for(plus["writer"])
    new_case(writer, plus)
    casus = session.scalar(select(Casus))
    write(writer, plus, casus.id, "interview_inwoner", "<p>Wat de jongere vertelde.</p>")
    # an earlier submission holds the text too
    import hashlib

    from peerreview.selfeval import services
    from peerreview.selfeval.submission import build_snapshot, canonical_json

    with app.test_request_context():
        snapshot = build_snapshot(session, plus["visitatie"], services.definition_for(plus["visitatie"]))
    session.add(
        Submission(
            gemeente_id=plus["visitatie"].gemeente_id,
            visitatie_id=plus["visitatie"].id,
            number=1,
            snapshot=snapshot,
            checksum=hashlib.sha256(canonical_json(snapshot)).hexdigest(),
        )
    )
    session.commit()
    assert "Wat de jongere vertelde." in str(session.scalar(select(Submission)).snapshot)

    withdraw = f"{plus['base']}/casussen/{casus.id}/toestemming-intrekken"
    refused = writer.post_form(withdraw, token_from=f"{plus['base']}/casussen/{casus.id}")
    assert refused.status_code == 422 and "Kies wie de toestemming heeft ingetrokken" in refused.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Answer).where(Answer.question_key.like("casus%"))) == 1
    writer.post_form(withdraw, {"withdrawn_by": "ouder"}, token_from=f"{plus['base']}/casussen/{casus.id}")
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Answer).where(Answer.question_key.like("casus%"))) == 0
    assert session.scalar(select(func.count()).select_from(AnswerRevision)) == 0
    casus = session.get(Casus, casus.id)
    assert casus.withdrawn_at is not None and casus.consent_scope == "" and casus.pseudonym == "Casus Noor"
    assert casus.consent_withdrawn_by == "ouder" and casus.withdrawn_by_id == plus["writer"].id
    submission = session.scalar(select(Submission))
    assert "Wat de jongere vertelde." not in str(submission.snapshot)
    assert submission.snapshot["cases"][0]["pseudonym"] == "Casus Noor"
    assert write(writer, plus, casus.id, "interview_inwoner", "<p>opnieuw</p>").status_code == 404
    assert "consent_withdrawn" in session.scalars(select(AuditEvent.action)).all()


def test_case_texts_stay_within_the_gemeente_and_reading_a_case_is_logged(app, client_for, make, plus, session):
    writer = client_for(plus["writer"])
    new_case(writer, plus)
    casus = session.scalar(select(Casus))
    write(writer, plus, casus.id, "duidingssessie", "<p>Wat de partners samen zagen.</p>")
    assert "Wat de partners samen zagen." in writer.get(f"{plus['base']}/casussen/{casus.id}").get_data(as_text=True)
    reads = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "casus_read"))
    assert reads >= 1
    staff = client_for(make.user(network_role=NetworkRole.ROUND_COORDINATOR))
    for path in (
        "/casussen",
        f"/casussen/{casus.id}",
        "/persoonsgegevens",
        f"/antwoorden/casus{casus.id}_duidingssessie/geschiedenis",
    ):
        assert staff.get(plus["base"] + path).status_code == 404, path
