"""Issue 18.2: SQLite's "database is locked" never reaches an operator as an error. A locked database is retried
inside core.data.db (the terminal says "database busy, retrying" meanwhile); should it stay locked past every
retry, the screen says to try again in a moment as a notice, never as an error."""
import peewee

from core.data.db import BusyError, on_wait, retrying
from tests.tui.helpers import make_app


def test_a_locked_database_is_retried_and_said_as_waiting(sqlite_demo):
    heard, tries = [], []
    stop = on_wait(heard.append)

    def transaction():
        tries.append(1)
        if len(tries) < 4:
            raise peewee.OperationalError("database is locked")
        return "saved"

    try:
        assert retrying(transaction) == "saved"
    finally:
        stop()
    assert len(tries) == 4 and heard == ["database busy, retrying", None]


async def test_a_database_locked_past_every_retry_is_a_notice_not_an_error(sqlite_demo):
    app = make_app(sqlite_demo.url, "PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        app.guard_errors = True  # as on the floor
        app._handle_exception(BusyError("the database is busy with another terminal"))
        await pilot.pause()
        notes = list(app._notifications)
        assert [n.severity for n in notes] == ["warning"]
        assert notes[0].message == "The database is not answering: nothing was saved. Try again in a moment."
