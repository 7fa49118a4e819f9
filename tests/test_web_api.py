"""The dashboard's JSON API, through FastAPI's TestClient: a tiny job end to end, readable 422s,
caps on job size and concurrency, uploads parsed in memory, stop and shutdown."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from rainforest.api import simulate
from rainforest.scenario import load_scenario, with_values
from rainforest.web import create_app, jobs

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "two-districts.toml"
SC = "added:two-districts"
LEVER = "regions.campus.policy.service_latency_days"


def make_client(tmp_path: Path, **kw) -> TestClient:
    kw.setdefault("scenarios", {"two-districts": EXAMPLE})
    return TestClient(create_app(store_path=tmp_path / "store", **kw))


def wait(client: TestClient, job_id: str, timeout: float = 120.0) -> dict:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] not in ("queued", "running"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def wait_stored(client: TestClient, job_id: str, timeout: float = 30.0) -> None:
    """A job says "done" first and then writes its runs to the store; wait for that."""
    t0 = time.monotonic()
    while not client.get(f"/api/jobs/{job_id}").json()["stored"]:
        if time.monotonic() - t0 > timeout:
            raise AssertionError(f"job {job_id} was not stored in {timeout} s")
        time.sleep(0.05)


@pytest.fixture
def client(tmp_path):
    with make_client(tmp_path, max_jobs=2) as c:
        yield c


def test_catalogue_and_levers(client):
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["max_jobs"] == 2
    ids = {s["id"]: s for s in client.get("/api/scenarios").json()}
    assert SC in ids and ids[SC]["origin"] == "added"
    assert ids[SC]["regions"] == ["campus", "harbour"]
    detail = client.get(f"/api/scenarios/{SC}").json()
    levers = {lv["path"]: lv for lv in detail["levers"]}
    lv = levers[LEVER]
    assert lv["value"] == 30 and lv["unit"] == "days" and lv["kind"] == "number"
    assert lv["min"] == 0 and lv["max"] >= 120
    assert lv["source"]  # every lever shows where its value comes from
    share = levers["regions.campus.policy.sandbox"]
    assert (share["min"], share["max"]) == (0.0, 1.0)
    assert {lv["group"] for lv in detail["levers"]} == {"culture", "policy"}


def test_tiny_job_end_to_end(client, tmp_path):
    body = {"scenario": SC, "years": 1, "seed": 3, "scale": 200, "levers": {LEVER: 90}}
    r = client.post("/api/jobs", json=body)
    assert r.status_code == 202, r.text
    job = wait(client, r.json()["id"])
    assert job["status"] == "done", job
    assert job["progress"]["done"] == job["progress"]["total"] == 12 * 3
    series = job["series"]
    assert series["regions"] == ["campus", "harbour"]
    assert len(series["months"]) == 12
    assert set(series["metrics"]) >= {"foundings", "startups_alive", "people", "investment"}
    assert series["units"]["investment"] == "million yuan/month"
    assert {row["region"] for row in job["summary"]} == {"campus", "harbour"}

    # the job is the same run as the library's simulate() with the same lever and seed
    sc = with_values(load_scenario(EXAMPLE), {LEVER: 90})
    ref = simulate(sc, years=1, seed=3, scale=200)
    people = [row["people"] for row in job["summary"]]
    assert people == pytest.approx(
        ref.metrics[ref.metrics.month == ref.metrics.month.max()]["people"].tolist()
    )

    rep = client.get(f"/api/jobs/{job['id']}/report")
    assert rep.status_code == 200 and rep.headers["content-type"].startswith("text/html")
    assert '<script src="http' not in rep.text and "Plotly.newPlot" in rep.text

    runs = client.get("/api/runs").json()
    assert any(r["job_id"] == job["id"] and r["status"] == "finished" for r in runs)

    # recorded in the run store, and reopenable from it
    from rainforest.store import RunStore

    wait_stored(client, job["id"])

    with RunStore(tmp_path / "store", read_only=True) as st:
        stored = st.runs()
    row = stored[stored["run_id"] == f"web-{job['id']}-p0-r0"].iloc[0]
    assert row["status"] == "finished" and row["years"] == 1
    again = client.get(f"/api/runs/web-{job['id']}-p0-r0")
    assert again.status_code == 200
    assert again.json()["series"]["months"] == series["months"]
    # with what the page needs to restore the settings: the catalogue entry and the levers
    assert again.json()["scenario_id"] == SC and again.json()["levers"] == {LEVER: 90}


def test_a_job_with_several_runs_shows_means_and_intervals(client, tmp_path):
    import rainforest.experiments as rx

    body = {"scenario": SC, "years": 1, "seed": 5, "scale": 200, "runs": 4}
    job = wait(client, client.post("/api/jobs", json=body).json()["id"])
    assert job["status"] == "done", job
    assert job["runs"] == 4 and job["progress"]["done"] == job["progress"]["total"] == 4
    series = job["series"]
    assert series["runs"] == 4 and len(series["months"]) == 12
    # the same numbers as the library's ensemble with the same root seed
    ens = rx.ensemble(EXAMPLE, runs=4, seed=5, years=1, scale=200, executor="sequential")
    per = ens.metrics.groupby(["month", "region", "replicate"])["foundings"].sum()
    by = per.groupby(level=["month", "region"])
    for what, ref in (("metrics", by.mean()), ("lo", by.quantile(0.05)), ("hi", by.quantile(0.95))):
        got = series[what]["foundings"]["campus"]
        assert got == pytest.approx(ref.xs("campus", level="region").tolist(), abs=1e-3)
    lo, mean, hi = (series[w]["people"]["harbour"] for w in ("lo", "metrics", "hi"))
    assert all(a <= b <= c for a, b, c in zip(lo, mean, hi, strict=True))
    cell = job["summary"][0]["patents"]
    assert set(cell) == {"mean", "lo", "hi"} and cell["lo"] <= cell["mean"] <= cell["hi"]
    assert cell["lo"] < cell["hi"]  # four seeds do not all patent alike
    rep = client.get(f"/api/jobs/{job['id']}/report")
    assert rep.status_code == 200 and "Plotly.newPlot" in rep.text
    # every run is in the store with its own seed; the page lists the job once
    from rainforest.store import RunStore

    wait_stored(client, job["id"])

    with RunStore(tmp_path / "store", read_only=True) as st:
        stored = st.runs(f"web-{job['id']}").sort_values("replicate")
        assert stored["run_id"].tolist() == [f"web-{job['id']}-p0-r{k}" for k in range(4)]
        assert stored["seed"].tolist() == ens.runs.sort_values("replicate")["seed"].tolist()
        assert set(stored["status"]) == {"finished"} and set(stored["seed_root"]) == {5}
        one = st.load_metrics([f"web-{job['id']}-p0-r2"]).drop(columns=["run_id"])
    ref = ens.metrics[ens.metrics.replicate == 2].drop(
        columns=["run_id", "point", "replicate", "seed"]
    )
    pd.testing.assert_frame_equal(
        one.reset_index(drop=True), ref.reset_index(drop=True), check_dtype=False
    )
    listed = [r for r in client.get("/api/runs").json() if job["id"] in r["run_id"]]
    assert len(listed) == 1 and listed[0]["source"] == "memory"
    # the size cap counts every run
    too_many = client.post("/api/jobs", json={**body, "runs": 64, "scale": 2, "years": 30})
    assert too_many.status_code == 422 and "person-months" in too_many.json()["detail"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"scenario": SC, "years": 0}, "years"),
        ({"scenario": SC, "years": "many"}, "years"),
        ({"scenario": SC, "scale": -1}, "scale"),
        ({"scenario": SC, "colour": "red"}, "colour"),
        ({"scenario": SC, "runs": 0}, "runs"),
        ({"scenario": SC, "runs": 65}, "runs"),
        ({"scenario": SC, "levers": {"regions.campus.area_km2": 3}}, "not lever paths"),
        ({"scenario": SC, "levers": {"regions.campus.policy.sandbox": 3}}, "less than or equal"),
        ({"scenario": SC, "levers": {"regions.nowhere.policy.sandbox": 0.1}}, "not a lever"),
        ({"scenario": SC, "levers": {"regions.campus.policy.no_such": 1}}, "no field"),
    ],
)
def test_bad_requests_are_readable_422(client, body, words):
    r = client.post("/api/jobs", json=body)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert isinstance(detail, str) and words in detail


def test_unknown_scenario_is_404_and_no_path_is_opened(client):
    for ident in ("/etc/passwd", "../../pyproject.toml", "examples/two-districts.toml"):
        r = client.post("/api/jobs", json={"scenario": ident, "years": 1})
        assert r.status_code == 404, ident
        assert "unknown scenario" in r.json()["detail"]


def test_size_cap(tmp_path):
    with make_client(tmp_path, max_person_months=1e5) as c:
        r = c.post("/api/jobs", json={"scenario": SC, "years": 1, "scale": 10})
        assert r.status_code == 422
        assert "cap" in r.json()["detail"] and "scale" in r.json()["detail"]
        ok = c.post("/api/jobs", json={"scenario": SC, "years": 1, "scale": 500})
        assert ok.status_code == 202
        wait(c, ok.json()["id"])


def test_concurrency_cap_and_stop(tmp_path):
    with make_client(tmp_path, max_jobs=1) as c:
        slow = c.post("/api/jobs", json={"scenario": SC, "years": 30, "scale": 2})
        assert slow.status_code == 202
        second = c.post("/api/jobs", json={"scenario": SC, "years": 1, "scale": 500})
        assert second.status_code == 429
        assert "at most 1" in second.json()["detail"]
        stopped = c.post(f"/api/jobs/{slow.json()['id']}/stop")
        assert stopped.status_code == 200
        job = wait(c, slow.json()["id"])
        assert job["status"] == "stopped"
        assert job["progress"]["done"] < job["progress"]["total"]
        again = c.post("/api/jobs", json={"scenario": SC, "years": 1, "scale": 500})
        assert again.status_code == 202
        wait(c, again.json()["id"])


def test_shutdown_marks_jobs_interrupted(tmp_path):
    from rainforest.store import RunStore

    c = make_client(tmp_path, max_jobs=1)
    with c:
        job_id = c.post("/api/jobs", json={"scenario": SC, "years": 30, "scale": 2}).json()["id"]
        for _ in range(100):  # let it start
            if c.get(f"/api/jobs/{job_id}").json()["status"] == "running":
                break
            time.sleep(0.05)
        manager = c.app.state.manager
    assert manager.get(job_id).status == "interrupted"
    with RunStore(tmp_path / "store", read_only=True) as st:
        runs = st.runs()
    assert runs.set_index("run_id").loc[f"web-{job_id}-p0-r0", "status"] == "interrupted"


def test_uploads_are_parsed_in_memory_with_readable_errors(client):
    bad = client.post(
        "/api/scenarios/upload", files={"file": ("broken.toml", b"name = [oops", "text/plain")}
    )
    assert bad.status_code == 422
    assert bad.json()["detail"].startswith("broken.toml: not valid TOML")
    invalid = client.post(
        "/api/scenarios/upload",
        files={"file": ("x.toml", b'name = "x"\n[regions.a]\narea_km2 = -1\n', "text/plain")},
    )
    assert invalid.status_code == 422
    assert "regions.a.area_km2" in invalid.json()["detail"]
    binary = client.post(
        "/api/scenarios/upload", files={"file": ("b.toml", b"\xff\xfe\x00bad", "text/plain")}
    )
    assert binary.status_code == 422 and "UTF-8" in binary.json()["detail"]
    good = client.post(
        "/api/scenarios/upload",
        files={"file": ("mine.toml", EXAMPLE.read_bytes(), "text/plain")},
    )
    assert good.status_code == 201
    ident = good.json()["id"]
    assert ident.startswith("upload:") and good.json()["levers"]
    r = client.post("/api/jobs", json={"scenario": ident, "years": 1, "scale": 500})
    assert r.status_code == 202
    assert wait(client, r.json()["id"])["status"] == "done"


def fake_explain(a, vs, runs=1, years=1, seed=0, scale=None, executor=None, progress=None):
    """A quick stand-in for rainforest.explain.explain (same call, same result shape)."""
    if progress is not None:
        progress(1, 1)
    att = pd.DataFrame(
        {"group": ["policy", "culture"], "value": [6.0, 4.0], "lo": [2.0, 1.0], "hi": [9.0, 7.0]}
    )
    return SimpleNamespace(
        attribution=att, total_gap=10.0, a=a.name, b=vs.name, outcome="foundings"
    )


def test_explain_not_available_is_501(client, monkeypatch):
    monkeypatch.setattr(jobs, "explain_function", lambda: None)
    r = client.post("/api/explain", json={"a": SC, "b": SC, "years": 1, "scale": 500, "runs": 1})
    assert r.status_code == 501
    assert "not available" in r.json()["detail"]
    assert client.get("/api/health").json()["explain_available"] is False


def test_explain_job(client, monkeypatch):
    monkeypatch.setattr(jobs, "explain_function", lambda: fake_explain)
    r = client.post("/api/explain", json={"a": SC, "b": SC, "years": 1, "scale": 500, "runs": 1})
    assert r.status_code == 202, r.text
    job = wait(client, r.json()["id"])
    assert job["status"] == "done", job
    assert job["total_gap"] == 10.0
    assert [row["group"] for row in job["attribution"]] == ["policy", "culture"]
    rep = client.get(f"/api/jobs/{job['id']}/report")
    assert rep.status_code == 200 and "Attribution of the gap" in rep.text


def test_explain_size_cap_counts_every_coalition(tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "explain_function", lambda: fake_explain)
    # one run of the example at scale 500 is ~1e4 person-months; 2^7 coalitions are not
    with make_client(tmp_path, max_person_months=1e5) as c:
        ok = c.post("/api/jobs", json={"scenario": SC, "years": 1, "scale": 500})
        assert ok.status_code == 202
        wait(c, ok.json()["id"])
        r = c.post("/api/explain", json={"a": SC, "b": SC, "years": 1, "scale": 500, "runs": 1})
        assert r.status_code == 422 and "cap" in r.json()["detail"]


def test_openapi_documents_the_api(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/jobs", "/api/jobs/{job_id}", "/api/scenarios/upload", "/api/runs"):
        assert path in spec["paths"]
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_pages_load_their_assets_from_this_server(client, page):
    import re

    html = client.get(page)
    assert html.status_code == 200
    urls = re.findall(r'(?:src|href)="([^"]+)"', html.text)
    assert urls and all(u.startswith("/") for u in urls), urls  # no CDN, no web fonts
    for u in urls:
        got = client.get(u)
        assert got.status_code == 200 and len(got.content) > 1000, u
    assert client.get("/docs-static/../app.py").status_code == 404
    assert client.get("/docs-static/nope.js").status_code == 404


def test_page_and_plotly_are_served_locally(client):
    page = client.get("/")
    assert page.status_code == 200 and "/static/plotly.min.js" in page.text
    assert "http://" not in page.text.replace("http://www.w3.org", "")
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000
    assert client.get("/static/app.js").status_code == 200


def test_serve_refuses_remote_without_flag():
    from typer.testing import CliRunner

    from rainforest.cli import app
    from rainforest.cli.serve import check_host

    res = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "8799"])
    assert res.exit_code == 2
    assert "--allow-remote" in res.output
    check_host("127.0.0.1", allow_remote=False)  # local: fine, silent
    check_host("0.0.0.0", allow_remote=True)  # allowed with a warning


def test_series_payload_from_stored_metrics():
    from rainforest.web.jobs import series_payload, summary_rows

    m = pd.DataFrame(
        {
            "month": [0, 0, 1, 1],
            "region": ["a", "b", "a", "b"],
            "foundings": [1.0, 2.0, 3.0, float("nan")],
            "people": [10.0, 20.0, 11.0, 21.0],
        }
    )
    s = series_payload(m)
    assert s["months"] == [0, 1] and s["metrics"]["foundings"]["b"] == [2.0, None]
    rows = summary_rows(m)
    assert rows[0]["region"] == "a" and rows[0]["people"] == 11.0 and rows[0]["foundings"] == 4.0


def test_runs_left_running_by_a_dead_server_are_marked_interrupted(tmp_path):
    from rainforest.store import RunStore
    from rainforest.web.storage import WebStore

    store = WebStore(tmp_path / "store")
    now = time.time()
    sc = load_scenario(EXAMPLE)
    job = SimpleNamespace(
        id="dead1", scenario=sc, levers={}, seed=1, scale=500.0, years=1, started=now,
        finished=None, simulated_people=0,
    )  # fmt: skip
    store.record(job, "running")  # the server died here
    done = SimpleNamespace(**{**job.__dict__, "id": "done1", "finished": now})
    metrics = simulate(EXAMPLE, years=1, seed=1, scale=500).metrics
    store.record(done, "finished", metrics)
    with make_client(tmp_path):  # starting a server sweeps the store
        pass
    with RunStore(tmp_path / "store", read_only=True) as st:
        runs = st.runs().set_index("run_id")
        assert runs.loc["web-dead1-p0-r0", "status"] == "interrupted"
        assert "server stopped" in runs.loc["web-dead1-p0-r0", "error"]
        assert runs.loc["web-done1-p0-r0", "status"] == "finished"
        assert len(st.load_metrics(["web-done1-p0-r0"])) == len(metrics)


def test_explain_estimate_counts_every_run_and_fits_the_cap(tmp_path):
    from rainforest.web.jobs import explain_arms

    coalitions, arms_a = explain_arms()
    with make_client(tmp_path, max_person_months=3e8) as c:
        q = {"a": "hangzhou", "b": "zhangjiang", "years": 2, "runs": 4, "scale": 10}
        e = c.get("/api/explain/estimate", params=q).json()
        assert e["coalitions"] == coalitions and e["runs"] == (coalitions + arms_a) * 4
        assert not e["fits"] and e["fit_scale"] > 10  # the defaults were over the cap
        # the fitting scale fits: asked for at that scale, the estimate is under the cap
        again = c.get("/api/explain/estimate", params={**q, "scale": e["fit_scale"]}).json()
        assert again["fits"] and again["person_months"] <= 3e8
        assert again["person_months"] == pytest.approx(e["person_months"] * 10 / e["fit_scale"])
        small = c.get("/api/explain/estimate", params={**q, "scale": 1e5}).json()
        assert small["fits"] and small["fit_scale"] == 1e5
        assert c.get("/api/explain/estimate", params={**q, "a": "nope"}).status_code == 404


def test_presets_have_groups_and_chinese_names(client):
    info = {s["id"]: s for s in client.get("/api/scenarios").json()}
    assert info["zhangjiang"]["label_zh"] == "张江" and info["zhangjiang"]["group"] == "place"
    assert info["yangtze-delta"]["group"] == "network"
    assert info[SC]["group"] == "other"
    levers = client.get("/api/scenarios/hangzhou").json()["levers"]
    sandbox = next(lv for lv in levers if lv["path"].endswith("policy.sandbox"))
    assert sandbox["label"] == "Regulatory sandbox" and sandbox["label_zh"] == "监管沙盒"
