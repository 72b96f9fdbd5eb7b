"""Job returns: scan what comes back from the floor, tare, weigh it, scan where it goes. Its TrackID lives again.

The weight is the net of the container it comes back in. The tare step sets that container's tare: the scale
tares an empty container like it (on the scale where it takes the command, kept by jobfloor where it cannot, as
on the Pick screen), or the operator types it (a recorded tare is offered). The station's ScaleLink turns every
reading into its net, Enter takes the net of a stable reading read after the key, and a weight above what the
job holds is refused there and then, before anyone walks to a location.
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
from core.jobs.returns import check_return_qty, issued_to_job, return_unit
from core.qty import QtyError, fmt_short, parse_qty
from drivers.scale import NetReading, ScaleError, ScaleUnstable, Tare
from drivers.scale.reading import milli_kg
from drivers.scale.tare import NONE, ON_SCALE
from tui.scale_link import ScaleUpdate
from tui.screens.base import FloorScreen
from tui.widgets.scan_input import ScanInput


class ReturnScreen(FloorScreen):
    RESUME_KEY = "returns"
    HELP = ("Job returns\n\n"
            "1. Scan the TrackID of the container coming back (or of the portion dispensed to the job).\n"
            "2. Weighed items: the tare of the container it comes back in. Put an empty one like it on the scale "
            "and press Enter (the scale tares), or type its tare in kg and Enter (a recorded tare is filled in).\n"
            "3. Put the returned container on the scale; when it is stable, Enter takes the net weight. More than "
            "the job holds is refused at once. Counted items: type the count, Enter.\n"
            "4. Scan the store location it goes to. The return is posted and a new label is queued.\n\n"
            "F5: tare again (while weighing)\n"
            "F6/F7/F8 (demo scale only): add 10% / add 1% / take off 1%\nEsc: start again, then back to the menu")
    BINDINGS = [
        Binding("f5", "retare", "Tare again"),
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
        self.weighed = None  # the net reading Enter took
        self.busy = False
        self.weighing = False
        self.taring = False

    def body(self) -> ComposeResult:
        yield Static("Job returns", classes="title")
        yield Static("", id="info")
        yield ScanInput(placeholder="scan the returned TrackID", id="scan")
        yield Input(placeholder="tare kg (empty: Enter tares the scale)", id="tare", restrict=r"[0-9.]*")
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
        for name in ("scan", "tare", "count", "location"):
            self.query_one(f"#{name}").display = step == name
        self.query_one("#weight").display = step in ("tare", "weigh")
        if step in ("scan", "tare", "count", "location"):
            self.query_one(f"#{step}").focus()
        else:
            self.set_focus(None)
        self.say("")
        info = self.query_one("#info", Static)
        i = self.info
        if step == "scan" or i is None:
            info.update("Scan the TrackID of the container coming back.")
            return
        head = (f"{i.track_id}: {i.item} {i.description}\nlot {i.lot or '-'}, issued {fmt_short(i.issued)} {i.uom} "
                f"to job {i.job}")
        recorded = f" Its recorded tare {fmt_short(i.tare)} kg is filled in." if i.tare else ""
        hint = {"tare": "Tare: put an empty container like the one it came back in on the scale and press Enter, "
                        f"or type its tare in kg and Enter.{recorded}",
                "weigh": "Put the returned container on the scale. Enter takes the stable net weight.",
                "count": "Count what is left, type it, Enter.",
                "location": f"Returning {fmt_short(self.net or 0)} {i.uom}. Scan the store location."}[step]
        info.update(f"{head}\n{hint}")

    # --- 1. what comes back --------------------------------------------------------------------------------
    @on(ScanInput.Scanned, "#scan")
    def _scanned(self, event: ScanInput.Scanned) -> None:
        self._look_up(event.scan.track_id or event.scan.text or event.scan.raw)

    @on(ScanInput.ScanFailed)
    def _scan_failed(self, event: ScanInput.ScanFailed) -> None:
        self.fail(event.message)

    @work(thread=True, exclusive=True, group="return-look")
    def _look_up(self, track_id: str) -> None:
        self.answer(lambda: issued_to_job(track_id), self._found)

    def _found(self, info) -> None:
        self.info, self.net = info, None
        if not info.weighed:
            self._show("count")
            return
        if self.link is None:
            self.fail("This station has no scale: weighed returns are taken at a station with a scale.")
            self.info = None
            self._show("scan")
            return

        self.link.use_tare(Tare.none())
        self.reading = None
        if self.link.simulated:  # demo: an empty bucket like the one it came back in goes on the pan
            self.link.place_container()
        field = self.query_one("#tare", Input)
        field.value = fmt_short(info.tare) if info.tare else ""
        self._show("tare")
        self._draw_weight()

    # --- 2. the tare of the container it comes back in ------------------------------------------------------
    @on(Input.Submitted, "#tare")
    def _tare_entered(self, event: Input.Submitted) -> None:
        if self.step != "tare" or self.taring:
            return
        typed = event.value.strip()
        if not typed:
            self.taring = True
            self.say("taring: keep the empty container still")
            self._take_tare(self.info)
            return
        try:
            milli = parse_qty(typed)
        except QtyError as exc:
            self.fail(f"{exc}: type the tare in kg (e.g. 0.85), or empty the field and Enter to tare the scale")
            return

        self.link.use_tare(Tare.container(milli))
        self._tared(self.info, None)

    @work(thread=True, exclusive=True, group="return-tare")
    def _take_tare(self, info) -> None:
        try:
            zero = self.link.take_tare()
        except ScaleError as exc:
            self.app.call_from_thread(self._tare_failed, str(exc))
            return
        self.app.call_from_thread(self._tared, info, zero)

    def _tare_failed(self, message: str) -> None:
        self.taring = False
        if self.step == "tare":
            self.fail(message)

    def _tared(self, info, zero) -> None:
        self.taring = False
        if info is not self.info or self.step != "tare":
            return
        tare = self.link.tare
        self.reading = zero
        if self.link.simulated:  # demo: the returned container, some of what was issued still in it
            bucket = tare.kg if tare.kg is not None else Decimal("0.850")
            self.link.place_container(bucket + Decimal(info.issued * 2 // 5) / 1000)
        self._show("weigh")
        self._draw_weight()

    # --- 3. how much ---------------------------------------------------------------------------------------
    def on_scale_update(self, message: ScaleUpdate) -> None:
        item = self.reading = message.item
        self.app.set_device_state(scale=("stable" if item.stable else "moving") if isinstance(item, NetReading)
                                  else item.state)
        if self.step in ("tare", "weigh"):
            self._draw_weight()

    def _draw_weight(self) -> None:
        weight = self.query_one("#weight", Static)
        net = self.reading
        if not isinstance(net, NetReading):
            weight.update(f"{net or 'Waiting for the scale.'}\n(returns wait until the scale is back)")
            return

        state = "stable" if net.stable else "moving"
        if self.step == "tare" or net.tare.kind == NONE:
            weight.update(f"scale {fmt_short(net.milli_kg)} kg {state}")
            return
        gross = "" if net.tare.kind == ON_SCALE else f", gross {fmt_short(net.reading.to_milli_kg())} kg"
        said = f"net {fmt_short(net.milli_kg)} kg {state}{gross}\n{net.tare.describe()}"
        weight.update(said + "\n" + ("Enter takes this weight" if net.stable and net.milli_kg > 0 else
                                     "wait for a steady reading"))

    def key_enter(self) -> None:
        if self.step != "weigh" or self.weighing:
            return  # one Enter, one weighing
        self.weighing = True
        self.say("waiting for a steady weight")
        self._weigh(self.info, time.monotonic())

    @work(thread=True, exclusive=True, group="return-weigh")
    def _weigh(self, info, pressed: float) -> None:
        try:
            net = self.link.weigh(pressed)
        except ScaleUnstable:
            self.app.call_from_thread(self._weigh_refused, "The scale is not steady: wait for a stable reading, "
                                      "then Enter.")
            return
        except ScaleError as exc:
            self.app.call_from_thread(self._weigh_refused, str(exc))
            return
        if net.milli_kg <= 0:
            self.app.call_from_thread(self._weigh_refused, "The weight is not above the tare: put the returned "
                                      "container on the scale, or Esc and tare again.")
            return
        # What the job holds now, net of every earlier return (another terminal's too): an over-return is refused
        # at the weight, not after a walk to the location.
        self.answer(lambda: check_return_qty(issued_to_job(info.track_id), net.milli_kg),
                    lambda _: self._weighed(info, net), refused=self._weigh_refused)

    def _weigh_refused(self, message: str) -> None:
        self.weighing = False
        if self.step == "weigh":
            self.fail(message)

    def _weighed(self, info, net) -> None:
        self.weighing = False
        if info is not self.info or self.step != "weigh":
            return
        self.net, self.weighed = net.milli_kg, net
        self._show("location")

    @on(Input.Submitted, "#count")
    def _counted(self, event: Input.Submitted) -> None:
        try:
            qty = parse_qty(event.value)
            check_return_qty(self.info, qty)
        except (QtyError, JobfloorError) as exc:
            event.input.value = ""  # counted again from scratch, not typed after the refused figure
            self.fail(str(exc))
            return
        self.net = qty
        self._show("location")

    def action_pour(self, percent: int) -> None:
        if self.link is not None and self.link.simulated and self.info is not None and self.step == "weigh":
            self.link.pour(Decimal(self.info.issued * percent) / Decimal(100_000))

    def action_retare(self) -> None:
        if self.step == "weigh" and not self.weighing and self.link is not None:
            self.link.end_weighing()
            self._found(self.info)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "retare":
            return self.step == "weigh" or None
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
        # The weight taken at Enter, not whatever the scale says now: it may have gone since.
        weighed, tare = None, None
        net = self.weighed
        if self.info.weighed and net is not None:
            tare = None if net.tare.kg is None else milli_kg(net.tare.kg)
            weighed = {"net": qty, "tare": tare, "tare_by": net.tare.kind, "stable": net.stable}
        self.answer(lambda: return_unit(self.app.actor, track_id, qty, location, request_id=request_id,
                                        weighed=weighed, tare=tare),
                    self._posted, refused=self._post_failed)

    def _post_failed(self, message: str) -> None:
        self.busy = False
        self.fail(message)

    def _end_weighing(self) -> None:
        if self.link is not None and self.info is not None and self.info.weighed:
            self.link.end_weighing()
            if self.link.simulated:
                self.link.clear_pan()

    def _posted(self, r) -> None:
        self.busy = False
        self._end_weighing()
        self.info, self.net, self.weighed = None, None, None
        self._show("scan")
        message = f"{r.track_id}: {fmt_short(r.qty)} back in {r.location}, posted to job {r.job}. New label queued."
        self.say(message)
        self.app.signal_ok(message, toast=False)

    def action_back(self) -> None:
        if self.step != "scan":
            self._end_weighing()
            self.info, self.net, self.weighed = None, None, None
            self._show("scan")
        else:
            super().action_back()
