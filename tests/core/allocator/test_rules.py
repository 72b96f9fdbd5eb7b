"""Named cases for each default allocation rule, run against both the reference and the kernel.

Rule numbers are those of docs/interchange.md, "Default allocation rules (FEFO)". Rules 1 and 2 (kit-issue lines
dropped, lines ordered) belong to the service that builds the arrays.
"""
from __future__ import annotations

import numpy as np
import pytest

from core.allocator.arrays import NO_EXPIRY, LineArrays, UnitArrays
from core.allocator.reference import allocate_reference
from core.allocator.rules import REASON_COVERED, REASON_NO_SINGLE_LOT, REASON_SHORT
from tests.core.allocator.helpers import DAY, lines, single, take, takes, unit, units


@pytest.fixture(params=["reference", "kernel"])
def allocate(request):
    if request.param == "reference":
        return allocate_reference
    from core.allocator.kernel import allocate as kernel_allocate

    # Every named case is also a kernel-versus-reference check.
    def both(u, ln):
        got = kernel_allocate(u, ln)
        assert got.equals(allocate_reference(u, ln))
        return got

    return both


# Rule 3: eligibility


def test_expiry_on_the_cut_off_day_is_eligible_the_day_before_is_not(allocate):
    u = units(unit(expiry=DAY + 29), unit(expiry=DAY + 30), unit(expiry=DAY + 31))
    r = allocate(u, lines(take(need=3000, min_expiry=DAY + 30)))
    assert takes(r, 0) == [(1, 1000), (2, 1000)]
    assert r.reason.tolist() == [REASON_SHORT]


def test_no_expiry_is_eligible_for_any_cut_off(allocate):
    u = units(unit(expiry=DAY + 10), unit(expiry=NO_EXPIRY))
    r = allocate(u, lines(take(need=1000, min_expiry=2**31 - 1)))
    assert takes(r, 0) == [(1, 1000)]


def test_ineligible_units_are_never_taken_even_when_best_ranked(allocate):
    # Quarantined or outside STORE: the service folds both into eligible = 0.
    u = units(unit(expiry=DAY + 1, eligible=0), unit(expiry=DAY + 2))
    r = allocate(u, lines(take(need=2000)))
    assert takes(r, 0) == [(1, 1000)]
    assert r.allocated.tolist() == [1000]


def test_units_with_nothing_available_are_skipped(allocate):
    u = units(unit(expiry=DAY + 1, avail=0), unit(expiry=DAY + 2, avail=-500), unit(expiry=DAY + 3))
    r = allocate(u, lines(take(need=1000)))
    assert takes(r, 0) == [(2, 1000)]


def test_other_items_units_are_not_taken(allocate):
    u = units(unit(item=1, expiry=DAY + 1), unit(item=0, expiry=DAY + 2))
    r = allocate(u, lines(take(item=0, need=5000)))
    assert takes(r, 0) == [(1, 1000)]


# Rule 4: rank


def test_earlier_expiry_first_and_no_expiry_last(allocate):
    u = units(unit(expiry=NO_EXPIRY), unit(expiry=DAY + 50), unit(expiry=DAY + 5))
    r = allocate(u, lines(take(need=3000)))
    assert [x for x, _ in takes(r, 0)] == [2, 1, 0]


def test_opened_before_unopened(allocate):
    u = units(unit(expiry=DAY + 5, opened=0), unit(expiry=DAY + 5, opened=1))
    r = allocate(u, lines(take(need=1000)))
    assert takes(r, 0) == [(1, 1000)]


def test_expiry_outranks_opened(allocate):
    u = units(unit(expiry=DAY + 6, opened=1), unit(expiry=DAY + 5, opened=0))
    r = allocate(u, lines(take(need=1000)))
    assert takes(r, 0) == [(1, 1000)]


def test_received_earlier_first(allocate):
    u = units(unit(received=DAY - 1), unit(received=DAY - 9))
    r = allocate(u, lines(take(need=1000)))
    assert takes(r, 0) == [(1, 1000)]


def test_opened_outranks_received(allocate):
    u = units(unit(received=DAY - 9, opened=0), unit(received=DAY - 1, opened=1))
    r = allocate(u, lines(take(need=1000)))
    assert takes(r, 0) == [(1, 1000)]


def test_pick_seq_lower_first(allocate):
    u = units(unit(pick_seq=20), unit(pick_seq=10))
    r = allocate(u, lines(take(need=1000)))
    assert takes(r, 0) == [(1, 1000)]


