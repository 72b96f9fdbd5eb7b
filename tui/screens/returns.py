"""Job returns: scan what comes back from the floor, weigh it, scan where it goes. Its TrackID lives again.

The weight is the net of the returned container: the station's ScaleLink subtracts the container's recorded tare
from the gross, and Enter takes the net of a stable reading read after the key.
"""
from __future__ import annotations

import time
import uuid
from decimal import Decimal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from core.errors import JobfloorError
from core.qty import QtyError, fmt_short, parse_qty
from tui.scale_link import ScaleUpdate
from tui.screens.base import FloorScreen
from tui.widgets.scan_input import ScanInput


class ReturnScreen(FloorScreen):
    RESUME_KEY = "returns"
    HELP = ("Job returns\n\n"
            "1. Scan the TrackID of the container coming back (or of the portion dispensed to the job).\n"
            "2. Weighed items: put it on the scale; when the scale is stable, Enter takes the weight (the "
            "container's tare is subtracted). Counted items: type the count, Enter.\n"
            "3. Scan the store location it goes to. The return is posted and a new label is queued.\n\n"
            "F6/F7/F8 (demo scale only): add 10% / add 1% / take off 1%\nEsc: start again, then back to the menu")
    BINDINGS = [
        Binding("f6", "pour(10)", "More", show=False),
        Binding("f7", "pour(1)", "More 1%", show=False),
        Binding("f8", "pour(-1)", "Less", show=False),
    ]

    def __init__(self):
        super().__init__()
        self.step = "scan"
        self.info = None
        self.net: int | None = None
        self.reading = None
        self.busy = False
        self.weighing = False

    def body(self) -> ComposeResult:
        yield Static("Job returns", classes="title")
        yield Static("", id="info")
        yield ScanInput(placeholder="scan the returned TrackID", id="scan")
        yield Input(placeholder="count", id="count", restrict=r"[0-9.]*")
        yield Static("", id="weight")
        yield ScanInput(placeholder="scan the store location", id="location")
        yield Static("", id="message")

    @property
    def link(self):
        return self.app.scale_link()

    def on_mount(self) -> None:
        self._show("scan")
        if self.link is not None:
            self.link.start(self)

    def on_unmount(self) -> None:
        if self.link is not None and self.link.target is self:
            self.link.target = None

    def _show(self, step: str) -> None:
        self.step = step
        for name in ("scan", "count", "location"):
            self.query_one(f"#{name}").display = step == name
        self.query_one("#weight").display = step == "weigh"
        if step in ("scan", "count", "location"):
            self.query_one(f"#{step}").focus()
        else:
            self.set_focus(None)
        self._say("")
        info = self.query_one("#info", Static)
        i = self.info
        if step == "scan" or i is None:
            info.update("Scan the TrackID of the container coming back.")
            return
        head = (f"{i.track_id}: {i.item} {i.description}\nlot {i.lot or '-'}, issued {fmt_short(i.issued)} {i.uom} "
                f"to job {i.job}")
        hint = {"weigh": "Put it on the scale. Enter takes the stable weight.",
                "count": "Count what is left, type it, Enter.",
                "location": f"Returning {fmt_short(self.net or 0)} {i.uom}. Scan the store location."}[step]
        info.update(f"{head}\n{hint}")

    def _say(self, text: str, error: bool = False) -> None:
        msg = self.query_one("#message", Static)
        msg.update(text)
        msg.set_classes("error" if error else "hint")

    def _fail(self, text: str) -> None:
        self._say(text, error=True)
        self.app.signal_error(text, toast=False)

    # --- 1. what comes back --------------------------------------------------------------------------------
    @on(ScanInput.Scanned, "#scan")
    def _scanned(self, event: ScanInput.Scanned) -> None:
        self._look_up(event.scan.track_id or event.scan.text or event.scan.raw)

    @on(ScanInput.ScanFailed)
    def _scan_failed(self, event: ScanInput.ScanFailed) -> None:
        self._fail(event.message)

    @work(thread=True, exclusive=True, group="return-look")
    def _look_up(self, track_id: str) -> None:
        from core.jobs.returns import issued_to_job

        try:
            info = issued_to_job(track_id)
        except JobfloorError as exc:
            self.app.call_from_thread(self._fail, str(exc))
            return
        self.app.call_from_thread(self._found, info)

    def _found(self, info) -> None:
        self.info, self.net = info, None
        if not info.weighed:
            self._show("count")
            return
        if self.link is None:
            self._fail("This station has no scale: weighed returns are taken at a station with a scale.")
            self.info = None
            self._show("scan")
            return
        from drivers.scale import Tare

        self.link.use_tare(Tare.container(info.tare))
        self.reading = None
        if self.link.simulated:  # demo: the container with some of its contents left is put on the pan
            self.link.place_container(Decimal(info.tare + info.issued * 2 // 5) / 1000)
        self._show("weigh")
        self._draw_weight()

    # --- 2. how much ---------------------------------------------------------------------------------------
    def on_scale_update(self, message: ScaleUpdate) -> None:
        from drivers.scale import NetReading

        item = self.reading = message.item
        self.app.set_device_state(scale=("stable" if item.stable else "moving") if isinstance(item, NetReading)
                                  else item.state)
        if self.step == "weigh":
            self._draw_weight()

    def _draw_weight(self) -> None:
        from drivers.scale import NetReading

        weight = self.query_one("#weight", Static)
        net = self.reading
        if not isinstance(net, NetReading):
            weight.update(f"{net or 'Waiting for the scale.'}\n(returns wait until the scale is back)")
            return
        gross, tare = net.reading.to_milli_kg(), self.info.tare
        state = "stable" if net.stable else "moving"
        weight.update(f"gross {fmt_short(gross)} kg {state} - tare {fmt_short(tare)} = net {fmt_short(net.milli_kg)} "
                      "kg\n" + ("Enter takes this weight" if net.stable and net.milli_kg > 0 else
                                 "wait for a steady reading"))

    def key_enter(self) -> None:
        if self.step != "weigh" or self.weighing:
            return  # one Enter, one weighing
        self.weighing = True
        self._say("waiting for a steady weight")
        self._weigh(self.info, time.monotonic())

    @work(thread=True, exclusive=True, group="return-weigh")
    def _weigh(self, info, pressed: float) -> None:
        from drivers.scale import ScaleError, ScaleUnstable

        try:
            net = self.link.weigh(pressed)
        except ScaleUnstable:
            self.app.call_from_thread(self._weigh_refused, "The scale is not steady: wait for a stable reading, "
                                      "then Enter.")
            return
        except ScaleError as exc:
            self.app.call_from_thread(self._weigh_refused, str(exc))
            return
        self.app.call_from_thread(self._weighed, info, net.milli_kg)

    def _weigh_refused(self, message: str) -> None:
        self.weighing = False
        if self.step == "weigh":
            self._fail(message)

    def _weighed(self, info, net: int) -> None:
        self.weighing = False
        if info is not self.info or self.step != "weigh":
            return
        if net <= 0:
            self._fail("The weight is not above the container's tare: check the scale, or the tare with a "
                       "supervisor.")
            return
        self.net = net
        self._show("location")

    @on(Input.Submitted, "#count")
    def _counted(self, event: Input.Submitted) -> None:
        try:
            self.net = parse_qty(event.value)
        except QtyError as exc:
            self._fail(str(exc))
            return
        self._show("location")

    def action_pour(self, percent: int) -> None:
        if self.link is not None and self.link.simulated and self.info is not None and self.step == "weigh":
            self.link.pour(Decimal(self.info.issued * percent) / Decimal(100_000))

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "pour":
            return bool(self.link is not None and self.link.simulated and self.step == "weigh") or None
        return True

    # --- 3. where it goes ----------------------------------------------------------------------------------
    @on(ScanInput.Scanned, "#location")
    def _location(self, event: ScanInput.Scanned) -> None:
        s = event.scan
        if self.busy:
            return
        self.busy = True
        self._post(self.info.track_id, self.net, s.location or s.text or s.raw, uuid.uuid4().hex)

    @work(thread=True, exclusive=True, group="return-post")
    def _post(self, track_id: str, qty: int, location: str, request_id: str) -> None:
        from core.jobs.returns import return_unit

        # The weight taken at Enter, not whatever the scale says now: it may have gone since.
        weighed = {"gross": qty + self.info.tare} if self.info.weighed else None
        try:
            result = return_unit(self.app.actor, track_id, qty, location, request_id=request_id, weighed=weighed)
        except JobfloorError as exc:
            self.app.call_from_thread(self._post_failed, str(exc))
            return
        self.app.call_from_thread(self._posted, result)

    def _post_failed(self, message: str) -> None:
        self.busy = False
        self._fail(message)

    def _posted(self, r) -> None:
        self.busy = False
        if self.link is not None:
            self.link.end_weighing()
            if self.link.simulated:
                self.link.clear_pan()
        self.info, self.net = None, None
        self._show("scan")
        message = f"{r.track_id}: {fmt_short(r.qty)} back in {r.location}, posted to job {r.job}. New label queued."
        self._say(message)
        self.app.signal_ok(message, toast=False)

    def action_back(self) -> None:
        if self.step != "scan":
            self.info, self.net = None, None
            self._show("scan")
        else:
            super().action_back()
