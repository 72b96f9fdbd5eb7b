"""A real headless Chromium (Debian's chromium and chromium-driver) on a jobfloor page, read as a person would.

The terminal in the page is drawn on a canvas, so what it shows is read back from what the server sent it: the
page records its output bytes (`#trace` on the address) and a VT terminal emulator (pyte) plays them onto a
screen of the page's size. Keys go in as a keyboard's do, through the browser (WebDriver key events).
"""
from __future__ import annotations

import base64
import codecs
import json
import os
import shutil
import tempfile
import time

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# Quiet on a closed network: no update checks, no sync, no background fetches; and every host but this
# machine unresolvable, so a page that asked for anything from outside would show it in the request log.
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
         "--disable-features=Translate,OptimizationHints,MediaRouter",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
         "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
         "--disable-backgrounding-occluded-windows"]
STEP_TIMEOUT = 20.0


def available() -> str | None:
    """What is missing to run a browser here, or None."""
    missing = [name for name, path in (("chromium", CHROMIUM), ("chromium-driver", CHROMEDRIVER))
               if not os.access(path, os.X_OK)]
    try:
        import pyte  # noqa: F401
        import selenium  # noqa: F401
    except ImportError as exc:
        missing.append(f"{exc.name} (pip install -e '.[test]')")
    return f"needs {', '.join(missing)}" if missing else None


class Browser:
    """One Chromium with its own profile; `user_data` may be given to restart a browser on the same profile."""

    def __init__(self, size=(1024, 640), user_data: str | None = None):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.own_profile = user_data is None
        self.user_data = user_data or tempfile.mkdtemp(prefix="jobfloor-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.user_data}")
        options.add_argument(f"--window-size={size[0]},{size[1]}")
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
        self.driver.set_script_timeout(30)
        self.screens: dict[str, Screen] = {}

    def open(self, url: str) -> None:
        self.driver.get(url + "#trace")

    def title(self) -> str:
        return self.driver.title

    def keys(self, *keys: str) -> None:
        """Typed at whatever has the keyboard in the page, as a keyboard or a scanner would: no click first."""
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(*keys).perform()

    def click(self, x: int, y: int) -> None:
        """A mouse click at (x, y) pixels of the page."""
        from selenium.webdriver.common.actions.action_builder import ActionBuilder

        actions = ActionBuilder(self.driver)
        actions.pointer_action.move_to_location(x, y).click()
        actions.perform()

    def mode(self) -> str:
        return self.driver.execute_script("return window.jobfloor ? window.jobfloor.mode() : 'none'")

    def screen(self) -> Screen:
        """The terminal as it shows now (played from the page's output since it loaded)."""
        key = self.driver.execute_script("return sessionStorage.getItem('jobfloor.tab') + location.pathname")
        loaded = self.driver.execute_script("return performance.timeOrigin")
        screen = self.screens.get(key)
        if screen is None or screen.loaded != loaded:
            size = self.driver.execute_script("return window.jobfloor.size()") or {"width": 80, "height": 24}
            screen = self.screens[key] = Screen(loaded, size["width"], size["height"])
        out = self.driver.execute_script("return window.jobfloor.takeOutput()")
        for chunk in out["chunks"] if out else ():
            screen.feed(base64.b64decode(chunk))
        return screen

    def wait_for(self, *texts: str, gone: tuple[str, ...] = (), timeout: float = STEP_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen().text()
            if all(t in shown for t in texts) and not any(g in shown for g in gone):
                return shown
            time.sleep(0.03)
        raise AssertionError(f"waited {timeout:.0f} s for {texts!r} (and not {gone!r}); the terminal shows:\n"
                             f"{shown}\n(page mode: {self.mode()}; notice: {self.notice()!r})")

    def notice(self) -> str:
        """The page's own words over the terminal (connection lost, session ended), or ''."""
        return self.driver.execute_script("""
            const n = document.getElementById('notice');
            return n && !n.hidden ? n.innerText : '';""")

    def wait_notice(self, text: str, timeout: float = STEP_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.notice()
            if text in shown:
                return shown
            time.sleep(0.03)
        raise AssertionError(f"waited {timeout:.0f} s for the page to say {text!r}; it says {shown!r}")

    def requests(self) -> list[str]:
        """Every URL the browser asked for since the last call (from its network log)."""
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
            elif message["method"] == "Network.webSocketCreated":
                urls.append(message["params"]["url"])
        return urls

    def quit(self) -> None:
        try:
            self.driver.quit()
        finally:
            if self.own_profile:
                shutil.rmtree(self.user_data, ignore_errors=True)


class Screen:
    """A VT screen fed with the page's output."""

    def __init__(self, loaded: float, cols: int, rows: int):
        import pyte

        self.loaded = loaded
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.Stream(self.screen)
        self.decode = codecs.getincrementaldecoder("utf-8")("replace").decode

    def feed(self, data: bytes) -> None:
        self.stream.feed(self.decode(data))

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def edge_colour(self, text: str) -> str:
        """The colour of the first thing drawn on the line that shows `text` (a field's frame, say)."""
        for y, line in enumerate(self.screen.display):
            if text in line:
                x = len(line) - len(line.lstrip())
                return self.screen.buffer[y][x].fg
        raise AssertionError(f"{text!r} is not on the screen:\n{self.text()}")
