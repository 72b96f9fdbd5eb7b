"""A real terminal for end-to-end tests: a private tmux server, keys in, the screen read back as text."""
from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Callable

from tests.e2e.procs import skip_or_fail

STEP_TIMEOUT = 20.0  # a slow CI machine: generous, but a hang still fails rather than blocking the run


class Terminal:
    """One tmux session of `width` x `height` on its own socket, so a test never touches the user's tmux."""

    def __init__(self, socket: Path, width: int = 80, height: int = 24, context: Callable[[], str] | None = None):
        if not shutil.which("tmux"):
            skip_or_fail("needs tmux")
        self.socket = socket
        self.size = (width, height)
        self.context = context or (lambda: "")

    def tmux(self, *args: str, check: bool = True) -> str:
        out = subprocess.run(["tmux", "-S", str(self.socket), "-f", "/dev/null", *args], capture_output=True,
                             text=True, timeout=10)
        if check and out.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)}: {out.stderr}")
        return out.stdout

    def start(self, command: str) -> None:
        """Run `command` in the terminal; when it ends, how it ended stays on the screen for a while."""
        width, height = self.size
        self.tmux("new-session", "-d", "-s", "floor", "-x", str(width), "-y", str(height),
                  f"{command}; echo \"exited $?\"; sleep 60")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "floor", check=False)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "floor", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "floor", "-l", text)

    def wait_for(self, *texts: str, gone: tuple[str, ...] = (), timeout: float = STEP_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen()
            if all(t in shown for t in texts) and not any(g in shown for g in gone):
                assert "Traceback" not in shown, shown
                return shown
            time.sleep(0.05)
        raise AssertionError(f"waited {timeout:.0f} s for {texts!r} (and not {gone!r}); the screen shows:\n"
                             f"{shown}\n{self.context()}")

    def stop(self) -> None:
        if self.socket.exists():
            self.tmux("kill-server", check=False)
