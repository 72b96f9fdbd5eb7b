"""A PIN is never shown in clear, wherever it is typed (issue 21.1): digits in the user field are drawn masked, and
a PIN entered there is refused without being repeated in the message, the screen or the audit trail."""
from core.data.models import AuditEvent
from tests.tui.helpers import login, make_app, screen_text, type_text, wait_for


def _drawn(app) -> str:
    return app.export_screenshot()


async def test_a_pin_typed_into_the_user_field_is_masked_and_refused_unrepeated(sqlite_demo):
    app = make_app(sqlite_demo.url, "PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "2222")
        await pilot.pause()
        assert "2222" not in _drawn(app) and "••••" in _drawn(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "looked like a PIN" in screen_text(app))
        assert "2222" not in screen_text(app) and "2222" not in _drawn(app)
        assert app.screen.query_one("#user").value == "" and app.focused is app.screen.query_one("#user")
        # the right way round still works at once
        await login(pilot, "PK1", "2222")
        assert app.actor.user == "PK1"
    said = AuditEvent.detail.contains("2222") | AuditEvent.subject.contains("2222")
    assert not AuditEvent.select().where(said).exists()


async def test_a_user_code_shows_as_typed_and_a_numeric_code_still_logs_in(sqlite_demo):
    from core.site.auth import add_user

    add_user("4711", "picker", "5678")  # some sites number their people
    app = make_app(sqlite_demo.url, "PICK-1")
    async with app.run_test(size=(40, 16)) as pilot:
        await type_text(pilot, "PK1")
        await pilot.pause()
        assert "PK1" in _drawn(app)
        app.screen.query_one("#user").value = ""
        await login(pilot, "4711", "5678")
        assert app.actor.user == "4711"
