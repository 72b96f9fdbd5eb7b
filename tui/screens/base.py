"""What every floor screen shares: the status line on top, the function keys below, Esc to go back."""
from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from tui.widgets.floor_footer import FloorFooter
from tui.widgets.status_line import StatusLine


class FloorScreen(Screen):
    """Subclasses give `body()`, `HELP` and, when there is something worth resuming, `resume_state()`."""

    HELP = "Esc goes back. F10 logs out."
    RESUME_KEY: str | None = None  # the module key to reopen at the next login
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("f1", "help", "Help"),
        Binding("f10", "app.logout", "Logout"),
    ]

    pending_resume: dict | None = None

    @property
    def active_bindings(self):
        # One key map on every screen, whatever order a screen declares its keys in: Esc Back, F1 Help and F10 Logout
        # first and always in the same place, then the screen's own F-keys in order, then its letter keys.
        return dict(sorted(super().active_bindings.items(), key=lambda item: _footer_place(item[0])))

    def on_mount(self) -> None:
        # Textual calls each class's on_mount in turn, so subclasses keep their own.
        if self.pending_resume:
            state, self.pending_resume = self.pending_resume, None
            self.call_after_refresh(self.restore, state)

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield from self.body()
        yield FloorFooter()

    def body(self) -> ComposeResult:
        return iter(())

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 3:  # below: the default screen, login and the menu
            self.app.pop_screen()

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self.HELP))

    def remember(self) -> None:
        """Save what resume_state() says now, so a dropped session (SSH gone, power cut) resumes here too."""
        if self.RESUME_KEY and self.app.actor is not None:
            self._save_resume(self.app.actor.user, self.RESUME_KEY, self.resume_state())

    @work(thread=True, group="resume", exclusive=True)
    def _save_resume(self, user: str, key: str, state: dict | None) -> None:
        from core.site import resume

        if state:
            resume.save(user, key, state)
        else:
            resume.clear(user)

    def resume_state(self) -> dict | None:
        return None

    def restore(self, state: dict) -> None:
        """Called with what resume_state() gave at the last logout."""


def _footer_place(key: str) -> tuple[int, int]:
    fixed = {"escape": 0, "f1": 1, "f10": 2}
    if key in fixed:
        return (0, fixed[key])
    if key[:1] == "f" and key[1:].isdigit():
        return (1, int(key[1:]))
    return (2, 0)  # sorted() is stable: letter keys keep the screen's own order
