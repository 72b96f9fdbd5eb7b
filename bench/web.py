"""Browser stations on one server: 16 kiosks in a real headless Chromium, each logged in and typing at once.

    .venv/bin/python -m bench.web [--stations 16] [--seconds 20] [--interval-ms 250]

- Load to login: from the page's navigation start to the bytes that draw the login prompt (each page starts a
  session: a new app process).
- Key to screen: every station types into the stock inquiry's field at the same time (one key per interval each,
  their starts spread over the interval); for each key, the time from the key leaving the page to the output that
  shows it arriving, and to the browser frame after that (the screen a picker sees). p50 and p95 over all keys.
- Memory per session: each app process's RSS and PSS (its fair share of pages shared with the others), read from
  /proc after the typing; and the server process itself.

Needs Debian's chromium and chromium-driver, and the test extras (selenium, pyte: `make install-test`).
A benchmark, not a test: it prints figures and a verdict against the target and exits 0 when it ran.
"""
from __future__ import annotations

import argparse
import base64
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_P95_MS = 150.0
PROMPT = b"Scan your badge, or type your user code:"
# Typed into the field, then cleared with Ctrl+U (not timed). Letters no terminal escape sequence ends with, so
# the typed prefix is found in the output only when the field shows it.
WORD = "QXZWVY"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def make_site(tmp: str, stations: int) -> str:
    url = f"sqlite:///{tmp}/bench.db"
    env = dict(os.environ, JOBFLOOR_DATA_DIR=f"{tmp}/data")
    subprocess.run([sys.executable, "-m", "tui.entry", "--db", url, "init", "--demo"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    from core.data.db import connect
    from core.site.auth import add_user

    database = connect(url)
    for i in range(1, stations + 1):
        add_user(f"B{i:02d}", "picker", "1234", badge=f"BENCH-{i:02d}")
    database.close()
    return url


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in kB, from the kernel's own accounting of the process's pages."""
    rss = pss = 0
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        for line in fh:
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    return rss, pss


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def load_to_login_ms(browser) -> float | None:
    """Milliseconds from this page's navigation start to the output that drew the login prompt."""
    deadline = time.monotonic() + 30
    seen = b""
    while time.monotonic() < deadline:
        out = browser.driver.execute_script("return window.jobfloor.takeOutput()")
        for chunk, at in zip(out["chunks"], out["times"]):
            seen += base64.b64decode(chunk)
            if PROMPT in seen:
                return at
        time.sleep(0.02)
    return None


START_TYPING = """
const [word, interval, offset, seconds] = arguments;
window.benchResults = [];
window.benchDone = false;
(async () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  await sleep(offset);
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 1; i <= word.length && performance.now() < end; i++) {
      const next = performance.now() + interval;
      window.benchResults.push(await window.jobfloor.probe(word[i - 1], word.slice(0, i)));
      await sleep(Math.max(0, next - performance.now()));
    }
    await window.jobfloor.probe("\\x15", "", 1000);  // Ctrl+U: the field empty again, not timed
    await sleep(interval);
  }
  window.benchDone = true;
})();
"""


def run(args) -> dict:
    from tests.e2e.browser import Browser, available

    missing = available()
    if missing:
        print(f"bench.web skipped: {missing}")
        return {}
    with tempfile.TemporaryDirectory(prefix="jobfloor-bench-web-") as tmp:
        url = make_site(tmp, args.stations)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, JOBFLOOR_DATA_DIR=f"{tmp}/data")
        server = subprocess.Popen([sys.executable, "-m", "tui.entry", "--db", url, "serve", "--web", "--port",
                                   str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        browser = None
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(base + "/", timeout=2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("bench.web: the server did not start") from None
                    time.sleep(0.05)
            browser = Browser(size=(1024, 640))
            loads, windows = [], []
            for i in range(1, args.stations + 1):
                if i > 1:
                    browser.driver.switch_to.new_window("window")
                browser.open(base + "/")
                windows.append(browser.driver.current_window_handle)
                loads.append(load_to_login_ms(browser))
                browser.keys(f"BENCH-{i:02d}\n")
                browser.wait_for(f"B{i:02d} (picker)", "Menu", timeout=30)
                browser.keys("1")
                browser.wait_for("Stock inquiry", timeout=30)
                browser.driver.execute_script("window.jobfloor.takeOutput()")  # the trace starts empty
            for i, handle in enumerate(windows):
                browser.driver.switch_to.window(handle)
                offset = args.interval_ms * i / len(windows)
                browser.driver.execute_script(START_TYPING, WORD, args.interval_ms, offset, args.seconds)
            time.sleep(args.seconds + 1)  # the pages type on their own clocks; this only waits for them
            results = []
            for handle in windows:
                browser.driver.switch_to.window(handle)
                deadline = time.monotonic() + 15
                while not browser.driver.execute_script("return window.benchDone") and time.monotonic() < deadline:
                    time.sleep(0.1)
                results += browser.driver.execute_script("return window.benchResults")
            apps = children(server.pid)
            memory = [memory_kb(pid) for pid in apps]
            server_rss, _ = memory_kb(server.pid)
        finally:
            if browser is not None:
                browser.quit()
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    timed = [r for r in results if not r.get("timeout")]
    return {
        "stations": args.stations, "sessions": len(apps), "keys": len(results),
        "timeouts": len(results) - len(timed),
        "load_ms": [x for x in loads if x is not None],
        "arrived": [r["arrived"] for r in timed], "painted": [r["painted"] for r in timed],
        "rss_mb": [m[0] / 1024 for m in memory], "pss_mb": [m[1] / 1024 for m in memory],
        "server_rss_mb": server_rss / 1024,
    }


def report(r: dict, seconds: float) -> None:
    if not r:
        return
    print(f"{r['stations']} browser stations on one server (headless Chromium, one window each), "
          f"{r['sessions']} app processes; {r['keys']} keys typed in {seconds:.0f} s, {r['timeouts']} unanswered")
    if r["load_ms"]:
        print(f"  load to login prompt:   median {statistics.median(r['load_ms']):6.0f} ms   "
              f"max {max(r['load_ms']):6.0f} ms")
    if r["arrived"]:
        for name, values in (("key to output in page", r["arrived"]), ("key to screen (frame)", r["painted"])):
            print(f"  {name}:  p50 {pct(values, 50):6.1f} ms   p95 {pct(values, 95):6.1f} ms   "
                  f"max {max(values):6.1f} ms")
        p95 = pct(r["painted"], 95)
        verdict = "met" if p95 < TARGET_P95_MS else "MISSED"
        print(f"  target: key to screen p95 under {TARGET_P95_MS:.0f} ms with 16 stations typing: {verdict}")
    if r["rss_mb"]:
        print(f"  memory per session:     PSS median {statistics.median(r['pss_mb']):5.1f} MB   "
              f"RSS median {statistics.median(r['rss_mb']):5.1f} MB   "
              f"(all sessions: PSS {sum(r['pss_mb']):.0f} MB)")
        print(f"  server process:         RSS {r['server_rss_mb']:.1f} MB")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--stations", type=int, default=16)
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--interval-ms", type=float, default=250.0, help="between one station's keys (default 250)")
    args = p.parse_args(argv)
    report(run(args), args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
