"""The stress, crash and export-kill runs of bench.stress at CI size, each invariant asserted.

Many processes at once on a fresh site (real OS processes, real SQLite file and PostgreSQL database), a printer
that is switched off and jams, processes killed with SIGKILL inside their transactions and from outside, and
`jobfloor postings export` killed again and again. The full-size runs are `make stress`.
"""
import argparse
import os

import pytest

from bench import stress
from bench.stress_worker import MIX

pytestmark = pytest.mark.slow
KINDS = pytest.mark.parametrize("server", ["sqlite", "pg"], indirect=True)


def _args(**changes) -> argparse.Namespace:
    args = argparse.Namespace(db="both", procs=8, seconds=8.0, seed=7, size="ci", ops=",".join(MIX), kills=30,
                              kill_p=0.002, pick_seconds=5.0, export_kills=12, export_kill_max=0.15,
                              export_seed_seconds=3.0, export_postings=1500, keep=False, json=None,
                              pick_anchor=False)
    for key, value in changes.items():
        setattr(args, key, value)
    return args


def _held(result) -> list[str]:
    return [c.line() for c in result.checks if not c.ok]


@KINDS
def test_many_processes_at_once_keep_the_books(server, tmp_path):
    result = stress.phase_stress(server, _args(), tmp_path)
    stress.print_result(result)
    assert not _held(result)
    # Loose floors: the point is that every kind of operation ran at once, not how fast a shared CI box is.
    assert result.tally["pick"]["ok"] >= 5 and result.tally["release"]["ok"] >= 2
    assert sum(result.tally[k].get("ok", 0) for k in ("return", "replenish", "complete", "label")) >= 4
    assert result.faults.get("printer refuse", 0) + result.faults.get("printer hang", 0) >= 1


@KINDS
def test_sigkill_at_random_points_loses_nothing_acknowledged(server, tmp_path):
    result = stress.phase_stress(server, _args(seconds=12.0, kills=30), tmp_path, crash=True)
    stress.print_result(result)
    assert not _held(result)
    assert result.kills >= 25  # from outside and at the kill points inside the services' transactions


@KINDS
def test_postings_export_killed_again_and_again_writes_each_posting_once(server, tmp_path):
    result = stress.phase_export(server, _args(), tmp_path)
    stress.print_result(result)
    assert not _held(result)
    assert result.kills >= 8


@pytest.mark.manual
@pytest.mark.parametrize("server", ["sqlite", "pg"], indirect=True)
def test_full_size_stress_and_crash(server, tmp_path):
    args = _args(procs=16, seconds=float(os.environ.get("JOBFLOOR_STRESS_SECONDS", "30")), size="default",
                 kills=60)
    for crash in (False, True):
        result = stress.phase_stress(server, args, tmp_path / ("crash" if crash else "stress"), crash=crash)
        stress.print_result(result)
        assert not _held(result)
