"""The floor terminal's own costs, measured the way a terminal sees them: through a pseudo-terminal at 80x24.

    .venv/bin/python -m bench.shell [--runs 7] [--keys 40]

- Cold start: from spawning `python -m tui.entry` to the login prompt on the terminal. The first run after the
  database is made is shown apart (the OS has the files cached either way; Python's bytecode is already built).
- Memory: RSS of one operator session after login and a stock inquiry, as a site pays it 50 times over; and
  whether numba (or numpy) got loaded, read from the process's memory map.
- Latency: one keypress to its echo in the scan field, and Enter on a stock inquiry to the result on the screen,
  both from the byte written to the terminal to the bytes that show the answer.

A benchmark, not a test: it prints figures and verdicts against the targets and always exits 0 when it ran.
"""
from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROMPT = b"Scan your badge, or type your user code:"
TARGET_START_S = 0.8
TARGET_RSS_MB = 60.0
TARGET_KEY_MS = 30.0
QUERIES = (("RM-FLOUR", b"item RM-FLOUR: 8 unit(s)"), ("A-01-01", b"location A-01-01: "))


class Terminal:
    """The app on a pseudo-terminal of its own, read the way a terminal would be."""

    def __init__(self, db_url: str, data_dir: str, cols: int = 80, rows: int = 24):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", JOBFLOOR_DATA_DIR=data_dir, COLUMNS=str(cols),
                   LINES=str(rows))
        env.pop("JOBFLOOR_STATION", None)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "-m", "tui.entry", "--db", db_url], cwd=ROOT, env=env,
                                     stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                                     close_fds=True)
        os.close(slave)
        self.seen = b""

    def read_until(self, marker: bytes, since: int = 0, timeout: float = 20.0) -> float:
        """Seconds (perf_counter) at which `marker` appeared in the output after offset `since`."""
        deadline = time.perf_counter() + timeout
        while True:
            if marker in self.seen[since:]:
                return time.perf_counter()
            left = deadline - time.perf_counter()
            if left <= 0:
                tail = self.seen[-400:].decode(errors="replace")
                raise TimeoutError(f"no {marker!r} on the terminal within {timeout:.0f} s; last output: {tail!r}")
            ready, _, _ = select.select([self.master], [], [], min(left, 0.5))
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # the app has gone
                    chunk = b""
                if not chunk and self.proc.poll() is not None:
                    raise RuntimeError(f"the app ended: {self.seen[-400:].decode(errors='replace')!r}")
                self.seen += chunk

    def drain(self, quiet: float = 0.15) -> None:
        """Read until the app has been silent for `quiet` seconds (a redraw finished)."""
        while select.select([self.master], [], [], quiet)[0]:
            try:
                self.seen += os.read(self.master, 65536)
            except OSError:
                return

    def write(self, data: bytes) -> int:
        mark = len(self.seen)
        os.write(self.master, data)
        return mark

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def loaded(self, *packages: str) -> dict[str, bool]:
        maps = Path(f"/proc/{self.proc.pid}/maps").read_text()
        return {p: f"/{p}/" in maps or f"/{p}." in maps for p in packages}

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        os.close(self.master)


def load_demo(url: str, tmp: str) -> str:
    subprocess.run([sys.executable, "-m", "tui.entry", "--db", url, "init", "--demo"], cwd=ROOT, check=True,
                   capture_output=True, env=dict(os.environ, JOBFLOOR_DATA_DIR=f"{tmp}/data"))
    return url


@contextmanager
def scratch_pg(server: str):
    """A PostgreSQL database of its own for the run, dropped afterwards."""
    import psycopg2

    name = f"jobfloor_bench_shell_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = psycopg2.connect(server + "/postgres", connect_timeout=5)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with admin.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                        "pg_backend_pid()", (name,))
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def cold_starts(url: str, tmp: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        term = Terminal(url, f"{tmp}/data")
        try:
            times.append(term.read_until(PROMPT) - term.started)
        finally:
            term.close()
    return times


def session(url: str, tmp: str, keys: int) -> dict:
    term = Terminal(url, f"{tmp}/data")
    try:
        term.read_until(PROMPT)
        term.drain()
        mark = term.write(b"OP1\r1111\r")
        term.read_until(b"Stock inquiry", since=mark)
        term.drain()
        mark = term.write(b"1")
        term.read_until(b"TrackID, item, lot or location", since=mark)
        term.drain()
        echo, enter = [], []
        for i in range(keys):
            text, marker = QUERIES[i % len(QUERIES)]
            for n in range(1, len(text) + 1):
                t0 = time.perf_counter()
                mark = term.write(text[n - 1:n].encode())
                shown_at = term.read_until(text[:n].encode(), since=mark)
                if n > 1:  # one character alone could be matched inside an escape sequence
                    echo.append(shown_at - t0)
            term.drain(0.05)
            t0 = time.perf_counter()
            mark = term.write(b"\r")
            enter.append(term.read_until(marker, since=mark) - t0)
            term.drain(0.05)
        return {"rss": term.rss_mb(), "loaded": term.loaded("numba", "numpy", "PIL", "psycopg2"),
                "echo": echo, "enter": enter}
    finally:
        term.close()


SESSION_IMPORTS = ("psycopg2", "peewee", "textual.app", "textual.widgets._data_table", "core.data.models", "core.site.auth",
                   "core.stock.inquiry", "biip", "tui.app", "tui.screens.login", "tui.screens.menu", "tui.screens.stock")


def importtime(url: str, tmp: str, top: int = 10) -> list[tuple[int, str]]:
    """The slowest imports (cumulative, microseconds) of starting the app: where to look when start is slow."""
    code = "import sys, tui.run; app = tui.run.build_app(sys.argv[1]); import tui.screens.login"
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", code, url], cwd=ROOT, capture_output=True,
                         text=True, env=dict(os.environ, JOBFLOOR_DATA_DIR=f"{tmp}/data"))
    rows = []
    for line in out.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
            if cumulative.isdigit() and "." not in name:
                rows.append((int(cumulative), name))
    return sorted(rows, reverse=True)[:top]


