"""The zelfevaluatie: autosave, conflicts, history, working together, access, submission."""

from __future__ import annotations

import re
import threading
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from peerreview.accounts.models import MembershipRole, NetworkRole
from peerreview.audit.models import AuditEvent
from peerreview.mail.models import OutgoingMail
from peerreview.rounds.models import Variant, Visitatie, VisitatieState
from peerreview.selfeval.models import Answer, AnswerRevision, Submission
from tests.factories import complete_selfeval, start_selfeval


@pytest.fixture
def world(make, session):
    deventer = make.gemeente("Deventer")
    coordinator = make.user(
        "coord@deventer.nl", gemeente=deventer, role=MembershipRole.COORDINATOR, name="Carlijn Claessen"
    )
    writer = make.user("schrijver@deventer.nl", gemeente=deventer, role=MembershipRole.CONTRIBUTOR, name="Daan Dijkhof")
    viewer = make.user("lezer@deventer.nl", gemeente=deventer, role=MembershipRole.VIEWER)
    visitatie = start_selfeval(session, make.visitatie(deventer))
    return {
        "gemeente": deventer,
        "coordinator": coordinator,
        "writer": writer,
        "viewer": viewer,
        "visitatie": visitatie,
        "base": f"/visitaties/{visitatie.id}/zelfevaluatie",
    }


def autosave(client, world, key, fields, base, token=None):
    token = token or client.csrf(f"{world['base']}/onderdelen/s1")
    data = {"csrf_token": token, f"{key}.__base": str(base), **{f"{key}.{k}": v for k, v in fields.items()}}
    return client.post(f"{world['base']}/antwoorden/{key}", data=data, headers={"X-Requested-With": "fetch"})


def test_autosave_stores_a_revision_and_refuses_a_stale_base(client_for, world, session):
    client = client_for(world["writer"])
    first = autosave(client, world, "s1_1", {"html": "<p>Onze visie: <b>van wieg naar werk</b>.</p>"}, 0)
    assert first.status_code == 200
    assert first.json["revision"] == 1
    second = autosave(client, world, "s1_1", {"html": "<p>Onze visie, versie twee.</p>"}, 1)
    assert second.json["revision"] == 2

    stale = autosave(client_for(world["coordinator"]), world, "s1_1", {"html": "<p>Iets anders</p>"}, 1)
    assert stale.status_code == 409
    assert stale.json["current"]["revision"] == 2
    assert "versie twee" in stale.json["current"]["html"]
    assert stale.json["current"]["by"] == "Daan Dijkhof"
    answer = session.scalar(select(Answer))
    assert answer.plain == "Onze visie, versie twee."
    assert [r.number for r in session.scalars(select(AnswerRevision).order_by(AnswerRevision.number))] == [1, 2]
    session.refresh(world["visitatie"])
    assert world["visitatie"].definition_version == 1


def test_a_second_first_save_is_a_conflict_too(client_for, world):
    assert autosave(client_for(world["writer"]), world, "s1_2", {"html": "<p>a</p>"}, 0).status_code == 200
    assert autosave(client_for(world["coordinator"]), world, "s1_2", {"html": "<p>b</p>"}, 0).status_code == 409


