"""A yes/no question before an action that changes stock: Enter or y confirms, Esc or n does not."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    #confirm-box { width: 60; max-width: 100%; height: auto; border: thick $primary; background: $surface;
                   padding: 0 1; }
    """
    BINDINGS = [Binding("enter,y", "answer(True)", "Yes"), Binding("escape,n", "answer(False)", "No")]

    def __init__(self, question: str):
        super().__init__()
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self._question)
            yield Static("Enter = yes    Esc = no", classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
