"""Driving the app in tests: an app on a test database, and small steps a user takes."""
from __future__ import annotations

import asyncio


def make_app(url: str, station: str | None = None):
    from tui.run import build_app

    return build_app(url, station, environ={})


async def wait_for(pilot, predicate, timeout: float = 5.0):
    """Workers answer on their own time: wait for what the user would wait for, not a fixed sleep."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        await pilot.pause(0.02)
        if predicate():
            return
    raise AssertionError("the screen did not get there in time")


async def settled(pilot, timeout: float = 10.0):
    """Every worker the keys so far started has finished and the screen shows its answer: what a test waits for
    before asserting that something did *not* happen (a refusal writes nothing), instead of a fixed sleep."""
    from textual.worker import WorkerState

    finished = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)
    await pilot.pause()
    await wait_for(pilot, lambda: all(w.state in finished for w in pilot.app.workers), timeout)
    await pilot.pause()


async def type_text(pilot, text: str):
    for ch in text:
        await pilot.press(ch)


async def login(pilot, code: str, pin: str):
    await type_text(pilot, code)
    await pilot.press("enter")
    await settled(pilot)
    await type_text(pilot, pin)
    await pilot.press("enter")
    await wait_for(pilot, lambda: pilot.app.actor is not None and type(pilot.app.screen).__name__ != "LoginScreen")


def screen_text(app) -> str:
    """Everything the screen shows, as text."""
    from textual.widgets import DataTable, OptionList, Static

    parts = []
    for o in app.screen.query(OptionList):
        parts.extend(str(o.get_option_at_index(i).prompt) for i in range(o.option_count))
    for w in app.screen.query(Static):
        parts.append(str(w.render()))
    for t in app.screen.query(DataTable):
        for row in range(t.row_count):
            parts.append(" ".join(str(c) for c in t.get_row_at(row)))
    return "\n".join(parts)


async def open_module(pilot, key: str):
    """Open a menu module by its key, whatever number it has in this role's menu."""
    from tui.modules import modules_for

    app = pilot.app
    from tui.screens.menu import MENU_KEYS

    keys = [m.key for m in modules_for(app.actor.role)]
    await pilot.press(MENU_KEYS[keys.index(key)])
    await settled(pilot)


def visible_text(app) -> str:
    """What the terminal shows now, line by line, as a person reads it: cut or hidden text is not in it."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
