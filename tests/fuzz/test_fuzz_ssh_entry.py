"""Issue 18.5: property-based fuzzing of the SSH ForceCommand entry (docs/ssh.md: `jobfloor-ssh` execs `jobfloor`
with no arguments on every connection).

What a connection can put in front of jobfloor: the variables a key may set (JOBFLOOR_STATION, NO_COLOR), what
the client sends (TERM, LANG and LC_*, the command it asked for in SSH_ORIGINAL_COMMAND) and what sshd sets
(SSH_CLIENT, SSH_CONNECTION). Each is any bytes but NUL, as execve delivers them (undecodable bytes arrive as
surrogates). For every such environment:
- the app is built for the right station, or jobfloor refuses in one printable sentence: never a traceback, never
  a control character (a terminal escape) echoed back to the client's terminal, never another exception;
- the command the client asked for changes nothing (`ssh jobfloor@server bash` still gets jobfloor);
- as a real process on a pty-less pipe, a refused connection exits 2 with that sentence.
Also the argument parser, in case a wrapper passes arguments through: any argv is parsed or refused with usage.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.errors import UserInputError

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
STATIONS = ("PICK-1", "PICK-2")
TRIED = {"environments": 0, "argvs": 0, "processes": 0}

# Any bytes but NUL, decoded as Python decodes the environment (undecodable bytes become surrogates).
ENV_BYTES = st.binary(max_size=80).map(lambda b: os.fsdecode(b.replace(b"\0", b"")))
ENV_TEXT = st.one_of(ENV_BYTES, st.text(alphabet=st.characters(blacklist_characters="\0"), max_size=80),
                     st.sampled_from(["", " ", "PICK-1", "pick-1", "PICK-1 ", "PICK-1\n", "PICK-1\x1b[2J",
                                      "\x1b]0;pwned\x07", "'; DROP TABLE station; --", "PICK-%", "PICK-_",
                                      "x" * 31, "x" * 5000, "127.0.0.1 22 22", "::1 5000 22"]))
ADDRESS = st.one_of(ENV_TEXT, st.builds(lambda a, b, c, d: f"{a}.{b}.{c}.{d} 50000 22", *[st.integers(0, 300)] * 4))
KEYS = ("JOBFLOOR_STATION", "SSH_CLIENT", "SSH_CONNECTION", "TERM", "NO_COLOR", "LANG", "LC_ALL",
        "SSH_ORIGINAL_COMMAND")
ENVIRON = st.fixed_dictionaries({}, optional={key: ADDRESS if key.startswith("SSH_C") else ENV_TEXT
                                              for key in KEYS})


def _sentence_ok(text: str) -> None:
    assert text.strip() and len(text) < 400 and "Traceback" not in text
    assert all(ch.isprintable() for ch in text), f"control or unprintable characters reach the terminal: {text!r}"


def _entry(url: str, environ: dict):
    """What `jobfloor` does on a connection before the first screen: the station, then the app. Returns the
    station code, or the refusal's sentence."""
    from tui.run import build_app

    TRIED["environments"] += 1
    try:
        app = build_app(url, None, environ)
    except UserInputError as exc:
        _sentence_ok(str(exc))
        return ("refused", str(exc))
    return ("app", app.station_code)


@FUZZ
@given(environ=ENVIRON)
@example(environ={"JOBFLOOR_STATION": "PICK-1\x1b[2J"})
@example(environ={"JOBFLOOR_STATION": os.fsdecode(b"PICK-\xff")})
@example(environ={"JOBFLOOR_STATION": "", "SSH_CLIENT": "10.1.1.21 5000 22"})
def test_any_connection_environment_gets_the_app_or_one_clean_sentence(demo, environ):
    got = _entry(demo.url, environ)
    station = environ.get("JOBFLOOR_STATION")
    if got[0] == "app" and station:
        assert got[1] == station and station in STATIONS
    if got[0] == "refused":
        assert station and station not in STATIONS
    # the command the client asked for is ignored: the same answer without it
    other = dict(environ, SSH_ORIGINAL_COMMAND="bash -i")
    assert _entry(demo.url, other) == got


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(ENV_TEXT, st.sampled_from(["--db", "--station", "stock", "pick", "--help", "-h",
                                                      "serve", "--web", "init", "--json", "--user"])),
                max_size=6))
def test_any_argv_is_parsed_or_refused_with_usage(argv):
    import contextlib
    import io

    from core.cli.main import build_parser

    TRIED["argvs"] += 1
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            build_parser().parse_args(argv)
        except SystemExit as exc:
            assert exc.code in (0, 2)
            assert "Traceback" not in err.getvalue()


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(station=st.one_of(ENV_BYTES, st.sampled_from(["PICK-9\x1b[31m", "x" * 3000, "\x1b]0;pwned\x07"]))
       .filter(lambda s: s.strip() and s not in STATIONS))
def test_a_refused_connection_as_a_real_process_exits_2_with_one_clean_line(sqlite_demo, station):
    TRIED["processes"] += 1
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBFLOOR_PIN")}
    env.update(JOBFLOOR_DB=sqlite_demo.url, JOBFLOOR_STATION=station, SSH_ORIGINAL_COMMAND="bash")
    env = {k.encode(): os.fsencode(v) for k, v in env.items()}
    done = subprocess.run([sys.executable, "-m", "tui.entry"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=60)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("jobfloor: station ")
    _sentence_ok(lines[0])
    assert done.stdout == b""


def test_zz_how_much_was_tried():
    """Printed for the README's figure (pytest -s): inputs tried by the properties above in this run."""
    print(f"\nSSH entry fuzz: {TRIED}")
