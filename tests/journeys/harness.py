"""Terminals on one floor: several app instances (tui.run.build_app) on one database, each driven by keys only.

Each terminal is a whole jobfloor session as a person has it (login screen, menu, screens), at a terminal size of
its own, with its station's devices: on the demo stations a scale emulator on a pseudo-terminal behind the real
driver (real serial framing), which the Pick screen's F6/F7/F8 keys pour on. What a test may do to a terminal is
what a person at it does: press keys, type (a scanner types too), and read the screen. The one exception is
`notices_late()`, which holds a terminal's change notices back to stage the moment before one arrives.
"""
from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack, asynccontextmanager

from tests.tui.helpers import make_app, screen_text

STEP = 0.02


class Terminal:
    def __init__(self, name: str, app, pilot):
        self.name = name
        self.app = app
        self.pilot = pilot

    # --- what a person does -------------------------------------------------------------------------------
    async def keys(self, *keys: str) -> None:
        await self.pilot.press(*keys)

    async def type(self, text: str, enter: bool = True) -> None:
        """Typed or scanned: a scanner is a keyboard that types fast and ends with Enter."""
        await self.pilot.press(*[c for c in text], *(["enter"] if enter else []))

    async def login(self, user: str, pin: str) -> None:
        await self.type(user)  # the PIN's digits may follow at once: the login screen routes them
        await self.type(pin)
        await self.until(lambda: self.app.actor is not None and self.screen_name != "LoginScreen", timeout=30,
                         what=f"{user} logged in")

    async def open(self, module: str, screen: str) -> None:
        """A menu module by its number in this user's menu."""
        from tui.modules import modules_for

        keys = [m.key for m in modules_for(self.app.actor.role)]
        await self.keys(str(keys.index(module) + 1))
        await self.until(lambda: self.screen_name == screen, what=f"the {screen}")

    # --- what a person sees --------------------------------------------------------------------------------
    @property
    def screen_name(self) -> str:
        return type(self.app.screen).__name__

    @property
    def screen(self):
        return self.app.screen

    def text(self) -> str:
        """The screen's text, a weight gauge showing on it, and the notices (toasts) showing over it."""
        from tui.widgets.gauge import WeightGauge

        gauges = [str(g.render()) for g in self.app.screen.query(WeightGauge) if g.display]
        return "\n".join([screen_text(self.app), *gauges, *(n.message for n in self.app._notifications)])

    async def see(self, *texts: str, timeout: float = 15) -> str:
        await self.until(lambda: all(t in self.text() for t in texts), timeout=timeout,
                         what=" and ".join(repr(t) for t in texts))
        return self.text()

    async def not_see(self, text: str, timeout: float = 15) -> str:
        await self.until(lambda: text not in self.text(), timeout=timeout, what=f"{text!r} gone")
        return self.text()

    async def until(self, predicate, timeout: float = 15, what: str = "") -> None:
        """Wait for what a person would wait for: never a fixed sleep."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            await self.pilot.pause(STEP)
            if predicate():
                return
            if loop.time() > end:
                raise AssertionError(f"{self.name}: the screen never showed {what or 'what was waited for'}:\n"
                                     f"{self.text()}")

    # --- the scale at this terminal's station ----------------------------------------------------------------
    @property
    def gauge(self):
        return self.app.screen.query_one("#gauge")

    async def steady(self, kg_milli: int, timeout: float = 15) -> None:
        """The gauge shows this net weight, steady."""
        await self.until(lambda: self.gauge.value == kg_milli and self.gauge.stable, timeout=timeout,
                         what=f"{kg_milli / 1000} kg steady on the gauge")

    # --- staging ------------------------------------------------------------------------------------------
    def notices_late(self) -> None:
        """This terminal hears no other terminal's changes until notices_back(): a slow network, a busy server."""
        watcher, self.app._watcher = self.app._watcher, None
        if watcher is not None:
            watcher.stop()
        self.app._watcher = _Muted()

    def notices_back(self) -> None:
        self.app._watcher = None
        self.app.watch_changes()
        self.app._changed()  # what it missed meanwhile comes in as one notice, as after a reconnect


class _Muted:
    def stop(self) -> None:
        pass


@asynccontextmanager
async def terminals(url: str, size: tuple[int, int], *people: tuple[str | None, str, str]):
    """One terminal per (station, user, PIN), each logged in, on the database at `url`."""
    async with AsyncExitStack() as stack:
        out = []
        for station, user, pin in people:
            app = make_app(url, station)
            pilot = await stack.enter_async_context(app.run_test(size=size))
            out.append(Terminal(f"{user}@{station or 'office'}", app, pilot))
        for t, (_, user, pin) in zip(out, people):
            await t.login(user, pin)
        yield out
        # The floor goes quiet before the terminals close: no notice may start a refresh that lands on a screen
        # already taken down.
        for t in out:
            t.notices_late()
        for t in out:
            await t.app.workers.wait_for_complete()
            await t.pilot.pause()
