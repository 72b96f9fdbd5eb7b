"""Fuzzing every scale protocol's framer and decoders with arbitrary bytes.

Properties, per protocol (MT-SICS with RADWAG's dialect, SMA, Toledo continuous output):
- any bytes, cut into chunks anywhere: the framer never raises, frames the same whatever the cuts, and every frame
  decodes to a Reading or one of the driver's typed ScaleError subclasses, never another exception; a Reading's
  conversions also end in a number or a ScaleError;
- a damaged frame never yields a reading. What counts as damage a decoder can see depends on the protocol: a
  Toledo frame with its checksum detects any one byte changed (the checksum is the two's complement of the seven
  low bits of the sum; bit 7 is a parity bit the status bytes and digits must have clear); the text protocols
  have no checksum, so a digit changed into another digit is a different weight that nothing can tell from a real
  one, but a frame cut short, a byte dropped (SMA's fixed 20 bytes), or a byte that is not part of the format
  (a control or 8-bit byte on the line) never leaves a weight behind.
"""
from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.scale import mtsics, sma, toledo
from drivers.scale.errors import ScaleError
from drivers.scale.reading import Reading

FUZZ = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])

MTSICS_DECODERS = (
    lambda f: mtsics.decode_weight(f), lambda f: mtsics.decode_weight(f, net=True), mtsics.decode_zero,
    mtsics.decode_tare, mtsics.decode_tare_value, mtsics.decode_tare_clear, mtsics.decode_reset,
)
SMA_DECODERS = (sma.decode_weight, sma.decode_tare)
PROTOCOLS = {
    "mt-sics": (mtsics.framer, MTSICS_DECODERS),
    "sma": (sma.framer, SMA_DECODERS),
    "toledo": (toledo.ToledoFramer, (toledo.decode,)),
}

# Bytes a scale line is made of, plus the ones that break it: weighted so that near-misses are common.
NEAR_MISS = st.binary(max_size=400) | st.lists(
    st.sampled_from([b"S", b"SI", b" ", b"D", b"?", b"-", b"+", b"12", b".", b"345", b"kg", b"g", b"\r", b"\n",
                     b"\r\n", b"\x02", b"0", b"1G", b"N", b"M", b"ES", b"A", b"I", b"\x00", b"\xff", b"-0 ",
                     b"012345000000", b"%"]), max_size=60).map(b"".join)


def _check(item: object) -> None:
    """The decoder's answer honours the contract: a usable Reading, or a typed ScaleError with a message."""
    if isinstance(item, ScaleError):
        assert item.message.strip() and "Traceback" not in item.message
        return
    assert isinstance(item, Reading)
    assert item.value.is_finite() and item.decimals >= 0 and item.unit == item.unit.lower()
    item.text()
    for convert in (item.to_milli_kg, item.resolution_kg):
        try:
            assert isinstance(convert(), int | Decimal)
        except ScaleError:
            pass


def _decode_all(decoders, frame: bytes) -> list[object]:
    answers = []
    for decode in decoders:
        try:
            answers.append(decode(frame))
        except ScaleError as exc:
            answers.append(exc)
    return answers


def _chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    edges = [0, *sorted(c % (len(data) + 1) for c in cuts), len(data)]
    return [data[a:b] for a, b in zip(edges, edges[1:])]


@FUZZ
@given(data=NEAR_MISS, cuts=st.lists(st.integers(min_value=0), max_size=8), protocol=st.sampled_from(sorted(PROTOCOLS)))
def test_any_bytes_frame_and_decode_to_a_reading_or_a_scale_error(data, cuts, protocol):
    make_framer, decoders = PROTOCOLS[protocol]
    framer = make_framer()
    frames = [f for chunk in _chunks(data, cuts) for f in framer.feed(chunk)]
    assert frames == make_framer().feed(data)  # the same frames however the bytes arrived
    for frame in frames:
        for answer in _decode_all(decoders, frame):
            _check(answer)
        assert mtsics.reply_to(frame) is None or isinstance(mtsics.reply_to(frame), str)
        assert isinstance(mtsics.is_acknowledgement(frame), bool)


# --- damage ---------------------------------------------------------------------------------------------------

WEIGHTS = st.decimals(min_value=Decimal("-9999.999"), max_value=Decimal("99999.999"), places=3, allow_nan=False,
                      allow_infinity=False)
METRIC = st.sampled_from(["g", "kg", "mg", "t"])


