"""The layers stay clean: core and drivers know no Textual; drivers know no peewee; nobody imports numba early."""
import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _modules(package):
    names = [package]
    for info in pkgutil.walk_packages([str(ROOT / package.replace(".", "/"))], prefix=package + "."):
        if not info.name.endswith("__main__"):
            names.append(info.name)
    return names


def _loaded_after_import(modules):
    code = ("import importlib, sys\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            "print(' '.join(sorted(n for n in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_core_imports_no_textual():
    loaded = _loaded_after_import(_modules("core"))
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}


def test_drivers_import_no_textual_or_peewee_or_core():
    loaded = _loaded_after_import(_modules("drivers"))
    bad = {m for m in loaded if m.split(".")[0] in ("textual", "peewee", "core", "tui")}
    assert not bad


def test_app_start_does_not_import_numba():
    loaded = _loaded_after_import(["tui.app", "tui.screens.login", "tui.screens.menu", "tui.screens.stock",
                                   "core.stock.inquiry", "core.site.auth"])
    assert "numba" not in loaded


def test_plain_scans_do_not_load_the_gs1_tables():
    """biip's prefix tables cost ~20 MB per terminal: only a GS1 barcode may load them."""
    code = ("import sys\nfrom core.gs1.scan import parse_scan\n"
            "parse_scan('T000123'); parse_scan('A-01-02', locations={'A-01-02'}); parse_scan('RM-FLOUR')\n"
            "print('biip' in sys.modules)\n"
            "parse_scan('(01)09501101530003(10)L1')\nprint('biip' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
