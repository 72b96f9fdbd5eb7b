import pytest

from core.labels.plan import KINDS, LabelCounts, LabelPlanError, label_counts, label_plan


def test_counts_of_the_interchange_example():
    assert label_counts(500_000, 12, 40) == LabelCounts(pallets=2, cartons=42, products=500)


def test_every_pallet_but_the_last_is_full():
    pallets = [p for p in label_plan(500_000, 12, 40, ["pallet"])]
    assert [(p.index, p.of, p.qty, p.units) for p in pallets] == [(1, 2, 480_000, 480), (2, 2, 20_000, 20)]
    cartons = list(label_plan(500_000, 12, 40, ["carton"]))
    assert len(cartons) == 42 and {c.qty for c in cartons[:-1]} == {12_000} and cartons[-1].qty == 8_000
    assert sum(c.qty for c in cartons) == 500_000


def test_exact_multiples_have_no_short_last():
    assert [p.qty for p in label_plan(960_000, 12, 40, ["pallet"])] == [480_000, 480_000]
    assert label_counts(480_000, 12, 40) == LabelCounts(1, 40, 480)


def test_a_part_unit_gets_its_own_label_and_counts_as_one():
    products = list(label_plan(12_500, 12, 40, ["product"]))
    assert len(products) == 13 and products[-1].qty == 500 and products[-1].units == 1
    assert label_counts(12_500, 12, 40).products == 13


def test_plan_order_follows_kinds():
    plan = list(label_plan(24_000, 12, 40, ["product", "pallet"]))
    assert [p.kind for p in plan] == ["product"] * 24 + ["pallet"]
    assert [p.kind for p in label_plan(24_000, 12, 1)] == ["pallet"] * 2 + ["carton"] * 2 + ["product"] * 24
    assert KINDS == ("pallet", "carton", "product")


def test_products_need_no_packing_figures():
    assert len(list(label_plan(3_000, None, None, ["product"]))) == 3


def test_refusals_come_before_the_first_label():
    with pytest.raises(LabelPlanError, match="no CartonsPerPallet"):
        label_plan(500_000, 12, None, ["carton", "pallet"], job="J1")
    with pytest.raises(LabelPlanError, match="Job J1 has no UnitsPerCarton"):
        label_plan(500_000, None, 40, ["carton"], job="J1")
    with pytest.raises(LabelPlanError, match="above zero"):
        label_counts(500_000, 0, 40)
    with pytest.raises(LabelPlanError, match="nothing to label"):
        label_plan(0, 12, 40)
    with pytest.raises(LabelPlanError, match="not known"):
        label_plan(1000, 12, 40, ["case"])
