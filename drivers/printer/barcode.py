"""Barcodes as module matrices, encoded by zint, so every bar becomes a whole number of printer dots.

GS1 data goes to zint in GS1 mode with the AIs in square brackets: zint then puts a real FNC1 after the start
character and after each variable-length field (not a GS byte), checks check digits, dates and lengths, and
square brackets cannot clash with parentheses, which a lot number may contain.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import zint

from drivers.printer.errors import LabelError
from drivers.printer.model import Symbology

#: GS1 General Specifications figure 7.8.5-2 (first two AI digits -> AI + value length): only these
#: element strings may run into the next AI without an FNC1. Kept here as drivers import nothing from core.
PREDEFINED_LENGTH = frozenset(
    ["00", "01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20",
     "31", "32", "33", "34", "35", "36", "41"]
)
GS1_128_MAX_DATA = 48
#: Code 128 wants 10 modules of clear space each side; GS1 DataMatrix one module.
QUIET_LINEAR = 10
QUIET_MATRIX = 1

_ZINT_SYMBOLOGY = {
    Symbology.GS1_128: zint.Symbology.GS1_128,
    Symbology.CODE128: zint.Symbology.CODE128,
    Symbology.GS1_DATAMATRIX: zint.Symbology.DATAMATRIX,
}

GS1Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True, eq=False)
class Symbol:
    """An encoded barcode: `modules` is rows x columns of booleans, True where the printer puts ink."""

    symbology: Symbology
    modules: np.ndarray
    hrt: str

    @property
    def rows(self) -> int:
        return self.modules.shape[0]

    @property
    def columns(self) -> int:
        return self.modules.shape[1]

    @property
    def quiet(self) -> int:
        return QUIET_LINEAR if self.symbology.is_linear else QUIET_MATRIX


def human_readable(pairs: GS1Pairs) -> str:
    return "".join(f"({ai}){value}" for ai, value in pairs)


def needs_fnc1_after(ai: str, index: int, count: int) -> bool:
    return ai[:2] not in PREDEFINED_LENGTH and index < count - 1


def gs1_data_length(pairs: GS1Pairs) -> int:
    """Data characters as GS1 counts them against the 48 of GS1-128: AIs, values, FNC1 separators."""
    n = len(pairs)
    return sum(len(ai) + len(v) + needs_fnc1_after(ai, i, n) for i, (ai, v) in enumerate(pairs))


def encode(symbology: Symbology, data: str | GS1Pairs, what: str = "barcode") -> Symbol:
    """Encode once; labels of a job repeat the same barcodes, so results are cached."""
    return _encode(symbology, data, what)


@lru_cache(maxsize=1024)
def _encode(symbology: Symbology, data: str | GS1Pairs, what: str) -> Symbol:
    sym = zint.Symbol()
    sym.symbology = _ZINT_SYMBOLOGY[symbology]
    # A warning (a wrong check digit, say) is a label that must not print: make zint fail on it.
    sym.warn_level = zint.WarningLevel.FAIL_ALL
    if symbology.is_gs1:
        pairs: GS1Pairs = data  # type: ignore[assignment]
        if symbology is Symbology.GS1_128 and gs1_data_length(pairs) > GS1_128_MAX_DATA:
            raise LabelError(
                f"{what}: {human_readable(pairs)} is {gs1_data_length(pairs)} data characters; one GS1-128 "
                f"barcode holds at most {GS1_128_MAX_DATA}"
            )
        if symbology is Symbology.GS1_DATAMATRIX:
            sym.input_mode = zint.InputMode.GS1
            sym.option_3 = int(zint.DataMatrixOptions.SQUARE)
        text = "".join(f"[{ai}]{value}" for ai, value in pairs)
        hrt = human_readable(pairs)
    else:
        text = data  # type: ignore[assignment]
        if not all(32 <= ord(c) < 127 for c in text):
            raise LabelError(f"{what}: {text!r} has characters a Code 128 label barcode should not carry")
        hrt = text
    try:
        sym.encode(text)
    except RuntimeError as exc:
        raise LabelError(f"{what}: cannot encode {hrt}: {_zint_reason(exc)}") from None
    packed = np.frombuffer(bytes(sym.encoded_data), dtype=np.uint8).reshape(200, -1)[: sym.rows]
    # zint packs each row's modules into bytes least significant bit first.
    modules = np.unpackbits(packed, axis=1, bitorder="little")[:, : sym.width].astype(bool)
    modules.setflags(write=False)
    return Symbol(symbology, modules, hrt)


def clear_cache() -> None:
    _encode.cache_clear()


def _zint_reason(exc: RuntimeError) -> str:
    text = str(exc)
    return text.split(":", 1)[1].strip() if text.startswith(("Error", "Warning")) else text
