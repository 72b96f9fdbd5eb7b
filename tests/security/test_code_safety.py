"""No SQL built from strings that may carry input, and no shell commands at all, in the code that ships (core,
drivers, tui). bench/ is left out: it runs only on databases it creates, under names it makes up itself.

SQL: every string handed to the database (execute_sql, a cursor's execute, executemany, execute_values,
execute_batch, core.data.db.bulk, Model.raw, peewee SQL()) must be provably built from the program's own text: string
literals, and f-strings, `+`, `%`, .format() and str.join over such strings, over placeholders, or over names and
helper functions whose every value is such a string. A function that only passes its own parameter on to the
database (core.data.db.bulk: a parameter named sql, query, pg or statement) is checked where it is called. Anything else (a parameter, an attribute, a value
read from a file or the database) is a finding, whatever the code around it seems to promise: values go in as
query parameters.

Shell: no shell=True, os.system, os.popen, os.exec*/spawn* with a string, eval or exec.
"""
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "drivers", "tui")
SQL_SINKS = {"execute_sql": 0, "execute": 0, "executemany": 0, "executescript": 0, "raw": 0, "SQL": 0,
             "execute_values": 1, "execute_batch": 1, "bulk": 0, "mogrify": 0, "copy_expert": 0}
# Parameters and keywords that carry SQL text by name.
SQL_KEYWORDS = {"sql", "query", "pg", "statement"}


def _sources() -> dict[Path, ast.Module]:
    out = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            out[path] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return out


