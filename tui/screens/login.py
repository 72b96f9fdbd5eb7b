"""Login: scan a badge, or type a user code and PIN."""
from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from core.site.auth import badge_or_code, login
from tui.screens.base import Answers
from tui.screens.help import HelpScreen
from tui.widgets.floor_footer import FloorFooter


class UserField(Input):
    """The user code field. Digits alone look like a PIN typed first, so they are drawn masked as the PIN field
    draws its own: a PIN never shows in clear, whichever field it lands in (issue 21.1)."""

    @property
    def _value(self) -> Text:
        if self.value.strip().isdigit():
            return Text("•" * len(self.value), no_wrap=True, overflow="ignore", end="")
        return super()._value


class LoginScreen(Answers, Screen):
    # Enter is taken as the key arrives, not after the field has caught up: typed ahead ("PK1", Enter, "2222",
    # Enter in one burst, as a quick typist or an SSH link delivers it), the PIN's digits must already go to the
    # PIN field. Each field still reads its value only once the keys sent to it before Enter are in.
    BINDINGS = [Binding("enter", "enter", show=False, priority=True), Binding("f1", "help", "Help")]
    HELP = ("Log in\n\nScan your badge; or type your user code, Enter, your PIN, Enter.\n"
            "Five wrong PINs lock the user for a while: a supervisor can help.\nCtrl+Q leaves jobfloor.")

    def compose(self) -> ComposeResult:
        app = self.app
        with Vertical(id="login-box"):
            yield Static(f"jobfloor  {app.site_name}".rstrip(), classes="title")
            yield Static(f"Station: {app.station_code or 'none'}", classes="hint", id="station")
            yield Static("Scan your badge, or type your user code:", classes="hint")
            yield UserField(placeholder="badge or user code", id="user")
            yield Input(placeholder="PIN", password=True, id="pin", restrict=r"\d*", max_length=12)
            yield Static("", id="message")
        yield FloorFooter()

    def on_mount(self) -> None:
        self.query_one("#user", Input).focus()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.HELP))

    def reset(self, message: str = "") -> None:
        self.query_one("#user", Input).value = ""
        self.query_one("#pin", Input).value = ""
        self._say(message, error=False)
        self.query_one("#user", Input).focus()

    def _say(self, text: str, error: bool = True) -> None:
        msg = self.query_one("#message", Static)
        msg.update(text)
        msg.set_classes("error" if error else "hint")

    def action_enter(self) -> None:
        field = self.focused
        if not isinstance(field, Input):
            return
        if field.id == "user":
            self.set_focus(self.query_one("#pin", Input))
            field.call_later(self._user_entered)
        elif field.id == "pin":
            field.call_later(self._pin_entered)

    def _user_entered(self) -> None:
        value = self.query_one("#user", Input).value.strip()
        if not value:
            self._say("Type your user code or scan your badge.")
            self.query_one("#user", Input).focus()
            return
        self._try_badge(value)

    def _pin_entered(self) -> None:
        code = self.query_one("#user", Input).value.strip()
        if not code:
            self.query_one("#user", Input).focus()
            return
        self._try_pin(code, self.query_one("#pin", Input).value)

    # The badge lookup and the PIN check run in groups of their own: typed ahead, the PIN's Enter can be handled
    # before the user code's (each field answers from its own queue), and a badge lookup that started second must
    # not cancel the login the PIN already asked for.
    @work(thread=True, exclusive=True, group="login-badge")
    def _try_badge(self, value: str) -> None:
        self.answer(lambda: badge_or_code(value, self.app.station_code),
                    lambda actor: self._success(actor) if actor else self._ask_pin(), refused=self._failed)

    def _ask_pin(self) -> None:
        if self.is_attached and self in self.app.screen_stack:  # not when the PIN has logged in meanwhile
            self.query_one("#pin", Input).focus()

    @work(thread=True, exclusive=True, group="login-pin")
    def _try_pin(self, code: str, pin: str) -> None:
        self.answer(lambda: login(code, pin, self.app.station_code), self._success, refused=self._failed)

    def _failed(self, message: str) -> None:
        self.query_one("#pin", Input).value = ""
        user = self.query_one("#user", Input)
        if user.value.strip().isdigit():
            user.value = ""  # digits in the user field may be a PIN: they go, so nobody can read them later
        self._say(message)
        self.app.bell()
        self.query_one("#pin" if self.query_one("#user", Input).value else "#user", Input).focus()

    def _success(self, actor) -> None:
        self._say("", error=False)
        self.query_one("#user", Input).value = ""
        self.query_one("#pin", Input).value = ""
        self.app.logged_in(actor)
