"""The demo: seeding twice changes nothing, and every demo role logs in to its own home page."""

import pytest
from sqlalchemy import func, select

from peerreview import demo
from peerreview.accounts.models import User
from peerreview.rounds.models import Visitatie
from peerreview.tenants.models import Gemeente


@pytest.fixture
def seeded(app, session):
    with app.test_request_context():
        assert demo.seed(session) is True
        session.commit()
        assert demo.seed(session) is False
        session.commit()
    return session


def test_demo_has_the_report_and_drenthe_municipalities(seeded):
    names = set(seeded.scalars(select(Gemeente.name)))
    assert {"Deventer", "Peel en Maas", "Roosendaal", "Utrecht", "Zaltbommel", "Apeldoorn"} <= names
    assert {"Coevorden", "Hoogeveen", "Emmen", "Assen"} <= names
    coevorden = seeded.scalar(select(Gemeente).where(Gemeente.name == "Coevorden"))
    assert coevorden.cbs_code == "GM0109"
    assert coevorden.jeugdregio.name == "Drenthe"
    assert coevorden.size_class == "20.000–50.000"
    assert seeded.scalar(select(func.count()).select_from(Visitatie)) == len(demo.PARTICIPANTS)
    assert seeded.scalar(select(func.count()).select_from(User)) == 3 + 2 * len(demo.GEMEENTEN)


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("admin@netwerk.demo", "Gebruikers en rollen"),
        ("coordinator@netwerk.demo", "Lopende rondes"),
        ("analist@netwerk.demo", "Er zijn nog geen definitieve gemeenteportretten"),
        ("coordinator@deventer.demo", "Deventer: Visitatieronde jeugdhulp 2026–2027"),
        ("invuller@peel-en-maas.demo", "Peel en Maas: Visitatieronde jeugdhulp 2026–2027"),
        ("coordinator@coevorden.demo", "Coevorden: Visitatieronde jeugdhulp 2026–2027"),
        ("invuller@arnhem.demo", "doet nog niet mee aan een visitatieronde"),
    ],
)
def test_every_demo_role_logs_in_and_sees_its_home_page(seeded, client, email, expected):
    response = client.post_form("/inloggen", {"email": email, "password": demo.PASSWORD})
    assert response.status_code == 302, email
    home = client.get("/")
    assert home.status_code == 200
    assert expected in home.get_data(as_text=True)


def test_demo_has_self_evaluations_in_several_states(seeded):
    from peerreview.rounds.models import VisitatieState
    from peerreview.selfeval.models import Answer, AnswerRevision, Casus, Submission

    def visitatie(slug):
        return seeded.scalar(select(Visitatie).join(Gemeente).where(Gemeente.slug == slug))

    seeded.expire_all()  # the PDF was rendered by a job in its own session
    deventer, peel, emmen = visitatie("deventer"), visitatie("peel-en-maas"), visitatie("emmen")
    assert deventer.state is VisitatieState.INGEDIEND
    submission = seeded.scalar(select(Submission).where(Submission.visitatie_id == deventer.id))
    assert submission.pdf.startswith(b"%PDF")
    assert len(submission.snapshot["answers"]) > 60
    assert seeded.scalar(select(func.count()).select_from(Casus).where(Casus.visitatie_id == peel.id)) == 3
    emmen_answers = seeded.scalar(select(func.count()).select_from(Answer).where(Answer.visitatie_id == emmen.id))
    assert 0 < emmen_answers < 10
    # some answers have an earlier draft, so the history shows a change
    assert seeded.scalar(select(func.max(AnswerRevision.number))) == 2
