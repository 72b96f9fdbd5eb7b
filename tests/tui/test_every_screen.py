"""Every screen as a person sees it (issue 15.12/15.13), at 80x24, at a handheld's 40x16, and at 80x24 without
colour (NO_COLOR): what the screen is for and what a user decides by must be on the terminal itself, not cut off
and not only in the widget's data. The check reads the composited screen, line by line (visible_text).

Set JOBFLOOR_SCREENSHOTS=DIR to also keep an SVG of each screen there, to look at.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import pytest

from core.jobs.release import release
from core.site.actor import Actor
from tests.tui.helpers import login, make_app, screen_text, settled, type_text, visible_text, wait_for

RELEASED = ["000000000012345", "000000000012349", "000000000020001", "000000000012351"]
SIZES = {"80x24": (80, 24), "40x16": (40, 16), "80x24-nocolor": (80, 24)}


@dataclass
class Case:
    user: str | None  # None: the login screen itself
    module: str | None = None
    steps: tuple = ()
    wide: list = field(default_factory=list)  # at 80 columns
    narrow: list = field(default_factory=list)  # at 40 columns
    both: list = field(default_factory=list)


def _type(text: str, expect: str):
    async def step(pilot):
        await type_text(pilot, text)
        await pilot.press("enter")
        await wait_for(pilot, lambda: expect in screen_text(pilot.app), timeout=10)
    return step


def _keys(*keys: str, until=None):
    async def step(pilot):
        for key in keys:
            await pilot.press(key)
            await settled(pilot)
        if until:
            await wait_for(pilot, lambda: until(pilot.app), timeout=10)
    return step


def _wait(expect: str):
    async def step(pilot):
        await wait_for(pilot, lambda: expect in screen_text(pilot.app), timeout=10)
    return step


def _row(table_id: str, key: str):
    async def step(pilot):
        table = pilot.app.screen.query_one(table_id)
        await wait_for(pilot, lambda: table.row_count > 0, timeout=10)
        table.move_cursor(row=table.get_row_index(key))
        await settled(pilot)
    return step


def _screen(name: str):
    return lambda app: type(app.screen).__name__ == name


DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SHORT_DATE = re.compile(r"\d{2}[A-Z][a-z]{2}\d{2}")
CASES = {
    "login": Case(None, both=["Station: PICK-1"]),
    "menu": Case("AD1", both=["Stock inquiry", "Job release", "Labels", "Stations"]),
    "stock": Case("AD1", "stock", (_type("RM-FLOUR", "T000107"),),
                  wide=["Expiry", "Status", "Location", "QUARANTINE", DATE], narrow=["Exp", "Stat", "Qty", SHORT_DATE],
                  both=["T000107", "412.35"]),
    "pick": Case("AD1", "pick", (_wait("Choose a job"),), wide=["Description", "000000000012345"],
                 narrow=["12345"], both=["Open", "Start"]),
    "returns": Case("AD1", "returns", both=["Job returns", "scan the returned TrackID"]),
    "board": Case("AD1", "board", (_wait("released job(s)"),), wide=["Short", "000000000012349", "kg"],
                  narrow=["Sh", "12349"], both=["Who", "SHORT", "State"]),
    "release": Case("AD1", "release", (_wait("to release"),), both=["Plan", "OK: fully covered", "✓", "F5"]),
    "release-slip": Case("AD1", "release", (_wait("to release"), _keys("f2"), _wait("released job(s)"),
                                            _row("#jobs", "000000000012345"),
                                            _keys("f3", until=_screen("SlipScreen"))),
                         both=["Picking slip", "RM-FLOUR", "covered"]),
    "labels": Case("AD1", "labels", (_wait("released job(s)"),), wide=["000000000012345"], narrow=["12345"],
                   both=["Pal", "Ctn", "Prod"]),
    "labels-job": Case("AD1", "labels", (_wait("released job(s)"), _row("#jobs", "000000000012345"),
                                         _keys("enter"), _wait("Prints to")),
                       wide=["PALLET 1/2"], both=["[x] Pallet", "[x] Carton", "[x] Product", "Prints to"]),
    "labels-zoom": Case("AD1", "labels", (_wait("released job(s)"), _row("#jobs", "000000000012345"),
                                          _keys("enter"), _wait("Prints to"),
                                          _keys("f2", until=_screen("ZoomScreen")),
                                          _keys(until=lambda app: app.screen.query_one("#zoom").lines)),
                        both=["PALLET 1/2", "(00)", "FG-BREAD-800", "█"]),
    "labels-queue": Case("AD1", "labels", (_wait("released job(s)"), _keys("f6"), _wait("print queue")),
                         both=["print queue", "State"]),
    "trace": Case("AD1", "trace", (_type("FL2609-07", "RM-FLOUR lot FL2609-07"),),
                  both=["RM-FLOUR lot FL2609-07", "Forward", "Backward"]),
    "trace-hold": Case("AD1", "trace", (_type("FL2609-07", "RM-FLOUR lot FL2609-07"),
                                        _keys("f5", until=_screen("ConfirmScreen"))),
                       both=["HOLD?", "Enter = yes"]),
    "kitbins": Case("AD1", "kitbins", (_wait("bin(s)"),), wide=["Item", "Task"],
                    both=["KB-CLIP", "LOW", "Level", "Cover", re.compile(r"KB-CLIP .*LOW +\S+ \d+")]),
    "kittasks": Case("AD1", "kittasks", (_wait("open task(s)"),), both=["KB-BOLT-M10", "T000213", "Fill"]),
    "stations": Case("AD1", "stations", (_wait("PICK-2"),), both=["Station", "PICK-1", "PICK-2", "SSH from"]),
    "help": Case("AD1", "labels", (_wait("released job(s)"), _keys("f1", until=_screen("HelpScreen"))),
                 both=["Labels", "Esc"]),
    "help-end": Case("AD1", "labels", (_wait("released job(s)"), _keys("f1", until=_screen("HelpScreen")),
                                       _keys("pagedown", "pagedown", "pagedown", "pagedown")),
                     both=["come out)."]),  # the last words of the help, reached by scrolling on a handheld
}


@pytest.fixture
def site(sqlite_demo):
    from core.data.models import Station

    release(Actor("PL1", "planner"), RELEASED)
    for n, code in enumerate(("OFFICE", "PICK-1", "PICK-2"), 1):
        Station.update(printer_url=f"tcp://10.0.4.{n}:9100").where(Station.code == code).execute()
    return sqlite_demo


async def _open(pilot, key: str) -> None:
    """A module by its number in the menu: 1-9, then 0 for the tenth."""
    from tui.modules import modules_for

    keys = [m.key for m in modules_for(pilot.app.actor.role)]
    await pilot.press(str((keys.index(key) + 1) % 10))
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ not in ("MenuScreen", "LoginScreen"))
    await settled(pilot)


def _footer_in_view(app) -> None:
    from textual.widgets._footer import FooterKey

    width, height = app.size
    keys = list(app.screen.query(FooterKey))
    off = [k.key_display for k in keys if k.region.right > width or k.region.bottom > height or not k.region]
    assert not off, f"function keys off the screen: {off}"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", CASES)
async def test_every_screen_shows_what_matters(site, monkeypatch, name, size):
    case = CASES[name]
    if size.endswith("nocolor"):
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(site.url, "PICK-1")
    async with app.run_test(size=SIZES[size]) as pilot:
        assert app.no_color == size.endswith("nocolor")
        await wait_for(pilot, lambda: "Station: PICK-1" in screen_text(app))
        if case.user:
            await login(pilot, case.user, {"AD1": "9999"}[case.user])
        if case.module:
            await _open(pilot, case.module)
        for step in case.steps:
            await step(pilot)
        await settled(pilot)
        for input_ in app.screen.query("Input"):
            input_.cursor_blink = False
        shown = visible_text(app)
        if keep := os.environ.get("JOBFLOOR_SCREENSHOTS"):
            app.save_screenshot(filename=f"{name}-{size}.svg", path=keep)
        wanted = case.both + (case.narrow if size == "40x16" else case.wide)
        missing = [w.pattern if isinstance(w, re.Pattern) else w for w in wanted
                   if not (w.search(shown) if isinstance(w, re.Pattern) else w in shown)]
        assert not missing, f"{name} at {size} does not show {missing}:\n{shown}"
        if type(app.screen).__name__ not in ("LoginScreen",) and not app.screen.is_modal:
            _footer_in_view(app)
