"""Brother QL raster (via brother_ql) and the QL status reply.

brother_ql's own `works_with_model` never looks at a label's model restriction, so the checks here are ours:
a 102 mm label sent to a 62 mm printer must be refused before anything is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from brother_ql.conversion import convert
from brother_ql.exceptions import BrotherQLRasterError
from brother_ql.labels import FormFactor, LabelsManager
from brother_ql.models import ModelsManager
from brother_ql.raster import BrotherQLRaster
from brother_ql.reader import interpret_response
from PIL import Image

from drivers.printer.errors import OutOfPaper, PrinterError, PrinterNotReady, UnsupportedLabel, WrongMedia
from drivers.printer.model import Canvas, Label, LabelSize
from drivers.printer.render import render

DPI = 300
STATUS_REPLY_SIZE = 32

_LABELS = LabelsManager()
_MODELS = ModelsManager()


def models() -> list[str]:
    return list(_MODELS.identifiers())


def _model(model: str):
    try:
        return _MODELS[model]
    except KeyError:
        raise UnsupportedLabel(f"Printer model {model!r} is not a Brother QL model this app knows: {', '.join(models())}") from None


def _ql_label(size: LabelSize):
    try:
        return _LABELS[size.name]
    except KeyError:
        raise UnsupportedLabel(f"Brother QL printers have no {size} labels") from None


def check_model(model: str, size: LabelSize) -> None:
    """Refuse a label the model cannot take, in words the person loading the printer understands."""
    spec = _model(model)
    ql = _ql_label(size)
    head_dots = spec.number_bytes_per_row * 8
    allowed = not ql.restricted_to_models or model in ql.restricted_to_models
    # brother_ql's list leaves out the QL-1110NWB, which takes 102 mm media like the other wide-head models.
    if not allowed and ql.tape_size[0] <= 102 and head_dots >= ql.dots_total[0]:
        allowed = True
    if not allowed or head_dots < ql.dots_printable[0] + ql.offset_r:
        takes = ", ".join(ql.restricted_to_models) or "wider printers"
        raise UnsupportedLabel(
            f"A {model} cannot print {size} labels (those need a {takes}). Choose a smaller label or "
            "another printer."
        )


def canvas(size: LabelSize) -> Canvas:
    """Brother's printable area: 62 mm is 696 dots wide, 62x29 696x271, 102x152 1164x1660."""
    ql = _ql_label(size)
    width, height = ql.dots_printable
    endless = ql.form_factor == FormFactor.ENDLESS
    return Canvas(width, None if endless else height, DPI, size, label_width=ql.dots_total[0])


def render_label(label: Label, model: str) -> Image.Image:
    check_model(model, label.size)
    image = render(label, canvas(label.size))
    return fit_length(image, model, label)


def fit_length(image: Image.Image, model: str, label: Label) -> Image.Image:
    """Endless labels shorter than the model's minimum feed are padded; longer than its maximum are refused."""
    if not label.size.endless:
        return image
    shortest, longest = _model(model).min_max_length_dots
    if image.height > longest:
        raise UnsupportedLabel(f"The {label.name} is {image.height / 11.81:.0f} mm long; a {model} prints at most {longest / 11.81:.0f} mm")
    if image.height >= shortest:
        return image
    padded = Image.new("1", (image.width, shortest), 1)
    padded.paste(image, (0, 0))
    return padded


#: Brother's raster command reference for the QL-1100/1110NWB/1115NWB ("2.1 Print data overview") asks for a
#: 350-byte invalidate; brother_ql's model table gives those models the 200 of the older QL models. The QL-800
#: series' 400 in that table is what Brother's QL-800/810W/820NWB reference asks for, so it is kept.
INVALIDATE_BYTES = {"QL-1100": 350, "QL-1100NWB": 350, "QL-1110NWB": 350, "QL-1115NWB": 350}


