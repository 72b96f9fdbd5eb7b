"""One weight as the scale reported it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from .errors import ScaleUnitError

# Thousandths of a kg per unit. Pounds and ounces are left out on purpose: a site weighing in lb is set up wrong
# for kg-based SYSPRO items, and silently converting would hide that from the operator.
_MILLI_KG_PER_UNIT = {
    "t": Decimal(1_000_000),
    "kg": Decimal(1000),
    "g": Decimal(1),
    "mg": Decimal("0.001"),
}


@dataclass(frozen=True)
class Reading:
    value: Decimal
    unit: str
    stable: bool
    net: bool = False
    decimals: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.value, Decimal):
            raise TypeError(f"Reading.value must be a Decimal, not {type(self.value).__name__}")
        if self.decimals < 0:
            raise ValueError("Reading.decimals cannot be negative")
        object.__setattr__(self, "unit", self.unit.lower())

    def value_text(self) -> str:
        """The value with exactly the scale's number of decimals, as its display shows it."""
        value = self.value.copy_abs() if self.value.is_zero() else self.value
        return format(value, f".{self.decimals}f")

    def text(self) -> str:
        """`12.345 kg stable` / `12.345 kg moving`: the CLI and log form."""
        return f"{self.value_text()} {self.unit} {'stable' if self.stable else 'moving'}"

    def to_milli_kg(self) -> int:
        """The weight in whole grams (thousandths of a kg).

        Finer scales (0.1 g, 0.0001 kg) are rounded half-even to the gram, which is the resolution stock is
        kept in (three decimals of kg).
        """
        factor = _MILLI_KG_PER_UNIT.get(self.unit)
        if factor is None:
            raise ScaleUnitError(
                f"The scale weighs in {self.unit}; the terminal needs kg or g. Set the scale to kg.",
                detail=f"unit {self.unit!r} has no conversion to kg",
            )
        return int((self.value * factor).to_integral_value(rounding=ROUND_HALF_EVEN))

    def __str__(self) -> str:
        return self.text()
