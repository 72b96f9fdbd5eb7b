"""The role's menu: number keys or arrows and Enter open a module."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.modules import modules_for
from tui.screens.base import FloorScreen

# 1-9, then 0 for the tenth module, like the keys across the top of the keyboard; then letters, so a supervisor's
# eleventh module (Locks and holds) has a key of its own too.
MENU_KEYS = "1234567890abcdefghijklmnopqrstuvwxyz"


class MenuScreen(FloorScreen):
    HELP = ("Menu: the modules your role may use.\n\n"
            "1-9 (0 for the tenth, then a, b...) or arrows + Enter: open a module\nF10: log out\n"
            "In any module, Esc comes back here.")
    BINDINGS = [Binding(key, f"open({n})", show=False) for n, key in enumerate(MENU_KEYS, 1)]

    def body(self) -> ComposeResult:
        role = self.app.actor.role if self.app.actor else "operator"
        self._modules = modules_for(role)
        yield Static("Menu", classes="title")
        yield OptionList(*[Option(f"{key}  {m.title}", id=m.key)
                           for key, m in zip(MENU_KEYS, self._modules)], id="menu")
        yield Static("Number or Enter to open. F10 logs out.", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#menu", OptionList).focus()

    def action_back(self) -> None:
        self.say("This is the menu. F10 logs out.", toast=True)

    def action_open(self, n: int) -> None:
        if 1 <= n <= len(self._modules):
            self._open(self._modules[n - 1].key)

    @on(OptionList.OptionSelected, "#menu")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._open(event.option.id)

    def _open(self, key: str) -> None:
        module = next(m for m in self._modules if m.key == key)
        self.app.push_screen(module.load()())
