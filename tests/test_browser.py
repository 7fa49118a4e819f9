"""The dashboard and a report in a real headless browser (Debian's Chromium via Playwright).

A uvicorn server runs the app in a thread on a free localhost port; Playwright drives
``/usr/bin/chromium`` (never a downloaded browser). Screenshots go to ``test-artifacts/``.
Run with ``pytest -m browser``; skipped when Chromium or Playwright is missing.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "two-districts.toml"
ARTIFACTS = ROOT / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"
    ),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The dashboard on http://127.0.0.1:<free port>/, with the example and a variant of it."""
    import uvicorn

    from rainforest.scenario import load_scenario, with_values
    from rainforest.web import create_app

    base = load_scenario(EXAMPLE)
    tolerant = with_values(base, {"regions.campus.culture.failure_tolerance": 0.9})
    tolerant = tolerant.model_copy(update={"name": "two-districts-tolerant"})
    app = create_app(
        store_path=tmp_path_factory.mktemp("store"),
        max_jobs=2,
        scenarios={"two-districts": base, "two-districts-tolerant": tolerant},
    )
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", app
    srv.should_exit = True
    thread.join(timeout=20)


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    url, _ = server
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.console_errors = []
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    pg.goto(url + "/")
    pg.wait_for_selector("body[data-ready='1']", timeout=30_000)
    yield pg
    ctx.close()


def options(pg, select: str) -> list[str]:
    return pg.eval_on_selector_all(f"{select} option", "els => els.map(e => e.value)")


def small_pair(pg) -> tuple[str, str, str]:
    """Two scenarios to run and a scale that makes them tiny (shipped presets if present)."""
    have = options(pg, "#scenario-select")
    if "hangzhou" in have and "zhangjiang" in have:
        return "hangzhou", "zhangjiang", "1000"
    return "added:two-districts", "added:two-districts-tolerant", "500"


def test_run_a_job(page, server):
    _, app = server
    a, _, scale = small_pair(page)
    page.select_option("#scenario-select", a)
    page.wait_for_function(
        "sel => document.querySelector(`[data-path^='regions.']`) && "
        "document.getElementById('scenario-select').value === sel",
        arg=a,
    )
    page.fill("#years", "1")
    page.fill("#scale", scale)
    # move a policy slider: service latency (stamps) to its far end
    slider = page.locator("#levers .lever[data-path$='.policy.service_latency_days'] input").first
    path = slider.evaluate("el => el.closest('.lever').dataset.path")
    top = slider.evaluate("el => el.max")
    slider.fill(top)
    lever = page.locator(f".lever[data-path='{path}']")
    assert "changed" in (lever.get_attribute("class") or "")
    page.click("#run-btn")
    page.wait_for_selector("[data-testid='summary-table']", timeout=120_000)
    page.wait_for_selector("#run-charts .js-plotly-plot .main-svg")
    assert page.locator("#run-charts .js-plotly-plot").count() == 4
    assert "done" in page.inner_text("#progress-text")
    assert page.locator("[data-testid='report-link']").count() == 1
    csv = page.locator("[data-testid='csv-link']")
    assert csv.count() == 1 and (csv.get_attribute("download") or "").endswith("-series.csv")
    with page.expect_download() as got:
        csv.click()
    text = Path(got.value.path()).read_text(encoding="utf-8")
    assert text.startswith("month,metric,region,value") and ",foundings," in text
    page.select_option("#chart-metric", "patents")  # the chart chooser adds any metric
    page.wait_for_selector("[data-testid='chart-patents'] .main-svg")
    assert page.locator("#run-charts .js-plotly-plot").count() == 5
    job = app.state.manager.list()[0]
    assert job.levers == {path: float(top)}
    page.screenshot(path=str(ARTIFACTS / "dashboard-run.png"))
    page.click(".tab[data-tab='runs']")
    page.wait_for_selector(f"#runs-table tr[data-run='{job.id}']")
    assert "finished" in page.inner_text(f"#runs-table tr[data-run='{job.id}']")
    page.screenshot(path=str(ARTIFACTS / "dashboard-runs.png"))
    # reopen it from the list, with another scenario selected meanwhile: the sidebar
    # takes the run's scenario, years, scale and lever back, so Run repeats it
    other = next(x for x in options(page, "#scenario-select") if x != a)
    page.select_option("#scenario-select", other)
    page.wait_for_function("v => document.getElementById('scenario-select').value === v", arg=other)
    page.fill("#years", "3")
    page.click(f"#runs-table tr[data-run='{job.id}'] button")
    page.wait_for_selector("#run-title:has-text('Reopened')")
    page.wait_for_function(
        "p => document.querySelector(`.lever[data-path='${p}'].changed`)", arg=path
    )
    assert page.eval_on_selector("#scenario-select", "e => e.value") == a
    assert page.eval_on_selector("#years", "e => e.value") == "1"
    assert page.console_errors == []


