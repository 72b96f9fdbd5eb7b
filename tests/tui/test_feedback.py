"""One feedback helper for every screen (issue 19.7): core's refusal reaches the user as a sentence on the
screen's own line, from a worker thread, with the error signal; nothing is caught by type name."""
from core.errors import NotFound
from tests.tui.helpers import login, make_app, open_module, type_text, wait_for
from tui.screens.base import sentence


def test_a_refusal_reads_as_a_sentence():
    assert sentence(NotFound("lot NOPE is not known: check the code")) == "Lot NOPE is not known: check the code."
    assert sentence("Saved.") == "Saved."
    assert sentence("file:///tmp/x.bin: not there") == "file:///tmp/x.bin: not there."  # an address as written
    assert sentence(NotFound("")) == "That did not work; nothing was changed."


async def test_core_refusal_from_a_worker_lands_on_the_screens_line(sqlite_demo):
    from textual.widgets import Static

    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "SV1", "3333")
        await open_module(pilot, "trace")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "TraceScreen")
        await type_text(pilot, "NOSUCHLOT")
        await pilot.press("enter")
        line = app.screen.query_one("#summary", Static)
        await wait_for(pilot, lambda: line.has_class("error"))
        said = str(line.render())
        assert said == "'NOSUCHLOT' is not a known lot, TrackID or SSCC: check the code, or scan the label again."
        assert app.screen.has_class("flash-error")  # the distinct error signal, not only words
