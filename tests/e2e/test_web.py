"""Browser pick stations, in a real headless Chromium against `jobfloor serve --web` on loopback.

What a kiosk on the floor needs, step by step as a picker (gloves, no mouse) and a supervisor would do it:
scanning from the moment the page shows, clicks that change nothing, a weighed pick that survives a reload and
a browser restart, a stopped session that says so and starts again with Enter, a station link that drives its
station until a supervisor replaces it, and a page that asks nothing of any other host.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.browser import Browser, available
from tests.e2e.procs import REPO, demo_database, free_port, skip_or_fail, stop_group

pytestmark = pytest.mark.slow

JOB = "000000000012348"  # the demo's bakery job; its first line is 90 kg of flour from T000107 at A-01-02


class Site:
    """A demo database with one job released, and `jobfloor serve --web` on it."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.db_url = demo_database(tmp)
        self.env = dict(os.environ, JOBFLOOR_DATA_DIR=str(tmp / "data"))
        self.cli("release", JOB, "--user", "PL1", pin="4444")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(tmp / "serve.log", "wb")
        self.server = subprocess.Popen([sys.executable, "-m", "tui.entry", "--db", self.db_url, "serve", "--web",
                                        "--port", str(self.port)], cwd=REPO, env=self.env, stdout=self.log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.server.poll() is None:
            try:
                with urllib.request.urlopen(self.base + "/", timeout=2):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"jobfloor serve did not answer:\n{(tmp / 'serve.log').read_text()}")

    def cli(self, *args: str, pin: str | None = None) -> str:
        env = dict(self.env, JOBFLOOR_PIN=pin) if pin else self.env
        done = subprocess.run([sys.executable, "-m", "tui.entry", "--db", self.db_url, *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def station_link(self, code: str, new: bool = False) -> str:
        return self.cli("station", "link", code, "--user", "SV1", *(["--new"] if new else []), pin="3333")

    def app_pids(self) -> list[int]:
        """The app processes the server runs: one per browser session."""
        children = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def postings(self) -> int:
        from core.data.db import connect
        from core.data.models import Posting

        database = connect(self.db_url)
        try:
            return Posting.select().where(Posting.job == JOB).count()
        finally:
            database.close()

    def stop(self) -> None:
        stop_group(self.server, signal.SIGTERM, grace=10)
        self.log.close()


@pytest.fixture
def site(tmp_path):
    missing = available()
    if missing:
        skip_or_fail(missing)
    s = Site(tmp_path)
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def browser(site):
    b = Browser()
    try:
        yield b
    finally:
        b.quit()


def wait_until(predicate, what: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"waited {timeout:.0f} s for {what}")


def test_typing_from_page_load_logs_in_and_nothing_comes_from_elsewhere(site, browser):
    browser.open(site.base + "/")
    # A scanner or a quick typist right after the page opens: no click, no waiting for the screen.
    browser.keys("PK1\n2222\n")
    shown = browser.wait_for("PK1 (picker)  @ no station", "Menu")
    assert "Traceback" not in shown
    assert browser.title() == "jobfloor"
    assert browser.driver.execute_script(
        "return document.querySelector('link[rel=icon]').href") == site.base + "/assets/icon.svg"
    urls = browser.requests()
    # Every request the page made went to this server; the browser was run with every other host unresolvable.
    own = [u for u in urls if u.split(":", 1)[0] in ("http", "https", "ws", "wss")]
    assert own and all(u.startswith((site.base + "/", site.base.replace("http", "ws", 1) + "/")) for u in own), own
    assert any(u.endswith("/assets/fonts/RobotoMono.ttf") for u in own)  # the terminal's font, served here
    assert not [u for u in urls if u.split(":", 1)[0] not in ("http", "https", "ws", "wss", "data", "chrome")]
    # Nothing the page does is refused by its own Content-Security-Policy, nor fails.
    assert not [e for e in browser.driver.get_log("browser") if e["level"] == "SEVERE"]


def test_a_click_never_moves_typing_and_the_pin_is_never_shown(site, browser):
    from selenium.webdriver.common.keys import Keys

    browser.open(site.base + "/")
    browser.wait_for("Scan your badge", "badge or user code")
    # Before any key or click, the user field shows it has the keyboard (its frame lit, the PIN field's not).
    screen = browser.screen()
    assert screen.edge_colour("badge or user code") != screen.edge_colour("PIN")
    # Clicks in the middle of the screen and on the fields: typing stays where the login screen put it.
    browser.click(500, 300)
    browser.keys("PK1\n")
    browser.click(500, 160)
    browser.click(500, 330)
    browser.keys("2222")
    shown = browser.wait_for("••••")
    assert "2222" not in shown
    assert "PK1" in shown
    browser.keys("\n")
    shown = browser.wait_for("PK1 (picker)", "Menu")
    assert "2222" not in shown
    # F5 is jobfloor's key (tare, save), not the browser's reload: the page and its session stay.
    loaded = browser.driver.execute_script("return performance.timeOrigin")
    browser.keys(Keys.F5, "1")
    browser.wait_for("Stock inquiry")
    assert browser.driver.execute_script("return performance.timeOrigin") == loaded


def test_a_weighed_pick_survives_a_reload_and_a_browser_restart(site, tmp_path):
    from selenium.webdriver.common.keys import Keys

    link = site.station_link("PICK-1")
    profile = str(tmp_path / "chromium-profile")
    browser = Browser(user_data=profile)
    try:
        browser.open(link)
        assert browser.title() == "jobfloor · PICK-1"
        browser.keys("BADGE-PK1\n")
        browser.wait_for("PK1 (picker)  @ PICK-1")
        browser.keys("2")
        browser.wait_for("Job picking", JOB)
        browser.keys(Keys.ENTER)
        browser.wait_for("Go to A-01-02. Scan T000107")
        browser.keys("T000107", Keys.ENTER)
        browser.wait_for("press Enter to tare")
        browser.keys(Keys.ENTER)
        browser.wait_for("Pour 90 kg from T000107")
        browser.keys(*[Keys.F6] * 10)  # the demo scale: each F6 pours a tenth of the target
        browser.wait_for("90 kg stable")
        (app,) = site.app_pids()

        browser.driver.refresh()
        shown = browser.wait_for("PK1 (picker)  @ PICK-1", "Pour 90 kg from T000107", "90 kg stable")
        assert "Scan your badge" not in shown
        assert site.app_pids() == [app] and site.postings() == 0
    finally:
        browser.quit()

    # The browser closed and opened again on the same profile: the same session, the same amount on the scale.
    browser = Browser(user_data=profile)
    try:
        browser.open(link)
        browser.wait_for("PK1 (picker)  @ PICK-1", "Pour 90 kg from T000107", "90 kg stable")
        assert site.app_pids() == [app]
        browser.keys(Keys.ENTER)  # confirm, once
        browser.wait_for("Done: ", "T000107")
        assert site.postings() == 1
    finally:
        browser.quit()


def test_a_stopped_session_says_so_and_enter_starts_again(site, browser):
    browser.open(site.base + "/")
    browser.keys("BADGE-SV1\n")
    browser.wait_for("SV1 (supervisor)", "Menu")
    (app,) = site.app_pids()
    os.kill(app, signal.SIGKILL)
    said = browser.wait_notice("This terminal has stopped")
    assert "Press Enter to start it again" in said
    browser.keys("PK1")  # ignored: nothing is typed into a session that is not there
    assert browser.mode() == "ended"
    browser.keys("\n")
    shown = browser.wait_for("Scan your badge", "badge or user code")
    assert browser.notice() == ""
    assert "PK1" not in shown
    wait_until(lambda: len(site.app_pids()) == 1 and site.app_pids() != [app], "a new app process")
    browser.keys("BADGE-PK1\n")
    browser.wait_for("PK1 (picker)", "Menu")


def test_a_station_link_drives_its_station_until_it_is_replaced(site, browser):
    old = site.station_link("PICK-1")
    assert old.startswith(site.base + "/station/")
    browser.open(site.base + "/")
    browser.wait_for("Station: none")

    browser.open(old)
    browser.wait_for("Station: PICK-1")
    assert browser.title() == "jobfloor · PICK-1"
    browser.keys("BADGE-PK1\n")
    browser.wait_for("PK1 (picker)  @ PICK-1")

    new = site.station_link("PICK-1", new=True)
    assert new != old
    # The open kiosk stops being PICK-1 by itself, and its page says why.
    wait_until(lambda: "This station link is no longer valid" in browser.driver.page_source,
               "the old link's page to say it is no longer valid")
    assert "ask a supervisor" in browser.driver.find_element("tag name", "body").text.lower()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(old, timeout=5)
    assert refused.value.code == 410

    browser.open(new)
    browser.wait_for("Station: PICK-1", "Scan your badge")
    assert browser.title() == "jobfloor · PICK-1"


def test_a_dropped_connection_comes_back_to_the_same_session_with_the_keys_typed_meanwhile(site, browser):
    from tests.e2e.link import Link

    link = Link(site.port)  # the floor network between the kiosk and the server
    try:
        browser.open(f"http://127.0.0.1:{link.port}/")
        browser.keys("BADGE-PK1\n")
        browser.wait_for("PK1 (picker)", "Menu")
        browser.keys("1")
        browser.wait_for("Stock inquiry")
        (app,) = site.app_pids()

        link.cut()
        browser.wait_notice("The connection to jobfloor was lost")
        browser.keys("RM-FLOUR\n")  # a scan while the network is down: kept by the page
        link.mend()
        # Back by itself, no reload, no login; the scan arrives and is answered.
        browser.wait_for("PK1 (picker)", "item RM-FLOUR: 8 unit(s)")
        wait_until(lambda: browser.notice() == "", "the page's notice to go")
        assert site.app_pids() == [app]
    finally:
        link.close()
