"""The mechanism contract: what every mechanism declares, in one place, and the registry of them.

Why: adding a mechanism used to mean editing a dozen files (schema, parameter flattening, a
44-argument kernel call, two metric lists, labels, web, CLI, explain groups), and forgetting one
failed silently. Now a mechanism is one module that ends with a :class:`Mechanism`: its
parameter section, the state columns it owns, the metrics and events it reports, and its hooks
in the month. The month (:mod:`rainforest.engine.month`) is one ordered list of hook names; the
engine compiles consecutive compiled hooks into one call, so the speed of the hand-fused month
is kept. ``tests/test_mechanism_contract.py`` walks the registry and checks every mechanism the
way scikit-learn's ``check_estimator`` checks estimators.

Hooks
-----
A *compiled* hook is a Numba function ``hook(T, X, M)`` taking three bundles (see
:mod:`rainforest.engine.bundles`): ``T`` the tables and fixed per-run inputs, ``X`` scratch,
indices and the month's accounts, ``M`` the month's inputs. A *python* hook is a plain function
``hook(engine)`` for the few per-region NumPy steps (a knowledge field, contact rates, rents):
it runs between compiled segments and may set this month's inputs on ``engine.inputs``.

Plug-ins
--------
A mechanism defined outside the package (a "talent visa" in a notebook, a research variant)
calls :func:`register` with ``after=`` / ``before=`` naming the hook it follows or precedes, and
its parameter model; its parameters then live at ``mechanisms.<name>`` in every scenario
(defaults when absent), its metrics are appended to the registry and appear in
``Result.metrics``, reports and the web page, and nothing else needs editing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rainforest import registry
from rainforest.registry import Metric
from rainforest.scenario.plugins import add_section, remove_section
from rainforest.scenario.schema import Mechanisms


class ContractError(ValueError):
    """A mechanism declaration that breaks the contract (names the mechanism and the field)."""


@dataclass(frozen=True)
class Hook:
    """One step of the month.

    Parameters
    ----------
    name
        Unique name ``"<mechanism>.<step>"``, e.g. ``"ideas.generate"``.
    fn
        ``fn(T, X, M)`` compiled with Numba when ``compiled``; else ``fn(engine)``.
    compiled
        Whether ``fn`` is a Numba kernel (fused with its compiled neighbours).
    doc
        One line: what the step does.
    """

    name: str
    fn: Callable[..., Any]
    compiled: bool = True
    doc: str = ""


@dataclass(frozen=True)
class Column:
    """A state column a mechanism owns: ``table`` (``People``, ``Orgs``, ...), name and dtype."""

    table: str
    name: str
    dtype: str
    doc: str


@dataclass(frozen=True)
class Mechanism:
    """Everything the engine, the reports and the checks need to know about a mechanism.

    Parameters
    ----------
    code
        Short code, ``"M1"``..``"M12"`` for the first edition, the name for plug-ins.
    name
        Identifier (snake_case); hooks are named ``"<name>.<step>"``.
    title
        One line for people.
    module
        The defining module (``__name__``).
    params
        Scenario paths of the parameter sections it reads, e.g. ``("mechanisms.ideas",)``;
        regional inputs are listed as ``"regions.*.policy"``. Every field of a section under
        ``mechanisms.`` must carry a unit and a description.
    columns
        State columns it owns (written first by it).
    metrics
        Names of the registry metrics it reports (its own, or new ones via ``new_metrics``).
    new_metrics
        Metrics a plug-in adds to the registry when registered.
    events
        Event kinds it records.
    hooks
        Its steps; the month's plan places them.
    off
        Scenario values (dotted path -> value) that switch it off; ``None`` for the few that
        the books need every month (the labour market), with the reason in ``essential``.
    essential
        Why it cannot be switched off, when ``off`` is ``None``.
    direction_tests
        Test functions (``"tests/test_x.py::test_name"``) that check it moves outcomes the way
        theory says.
    param_model
        For plug-ins: the pydantic model of ``mechanisms.<name>``.
    after, before
        For plug-ins: the hook name its hooks follow (or precede) in the month.
    references
        Papers or seed phrases it rests on.
    """

    code: str
    name: str
    title: str
    module: str
    params: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()
    metrics: tuple[str, ...] = ()
    new_metrics: tuple[Metric, ...] = ()
    events: tuple[str, ...] = ()
    hooks: tuple[Hook, ...] = ()
    off: dict[str, Any] | None = field(default_factory=dict)
    essential: str = ""
    direction_tests: tuple[str, ...] = ()
    param_model: Any = None
    after: str = ""
    before: str = ""
    references: tuple[str, ...] = ()

    def check(self) -> None:
        """Raise :class:`ContractError` for a declaration that breaks the contract."""
        where = f"mechanism {self.name!r}"
        if not self.name.replace("_", "").isalnum():
            raise ContractError(f"{where}: name must be snake_case")
        if not self.title:
            raise ContractError(f"{where}: no title")
        for h in self.hooks:
            if not h.name.startswith(self.name + "."):
                raise ContractError(f"{where}: hook {h.name!r} must be named '{self.name}.<step>'")
            if not callable(h.fn):
                raise ContractError(f"{where}: hook {h.name!r} is not callable")
        for m in self.new_metrics:
            if m.owner != self.code:
                raise ContractError(f"{where}: new metric {m.name!r} must be owned by {self.code}")
        new = {m.name for m in self.new_metrics}
        for name in self.metrics:
            if name not in new:
                try:
                    registry.get(name)
                except KeyError as e:
                    raise ContractError(f"{where}: metric {name!r} is not registered") from e
        if self.off is None and not self.essential:
            raise ContractError(f"{where}: give 'off' values or say why it is 'essential'")
        if self.param_model is not None and not self.after and not self.before and self.hooks:
            raise ContractError(f"{where}: a plug-in's hooks need 'after' or 'before'")
        from rainforest.state.tables import EVENT_KINDS

        for ev in self.events:
            if ev not in EVENT_KINDS:
                raise ContractError(f"{where}: unknown event kind {ev!r}")


_MECHANISMS: dict[str, Mechanism] = {}
_PLUGINS: list[str] = []


def declare(mech: Mechanism) -> Mechanism:
    """Record a built-in mechanism (called at the end of its module); returns it."""
    mech.check()
    old = _MECHANISMS.get(mech.name)
    if old is not None and old.module != mech.module:
        raise ContractError(f"mechanism {mech.name!r} is declared twice ({old.module})")
    _MECHANISMS[mech.name] = mech
    return mech


def register(mech: Mechanism) -> Mechanism:
    """Register a plug-in mechanism at run time: its metrics are appended to the registry, its
    parameters appear at ``mechanisms.<name>`` in every scenario loaded afterwards, and its hooks
    join the month after ``mech.after`` (or before ``mech.before``)."""
    if mech.param_model is None:
        raise ContractError(f"mechanism {mech.name!r}: a plug-in needs a param_model")
    if mech.name in _MECHANISMS and mech.name not in _PLUGINS:
        raise ContractError(f"mechanism {mech.name!r} is built in")
    if mech.name in Mechanisms.model_fields:
        raise ContractError(f"mechanism {mech.name!r} would shadow mechanisms.{mech.name}")
    for m in mech.new_metrics:
        m.check()
    if not mech.after and not mech.before and mech.hooks:
        raise ContractError(f"mechanism {mech.name!r}: a plug-in's hooks need 'after' or 'before'")
    for m in mech.new_metrics:
        registry.register_metric(m)
    try:
        mech.check()
    except ContractError:
        for m in mech.new_metrics:
            registry.unregister_metric(m.name)
        raise
    add_section(mech.name, mech.param_model)
    _MECHANISMS[mech.name] = mech
    if mech.name not in _PLUGINS:
        _PLUGINS.append(mech.name)
    return mech


def unregister(name: str) -> None:
    """Remove a plug-in (and its metrics) registered with :func:`register`."""
    if name not in _PLUGINS:
        raise ContractError(f"{name!r} is not a registered plug-in")
    mech = _MECHANISMS.pop(name)
    _PLUGINS.remove(name)
    remove_section(name)
    for m in mech.new_metrics:
        registry.unregister_metric(m.name)


@contextlib.contextmanager
def registered(mech: Mechanism) -> Iterator[Mechanism]:
    """``with registered(toy): ...`` registers a plug-in for the block (tests, notebooks)."""
    register(mech)
    try:
        yield mech
    finally:
        unregister(mech.name)


def mechanisms() -> tuple[Mechanism, ...]:
    """Every declared mechanism, built-ins first (in module order), then plug-ins.

    Importing this module imports :mod:`rainforest.mechanisms` first, whose ``__init__``
    imports (and so declares) every built-in."""
    return tuple(_MECHANISMS.values())


def plugins() -> tuple[Mechanism, ...]:
    """Plug-ins registered at run time, in registration order."""
    return tuple(_MECHANISMS[n] for n in _PLUGINS)


def get(name: str) -> Mechanism:
    """The mechanism called ``name``."""
    try:
        return _MECHANISMS[name]
    except KeyError:
        raise KeyError(f"no mechanism {name!r}; known: {', '.join(_MECHANISMS)}") from None


def hooks() -> dict[str, Hook]:
    """Every hook by name."""
    return {h.name: h for m in mechanisms() for h in m.hooks}
