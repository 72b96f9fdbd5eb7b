"""F1: what this screen is for and which keys it takes."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,enter", "dismiss", "Close")]

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(self._text, id="help-text")
            yield Static("Esc, F1 or Enter closes this.", classes="hint")

    def action_dismiss(self) -> None:
        self.dismiss(None)
