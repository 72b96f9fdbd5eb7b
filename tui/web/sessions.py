"""Browser terminal sessions that outlive their connection, the way a terminal multiplexer keeps a shell.

A session is one app process (`python -m tui.entry` with tui.web.driver) talking Textual's web-driver packets on
its stdin and stdout. A browser attaches to it over a WebSocket; when the socket goes (a reload, a network blip,
the browser closed) the process goes on, and the next socket from the same browser attaches to it again and gets
the whole screen repainted. A session nobody re-attaches is stopped after the site's idle-logout time, by which
time the app has logged its user out and saved their place.

Which session a socket gets: the same browser (a cookie) and the same station link, and either the same tab (a
reload keeps its tab id) or, for a browser that was restarted and so has new tab ids, the session of that browser
and link that no socket holds.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

log = logging.getLogger("jobfloor.web")

DATA, META = b"D", b"M"
PRELUDE = b"__GANGLION__\n"  # the web driver's first line: what comes after it is packets
# What the app set on its terminal when it started, for a browser that attaches later: the alternate screen,
# no cursor (fields draw their own), bracketed paste. Mouse reporting is left off: the page takes no clicks.
ATTACH_PREAMBLE = b"\x1b[?1049h\x1b[?25l\x1b[?2004h"
SEND_TIMEOUT_S = 5.0  # a browser that takes longer than this for one screen update is treated as gone
ENDED_KEPT = 256  # how many ended sessions are remembered, so a page reloaded afterwards can be told


def packet(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


def control(kind: str, **detail) -> str:
    """A message for the page itself (not for the terminal in it)."""
    return json.dumps(["jobfloor", dict(type=kind, **detail)])


@dataclass
class Key:
    """Who may attach: the browser's cookie, the station link it came by (None at `/`)."""

    browser: str | None
    link: str | None


@dataclass(eq=False)
class AppSession:
    argv: list[str]
    env: dict[str, str]
    key: Key
    tab: str | None
    station: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    process: asyncio.subprocess.Process | None = None
    socket: object | None = None  # the attached aiohttp WebSocketResponse
    detached_at: float | None = None
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    end_reason: str = ""
    end_kind: str = "ended"  # what the page is told: "ended" (Enter starts again) or "revoked" (link replaced)
    _reason: str = ""
    _stderr: bytearray = field(default_factory=bytearray)
    _tasks: list = field(default_factory=list)

    # --- the process ---------------------------------------------------------------------------------------
    async def start(self, width: int, height: int) -> None:
        env = dict(self.env, COLUMNS=str(width), ROWS=str(height))
        self.process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=env)
        self.detached_at = time.monotonic()
        self._tasks = [asyncio.create_task(self._pump()), asyncio.create_task(self._drain_stderr())]

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    async def _drain_stderr(self) -> None:
        while self.process and (chunk := await self.process.stderr.read(4096)):
            self._stderr += chunk
            del self._stderr[:-4096]

    async def _pump(self) -> None:
        """Everything the app writes is read at once, attached or not: a full pipe would stop the app."""
        out = self.process.stdout
        try:
            while (line := await out.readline()) != PRELUDE:
                if not line:
                    return
            while True:
                head = await out.readexactly(5)
                payload = await out.readexactly(int.from_bytes(head[1:], "big"))
                if head[:1] == DATA:
                    await self._to_browser(payload)
        except (asyncio.IncompleteReadError, ConnectionResetError, ValueError):  # ValueError: a line too long
            pass
        finally:
            await self._finish()

    async def _finish(self) -> None:
        if self.process.returncode is None:
            try:
                await asyncio.wait_for(self.process.wait(), 5)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        for task in self._tasks[1:]:
            try:
                await asyncio.wait_for(task, 1)
            except TimeoutError:
                task.cancel()
        self.end_reason = self._reason or self._said_on_stderr()
        self.ended.set()
        ws, self.socket = self.socket, None
        if ws is not None and not ws.closed:
            try:
                await ws.send_str(control(self.end_kind, reason=self.end_reason))
                await ws.close()
            except (ConnectionResetError, RuntimeError):
                pass

    def _said_on_stderr(self) -> str:
        """The app's own last word to a person ("jobfloor: cannot open the database: ..."), never a traceback."""
        for line in reversed(self._stderr.decode("utf-8", "replace").splitlines()):
            if line.startswith("jobfloor: "):
                return line[len("jobfloor: "):].strip()[:300]
        return ""

    async def _write(self, data: bytes) -> None:
        if self.ended.is_set() or self.process is None or self.process.stdin.is_closing():
            return
        try:
            self.process.stdin.write(data)
            await self.process.stdin.drain()
        except (ConnectionResetError, BrokenPipeError, RuntimeError):
            pass  # the app is going: _pump says so to the browser

    async def keys(self, text: str) -> None:
        await self._write(packet(DATA, text.encode("utf-8")))

    async def meta(self, kind: str, **detail) -> None:
        await self._write(packet(META, json.dumps(dict(type=kind, **detail)).encode("utf-8")))

    async def stop(self, grace: float = 5.0, reason: str = "", kind: str = "ended") -> None:
        """Ask the app to quit (it logs its user out, saving their place); kill it if it does not."""
        if self.process is None or self.ended.is_set():
            return
        self._reason, self.end_kind = reason, kind
        await self.meta("quit")
        try:
            await asyncio.wait_for(self.ended.wait(), grace)
        except TimeoutError:
            if self.process.returncode is None:
                self.process.kill()
            await self.ended.wait()

    # --- the browser ---------------------------------------------------------------------------------------
    async def _to_browser(self, payload: bytes) -> None:
        ws = self.socket
        if ws is None:
            return
        try:
            await asyncio.wait_for(ws.send_bytes(payload), SEND_TIMEOUT_S)
        except (ConnectionResetError, RuntimeError, TimeoutError):
            self.detach(ws)

    async def attach(self, ws, width: int, height: int) -> None:
        """This socket is now the session's terminal: the one before it (another window, a dead link) lets go."""
        old, self.socket = self.socket, None
        if old is not None and old is not ws and not old.closed:
            try:
                await old.send_str(control("taken"))
                await old.close()
            except (ConnectionResetError, RuntimeError):
                pass
        await ws.send_bytes(ATTACH_PREAMBLE)
        self.socket, self.detached_at = ws, None
        await self.meta("resize", width=width, height=height)
        await self.meta("repaint")

    def detach(self, ws) -> None:
        if self.socket is ws:
            self.socket, self.detached_at = None, time.monotonic()

    @property
    def attached(self) -> bool:
        return self.socket is not None


