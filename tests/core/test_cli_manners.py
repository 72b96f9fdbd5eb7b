"""Issue 15.14 and 19.8: the command line's manners. Errors said by what went wrong (a bad quantity is about the
quantity), a database that is down exits 75 (EX_TEMPFAIL) with a sentence, `| head` ends quietly, the error log
is where the message says (beside an SQLite site), and a job number typed short is found as SYSPRO pads it."""
import os
import subprocess
import sys
from pathlib import Path

import peewee
import pytest

from core.cli.errors import EXIT_TEMPFAIL, explain
from core.cli.main import main
from core.data.models import Movement
from tests.cli_env import pin_env

ROOT = Path(__file__).resolve().parents[2]


def _jobfloor(url: str, *args: str, user: str | None = None, **kwargs) -> subprocess.CompletedProcess:
    env = pin_env(user) if user else None
    return subprocess.run([sys.executable, "-m", "tui.entry", "--db", url, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, **kwargs)


def test_a_bad_quantity_is_a_sentence_about_the_quantity(demo, monkeypatch, capsys):
    monkeypatch.setenv("JOBFLOOR_PIN", "2222")
    before = Movement.select().count()
    assert main(["--db", demo.url, "pick", "12345", "1", "--track-id", "T000107", "--qty", "9O", "--user",
                 "PK1"]) == 2
    err = capsys.readouterr().err
    assert "bad quantity: '9O' is not a quantity" in err and "database" not in err
    assert Movement.select().count() == before


def test_a_database_that_is_down_exits_75_with_a_sentence():
    done = _jobfloor("postgresql://postgres@127.0.0.1:9/nowhere", "stock")
    assert done.returncode == EXIT_TEMPFAIL, done.stderr
    assert done.stderr.startswith("jobfloor: the database is busy or unavailable right now")
    assert "run it again in a moment" in done.stderr and "Traceback" not in done.stderr


def test_the_app_on_a_database_that_is_down_exits_75_too():
    done = subprocess.run([sys.executable, "-m", "tui.entry", "--db", "postgresql://postgres@127.0.0.1:9/nowhere"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == EXIT_TEMPFAIL and "busy or unavailable" in done.stderr


@pytest.mark.parametrize("text", ["database is locked", "server closed the connection unexpectedly",
                                  "terminating connection due to administrator command"])
def test_busy_and_lost_databases_are_temporary(text):
    said, code = explain(peewee.OperationalError(text))
    assert code == EXIT_TEMPFAIL and "nothing was changed" in said


def test_a_wrong_database_address_is_bad_usage():
    done = _jobfloor("mysql://x/y", "stock")
    assert done.returncode == 2 and "the database address: unknown database URL" in done.stderr


def test_stock_into_a_closed_pipe_ends_quietly(sqlite_demo):
    read, write = os.pipe()
    os.close(read)  # the reader (head) has gone before the first line: every write meets a closed pipe
    try:
        done = subprocess.run([sys.executable, "-m", "tui.entry", "--db", sqlite_demo.url, "stock"], cwd=ROOT,
                              stdout=write, stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write)
    assert done.stderr == "" and done.returncode == 141


def test_the_error_log_goes_beside_the_site_named_by_db(sqlite_demo, monkeypatch, capsys, tmp_path):
    data_dir = Path(os.environ["JOBFLOOR_DATA_DIR"])

    def broken(**kwargs):
        raise RuntimeError("a fault inside jobfloor")

    monkeypatch.setattr("core.stock.inquiry.list_units", broken)
    site_dir = Path(sqlite_demo.url[len("sqlite:///"):]).parent
    assert site_dir != data_dir
    assert main(["--db", sqlite_demo.url, "stock"]) == 2
    err = capsys.readouterr().err
    log = site_dir / "jobfloor-errors.log"
    assert f"The details are in {log}" in err and "Traceback" not in err
    assert "RuntimeError: a fault inside jobfloor" in log.read_text()


def test_a_short_job_number_is_padded_as_syspro_pads_it(sqlite_demo, capsys):
    assert main(["--db", sqlite_demo.url, "labels", "ledger", "12345"]) == 0
    assert "job 000000000012345" in capsys.readouterr().out
    assert main(["--db", sqlite_demo.url, "labels", "ledger", "99"]) == 2
    assert ("there is no job '99' or '000000000000099' (SYSPRO's 15-digit form)"
            in capsys.readouterr().err)
    assert main(["--db", sqlite_demo.url, "labels", "ledger", "NOPE"]) == 2
    assert "there is no job 'NOPE' on this site" in capsys.readouterr().err


def test_release_takes_short_numbers_too(sqlite_demo):
    done = _jobfloor(sqlite_demo.url, "release", "12345", "20001", "--json", "--user", "PL1", user="PL1")
    assert done.returncode in (0, 1), done.stderr
    assert '"000000000012345"' in done.stdout and '"000000000020001"' in done.stdout


def test_a_database_busy_past_every_retry_exits_75_with_its_own_sentence():
    from core.data.db import BusyError

    said, code = explain(BusyError("the database is busy with another terminal, so nothing was saved: try again "
                                   "in a moment"))
    assert code == EXIT_TEMPFAIL and said.endswith("nothing was saved: try again in a moment")
