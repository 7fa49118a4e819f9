"""Step-by-step runs, the district map, the network picture and metric downloads through the
dashboard's API (FastAPI's TestClient; each session's engine lives in its own process)."""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from rainforest.engine.core import Engine
from rainforest.report import district
from rainforest.result import metrics_frame
from rainforest.scenario import load_scenario
from rainforest.web import create_app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "two-districts.toml"
SC = "added:two-districts"


@pytest.fixture
def client(tmp_path):
    app = create_app(
        store_path=tmp_path / "store", scenarios={"two-districts": EXAMPLE}, max_sessions=1
    )
    with TestClient(app) as c:
        yield c


def test_snapshot_counts_the_engines_people_and_firms():
    """The map's cells add up to the run's own totals, and each grid is the region's."""
    sc = load_scenario(EXAMPLE)
    eng = Engine(sc, seed=2, scale=50)
    eng.run(3)
    snap = district.snapshot(eng)
    m = metrics_frame(eng)
    last = m[m["month"] == m["month"].max()].set_index("region")
    for reg in snap["regions"]:
        side = reg["side"]
        assert side * side == int(eng.w.G.reg_ncell[eng.w.region_names.index(reg["region"])])
        people = np.array(reg["layers"]["people"], float)
        assert people.shape == (side, side)
        assert people.sum() == pytest.approx(last.loc[reg["region"], "people"], rel=1e-9)
        belief = np.array(reg["layers"]["belief"], float)
        assert (belief >= eng.w.R.belief[eng.w.region_names.index(reg["region"])] - 1e-12).all()
        rent = np.array(reg["layers"]["rent"], float)
        assert np.ptp(rent) == 0 and rent[0, 0] > 0  # rent is set per region
    # firms: living startups, SMEs and listed firms, in real units
    o = eng.w.O
    no = int(o.n[0])
    alive = (o.alive[:no] > 0) & np.isin(o.kind[:no], (3, 4, 5))
    total = sum(np.array(r["layers"]["firms"], float).sum() for r in snap["regions"])
    assert total == pytest.approx(alive.sum() * eng.scale)
    fig = district.map_figure(snap, "people", "People", "people")
    assert len(fig.data) == len(snap["regions"]) and fig.data[0].type == "heatmap"


