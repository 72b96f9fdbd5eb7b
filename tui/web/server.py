"""The HTTP side of `jobfloor serve --web`: the page, the station links, the assets and the terminal socket.

Routes: `/` a terminal with no station; `/station/<token>` a terminal that is that station (or a page saying the
link is no longer valid); `/ws` the terminal's socket; `/assets/...` everything the page loads. Nothing the page
needs comes from anywhere else (its Content-Security-Policy says so to the browser too).
"""
from __future__ import annotations

import asyncio
import html
import json
import logging
import re
import secrets
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

import peewee
from aiohttp import WSMsgType, web

from core.data.db import db
from core.site.kiosk import CURRENT, REVOKED, check_token, current_tokens
from tui.web.sessions import Key, Sessions, app_argv, app_environment, control

log = logging.getLogger("jobfloor.web")

ASSETS = Path(__file__).with_name("assets")
# The terminal itself (xterm.js with Textual's glue) and its font, served from the installed textual-serve.
TERMINAL_STATIC = Path(str(files("textual_serve") / "static"))
OWN_ASSETS = {"jobfloor.js": "text/javascript", "jobfloor.css": "text/css", "icon.svg": "image/svg+xml"}
BORROWED = {
    "textual.js": (TERMINAL_STATIC / "js" / "textual.js", "text/javascript"),
    "xterm.css": (TERMINAL_STATIC / "css" / "xterm.css", "text/css"),
    "fonts/RobotoMono.ttf": (TERMINAL_STATIC / "fonts" / "RobotoMono-VariableFont_wght.ttf", "font/ttf"),
}
BROWSER_COOKIE = "jobfloor_browser"
COOKIE_DAYS = 400  # the longest a browser keeps a cookie; the session it finds is what decides
_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
REAP_EVERY_S = 5.0
LINKS_EVERY_S = 10.0


class DatabaseDown(Exception):
    pass


def _size(value: str | None, default: int) -> int:
    try:
        return max(10, min(500, int(value or default)))
    except ValueError:
        return default