def invalidate_bytes(model: str) -> int:
    return INVALIDATE_BYTES.get(model, _model(model).num_invalidate_bytes)


class _JobRaster(BrotherQLRaster):
    """brother_ql's raster builder, corrected where its `convert` of several images departs from Brother's raster
    command reference: one job is (1) invalidate and initialize once, then per page (2) control codes, (3) raster
    lines and (4) a print command ("2.1 Print data overview").

    brother_ql gets three things wrong for a job of several pages: it asks for the status (ESC i S) on every
    page, which the reference forbids while printing ("ESC i S"); it marks every page as the starting page in
    the print information command (ESC i z, n9: 0 starting page, 1 other pages) because its page counter never
    moves; and it ends every page with 0x1A, print with feeding, where the reference wants 0x0C between pages
    and 0x1A only after the last ("FF Print command", "Control-Z Print command with feeding"). It also sends a
    mode switch before the invalidate, so the job would not begin with the invalidate.
    """

    def __init__(self, model: str, pages: list):
        super().__init__(model)
        self.exception_on_warning = True
        self.num_invalidate_bytes = invalidate_bytes(model)
        self.data = bytearray()  # convert() appends page after page: in place, so a long job stays linear
        self.pages = pages  # a key per page: identical labels share one
        self.printed = 0
        self._rows: dict = {}

    def add_switch_mode(self):
        if self.data:  # not ahead of the invalidate: the job starts with it
            super().add_switch_mode()

    def add_status_information(self):
        pass  # asked once before the job, on the link, never inside it

    def add_media_and_quality(self, rnumber):
        self.page_number = self.printed
        super().add_media_and_quality(rnumber)

    def add_raster_data(self, image, second_image=None):
        # A job repeats identical labels (every product label of a lot): their raster lines are encoded once.
        key = (self.pages[self.printed], self._compression)
        rows = self._rows.get(key)
        if rows is None:
            start = len(self.data)
            if second_image is None and not self._compression:
                self._add_lines(image)
            else:
                super().add_raster_data(image, second_image)
            self._rows[key] = bytes(self.data[start:])
        else:
            self.data += rows

    def _add_lines(self, image):
        """brother_ql's `add_raster_data` for one colour, uncompressed, with its checks, the same bytes (raster
        command reference, "g Raster graphics transfer": 67h 00h n, then n bytes) built at once instead of line by
        line in Python: a 102 mm label is 1800 lines."""
        width = self.get_pixel_width()
        if image.size[0] != width:
            raise BrotherQLRasterError(f"Wrong pixel width: {image.size[0]}, expected {width}")
        low, high = self.model.min_max_length_dots
        if not low <= image.size[1] <= high:
            raise BrotherQLRasterError(f"Invalid raster height: {image.size[1]}, expected between {low} and {high} "
                                       f"dots for the {self.model.name} printer")
        row_len = width // 8
        frame = np.frombuffer(image.transpose(Image.FLIP_LEFT_RIGHT).convert("1").tobytes(), dtype=np.uint8)
        lines = np.empty((image.size[1], 3 + row_len), dtype=np.uint8)
        lines[:, 0], lines[:, 1], lines[:, 2] = 0x67, 0x00, row_len
        lines[:, 3:] = frame.reshape(image.size[1], row_len)
        self.data += lines.tobytes()

    def add_print(self, last_page=True):
        self.printed += 1
        super().add_print(last_page=self.printed == len(self.pages))


