"""The jobfloor app: login, then a role's menu, then module screens. One process per terminal."""
from __future__ import annotations

import os
import time

# Textual paints a change at most 1/FPS after it happens (60 by default: up to 17 ms of waiting on every key and
# every answer). The floor's target is 30 ms from key to screen, so paint twice as soon; an idle screen paints
# nothing either way. Set before Textual is imported, and only as a default: a site (or textual-serve) may choose.
os.environ.setdefault("TEXTUAL_FPS", "120")

from textual.app import App  # noqa: E402
from textual.binding import Binding
from textual.message import Message

from core.crashlog import log_exception
from core.data.changes import ChangeWatcher
from core.data.db import DatabaseUnavailable, connection_lost, on_wait
from core.errors import JobfloorError
from core.labels.sender import StationSender
from core.site import resume
from core.site.actor import Actor
from core.site.auth import may
from tui.live import DataChanged
from tui.modules import by_key
from tui.scale_link import ScaleLink
from tui.screens.login import LoginScreen
from tui.screens.menu import MenuScreen
from tui.theme import FLOOR_THEME
from tui.widgets.status_line import StatusLine


class DatabaseWaiting(Message):
    """core.data.db is waiting for the database (text), or got through (None); posted from any thread."""

    def __init__(self, text: str | None) -> None:
        super().__init__()
        self.text = text