@st.composite
def mtsics_lines(draw) -> bytes:
    value, unit = draw(WEIGHTS), draw(METRIC)
    if draw(st.booleans()):
        return f"S {draw(st.sampled_from('SD'))} {value:>10} {unit}".encode()
    head = draw(st.sampled_from(["SI ", "S  "]))
    marker = draw(st.sampled_from(" ?"))
    return f"{head}{marker} {'-' if value < 0 else ' '}{abs(value):>9} {unit:<3}".encode()


def _readings(decoders, frames: list[bytes]) -> list[Reading]:
    return [a for f in frames for a in _decode_all(decoders, f) if isinstance(a, Reading)]


@FUZZ
@given(line=mtsics_lines(), cut=st.integers(min_value=1))
def test_mtsics_line_cut_short_is_no_weight(line, cut):
    meaningful = len(line.rstrip(b" "))
    assert _readings(MTSICS_DECODERS[:1], [line])  # the whole line is a weight
    short = line[: cut % meaningful]
    assert not _readings(MTSICS_DECODERS[:1], mtsics.framer().feed(short + b"\r\n"))


@FUZZ
@given(line=mtsics_lines(), at=st.integers(min_value=1), noise=st.integers(min_value=0, max_value=255))
def test_mtsics_line_with_a_foreign_byte_inside_is_no_weight(line, at, noise):
    if 0x20 <= noise < 0x7F and noise not in b"\r\n":
        return  # a printable byte inside a line is a different line, not detectable damage
    meaningful = len(line.rstrip(b" "))
    at = 1 + at % (meaningful - 1)
    damaged = line[:at] + bytes([noise]) + line[at:]
    assert not _readings(MTSICS_DECODERS[:1], mtsics.framer().feed(damaged + b"\r\n"))


@st.composite
def sma_replies(draw) -> bytes:
    value, unit = draw(WEIGHTS), draw(METRIC)
    status = "Z" if value == 0 else " "
    mode, motion = draw(st.sampled_from("GN")), draw(st.sampled_from(" M"))
    return f"\n{status}1{mode}{motion} {value:>10}{unit:<3}\r".encode()


@FUZZ
@given(reply=sma_replies(), at=st.integers(min_value=1), noise=st.integers(min_value=0, max_value=255),
       drop=st.booleans())
def test_sma_reply_with_a_byte_dropped_or_added_is_no_weight(reply, at, noise, drop):
    assert len(reply) == 20 and _readings(SMA_DECODERS[:1], sma.framer().feed(reply))
    at = 1 + at % (len(reply) - 2)  # inside, between LF and CR
    damaged = reply[:at] + reply[at + 1:] if drop else reply[:at] + bytes([noise]) + reply[at:]
    assert not _readings(SMA_DECODERS[:1], sma.framer().feed(damaged))


@st.composite
def toledo_frames(draw) -> bytes:
    counts, tare = draw(st.integers(0, 999_999)), draw(st.integers(0, 999_999))
    a = 0x20 | draw(st.sampled_from([0x08, 0x10, 0x18])) | draw(st.integers(0, 7))
    b = 0x20 | draw(st.integers(0, 0x1F)) & ~0x04  # any flags but out of range
    c = 0x20 | draw(st.sampled_from([0, 1, 2])) | draw(st.sampled_from([0, 0x08, 0x40]))
    body = bytes([0x02, a, b, c]) + b"%06d%06d\r" % (counts, tare)
    return body + bytes([toledo.checksum(body)])


REFERENCE = b"\x02-0 012345000000\r%"  # 12.345 kg, checked


@FUZZ
@given(frame=toledo_frames(), at=st.integers(min_value=0), new=st.integers(min_value=0, max_value=255),
       drop=st.booleans())
def test_toledo_frame_with_any_byte_changed_or_dropped_is_no_weight(frame, at, new, drop):
    """Between good frames, a frame with one byte changed (checksum included) or dropped gives nothing but the
    good frames' weight, or its own true weight when only its checksum byte was lost (its 0x02 checksum and the
    next frame's STX are one byte then: the weight is intact and the checksum still matches)."""
    reference = toledo.decode(REFERENCE)
    intact = {reference, toledo.decode(frame)} if drop and at % len(frame) == len(frame) - 1 else {reference}
    at %= len(frame)
    if drop:
        damaged = frame[:at] + frame[at + 1:]
    elif new == frame[at]:
        return
    else:
        damaged = frame[:at] + bytes([new]) + frame[at + 1:]
    readings = _readings((toledo.decode,), toledo.ToledoFramer().feed(REFERENCE * 2 + damaged + REFERENCE * 2))
    assert readings and all(r in intact for r in readings), readings