@pytest.mark.real_commits  # 20 threads, each request on its own connection
def test_twenty_parallel_writers_never_overwrite_silently(app, make, world, session):
    writers = [make.user(gemeente=world["gemeente"], role=MembershipRole.CONTRIBUTOR) for _ in range(20)]
    clients = []
    for user in writers:
        app.test_client_class = type(app.test_client()) if False else app.test_client_class
        from tests.conftest import Client

        app.test_client_class = Client
        clients.append(app.test_client().login_as(user))
    tokens = [c.csrf(f"{world['base']}/onderdelen/s1") for c in clients]
    barrier = threading.Barrier(len(clients))
    results: list[tuple[int, int]] = []
    lock = threading.Lock()

    def write(i: int) -> None:
        base, saved = 0, 0
        barrier.wait()
        for _attempt in range(60):
            response = autosave(
                clients[i], world, "s1_4", {"html": f"<p>Tekst van schrijver {i}.</p>"}, base, tokens[i]
            )
            if response.status_code == 200:
                saved = response.json["revision"]
                break
            assert response.status_code == 409, response.status_code
            base = response.json["current"]["revision"]  # merge and try again, knowingly
        with lock:
            results.append((i, saved))

    threads = [threading.Thread(target=write, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 20
    assert sorted(rev for _, rev in results) == list(range(1, 21))  # every save stored, each on its own revision
    answer = session.scalar(select(Answer).where(Answer.question_key == "s1_4"))
    revisions = session.scalars(select(AnswerRevision).where(AnswerRevision.answer_id == answer.id)).all()
    assert answer.revision == 20
    assert sorted(r.number for r in revisions) == list(range(1, 21))
    assert {r.plain for r in revisions} == {f"Tekst van schrijver {i}." for i in range(20)}


def test_invalid_number_gets_a_dutch_message(client_for, world, session):
    response = autosave(client_for(world["writer"]), world, "s2_1_5_fte", {"value": "twaalf"}, 0)
    assert response.status_code == 422
    assert "‘twaalf’ is geen getal" in response.json["error"]
    ok = autosave(client_for(world["writer"]), world, "s2_1_5_fte", {"value": "12,5"}, 0)
    assert ok.json == {"revision": 1}
    assert session.scalar(select(Answer.value).where(Answer.question_key == "s2_1_5_fte")) == {"value": 12.5}


def test_section_form_without_javascript_saves_and_keeps_text_on_conflict(client_for, world, session):
    writer, coordinator = client_for(world["writer"]), client_for(world["coordinator"])
    url = f"{world['base']}/onderdelen/s1"
    page = writer.get(url).get_data(as_text=True)
    assert 'name="s1_1.__base" value="0"' in page
    response = writer.post_form(
        url, {"s1_1.__base": "0", "s1_1.html": "<p>Eerste tekst</p>", "s1_2.__base": "0", "s1_2.html": ""}
    )
    assert response.status_code == 302
    # a colleague saves meanwhile; the writer submits an edit based on revision 1
    autosave(coordinator, world, "s1_1", {"html": "<p>Tekst van de coördinator</p>"}, 1)
    conflict = writer.post_form(url, {"s1_1.__base": "1", "s1_1.html": "<p>Mijn aanvulling</p>"})
    html = conflict.get_data(as_text=True)
    assert conflict.status_code == 409
    assert "iemand anders heeft dit antwoord intussen gewijzigd" in html
    assert "Tekst van de coördinator" in html  # their version is shown
    assert "Mijn aanvulling" in html  # and mine is kept in the field
    assert 'name="s1_1.__base" value="2"' in html  # saving again is a deliberate overwrite
    assert session.scalar(select(Answer.plain).where(Answer.question_key == "s1_1")) == "Tekst van de coördinator"


def test_history_shows_who_changed_what(client_for, world):
    client = client_for(world["writer"])
    autosave(client, world, "s1_1", {"html": "<p>De raad wordt elk kwartaal geïnformeerd.</p>"}, 0)
    autosave(client, world, "s1_1", {"html": "<p>De gemeenteraad wordt elk half jaar geïnformeerd.</p>"}, 1)
    page = client.get(f"{world['base']}/antwoorden/s1_1/geschiedenis?a=1&b=2").get_data(as_text=True)
    assert "<del>raad</del><ins>gemeenteraad</ins>" in page
    assert "<del>kwartaal</del><ins>half jaar</ins>" in page
    assert "Daan Dijkhof" in page


def test_progress_assignment_and_notes(client_for, world, session):
    coordinator = client_for(world["coordinator"])
    overview = f"{world['base']}"
    response = coordinator.post_form(
        f"{overview}/toewijzen", {"section": "s2_3", "user": world["writer"].id}, token_from=overview
    )
    assert response.status_code == 302
    autosave(client_for(world["writer"]), world, "s1_1", {"html": "<p>Tekst</p>"}, 0)
    page = coordinator.get(overview).get_data(as_text=True)
    assert "1 van " in page  # one required question done
    assert re.search(r"2\.3 Lokale teams.*?Daan Dijkhof", page, re.S)
    note = client_for(world["writer"]).post_form(
        f"{overview}/onderdelen/s1/notities", {"body": "Cijfers volgen."}, token_from=f"{overview}/onderdelen/s1"
    )
    assert note.status_code == 302
    assert "Cijfers volgen." in coordinator.get(f"{overview}/onderdelen/s1").get_data(as_text=True)
    # only writers of the gemeente can be assigned
    outsider = client_for(world["coordinator"]).post_form(
        f"{overview}/toewijzen",
        {"section": "s1", "user": world["viewer"].id},
        token_from=overview,
        follow_redirects=True,
    )
    assert "alleen toewijzen aan een coördinator of invuller" in outsider.get_data(as_text=True)


def test_viewer_reads_but_cannot_write(client_for, world):
    viewer = client_for(world["viewer"])
    page = viewer.get(f"{world['base']}/onderdelen/s1").get_data(as_text=True)
    assert "Visie en doelstellingen" in page
    assert 'name="s1_1.__base"' not in page
    token = viewer.csrf(f"{world['base']}/onderdelen/s1") if "csrf_token" in page else viewer.csrf("/account")
    assert autosave(viewer, world, "s1_1", {"html": "<p>x</p>"}, 0, token).status_code == 404


def test_round_coordinator_sees_progress_but_no_content_until_submitted(app, client_for, make, world, session):
    staff = make.user(network_role=NetworkRole.ROUND_COORDINATOR)
    client = client_for(staff)
    assert client.get(world["base"]).status_code == 200
    for path in ("/onderdelen/s1", "/lezen", "/export.json", "/export.csv", "/antwoorden/s1_1/geschiedenis"):
        assert client.get(world["base"] + path).status_code == 404, path
    complete_selfeval(app, session, world["visitatie"], world["writer"])
    client_for(world["coordinator"]).post_form(f"{world['base']}/indienen")
    assert client.get(world["base"] + "/lezen").status_code == 200


def test_submission_lists_what_is_missing_then_freezes_a_snapshot(app, client_for, make, world, session, run_jobs):
    make.user("ronde@netwerk.nl", network_role=NetworkRole.ROUND_COORDINATOR)
    coordinator = client_for(world["coordinator"])
    summary = coordinator.get(f"{world['base']}/indienen").get_data(as_text=True)
    assert "‘Visie en doelstellingen’ is nog niet ingevuld." in summary
    assert f"{world['base']}/onderdelen/s1#q-s1_1" in summary
    refused = coordinator.post_form(f"{world['base']}/indienen")
    assert refused.status_code == 422

    complete_selfeval(app, session, world["visitatie"], world["writer"])
    writer = client_for(world["writer"])
    assert (
        writer.post(
            f"{world['base']}/indienen", data={"csrf_token": writer.csrf(f"{world['base']}/indienen")}
        ).status_code
        == 404
    )
    response = coordinator.post_form(f"{world['base']}/indienen")
    assert response.status_code == 302
    run_jobs()
    session.expire_all()
    submission = session.scalar(select(Submission))
    assert submission.number == 1
    assert len(submission.checksum) == 64
    assert submission.snapshot["definition"] == {"key": "zelfevaluatie-basis", "version": 1}
    assert session.get(Visitatie, world["visitatie"].id).state is VisitatieState.INGEDIEND
    mail = session.scalar(select(OutgoingMail).where(OutgoingMail.recipient == "ronde@netwerk.nl"))
    assert "Zelfevaluatie ingediend: Deventer" in mail.subject
    assert submission.pdf is not None and submission.pdf.startswith(b"%PDF")
    assert submission.pdf_checksum == submission.checksum
    read = coordinator.get(f"{world['base']}/lezen").get_data(as_text=True)
    assert "Ingediend op" in read and submission.checksum[:12] in read
    # frozen: no more editing
    assert autosave(writer, world, "s1_1", {"html": "<p>later</p>"}, 1, writer.csrf("/account")).status_code == 404
    exported = coordinator.get(f"{world['base']}/export.json").json
    assert exported["indiening"]["checksum"] == submission.checksum
    csv_text = coordinator.get(f"{world['base']}/export.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeffonderdeel;vraag_key;vraag;antwoord;versie")
    assert "s1_1;Visie en doelstellingen;" in csv_text


def test_round_coordinator_reopens_with_a_reason_and_a_new_submission_is_version_2(
    app, client_for, make, world, session
):
    staff = make.user(network_role=NetworkRole.ROUND_COORDINATOR)
    complete_selfeval(app, session, world["visitatie"], world["writer"])
    coordinator = client_for(world["coordinator"])
    coordinator.post_form(f"{world['base']}/indienen")
    staff_client = client_for(staff)
    empty = staff_client.post_form(f"{world['base']}/heropenen", {"reason": ""})
    assert empty.status_code == 422
    assert "Geef een reden" in empty.get_data(as_text=True)
    staff_client.post_form(f"{world['base']}/heropenen", {"reason": "Hoofdstuk 3 mist de inkoopcijfers."})
    session.expire_all()
    assert session.get(Visitatie, world["visitatie"].id).state is VisitatieState.ZELFEVALUATIE
    reopened = session.scalar(select(AuditEvent).where(AuditEvent.action == "selfeval_reopened"))
    assert reopened.details["reason"] == "Hoofdstuk 3 mist de inkoopcijfers."
    mail = session.scalar(select(OutgoingMail).where(OutgoingMail.recipient == "coord@deventer.nl"))
    assert "Hoofdstuk 3 mist de inkoopcijfers." in mail.body_text
    coordinator.post_form(f"{world['base']}/indienen")
    numbers = session.scalars(select(Submission.number).order_by(Submission.number)).all()
    assert numbers == [1, 2]


def test_the_read_view_shows_each_submission_as_submitted_also_when_kept_in_memory(
    app, client_for, make, world, session
):
    staff = make.user(network_role=NetworkRole.ROUND_COORDINATOR)
    complete_selfeval(app, session, world["visitatie"], world["writer"])
    coordinator, writer = client_for(world["coordinator"]), client_for(world["writer"])
    coordinator.post_form(f"{world['base']}/indienen")
    first = coordinator.get(f"{world['base']}/lezen").get_data(as_text=True)
    assert coordinator.get(f"{world['base']}/lezen").get_data(as_text=True).count("doc-answer") == first.count(
        "doc-answer"
    )
    client_for(staff).post_form(f"{world['base']}/heropenen", {"reason": "Visie aanscherpen."})
    session.expire_all()
    revision = session.scalar(select(Answer.revision).where(Answer.question_key == "s1_1"))
    changed = autosave(writer, world, "s1_1", {"html": "<p>Onze visie na de heropening: dichtbij.</p>"}, revision)
    assert changed.status_code == 200
    working = coordinator.get(f"{world['base']}/lezen").get_data(as_text=True)
    assert "Werkversie, nog niet ingediend" in working and "na de heropening" in working
    coordinator.post_form(f"{world['base']}/indienen")
    second = coordinator.get(f"{world['base']}/lezen").get_data(as_text=True)
    assert "(versie 2," in second and "na de heropening" in second
    assert "na de heropening" not in first


def test_a_document_linked_to_a_section_counts_as_delivered(client_for, world, session):
    writer = client_for(world["writer"])
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    from io import BytesIO

    response = writer.post(
        f"{world['base']}/documenten/toevoegen",
        data={
            "csrf_token": writer.csrf(f"{world['base']}/documenten"),
            "title": "Beleidskader jeugd",
            "item": "beleidsnota_jeugd",
            "sections": ["s4"],
            "file": (BytesIO(pdf), "beleid.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = writer.get(f"{world['base']}/onderdelen/s4").get_data(as_text=True)
    assert "Aangeleverd als document" in page and "Beleidskader jeugd" in page
    overview = writer.get(world["base"]).get_data(as_text=True)
    assert re.search(r"4\. Sturing, monitoring en leren</a></td>\s*<td>6 van 6", overview)
    download = writer.get(f"{world['base']}/documenten/1") if False else None
    from peerreview.selfeval.models import ChecklistItem, Document

    document = session.scalar(select(Document))
    download = writer.get(f"{world['base']}/documenten/{document.id}")
    assert download.mimetype == "application/pdf"
    assert download.data == pdf
    assert session.scalar(select(ChecklistItem.status)).value == "aanwezig"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "rapport.pdf", "heet een PDF, maar de inhoud is dat niet"),
        (b"", "leeg.pdf", "is leeg"),
        (b"<html><body>hallo</body></html>", "notulen.docx", "notulen.docx"),
    ],
)
def test_uploads_are_checked_by_content(client_for, world, session, content, name, message):
    from io import BytesIO

    writer = client_for(world["writer"])
    response = writer.post(
        f"{world['base']}/documenten/toevoegen",
        data={
            "csrf_token": writer.csrf(f"{world['base']}/documenten"),
            "title": "Bijlage",
            "file": (BytesIO(content), name),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert 'value="Bijlage"' in response.get_data(as_text=True)
    from peerreview.selfeval.models import Document

    assert session.scalar(select(func.count()).select_from(Document)) == 0


def test_oversize_upload_is_refused_with_its_real_size_and_the_form_kept(app, client_for, world, monkeypatch):
    from io import BytesIO

    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    monkeypatch.setitem(app.config, "UPLOAD_MAX_MB", 1)
    writer = client_for(world["writer"])
    boundary, body = encode_multipart(  # in memory (the test client would spool a large body to a temp file)
        {
            "csrf_token": writer.csrf(f"{world['base']}/documenten"),
            "title": "Jaarverslag",
            "file": FileStorage(BytesIO(b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024 // 2) + b"\n%%EOF\n"), "groot.pdf"),
        }
    )
    response = writer.post(
        f"{world['base']}/documenten/toevoegen",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Het bestand ‘groot.pdf’ is 1,6 MB; het maximum is 1 MB." in body
    assert 'value="Jaarverslag"' in body


def test_variant_not_chosen_means_no_zelfevaluatie_yet(client_for, make, world, session):
    visitatie = world["visitatie"]
    visitatie.variant = None
    session.commit()
    assert client_for(world["coordinator"]).get(world["base"]).status_code == 404
    session.get(Visitatie, visitatie.id).variant = Variant.BASIS
    session.commit()


HOSTILE_BASES = ["99999999999999999999", str(2**31), "-1", "abc", "1e3", "٣"]


@pytest.mark.parametrize("base", HOSTILE_BASES)
def test_a_bad_base_revision_gets_a_dutch_422_and_keeps_the_text(client_for, world, session, base):
    writer = client_for(world["writer"])
    section = f"{world['base']}/onderdelen/s1"
    response = writer.post_form(section, {"s1_1.__base": base, "s1_1.html": "<p>Mijn eigen tekst</p>"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "de versie waarop je wijziging is gebaseerd klopt niet" in body and "Mijn eigen tekst" in body
    saved = autosave(writer, world, "s1_1", {"html": "<p>Tekst</p>"}, base)
    assert saved.status_code == 422 and "klopt niet" in saved.get_json()["error"]
    assert session.scalar(select(func.count(Answer.id))) == 0


def test_the_section_form_keeps_what_could_be_saved_next_to_a_refused_answer(client_for, world, session):
    writer = client_for(world["writer"])
    section = f"{world['base']}/onderdelen/s1"
    response = writer.post_form(
        section, {"s1_1.__base": "0", "s1_1.html": "<p>Goed</p>", "s1_2.__base": "x", "s1_2.html": "<p>Fout</p>"}
    )
    assert response.status_code == 422
    assert [a.question_key for a in session.scalars(select(Answer))] == ["s1_1"]


@pytest.mark.parametrize("user", ["99999999999999999999", "-3", "iemand", "424242"])
def test_assigning_to_an_unknown_user_is_refused_in_dutch(client_for, world, session, user):
    coordinator = client_for(world["coordinator"])
    overview = world["base"]
    data = {"section": "s2_3", "user": world["writer"].id}
    assert coordinator.post_form(f"{overview}/toewijzen", data, token_from=overview).status_code == 302
    response = coordinator.post_form(f"{overview}/toewijzen", {**data, "user": user}, token_from=overview)
    assert response.status_code == 422 and "Kies iemand uit de lijst." in response.get_data(as_text=True)
    assert re.search(r"2\.3 Lokale teams.*?Daan Dijkhof", coordinator.get(overview).get_data(as_text=True), re.S)


def test_reading_the_pdf_queues_nothing_and_asking_for_it_renders_it(app, client_for, world, session, run_jobs):
    complete_selfeval(app, session, world["visitatie"], world["writer"])
    coordinator = client_for(world["coordinator"])
    assert coordinator.post_form(f"{world['base']}/indienen").status_code == 302
    run_jobs()
    submission = session.scalar(select(Submission))
    submission.pdf, submission.pdf_checksum = None, None  # e.g. after consent was withdrawn
    session.commit()
    pending = coordinator.get(f"{world['base']}/pdf")
    assert pending.status_code == 202 and "PDF maken" in pending.get_data(as_text=True)
    run_jobs()
    session.expire_all()
    assert session.scalar(select(Submission)).pdf is None
    assert coordinator.post_form(f"{world['base']}/pdf").status_code == 302
    run_jobs()
    pdf = coordinator.get(f"{world['base']}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


class _FormDefaults(HTMLParser):
    """The values a browser would post for the section form as it is shown (nothing typed)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.fields and self.fields[-1][0] == self._textarea:
            self.fields[-1] = (self._textarea, self.fields[-1][1] + data)


@pytest.mark.parametrize("section_key", ["s1", "s2_1", "s2_2", "s3"])
def test_saving_a_section_without_typing_anything_stores_nothing(client_for, world, session, section_key):
    writer = client_for(world["writer"])
    url = f"{world['base']}/onderdelen/{section_key}"
    parser = _FormDefaults()
    parser.feed(writer.get(url).get_data(as_text=True))
    fields = [(k, v) for k, v in parser.fields if k != "next_section"]
    assert any(k.endswith(".__base") for k, _ in fields)
    response = writer.post(url, data=MultiDict(fields), follow_redirects=True)
    assert response.status_code == 200
    assert "Er was niets gewijzigd." in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Answer)) == 0
