"""The emulator itself: its stdin commands, and running it by hand as `python -m drivers.scale.emulator`."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from drivers.scale import ScaleOverload, read_once
from drivers.scale.emulator import HELP, run_command
from tests.drivers.scale.scale_helpers import wait_until

REPO = Path(__file__).resolve().parents[3]


def test_stdin_commands_script_the_scale(emulators):
    emu = emulators("sma")
    assert run_command(emu, "w 12.5") == "ok"
    assert emu.snapshot().display == Decimal("12.500")
    run_command(emu, "p -0.5")
    assert emu.snapshot().display == Decimal("12.000")
    run_command(emu, "m on")
    assert emu.snapshot().moving
    run_command(emu, "m off")
    assert run_command(emu, "t") == "ok"
    assert emu.snapshot().net
    assert run_command(emu, "s").startswith("0.000 kg net stable, tare 12.000, connected")
    run_command(emu, "c")
    run_command(emu, "o")
    assert emu.snapshot().condition == "over"
    run_command(emu, "n")
    assert run_command(emu, "w twelve").startswith("?")
    assert run_command(emu, "help") == HELP
    assert run_command(emu, "q") is None


def test_runs_standalone_and_takes_commands_on_stdin():
    proc = subprocess.Popen(
        [sys.executable, "-m", "drivers.scale.emulator", "--protocol", "mt-sics", "--weight", "1.25"],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        assert read_once(url, "mt-sics").text() == "1.250 kg stable"
        proc.stdin.write("w 2.5\n")
        proc.stdin.flush()
        wait_until(lambda: read_once(url, "mt-sics").value == Decimal("2.500"), what="the new weight")
        proc.stdin.write("o\n")
        proc.stdin.flush()
        wait_until(lambda: _overloaded(url), what="overload")
        proc.stdin.write("q\n")
        proc.stdin.flush()
        assert proc.wait(5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _overloaded(url: str) -> bool:
    try:
        read_once(url, "mt-sics")
    except ScaleOverload:
        return True
    return False
