from textual import events
from textual._xterm_parser import XTermParser
from textual.app import App, ComposeResult
from textual.message import Message

from core.gs1.scan import CHECK_DIGIT_MESSAGE, GS
from tui.widgets.scan_input import GS_KEY, GS_SHOWN, ScanInput

GTIN = "09501101530003"  # valid check digit (GS1's example GTIN)
GTIN_BAD = "95011015300003"  # check digit should be 7


class ScanApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.got: list[Message] = []

    def compose(self) -> ComposeResult:
        yield ScanInput(locations={"BAY-3"}, id="scan")

    def on_scan_input_scanned(self, message: ScanInput.Scanned) -> None:
        self.got.append(message)

    def on_scan_input_scan_failed(self, message: ScanInput.ScanFailed) -> None:
        self.got.append(message)


def keys(text: str) -> list[str]:
    # How a keyboard-wedge scanner arrives: one key per character, GS as its key.
    return [GS_KEY if ch == GS else ch for ch in text]


def test_terminal_sends_gs_as_the_key_the_widget_handles():
    # Guards the widget's assumption against Textual's real input parser, for both
    # the legacy byte and the kitty keyboard protocol.
    parsed = [e for e in XTermParser().feed(f"1{GS}\x1b[93;5u") if isinstance(e, events.Key)]
    assert [e.key for e in parsed] == ["1", GS_KEY, GS_KEY]


async def test_scanned_gs1_keeps_separators():
    app = ScanApp()
    async with app.run_test() as pilot:
        # Lot then GS then more fields: without the GS key the weight joins the lot.
        scan_text = f"]C101{GTIN}10L1{GS}3103012500{GS}21S9"
        await pilot.press(*keys(scan_text))
        field = app.query_one(ScanInput)
        assert field.value == scan_text.replace(GS, GS_SHOWN)
        assert field.scan_text == scan_text
        await pilot.press("enter")
        await pilot.pause()
        assert field.value == ""
    [message] = app.got
    assert isinstance(message, ScanInput.Scanned)
    assert message.control is field
    scan = message.scan
    assert scan.kind == "gtin"
    assert scan.raw == scan_text
    assert (scan.gtin, scan.lot, scan.serial) == (GTIN, "L1", "S9")
    assert scan.net_kg_milli == 12_500


async def test_typed_track_id_and_location():
    app = ScanApp()
    async with app.run_test() as pilot:
        await pilot.press(*"T000123", "enter", *"BAY-3", "enter")
        await pilot.pause()
    assert [(m.scan.kind, m.scan.track_id, m.scan.location) for m in app.got] == [
        ("track_id", "T000123", None),
        ("location", None, "BAY-3"),
    ]


async def test_bad_scan_fails_and_clears():
    app = ScanApp()
    async with app.run_test() as pilot:
        await pilot.press(*keys(f"]C101{GTIN_BAD}"), "enter")
        await pilot.pause()
        assert app.query_one(ScanInput).value == ""
    [message] = app.got
    assert isinstance(message, ScanInput.ScanFailed)
    assert message.message == CHECK_DIGIT_MESSAGE
    assert message.raw == f"]C101{GTIN_BAD}"


async def test_empty_enter_posts_nothing():
    app = ScanApp()
    async with app.run_test() as pilot:
        await pilot.press("enter", "space", "enter")
        await pilot.pause()
    assert app.got == []


async def test_paste_keeps_gs_and_stops_at_line_end():
    app = ScanApp()
    async with app.run_test() as pilot:
        field = app.query_one(ScanInput)
        field.post_message(events.Paste(f"01{GTIN}10AB{GS}21C\r\nignored"))
        await pilot.pause()
        assert field.scan_text == f"01{GTIN}10AB{GS}21C"
        await pilot.press("enter")
        await pilot.pause()
    [message] = app.got
    assert (message.scan.lot, message.scan.serial) == ("AB", "C")
