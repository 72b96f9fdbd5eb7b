"""The live weight gauge: a bar filling toward the target with the tolerance band marked, and the numbers.

Readable without colour: the band is drawn with its own characters and the verdict is spelled out. With no
weight to show, the numbers line says why in floor words ("scale unplugged: reconnecting"), never a stale
"-- kg stable".
"""
from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from core.qty import fmt_short


def band_verdict(value: int, low: int, high: int, stable: bool) -> str:
    """What to do with `value` (thousandths of a kg) against the band: add, take off, or confirm."""
    if value < low:
        return f"add {fmt_short(low - value)} kg"
    if value > high:
        return f"take off {fmt_short(value - high)} kg"
    return "IN TOLERANCE: Enter to confirm" if stable else "in tolerance, settling..."


class WeightGauge(Widget):
    DEFAULT_CSS = """
    WeightGauge { height: 4; width: 1fr; }
    """

    value: reactive[int | None] = reactive(None)
    stable = reactive(False)
    target = reactive(0)
    low = reactive(0)
    high = reactive(0)
    message = reactive("")
    status = reactive("")  # why there is no weight, in a few words: "scale unplugged: reconnecting"

    def set_band(self, target: int, low: int, high: int) -> None:
        self.target, self.low, self.high = target, low, high

    @property
    def inside(self) -> bool:
        return self.value is not None and self.low <= self.value <= self.high

    def verdict(self) -> str:
        if self.message:
            return self.message
        if self.value is None:
            return "waiting for the scale"
        return band_verdict(self.value, self.low, self.high, self.stable)

    def render(self) -> Text:
        width = max(10, self.size.width)
        full = max(self.high * 1.15, 1)
        value = self.value or 0

        def col(q: float) -> int:
            return min(width - 1, max(0, int(q / full * (width - 1))))

        lo, hi, at = col(self.low), col(self.high), col(max(0, value))
        bar = Text()
        for i in range(width):
            in_band = lo <= i <= hi
            filled = self.value is not None and i <= at and value > 0
            if filled:
                style = "bold green" if self.inside else ("bold yellow" if value < self.low else "bold red")
                bar.append("█" if not in_band else "▓", style=style)
            else:
                bar.append("░" if in_band else "─", style="green" if in_band else "")
        marks = Text(" " * lo + "^" + " " * max(0, hi - lo - 1) + ("^" if hi > lo else ""))
        band = f"target {fmt_short(self.target)} ({fmt_short(self.low)}-{fmt_short(self.high)})"
        if self.value is None:
            numbers = Text(f"{self.status or 'waiting for the scale'}  {band}")
        else:
            numbers = Text(f"{fmt_short(self.value)} kg {'stable' if self.stable else 'moving'}  {band}")
        verdict = Text(self.verdict(), style="bold")
        if self.inside and self.stable:
            verdict.stylize("green")
        elif self.value is not None:
            verdict.stylize("yellow")
        return Text("\n").join([bar, marks, numbers, verdict])
