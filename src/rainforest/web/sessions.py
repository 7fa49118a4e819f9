"""Step-by-step runs for the dashboard: one engine per session, kept in its own process,
advanced a few months per request (step / play / pause / speed, as in NetLogo or Mesa).

Why a process per session rather than an engine in the server: compiled kernels hold the
interpreter lock while they run, so an engine stepped in a server thread would freeze every
other request (the same reason jobs run in workers, :mod:`rainforest.web.jobs`). The session's
process holds the :class:`~rainforest.engine.core.Engine` between requests and answers
commands on a pipe: ``step n`` (advance up to ``n`` months, then report the series so far and
the district map), ``network kind`` (a sampled picture of the spin-off genealogy or of the
people's ties, :mod:`rainforest.report.graph`), ``metrics`` (the metrics table) and ``close``.
"Play" is the page asking for the next step as soon as the last one is drawn; "speed" is
how many months a step advances. Sessions idle for :data:`IDLE_S` seconds are closed, and at
most ``max_sessions`` live at once.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pandas as pd

from rainforest.scenario import Scenario
from rainforest.web.jobs import _context, jsonable, series_payload

#: Seconds a session may sit unused before it is closed.
IDLE_S = 900.0
#: Seconds one command may take before the session is closed as stuck.
COMMAND_TIMEOUT_S = 300.0
#: Months one step may advance at most.
MAX_STEP = 120


class SessionError(RuntimeError):
    """A session is unknown, closed, busy or failed; the message is shown as is, with the
    HTTP status that fits (404 unknown, 409 busy, 422 the engine refused the request, 429
    too many sessions, 503 the session's process died or hung)."""

    def __init__(self, message: str, status: int = 503):
        super().__init__(message)
        self.status = status


def _session_main(conn: Any, scenario: Scenario, seed: int, scale: float, years: int,
                  memory_bytes: float, network: bool | None = None) -> None:  # fmt: skip
    """The session's process: build the engine, then answer commands until ``close``.

    ``network`` True switches the scenario's living network on, False off; None keeps the
    scenario's own switches (off in the default, first edition; on in the second)."""
    import resource

    if memory_bytes:
        with contextlib.suppress(ValueError, OSError):  # a platform without the limit
            resource.setrlimit(resource.RLIMIT_AS, (int(memory_bytes), int(memory_bytes)))
    try:
        from rainforest.engine.core import Engine

        if network is not None:
            scenario = _with_living_network(scenario, network)
        eng = Engine(scenario, seed=seed, scale=scale)
    except BaseException as err:
        conn.send(("error", f"{type(err).__name__}: {err}"))
        conn.close()
        return
    conn.send(("ok", _position(eng, years)))
    while True:
        try:
            cmd = conn.recv()
        except EOFError:
            break
        if cmd[0] == "close":
            break
        try:
            conn.send(("ok", _answer(eng, years, cmd)))
        except BaseException as err:  # reported; the session stays usable if it can
            conn.send(("error", f"{type(err).__name__}: {err}"))
    conn.close()


def _with_living_network(scenario: Scenario, on: bool) -> Scenario:
    """The scenario with the living network (M13-M16) switched on or off."""
    from rainforest.mechanisms.m13_network import ON
    from rainforest.scenario import with_values

    return with_values(scenario, {k: on for k in ON})


def _position(eng: Any, years: int) -> dict[str, Any]:
    warm = 12 * int(eng.sc.warmup_years)
    return {
        "month": int(eng.month),
        "done": int(eng.month) + warm,
        "total": warm + 12 * years,
        "warmup": warm,
        "finished": int(eng.month) >= 12 * years,
        "network": bool(eng.sc.mechanisms.ties.enabled),  # as run, whatever was asked
    }


def _answer(eng: Any, years: int, cmd: tuple) -> Any:
    from rainforest.report import district, graph
    from rainforest.result import metrics_frame

    what = cmd[0]
    if what == "step":
        target = min(int(eng.month) + int(cmd[1]), 12 * years)
        if eng.month < target:
            eng.run(target)  # the warm-up months count; events of the warm-up are dropped
        m = metrics_frame(eng)
        return {
            **_position(eng, years),
            "series": series_payload(m),
            "map": district.snapshot(eng),
        }
    if what == "metrics":
        return metrics_frame(eng)
    if what == "network":
        return _network(eng, cmd[1], graph)
    raise ValueError(f"unknown command {what!r}")


def _network(eng: Any, kind: str, graph: Any) -> dict[str, Any] | None:
    """A sampled network picture of the engine's state (None when there is nothing)."""
    from rainforest.report.network import institution_names
    from rainforest.state import tables as S

    w = eng.w
    if kind == "ties":
        e = graph.tie_edges(eng)
        if e is None:
            return None
        n = int(w.P.n[0])
        p = graph.ties_picture(e[0], e[1], w.P.region[:n], list(w.region_names))
        return p.to_json() if p is not None else None
    o = S.rows(w.O)
    orgs = pd.DataFrame(
        {
            "org": range(len(o["kind"])),
            "parent": o["parent"],
            "kind": pd.Categorical.from_codes(o["kind"].astype(int), S.ORG_KINDS),
            "region": [w.region_names[int(r)] for r in o["region"]],
            "founded": o["founded"],
            "exit": pd.Categorical.from_codes(o["exit"].astype(int), S.EXITS),
        }
    )
    names = institution_names(SimpleNamespace(scenario=eng.sc, orgs=orgs))
    p = graph.genealogy_picture(orgs, names)
    return p.to_json() if p is not None else None


@dataclass
class Session:
    """A step-by-step run held by a worker process."""

    id: str
    scenario_id: str
    scenario: Scenario
    seed: int
    scale: float
    years: int
    levers: dict[str, Any]
    network: bool | None = None
    proc: Any = None
    conn: Any = None
    position: dict[str, Any] = field(default_factory=dict)
    used: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def info(self) -> dict[str, Any]:
        """JSON-ready description (no series)."""
        return {
            "id": self.id,
            "scenario_id": self.scenario_id,
            "scenario": self.scenario.name,
            "seed": self.seed,
            "scale": self.scale,
            "years": self.years,
            "levers": self.levers,
            "network": self.network,
            **self.position,
        }


class SessionManager:
    """Opens, steps and closes step-by-step sessions (at most ``max_sessions`` at once)."""

    def __init__(self, max_sessions: int = 2, memory_bytes: float | None = None):
        from rainforest.scenario.budget import memory_limit

        self.max_sessions = max(1, int(max_sessions))
        self.memory_bytes = float(memory_bytes or memory_limit() / self.max_sessions)
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def open(self, s: Session) -> Session:
        """Start the session's process and build its engine (warm-up not yet run).

        Raises
        ------
        SessionError
            When ``max_sessions`` are open, or the engine cannot be built.
        """
        self.reap()
        with self._lock:
            if len(self._sessions) >= self.max_sessions:
                raise SessionError(
                    f"{len(self._sessions)} step-by-step run(s) already open; this server "
                    f"keeps at most {self.max_sessions}. Close one (or wait {IDLE_S / 60:.0f} "
                    "minutes for an idle one to close).",
                    429,
                )
            self._sessions[s.id] = s
        ctx = _context()
        recv, send = ctx.Pipe(duplex=True)
        s.proc = ctx.Process(
            target=_session_main,
            args=(send, s.scenario, s.seed, s.scale, s.years, self.memory_bytes, s.network),
            daemon=True,
        )
        s.proc.start()
        s.conn = recv
        try:
            s.position = self._wait(s)
        except SessionError:
            self.close(s.id)
            raise
        return s

    def _wait(self, s: Session) -> Any:
        if not s.conn.poll(COMMAND_TIMEOUT_S):
            raise SessionError("the step-by-step run did not answer in time; it was closed")
        try:
            tag, value = s.conn.recv()
        except EOFError:
            raise SessionError(
                "the step-by-step run's process ended (over this server's memory limit?)"
            ) from None
        if tag == "error":
            raise SessionError(value, 422)
        return value

    def get(self, sid: str) -> Session | None:
        """The open session ``sid``, or None."""
        with self._lock:
            return self._sessions.get(sid)

    def list(self) -> list[Session]:
        """Open sessions."""
        with self._lock:
            return list(self._sessions.values())

    def command(self, sid: str, *cmd: Any) -> Any:
        """Send one command to a session and wait for its answer.

        Raises
        ------
        SessionError
            Unknown session, another command still running, or the process failed.
        """
        s = self.get(sid)
        if s is None:
            raise SessionError(f"unknown step-by-step run {sid!r} (closed or expired)", 404)
        if not s.lock.acquire(blocking=False):
            raise SessionError("this run is still busy with the last request", 409)
        try:
            s.used = time.monotonic()
            s.conn.send(cmd)
            try:
                out = self._wait(s)
            except SessionError:
                if s.proc is not None and not s.proc.is_alive():
                    self.close(sid)
                raise
            if cmd[0] == "step":
                s.position = {k: out[k] for k in ("month", "done", "total", "warmup", "finished")}
            s.used = time.monotonic()
            return out
        finally:
            s.lock.release()

    def step(self, sid: str, months: int) -> dict[str, Any]:
        """Advance a session by up to ``months`` months; its position, series and map."""
        out = self.command(sid, "step", max(1, min(int(months), MAX_STEP)))
        return jsonable({**self.get(sid).info(), **out}) if self.get(sid) else jsonable(out)

    def metrics(self, sid: str) -> pd.DataFrame:
        """The metrics table of the months reported so far."""
        return self.command(sid, "metrics")

    def close(self, sid: str) -> bool:
        """Close a session and end its process; False if it was not open."""
        with self._lock:
            s = self._sessions.pop(sid, None)
        if s is None:
            return False
        try:
            if s.conn is not None:
                s.conn.send(("close",))
        except (OSError, ValueError):
            pass
        if s.proc is not None:
            s.proc.join(timeout=2)
            if s.proc.is_alive():
                s.proc.kill()
                s.proc.join(timeout=5)
        if s.conn is not None:
            s.conn.close()
        return True

    def reap(self) -> int:
        """Close sessions idle for longer than :data:`IDLE_S`; how many were closed."""
        now = time.monotonic()
        old = [s.id for s in self.list() if now - s.used > IDLE_S and not s.lock.locked()]
        return sum(self.close(sid) for sid in old)

    def shutdown(self) -> None:
        """Close every session (the server is stopping)."""
        for s in self.list():
            self.close(s.id)

    @staticmethod
    def new_id() -> str:
        """A fresh session id."""
        return uuid.uuid4().hex[:12]
