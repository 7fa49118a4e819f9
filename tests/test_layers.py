"""Layers that read one way (issue 13, item 5), checked on the source with ``ast``.

Every module under ``src/rainforest`` is parsed (nothing is imported), and

(a) the module-level imports between rainforest modules have no cycle (each cycle found is
    reported with its path), nor do all imports counting those inside functions;
(b) each layer imports nothing from the layers above it, per :data:`RULES` (imports inside
    functions count too: a lazy import is still a dependency);
(c) the web layer calls the project's API directly: no ``inspect`` probing of signatures and
    no ``except ImportError`` fallbacks.

To add a rule (for example "mechanisms/ imports nothing from engine.core"), add a row to
:data:`RULES`; to stop tolerating a cycle, shrink :data:`CYCLE_EXEMPT`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "rainforest"


@dataclass(frozen=True)
class Rule:
    """Modules under ``layer`` must not import any module under one of ``forbidden``."""

    layer: str
    forbidden: tuple[str, ...]
    why: str


#: The layering rules: (layer, modules it must not import, why).
RULES: tuple[Rule, ...] = (
    Rule(
        "rainforest.metrics",
        (
            "rainforest.experiments",
            "rainforest.explain",
            "rainforest.api",
            "rainforest.web",
            "rainforest.cli",
            "rainforest.store",
            "rainforest.engine.core",
        ),
        "metrics/ only measures finished runs; simulating belongs to experiments/",
    ),
    Rule(
        "rainforest.registry",
        ("rainforest.state", "rainforest.mechanisms", "rainforest.engine", "rainforest.scenario"),
        "the metric registry is the top of the package's dependencies: every layer reads it",
    ),
    Rule(
        "rainforest.state",
        ("rainforest.mechanisms", "rainforest.engine", "rainforest.api", "rainforest.result"),
        "state and accounts sit below the mechanisms",
    ),
    Rule(
        "rainforest.mechanisms",
        ("rainforest.engine", "rainforest.api", "rainforest.result", "rainforest.experiments"),
        "mechanisms sit below the month loop (engine/), which calls their hooks",
    ),
    Rule(
        "rainforest.web",
        ("inspect",),
        "the web layer calls the project's API directly, never probes its signatures",
    ),
)

#: Cycles whose every module lies under one of these prefixes are tolerated (none now: state
#: and accounts sit below the mechanisms, the month loop above them).
CYCLE_EXEMPT: tuple[str, ...] = ()

#: Exceptions the web layer must not catch: an import that fails is a broken install, not a
#: feature to work around with hard-coded numbers.
WEB_FORBIDDEN_EXCEPT = ("ImportError", "ModuleNotFoundError")


# -- reading the source --------------------------------------------------------------------
def under(name: str, prefix: str) -> bool:
    """Whether module ``name`` is ``prefix`` or inside it."""
    return name == prefix or name.startswith(prefix + ".")


def module_files(src: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` under ``src``: dotted name -> file."""
    out = {}
    for path in sorted((src / package).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.Module, module_level: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements: those run when the module is imported (top level, and inside
    top-level ``if``/``try``/``with`` blocks, but not ``if TYPE_CHECKING``), or all of them."""
    if not module_level:
        yield from (n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom))
        return
    stack: list[ast.stmt] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node):
                stack += node.body + node.orelse
        elif isinstance(node, ast.Try):
            stack += node.body + node.orelse + node.finalbody
            for h in node.handlers:
                stack += h.body
        elif isinstance(node, ast.With):
            stack += node.body


def imported_modules(
    name: str, path: Path, modules: dict[str, Path], module_level: bool
) -> set[str]:
    """Modules that ``name`` imports (any package; rainforest ones resolved to modules).

    ``from pkg import x`` counts as importing ``pkg.x`` when that is a module, else ``pkg``;
    importing ``a.b.c`` also runs the packages ``a`` and ``a.b``, which count unless they are
    packages of ``name`` itself (already being imported when ``name`` runs)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_pkg = path.name == "__init__.py"
    here = name.split(".") if is_pkg else name.split(".")[:-1]
    targets: set[str] = set()
    for node in _import_nodes(tree, module_level):
        if isinstance(node, ast.Import):
            targets.update(a.name for a in node.names)
            continue
        if node.level:
            base = here[: len(here) - (node.level - 1)]
            mod = ".".join(base + ([node.module] if node.module else []))
        else:
            mod = node.module or ""
        for a in node.names:
            sub = f"{mod}.{a.name}"
            targets.add(sub if sub in modules else mod)
    own = {".".join(name.split(".")[:k]) for k in range(1, name.count(".") + 1)}
    out = set()
    for t in targets:
        parts = t.split(".")
        for k in range(1, len(parts) + 1):
            anc = ".".join(parts[:k])
            if anc == t or (anc in modules and anc not in own):
                out.add(anc)
    out.discard(name)
    return out


def import_graph(src: Path, package: str, module_level: bool = True) -> dict[str, set[str]]:
    """``module -> modules of the package it imports``."""
    modules = module_files(src, package)
    return {
        name: {t for t in imported_modules(name, path, modules, module_level) if t in modules}
        for name, path in modules.items()
    }


# -- cycles --------------------------------------------------------------------------------
def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative), each sorted; only those that hold a
    cycle (two or more modules, or one that imports itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1 or v in graph.get(v, ()):
                    out.append(sorted(comp))
    return out


def cycle_path(graph: dict[str, set[str]], comp: list[str]) -> list[str]:
    """The shortest import cycle through the component's first module: ``[a, b, ..., a]``."""
    members = set(comp)
    start = comp[0]
    prev: dict[str, str | None] = {start: None}
    frontier = [start]
    while frontier:  # breadth first, so the first way back to start is the shortest
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & members):
                if w == start:
                    path = [v]
                    while prev[path[-1]] is not None:
                        path.append(prev[path[-1]])
                    return [*reversed(path), start]
                if w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover


