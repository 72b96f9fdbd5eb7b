"""How the kernel is loaded and run: lazily, from the cache the app names, and as plain Python for coverage."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from core.allocator.arrays import NO_EXPIRY, LineArrays, UnitArrays
from core.allocator.reference import allocate_reference
from tests.core.allocator.helpers import DAY, lines, single, take, unit, units

ROOT = Path(__file__).resolve().parents[3]


def _python(code: str, **env: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_the_rules_need_no_numpy_and_only_the_kernel_loads_numba():
    code = (
        "import sys\n"
        "import core.allocator.rules\n"
        "print('numpy' in sys.modules)\n"
        "import core.allocator.arrays, core.allocator.reference, core.allocator.loading\n"
        "print('numba' in sys.modules)\n"
        "from core.allocator.kernel import allocate\n"
        "print('numba' in sys.modules)\n"
    )
    assert _python(code).split() == ["False", "False", "True"]


def test_kernel_cache_goes_where_numba_cache_dir_says(tmp_path):
    # The app sets NUMBA_CACHE_DIR before the import; the kernel must not pin a directory of its own.
    code = "from core.allocator import kernel\nprint(kernel._allocate._cache._cache_path)"
    assert Path(_python(code, NUMBA_CACHE_DIR=str(tmp_path))).is_relative_to(tmp_path)


def test_warm_up_compiles_into_the_cache_a_later_process_loads(tmp_path):
    # A planner's first re-plan must not wait for a compile: warm-up leaves the compiled kernel in the cache.
    code = "from core.allocator.kernel import warm_up\nwarm_up()"
    _python(code, NUMBA_CACHE_DIR=str(tmp_path))
    assert list(tmp_path.rglob("*.nbi")) and list(tmp_path.rglob("*.nbc"))


def _schedules():
    u = units(
        unit(item=0, expiry=DAY + 1, avail=400, opened=1),
        unit(item=0, expiry=NO_EXPIRY, avail=900),
        unit(item=0, expiry=DAY + 1, avail=0),
        unit(item=1, lot=1, expiry=DAY + 5, avail=600),
        unit(item=1, lot=1, expiry=DAY + 9, avail=700),
        unit(item=1, lot=2, expiry=DAY + 7, avail=1000, eligible=0),
        unit(item=1, lot=3, expiry=DAY + 8, avail=1200),
        unit(item=1, lot=-1, expiry=DAY + 2, avail=5000),
    )
    ln = lines(
        take(item=0, need=1000), single(item=1, need=1000, min_expiry=DAY + 6), take(item=1, need=300),
        single(item=1, need=1300), single(item=1, need=1000), take(item=0, need=5000), take(item=2, need=1),
        take(item=0, need=0),
    )
    yield u, ln
    # Keys spread over the whole int32 range take the several-lane sort.
    wide = units(
        unit(expiry=-(2**31), received=2**31 - 1, pick_seq=-(2**31), track_rank=2**31 - 1),
        unit(expiry=2**31 - 2, received=-(2**31), pick_seq=2**31 - 1, track_rank=-(2**31), opened=1),
        unit(expiry=NO_EXPIRY, received=0, pick_seq=0, track_rank=0, lot=4),
        # A twin of the first unit, down to the track_rank: only unit order can tell them apart.
        unit(expiry=-(2**31), received=2**31 - 1, pick_seq=-(2**31), track_rank=2**31 - 1),
    )
    yield wide, lines(take(need=1500, min_expiry=-(2**31)), single(need=1000, min_expiry=2**31 - 1),
                      take(need=9000, min_expiry=-5))
    # Only units without expiry, and a cut-off past every date.
    yield units(unit(lot=1), unit(lot=1)), lines(single(need=1500, min_expiry=DAY + 999), take(min_expiry=DAY))
    # Every unit dated: a cut-off past the latest date leaves nothing. Lots of 600, 300 and 200 cannot cover 700,
    # which shows once the first lot is seen. A repeated track_rank leaves two units tied on every key.
    dated = units(unit(lot=1, expiry=DAY, avail=600), unit(lot=2, expiry=DAY + 1, avail=300),
                  unit(lot=3, expiry=DAY + 2, avail=200), unit(expiry=DAY + 2, track_rank=2))
    yield dated, lines(take(need=100, min_expiry=DAY + 3), single(need=700), take(need=2000))
    # Random buckets of about 60, 30 and 10 units (even, odd and no merge passes), both key layouts, both kinds
    # of line on one item.
    rng = np.random.default_rng(11)
    for spread in (3, 2**30):
        n = 150
        u = UnitArrays(
            item=rng.choice(3, n, p=[0.6, 0.3, 0.1]), lot=rng.integers(-1, 5, n), avail=rng.integers(0, 4, n) * 500,
            expiry=np.where(rng.random(n) < 0.2, NO_EXPIRY, DAY + rng.integers(-spread, spread, n)),
            opened=rng.integers(0, 2, n), received=rng.integers(-spread, spread, n),
            pick_seq=rng.integers(-spread, spread, n), track_rank=rng.permutation(n) * (spread // 3 + 1),
            eligible=rng.random(n) < 0.9,
        )
        m = 30
        ln = LineArrays(item=rng.integers(0, 4, m), need=rng.integers(0, 6, m) * 400,
                        min_expiry=DAY + rng.integers(-spread, spread, m), mode=rng.integers(0, 2, m))
        yield u, ln


def test_kernel_as_plain_python_equals_reference(monkeypatch):
    """Runs every jitted function's Python body in this process, so coverage measures the kernel's code."""
    from numba.core.registry import CPUDispatcher

    from core.allocator import kernel

    for name, obj in list(vars(kernel).items()):
        if isinstance(obj, CPUDispatcher):
            monkeypatch.setattr(kernel, name, obj.py_func)
    for u, ln in _schedules():
        got = kernel.allocate(u, ln)
        assert got.equals(allocate_reference(u, ln))


def test_kernel_jitted_equals_reference_on_the_same_schedules():
    from core.allocator.kernel import allocate

    for u, ln in _schedules():
        assert allocate(u, ln).equals(allocate_reference(u, ln))


def test_kernel_takes_a_field_replaced_after_construction():
    from core.allocator.kernel import allocate

    u = units(unit(avail=1000), unit(avail=1000))
    ln = lines(take(need=1500))
    want = allocate(u, ln)
    u.avail = [1000.0, 1000.0]
    ln.need = np.array([1500], dtype=np.int32)
    assert allocate(u, ln).equals(want)


def test_kernel_releases_the_gil_for_the_apps_worker_thread():
    from core.allocator import kernel

    assert kernel._allocate.targetoptions.get("nogil") is True


def test_bench_runs_and_agrees(capsys):
    from bench.allocator import main

    assert main(["--sizes", "200:2000", "--runs", "1", "--reference-runs", "1"]) == 0
    rows = [r.split() for r in capsys.readouterr().out.splitlines()]
    row = next(r for r in rows if r[:2] == ["200", "2000"])
    assert row[-1] == "yes"


def test_bench_make_schedule_is_repeatable():
    from bench.allocator import make_schedule

    a_units, a_lines = make_schedule(100, 1000, seed=3)
    b_units, b_lines = make_schedule(100, 1000, seed=3)
    assert len(a_units) == 1000 and len(a_lines) == 100
    assert np.array_equal(a_units.avail, b_units.avail) and np.array_equal(a_lines.need, b_lines.need)
