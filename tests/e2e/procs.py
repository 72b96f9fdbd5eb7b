"""What the end-to-end tests share: real processes, started and stopped by their own ids."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() == "true"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_database(tmp_path: Path) -> str:
    """A demo database made the way a site makes one: through the command line."""
    url = f"sqlite:///{tmp_path / 'jobfloor.db'}"
    env = dict(os.environ, JOBFLOOR_DATA_DIR=str(tmp_path / "data"))
    subprocess.run([sys.executable, "-m", "tui.entry", "--db", url, "init", "--demo"], cwd=REPO, env=env,
                   check=True, capture_output=True, timeout=60)
    return url


def stop_group(proc: subprocess.Popen, sig: int = signal.SIGTERM, grace: float = 5.0) -> None:
    """Stop a process started with start_new_session=True, and whatever it started, without waiting forever."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # stragglers of the group (an app a server started)
    except (ProcessLookupError, PermissionError):
        pass
    if proc.poll() is None:
        proc.wait(timeout=5)


def skip_or_fail(reason: str) -> None:
    """Elsewhere a missing tool skips with the reason; CI must run the test, so there it fails."""
    import pytest

    if IN_CI:
        pytest.fail(f"{reason}: CI must run this test (.ci/run installs what it needs)")
    pytest.skip(reason)