def test_run_with_a_policy_package(page, server):
    """Issue 16 in the dashboard: the run settings' chooser lists the shipped packages, and a
    run with one adopts it in the scenario (the job records it, its label says so) and
    reports the public spending of the package's instruments."""
    _, app = server
    have = options(page, "#package")
    assert "" in have and "shanghai-2025-ai-measures" in have
    a, _, scale = small_pair(page)
    if not a.startswith("added:"):  # a package applies to a one-region preset
        page.select_option("#scenario-select", a)
        page.wait_for_function(
            "sel => document.getElementById('scenario-select').value === sel", arg=a
        )
    else:
        pytest.skip("the shipped presets are not installed")
    page.fill("#years", "1")
    page.fill("#scale", scale)
    page.select_option("#package", "shanghai-2025-ai-measures")
    page.click("#run-btn")
    page.wait_for_selector("[data-testid='summary-table']", timeout=120_000)
    assert "done" in page.inner_text("#progress-text")
    job = next(j for j in app.state.manager.list() if "package" in (j.label or ""))
    assert job.label == "package shanghai-2025-ai-measures"
    region = next(iter(job.scenario.regions.values()))
    assert region.instruments.model_community > 0  # the package is in the run's scenario
    assert float(job.result.metrics["public_model_community"].sum()) > 0  # and costs money
    assert "public spending" in page.inner_text("[data-testid='summary-table']")
    page.select_option("#chart-metric", "public_model_community")
    page.wait_for_selector("[data-testid='chart-public_model_community'] .main-svg")
    page.screenshot(path=str(ARTIFACTS / "dashboard-package.png"))
    assert page.console_errors == []


def test_compare_two_scenarios(page):
    a, b, scale = small_pair(page)
    page.fill("#years", "1")
    page.fill("#scale", scale)
    page.click(".tab[data-tab='compare']")
    page.select_option("#compare-a", a)
    page.select_option("#compare-b", b)
    page.fill("#compare-runs", "3")
    page.click("#compare-btn")
    page.wait_for_function(
        "document.getElementById('compare-status').textContent === 'done'", timeout=180_000
    )
    for key, pane in (("a", "#compare-a-pane"), ("b", "#compare-b-pane")):
        assert page.locator(f"{pane} .js-plotly-plot").count() == 2
        assert page.locator(f"{pane} [data-testid='summary-table']").count() == 1
        # three seeds: a shaded 90% band under each region's mean line, intervals in the table
        bands = page.evaluate(
            f"document.getElementById('cmp-{key}-startups_alive').data"
            ".filter((t) => t.fill === 'tonexty').length"
        )
        assert bands >= 1
        assert "mean of 3 runs" in page.inner_text(f"{pane} .js-plotly-plot >> nth=0")
        assert "[" in page.inner_text(f"{pane} [data-testid='summary-table']")
    assert page.locator("#error").is_hidden()
    page.screenshot(path=str(ARTIFACTS / "dashboard-compare.png"))
    assert page.console_errors == []


def test_bad_upload_shows_an_error(page):
    page.set_input_files(
        "#upload-input",
        files=[{"name": "broken.toml", "mimeType": "text/plain", "buffer": b"name = [oops"}],
    )
    page.wait_for_selector("#error:not([hidden])")
    text = page.inner_text("#error")
    assert "broken.toml" in text and "not valid TOML" in text
    page.screenshot(path=str(ARTIFACTS / "dashboard-bad-upload.png"))


def test_explain_says_when_unavailable(page, monkeypatch):
    from rainforest.web import jobs

    monkeypatch.setattr(jobs, "explain_function", lambda: None)
    page.click(".tab[data-tab='explain']")
    page.click("#explain-btn")
    notice = page.locator("[data-testid='explain-unavailable']")
    notice.wait_for()
    assert "not available" in notice.inner_text().lower()
    page.screenshot(path=str(ARTIFACTS / "dashboard-explain-unavailable.png"))


def test_explain_draws_a_waterfall(page, monkeypatch):
    import pandas as pd

    from rainforest.web import jobs

    def fake(a, vs, runs=1, years=1, seed=0, scale=None, executor=None, progress=None):
        att = pd.DataFrame(
            {
                "group": ["services", "culture", "capital"],
                "label": ["government services", "culture", "capital"],
                "value": [5.0, 3.0, -1.0],
                "lo": [2.0, 1.0, -3.0],
                "hi": [8.0, 5.0, 1.0],
            }
        )
        return SimpleNamespace(attribution=att, total_gap=7.0, a=a.name, b=vs.name)

    monkeypatch.setattr(jobs, "explain_function", lambda: fake)
    a, b, scale = small_pair(page)
    page.fill("#scale", scale)
    page.click(".tab[data-tab='explain']")
    page.select_option("#explain-a", a)
    page.select_option("#explain-b", b)
    page.fill("#explain-runs", "1")
    page.click("#explain-btn")
    page.wait_for_selector("#explain-chart .main-svg", timeout=60_000)
    assert "government services" in page.inner_text("#explain-result")
    # the outcome's name and unit on the chart, and a 90% whisker per lever group
    title = page.evaluate("document.getElementById('explain-chart').layout.title.text")
    assert "attribution of the gap" in title
    kinds = page.evaluate("document.getElementById('explain-chart').data.map((t) => t.name)")
    assert kinds == ["contribution", "90% interval"]
    page.screenshot(path=str(ARTIFACTS / "dashboard-explain.png"))


