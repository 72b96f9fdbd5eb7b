"""F1: what this screen is for and which keys it takes; on a handheld the text scrolls (arrows, PgUp/PgDn)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    #help-scroll { height: auto; }
    #help-hint { dock: bottom; }
    """
    BINDINGS = [Binding("escape,f1,enter", "dismiss", "Close")]

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            with VerticalScroll(id="help-scroll"):
                yield Static(self._text, id="help-text")
            yield Static("Esc, F1 or Enter closes this.", classes="hint", id="help-hint")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def on_resize(self) -> None:
        # The box's frame and the hint take three lines; the text gets the rest and scrolls within it.
        scroll = self.query_one("#help-scroll", VerticalScroll)
        scroll.styles.max_height = max(1, self.size.height - 3)
        self.call_after_refresh(self._hint)

    def _hint(self) -> None:
        more = self.query_one("#help-scroll", VerticalScroll).max_scroll_y > 0
        self.query_one("#help-hint", Static).update(
            "Arrows scroll. Esc closes." if more else "Esc, F1 or Enter closes this.")

    def action_dismiss(self) -> None:
        self.dismiss(None)
