"""The browser terminal server's sessions, through its real socket protocol and real app processes.

Which socket gets which session decides who sees whose screen, so each rule is shown from both sides: the same
browser and tab come back to their session; another browser, or no cookie, never does; a second window of the
same tab takes the session over and the first is told; a session nobody comes back to is stopped, and the tab
that had it is told it ended.
"""
from __future__ import annotations

import asyncio
import json
import sys

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from tui.web import server as web_server
from tui.web.server import BROWSER_COOKIE, WebServer

pytestmark = pytest.mark.slow

ALICE, BOB = "a" * 24, "b" * 24  # two browsers' cookies
TAB = "0123456789abcdef0123456789abcdef"


class Terminal:
    """One socket, read as the page would: the terminal's bytes, and the page's own messages."""

    def __init__(self, ws):
        self.ws = ws
        self.seen = b""
        self.said: list[dict] = []

    async def until(self, predicate, timeout: float = 20.0) -> None:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not predicate():
            left = end - loop.time()
            if left <= 0:
                raise AssertionError(f"waited {timeout:.0f} s; saw {self.seen[-400:]!r}, page told {self.said}")
            try:
                msg = await self.ws.receive(timeout=left)
            except TimeoutError:
                continue
            if msg.type == aiohttp.WSMsgType.BINARY:
                self.seen += msg.data
            elif msg.type == aiohttp.WSMsgType.TEXT:
                kind, detail = json.loads(msg.data)
                if kind == "jobfloor":
                    self.said.append(detail)
            elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                if not predicate():
                    raise AssertionError(f"closed; page told {self.said}")
                return

    async def shows(self, text: str) -> None:
        await self.until(lambda: text.encode() in self.seen)

    async def told(self, kind: str) -> dict:
        await self.until(lambda: any(s["type"] == kind for s in self.said))
        return next(s for s in self.said if s["type"] == kind)

    async def type(self, text: str) -> None:
        await self.ws.send_str(json.dumps(["stdin", text]))


@pytest.fixture
async def served(sqlite_demo, monkeypatch):
    monkeypatch.setattr(web_server, "REAP_EVERY_S", 0.2)
    server = WebServer(sqlite_demo.url, "http://127.0.0.1", detached_lifetime_s=1.5, python=sys.executable)
    test_server = TestServer(server.make_app())
    await test_server.start_server()
    clients = []

    async def connect(browser: str | None, tab: str | None = TAB, fresh: bool = False) -> Terminal:
        client = aiohttp.ClientSession(cookies={BROWSER_COOKIE: browser} if browser else None)
        clients.append(client)
        query = "width=80&height=24" + (f"&tab={tab}" if tab else "") + ("&fresh=1" if fresh else "")
        ws = await client.ws_connect(test_server.make_url(f"/ws?{query}"))
        return Terminal(ws)

    try:
        yield server, connect
    finally:
        for client in clients:
            await client.close()
        await test_server.close()  # the server's shutdown stops every session


async def test_the_same_tab_comes_back_to_its_session_and_nobody_else_does(served):
    server, connect = served
    first = await connect(ALICE)
    await first.shows("Scan your badge")
    await first.type("BADGE-PK1\r")
    await first.shows("PK1 (picker)")
    await first.ws.close()

    again = await connect(ALICE)  # a reload
    await again.shows("PK1 (picker)")  # the whole screen again, still logged in
    assert len(server.sessions.live) == 1

    other_browser = await connect(BOB)  # even knowing the tab id
    await other_browser.shows("Scan your badge")
    no_cookie = await connect(None)
    await no_cookie.shows("Scan your badge")
    assert b"PK1" not in other_browser.seen + no_cookie.seen
    assert len(server.sessions.live) == 3


async def test_a_restarted_browser_takes_up_its_session_that_no_window_holds(served):
    server, connect = served
    first = await connect(ALICE)
    await first.type("BADGE-SV1\r")
    await first.shows("SV1 (supervisor)")
    open_window = await connect(ALICE, tab="f" * 32)  # another window of the browser, still open
    await open_window.shows("Scan your badge")
    await first.ws.close()

    restarted = await connect(ALICE, tab="e" * 32)  # a new tab id: the browser was restarted
    await restarted.shows("SV1 (supervisor)")
    assert len(server.sessions.live) == 2


async def test_a_second_window_takes_the_session_and_the_first_is_told(served):
    server, connect = served
    first = await connect(ALICE)
    await first.type("BADGE-PK1\r")
    await first.shows("PK1 (picker)")
    second = await connect(ALICE)
    await second.shows("PK1 (picker)")
    await first.told("taken")
    await second.type("1")
    await second.shows("Stock inquiry")
    assert len(server.sessions.live) == 1


async def test_a_session_nobody_comes_back_to_is_stopped_and_its_tab_is_told(served):
    server, connect = served
    first = await connect(ALICE)
    await first.type("BADGE-PK1\r")
    await first.shows("PK1 (picker)")
    (session,) = server.sessions.live.values()
    await first.ws.close()
    await asyncio.wait_for(session.ended.wait(), 20)
    assert session.process.returncode is not None and not server.sessions.live

    back = await connect(ALICE)
    await back.told("ended")  # said on the page, with Enter to start again; no new session on its own
    assert not server.sessions.live
    fresh = await connect(ALICE, fresh=True)
    await fresh.shows("Scan your badge")
    assert len(server.sessions.live) == 1


async def test_an_app_that_cannot_start_says_why_on_the_page(tmp_path):
    (tmp_path / "empty.db").touch()  # a database with no jobfloor schema: the app refuses to start
    server = WebServer(f"sqlite:///{tmp_path / 'empty.db'}", "http://127.0.0.1", detached_lifetime_s=60)
    test_server = TestServer(server.make_app())
    await test_server.start_server()
    try:
        async with aiohttp.ClientSession(cookies={BROWSER_COOKIE: ALICE}) as client:
            ws = await client.ws_connect(test_server.make_url(f"/ws?width=80&height=24&tab={TAB}"))
            said = await Terminal(ws).told("ended")
        assert "no jobfloor schema yet" in said["reason"] and "Traceback" not in said["reason"]
    finally:
        await test_server.close()