def test_report_opens_offline(browser, tmp_path):
    from rainforest.api import simulate
    from rainforest.report import report

    res = simulate(EXAMPLE, years=2, seed=1, scale=40)
    path = report(res, tmp_path / "report.html")
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
    pg = ctx.new_page()
    errors, outside = [], []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))

    def guard(route):
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:  # ReDoc's footer asks a CDN for its logo: refused, and the page does not care
            if route.request.resource_type != "image":
                outside.append(route.request.url)
            route.abort()

    pg.route("**/*", guard)
    pg.goto(path.resolve().as_uri())
    figures = pg.locator("figure.chart").count()
    assert figures >= 8
    pg.wait_for_function(
        "n => document.querySelectorAll('figure.chart .js-plotly-plot .main-svg').length >= n",
        arg=figures,
        timeout=30_000,
    )
    assert errors == [] and outside == []
    pg.screenshot(path=str(ARTIFACTS / "report-offline.png"), full_page=True)
    ctx.close()


def test_api_docs_render_offline(browser, server):
    """Swagger UI and ReDoc draw the API with every request off this machine refused."""
    url, _ = server
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    outside: list[str] = []

    def only_local(route):
        if route.request.url.startswith(url):
            route.continue_()
        else:  # ReDoc's footer asks a CDN for its logo: refused, and the page does not care
            if route.request.resource_type != "image":
                outside.append(route.request.url)
            route.abort()

    ctx.route("**/*", only_local)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(url + "/docs")
    pg.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    assert pg.locator(".swagger-ui .opblock").count() >= 5
    pg.screenshot(path=str(ARTIFACTS / "api-docs-offline.png"))
    pg.goto(url + "/redoc")
    pg.wait_for_selector("redoc .api-content, [role='navigation']", timeout=30_000)
    pg.screenshot(path=str(ARTIFACTS / "api-redoc-offline.png"))
    ctx.close()
    assert not outside, outside
    assert not errors, errors


def test_page_without_console_errors_grouped_presets_and_levers(page, server):
    """Every tab opens and no console error is logged; presets are grouped with Chinese and
    English names; levers are labelled with units in collapsible groups; the explain tab
    states its cost (coalitions counted) before it is asked for."""
    groups = page.eval_on_selector_all("#scenario-select optgroup", "els => els.map(e => e.label)")
    have = options(page, "#scenario-select")
    if "zhangjiang" in have:
        assert groups[:3] == ["Places · 地区", "Archetypes · 类型", "Networks · 区域网络"]
        label = page.eval_on_selector(
            "#scenario-select option[value='zhangjiang']", "e => e.textContent"
        )
        assert label == "张江 · Zhangjiang, Shanghai"
        page.select_option("#scenario-select", "yangtze-delta")
        page.wait_for_function("document.querySelectorAll('details.lever-group').length === 10")
        opened = page.eval_on_selector_all("details.lever-group", "els => els.map(e => e.open)")
        assert opened[:2] == [True, True] and not any(opened[2:])
    lever = page.locator(".lever[data-path$='.policy.service_latency_days'] .lever-label").first
    assert "Days to pay a subsidy" in lever.inner_text() and "(days)" in lever.inner_text()
    for tab in ("compare", "explain", "runs", "run"):
        page.click(f".tab[data-tab='{tab}']")
        page.wait_for_selector(f"#tab-{tab}.active")
        if tab == "explain":
            page.wait_for_function(
                "document.getElementById('explain-estimate').textContent.includes('coalitions')"
            )
            page.screenshot(path=str(ARTIFACTS / "dashboard-explain-estimate.png"))
    page.screenshot(path=str(ARTIFACTS / "dashboard-levers-grouped.png"), full_page=True)
    # the language switch: Chinese lever labels and tabs, kept when the groups redraw
    page.select_option("#lang", "zh")
    lever = page.locator(".lever[data-path$='.policy.service_latency_days'] .lever-label").first
    assert "补贴兑付时间" in lever.inner_text()
    assert page.inner_text(".tab[data-tab='explain']") == "解释"
    page.screenshot(path=str(ARTIFACTS / "dashboard-zh.png"))
    page.select_option("#lang", "en")
    assert "Days to pay a subsidy" in lever.inner_text()
    assert page.console_errors == [], page.console_errors
