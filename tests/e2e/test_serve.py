"""`jobfloor serve --web`: the page is served on loopback, and a browser's connection gets the login screen."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.e2e.procs import REPO, demo_database, free_port, stop_group

pytestmark = pytest.mark.slow


@pytest.fixture
def served(tmp_path):
    url = demo_database(tmp_path)
    port = free_port()
    env = dict(os.environ, JOBFLOOR_DATA_DIR=str(tmp_path / "data"))
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "tui.entry", "--db", url, "serve", "--web", "--port", str(port)],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    page = None
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as resp:
                page = (resp.status, resp.read().decode())
                break
        except OSError:
            time.sleep(0.1)
    try:
        if page is None:
            log.flush()
            pytest.fail(f"jobfloor serve did not answer on {base}:\n{(tmp_path / 'serve.log').read_text()}")
        yield base, page, proc
    finally:
        stop_group(proc, signal.SIGTERM)
        log.close()


def test_page_is_served_on_loopback(served):
    import re

    base, (status, html), proc = served
    assert status == 200
    assert "<title>jobfloor</title>" in html  # the app's name on the page, not textual-serve's default
    # Everything the page loads is a path on this server: no other host, no public font service.
    loads = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert loads and all(u.startswith("/assets/") for u in loads), loads
    for path in loads:
        with urllib.request.urlopen(base + path, timeout=5) as resp:
            assert resp.status == 200 and len(resp.read()) > 100, path
    with urllib.request.urlopen(base + "/", timeout=5) as resp:
        assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
    # The default is loopback only: nothing listens on the machine's other addresses.
    listening = subprocess.run(["ss", "-ltnH", f"sport = :{base.rsplit(':', 1)[1]}"], capture_output=True,
                               text=True).stdout if _has("ss") else ""
    for line in listening.splitlines():
        assert "127.0.0.1:" in line.split()[3]


def test_serve_refuses_one_station_for_every_browser(tmp_path):
    url = demo_database(tmp_path)
    done = subprocess.run([sys.executable, "-m", "tui.entry", "--db", url, "--station", "PICK-1", "serve", "--web",
                           "--port", str(free_port())], cwd=REPO, capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, JOBFLOOR_DATA_DIR=str(tmp_path / "data")))
    assert done.returncode == 2
    assert "station link" in done.stderr and "Traceback" not in done.stderr


async def test_a_page_of_another_site_cannot_open_a_terminal(served):
    import aiohttp

    base, _, _ = served
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(base + "/ws?width=80&height=24", headers={"Origin": "http://evil.example"})
    assert refused.value.status == 403


async def test_a_browser_connection_gets_the_login_screen(served):
    import aiohttp

    base, _, _ = served
    seen = b""
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(base + "/ws?width=80&height=24") as ws:
            await ws.send_str(json.dumps(["resize", {"width": 80, "height": 24}]))
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and b"Scan your badge" not in seen:
                try:
                    msg = await ws.receive(timeout=1)
                except TimeoutError:
                    continue
                if msg.type == aiohttp.WSMsgType.BINARY:
                    seen += msg.data
                elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    break
    assert b"Scan your badge" in seen, seen[-500:]
    assert b"Traceback" not in seen


def _has(cmd: str) -> bool:
    from shutil import which

    return which(cmd) is not None
