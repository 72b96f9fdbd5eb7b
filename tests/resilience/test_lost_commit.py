"""Issue 18.2, the moment that matters: the connection to PostgreSQL is lost around the COMMIT of a pick.

Lost before the COMMIT went out, the server rolled the pick back and it is simply done again, once. Lost after
the server committed (only the answer was lost), jobfloor asks the server how that transaction ended instead of
guessing: a pick with a request id is answered "already recorded" (done once); one without is never redone, and
the picker is told it was saved. The backend is really terminated (pg_terminate_backend) at that moment.
"""
import peewee
import psycopg2
import pytest

from core.data.db import CommitInDoubt
from core.data.models import JobLine, Movement, PickTask, Posting
from core.jobs.picking import confirm_pick
from core.jobs.release import release
from tests.conftest import PG_HOST

JOB = "000000000012345"
pytestmark = pytest.mark.parametrize("db_url", ["pg"], indirect=True)


def _terminate(pid: int) -> None:
    admin = psycopg2.connect(PG_HOST + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", (pid,))
    admin.close()


@pytest.fixture
def lose_connection(monkeypatch):
    """lose_connection("before" | "after"): the next COMMIT loses its connection before it is sent, or after
    the server committed it (the answer lost on the way back)."""
    original = peewee.Database.commit
    armed = []

    def commit(self):
        if not armed:
            return original(self)
        when = armed.pop()
        pid = self._state.conn.get_backend_pid()
        if when == "before":
            _terminate(pid)
            return original(self)  # fails for real: the server is no longer there to commit
        original(self)
        _terminate(pid)
        raise peewee.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(peewee.Database, "commit", commit)
    return armed.append


@pytest.fixture
def task(demo, actors):
    release(actors["planner"], [JOB])
    return PickTask.select().join(JobLine).where((JobLine.job == JOB) & (JobLine.line == 1)).first()


def _picks() -> int:
    return Movement.select().where((Movement.job == JOB) & (Movement.line == 1) & (Movement.qty > 0)).count()


def test_lost_before_the_commit_the_pick_is_done_again_once(task, actors, lose_connection):
    lose_connection("before")
    result = confirm_pick(actors["picker"], JOB, 1, task.unit_id, task.qty)
    assert not result.repeated
    assert _picks() == 1 and Posting.select().where(Posting.job == JOB).count() == 1


def test_lost_after_the_commit_a_pick_with_a_request_id_is_answered_already_recorded(task, actors,
                                                                                      lose_connection):
    lose_connection("after")
    result = confirm_pick(actors["picker"], JOB, 1, task.unit_id, task.qty, request_id="r" * 32)
    assert result.repeated  # the second run found the first one's commit by its request id
    assert _picks() == 1 and Posting.select().where(Posting.job == JOB).count() == 1


def test_lost_after_the_commit_a_pick_without_a_request_id_is_never_redone(task, actors, lose_connection):
    lose_connection("after")
    with pytest.raises(CommitInDoubt, match="it was saved, but the connection to the database dropped"):
        confirm_pick(actors["picker"], JOB, 1, task.unit_id, task.qty)
    assert _picks() == 1 and Posting.select().where(Posting.job == JOB).count() == 1