def test_received_outranks_pick_seq(allocate):
    u = units(unit(received=DAY - 1, pick_seq=1), unit(received=DAY - 2, pick_seq=99))
    r = allocate(u, lines(take(need=1000)))
    assert takes(r, 0) == [(1, 1000)]


def test_track_id_breaks_the_last_tie(allocate):
    u = units(unit(track_rank=7), unit(track_rank=3), unit(track_rank=5))
    r = allocate(u, lines(take(need=3000)))
    assert [x for x, _ in takes(r, 0)] == [1, 2, 0]


def test_pick_seq_outranks_track_id(allocate):
    u = units(unit(pick_seq=1, track_rank=0), unit(pick_seq=0, track_rank=9))
    r = allocate(u, lines(take(need=1000)))
    assert takes(r, 0) == [(1, 1000)]


def test_full_rank_order_over_all_keys(allocate):
    rows = [
        unit(expiry=NO_EXPIRY, opened=1, received=DAY - 99),
        unit(expiry=DAY + 2, opened=0, received=DAY - 50, pick_seq=1, track_rank=40),
        unit(expiry=DAY + 2, opened=0, received=DAY - 50, pick_seq=1, track_rank=30),
        unit(expiry=DAY + 2, opened=0, received=DAY - 50, pick_seq=0, track_rank=50),
        unit(expiry=DAY + 2, opened=0, received=DAY - 60, pick_seq=9, track_rank=60),
        unit(expiry=DAY + 2, opened=1, received=DAY - 10, pick_seq=9, track_rank=70),
        unit(expiry=DAY + 1, opened=0, received=DAY, pick_seq=9, track_rank=80),
    ]
    r = allocate(units(*rows), lines(take(need=7000)))
    assert [x for x, _ in takes(r, 0)] == [6, 5, 4, 3, 2, 1, 0]


# Rule 5: take in rank order


def test_rule_5_takes_across_units_and_part_of_the_last(allocate):
    u = units(unit(expiry=DAY + 1, avail=400), unit(expiry=DAY + 2, avail=700), unit(expiry=DAY + 3, avail=900))
    r = allocate(u, lines(take(need=1500)))
    assert takes(r, 0) == [(0, 400), (1, 700), (2, 400)]
    assert r.allocated.tolist() == [1500]
    assert r.reason.tolist() == [REASON_COVERED]


def test_rule_5_shortage_keeps_what_it_got(allocate):
    u = units(unit(avail=300), unit(avail=200))
    r = allocate(u, lines(take(need=1000)))
    assert takes(r, 0) == [(0, 300), (1, 200)]
    assert r.allocated.tolist() == [500]
    assert r.reason.tolist() == [REASON_SHORT]


def test_rule_5_with_no_stock_at_all(allocate):
    u = units(unit(item=0))
    r = allocate(u, lines(take(item=3, need=1000)))
    assert takes(r) == []
    assert r.allocated.tolist() == [0]
    assert r.reason.tolist() == [REASON_SHORT]


# Rule 6: single lot


def test_rule_6_fills_from_one_lot_in_rank_order(allocate):
    u = units(
        unit(lot=1, expiry=DAY + 5, avail=600),
        unit(lot=1, expiry=DAY + 3, avail=600),
        unit(lot=2, expiry=DAY + 4, avail=5000),
    )
    r = allocate(u, lines(single(need=1000)))
    assert takes(r, 0) == [(1, 600), (0, 400)]
    assert r.reason.tolist() == [REASON_COVERED]


def test_rule_6_skips_a_better_ranked_lot_that_cannot_cover(allocate):
    u = units(
        unit(lot=1, expiry=DAY + 1, avail=500),
        unit(lot=1, expiry=DAY + 9, avail=400),
        unit(lot=2, expiry=DAY + 2, avail=800),
        unit(lot=3, expiry=DAY + 3, avail=1000),
        unit(lot=4, expiry=DAY + 4, avail=5000),
    )
    r = allocate(u, lines(single(need=1000)))
    # Lot 1 (900) and lot 2 (800) fall short; lot 3 is the first that covers, though lot 4 has more.
    assert takes(r, 0) == [(3, 1000)]


def test_rule_6_no_lot_covers_takes_nothing(allocate):
    u = units(unit(lot=1, avail=600), unit(lot=2, avail=600), unit(lot=-1, avail=5000))
    r = allocate(u, lines(single(need=1000), take(need=1200)))
    assert takes(r, 0) == []
    assert r.allocated.tolist()[0] == 0
    assert r.reason.tolist()[0] == REASON_NO_SINGLE_LOT
    # What the single-lot line could not use is still there for the next line.
    assert sum(q for _, q in takes(r, 1)) == 1200


