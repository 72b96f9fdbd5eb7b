"""One weight as the scale reported it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from .errors import ScaleUnitError

# Kilograms per unit, exact. Only metric units: stock is kept in thousandths of a kg, and a pound (0.45359237 kg)
# or an ounce has no exact value in whole grams, so converting would quietly round every pick; a scale set to
# one of those is set up wrong for kg-based SYSPRO items and the operator should be told.
KG_PER_UNIT = {
    "t": Decimal(1000),
    "kg": Decimal(1),
    "g": Decimal("0.001"),
    "mg": Decimal("0.000001"),
}

# How a unit the terminal refuses is named to the operator.
UNIT_NAMES = {
    "lb": "pounds (lb)",
    "oz": "ounces (oz)",
    "ozt": "troy ounces (ozt)",
    "dwt": "pennyweights (dwt)",
    "ton": "long tons",
    "ct": "carats (ct)",
}

_MILLI = Decimal(1000)


@dataclass(frozen=True)
class Reading:
    value: Decimal
    unit: str
    stable: bool
    net: bool = False
    decimals: int = 0
    # The display's step in units of the last digit (Toledo status A: x1, x2 or x5).
    increment: int = 1
    # A moment (time.monotonic) the frame is known to have come in after, and on which connection of the port: a
    # confirm uses only a reading that came after the key press, never one from before the port was reopened.
    received: float = field(default=0.0, compare=False)
    generation: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.value, Decimal):
            raise TypeError(f"Reading.value must be a Decimal, not {type(self.value).__name__}")
        if self.decimals < 0:
            raise ValueError("Reading.decimals cannot be negative")
        if self.increment < 1:
            raise ValueError("Reading.increment must be at least 1")
        object.__setattr__(self, "unit", self.unit.lower())

    def value_text(self) -> str:
        """The value with exactly the scale's number of decimals, as its display shows it."""
        value = self.value.copy_abs() if self.value.is_zero() else self.value
        return format(value, f".{self.decimals}f")

    def text(self) -> str:
        """`12.345 kg stable` / `12.345 kg moving`: the CLI and log form."""
        return f"{self.value_text()} {self.unit} {'stable' if self.stable else 'moving'}"

    def to_kg(self) -> Decimal:
        """The weight in kg, exactly (12345 g is 12.345 kg); ScaleUnitError for a unit without an exact kg."""
        return self.value * self._kg_per_unit()

    def resolution_kg(self) -> Decimal:
        """One step of the scale's display, in kg: what "reads zero" can mean on this scale."""
        return Decimal(self.increment).scaleb(-self.decimals) * self._kg_per_unit()

    def to_milli_kg(self) -> int:
        """The weight in whole grams (thousandths of a kg).

        Finer scales (0.1 g, 0.0001 kg) are rounded half-even to the gram, which is the resolution stock is
        kept in (three decimals of kg).
        """
        return milli_kg(self.to_kg())

    def _kg_per_unit(self) -> Decimal:
        factor = KG_PER_UNIT.get(self.unit)
        if factor is None:
            name = UNIT_NAMES.get(self.unit, f"'{self.unit}'")
            raise ScaleUnitError(
                f"The scale weighs in {name}, which has no exact value in the grams stock is kept in. "
                "Set the scale to kg.",
                detail=f"unit {self.unit!r} has no exact conversion to kg",
            )
        return factor

    def __str__(self) -> str:
        return self.text()


def milli_kg(kg: Decimal) -> int:
    """kg as whole thousandths, rounded half-even (the ledger's resolution)."""
    return int((kg * _MILLI).to_integral_value(rounding=ROUND_HALF_EVEN))