class Proof:
    """Whether an expression is a string the program wrote itself, within one module."""

    def __init__(self, tree: ast.Module, functions: dict[str, list[ast.FunctionDef]], wrappers=frozenset()):
        self.tree = tree
        self.wrappers = wrappers  # functions whose SQL parameters are checked at each call instead
        self.functions = functions  # every function of every scanned module, by name
        self.parents = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        self.busy: set = set()

    def scope_of(self, node) -> ast.AST:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return node
        return self.tree

    def safe(self, node, scope=None) -> bool:
        scope = scope or self.scope_of(node)
        if isinstance(node, ast.Constant):
            return isinstance(node.value, (str, int, float, bool)) or node.value is None
        if isinstance(node, ast.JoinedStr):
            return all(self.safe(v.value, scope) for v in node.values if isinstance(v, ast.FormattedValue))
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Mult):  # [ph] * n, "?, " * n: repeats of safe text
                return self.safe(node.left, scope) or self.safe(node.right, scope)
            if isinstance(node.op, (ast.Add, ast.Mod)):
                return self.safe(node.left, scope) and self.safe(node.right, scope)
            return False
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return all(self.safe(e, scope) for e in node.elts)
        if isinstance(node, ast.IfExp):
            return self.safe(node.body, scope) and self.safe(node.orelse, scope)
        if isinstance(node, (ast.GeneratorExp, ast.ListComp)):
            return all(self.safe(g.iter, scope) for g in node.generators) and self.safe(node.elt, node)
        if isinstance(node, ast.Call):
            return self._safe_call(node, scope)
        if isinstance(node, ast.Name):
            return self._safe_name(node.id, scope)
        if isinstance(node, ast.Subscript):
            return self.safe(node.value, scope)
        return False

    def _safe_call(self, node: ast.Call, scope) -> bool:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("join", "format", "replace", "strip", "upper",
                                                              "lower", "lstrip", "rstrip"):
            # "sep".join(safe parts), "safe {}".format(safe), safe.replace(safe, safe)
            return self.safe(func.value, scope) and all(self.safe(a, scope) for a in node.args) and all(
                self.safe(k.value, scope) for k in node.keywords)
        if isinstance(func, ast.Name) and func.id in ("len", "range", "min", "max", "int", "str", "sorted",
                                                       "reversed"):
            # len(values) or range(n) only ever give numbers; str() of them stays the program's own text
            return func.id in ("len", "range", "int") or all(self.safe(a, scope) for a in node.args)
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        return name is not None and self._safe_function(name)

    def _safe_function(self, name: str, index: int | None = None) -> bool:
        defs = self.functions.get(name)
        if not defs or (name, index) in self.busy:
            return False
        self.busy.add((name, index))
        try:
            for fn in defs:
                proof = Proof(fn._module, self.functions, self.wrappers)
                for ret in (n for n in ast.walk(fn) if isinstance(n, ast.Return)):
                    value = ret.value
                    if value is None:
                        continue
                    if index is not None and isinstance(value, ast.Tuple):
                        value = value.elts[index]
                    elif index is not None:
                        return False
                    if proof.scope_of(ret) is not fn or not proof.safe(value, fn):
                        return False
            return True
        finally:
            self.busy.discard((name, index))

    def _safe_name(self, name: str, scope) -> bool:
        key = (id(scope), name)
        if key in self.busy:
            return True  # a loop through itself adds no unsafe value
        self.busy.add(key)
        try:
            values = list(self._bindings(name, scope))
            if values is None or not values:
                if scope is not self.tree:
                    return self._safe_name(name, self.scope_of(scope) if scope in self.parents else self.tree)
                return False
            return all(v is not None and v(self) for v in values)
        finally:
            self.busy.discard(key)

    def _bindings(self, name: str, scope):
        """Each value the name is given in `scope` (not nested functions), as a check to run; None if unknown."""
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = scope.args
            if name in {a.arg for a in args.args + args.kwonlyargs + args.posonlyargs}:
                if getattr(scope, "name", None) in self.wrappers and name in SQL_KEYWORDS:
                    yield lambda p: True  # SQL text handed on: checked where the wrapper is called
                else:
                    yield None  # a parameter: whatever a caller passes
        if isinstance(scope, (ast.GeneratorExp, ast.ListComp)):
            for gen in scope.generators:
                if isinstance(gen.target, ast.Name) and gen.target.id == name:
                    yield lambda p, it=gen.iter: p.safe(it, self.scope_of(scope))
            return
        for node in ast.walk(scope):
            if node is not scope and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if self.scope_of(node) is not scope and scope is not self.tree:
                continue
            if scope is self.tree and self.scope_of(node) is not self.tree:
                continue
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    yield from self._from_target(target, node.value, name, scope)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(node.target, ast.Name) \
                    and node.target.id == name and node.value is not None:
                yield lambda p, v=node.value: p.safe(v, scope)
            elif isinstance(node, (ast.For, ast.comprehension)) and _binds(node.target, name):
                yield lambda p, it=node.iter: p.safe(it, scope)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if (alias.asname or alias.name.split(".")[0]) == name:
                        yield lambda p, n=alias.name.split(".")[-1]: p._safe_function(n) or n.isupper()

    def _from_target(self, target, value, name: str, scope):
        if isinstance(target, ast.Name) and target.id == name:
            yield lambda p: p.safe(value, scope)
        elif isinstance(target, ast.Tuple):
            for i, element in enumerate(target.elts):
                if isinstance(element, ast.Name) and element.id == name:
                    if isinstance(value, ast.Tuple):
                        yield lambda p, v=value.elts[i]: p.safe(v, scope)
                    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
                            value.func.attr in ("split", "rsplit", "partition", "rpartition"):
                        yield lambda p, base=value.func.value: p.safe(base, scope)  # pieces of safe text
                    elif isinstance(value, ast.Call):
                        fname = value.func.id if isinstance(value.func, ast.Name) else getattr(value.func, "attr", "")
                        yield lambda p, f=fname, k=i: p._safe_function(f, k)
                    else:
                        yield None


def _binds(target, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target))


def _index(trees: dict[Path, ast.Module]) -> dict[str, list]:
    functions: dict[str, list] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                node._module = tree
                functions.setdefault(node.name, []).append(node)
    return functions