class Sessions:
    """Every session of one server, found again by browser, link and tab; idle detached ones are stopped."""

    def __init__(self, command, env: dict[str, str], detached_lifetime_s: float):
        self._command = command  # station code or None -> argv
        self._env = env
        self.detached_lifetime_s = detached_lifetime_s
        self.live: dict[str, AppSession] = {}
        self._ended: OrderedDict[tuple, str] = OrderedDict()

    def find(self, key: Key, tab: str | None) -> AppSession | None:
        if key.browser is None:
            return None  # no cookie, no way to tell this browser from another: a session of its own
        mine = [s for s in self.live.values() if s.key == key and not s.ended.is_set()]
        same_tab = [s for s in mine if tab and s.tab == tab]
        if same_tab:
            return same_tab[0]
        loose = [s for s in mine if not s.attached]
        return max(loose, key=lambda s: s.detached_at or 0.0) if loose else None

    def ended_here(self, key: Key, tab: str | None) -> str | None:
        """Why the session this tab had has ended, when it ended while nobody watched (None: it did not)."""
        return self._ended.get((key.browser, key.link, tab)) if key.browser and tab else None

    async def open(self, key: Key, tab: str | None, station: str | None, width: int, height: int) -> AppSession:
        session = AppSession(self._command(station), self._env, key, tab, station)
        await session.start(width, height)
        self.live[session.id] = session
        self._ended.pop((key.browser, key.link, tab), None)
        asyncio.get_running_loop().create_task(self._forget_when_ended(session))
        return session

    async def _forget_when_ended(self, session: AppSession) -> None:
        await session.ended.wait()
        self.live.pop(session.id, None)
        if session.key.browser and session.tab:
            self._ended[(session.key.browser, session.key.link, session.tab)] = session.end_reason
            while len(self._ended) > ENDED_KEPT:
                self._ended.popitem(last=False)

    def expired(self, now: float | None = None) -> list[AppSession]:
        now = time.monotonic() if now is None else now
        return [s for s in self.live.values()
                if not s.attached and s.detached_at is not None and now - s.detached_at > self.detached_lifetime_s]

    def on_links(self) -> dict[str, list[AppSession]]:
        by_link: dict[str, list[AppSession]] = {}
        for s in self.live.values():
            if s.key.link:
                by_link.setdefault(s.key.link, []).append(s)
        return by_link

    async def stop_all(self) -> None:
        await asyncio.gather(*(s.stop() for s in list(self.live.values())), return_exceptions=True)


def app_argv(python: str, db_url: str, station: str | None) -> list[str]:
    argv = [python, "-m", "tui.entry", "--db", db_url]
    return argv + ["--station", station] if station else argv


def app_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """What each app process gets: this server's environment, less what would pick a station for it."""
    env = dict(os.environ if base is None else base)
    # A station comes from a station link only: not from the admin's SSH address or their JOBFLOOR_STATION.
    for var in ("SSH_CLIENT", "SSH_CONNECTION", "JOBFLOOR_STATION"):
        env.pop(var, None)
    env.update(TEXTUAL_DRIVER="tui.web.driver:KioskDriver", TEXTUAL_COLOR_SYSTEM="truecolor",
               TERM_PROGRAM="jobfloor-web", TERM="xterm-256color")
    return env
