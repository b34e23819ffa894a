"""The test isolation of tests/conftest.py: every session of a test runs in a savepoint of one outer
transaction, and each ends with the effect its own transaction would have had."""

import pytest
from sqlalchemy import func, select

from peerreview.tenants.models import Gemeente


def gemeente(name: str, code: str) -> Gemeente:
    return Gemeente(name=name, slug=name.lower(), cbs_code=code, province="Overijssel", inhabitants=10_000)


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Gemeente))


@pytest.fixture
def sessions(app):
    maker = app.extensions["peerreview.sessionmaker"]
    opened = []

    def new():
        opened.append(maker())
        return opened[-1]

    yield new
    for s in reversed(opened):
        s.close()


def test_a_read_only_session_keeps_what_was_committed_inside_it(sessions):
    """A GET's session reads, record_read commits an audit row in its own session, the GET's session
    is rolled back at teardown: the row stays, as with real transactions."""
    request = sessions()
    assert count(request) == 0  # the request session now holds a savepoint
    audit = sessions()
    audit.add(gemeente("Aardam", "GM9001"))
    audit.commit()
    request.rollback()
    request.close()
    assert count(sessions()) == 1


def test_a_session_that_wrote_rolls_back_its_own_rows_only(sessions):
    first = sessions()
    first.add(gemeente("Aardam", "GM9001"))
    first.commit()
    second = sessions()
    second.add(gemeente("Beekdorp", "GM9002"))
    second.flush()
    assert count(second) == 2
    second.rollback()
    assert [g.name for g in sessions().scalars(select(Gemeente))] == ["Aardam"]


def test_sessions_may_end_out_of_stack_order(sessions):
    """An inline job commits while a session its code opened (inside the job's) is still open."""
    job = sessions()
    assert count(job) == 0
    inner = sessions()
    assert count(inner) == 0  # a newer savepoint, still open
    job.add(gemeente("Aardam", "GM9001"))
    job.commit()  # no RELEASE: that would release the inner session's savepoint too
    assert count(inner) == 1
    inner.close()
    later = sessions()
    later.add(gemeente("Beekdorp", "GM9002"))
    later.rollback()
    assert count(later) == 1


def test_a_writing_session_cannot_roll_back_over_another_open_session(sessions):
    writer = sessions()
    writer.add(gemeente("Aardam", "GM9001"))
    writer.flush()
    reader = sessions()
    assert count(reader) == 1
    with pytest.raises(RuntimeError, match="real_commits"):
        writer.rollback()
    reader.close()
    writer.rollback()
    assert count(sessions()) == 0