def raster(images: Sequence[Image.Image], *, model: str, size: LabelSize, cut: bool = True,
           compress: bool = False) -> bytes:
    """One raster job for a run of labels of one size: brother_ql converts the whole list in one call."""
    check_model(model, size)
    images = list(images)
    if not images:
        return b""
    # Off unless asked: brother_ql's pure-Python PackBits costs four times the rest of the conversion, and
    # the printer prints slower than any link can send uncompressed rows.
    compress = bool(compress) and _model(model).compression
    # The same image object for the same label: converted once, and its raster lines encoded once.
    grey = {id(image): image.convert("L") for image in images}
    qlr = _JobRaster(model, [id(image) for image in images])
    # convert() thresholds greyscale; a 1-bit image is already final, so any threshold keeps it exact.
    data = convert(qlr, [grey[id(image)] for image in images], size.name, cut=cut, rotate="0",
                   compress=compress, dpi_600=False, hq=True, threshold=50)
    return bytes(data)


def status_request(model: str) -> bytes:
    """Invalidate (clears a half-sent job), initialize, then ESC i S: the host's first steps in the reference's
    flow charts ("5. Flow Charts"), asked once before a job."""
    return b"\x00" * invalidate_bytes(model) + b"\x1b\x40" + b"\x1b\x69\x53"


#: Status types (byte 18) of the 32-byte status (raster command reference, "Status information").
PRINTING_COMPLETED = "Printing completed"
ERROR_OCCURRED = "Error occurred"


@dataclass(frozen=True)
class QLStatus:
    model: str
    media_width_mm: int
    media_length_mm: int
    media_type: str
    status_type: str
    phase: str
    errors: tuple[str, ...] = field(default_factory=tuple)

    @property
    def media(self) -> str:
        if self.media_type == "No media" or not self.media_width_mm:
            return "no labels"
        if self.media_length_mm:
            return f"{self.media_width_mm}x{self.media_length_mm} mm labels"
        return f"{self.media_width_mm} mm endless"


def parse_status(reply: bytes) -> QLStatus:
    if len(reply) < STATUS_REPLY_SIZE or not reply.startswith(b"\x80\x20\x42"):
        raise PrinterError("The printer answered with something that is not a Brother QL status; check the printer model setting.")
    info = interpret_response(reply[:STATUS_REPLY_SIZE])
    return QLStatus(
        model=str(info["model_name"]),
        media_width_mm=int(info["media_width"]),
        media_length_mm=int(info["media_length"]),
        media_type=str(info["media_type"]),
        status_type=str(info["status_type"]),
        phase=str(info["phase_type"]),
        errors=tuple(info["errors"]),
    )


_OUT_OF_PAPER = {"No media when printing", "End of media (die-cut size only)",
                 "Media cannot be fed (also when the media end is detected)"}


def raise_for_status(status: QLStatus, size: LabelSize | None = None, url: str | None = None) -> None:
    """Turn a status into the error an operator can fix; silent when the printer is ready for `size`."""
    errors = set(status.errors)
    if errors & _OUT_OF_PAPER or status.media_type == "No media":
        raise OutOfPaper("The printer is out of labels: load a new roll and press the feed button.", url=url)
    if "Replace media error" in errors:
        raise WrongMedia("The printer wants different labels: load the roll this job needs.", url=url)
    if "Cover opened while printing (Except QL-500)" in errors:
        raise PrinterNotReady("The printer cover is open: close it and print again.", url=url)
    if "Tape cutter jam" in errors:
        raise PrinterNotReady("The label cutter is jammed: open the cover, clear the cutter and print again.",
                              url=url)
    if "Printer turned off" in errors:
        raise PrinterNotReady("The printer was switched off: switch it on and print again.", url=url)
    if errors:
        raise PrinterNotReady(f"The printer reports: {'; '.join(sorted(errors))}.", url=url)
    if size is not None:
        ql = _ql_label(size)
        want_length = 0 if ql.form_factor == FormFactor.ENDLESS else ql.tape_size[1]
        if (status.media_width_mm, status.media_length_mm) != (ql.tape_size[0], want_length):
            # 102x152 die-cut labels report a 153 mm length, as in brother_ql's table, so compare its numbers.
            raise WrongMedia(
                f"The printer has {status.media} loaded; this job needs {size} labels. Load them and print again.",
                url=url,
            )
