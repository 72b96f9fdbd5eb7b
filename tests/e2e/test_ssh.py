"""jobfloor over a real OpenSSH server, seen through a real terminal (tmux at 80x24), as docs/ssh.md sets it up.

A throwaway sshd on a free loopback port with its own host key, an authorized key for the current user (one
carrying `environment="JOBFLOOR_STATION=PICK-2"`, one without, found by address), and a ForceCommand that runs
the jobfloor entry point. The user logs in, opens the stock inquiry, looks up flour and logs out; the screen is
read with `tmux capture-pane` at every step.
"""
from __future__ import annotations

import getpass
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.procs import REPO, demo_database, free_port, skip_or_fail, stop_group
from tests.e2e.terminal import STEP_TIMEOUT, Terminal

pytestmark = pytest.mark.slow

# sshd is usually outside a normal user's PATH; Debian's openssh-server puts it here.
SSHD = shutil.which("sshd", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])) \
    or "/usr/sbin/sshd"


def _tools() -> None:
    missing = [name for name, found in (("sshd (openssh-server)", os.access(SSHD, os.X_OK)),
                                        ("ssh (openssh-client)", shutil.which("ssh")),
                                        ("ssh-keygen", shutil.which("ssh-keygen")),
                                        ("tmux", shutil.which("tmux"))) if not found]
    if missing:
        skip_or_fail(f"needs {', '.join(missing)}")


class Site:
    """The sshd, its keys and config, and a private tmux server; everything under one temporary directory."""

    def __init__(self, tmp: Path, db_url: str):
        self.tmp = tmp
        self.db_url = db_url
        self.port = free_port()
        self.term = Terminal(tmp / "tmux.sock", context=lambda: f"--- sshd log:\n{self.log()}")
        self.sshd: subprocess.Popen | None = None

    def keygen(self, name: str) -> Path:
        key = self.tmp / name
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True,
                       capture_output=True, timeout=30)
        return key

    def start(self, authorized: list[str]) -> None:
        host_key = self.keygen("host_key")
        (self.tmp / "authorized_keys").write_text("\n".join(authorized) + "\n")
        home = self.tmp / "home"
        home.mkdir(exist_ok=True)
        # What docs/ssh.md puts in a wrapper script: the app, its database, where it keeps its files.
        command = shlex.join(["env", f"HOME={home}", f"JOBFLOOR_DATA_DIR={self.tmp / 'data'}",
                              f"{REPO}/.venv/bin/python" if (REPO / ".venv/bin/python").exists() else sys.executable,
                              "-m", "tui.entry", "--db", self.db_url])
        config = self.tmp / "sshd_config"
        config.write_text("\n".join([
            f"Port {self.port}",
            "ListenAddress 127.0.0.1",
            f"HostKey {host_key}",
            f"PidFile {self.tmp / 'sshd.pid'}",
            f"AuthorizedKeysFile {self.tmp / 'authorized_keys'}",
            f"AllowUsers {getpass.getuser()}",
            "StrictModes no",  # the temporary directory is not laid out like a home directory
            "UsePAM no",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",  # CI runs as root
            "PermitUserEnvironment JOBFLOOR_STATION,NO_COLOR",
            "PrintMotd no",
            "PrintLastLog no",
            "AllowTcpForwarding no",
            "X11Forwarding no",
            f"ForceCommand exec {command}",
        ]) + "\n")
        if os.geteuid() == 0 and not os.path.isdir("/run/sshd"):
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # sshd's privilege separation directory
        check = subprocess.run([SSHD, "-t", "-f", str(config)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.sshd = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config), "-E", str(self.tmp / "sshd.log")],
                                     start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.sshd.poll() is not None:
                pytest.fail(f"sshd stopped at start:\n{self.log()}")
            scan = ["ssh-keyscan", "-t", "ed25519", "-p", str(self.port), "-T", "1", "127.0.0.1"]
            if subprocess.run(scan, capture_output=True, timeout=5).returncode == 0:
                return
            time.sleep(0.1)
        pytest.fail(f"sshd did not listen on 127.0.0.1:{self.port}:\n{self.log()}")

    def log(self) -> str:
        path = self.tmp / "sshd.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else "(no sshd log)"

    # --- the terminal -------------------------------------------------------------------------------------
    def connect(self, key: Path, term_env: dict[str, str] | None = None) -> None:
        ssh = ["ssh", "-tt", "-F", "/dev/null", "-i", str(key), "-p", str(self.port), "-o", "IdentitiesOnly=yes",
               "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o",
               f"UserKnownHostsFile={self.tmp / 'known_hosts'}", "-o", "LogLevel=ERROR",
               f"{getpass.getuser()}@127.0.0.1"]
        env = " ".join(f"{k}={shlex.quote(v)}" for k, v in (term_env or {}).items())
        self.term.start(f"{'env ' + env + ' ' if env else ''}{shlex.join(ssh)}")

    def screen(self) -> str:
        return self.term.screen()

    def keys(self, *keys: str) -> None:
        self.term.keys(*keys)

    def type(self, text: str) -> None:
        self.term.type(text)

    def wait_for(self, *texts: str, gone: tuple[str, ...] = (), timeout: float = STEP_TIMEOUT) -> str:
        return self.term.wait_for(*texts, gone=gone, timeout=timeout)

    def stop(self) -> None:
        self.term.stop()  # ssh goes with the terminal, and sshd's session with ssh
        if self.sshd is not None:
            stop_group(self.sshd)


