"""Small steps of the floor journeys (returns, kit bins, release, live lists): an operator's keys and scans."""
from __future__ import annotations

from tests.tui.helpers import login, make_app, open_module, screen_text, type_text, wait_for

SIZES = [(80, 24), (40, 16)]
SIZE_IDS = ["80x24", "40x16"]

__all__ = ["SIZES", "SIZE_IDS", "make_app", "open_screen", "scan", "screen_text", "type_text", "wait_for",
           "wait_text"]


async def open_screen(pilot, user: str, pin: str, module: str, screen: str):
    """Log in with the code and PIN, open the menu's module, and wait for its screen."""
    await login(pilot, user, pin)
    await open_module(pilot, module)
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == screen, timeout=15)
    return pilot.app.screen


async def scan(pilot, text: str) -> None:
    """A keyboard-wedge scanner: the characters, then Enter."""
    await type_text(pilot, text)
    await pilot.press("enter")


async def wait_text(pilot, *parts: str, timeout: float = 10.0) -> str:
    """Wait until the screen says every one of `parts`; the screen's text."""
    try:
        await wait_for(pilot, lambda: all(p in screen_text(pilot.app) for p in parts), timeout=timeout)
    except AssertionError:
        raise AssertionError(f"the screen never said {parts}; it says:\n{screen_text(pilot.app)}") from None
    return screen_text(pilot.app)