def _sink_calls(tree, wrappers):
    """(call, name, the SQL expressions it is given) for every call that hands text to the database."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name not in SQL_SINKS and name not in wrappers:
            continue
        position = SQL_SINKS.get(name, 0)
        candidates = [node.args[position]] if len(node.args) > position else []
        candidates += [k.value for k in node.keywords if k.arg in SQL_KEYWORDS]
        for sql in candidates:
            if isinstance(sql, ast.Attribute) or (isinstance(sql, ast.Call) and _is_query_builder(sql)):
                continue  # a peewee query object or a psycopg2.sql composition, not text
            yield node, name, sql


def _wrappers(trees, functions) -> frozenset:
    """Functions that take SQL text as a parameter (named sql, query, pg or statement) and hand it on to the
    database (core.data.db.bulk and its helper): that text is checked where they are called. A parameter of any
    other name in SQL is a value built into it: a finding. Found by fixed point, as a wrapper may wrap another."""
    wrappers: frozenset = frozenset()
    while True:
        found = set(wrappers)
        for tree in trees.values():
            strict = Proof(tree, functions, wrappers)
            for node, _name, sql in _sink_calls(tree, wrappers):
                scope = strict.scope_of(node)
                fname = getattr(scope, "name", None)
                if fname is None or fname in found or strict.safe(sql):
                    continue
                if Proof(tree, functions, wrappers | {fname}).safe(sql):
                    found.add(fname)
        if found == wrappers:
            return wrappers
        wrappers = frozenset(found)


def sql_findings() -> list[str]:
    trees = _sources()
    functions = _index(trees)
    wrappers = _wrappers(trees, functions)
    found = []
    for path, tree in trees.items():
        proof = Proof(tree, functions, wrappers)
        for node, name, sql in _sink_calls(tree, wrappers):
            if not proof.safe(sql):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}({ast.unparse(sql)[:80]})")
    return found


def _is_query_builder(node: ast.Call) -> bool:
    """psycopg2.sql.SQL(...).format(sql.Identifier(...)) and the like compose identifiers safely."""
    text = ast.unparse(node)
    return text.startswith("sql.SQL(") and "Identifier(" in text


def shell_findings() -> list[str]:
    found = []
    for path, tree in _sources().items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            text = ast.unparse(node.func)
            where = f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:90]}"
            if any(k.arg == "shell" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                   for k in node.keywords):
                found.append(where)
            elif text in ("os.system", "os.popen", "eval", "exec", "commands.getoutput") or \
                    text.startswith(("os.exec", "os.spawn", "os.posix_spawn")):
                found.append(where)
            elif text.startswith("subprocess.") and node.args and not isinstance(node.args[0], (ast.List, ast.Name)):
                found.append(where + "  (a command as one string)")
    return found


def test_no_sql_is_built_from_strings_that_may_carry_input():
    found = sql_findings()
    assert not found, "SQL built from values that are not the program's own text:\n" + "\n".join(found)


def test_no_shell_commands_and_no_eval():
    found = shell_findings()
    assert not found, "\n".join(found)


BAD_MODULE = """\
import os, subprocess
from core.data.db import db
def lookup(code):
    return db.execute_sql(f"SELECT * FROM item WHERE code = '{code}'")  # BAD
def lookup2(code):
    sql = 'SELECT * FROM item WHERE code = %s' % code
    return db.execute_sql(sql)  # BAD
def run_sql(sql, params=()):
    return db.execute_sql(sql, params)
def by_name(name):
    return run_sql("SELECT 1 FROM item WHERE code = '" + name + "'")  # BAD
def by_setting(row):
    return db.execute_sql("SELECT * FROM " + row.table)  # BAD
def fine(codes, kind):
    marks = ','.join(['?'] * len(codes))
    order = "code" if kind == "item" else "description"
    return db.execute_sql(f'SELECT * FROM item WHERE code IN ({marks}) ORDER BY {order}', codes)
def also_fine(code):
    return run_sql("SELECT * FROM item WHERE code = ?", (code,))
def shell(name):
    os.system('lp ' + name)  # SHELL
    subprocess.run(f'lp {name}', shell=True)  # SHELL
    subprocess.run('lp')  # SHELL
    subprocess.run(['lp', name])
"""


def test_the_checks_find_what_they_look_for(tmp_path, monkeypatch):
    # Both checks run over a module that does each wrong thing once (and the right thing beside it), so a
    # check that finds nothing in the real code means something.
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "bad.py").write_text(BAD_MODULE, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGES", ("core",))
    lines = BAD_MODULE.splitlines()
    bad_sql = [str(n) for n, line in enumerate(lines, 1) if line.endswith("# BAD")]
    bad_shell = [str(n) for n, line in enumerate(lines, 1) if line.endswith("# SHELL")]
    assert [f.split(":")[1] for f in sql_findings()] == bad_sql
    assert [f.split(":")[1] for f in shell_findings()] == bad_shell
