"""Issue 18.2 on the screen: the database drops every connection of a logged-in terminal (a server restart, a
network cut); the operator's next inquiry is answered, the session is the same (no new login), and what the
screen said meanwhile is "database unavailable, retrying", never an error."""
import psycopg2
import pytest

from tests.conftest import PG_HOST
from tests.tui.helpers import login, make_app, open_module, screen_text, type_text, wait_for

pytestmark = pytest.mark.parametrize("db_url", ["pg"], indirect=True)


def _drop_every_connection(dbname: str) -> int:
    admin = psycopg2.connect(PG_HOST + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s "
                    "AND pid <> pg_backend_pid()", (dbname,))
        dropped = cur.fetchone()[0]
    admin.close()
    return dropped


async def _inquire(pilot, app, what: str, expect: str):
    await type_text(pilot, what)
    await pilot.press("enter")
    await wait_for(pilot, lambda: expect in screen_text(app))


async def test_a_dropped_connection_is_waited_out_without_a_new_login(demo):
    app = make_app(demo.url, "PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "PK1", "2222")
        await open_module(pilot, "stock")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "StockScreen")
        await _inquire(pilot, app, "RM-YEAST", "T000141")
        actor = app.actor
        assert _drop_every_connection(demo.url.rsplit("/", 1)[1]) >= 1
        await _inquire(pilot, app, "RM-SALT", "item RM-SALT")
        assert app.actor is actor and type(app.screen).__name__ == "StockScreen"
        said = [n.message for n in app._notifications]
        assert not [n for n in app._notifications if n.severity == "error"], said
        assert "Database unavailable, retrying..." in said and "Database back: carry on." in said
