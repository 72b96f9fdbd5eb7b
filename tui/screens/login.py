"""Login: scan a badge, or type a user code and PIN."""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from core.errors import JobfloorError


class LoginScreen(Screen):
    def compose(self) -> ComposeResult:
        app = self.app
        with Vertical(id="login-box"):
            yield Static(f"jobfloor  {app.site_name}".rstrip(), classes="title")
            yield Static(f"Station: {app.station_code or 'none'}", classes="hint", id="station")
            yield Static("Scan your badge, or type your user code:", classes="hint")
            yield Input(placeholder="badge or user code", id="user")
            yield Input(placeholder="PIN", password=True, id="pin", restrict=r"\d*", max_length=12)
            yield Static("", id="message")

    def on_mount(self) -> None:
        self.query_one("#user", Input).focus()

    def reset(self, message: str = "") -> None:
        self.query_one("#user", Input).value = ""
        self.query_one("#pin", Input).value = ""
        self._say(message, error=False)
        self.query_one("#user", Input).focus()

    def _say(self, text: str, error: bool = True) -> None:
        msg = self.query_one("#message", Static)
        msg.update(text)
        msg.set_classes("error" if error else "hint")

    @on(Input.Submitted, "#user")
    def _user_entered(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self._say("Type your user code or scan your badge.")
            return
        self._try_badge(value)

    @on(Input.Submitted, "#pin")
    def _pin_entered(self, event: Input.Submitted) -> None:
        code = self.query_one("#user", Input).value.strip()
        if not code:
            self.query_one("#user", Input).focus()
            return
        self._try_pin(code, event.value)

    @work(thread=True, exclusive=True, group="login")
    def _try_badge(self, value: str) -> None:
        from core.auth import badge_or_code

        try:
            actor = badge_or_code(value, self.app.station_code)
        except JobfloorError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        if actor:
            self.app.call_from_thread(self._success, actor)
        else:
            self.app.call_from_thread(self.query_one("#pin", Input).focus)

    @work(thread=True, exclusive=True, group="login")
    def _try_pin(self, code: str, pin: str) -> None:
        from core.auth import login

        try:
            actor = login(code, pin, self.app.station_code)
        except JobfloorError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._success, actor)

    def _failed(self, message: str) -> None:
        self.query_one("#pin", Input).value = ""
        self._say(message)
        self.app.bell()
        self.query_one("#pin" if self.query_one("#user", Input).value else "#user", Input).focus()

    def _success(self, actor) -> None:
        self._say("", error=False)
        self.query_one("#user", Input).value = ""
        self.query_one("#pin", Input).value = ""
        self.app.logged_in(actor)
