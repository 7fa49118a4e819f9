"""Every dashboard tab and every report kind in a real headless browser, failing on any console
error (Debian's Chromium via Playwright, never a downloaded browser).

The District tab is driven end to end: Start, Step, Play to the end of a one-year run, every
map layer, the people's ties (the District tab's box, ticked by default, runs the session with
the living network on) and the genealogy pictures, and the metric downloads (CSV and Excel).
Each report kind (:data:`rainforest.report.core.KINDS`) is built from a real run or a
stand-in of the same shape, written to a file and opened offline. Screenshots are kept under
the pytest base temporary folder (``<basetemp>/screenshots``).
"""

from __future__ import annotations

import io
import socket
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "two-districts.toml"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from rainforest.web import create_app

    app = create_app(
        store_path=tmp_path_factory.mktemp("store"),
        scenarios={"two-districts": EXAMPLE},
        max_jobs=2,
        max_sessions=2,
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def watch(pg) -> list[str]:
    """Console errors and uncaught exceptions of a page, collected as they happen."""
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_every_dashboard_tab_and_the_district_tab(browser, server, shots):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = ctx.new_page()
    errors = watch(pg)
    pg.goto(server + "/")
    pg.wait_for_selector("body[data-ready='1']", timeout=60_000)
    pg.select_option("#scenario-select", "added:two-districts")
    pg.wait_for_function("document.getElementById('scenario-select').value.startsWith('added')")
    pg.fill("#years", "1")
    pg.fill("#scale", "30")
    for tab in ("run", "compare", "explain", "runs", "district"):
        pg.click(f".tab[data-tab='{tab}']")
        pg.wait_for_selector(f"#tab-{tab}.active")
        pg.screenshot(path=str(shots / f"tab-{tab}.png"))
    # District: start, one step, then play to the end of the year
    pg.select_option("#step-speed", "12")
    pg.click("#step-start")
    pg.wait_for_function("!document.getElementById('step-step').disabled", timeout=60_000)
    assert "warm-up" in pg.inner_text("#step-status")
    pg.click("#step-step")
    pg.wait_for_selector("#district-map .main-svg", timeout=60_000)
    pg.click("#step-play")
    pg.wait_for_function(
        "document.getElementById('step-status').textContent.includes('finished')",
        timeout=180_000,
    )
    assert "month 12 of 12" in pg.inner_text("#step-status")
    assert pg.locator("#step-play").is_disabled() and pg.locator("#step-step").is_disabled()
    heat = pg.evaluate("document.getElementById('district-map').data.map((t) => t.type)")
    assert heat == ["heatmap", "heatmap"]  # one panel per region
    for layer in ("firms", "belief", "rent", "people"):
        pg.select_option("#map-layer", layer)
        pg.wait_for_function(
            "l => document.getElementById('district-map').layout.title.text.toLowerCase()"
            ".includes(l === 'firms' ? 'firms' : l === 'people' ? 'people' : l)",
            arg=layer if layer != "belief" else "belief",
        )
        pg.screenshot(path=str(shots / f"district-map-{layer}.png"))
    # the people's ties, drawn when play reached the end (the box is ticked by default, so
    # the session ran with the living network on, whatever the scenario's edition)
    assert pg.locator("#step-network").is_checked()
    assert pg.input_value("#net-kind") == "ties"
    pg.wait_for_selector("#network-chart .main-svg", timeout=60_000)
    assert "nodes" in pg.inner_text("#net-reading")
    names = pg.evaluate("document.getElementById('network-chart').data.map((t) => t.mode)")
    assert names[0] == "lines" and "markers" in names[1:]
    pg.screenshot(path=str(shots / "district-ties.png"))
    # the spin-off genealogy: drawn when the session has one, else the page says there is none
    sid = pg.evaluate("state.session.id")
    gen = pg.request.get(f"{server}/api/sessions/{sid}/network?kind=genealogy").json()
    pg.select_option("#net-kind", "genealogy")
    pg.click("#net-draw")
    if gen["available"]:
        pg.wait_for_function(
            "document.getElementById('network-chart').layout.title.text.includes('genealogy')"
        )
    else:
        pg.wait_for_function(
            "document.getElementById('net-reading').textContent.includes('No spin-off')"
        )
        assert pg.locator("#network-chart .main-svg").count() == 0
    # back to the ties: wait for the answer and its picture (the genealogy's chart may still
    # be there, and the session answers one request at a time: a download sent while the
    # ties are still being fetched would be refused as busy)
    pg.select_option("#net-kind", "ties")
    with pg.expect_response(lambda r: "/network?kind=ties" in r.url, timeout=60_000):
        pg.click("#net-draw")
    pg.wait_for_function(
        "document.getElementById('network-chart').layout.title.text.includes('ties')"
    )
    with pg.expect_download() as got:
        pg.click("[data-testid='step-xlsx']")
    sheets = pd.read_excel(io.BytesIO(Path(got.value.path()).read_bytes()), sheet_name=None)
    assert len(sheets["metrics"]) == 24 and "unit" in sheets["columns"].columns
    pg.screenshot(path=str(shots / "district-finished.png"), full_page=True)
    # the language switch reaches the new tab's words (from the i18n catalogue)
    pg.select_option("#lang", "zh")
    assert pg.inner_text(".tab[data-tab='district']") == "街区"
    assert pg.inner_text("#step-play") == "播放"
    assert "个节点" in pg.inner_text("#net-reading")  # the picture's reading follows the switch
    pg.screenshot(path=str(shots / "district-zh.png"))
    pg.select_option("#lang", "en")
    pg.click("#step-close")
    # a run job offers its metrics as CSV and Excel from the server, and draws its spin-off
    # genealogy: a finer sample and seed 0, where this one-year run has spin-offs (the Run
    # tab runs the scenario's own edition; in the second edition spin-offs come from people's
    # hazard and are rarer than the first edition's fixed rates: at scale 30, seed 1 has none)
    pg.fill("#scale", "10")
    pg.fill("#seed", "0")
    pg.click(".tab[data-tab='run']")
    pg.click("#run-btn")
    pg.wait_for_selector("[data-testid='metrics-xlsx']", timeout=120_000)
    href = pg.get_attribute("[data-testid='metrics-csv']", "href")
    job = pg.request.get(server + href.replace("metrics.csv", "network")).json()
    assert job["available"], "no spin-off in the Run tab's run: choose another seed or scale"
    pg.wait_for_selector("#run-network .main-svg", timeout=30_000)  # the run's genealogy
    with pg.expect_download() as got:
        pg.click("[data-testid='metrics-csv']")
    text = Path(got.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("month,year,region")
    pg.screenshot(path=str(shots / "run-downloads.png"))
    ctx.close()
    assert errors == [], errors


def report_objects(tmp_path: Path) -> dict[str, object]:
    """One object of every report kind: real runs where cheap, stand-ins of the same shape
    for the costly ones (an explanation)."""
    import rainforest.experiments as rx
    from rainforest.api import simulate
    from rainforest.experiments.diagnosis import diagnose
    from tests.test_report import RealShapedComparison, fake_explanation

    res = simulate(EXAMPLE, years=2, seed=1, scale=40)
    ens = rx.ensemble(EXAMPLE, runs=3, years=1, scale=60, seed=2, executor="sequential")
    latency = rx.RealParameter("regions.campus.policy.service_latency_days", 0, 180, name="lat")
    tol = rx.RealParameter("regions.campus.culture.failure_tolerance", 0.1, 0.9, name="tol")
    sens = rx.sensitivity(
        str(EXAMPLE), [latency, tol], [rx.ScalarOutcome("foundings", "foundings")],
        method="morris", n=3, seed=1, executor="sequential", years=1, scale=60,
    )  # fmt: skip
    validation = SimpleNamespace(
        table=pd.DataFrame(
            {"regularity": ["survival to 1 year"], "published": [0.8], "low": [0.7],
             "high": [0.9], "model": [0.85], "model_lo": [0.8], "model_hi": [0.9],
             "inside": [True]}
        )
    )  # fmt: skip
    whatif = SimpleNamespace(
        changes={"regions.campus.policy.sandbox": 0.5},
        table=pd.DataFrame(
            {"outcome": ["foundings", "output"], "year": [pd.NA, pd.NA],
             "baseline": [100.0, 4.5e6], "difference": [20.0, 1e5], "lo": [10.0, -2e4],
             "hi": [30.0, 3e5], "relative": [0.2, 0.02]}
        ),
    )  # fmt: skip
    return {
        "result": res,
        "ensemble": ens,
        "comparison": RealShapedComparison(res),
        "diagnosis": diagnose(res, reference=None),
        "explanation": fake_explanation(),
        "whatif": whatif,
        "validation": validation,
        "sweep": sens.sweep,
        "sensitivity": sens,
        "tables": SimpleNamespace(numbers=pd.DataFrame({"a": [1.5, 2.5]})),
    }


def test_every_report_kind_opens_offline_without_console_errors(browser, tmp_path, shots):
    from rainforest.report import kind_of, report
    from rainforest.report.core import KINDS

    objs = report_objects(tmp_path)
    assert {kind_of(o) for o in objs.values()} == set(KINDS)  # every kind, each once
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    for kind, obj in objs.items():
        assert kind_of(obj) == kind
        path = report(obj, tmp_path / f"{kind}.html")
        html = path.read_text(encoding="utf-8")
        assert "M million" not in html
        pg = ctx.new_page()
        errors = watch(pg)
        pg.goto(path.resolve().as_uri())
        figures = pg.locator("figure.chart").count()
        pg.wait_for_function(
            "n => document.querySelectorAll('figure.chart .js-plotly-plot .main-svg').length >= n",
            arg=figures,
            timeout=30_000,
        )
        pg.screenshot(path=str(shots / f"report-{kind}.png"), full_page=True)
        pg.close()
        assert errors == [], (kind, errors)
    ctx.close()
