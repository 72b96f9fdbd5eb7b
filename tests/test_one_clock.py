"""Every rule reads the floor's clock (core.clock), never the machine's: the suite, a training site and a test that
fixes the day all see the same time. A call of datetime.now(), date.today(), datetime.utcnow() or time.time() in
the code that ships (core, drivers, tui) anywhere but core/clock.py is a finding."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WALL_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
              ("time", "time")}


def wall_clock_calls(source: str) -> list[int]:
    """Lines that ask the machine for the date or time: `x.now()` where x is named datetime/date/time."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (name, node.func.attr) in WALL_CLOCK:
                lines.append(node.lineno)
    return lines


def test_only_core_clock_reads_the_wall_clock():
    found = []
    for package in ("core", "drivers", "tui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "core" / "clock.py":
                continue
            found += [f"{path.relative_to(ROOT)}:{n}" for n in wall_clock_calls(path.read_text(encoding="utf-8"))]
    assert not found, "read the time through core.clock instead:\n" + "\n".join(found)


def test_the_check_finds_each_form():
    planted = ("import datetime as dt, time\nfrom datetime import date, datetime\n"
               "a = dt.datetime.now()\nb = date.today()\nc = datetime.utcnow()\nd = time.time()\ne = dt.date.today()\n")
    assert wall_clock_calls(planted) == [3, 4, 5, 6, 7]
    assert wall_clock_calls("import time\nt = time.monotonic()\n") == []


def test_the_clock_runs_from_a_fixed_start(fixed_clock):
    from tests.conftest import TEST_CLOCK

    assert fixed_clock.today() == TEST_CLOCK.date()
    assert TEST_CLOCK <= fixed_clock.now() < TEST_CLOCK.replace(hour=TEST_CLOCK.hour + 1)
    assert abs(fixed_clock.now() - fixed_clock.utcnow() - fixed_clock._clock._utc_offset).total_seconds() < 1
