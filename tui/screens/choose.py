"""Pick one of a few codes (a reason), by number or arrows and Enter; Esc chooses nothing."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class ChooseScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ChooseScreen { align: center middle; }
    #choose-box { width: 60; max-width: 100%; height: auto; max-height: 100%; border: thick $primary;
                  background: $surface; padding: 0 1; }
    #choose-box OptionList { height: auto; max-height: 12; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")] + [
        Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)]

    def __init__(self, question: str, choices: dict[str, str]):
        super().__init__()
        self._question = question
        self._codes = list(choices)
        self._choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="choose-box"):
            yield Static(self._question)
            yield OptionList(*[Option(f"{n} {text}", id=code)
                               for n, (code, text) in enumerate(self._choices.items(), 1)])
            yield Static("Number or Enter chooses, Esc cancels.", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_pick(self, n: int) -> None:
        if 1 <= n <= len(self._codes):
            self.dismiss(self._codes[n - 1])

    def action_cancel(self) -> None:
        self.dismiss(None)