def cycles(graph: dict[str, set[str]], exempt: tuple[str, ...] = ()) -> list[list[str]]:
    """Cycles (as paths) among the graph's modules, leaving out those inside ``exempt``."""
    out = []
    for comp in strongly_connected(graph):
        if exempt and all(any(under(m, p) for p in exempt) for m in comp):
            continue
        out.append(cycle_path(graph, comp))
    return out


# -- rules ---------------------------------------------------------------------------------
def rule_violations(src: Path, package: str, rules: tuple[Rule, ...]) -> list[str]:
    """``module imports target (why)`` for every import that breaks a rule."""
    modules = module_files(src, package)
    out = []
    for name, path in modules.items():
        targets = imported_modules(name, path, modules, module_level=False)
        for rule in rules:
            if not under(name, rule.layer):
                continue
            for t in sorted(targets):
                if any(under(t, f) for f in rule.forbidden):
                    out.append(f"{name} imports {t} ({rule.why})")
    return out


def caught_exceptions(path: Path) -> set[str]:
    """Names of the exceptions a module's ``except`` clauses catch."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            types = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            for t in types:
                if isinstance(t, ast.Name):
                    names.add(t.id)
                elif isinstance(t, ast.Attribute):
                    names.add(t.attr)
    return names


def signature_calls(path: Path) -> int:
    """Calls of ``signature(...)`` or ``x.signature(...)`` in a module."""
    n = 0
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            f = node.func
            if (isinstance(f, ast.Name) and f.id == "signature") or (
                isinstance(f, ast.Attribute) and f.attr == "signature"
            ):
                n += 1
    return n


# -- the checks on rainforest --------------------------------------------------------------
@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(SRC, PACKAGE)


def test_the_walk_sees_the_package(graph):
    # the graph holds every layer, so the checks below are not vacuous
    for layer in ("rainforest.metrics", "rainforest.web", "rainforest.experiments"):
        assert any(under(m, layer) for m in graph), layer
    assert "rainforest.metrics.indicators" in graph["rainforest.metrics.scorecard"]
    assert "rainforest.web.jobs" in graph["rainforest.web.routes.jobs"]


def test_no_import_cycles(graph):
    found = cycles(graph, CYCLE_EXEMPT)
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_no_cycles_through_lazy_imports_either():
    # an import inside a function hides a cycle from Python but not from the design (metrics'
    # reference and scorecard imported each other that way); none is left outside the engine
    found = cycles(import_graph(SRC, PACKAGE, module_level=False), CYCLE_EXEMPT)
    assert not found, "import cycles (counting lazy imports):\n" + "\n".join(
        " -> ".join(c) for c in found
    )


def test_layer_rules():
    bad = rule_violations(SRC, PACKAGE, RULES)
    assert not bad, "\n".join(bad)


def test_web_calls_the_api_directly():
    web = {n: p for n, p in module_files(SRC, PACKAGE).items() if under(n, "rainforest.web")}
    assert "rainforest.web.jobs" in web
    for name, path in web.items():
        caught = caught_exceptions(path) & set(WEB_FORBIDDEN_EXCEPT)
        assert not caught, f"{name} catches {sorted(caught)}: import the project's API directly"
        assert signature_calls(path) == 0, f"{name} probes signatures; call the API directly"


def test_public_names_resolve_after_moves():
    # rf.<name> is imported lazily; a function moved between layers must still be found
    import rainforest as rf
    from rainforest.experiments.diagnosis import diagnose

    for name in rf.__all__:
        assert getattr(rf, name) is not None, name
    assert rf.diagnose is diagnose


# -- the checker finds what it should ------------------------------------------------------
def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def test_checker_finds_cycles_rules_and_fallbacks(tmp_path):
    src = _write(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.a import x\n",
            "pkg/a.py": "from pkg import b\nx = 1\n",
            "pkg/b.py": "import pkg.c\n",
            "pkg/c.py": "from . import a\n",
            "pkg/low/__init__.py": "",
            "pkg/low/m.py": "def f():\n    from pkg.high import h\n",
            "pkg/high/__init__.py": "",
            "pkg/high/h.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from pkg.a import x\n",
            "pkg/web.py": "try:\n    import inspect\nexcept ImportError:\n    inspect = None\n"
            "inspect.signature(print)\n",
        },
    )
    g = import_graph(src, "pkg")
    assert g["pkg.a"] == {"pkg.b"} and g["pkg.c"] == {"pkg.a"}
    assert g["pkg.high.h"] == set()  # TYPE_CHECKING imports do not run
    assert g["pkg.low.m"] == set()  # nor do imports inside functions
    found = cycles(g)
    assert found == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]
    assert cycles(g, ("pkg.a", "pkg.b", "pkg.c")) == []
    rules = (Rule("pkg.low", ("pkg.high",), "low is below high"), Rule("pkg.web", ("inspect",), ""))
    bad = rule_violations(src, "pkg", rules)
    assert bad == [
        "pkg.low.m imports pkg.high (low is below high)",
        "pkg.low.m imports pkg.high.h (low is below high)",
        "pkg.web imports inspect ()",
    ]
    assert caught_exceptions(src / "pkg/web.py") == {"ImportError"}
    assert signature_calls(src / "pkg/web.py") == 1


def test_cycle_path_of_a_self_import_and_a_pair():
    g = {"m.a": {"m.a"}, "m.b": {"m.c"}, "m.c": {"m.b"}}
    assert sorted(cycles(g)) == [["m.a", "m.a"], ["m.b", "m.c", "m.b"]]