def memory_by_import() -> list[tuple[float, str]]:
    """RSS each import adds, in the order an operator's session brings them in: where the megabytes go."""
    code = ("import importlib, sys\n"
            "def rss():\n"
            "    return int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1]) / 1024\n"
            "last = rss(); print(f'{last:.1f} python')\n"
            "for name in sys.argv[1:]:\n"
            "    importlib.import_module(name); now = rss(); print(f'{now - last:.1f} {name}'); last = now\n")
    out = subprocess.run([sys.executable, "-c", code, *SESSION_IMPORTS], cwd=ROOT, capture_output=True, text=True)
    rows = [(float(mb), name) for mb, name in (line.split(" ", 1) for line in out.stdout.splitlines())]
    return [r for r in rows if r[0] >= 0.5]


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(kind: str, url: str, tmp: str, runs: int, keys: int, show_imports: bool) -> None:
    starts = cold_starts(url, tmp, runs + 1)
    s = session(url, tmp, keys)
    first, rest = starts[0], starts[1:]
    start_med = statistics.median(rest)
    echo_med = statistics.median(s["echo"]) * 1000
    enter_med = statistics.median(s["enter"]) * 1000

    def p95(xs):
        return sorted(xs)[max(0, int(len(xs) * 0.95) - 1)] * 1000

    print(f"\n{kind}: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall times grow with it)")
    print(f"{'measure':<44} {'median':>8} {'p95/max':>8} {'target':>7}  verdict")
    print(f"{'cold start to login prompt (s)':<44} {start_med:>8.3f} {max(rest):>8.3f} {TARGET_START_S:>7.1f}  "
          f"{verdict(start_med < TARGET_START_S)}  (first run {first:.3f} s, then {len(rest)})")
    print(f"{'RSS after login + stock inquiry (MB)':<44} {s['rss']:>8.1f} {'':>8} {TARGET_RSS_MB:>7.0f}  "
          f"{verdict(s['rss'] < TARGET_RSS_MB)}")
    print(f"{'keypress to echo in scan field (ms)':<44} {echo_med:>8.1f} {p95(s['echo']):>8.1f} "
          f"{TARGET_KEY_MS:>7.0f}  {verdict(echo_med < TARGET_KEY_MS)}  ({len(s['echo'])} keys)")
    print(f"{'Enter to stock inquiry result drawn (ms)':<44} {enter_med:>8.1f} {p95(s['enter']):>8.1f} "
          f"{TARGET_KEY_MS:>7.0f}  {verdict(enter_med < TARGET_KEY_MS)}  ({len(s['enter'])} inquiries)")
    loaded = ", ".join(f"{name} {'LOADED' if on else 'not loaded'}" for name, on in s["loaded"].items())
    print(f"in the operator's process: {loaded}")
    if s["loaded"]["numba"]:
        print("  numba must not be loaded by a session that never allocates: see tests/test_import_hygiene.py")
    if show_imports or start_med >= TARGET_START_S:
        print("slowest top-level imports at start (cumulative ms):")
        for micros, name in importtime(url, tmp):
            print(f"  {micros / 1000:8.1f}  {name}")
    if show_imports or s["rss"] >= TARGET_RSS_MB:
        print("RSS by import, in the order a session loads them (MB; what is left is the running app):")
        for mb, name in memory_by_import():
            print(f"  {mb:8.1f}  {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.shell", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="cold starts to time (default 7)")
    parser.add_argument("--keys", type=int, default=20, help="inquiries typed and entered (default 20)")
    parser.add_argument("--db", choices=("both", "sqlite", "pg"), default="both")
    parser.add_argument("--pg", default=os.environ.get("JOBFLOOR_TEST_PG", "postgresql://postgres@127.0.0.1:5432"),
                        help="PostgreSQL server URL without a database name (a scratch database is made and dropped)")
    parser.add_argument("--importtime", action="store_true", help="also list the slowest imports at start")
    args = parser.parse_args(argv)

    print(f"jobfloor shell, Python {sys.version.split()[0]}, terminal 80x24 (pty), "
          f"TEXTUAL_FPS {os.environ.get('TEXTUAL_FPS', 'default (jobfloor: 120)')}")
    tmp = tempfile.mkdtemp(prefix="jobfloor-bench-shell-")
    try:
        if args.db in ("both", "sqlite"):
            url = load_demo(f"sqlite:///{tmp}/bench.db", tmp)
            report("SQLite", url, tmp, args.runs, args.keys, args.importtime)
        if args.db in ("both", "pg"):
            try:
                with scratch_pg(args.pg) as url:
                    report("PostgreSQL", load_demo(url, tmp), tmp, args.runs, args.keys, args.importtime)
            except ImportError as exc:
                print(f"\nPostgreSQL: not measured ({exc})")
            except Exception as exc:  # no server here: say so, the SQLite figures stand
                if type(exc).__module__.startswith("psycopg2"):
                    print(f"\nPostgreSQL: not measured, no server at {args.pg} ({str(exc).strip()})")
                else:
                    raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