class WebServer:
    def __init__(self, db_url: str, public_url: str, detached_lifetime_s: float, python: str = sys.executable):
        self.public_url = public_url.rstrip("/")
        self.secure = self.public_url.startswith("https:")
        self.sessions = Sessions(lambda station: app_argv(python, db_url, station), app_environment(),
                                 detached_lifetime_s)
        # One thread, so one database connection, for the server's own few look-ups (links, nothing else).
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobfloor-web-db")
        self._page = Template((ASSETS / "page.html").read_text(encoding="utf-8"))
        self._notice = Template((ASSETS / "notice.html").read_text(encoding="utf-8"))
        self._tasks: list[asyncio.Task] = []

    # --- the database, off the event loop --------------------------------------------------------------------
    async def lookup(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._db, self._lookup, fn, args)

    @staticmethod
    def _lookup(fn, args):
        for attempt in (1, 2):
            try:
                return fn(*args)
            except (peewee.OperationalError, peewee.InterfaceError) as exc:
                if not db.is_closed():
                    try:
                        db.close()  # a connection the server dropped: the next try opens a new one
                    except Exception:
                        pass
                if attempt == 2:
                    raise DatabaseDown(str(exc).strip()) from exc

    # --- the aiohttp application -----------------------------------------------------------------------------
    def make_app(self) -> web.Application:
        app = web.Application()
        app.add_routes([
            web.get("/", self.terminal_page),
            web.get("/station/{token}", self.terminal_page),
            web.get("/ws", self.terminal_socket),
            web.get("/assets/{name:.+}", self.asset),
        ])
        app.on_startup.append(self._start_watching)
        app.on_shutdown.append(self._shutdown)
        return app

    async def _start_watching(self, app) -> None:
        self._tasks = [asyncio.create_task(self._reap()), asyncio.create_task(self._watch_links())]

    async def _shutdown(self, app) -> None:
        for task in self._tasks:
            task.cancel()
        # Every app logs its user out (their place saved for the next login) before the server goes.
        await self.sessions.stop_all()
        self._db.shutdown(wait=False)

    async def _reap(self) -> None:
        while True:
            await asyncio.sleep(REAP_EVERY_S)
            for session in self.sessions.expired():
                try:
                    await session.stop()
                except Exception:  # one session that will not stop must not keep the others forever
                    log.exception("stopping an idle session")

    async def _watch_links(self) -> None:
        """A replaced link stops driving its station: sessions opened with it end, wherever they are."""
        while True:
            await asyncio.sleep(LINKS_EVERY_S)
            by_link = self.sessions.on_links()
            if not by_link:
                continue
            try:
                current = await self.lookup(current_tokens, set(by_link))
            except Exception:  # the database is down: checked again when it is back; nobody is cut off for it
                continue
            for token, sessions in by_link.items():
                if token not in current:
                    for session in sessions:
                        await session.stop(reason=REPLACED, kind="revoked")

    # --- pages ---------------------------------------------------------------------------------------------
    async def terminal_page(self, request: web.Request) -> web.Response:
        token = request.match_info.get("token")
        station = None
        if token is not None:
            try:
                check = await self.lookup(check_token, token)
            except DatabaseDown:
                return self.notice(request, 503, "jobfloor cannot reach its database",
                                   "This page tries again by itself every few seconds.", retry_s=5)
            if check.status == REVOKED:
                return self.notice(request, 410, "This station link is no longer valid",
                                   f"Station {check.station} has a new link. Ask a supervisor for it: "
                                   "it is on the Stations screen.")
            if check.status != CURRENT:
                return self.notice(request, 404, "This is not a station link of this site",
                                   "Check the address, or ask a supervisor for the station's link: it is on "
                                   "the Stations screen.")
            station = check.station
        font_size = max(8, min(64, _size(request.query.get("fontsize"), 16)))
        text = self._page.substitute(
            title=html.escape(f"jobfloor · {station}" if station else "jobfloor"),
            station=html.escape(station or "no station"),
            link=html.escape(token or ""),
            font_size=font_size,
        )
        return self._html(request, 200, text)

    def notice(self, request, status: int, title: str, text: str, retry_s: int | None = None) -> web.Response:
        page = self._notice.substitute(
            title=html.escape(title), text=html.escape(text),
            refresh=f'<meta http-equiv="refresh" content="{retry_s}">' if retry_s else "")
        return self._html(request, status, page)

    def _html(self, request, status: int, text: str) -> web.Response:
        response = web.Response(status=status, text=text, content_type="text/html", charset="utf-8")
        response.headers.update({"Cache-Control": "no-store", "Content-Security-Policy": CSP,
                                 "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"})
        if not _ID.match(request.cookies.get(BROWSER_COOKIE, "")):
            response.set_cookie(BROWSER_COOKIE, secrets.token_urlsafe(24), max_age=COOKIE_DAYS * 86400, path="/",
                                httponly=True, samesite="Strict", secure=self.secure)
        return response

    async def asset(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name in OWN_ASSETS:
            path, kind = ASSETS / name, OWN_ASSETS[name]
        elif name in BORROWED:
            path, kind = BORROWED[name]
        else:
            raise web.HTTPNotFound()
        return web.FileResponse(path, headers={"Content-Type": kind, "Cache-Control": "no-cache",
                                               "X-Content-Type-Options": "nosniff"})

    # --- the terminal socket --------------------------------------------------------------------------------
    def _same_origin(self, request: web.Request) -> bool:
        """A page of another site must not drive a terminal with this browser's cookie. Browsers always send
        Origin on a WebSocket; a client without one is not a browser, and has no cookie of ours to misuse."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        netloc = urlsplit(origin).netloc
        return netloc in (request.host, urlsplit(self.public_url).netloc)

    async def terminal_socket(self, request: web.Request) -> web.StreamResponse:
        if not self._same_origin(request):
            raise web.HTTPForbidden(text="not from this site's page")
        query = request.query
        width, height = _size(query.get("width"), 80), _size(query.get("height"), 24)
        tab = query.get("tab") if _ID.match(query.get("tab", "")) else None
        link = query.get("station") or None
        browser = request.cookies.get(BROWSER_COOKIE)
        key = Key(browser if browser and _ID.match(browser) else None, link)
        fresh = query.get("fresh") == "1"

        ws = web.WebSocketResponse(heartbeat=10.0, max_msg_size=1 << 16)
        await ws.prepare(request)
        session = None if fresh else self.sessions.find(key, tab)
        station = session.station if session else None
        if link:
            try:
                check = await self.lookup(check_token, link)
            except DatabaseDown:
                check = None  # a session already open goes on through an outage; a new one cannot start
                if session is None:
                    return await self._refuse(ws, "ended", reason="jobfloor cannot reach its database")
            if check is not None and check.status != CURRENT:
                for other in self.sessions.on_links().get(link, []):
                    await other.stop(reason=REPLACED, kind="revoked")
                return await self._refuse(ws, "revoked")
            station = check.station if check is not None else station
        if session is None and not fresh:
            reason = self.sessions.ended_here(key, tab)
            if reason is not None:
                return await self._refuse(ws, "ended", reason=reason)
        if session is None:
            session = await self.sessions.open(key, tab, station, width, height)
        await session.attach(ws, width, height)
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    kind, *rest = json.loads(message.data)
                except (ValueError, TypeError):
                    continue
                if kind == "stdin" and rest and isinstance(rest[0], str):
                    await session.keys(rest[0])
                elif kind == "resize" and rest and isinstance(rest[0], dict):
                    await session.meta("resize", width=_size(rest[0].get("width"), width),
                                       height=_size(rest[0].get("height"), height))
                elif kind == "ping" and rest:
                    await ws.send_str(json.dumps(["pong", str(rest[0])[:32]]))
        finally:
            session.detach(ws)
        return ws

    @staticmethod
    async def _refuse(ws, kind: str, **detail):
        await ws.send_str(control(kind, **detail))
        await ws.close()
        return ws


REPLACED = "this station's link was replaced by a supervisor, so this browser no longer drives the station"


def run(server: WebServer, host: str, port: int) -> None:
    logging.basicConfig(level=logging.WARNING, format="jobfloor web: %(message)s")
    web.run_app(server.make_app(), host=host, port=port, print=None, handle_signals=True,
                shutdown_timeout=10.0)
