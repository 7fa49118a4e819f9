"""A dashboard that cannot be frozen: hostile uploads and lever values get a 422 naming the
field, jobs run in worker processes that a stop kills at once, a real server keeps answering
``/api/health`` within a second while it parses a hostile upload and runs a job, the report
cache is bounded by bytes, a busy store is retried, and schemathesis finds no server error
anywhere in the OpenAPI schema."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from rainforest.web import create_app
from rainforest.web.cache import ReportCache
from tests.hostile_corpus import CASES, _dumps, base_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "two-districts.toml"
SC = "added:two-districts"


def _case_bytes(name: str, tmp_path: Path) -> bytes:
    return next(c for c in CASES if c.name == name).write(tmp_path).read_bytes()


def _wait(client, job_id: str, timeout: float = 180.0) -> dict:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


@pytest.fixture
def client(tmp_path):
    app = create_app(store_path=tmp_path / "store", scenarios={"two-districts": EXAMPLE})
    with TestClient(app) as c:
        yield c


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("anchor-spillover-inf", "regions.a.anchors.0.spillover"),
        ("area-bool", "regions.a.area_km2"),
        ("toml-deep", "nesting"),
        ("shock-value-out-of-range", "shocks.0.value"),
        ("region-name-pipe", "regions.'a|b'"),
        ("population-huge", "regions.a.population"),
    ],
)
def test_hostile_uploads_get_one_line_naming_the_field(client, tmp_path, case, field):
    data = _case_bytes(case, tmp_path)
    r = client.post("/api/scenarios/upload", files={"file": (f"{case}.toml", data, "text/plain")})
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail.startswith(f"{case}.toml: ") and field in detail.splitlines()[0]


def test_many_regions_are_refused_before_they_are_validated(client):
    data = base_scenario()
    reg = data["regions"].pop("a")
    data["regions"] = {f"r{i}": {"area_km2": 5.0, "population": 60000} for i in range(5000)}
    data["regions"]["r0"] = reg
    data["distances_km"] = {}
    text = _dumps(data).encode()
    assert len(text) < 512 * 1024
    t0 = time.perf_counter()
    r = client.post("/api/scenarios/upload", files={"file": ("big.toml", text, "text/plain")})
    assert r.status_code == 422 and "5,000 regions" in r.json()["detail"]
    assert time.perf_counter() - t0 < 5.0


@pytest.mark.parametrize(
    ("value", "words"),
    [("Infinity", "finite"), ("NaN", "finite"), ("1e308", "1e+308"), ("true", "number")],
)
def test_non_finite_and_absurd_lever_values_are_refused(client, value, words):
    lever = "regions.campus.policy.service_latency_days"
    levers = '{"' + lever + '": ' + value + "}"  # raw JSON: Infinity and NaN as Python sends them
    body = '{"scenario": "' + SC + '", "years": 1, "scale": 500, "levers": ' + levers + "}"
    r = client.post("/api/jobs", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert lever in r.json()["detail"] and words in r.json()["detail"]


def test_a_job_over_the_memory_budget_is_refused_naming_the_field(client, monkeypatch):
    monkeypatch.setenv("RAINFOREST_MEMORY_GB", "0.25")  # a small machine
    r = client.post("/api/jobs", json={"scenario": SC, "years": 100, "scale": 1})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "memory" in detail and "regions.harbour.population or raise scale" in detail


def test_stop_kills_the_worker_at_once(tmp_path):
    app = create_app(scenarios={"two-districts": EXAMPLE}, max_person_months=1e12)
    with TestClient(app) as c:
        job = c.post("/api/jobs", json={"scenario": SC, "years": 60, "scale": 2}).json()
        for _ in range(600):  # until the worker reports its first months
            info = c.get(f"/api/jobs/{job['id']}").json()
            if info["progress"]["done"] > 0:
                break
            time.sleep(0.1)
        worker = app.state.manager._workers[job["id"]]
        t0 = time.monotonic()
        c.post(f"/api/jobs/{job['id']}/stop")
        done = _wait(c, job["id"], timeout=10)
        assert done["status"] == "stopped"
        assert time.monotonic() - t0 < 5.0
        worker.join(timeout=5)
        assert not worker.is_alive()


def test_a_job_past_its_time_limit_fails_with_a_message(tmp_path):
    app = create_app(
        scenarios={"two-districts": EXAMPLE}, max_person_months=1e12, job_time_limit_s=1.0
    )
    with TestClient(app) as c:
        job = c.post("/api/jobs", json={"scenario": SC, "years": 60, "scale": 2}).json()
        done = _wait(c, job["id"], timeout=30)
        assert done["status"] == "failed"
        assert "time limit of 1 s" in done["error"]


def test_report_cache_is_bounded_by_bytes_and_least_recently_used():
    cache = ReportCache(max_bytes=100)
    cache["a"] = "x" * 40
    cache["b"] = "y" * 40
    assert cache.get("a") == "x" * 40  # a is now the most recent
    cache["c"] = "z" * 40
    assert "b" not in cache and "a" in cache and "c" in cache
    assert cache.bytes == 80
    cache["huge"] = "h" * 500  # larger than the cache: served by the caller, never kept
    assert "huge" not in cache and cache.bytes == 80
    cache.keep_only(["c"])
    assert "a" not in cache and cache.bytes == 40


def test_a_busy_store_is_retried_and_the_run_stored(tmp_path):
    from rainforest.store import RunStore

    store = tmp_path / "store"
    app = create_app(store_path=store, scenarios={"two-districts": EXAMPLE})
    with TestClient(app) as c:
        # another process (a CLI sweep) holds the store's lock for two seconds
        RunStore(store).close()
        hold = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); "
                "print('held', flush=True); time.sleep(2); c.close()",
                str(RunStore(store, read_only=True).path),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert hold.stdout.readline().strip() == "held"
        job = c.post("/api/jobs", json={"scenario": SC, "years": 1, "scale": 500}).json()
        done = _wait(c, job["id"])
        assert done["status"] == "done"
        for _ in range(300):  # written once the lock is free (retried with back-off)
            info = c.get(f"/api/jobs/{job['id']}").json()
            if info["stored"]:
                break
            time.sleep(0.1)
        hold.wait(timeout=30)
        assert info["stored"], info
    with RunStore(store, read_only=True) as st:
        assert f"web-{job['id']}-p0-r0" in set(st.runs()["run_id"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_real_server_answers_health_within_a_second_under_hostile_load(tmp_path):
    port = _free_port()
    code = (
        "import uvicorn; from rainforest.web import create_app; "
        f"uvicorn.run(create_app(scenarios={{'two-districts': {str(EXAMPLE)!r}}}, "
        f"max_person_months=1e12), host='127.0.0.1', port={port}, log_level='warning')"
    )
    server = subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as http:
            for _ in range(600):
                try:
                    if http.get("/api/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            # a long job, then hostile uploads in a thread while health is polled
            job = http.post("/api/jobs", json={"scenario": SC, "years": 60, "scale": 2}).json()
            files = [_case_bytes(n, tmp_path) for n in ("anchor-spillover-inf", "toml-deep")]
            big = base_scenario()
            big["regions"] = {f"r{i}": {"area_km2": 5.0, "population": 6e4} for i in range(199)}
            big["distances_km"] = {}
            files.append(_dumps(big).encode())
            answers: list[int] = []

            def hostile() -> None:
                with httpx.Client(base_url=base, timeout=60) as h:
                    for _ in range(3):
                        for data in files:
                            r = h.post(
                                "/api/scenarios/upload",
                                files={"file": ("h.toml", data, "text/plain")},
                            )
                            answers.append(r.status_code)

            t = threading.Thread(target=hostile)
            t.start()
            times = []
            for _ in range(20):
                t0 = time.monotonic()
                r = http.get("/api/health", timeout=5)
                times.append(time.monotonic() - t0)
                assert r.status_code == 200
                time.sleep(0.2)
            t.join(timeout=120)
            # within a second; one slow answer allowed for a machine shared by other processes
            assert sorted(times)[-2] < 1.0 and max(times) < 3.0, times
            assert answers and set(answers) <= {201, 422}
            assert http.get(f"/api/jobs/{job['id']}").json()["status"] == "running"
            t0 = time.monotonic()
            http.post(f"/api/jobs/{job['id']}/stop")
            while http.get(f"/api/jobs/{job['id']}").json()["status"] == "running":
                # the job stops at its next month; a month waits for a core on a busy shared
                # machine (two test workers, the hostile uploads), hence the margin
                assert time.monotonic() - t0 < 20.0
                time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_schemathesis_finds_no_server_error_in_the_api(tmp_path):
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    app = create_app(
        scenarios={"two-districts": EXAMPLE}, max_person_months=2e4, job_time_limit_s=30
    )
    failures: list = []
    with TestClient(app):  # runs the app's lifespan (stops its jobs at the end)
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        for op in schema.get_all_operations():
            operation = op.ok()

            @settings(
                max_examples=12,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            @given(operation.as_strategy())
            def check(case) -> None:
                try:
                    response = case.call()
                except Exception as err:  # an exception out of the app is a server error
                    failures.append((case.method, case.formatted_path, repr(err)[:200]))
                    return
                if response.status_code >= 500:
                    failures.append((case.method, case.formatted_path, response.status_code))

            check()
    assert not failures, failures[:5]
