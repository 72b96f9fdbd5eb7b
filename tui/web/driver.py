"""The app's side of a browser terminal: Textual's web driver, made for a kiosk that nobody clicks.

Started by the session server through TEXTUAL_DRIVER. What it changes:
- The app always has the keyboard. The web driver starts "blurred" and follows the page's focus, which clears the
  focused field; keys typed before anyone clicked then went nowhere. A kiosk terminal is the whole page.
- `repaint` paints the whole screen again: a browser that re-attaches to this session starts from a blank terminal.
- Quitting (the server stopping, or the server gone: its pipe closed) is the app's own quit action, so a logged-in
  user is logged out with their place saved, as on Ctrl+Q.
"""
from __future__ import annotations

import asyncio

from textual import events
from textual.drivers.web_driver import WebDriver


class KioskDriver(WebDriver):
    def __init__(self, app, **kwargs):
        super().__init__(app, **kwargs)
        self._loop: asyncio.AbstractEventLoop | None = None

    def start_application_mode(self) -> None:
        self._loop = asyncio.get_running_loop()
        super().start_application_mode()
        # The base driver blurs the app as it starts; this focus is queued behind that blur.
        self._app.call_later(self._app.post_message, events.AppFocus())

    def on_meta(self, packet_type: str, payload: dict) -> None:
        if packet_type == "blur":
            return
        if packet_type == "repaint":
            self._call_soon(self._repaint)
        elif packet_type == "quit":
            self._quit()
        else:
            super().on_meta(packet_type, payload)

    def _repaint(self) -> None:
        try:
            self._app.screen.refresh()
        except Exception:  # no screen yet: the first paint is a whole one anyway
            pass

    def _call_soon(self, callback) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(callback)

    def _quit(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            asyncio.run_coroutine_threadsafe(self._app.run_action("quit"), self._loop)

    def run_input_thread(self) -> None:
        super().run_input_thread()
        if not self.exit_event.is_set():
            self._quit()  # the server's end of the pipe closed: nobody will ever type here again