class JobfloorApp(App):
    CSS_PATH = "jobfloor.tcss"
    TITLE = "jobfloor"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [Binding("f10", "logout", "Logout", show=False)]

    def __init__(self, station=None, idle_logout_s: float | None = None, site_name: str = ""):
        super().__init__()
        self.station = station
        self.station_code = station.code if station is not None else None
        self.actor: Actor | None = None
        self.site_name = site_name
        self.scale_state = ""
        self.printer_state = ""
        self.idle_logout_s = idle_logout_s
        self._last_activity = time.monotonic()
        # On the floor an unexpected error is logged and said plainly; the session goes on. Tests keep it off so
        # that any such error fails them.
        self.guard_errors = False

    def on_mount(self) -> None:
        self.register_theme(FLOOR_THEME)
        self.theme = FLOOR_THEME.name
        if os.environ.get("TERM", "").startswith("vt"):
            self.add_class("-plain")  # jobfloor.tcss: ASCII frames for terminals without block characters
        self.push_screen(LoginScreen())
        # A restarting server or a dropped connection is waited out inside core.data.db (nothing to log in
        # again for); the operator sees that it is waiting instead of an error.
        self._stop_hearing_db = on_wait(lambda text: self.post_message(DatabaseWaiting(text)))
        if self.idle_logout_s:
            self.set_interval(min(5.0, self.idle_logout_s / 4), self._check_idle)

    # --- session -------------------------------------------------------------------------------------------
    def on_key(self) -> None:
        self._last_activity = time.monotonic()

    def on_click(self) -> None:
        self._last_activity = time.monotonic()

    def _check_idle(self) -> None:
        if self.actor and time.monotonic() - self._last_activity > self.idle_logout_s:
            self.action_logout(reason="You were logged out after a while without activity.")

    def logged_in(self, actor: Actor) -> None:
        self.actor = actor
        self._last_activity = time.monotonic()
        self.push_screen(MenuScreen())
        self.start_printer_sender()
        saved = resume.take(actor.user)
        module = by_key(saved[0]) if saved else None
        if module is not None:
            if may(actor.role, module.action):
                screen = module.load()()
                screen.pending_resume = saved[1]
                self.push_screen(screen)
                self.notify("Picked up where you left off.", timeout=4)

    def action_logout(self, reason: str | None = None) -> None:
        if self.actor is None:
            return

        for screen in reversed(self.screen_stack):
            key = getattr(screen, "RESUME_KEY", None)
            state = screen.resume_state() if hasattr(screen, "resume_state") else None
            if key and state:
                resume.save(self.actor.user, key, state)
                break
        else:
            resume.clear(self.actor.user)
        self.actor = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        login = self.screen_stack[-1]
        if hasattr(login, "reset"):
            login.reset(reason or "Logged out.")

    # --- other terminals' changes -----------------------------------------------------------------------
    db_url: str | None = None
    _watcher = None

    def watch_changes(self) -> None:
        """Start hearing other terminals' commits (once per session; only screens that show live data ask)."""
        if self._watcher is None and self.db_url:
            self._watcher = ChangeWatcher(self.db_url, self._changed).start()

    def _changed(self) -> None:
        # The watcher's thread: post_message is thread-safe. Every live screen in the stack hears it, not only the
        # top one: a picker answering a question over the Pick screen must still learn the job was assigned away.

        for screen in list(self.screen_stack):
            if hasattr(screen, "on_data_changed"):
                screen.post_message(DataChanged())

    database_state = ""

    def on_database_waiting(self, message: DatabaseWaiting) -> None:
        if message.text and message.text != self.database_state:
            self.notify(message.text[0].upper() + message.text[1:] + "...", severity="warning", timeout=6)
        elif message.text is None and self.database_state:
            self.notify("Database back: carry on.", timeout=3)
        self.database_state = message.text or ""

    # --- devices -------------------------------------------------------------------------------------------
    def scale_link(self):
        """The station's scale, opened on first use; None where the station has none."""
        if getattr(self, "_scale_link", None) is None:
            link = ScaleLink(self.station)
            self._scale_link = link if link.configured else False
        return self._scale_link or None

    def set_device_state(self, scale: str | None = None, printer: str | None = None) -> None:
        changed = False
        if scale is not None and scale != self.scale_state:
            self.scale_state, changed = scale, True
        if printer is not None and printer != self.printer_state:
            self.printer_state, changed = printer, True
        if changed:
            # Every screen in the stack, not only the top: a help box or a screen opened over this one would
            # otherwise leave a stale state showing when it closes.
            for screen in self.screen_stack:
                for line in screen.query(StatusLine):
                    line.refresh_from_app()

    printer_sender = None

    def start_printer_sender(self) -> None:
        """The one sender of this station's printer: labels queued here (a set from the Labels screen, a picked
        portion, a return's relabel) go out without anyone asking, and a screen that wants them out now asks
        this sender (`printer_sender.send_now`) instead of sending beside it."""
        if self.printer_sender is not None or self.station is None or not self.station.printer_url:
            return

        def report(rep) -> None:
            state = "offline: labels queued" if rep.errors else "ready"
            try:
                self.call_from_thread(self.set_device_state, printer=state)
            except RuntimeError:
                pass  # the app is closing: nobody to tell

        self.printer_sender = StationSender(self.station.printer_url, interval=5.0, on_report=report).start()

    def on_unmount(self) -> None:
        if getattr(self, "_stop_hearing_db", None):
            self._stop_hearing_db()
        if self.printer_sender is not None:
            self.printer_sender.stop()
        link = getattr(self, "_scale_link", None)
        if link:
            link.stop()
        if self._watcher is not None:
            self._watcher.stop()

    def _handle_exception(self, error: Exception) -> None:
        if not self.guard_errors or isinstance(error, (KeyboardInterrupt, SystemExit)):
            return super()._handle_exception(error)

        if isinstance(error, DatabaseUnavailable) or connection_lost(error):
            # Not the operator's error, nor a fault: the database is away longer than a restart takes.
            self.notify("The database is not answering: nothing was saved. Try again in a moment.",
                        severity="warning", timeout=8)
            return
        if isinstance(error, JobfloorError):
            self.signal_error(str(error))
            return
        where = log_exception(error, self.db_url)
        self.signal_error(f"Something went wrong ({type(error).__name__}); nothing half-done was kept. "
                          f"Try again; if it happens again, call support (details in {where}).")

    def action_quit(self) -> None:
        # Leaving (Ctrl+Q) with someone logged in is a logout first, so the next login resumes their work.
        if self.actor is not None:
            self.action_logout()
        self.exit()

    def get_key_display(self, binding) -> str:
        # Written as printed on the keyboard, the same on every screen: "F1", "Esc", "Space".
        key = binding.key
        if not binding.key_display:
            if key[:1] == "f" and key[1:].isdigit():
                return key.upper()
            if key == "escape":
                return "Esc"
        shown = super().get_key_display(binding)
        return shown.capitalize() if len(shown) > 1 and shown.isalpha() and shown.islower() else shown

    # --- feedback ------------------------------------------------------------------------------------------
    def signal_ok(self, message: str | None = None, toast: bool = True) -> None:
        """Success: a short flash of the screen (seen from a step away), and the message unless shown inline."""
        self._flash("flash-ok")
        if message and toast:
            self.notify(message, timeout=3)

    def signal_error(self, message: str, toast: bool = True) -> None:
        """A distinct signal for errors: the terminal bell, a red flash, and a message that stays until read."""
        self.bell()
        self._flash("flash-error")
        if toast:
            self.notify(message, severity="error", timeout=8)

    def _flash(self, css_class: str) -> None:
        screen = self.screen
        screen.add_class(css_class)
        self.set_timer(0.35, lambda: screen.remove_class(css_class))
