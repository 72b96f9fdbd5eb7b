"""The kernel compiled ahead of time (core.allocator.aot) gives what the reference gives, and loads without numba.

`jobfloor release` uses it whenever it is built for the allocator's current source; it is built once into the
repository's .numba_cache (conftest's NUMBA_CACHE_DIR) and kept across runs, keyed by that source.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings

from core.allocator.reference import allocate_reference
from tests.core.allocator.test_kernel_matches_reference import schedules
from tests.core.allocator.test_kernel_runtime import _schedules

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def compiled(aot_kernel):
    return aot_kernel


def test_compiled_kernel_equals_reference_on_the_hand_made_schedules(compiled):
    for units, lines in _schedules():
        assert compiled(units, lines).equals(allocate_reference(units, lines))


@settings(max_examples=200, deadline=None)
@given(schedules(mixed_modes=True))
def test_compiled_kernel_equals_reference_on_random_schedules(aot_kernel, schedule):
    units, lines = schedule
    assert aot_kernel(units, lines).equals(allocate_reference(units, lines))


def test_compiled_kernel_equals_reference_on_a_realistic_schedule(compiled):
    from bench.allocator import make_schedule

    units, lines = make_schedule(2_000, 20_000, seed=3)
    assert compiled(units, lines).equals(allocate_reference(units, lines))


def test_a_release_process_loads_the_compiled_kernel_without_numba(compiled):
    code = ("import sys\nfrom core.allocator import aot\nassert aot.load() is not None\n"
            "print('numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "NUMBA_CACHE_DIR": os.environ["NUMBA_CACHE_DIR"]})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False"]


def test_a_changed_kernel_is_never_loaded_from_an_old_build(compiled, monkeypatch):
    """The module's name carries the source's digest: another digest finds no module, and the JIT is used."""
    from core.allocator import aot

    monkeypatch.setattr(aot, "module_name", lambda: "fefo_0000000000000000")
    aot.load.cache_clear()
    try:
        assert aot.load() is None
    finally:
        monkeypatch.undo()
        aot.load.cache_clear()
