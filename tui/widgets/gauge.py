"""The live weight gauge: a bar filling toward the target with the tolerance band marked, and the numbers.

Readable without colour: the band is drawn with its own characters and the verdict is spelled out.
"""
from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from core.qty import fmt_short


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
        if self.value < self.low:
            return f"add {fmt_short(self.low - self.value)} kg"
        if self.value > self.high:
            return f"take off {fmt_short(self.value - self.high)} kg"
        return "IN TOLERANCE: Enter to confirm" if self.stable else "in tolerance, settling..."

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
        shown = "--" if self.value is None else fmt_short(self.value)
        state = "stable" if self.stable else "moving"
        numbers = Text(f"{shown} kg {state}  target {fmt_short(self.target)} "
                       f"({fmt_short(self.low)}-{fmt_short(self.high)})")
        verdict = Text(self.verdict(), style="bold")
        if self.inside and self.stable:
            verdict.stylize("green")
        elif self.value is not None:
            verdict.stylize("yellow")
        return Text("\n").join([bar, marks, numbers, verdict])