@pytest.fixture
def site(tmp_path):
    _tools()
    s = Site(tmp_path, demo_database(tmp_path))
    try:
        yield s
    finally:
        s.stop()


def _assert_no_traceback(shown: str) -> None:
    assert "Traceback" not in shown, shown


def test_login_stock_inquiry_logout_over_ssh(site):
    # The demo maps 127.0.0.1 to PICK-1; the key's station wins over the address.
    key = site.keygen("picker_key")
    site.start([f'environment="JOBFLOOR_STATION=PICK-2",no-port-forwarding,no-agent-forwarding '
                f'{(key.with_suffix(".pub")).read_text().strip()}'])
    site.connect(key)

    shown = site.wait_for("Scan your badge, or type your user code:", "Station: PICK-2")
    _assert_no_traceback(shown)

    site.type("PK1")
    site.keys("Enter")
    site.type("2222")
    site.keys("Enter")
    shown = site.wait_for("PK1 (picker)  @ PICK-2", "Menu", "1  Stock inquiry", "F10")
    assert len(shown.rstrip("\n").split("\n")) <= 24

    site.keys("1")
    shown = site.wait_for("Stock inquiry", "TrackID, item, lot or location", gone=("1  Stock inquiry",))

    site.type("RM-FLOUR")
    site.keys("Enter")
    shown = site.wait_for("item RM-FLOUR: 8 unit(s), 3512.35 KG", "T000107", "FL2609-07", "QUARANTINE")
    for column in ("TrackID", "Item", "Lot", "Location", "On hand", "Status", "Expiry"):
        assert column in shown
    assert all(len(line) <= 80 for line in shown.split("\n"))

    site.keys("F10")
    shown = site.wait_for("Scan your badge", "Logged out.", gone=("PK1 (picker)",))
    _assert_no_traceback(shown)

    # Leaving the app ends the SSH session: ForceCommand gives no shell to fall back to.
    site.keys("C-q")
    shown = site.wait_for("exited")
    assert "exited 0" in shown, f"{shown}\n{site.log()}"


def test_station_by_ssh_address_on_a_plain_terminal(site):
    """A key without a station: the station comes from the client's address. TERM=vt220 with NO_COLOR: grey only."""
    import re

    from core.data.db import connect, db
    from core.site.actor import Actor
    from core.site.stations import update_station

    connect(site.db_url)
    try:
        supervisor = Actor("SV1", "supervisor", None)
        update_station(supervisor, "PICK-1", ssh_address=None)
        update_station(supervisor, "PICK-2", ssh_address="127.0.0.1")
    finally:
        db.close()
    key = site.keygen("terminal_key")
    site.start([f'environment="NO_COLOR=1" {key.with_suffix(".pub").read_text().strip()}'])
    site.connect(key, {"TERM": "vt220"})  # ssh hands the terminal's TERM to the app
    shown = site.wait_for("Scan your badge", "Station: PICK-2")
    _assert_no_traceback(shown)
    site.type("BADGE-SV1")
    site.keys("Enter")
    site.wait_for("SV1 (supervisor)  @ PICK-2", "Menu", "F1 Help")
    styled = site.term.tmux("capture-pane", "-p", "-e", "-t", "floor")
    colours = set()
    for params in re.findall(r"\x1b\[([0-9;]*)m", styled):
        colours.update(int(p) for p in params.split(";") if p and (30 <= int(p) <= 49 or 90 <= int(p) <= 107))
    # black, white and their bright forms (and "default") are all a monochrome terminal has
    assert colours <= {30, 37, 39, 40, 47, 49, 90, 97, 100, 107}, colours

    # A VT-class terminal may lack block characters: the scan field is framed in ASCII.
    site.keys("1")
    shown = site.wait_for("Stock inquiry", "TrackID, item, lot or location")
    assert "+----" in shown and "|  TrackID, item, lot or location" in shown
    assert not set(shown) & set("▊▎▔▁"), shown
