"""How the scale package is put together: no import circles, no sleeping, and the facts it owns used upward."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "drivers" / "scale"


def _imports() -> dict[str, set[str]]:
    """Each module of drivers.scale and the sibling modules it imports (TYPE_CHECKING-only imports included)."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text())
        siblings: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    siblings.add(node.module.split(".")[0])
                else:
                    siblings.update(alias.name for alias in node.names)
        graph[path.stem] = siblings - {path.stem}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path, node, nxt]
            if nxt not in state and (found := visit(nxt, [*path, node])):
                return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [])):
            return found
    return None


def test_no_import_circle_inside_the_scale_package():
    graph = {name: deps for name, deps in _imports().items() if name != "__init__"}
    assert _cycle(graph) is None, _cycle(graph)
    assert "driver" not in graph["monitor"] and "driver" not in graph["feed"]


def test_the_driver_never_sleeps_to_wait():
    """Waiting is a blocking read with a timeout, or a condition: never a sleep in a loop."""
    for path in PACKAGE.glob("*.py"):
        if path.stem.startswith("emulat"):
            continue  # the emulators pace themselves like a device does
        assert "sleep(" not in path.read_text(), path.name


def test_protocol_names_and_addresses_are_imported_from_the_driver_not_written_again():
    literal = '"mt-sics", "sma", "toledo"'
    for path in [*ROOT.joinpath("core").rglob("*.py"), *ROOT.joinpath("tui").rglob("*.py"),
                 *ROOT.joinpath("bench").rglob("*.py")]:
        text = path.read_text()
        assert literal not in text and '"sim://' not in text and "'sim://" not in text, path


def test_the_cli_starts_without_loading_the_scale_drivers():
    code = ("import argparse, sys\nfrom core.cli.registry import register_all\n"
            "register_all(argparse.ArgumentParser().add_subparsers())\n"
            "print('drivers.scale' in sys.modules, 'serial' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