def test_rule_6_units_without_a_lot_do_not_count(allocate):
    u = units(unit(lot=-1, expiry=DAY + 1, avail=5000), unit(lot=7, expiry=DAY + 2, avail=1000))
    r = allocate(u, lines(single(need=1000)))
    assert takes(r, 0) == [(1, 1000)]


def test_rule_6_lots_rank_by_their_best_eligible_unit(allocate):
    # Lot 1's earliest unit expires before the cut-off, so lot 1 ranks by its DAY + 30 unit, after lot 2.
    u = units(
        unit(lot=1, expiry=DAY + 10, avail=1000),
        unit(lot=1, expiry=DAY + 30, avail=1000),
        unit(lot=2, expiry=DAY + 20, avail=1000),
    )
    r = allocate(u, lines(single(need=1000, min_expiry=DAY + 15)))
    assert takes(r, 0) == [(2, 1000)]
    # Without the cut-off lot 1's DAY + 10 unit counts and ranks lot 1 first.
    r = allocate(u, lines(single(need=1000, min_expiry=DAY)))
    assert takes(r, 0) == [(0, 1000)]


def test_rule_6_best_unit_ignores_quarantined_and_empty_units(allocate):
    u = units(
        unit(lot=1, expiry=DAY + 1, eligible=0),
        unit(lot=1, expiry=DAY + 2, avail=0),
        unit(lot=1, expiry=DAY + 9, avail=1000),
        unit(lot=2, expiry=DAY + 5, avail=1000),
    )
    r = allocate(u, lines(single(need=1000)))
    assert takes(r, 0) == [(3, 1000)]


def test_rule_6_lot_sum_counts_only_units_past_the_cut_off(allocate):
    # Lot 1 holds 1500 but only 500 of it lasts until the cut-off.
    u = units(
        unit(lot=1, expiry=DAY + 5, avail=1000),
        unit(lot=1, expiry=DAY + 40, avail=500),
        unit(lot=2, expiry=DAY + 50, avail=1000),
    )
    r = allocate(u, lines(single(need=1000, min_expiry=DAY + 30)))
    assert takes(r, 0) == [(2, 1000)]


def test_rule_6_big_lot_mostly_too_early_does_not_cover(allocate):
    # Lot 1 is big enough on paper, but most of it expires before the cut-off; lot 2 is too small.
    u = units(
        unit(lot=1, expiry=DAY + 5, avail=1000),
        unit(lot=1, expiry=DAY + 40, avail=500),
        unit(lot=2, expiry=DAY + 50, avail=600),
    )
    r = allocate(u, lines(single(need=1000, min_expiry=DAY + 30), single(need=500, min_expiry=DAY + 30)))
    assert takes(r, 0) == []
    assert takes(r, 1) == [(1, 500)]
    assert r.reason.tolist() == [REASON_NO_SINGLE_LOT, REASON_COVERED]


def test_rule_6_fill_starts_at_the_cut_off_inside_the_lot(allocate):
    u = units(
        unit(lot=1, expiry=DAY + 5, avail=1000),
        unit(lot=1, expiry=DAY + 40, avail=600),
        unit(lot=1, expiry=DAY + 41, avail=600),
    )
    r = allocate(u, lines(single(need=1000, min_expiry=DAY + 30)))
    assert takes(r, 0) == [(1, 600), (2, 400)]


def test_rule_6_sees_what_earlier_lines_took_from_a_lot(allocate):
    u = units(unit(lot=1, expiry=DAY + 1, avail=1000), unit(lot=2, expiry=DAY + 2, avail=1000))
    r = allocate(u, lines(take(need=300), single(need=800), single(need=800)))
    assert takes(r, 0) == [(0, 300)]
    assert takes(r, 1) == [(1, 800)]  # lot 1 has only 700 left
    assert takes(r, 2) == []
    assert r.reason.tolist() == [REASON_COVERED, REASON_COVERED, REASON_NO_SINGLE_LOT]


def test_rule_6_lot_index_shared_by_two_items_is_two_lots(allocate):
    # The service gives lots global indices, but nothing here relies on it: a lot only gathers its item's units.
    u = units(unit(item=0, lot=4, avail=600), unit(item=1, lot=4, avail=600))
    r = allocate(u, lines(single(item=0, need=1000)))
    assert takes(r, 0) == []
    assert r.reason.tolist() == [REASON_NO_SINGLE_LOT]