def test_step_play_and_download(client):
    r = client.post(
        "/api/sessions",
        json={"scenario": SC, "years": 1, "seed": 3, "scale": 60, "network": True,
              "levers": {"regions.campus.policy.service_latency_days": 90}},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    s = r.json()
    warm = s["warmup"]
    assert s["month"] == -warm and s["done"] == 0 and s["total"] == warm + 12
    # a second session is refused while the first is open (max_sessions=1)
    busy = client.post("/api/sessions", json={"scenario": SC, "years": 1, "scale": 60})
    assert busy.status_code == 429 and "at most 1" in busy.json()["detail"]
    step = client.post(f"/api/sessions/{s['id']}/step", params={"months": warm + 2}).json()
    assert step["month"] == 2 and step["done"] == warm + 2 and not step["finished"]
    assert step["series"]["months"] == [0, 1]
    assert {r["region"] for r in step["map"]["regions"]} == {"campus", "harbour"}
    # stepping goes on from where it was, and stops at the end of the run
    more = client.post(f"/api/sessions/{s['id']}/step", params={"months": 100}).json()
    assert more["month"] == 12 and more["finished"]
    assert more["series"]["months"] == list(range(12))
    again = client.post(f"/api/sessions/{s['id']}/step", params={"months": 5}).json()
    assert again["month"] == 12
    # the same scenario, seed and scale run in one go give the same series (stepping changes
    # nothing): people in campus, month by month
    from rainforest.api import simulate
    from rainforest.mechanisms.m13_network import ON
    from rainforest.scenario import with_values

    lever = {"regions.campus.policy.service_latency_days": 90}
    sc = with_values(load_scenario(EXAMPLE), {**lever, **ON})  # the session's network on
    ref = simulate(sc, years=1, seed=3, scale=60).metrics
    want = ref[ref["region"] == "campus"]["people"].round(4).tolist()
    assert more["series"]["metrics"]["people"]["campus"] == want
    csv = client.get(f"/api/sessions/{s['id']}/metrics.csv")
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
    table = pd.read_csv(io.BytesIO(csv.content), encoding="utf-8-sig")
    assert len(table) == 24 and set(table["region"]) == {"campus", "harbour"}
    xl = client.get(f"/api/sessions/{s['id']}/metrics.xlsx")
    assert xl.status_code == 200
    sheets = pd.read_excel(io.BytesIO(xl.content), sheet_name=None)
    assert set(sheets) == {"metrics", "columns"}
    assert sheets["metrics"]["people"].tolist() == pytest.approx(table["people"].tolist())
    cols = sheets["columns"].set_index("column")
    assert cols.loc["output", "unit"] == "million yuan/month"
    # the request switched the living network on: the session ran with it, and has ties
    assert s["network"] is True and more["network"] is True
    net = client.get(f"/api/sessions/{s['id']}/network", params={"kind": "ties"}).json()
    assert net["available"] and len(net["picture"]["src"]) > 0
    gen = client.get(f"/api/sessions/{s['id']}/network", params={"kind": "genealogy"}).json()
    if gen["available"]:
        p = gen["picture"]
        assert len(p["nodes"]) <= 300 and len(p["x"]) == len(p["nodes"])
        assert all(0 <= i < len(p["nodes"]) for i in p["src"] + p["dst"])
    assert client.delete(f"/api/sessions/{s['id']}").json() == {"closed": s["id"]}
    assert client.post(f"/api/sessions/{s['id']}/step").status_code == 404


def test_living_network_session_draws_ties(client):
    r = client.post(
        "/api/sessions", json={"scenario": SC, "years": 1, "scale": 40, "network": True}
    )
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    client.post(f"/api/sessions/{sid}/step", params={"months": 60})
    net = client.get(f"/api/sessions/{sid}/network", params={"kind": "ties"}).json()
    assert net["available"], net
    p = net["picture"]
    assert 2 <= len(p["nodes"]) <= 300 and p["total_nodes"] >= len(p["nodes"])
    assert len(p["src"]) > 0 and len(p["src"]) == len(p["dst"])
    assert set(p["group"]) <= {"campus", "harbour"}
    client.delete(f"/api/sessions/{sid}")


def test_network_left_out_keeps_the_scenarios_own(client):
    r = client.post("/api/sessions", json={"scenario": SC, "years": 1, "scale": 60})
    assert r.status_code == 201, r.text
    own = load_scenario(EXAMPLE).mechanisms.ties.enabled  # off in the first edition
    assert r.json()["network"] is own
    client.delete(f"/api/sessions/{r.json()['id']}")


def test_living_network_switched_off_draws_no_ties(client):
    r = client.post(
        "/api/sessions", json={"scenario": SC, "years": 1, "scale": 60, "network": False}
    )
    assert r.status_code == 201, r.text
    sid, warm = r.json()["id"], r.json()["warmup"]
    assert r.json()["network"] is False
    step = client.post(f"/api/sessions/{sid}/step", params={"months": warm + 2}).json()
    assert step["network"] is False and step["month"] == 2
    net = client.get(f"/api/sessions/{sid}/network", params={"kind": "ties"}).json()
    assert net == {"kind": "ties", "available": False, "picture": None}
    client.delete(f"/api/sessions/{sid}")


def test_session_errors_are_readable(client):
    bad = client.post("/api/sessions", json={"scenario": "nope", "years": 1})
    assert bad.status_code == 404
    lever = client.post("/api/sessions", json={"scenario": SC, "levers": {"x.y": 1}})
    assert lever.status_code == 422 and "lever paths" in lever.json()["detail"]
    assert client.post("/api/sessions/unknown/step").status_code == 404
    assert client.get("/api/sessions/unknown/metrics.csv").status_code == 404


def test_job_and_stored_run_downloads(client):
    job = client.post("/api/jobs", json={"scenario": SC, "years": 1, "seed": 1, "scale": 60}).json()
    t0 = time.monotonic()
    while client.get(f"/api/jobs/{job['id']}").json()["status"] in ("queued", "running"):
        assert time.monotonic() - t0 < 120
        time.sleep(0.1)
    while not client.get(f"/api/jobs/{job['id']}").json()["stored"]:
        assert time.monotonic() - t0 < 150
        time.sleep(0.05)
    net = client.get(f"/api/jobs/{job['id']}/network").json()
    res = client.app.state.manager.get(job["id"]).result
    from rainforest.report.graph import genealogy_edges

    a, _ = genealogy_edges(res.orgs)
    assert net["available"] == (a.size > 0)
    if a.size:  # every edge drawn is a parent -> spin-off link of the run
        p = net["picture"]
        parent = dict(zip(res.orgs["org"], res.orgs["parent"], strict=True))
        for i, j in zip(p["src"], p["dst"], strict=True):
            assert parent[p["nodes"][j]] == p["nodes"][i]
    csv = client.get(f"/api/jobs/{job['id']}/metrics.csv")
    assert csv.status_code == 200
    table = pd.read_csv(io.BytesIO(csv.content), encoding="utf-8-sig")
    assert len(table) == 24 and "foundings" in table.columns
    assert client.get(f"/api/jobs/{job['id']}/metrics.pdf").status_code == 404
    run_id = f"web-{job['id']}-p0-r0"
    xl = client.get(f"/api/runs/{run_id}/metrics.xlsx")
    assert xl.status_code == 200, xl.text
    stored = pd.read_excel(io.BytesIO(xl.content), sheet_name="metrics")
    assert stored["foundings"].sum() == pytest.approx(table["foundings"].sum())
    words = client.get("/api/i18n").json()
    assert words["zh"]["tab-district"] == "街区" and words["en"]["tab-district"] == "District"
    assert set(words["en"]) == set(words["zh"])
