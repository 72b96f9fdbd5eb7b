"""The kernel equals the reference, reservation for reservation, on random schedules.

Schedules are kept tiny (few items, lots, days and locations) so that the cases the rules care about keep
happening: ties on every rank key, lots split across expiries, cut-offs landing on a unit's expiry day, lines
competing for the same units, single-lot lines finding no covering lot.
"""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.allocator.arrays import NO_EXPIRY, LineArrays, UnitArrays
from core.allocator.reference import allocate_reference

DAY = 20_000
_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def schedules(draw, wide=False, repeat_track_ranks=False, mixed_modes=False):
    n_items = draw(st.integers(1, 3))
    n_lots = draw(st.integers(1, 4))
    n_units = draw(st.integers(0, 30))
    n_lines = draw(st.integers(0, 14))

    def column(elements, n):
        return draw(st.lists(elements, min_size=n, max_size=n))

    if wide:
        # Values spread over the whole int32 range: the rank keys no longer fit one lane.
        day = st.sampled_from([-(2**31), -(2**31) + 1, -5, 0, 7, 2**31 - 3, 2**31 - 2])
        expiry = st.one_of(day, st.just(int(NO_EXPIRY)))
        cut_off = st.one_of(day, st.just(int(NO_EXPIRY)))
        received = day
        pick_seq = day
    else:
        expiry = st.one_of(st.integers(DAY, DAY + 4), st.just(int(NO_EXPIRY)))
        cut_off = st.one_of(st.integers(DAY - 1, DAY + 6), st.just(int(NO_EXPIRY)))
        received = st.integers(DAY - 2, DAY)
        pick_seq = st.integers(0, 2)
    if repeat_track_ranks:
        track_rank = column(st.integers(0, 3), n_units)
    elif wide:
        track_rank = draw(st.permutations([2**31 - 1 - i if i % 2 else -(2**31) + i for i in range(n_units)]))
    else:
        track_rank = draw(st.permutations(range(n_units)))

    units = UnitArrays(
        item=column(st.integers(0, n_items - 1), n_units),
        lot=column(st.integers(-1, n_lots - 1), n_units),
        avail=column(st.sampled_from([-1000, 0, 1, 250, 500, 999, 1000, 1500, 3000]), n_units),
        expiry=column(expiry, n_units),
        opened=column(st.integers(0, 1), n_units),
        received=column(received, n_units),
        pick_seq=column(pick_seq, n_units),
        track_rank=track_rank,
        eligible=column(st.sampled_from([0, 1, 1, 1]), n_units),
    )
    line_items = column(st.integers(0, n_items), n_lines)  # n_items itself: an item nobody stocks
    if mixed_modes:
        modes = column(st.integers(0, 1), n_lines)
    else:
        # As the service builds them: an item is single-lot or not, for all its lines.
        single_lot = column(st.booleans(), n_items + 1)
        modes = [int(single_lot[i]) for i in line_items]
    lines = LineArrays(
        item=line_items,
        need=column(st.sampled_from([-1, 0, 1, 400, 500, 1000, 1200, 2000, 2500, 5000]), n_lines),
        min_expiry=column(cut_off, n_lines),
        mode=modes,
    )
    return units, lines


def _same(units, lines):
    # Imported here, not at collection, so numba starts under the NUMBA_CACHE_DIR the test fixtures set.
    from core.allocator.kernel import allocate

    avail_before = units.avail.copy()
    got = allocate(units, lines)
    want = allocate_reference(units, lines)
    for name in ("res_line", "res_unit", "res_qty", "allocated", "reason"):
        assert np.array_equal(getattr(got, name), getattr(want, name)), name
    assert np.array_equal(units.avail, avail_before)


@_SETTINGS
@given(schedules())
def test_kernel_equals_reference(schedule):
    _same(*schedule)


@_SETTINGS
@given(schedules(mixed_modes=True))
def test_kernel_equals_reference_when_an_item_has_both_kinds_of_line(schedule):
    _same(*schedule)


@settings(max_examples=200, deadline=None)
@given(schedules(wide=True))
def test_kernel_equals_reference_with_keys_over_the_whole_int32_range(schedule):
    _same(*schedule)


@settings(max_examples=200, deadline=None)
@given(schedules(repeat_track_ranks=True))
def test_kernel_equals_reference_if_a_track_rank_repeats(schedule):
    # Not something the service sends; both then fall back to unit order, so they still agree.
    _same(*schedule)


def test_kernel_equals_reference_on_a_realistic_schedule():
    from bench.allocator import make_schedule

    units, lines = make_schedule(3_000, 30_000, seed=7)
    assert (lines.mode == 1).any() and (units.eligible == 0).any()
    _same(units, lines)
