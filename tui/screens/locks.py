"""Locks and holds: a supervisor lets a locked-out user back in and releases a lot's hold, each with a reason.

Both changes are the core's (core.site.auth.unlock_user, core.trace.holds.release_hold): they check the role,
refuse without a reason and write the audit row. The list updates by itself when another terminal locks a user
out or holds a lot.
"""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Input, Static

from core.qty import fmt_short
from core.site.auth import locked_users, minutes_locked, unlock_user
from core.trace.holds import held_lots, release_hold
from tui.live import DataChanged
from tui.screens.base import FloorScreen
from tui.widgets.tables import current_key


class LocksScreen(FloorScreen):
    HELP = ("Locks and holds\n\nUsers locked out by wrong PINs, and lots on hold.\n\n"
            "Up/Down  choose a row\n"
            "Enter    unlock the user, or release the lot's hold: type why, then Enter\n"
            "Esc      leave the reason without doing anything; again: back to the menu\n\n"
            "The reason goes into the audit trail with your name. A released lot's units go back to what they "
            "were before the hold (quarantine stays quarantine).")
    DEFAULT_CSS = """
    LocksScreen #locks { height: 1fr; }
    LocksScreen #ask, LocksScreen #message { height: auto; }
    """

    def __init__(self):
        super().__init__()
        self._rows: dict[str, str] = {}  # row key -> what Enter does to it, in words
        self._doing: str | None = None

    def body(self) -> ComposeResult:
        yield Static("Locks and holds", classes="title")
        yield Static("", id="summary", classes="hint")
        yield DataTable(id="locks", cursor_type="row", zebra_stripes=True)
        yield Static("", id="ask")
        yield Input(placeholder="why (kept in the audit trail)", id="reason", max_length=200)
        yield Static("", id="message")

    def on_mount(self) -> None:
        self._columns()
        self._asking(None)
        self.app.watch_changes()
        self.reload()

    def on_data_changed(self, _: DataChanged) -> None:
        self.reload()

    def _narrow(self) -> bool:
        return self.app.size.width < 60

    def _columns(self) -> None:
        # At a handheld's 40 columns the kind goes: "locked" or "unit(s)" says it.
        table = self.query_one("#locks", DataTable)
        table.clear(columns=True)
        columns = ("Who / lot", "Locked / held")
        table.add_columns(*(columns if self._narrow() else ("What", *columns)))

    def on_resize(self) -> None:
        if self._rows:
            self._columns()
            self.reload()

    @work(thread=True, exclusive=True, group="locks")
    def reload(self) -> None:
        users, lots = locked_users(), held_lots()
        self.app.call_from_thread(self._show, users, lots)

    def _show(self, users, lots) -> None:
        table = self.query_one("#locks", DataTable)
        keep = current_key(table)
        table.clear()
        self._rows = {}
        kind = (lambda word: ()) if self._narrow() else (lambda word: (word,))
        for u in users:
            key = f"user:{u.code}"
            self._rows[key] = f"Unlock {u.code} ({u.role})"
            table.add_row(*kind("user"), f"{u.code} {u.role}", f"locked {minutes_locked(u)} min", key=key)
        for h in lots:
            key = f"lot:{h.item}\t{h.lot}"
            self._rows[key] = f"Release the hold on lot {h.lot} of {h.item}"
            table.add_row(*kind("lot"), f"{h.lot} {h.item}", f"{h.units} unit(s) {fmt_short(h.qty)} {h.uom}", key=key)
        if keep in self._rows:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        self.query_one("#summary", Static).update(
            f"{len(users)} user(s) locked out, {len(lots)} lot(s) on hold." + (" Enter: unlock or release."
                                                                              if self._rows else ""))

    @on(DataTable.RowSelected, "#locks")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        if key in self._rows:
            self._asking(key)

    def _asking(self, key: str | None) -> None:
        self._doing = key
        ask, reason, table = self.query_one("#ask", Static), self.query_one("#reason", Input), self.query_one("#locks")
        ask.display = reason.display = key is not None
        reason.value = ""
        if key is None:
            table.focus()
            return
        ask.update(f"{self._rows[key]}: why? Type it, then Enter (Esc: leave it).")
        self.say("")
        reason.focus()

    def action_back(self) -> None:
        if self._doing is not None:
            self._asking(None)
            return
        super().action_back()

    @on(Input.Submitted, "#reason")
    def _reason_given(self, event: Input.Submitted) -> None:
        if self._doing is not None:
            self._act(self._doing, event.value)

    @work(thread=True, exclusive=True, group="locks-act")
    def _act(self, key: str, reason: str) -> None:
        kind, _, what = key.partition(":")
        # A refusal (no reason, not the role) leaves the reason open for another try.
        with self.refusals() as refused:
            if kind == "user":
                user = unlock_user(self.app.actor, what, reason)
                done = f"{user.code} is unlocked: they can log in with their PIN now."
            else:
                item, lot = what.split("\t")
                done = release_hold(self.app.actor, lot, item, reason).text() + "."
        if refused:
            return
        self.app.call_from_thread(self._done, done)

    def _done(self, message: str) -> None:
        self._asking(None)
        self.ok(message)
        self.reload()
