"""The floor terminal's shell: login, menu by role, Esc, logout, resume, stock inquiry."""
from tests.tui.helpers import login, make_app, open_module, screen_text, type_text, wait_for


async def test_login_menu_and_stock_inquiry(sqlite_demo):
    app = make_app(sqlite_demo.url, "PICK-1")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "PK1", "2222")
        assert "Stock inquiry" in screen_text(app)
        await open_module(pilot, "stock")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "StockScreen")
        await type_text(pilot, "RM-YEAST")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "T000141" in screen_text(app))
        text = screen_text(app)
        assert "item RM-YEAST: 5 unit(s), 42.15 KG" in text
        assert "YE2611-20" in text and "HOLD" in text
        await pilot.press("escape")
        assert type(app.screen).__name__ == "MenuScreen"


async def test_wrong_pin_says_so_and_stays(sqlite_demo):
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "PK1")
        await pilot.press("enter")
        await type_text(pilot, "9999")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "wrong PIN" in screen_text(app))
        assert type(app.screen).__name__ == "LoginScreen" and app.actor is None


async def test_badge_scan_logs_in(sqlite_demo):
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "BADGE-SV1")
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "MenuScreen")
        assert app.actor.user == "SV1"


async def test_unknown_lookup_says_what_to_do(sqlite_demo):
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "OP1", "1111")
        await open_module(pilot, "stock")
        await type_text(pilot, "T999999")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Nothing found for 'T999999'" in screen_text(app))


async def test_logout_then_login_resumes_the_inquiry(sqlite_demo):
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "OP1", "1111")
        await open_module(pilot, "stock")
        await type_text(pilot, "A-01-01")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "T000101" in screen_text(app))
        await pilot.press("f10")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LoginScreen")
        assert app.actor is None
        await login(pilot, "OP1", "1111")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "StockScreen" and "T000104" in screen_text(app))


async def test_idle_session_logs_out(sqlite_demo):
    app = make_app(sqlite_demo.url)
    app.idle_logout_s = 1.0
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "OP1", "1111")
        app.set_interval(0.1, app._check_idle)
        await wait_for(pilot, lambda: app.actor is None, timeout=10)
        assert type(app.screen).__name__ == "LoginScreen"


async def test_stock_inquiry_reflows_at_40x16(sqlite_demo):
    app = make_app(sqlite_demo.url)
    async with app.run_test(size=(40, 16)) as pilot:
        await login(pilot, "PK1", "2222")
        await open_module(pilot, "stock")
        await type_text(pilot, "T000107")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "412.35" in screen_text(app))
        text = screen_text(app)
        # the narrow table drops columns; the detail line keeps lot, location and expiry in view
        assert "FL2609-07" in text and "A-01-02" in text and "2027-03-20" in text
