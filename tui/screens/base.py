"""What every floor screen shares: the status line on top, the function keys below, Esc to go back, and one way
to tell the user how it went (say / ok / fail, and `answer()` / `refusals()` for core's errors)."""
from __future__ import annotations

import threading
from contextlib import contextmanager

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Static

from core.errors import JobfloorError
from core.site import resume
from tui.screens.help import HelpScreen
from tui.widgets.floor_footer import FloorFooter
from tui.widgets.status_line import StatusLine


class Answers:
    """One way for a screen's worker threads to hand core's answer back to the UI thread. FloorScreen has it, and
    so has the login screen, which is no FloorScreen."""

    def answer(self, call, then, refused=None) -> None:
        """From a worker thread: run the core call `call()`; its result goes to `then(result)` on the UI thread, a
        refusal (JobfloorError) to `refused(message)` instead, with core's message as it is (default: a
        FloorScreen's `fail`, the feedback line, which makes a sentence of it; the login screen names its own)."""
        try:
            result = call()
        except JobfloorError as exc:
            self._on_ui(refused or self.fail, str(exc))
            return
        self._on_ui(then, result)

    def _on_ui(self, fn, *args) -> None:
        if threading.get_ident() == getattr(self.app, "_thread_id", None):
            fn(*args)
        else:
            self.app.call_from_thread(fn, *args)


class FloorScreen(Answers, Screen):
    """Subclasses give `body()`, `HELP` and, when there is something worth resuming, `resume_state()`."""

    HELP = "Esc goes back. F10 logs out."
    RESUME_KEY: str | None = None  # the module key to reopen at the next login
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("f1", "help", "Help"),
        Binding("f10", "app.logout", "Logout"),
    ]

    MESSAGE = "#message"  # the screen's feedback line; a screen without one gets its feedback as a toast
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
        self.app.push_screen(HelpScreen(self.HELP))

    @property
    def open(self) -> bool:
        """Still one of the app's screens. A worker's answer that lands after the screen was closed (a live refresh
        racing Esc or logout) is dropped rather than drawn into widgets that are being taken down."""
        return self.is_attached and self in self.app.screen_stack

    def remember(self) -> None:
        """Save what resume_state() says now, so a dropped session (SSH gone, power cut) resumes here too."""
        if self.RESUME_KEY and self.app.actor is not None:
            self._save_resume(self.app.actor.user, self.RESUME_KEY, self.resume_state())

    @work(thread=True, group="resume", exclusive=True)
    def _save_resume(self, user: str, key: str, state: dict | None) -> None:
        if state:
            resume.save(user, key, state)
        else:
            resume.clear(user)

    def resume_state(self) -> dict | None:
        return None

    # --- feedback ---------------------------------------------------------------------------------------------
    # One way for every screen to tell the user how it went: say / ok / fail, from the UI thread or a worker, on
    # the screen's MESSAGE line. Core's refusals arrive through `answer()` (a worker's core call and what follows
    # it) or `refusals()` (a block of core calls), as sentences; no screen catches JobfloorError in a worker or
    # looks at an error's type name. Kitbins, release and board speak through the app's toasts (signal_ok /
    # signal_error); the login screen has `answer()` only (Answers), its message line is its own.
    def say(self, text: str, *, toast: bool = False) -> None:
        """Plain information or the next step ("Scan the container.")."""
        self._on_ui(self._tell, text, "hint", toast)

    def ok(self, text: str = "", *, toast: bool = False) -> None:
        """Something was done: the screen flashes green and the line says what."""
        self._on_ui(self._tell, text, "ok", toast)

    def fail(self, text: str | JobfloorError, *, toast: bool = False) -> None:
        """Something was refused or went wrong: bell, red flash, and the line says what to do."""
        self._on_ui(self._tell, sentence(text), "error", toast)

    @contextmanager
    def refusals(self, *, toast: bool = False, show: bool = True):
        """The one error path for core calls: a JobfloorError inside becomes `fail(sentence)` and the yielded
        flag turns true, so the caller stops there (show=False: an expected refusal the screen explains itself):

            with self.refusals() as refused:
                result = trace(text)
            if refused:
                return
        """
        refused = Refused()
        try:
            yield refused
        except JobfloorError as exc:
            refused.error = exc
            if show:
                self.fail(exc, toast=toast)

    def _tell(self, text: str, kind: str, toast: bool = False, signal: bool = True) -> None:
        """On the UI thread. signal=False: the line only, no flash or bell (a highlighted row's state)."""
        try:
            line = self.query_one(self.MESSAGE, Static)
        except NoMatches:
            line, toast = None, toast or bool(text)
        if line is not None:
            line.update(text)
            line.set_classes(kind)
        if not signal:
            return
        if kind == "ok":
            self.app.signal_ok(text or None, toast=toast)
        elif kind == "error":
            self.app.signal_error(text, toast=toast)
        elif toast and text:
            self.app.notify(text, timeout=4)

    def restore(self, state: dict) -> None:
        """Called with what resume_state() gave at the last logout."""


def _footer_place(key: str) -> tuple[int, int]:
    fixed = {"escape": 0, "f1": 1, "f10": 2}
    if key in fixed:
        return (0, fixed[key])
    if key[:1] == "f" and key[1:].isdigit():
        return (1, int(key[1:]))
    return (2, 0)  # sorted() is stable: letter keys keep the screen's own order


class Refused:
    """What `FloorScreen.refusals()` yields: true once core refused, with the error kept for a screen that needs
    more than its sentence."""

    error: JobfloorError | None = None

    def __bool__(self) -> bool:
        return self.error is not None


def sentence(problem: str | JobfloorError) -> str:
    """Core's message as a sentence a person reads: a capital first (unless it starts with a code or an address,
    written as it is: "file:///...", "T000123"), a full stop at the end."""
    text = str(problem).strip()
    if not text:
        return "That did not work; nothing was changed." if isinstance(problem, JobfloorError) else ""
    if text.split(maxsplit=1)[0].isalpha():
        text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?:)" else text + "."