def test_rule_6_item_without_stock(allocate):
    r = allocate(units(unit(item=0, lot=1)), lines(single(item=2, need=1)))
    assert r.reason.tolist() == [REASON_NO_SINGLE_LOT]


# Across lines (rule 2's consequence: earlier reservations reduce later availability)


def test_availability_is_shared_across_lines_in_order(allocate):
    u = units(unit(expiry=DAY + 1, avail=1000), unit(expiry=DAY + 2, avail=1000))
    r = allocate(u, lines(take(need=700), take(need=700), take(need=700)))
    assert takes(r) == [(0, 0, 700), (1, 0, 300), (1, 1, 400), (2, 1, 600)]
    assert r.allocated.tolist() == [700, 700, 600]
    assert r.reason.tolist() == [REASON_COVERED, REASON_COVERED, REASON_SHORT]


def test_scarce_item_serves_earlier_lines_first(allocate):
    u = units(unit(item=5, avail=2500))
    r = allocate(u, lines(*[take(item=5, need=1000) for _ in range(4)]))
    assert r.allocated.tolist() == [1000, 1000, 500, 0]
    assert r.reason.tolist() == [REASON_COVERED, REASON_COVERED, REASON_SHORT, REASON_SHORT]


def test_lines_of_other_items_do_not_disturb_each_other(allocate):
    u = units(unit(item=0, avail=1000), unit(item=1, avail=1000), unit(item=1, lot=3, avail=1000))
    r = allocate(u, lines(take(item=1, need=500), take(item=0, need=800), single(item=1, need=900),
                          take(item=0, need=800)))
    assert takes(r) == [(0, 1, 500), (1, 0, 800), (2, 2, 900), (3, 0, 200)]


def test_zero_and_negative_needs_take_nothing_and_are_covered(allocate):
    u = units(unit(avail=1000), unit(lot=1, avail=1000))
    r = allocate(u, lines(take(need=0), single(need=0), take(need=-5), take(need=1)))
    assert takes(r) == [(3, 0, 1)]
    assert r.allocated.tolist() == [0, 0, 0, 1]
    assert r.reason.tolist() == [REASON_COVERED] * 4


def test_empty_inputs(allocate):
    no_units = units()
    no_lines = lines()
    r = allocate(no_units, no_lines)
    assert r.res_line.size == 0 and r.allocated.size == 0
    r = allocate(no_units, lines(take(need=1), single(need=1)))
    assert r.reason.tolist() == [REASON_SHORT, REASON_NO_SINGLE_LOT]
    r = allocate(units(unit()), no_lines)
    assert r.res_line.size == 0


def test_inputs_are_not_modified(allocate):
    u = units(unit(avail=1000), unit(lot=1, avail=1000))
    ln = lines(take(need=1500), single(need=200))
    before = u.avail.copy()
    allocate(u, ln)
    assert np.array_equal(u.avail, before)


def test_result_dtypes(allocate):
    r = allocate(units(unit()), lines(take()))
    assert (r.res_line.dtype, r.res_unit.dtype, r.res_qty.dtype) == (np.int32, np.int32, np.int64)
    assert (r.allocated.dtype, r.reason.dtype) == (np.int64, np.uint8)


# The arrays themselves


def test_arrays_are_coerced_to_their_dtypes():
    u = UnitArrays(*([0] for _ in range(9)))
    assert u.item.dtype == np.int32 and u.avail.dtype == np.int64 and u.opened.dtype == np.uint8
    ln = LineArrays(item=[0], need=[1], min_expiry=[0], mode=[1])
    assert ln.need.dtype == np.int64 and ln.mode.dtype == np.uint8
    assert len(u) == 1 and len(ln) == 1


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: UnitArrays(*([0] for _ in range(8)), eligible=[1, 1]), "entries"),
        (lambda: UnitArrays([-1], *([0] for _ in range(8))), "negative item"),
        (lambda: UnitArrays([0], [-2], *([0] for _ in range(7))), "below -1"),
        (lambda: LineArrays(item=[0], need=[1], min_expiry=[0], mode=[2]), "mode"),
        (lambda: LineArrays(item=[-3], need=[1], min_expiry=[0], mode=[0]), "negative item"),
        (lambda: LineArrays(item=[[0]], need=[[1]], min_expiry=[[0]], mode=[[0]]), "one-dimensional"),
    ],
)
def test_arrays_refuse_malformed_input(build, message):
    with pytest.raises(ValueError, match=message):
        build()
