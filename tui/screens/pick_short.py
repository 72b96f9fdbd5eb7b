"""F4 on the Pick screen: a short pick, with a reason.

On the pour step whatever was poured is in the job container: it is weighed (a steady reading after the key) and
offered as a partial pick before anything is recorded, so a weighed amount is never thrown away (issue 15.2). Yes
books it and records the line short by the rest in one transaction; no books nothing and says to pour it back.
"""
from __future__ import annotations

import time
import uuid

from textual import work

from core.jobs.picking import SHORT_REASONS, short_pick
from core.qty import fmt_short
from drivers.scale import ScaleError, ScaleUnstable
from tui.screens.choose import ChooseScreen
from tui.screens.confirm import ConfirmScreen
from tui.widgets.gauge import band_verdict


class ShortPick:
    """Mixed into PickScreen, whose state (current task, step, scale link, busy flags) it uses."""

    def action_short(self) -> None:
        if self.current is None or self.step == "jobs" or self.busy or self.weighing or self.taring:
            return

        t = self.current
        self.app.push_screen(ChooseScreen(f"Short pick of {t.track_id} for line {t.line}: why?", SHORT_REASONS),
                             lambda reason: reason and self._short_chosen(t, reason))

    def _short_chosen(self, task, reason: str) -> None:
        if task is not self.current:
            return
        if self.step == "weigh" and self.link is not None:
            # Whatever was poured is in the job container: weigh it (a steady reading after the key) before
            # anything is recorded, so a weighed amount is never thrown away (issue 15.2).
            self.weighing = True
            self._say("waiting for a steady weight")
            self._weigh_for_short(task, reason, time.monotonic())
        else:
            self._short(task, reason, 0, None)

    @work(thread=True, exclusive=True, group="pick-weigh")
    def _weigh_for_short(self, task, reason: str, pressed: float) -> None:
        try:
            net = self.link.weigh(pressed)
        except ScaleUnstable:
            self.app.call_from_thread(self._weigh_refused, "The scale is still moving: nothing was recorded. Wait "
                                      "until the weight is steady, then F4 again.")
            return
        except ScaleError as exc:
            self.app.call_from_thread(self._weigh_refused, f"{exc} Nothing was recorded.")
            return
        self.app.call_from_thread(self._short_weighed, task, reason, net)

    def _short_weighed(self, task, reason: str, net) -> None:
        self.weighing = False
        if task is not self.current or self.step != "weigh":
            return
        qty = net.milli_kg
        if net.at_zero or qty <= 0:
            self._short(task, reason, 0, None)
            return
        if task.low <= qty <= task.high:
            self._say(f"The job container holds {fmt_short(qty)} kg, inside the band: it is not short. Enter "
                      "confirms it.")
            return
        if qty > task.target:
            self._say(f"The job container holds {fmt_short(qty)} kg, more than the {fmt_short(task.target)} kg "
                      f"wanted: {band_verdict(qty, task.low, task.high, True)}, then Enter.", error=True)
            return

        missing = fmt_short(task.target - qty)
        question = (f"The job container holds {fmt_short(qty)} kg of {task.item} from {task.track_id}.\n"
                    f"Book it as a partial pick, and line {task.line} short by {missing} kg?\n"
                    f"Esc: nothing is booked; pour it back into {task.track_id} first.")
        weighed = self._weighed_detail(net)
        self.app.push_screen(ConfirmScreen(question),
                             lambda yes: self._short(task, reason, qty, weighed) if yes else self._say(
                                 f"Nothing was booked. Pour the {fmt_short(qty)} kg back into {task.track_id} "
                                 "(the gauge reads 0), then F4 again; or pour on and confirm.", error=True))

    def _short(self, task, reason: str, qty: int, weighed: dict | None) -> None:
        if self.busy or task is not self.current:
            return
        self.busy = True
        self._do_short(task, reason, qty, weighed, uuid.uuid4().hex)

    @work(thread=True, group="pick-confirm")
    def _do_short(self, task, reason: str, qty: int, weighed: dict | None, request_id: str) -> None:
        self.answer(lambda: short_pick(self.app.actor, task.job, task.line, task.track_id, reason, partial=qty,
                                       request_id=request_id, weighed=weighed),
                    lambda result: self._shorted(task, result), refused=self._confirm_failed)

    def _shorted(self, task, result) -> None:
        self.busy = False
        self._weighing_done()
        self.app.signal_ok(toast=False)
        booked = f"{result.text()}. " if result is not None else ""
        short = fmt_short(task.target - (result.qty if result is not None else 0))
        note = f"{booked}Line {task.line} is short by {short} {task.uom}: recorded, it stays open for a top-up."
        self.carry = (note, False)
        self.current = None
        self._load_tasks(task.job)
