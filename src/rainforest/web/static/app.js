/* rainforest dashboard: plain JavaScript over the JSON API (see /docs). */
"use strict";

const CHARTS = ["foundings", "startups_alive", "people", "investment"];
const COMPARE_CHARTS = ["foundings", "startups_alive"];
const COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9"];
const POLL_MS = 400;

const state = {
  health: null,
  scenarios: [],
  current: null,      // scenario detail (with levers)
  levers: {},         // path -> changed value
  job: null,          // id of the job shown in the Run tab
  busy: false,        // a job started from this page is running
  lang: localStorage.getItem("rainforest-lang") || "en",
  baseline: null,     // the last run with no lever changed: {key, series}
  extraCharts: [],    // metrics the user added with the chart chooser
  lastSeries: null,
  explainScale: null,
  polling: null,
  session: null,      // the District tab's step-by-step run
  picture: null,      // its last network picture: {p, kind}
  playing: false,
};

const $ = (id) => document.getElementById(id);

/* -- language: English or simplified Chinese, words from the one catalogue (/api/i18n) --- */
let WORDS = { en: {}, zh: {} };
function tr(word, values) {
  let text = (WORDS[state.lang] || {})[word] || WORDS.en[word] || word;
  for (const [k, v] of Object.entries(values || {})) text = text.split(`{${k}}`).join(String(v));
  return text;
}
function applyLang() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  for (const t of document.querySelectorAll(".tab")) {
    t.dataset.en = t.dataset.en || t.textContent;
    t.textContent = WORDS.en[`tab-${t.dataset.tab}`] ? tr(`tab-${t.dataset.tab}`) : t.dataset.en;
  }
  for (const h of document.querySelectorAll(".interface h2")) {
    h.dataset.en = h.dataset.en || h.textContent;
    h.textContent = tr(h.dataset.en);
  }
  for (const el of document.querySelectorAll("[data-i18n]")) {
    el.dataset.en = el.dataset.en || el.textContent;
    el.textContent = WORDS.en[el.dataset.i18n] ? tr(el.dataset.i18n) : el.dataset.en;
  }
  if (state.current) renderLevers();
  if (state.session && state.session.map) drawMap(state.session.map);
  if (state.session && state.picture) showPicture();
}

/* -- helpers ------------------------------------------------------------------------- */
async function api(path, options = {}) {
  const res = await fetch(path, options);
  let body = null;
  const text = await res.text();
  try { body = text ? JSON.parse(text) : null; } catch (_) { body = text; }
  if (!res.ok) {
    const detail = body && body.detail ? body.detail : `${res.status} ${res.statusText}`;
    const err = new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
    err.status = res.status;
    throw err;
  }
  return body;
}

function showError(msg) {
  const el = $("error");
  el.textContent = msg;
  el.hidden = !msg;
}

function fmt(x, digits = 3) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString("en");
  if (a === 0) return "0";
  return Number(x.toPrecision(digits)).toString();
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;",
    '"': "&quot;", "'": "&#39;" }[c]));
}

function option(value, label) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label;
  return o;
}

/* -- scenarios and levers ------------------------------------------------------------ */
async function loadScenarios(selectId) {
  state.scenarios = await api("/api/scenarios");
  // presets by kind (archetypes, places, networks) with Chinese and English names
  const groups = [
    ["Places · 地区", (s) => s.origin === "preset" && s.group === "place"],
    ["Archetypes · 类型", (s) => s.origin === "preset" && s.group === "archetype"],
    ["Networks · 区域网络", (s) => s.origin === "preset" && s.group === "network"],
    ["Other presets", (s) => s.origin === "preset" && !["place", "archetype", "network"].includes(s.group)],
    ["Added by the operator", (s) => s.origin === "added"],
    ["Uploaded", (s) => s.origin === "upload"],
  ];
  const label = (s) => {
    if (s.origin !== "preset") return s.name === s.id ? s.name : `${s.name} (${s.id})`;
    const zh = s.label_zh && s.label_zh !== s.label_en ? `${s.label_zh} · ` : "";
    return `${zh}${s.label_en || s.name}`;
  };
  for (const id of ["scenario-select", "compare-a", "compare-b", "explain-a", "explain-b"]) {
    const sel = $(id);
    const keep = sel.value;
    sel.innerHTML = "";
    for (const [title, test] of groups) {
      const items = state.scenarios.filter(test);
      if (!items.length) continue;
      const og = document.createElement("optgroup");
      og.label = title;
      for (const s of items) og.appendChild(option(s.id, label(s)));
      sel.appendChild(og);
    }
    if (keep && state.scenarios.some((s) => s.id === keep)) sel.value = keep;
  }
  const prefer = selectId || (state.scenarios.some((s) => s.id === "hangzhou") ? "hangzhou" : null);
  if (prefer) $("scenario-select").value = prefer;
  if (!$("compare-b").value || $("compare-a").value === $("compare-b").value) {
    const ids = state.scenarios.map((s) => s.id);
    const b = ids.includes("zhangjiang") ? "zhangjiang" : ids[1] || ids[0];
    $("compare-b").value = b;
    $("explain-b").value = b;
  }
  await selectScenario($("scenario-select").value);
}

async function selectScenario(id) {
  if (!id) return;
  state.current = await api(`/api/scenarios/${encodeURIComponent(id)}`);
  state.levers = {};
  const sc = state.current;
  $("scenario-desc").textContent =
    `${sc.description || ""} Regions: ${sc.regions.join(", ")}; ${fmt(sc.population)} people; ` +
    `warm-up ${sc.warmup_years} years.`;
  $("scale").value = sc.scale;
  $("compare-a").value = id;
  $("explain-a").value = id;
  renderLevers();
  updateEstimate();
}

function renderLevers() {
  // one collapsible group per region and kind (culture, policy); the first region's groups
  // open, the others closed, so a five-region preset is not 110 sliders in one scroll
  const box = $("levers");
  box.innerHTML = "";
  const first = state.current.levers.length ? state.current.levers[0].region : null;
  let key = null;
  let body = null;
  for (const lv of state.current.levers) {
    if (`${lv.region}|${lv.group}` !== key) {
      key = `${lv.region}|${lv.group}`;
      const det = document.createElement("details");
      det.className = "lever-group";
      det.dataset.region = lv.region;
      det.dataset.group = lv.group;
      det.open = lv.region === first;
      const n = state.current.levers.filter((x) => x.region === lv.region && x.group === lv.group).length;
      det.innerHTML = `<summary><span class="region-title">${escapeHtml(lv.region)}</span> · ${escapeHtml(tr(lv.group))} <span class="muted small">(${n})</span></summary>`;
      body = document.createElement("div");
      det.appendChild(body);
      box.appendChild(det);
    }
    body.appendChild(leverControl(lv));
  }
}

function leverControl(lv) {
  const wrap = document.createElement("div");
  wrap.className = "lever";
  wrap.dataset.path = lv.path;
  wrap.title = `${lv.label_zh ? lv.label_zh + " — " : ""}${lv.description} (${lv.path})`;
  const unit = lv.unit ? ` ${lv.unit}` : "";
  const cited = !lv.source.startsWith("model default");
  // a lever moved before the groups were drawn again (language switch) keeps its value
  const current = lv.path in state.levers ? state.levers[lv.path] : lv.value;
  wrap.classList.toggle("changed", lv.path in state.levers);
  if (lv.kind === "bool") {
    wrap.innerHTML = `<label class="head"><span>${escapeHtml(lv.label)}</span>
      <input type="checkbox" data-testid="lever-${escapeHtml(lv.path)}"></label>`;
    const input = wrap.querySelector("input");
    input.checked = !!current;
    input.addEventListener("change", () => setLever(lv, input.checked, wrap));
  } else {
    const name = state.lang === "zh" && lv.label_zh ? lv.label_zh : lv.label;
    wrap.innerHTML = `<div class="head"><span class="lever-label">${escapeHtml(name)}${lv.unit ? ` <span class="muted small">(${escapeHtml(lv.unit)})</span>` : ""}</span>
      <span class="val">${fmt(current)}${escapeHtml(unit)}</span></div>
      <input type="range" data-testid="lever-${escapeHtml(lv.path)}" aria-label="${escapeHtml(lv.path)}"
        min="${lv.min}" max="${lv.max}" step="${lv.step}" value="${current}">`;
    const input = wrap.querySelector("input");
    const val = wrap.querySelector(".val");
    input.addEventListener("input", () => {
      val.textContent = `${fmt(Number(input.value))}${unit}`;
      setLever(lv, Number(input.value), wrap);
    });
  }
  const src = document.createElement("div");
  src.className = "src" + (cited ? " cited" : "");
  src.textContent = lv.source;
  src.title = lv.source;
  wrap.appendChild(src);
  return wrap;
}

function setLever(lv, value, wrap) {
  if (value === lv.value) delete state.levers[lv.path];
  else state.levers[lv.path] = value;
  wrap.classList.toggle("changed", lv.path in state.levers);
}

function settings() {
  const scale = Number($("scale").value);
  return {
    years: Math.max(1, Math.round(Number($("years").value) || 1)),
    seed: Math.max(0, Math.round(Number($("seed").value) || 0)),
    scale: scale > 0 ? scale : null,
  };
}

function updateEstimate() {
  const sc = state.current;
  if (!sc) return;
  const s = settings();
  const pm = (sc.population / (s.scale || sc.scale)) * 12 * (s.years + sc.warmup_years);
  const cap = state.health ? state.health.max_person_months : null;
  const over = cap && pm > cap;
  $("size-estimate").textContent =
    `≈ ${fmt(sc.population / (s.scale || sc.scale))} simulated people, ${fmt(pm)} person-months` +
    (cap ? ` (server cap ${fmt(cap)})` : "") + (over ? " — raise scale or cut years" : "");
  $("size-estimate").style.color = over ? "#b3261e" : "";
}

/* -- charts -------------------------------------------------------------------------- */
function axisTitle(label, unit) {
  if (!unit || unit === label.toLowerCase()) return label;
  return label.length + unit.length > 26 ? unit : `${label} (${unit})`;
}

function chartFigure(series, metric, title) {
  const months = series.months || [];
  const x = months.map((m) => m / 12);
  const data = series.metrics && series.metrics[metric] ? series.metrics[metric] : {};
  const traces = [];
  Object.entries(data).forEach(([region, ys], i) => {
    const color = COLORS[i % COLORS.length];
    const lo = series.lo && series.lo[metric] && series.lo[metric][region];
    const hi = series.hi && series.hi[metric] && series.hi[metric][region];
    if (lo && hi) {
      // 90% band over runs: the low edge, then the high edge filled down to it
      traces.push({ x, y: lo, mode: "lines", line: { width: 0, color }, hoverinfo: "skip",
        showlegend: false, legendgroup: region });
      traces.push({ x, y: hi, mode: "lines", line: { width: 0, color }, fill: "tonexty",
        fillcolor: hexToRgba(color, 0.18), name: `${region} 90% band`, hoverinfo: "skip",
        showlegend: false, legendgroup: region });
    }
    traces.push({ x, y: ys, name: lo && hi ? `${region} (mean of ${series.runs} runs)` : region,
      mode: "lines", line: { color, width: 2 }, legendgroup: region });
  });
  const unit = (series.units || {})[metric] || "";
  const label = (series.labels || {})[metric] || metric;
  return {
    data: traces,
    layout: {
      title: { text: title || label, x: 0, xanchor: "left", font: { size: 14 } },
      margin: { l: 60, r: 10, t: 40, b: 70 },
      xaxis: { title: { text: "Time (years since start)" }, rangemode: "tozero", gridcolor: "#eee" },
      yaxis: { title: { text: axisTitle(label, unit) }, rangemode: "tozero", gridcolor: "#eee" },
      legend: { orientation: "h", y: -0.3, yanchor: "top" },
      plot_bgcolor: "#fff",
      paper_bgcolor: "#fff",
      height: 300,
    },
  };
}

function hexToRgba(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

function drawCharts(containerId, series, metrics, prefix, baseline = null) {
  const box = $(containerId);
  for (const metric of metrics) {
    const id = `${prefix}-${metric}`;
    let div = $(id);
    if (!div) {
      div = document.createElement("div");
      div.id = id;
      div.className = "chart";
      div.dataset.testid = `chart-${metric}`;
      div.setAttribute("data-testid", `chart-${metric}`);
      box.appendChild(div);
    }
    const fig = chartFigure(series, metric);
    if (baseline && baseline.metrics && baseline.metrics[metric]) {
      const bx = (baseline.months || []).map((m) => m / 12);
      Object.entries(baseline.metrics[metric]).forEach(([region, ys], i) => {
        fig.data.push({ x: bx, y: ys, name: `${region} before the lever change`, mode: "lines",
          line: { color: COLORS[i % COLORS.length], width: 1.5, dash: "dot" }, opacity: 0.8 });
      });
    }
    Plotly.react(div, fig.data, fig.layout, { displaylogo: false, responsive: true });
  }
}

function summaryTable(rows) {
  if (!rows || !rows.length) return "";
  const cols = Object.keys(rows[0]);
  const units = { people: "people", foundings: "firms", failures: "firms", ipos: "firms",
    unicorns: "firms", startups_alive: "firms", firms: "firms", patents: "patents",
    output: "million yuan", public_spending: "million yuan" };
  const head = cols.map((c) => `<th>${escapeHtml(c.replace(/_/g, " "))}${units[c] ? `<br><span class="muted small">${units[c]}</span>` : ""}</th>`).join("");
  // several runs: each value is {mean, lo, hi}, shown as mean [lo–hi]
  const cell = (v) => {
    if (v === null || typeof v !== "object") return fmt(v);
    if (v.lo === v.hi) return fmt(v.mean);  // every run gave the same total
    return `${fmt(v.mean)} <span class="muted small">[${fmt(v.lo)}–${fmt(v.hi)}]</span>`;
  };
  const body = rows.map((r) => `<tr>${cols.map((c) => `<td>${c === "region" ? escapeHtml(r[c]) : cell(r[c])}</td>`).join("")}</tr>`).join("");
  return `<div class="table-scroll"><table class="summary" data-testid="summary-table"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/* -- running ------------------------------------------------------------------------- */
function progressText(job) {
  const p = job.progress;
  if (job.status === "queued") return "queued";
  if (p.total === 0) return job.status;
  if (job.kind === "explain" || job.runs > 1) return `${job.status}: run ${p.done} of ${p.total}`;
  if (job.status === "running" && p.done < p.warmup) return `warm-up: month ${p.done} of ${p.warmup}`;
  const rep = Math.max(0, p.done - p.warmup);
  return `${job.status}: month ${rep} of ${p.total - p.warmup}` + (job.error ? ` — ${job.error}` : "");
}

function showJob(job, containerId = "run-charts", prefix = "run") {
  $("progress").value = job.progress.total ? job.progress.done / job.progress.total : 0;
  $("progress-text").textContent = progressText(job);
  if (job.series && job.series.months && job.series.months.length) {
    // a run with levers moved is drawn over the last unchanged run of the same settings
    const base = Object.keys(job.levers || {}).length && state.baseline &&
      state.baseline.key === runKey(job) ? state.baseline.series : null;
    drawCharts(containerId, job.series, [...CHARTS, ...state.extraCharts], prefix, base);
  }
}

/* policy packages (issue 16): a chooser in the run settings; the server adopts the package */
async function loadPackages() {
  try {
    const pkgs = await api("/api/packages");
    const zh = state.lang === "zh";
    for (const p of pkgs) {
      const o = document.createElement("option");
      o.value = p.name;
      o.textContent = zh ? p.title_zh : p.title;
      o.title = `${p.title_zh}\n${p.description}`;
      $("package").appendChild(o);
    }
  } catch (err) { /* the chooser stays at "none" */ }
}

async function startRun(scenarioId, levers, label, runs = 1, pkg = "") {
  const s = settings();
  const body = { scenario: scenarioId, years: s.years, seed: s.seed, levers, label: label || "",
    runs };
  if (pkg) body.package = pkg;
  if (s.scale) body.scale = s.scale;
  return api("/api/jobs", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body) });
}

async function waitJob(id, onUpdate) {
  for (;;) {
    const job = await api(`/api/jobs/${id}`);
    onUpdate(job);
    if (!["queued", "running"].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function setRunning(running) {
  setBusy(running);
  $("stop-btn").disabled = !running;
}

function setBusy(busy) {
  // one job at a time from this page: every start button is disabled while one runs
  state.busy = busy;
  for (const id of ["run-btn", "compare-btn", "explain-btn"]) $(id).disabled = busy;
}

async function run() {
  showError("");
  if (!state.current) return;
  setRunning(true);
  $("run-charts").innerHTML = "";
  Plotly.purge("run-network");
  $("run-summary").innerHTML = "";
  $("run-links").innerHTML = "";
  const changed = Object.keys(state.levers).length;
  $("run-title").textContent = `${state.current.name}` + (changed ? ` with ${changed} lever(s) changed` : "");
  try {
    const pkg = $("package").value;
    const job = await startRun(state.current.id, state.levers, pkg ? `package ${pkg}` : "", 1, pkg);
    state.job = job.id;
    const final = await waitJob(job.id, (j) => showJob(j));
    finishJob(final);
  } catch (err) {
    showError(err.message);
    $("progress-text").textContent = "idle";
  } finally {
    setRunning(false);
    refreshRuns();
  }
}

function seriesCsv(series) {
  // long CSV of a job's series: month, metric, region, value (and the band when several runs)
  const rows = ["month,metric,region,value,lo,hi"];
  const months = series.months || [];
  for (const [metric, byRegion] of Object.entries(series.metrics || {})) {
    for (const [region, ys] of Object.entries(byRegion)) {
      const lo = series.lo && series.lo[metric] ? series.lo[metric][region] : null;
      const hi = series.hi && series.hi[metric] ? series.hi[metric][region] : null;
      months.forEach((m, i) => {
        rows.push([m, metric, JSON.stringify(region), ys[i], lo ? lo[i] : "", hi ? hi[i] : ""].join(","));
      });
    }
  }
  return rows.join("\n") + "\n";
}

function runKey(job) {
  return `${job.scenario_id}|${job.years}|${job.seed}|${job.scale}|${job.runs}`;
}

function fillChartChooser(series) {
  const sel = $("chart-metric");
  const keep = sel.value;
  sel.innerHTML = "";
  sel.appendChild(option("", "add a chart…"));
  for (const m of Object.keys(series.metrics || {})) {
    if (CHARTS.includes(m)) continue;
    sel.appendChild(option(m, (series.labels || {})[m] || m));
  }
  sel.value = keep;
}

function finishJob(job) {
  if (job.status === "done" && job.series && !Object.keys(job.levers || {}).length) {
    state.baseline = { key: runKey(job), series: job.series };  // for the overlay
  }
  showJob(job);
  const nl = Object.keys(job.levers || {}).length;
  $("run-title").textContent = `${job.label}: ${job.status} (seed ${job.seed}, ${job.years} year${job.years === 1 ? "" : "s"}, ` +
    `scale ${fmt(job.scale)}${nl ? `; ${nl} lever${nl === 1 ? "" : "s"} changed` : ""})`;
  $("run-summary").innerHTML = summaryTable(job.summary);
  if (job.has_report) {
    $("run-links").innerHTML = `<a href="/api/jobs/${job.id}/report" target="_blank" data-testid="report-link">Open the full report</a>
      · <a href="/api/jobs/${job.id}/report?download=true">download</a>`;
  }
  if (job.has_report && job.kind === "run") {
    $("run-links").insertAdjacentHTML("beforeend", ` · <a href="/api/jobs/${job.id}/metrics.csv" download data-testid="metrics-csv">${escapeHtml(tr("dl_csv"))}</a>
      · <a href="/api/jobs/${job.id}/metrics.xlsx" download data-testid="metrics-xlsx">${escapeHtml(tr("dl_xlsx"))}</a>`);
  }
  if (job.series && job.series.months && job.series.months.length) {
    const url = URL.createObjectURL(new Blob([seriesCsv(job.series)], { type: "text/csv" }));
    $("run-links").insertAdjacentHTML("beforeend", `${job.has_report ? " · " : ""}<a href="${url}" download="${escapeHtml(job.scenario)}-series.csv" data-testid="csv-link">series as CSV</a>`);
    state.lastSeries = job.series;
    fillChartChooser(job.series);
  }
  if (job.status === "done" && job.kind === "run" && job.runs === 1) {
    api(`/api/jobs/${job.id}/network`).then((out) => {
      if (out.available) drawPicture("run-network", out.picture, tr("net_genealogy"), true);
    }).catch(() => {});
  }
  if (job.status === "failed") showError(job.error || "the job failed");
}

async function stop() {
  if (!state.job) return;
  try { await api(`/api/jobs/${state.job}/stop`, { method: "POST" }); } catch (err) { showError(err.message); }
}

/* -- compare ------------------------------------------------------------------------- */
async function compare() {
  showError("");
  const a = $("compare-a").value;
  const b = $("compare-b").value;
  const panes = { a: $("compare-a-pane"), b: $("compare-b-pane") };
  setBusy(true);
  const runs = Math.min(64, Math.max(1, Math.round(Number($("compare-runs").value) || 1)));
  try {
    for (const [key, id] of [["a", a], ["b", b]]) {
      const pane = panes[key];
      const name = (state.scenarios.find((s) => s.id === id) || { name: id }).name;
      pane.innerHTML = `<h3>${key.toUpperCase()}: ${escapeHtml(name)}</h3><div id="cmp-${key}-charts"></div><div id="cmp-${key}-summary"></div>`;
      const levers = key === "a" && id === (state.current && state.current.id) ? state.levers : {};
      $("compare-status").textContent = `running ${key.toUpperCase()} (${name})…`;
      const job = await startRun(id, levers, `${key.toUpperCase()}: ${name}`, runs);
      const final = await waitJob(job.id, (j) => {
        $("compare-status").textContent = `${key.toUpperCase()}: ${progressText(j)}`;
        if (j.series && j.series.months && j.series.months.length) drawCharts(`cmp-${key}-charts`, j.series, COMPARE_CHARTS, `cmp-${key}`);
      });
      if (final.series && final.series.months) drawCharts(`cmp-${key}-charts`, final.series, COMPARE_CHARTS, `cmp-${key}`);
      $(`cmp-${key}-summary`).innerHTML = summaryTable(final.summary);
      if (final.status !== "done") throw new Error(`${name}: ${final.status}${final.error ? ` (${final.error})` : ""}`);
    }
    syncRanges(["cmp-a", "cmp-b"], COMPARE_CHARTS);
    $("compare-status").textContent = "done";
  } catch (err) {
    showError(err.message);
    $("compare-status").textContent = "";
  } finally {
    setBusy(false);
    refreshRuns();
  }
}

function syncRanges(prefixes, metrics) {
  // the same y axis for A and B, so the panes compare at a glance
  for (const metric of metrics) {
    const divs = prefixes.map((p) => $(`${p}-${metric}`)).filter((d) => d && d.data);
    let top = 0;
    for (const d of divs) for (const t of d.data) for (const v of t.y) if (v !== null && v > top) top = v;
    if (top > 0) for (const d of divs) Plotly.relayout(d, { "yaxis.range": [0, top * 1.05] });
  }
}

/* -- explain ------------------------------------------------------------------------- */
function explainBody() {
  const s = settings();
  const body = { a: $("explain-a").value, b: $("explain-b").value, years: s.years, seed: s.seed,
    runs: Math.max(1, Number($("explain-runs").value) || 1) };
  if (s.scale) body.scale = s.scale;
  return body;
}

async function explainEstimate() {
  // the cost of the explanation before it is asked for, every coalition counted, and the
  // scale it will run at when the asked one is over the server's cap
  const body = explainBody();
  const q = new URLSearchParams({ a: body.a, b: body.b, years: body.years, runs: body.runs });
  if (body.scale) q.set("scale", body.scale);
  const el = $("explain-estimate");
  try {
    const e = await api(`/api/explain/estimate?${q}`);
    state.explainScale = e.fits ? null : e.fit_scale;
    let text = `≈ ${fmt(e.runs)} runs (${e.coalitions} coalitions of lever groups × ${body.runs} runs, plus A), ` +
      `${fmt(e.person_months)} person-months at scale ${fmt(e.scale)}`;
    if (!e.fits) {
      text += ` — over this server's cap of ${fmt(e.cap)}: it will run at scale ${fmt(e.fit_scale)} ` +
        `(about ${fmt(e.simulated_people_b)} simulated people in B). A coarser scale means fewer, ` +
        `heavier agents: expect wider intervals, and check a close call at a finer scale from the command line.`;
    }
    el.textContent = text;
    el.classList.toggle("warn", !e.fits);
    return e;
  } catch (err) {
    el.textContent = err.message;
    return null;
  }
}

async function explain() {
  showError("");
  const out = $("explain-result");
  const body = explainBody();
  const est = await explainEstimate();
  if (est && !est.fits) body.scale = est.fit_scale;
  out.innerHTML = "";
  setBusy(true);
  try {
    const job = await api("/api/explain", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body) });
    out.innerHTML = `<p class="muted">explaining…</p>`;
    const final = await waitJob(job.id, (j) => { out.querySelector("p").textContent = progressText(j); });
    if (final.status !== "done") throw new Error(final.error || final.status);
    drawWaterfall(out, final);
    if (est && !est.fits) {
      out.insertAdjacentHTML("afterbegin", `<p class="notice" data-testid="explain-scale-note">Ran at scale ${fmt(body.scale)} ` +
        `instead of ${fmt(est.scale)} to fit this server's cap: intervals are wider than at the finer scale.</p>`);
    }
  } catch (err) {
    if (err.status === 501) {
      out.innerHTML = `<div class="notice" data-testid="explain-unavailable"><strong>Not available.</strong> ${escapeHtml(err.message)}</div>`;
    } else {
      showError(err.message);
    }
  } finally {
    setBusy(false);
  }
}

function drawWaterfall(out, job) {
  // the outcome's name and unit in the title and on the axis, 90% intervals as whiskers at
  // the end of each group's step (as in the report)
  const rows = job.attribution || [];
  const oc = job.outcome || { label: "outcome", unit: "" };
  const unit = oc.unit ? ` (${oc.unit})` : "";
  out.innerHTML = `<div id="explain-chart" class="chart"></div>`;
  const x = rows.map((r) => r.label || r.group).concat(["total gap"]);
  const y = rows.map((r) => r.value).concat([job.total_gap]);
  const data = [{ type: "waterfall", x, y, name: "contribution",
    measure: rows.map(() => "relative").concat(["total"]) }];
  let end = 0;
  const wx = [], wy = [], up = [], down = [];
  for (const r of rows) {
    end += r.value;
    if (r.lo === null || r.lo === undefined || r.hi === null || r.hi === undefined) continue;
    wx.push(r.label || r.group); wy.push(end);
    up.push(Math.abs(r.hi - r.value)); down.push(Math.abs(r.value - r.lo));
  }
  if (wx.length) {
    data.push({ type: "scatter", mode: "markers", x: wx, y: wy, name: "90% interval",
      marker: { size: 1, color: "#333" },
      error_y: { type: "data", symmetric: false, array: up, arrayminus: down, color: "#333", width: 6 } });
  }
  Plotly.react("explain-chart", data, {
    title: { text: `${oc.label}: attribution of the gap, ${job.scenario} vs ${job.vs} (total ${fmt(job.total_gap)}${unit})`, x: 0 },
    xaxis: { title: { text: "Lever group" } }, yaxis: { title: { text: `Contribution to the gap${unit}` } },
    legend: { orientation: "h", y: -0.25 },
    plot_bgcolor: "#fff", paper_bgcolor: "#fff", height: 380 }, { displaylogo: false });
  if (job.has_report) out.insertAdjacentHTML("beforeend", `<p><a href="/api/jobs/${job.id}/report" target="_blank">Open the full report</a></p>`);
}

/* -- runs ---------------------------------------------------------------------------- */
async function refreshRuns() {
  try {
    const runs = await api("/api/runs");
    const tbody = $("runs-table").querySelector("tbody");
    tbody.innerHTML = runs.map((r) => `<tr data-run="${escapeHtml(r.run_id)}">
      <td>${escapeHtml(r.scenario)}</td><td>${r.seed ?? ""}</td><td>${r.years ?? ""}</td>
      <td>${r.scale !== null && r.scale !== undefined ? fmt(r.scale) : ""}</td><td>${escapeHtml(r.status)}</td>
      <td>${escapeHtml(r.source)}</td>
      <td><button data-open="${escapeHtml(r.run_id)}">Open</button>
      ${r.source === "memory" && r.status === "finished" ? `<a href="/api/jobs/${escapeHtml(r.job_id)}/report" target="_blank">report</a>` : ""}</td></tr>`).join("");
    for (const btn of tbody.querySelectorAll("button[data-open]")) {
      btn.addEventListener("click", () => openRun(btn.dataset.open));
    }
  } catch (err) {
    showError(`runs: ${err.message}`);
  }
}

async function openRun(runId) {
  showError("");
  try {
    const run = await api(`/api/runs/${encodeURIComponent(runId)}`);
    activateTab("run");
    $("run-charts").innerHTML = "";
    Plotly.purge("run-network");
    $("run-links").innerHTML = "";
    if (run.series && run.series.months) drawCharts("run-charts", run.series, CHARTS, "run");
    $("run-summary").innerHTML = summaryTable(run.summary);
    $("run-title").textContent = `Reopened: ${run.label} (${run.status}, seed ${run.seed}, ${run.years} years)`;
    await restoreSettings(run);
    if (run.has_report) {
      $("run-links").innerHTML = `<a href="/api/jobs/${run.id}/report" target="_blank" data-testid="report-link">Open the full report</a>`;
    }
  } catch (err) {
    showError(err.message);
  }
}

async function restoreSettings(run) {
  // the sidebar takes the reopened run's scenario, years, seed, scale and levers, so that
  // Run repeats it (or a variation of it) rather than whatever was selected before
  const id = run.scenario_id;
  if (!id || !state.scenarios.some((s) => s.id === id)) return;
  $("scenario-select").value = id;
  await selectScenario(id);
  if (run.years) $("years").value = run.years;
  if (run.seed !== null && run.seed !== undefined) $("seed").value = run.seed;
  if (run.scale) $("scale").value = run.scale;
  for (const [path, value] of Object.entries(run.levers || {})) {
    const wrap = document.querySelector(`.lever[data-path="${CSS.escape(path)}"]`);
    if (!wrap) continue;
    const input = wrap.querySelector("input");
    if (input.type === "checkbox") input.checked = !!value;
    else {
      input.value = value;
      const val = wrap.querySelector(".val");
      if (val) val.textContent = fmt(Number(value));
    }
    state.levers[path] = value;
    wrap.classList.add("changed");
    const group = wrap.closest("details");
    if (group) group.open = true;
  }
  updateEstimate();
}

/* -- upload -------------------------------------------------------------------------- */
async function upload(ev) {
  showError("");
  const file = ev.target.files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file, file.name);
  try {
    const sc = await api("/api/scenarios/upload", { method: "POST", body: form });
    await loadScenarios(sc.id);
  } catch (err) {
    showError(`Upload of ${file.name} failed: ${err.message}`);
  } finally {
    ev.target.value = "";
  }
}

/* -- district: a single run step by step, its map and network ---------------------- */
function setStepping(open, playing = false) {
  $("step-start").disabled = playing;
  $("step-step").disabled = !open || playing || (state.session && state.session.finished);
  $("step-play").disabled = !open || playing || (state.session && state.session.finished);
  $("step-pause").disabled = !playing;
  $("step-close").disabled = !open || playing;
  $("net-draw").disabled = !open || playing;
}

async function stepStart() {
  showError("");
  if (!state.current) return;
  await stepClose();
  const s = settings();
  const body = { scenario: state.current.id, years: s.years, seed: s.seed, levers: state.levers,
    network: $("step-network").checked };
  if (s.scale) body.scale = s.scale;
  try {
    const info = await api("/api/sessions", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body) });
    state.session = { ...info, map: null };
    state.picture = null;
    $("district-map").innerHTML = "";
    $("step-chart").innerHTML = "";
    $("network-chart").innerHTML = "";
    $("net-reading").textContent = "";
    showPosition(info);
    setStepping(true);
  } catch (err) {
    showError(err.message);
  }
}

function showPosition(p) {
  let text = p.month < 0 ? tr("step_warmup", { left: -p.month })
    : tr("step_position", { month: p.month, total: p.total - p.warmup, done: p.done, all: p.total });
  if (p.finished) text += ` · ${tr("step_finished")}`;
  $("step-status").textContent = text;
}

async function stepOnce() {
  const sid = state.session && state.session.id;
  if (!sid) return null;
  const months = Number($("step-speed").value) || 1;
  const out = await api(`/api/sessions/${sid}/step?months=${months}`, { method: "POST" });
  state.session = { ...state.session, ...out };
  showPosition(out);
  drawMap(out.map);
  if (out.series && out.series.months && out.series.months.length) {
    drawCharts("step-chart", out.series, ["startups_alive"], "step");
  }
  $("step-links").innerHTML = `<a href="/api/sessions/${sid}/metrics.csv" download data-testid="step-csv">${escapeHtml(tr("dl_csv"))}</a>
    · <a href="/api/sessions/${sid}/metrics.xlsx" download data-testid="step-xlsx">${escapeHtml(tr("dl_xlsx"))}</a>`;
  return out;
}

async function stepButton() {
  showError("");
  setStepping(true, true);
  try { await stepOnce(); } catch (err) { showError(err.message); }
  setStepping(!!state.session, false);
}

async function play() {
  showError("");
  state.playing = true;
  setStepping(true, true);
  try {
    while (state.playing && state.session && !state.session.finished) {
      await stepOnce();
      await new Promise((r) => setTimeout(r, 50));  // let the page draw between steps
    }
  } catch (err) {
    showError(err.message);
  }
  state.playing = false;
  setStepping(!!state.session, false);
  if (state.session && state.session.finished) drawNetwork();
}

function pause() {
  state.playing = false;  // the step in flight finishes, then the loop stops
}

async function stepClose() {
  state.playing = false;
  const sid = state.session && state.session.id;
  state.session = null;
  setStepping(false);
  if (sid) { try { await api(`/api/sessions/${sid}`, { method: "DELETE" }); } catch (_) { /* gone */ } }
}

function drawMap(snap) {
  if (!snap || !snap.regions || !snap.regions.length) return;
  const layer = $("map-layer").value;
  const regs = snap.regions;
  const cols = Math.min(regs.length, 3);
  const rows = Math.ceil(regs.length / cols);
  const vals = regs.flatMap((r) => r.layers[layer].flat()).filter((v) => v !== null);
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const unit = snap.units[layer];
  const data = regs.map((r, i) => ({
    type: "heatmap", z: r.layers[layer], x: r.x_km, y: r.y_km, zmin: lo, zmax: hi === lo ? lo + 1 : hi,
    colorscale: "Viridis", showscale: i === 0, colorbar: { title: { text: unit } },
    xaxis: `x${i ? i + 1 : ""}`, yaxis: `y${i ? i + 1 : ""}`,
    hovertemplate: `%{x} km, %{y} km<br>%{z}<extra>${escapeHtml(r.region)}</extra>`,
  }));
  const layout = {
    title: { text: `${tr("map_title", { layer: tr(`layer_${layer}`) })} (${unit}) · month ${snap.month}`, x: 0, font: { size: 14 } },
    grid: { rows, columns: cols, pattern: "independent" },
    annotations: regs.map((r, i) => ({ text: escapeHtml(r.region), showarrow: false, xref: `x${i ? i + 1 : ""} domain`,
      yref: `y${i ? i + 1 : ""} domain`, x: 0, y: 1.08, xanchor: "left", font: { size: 12 } })),
    height: 280 * rows + 80, margin: { l: 50, r: 20, t: 60, b: 40 }, paper_bgcolor: "#fff", plot_bgcolor: "#fff",
  };
  regs.forEach((_, i) => {
    const k = i ? i + 1 : "";
    layout[`xaxis${k}`] = { title: { text: "km" }, constrain: "domain" };
    layout[`yaxis${k}`] = { title: { text: "km" }, scaleanchor: `x${k}` };
  });
  Plotly.react("district-map", data, layout, { displaylogo: false, responsive: true });
}

function drawPicture(divId, p, title, withReading = false) {
  // a sampled network: grey links, nodes coloured by group (kind of organisation or region)
  const ex = [];
  const ey = [];
  p.src.forEach((a, i) => { const b = p.dst[i]; ex.push(p.x[a], p.x[b], null); ey.push(p.y[a], p.y[b], null); });
  const data = [{ x: ex, y: ey, mode: "lines", line: { color: "#bbb", width: 0.8 }, hoverinfo: "skip", name: title }];
  [...new Set(p.group)].forEach((g, gi) => {
    const idx = p.group.map((x, i) => (x === g ? i : -1)).filter((i) => i >= 0);
    data.push({ x: idx.map((i) => p.x[i]), y: idx.map((i) => p.y[i]), text: idx.map((i) => p.hover[i]),
      mode: "markers", name: g, hoverinfo: "text",
      marker: { size: 8, color: COLORS[gi % COLORS.length], line: { width: 0.5, color: "#333" } } });
  });
  Plotly.react(divId, data, {
    title: { text: withReading ? `${title}: ${tr("net_reading", { shown: p.nodes.length, total: fmt(p.total_nodes), edges: p.src.length })}` : title, x: 0, font: { size: 13 } },
    xaxis: { visible: false }, yaxis: { visible: false }, height: 460,
    legend: { orientation: "h", y: -0.05 }, margin: { l: 10, r: 10, t: 50, b: 40 },
    paper_bgcolor: "#fff", plot_bgcolor: "#fff",
  }, { displaylogo: false, responsive: true });
}

function showPicture() {
  // the District tab's network picture and its reading, in the page's language
  const { p, kind } = state.picture;
  drawPicture("network-chart", p, kind === "ties" ? tr("net_ties") : tr("net_genealogy"));
  $("net-reading").textContent = tr("net_reading", { shown: p.nodes.length, total: fmt(p.total_nodes), edges: p.src.length });
}

async function drawNetwork() {
  const sid = state.session && state.session.id;
  if (!sid) return;
  const kind = $("net-kind").value;
  try {
    const out = await api(`/api/sessions/${sid}/network?kind=${kind}`);
    if (!out.available) {
      // after the last month there is no "further" to step: say the run had none
      const over = kind === "genealogy" && state.session && state.session.finished;
      $("net-reading").textContent = tr(over ? "net_none_genealogy_end" : `net_none_${kind}`);
      Plotly.purge("network-chart");
      return;
    }
    state.picture = { p: out.picture, kind };
    showPicture();
  } catch (err) {
    showError(err.message);
  }
}

/* -- tabs and start-up --------------------------------------------------------------- */
function activateTab(name) {
  for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t.dataset.tab === name);
  for (const p of document.querySelectorAll(".tabpane")) p.classList.toggle("active", p.id === `tab-${name}`);
  window.dispatchEvent(new Event("resize"));
}

async function init() {
  for (const t of document.querySelectorAll(".tab")) t.addEventListener("click", () => {
    activateTab(t.dataset.tab);
    if (t.dataset.tab === "runs") refreshRuns();
  });
  $("scenario-select").addEventListener("change", (e) => selectScenario(e.target.value).catch((err) => showError(err.message)));
  $("upload-input").addEventListener("change", upload);
  for (const id of ["years", "scale"]) $(id).addEventListener("input", updateEstimate);
  $("run-btn").addEventListener("click", run);
  $("stop-btn").addEventListener("click", stop);
  $("compare-btn").addEventListener("click", compare);
  $("explain-btn").addEventListener("click", explain);
  $("runs-refresh").addEventListener("click", refreshRuns);
  $("step-start").addEventListener("click", stepStart);
  $("step-step").addEventListener("click", stepButton);
  $("step-play").addEventListener("click", play);
  $("step-pause").addEventListener("click", pause);
  $("step-close").addEventListener("click", () => { stepClose(); $("step-status").textContent = ""; });
  $("net-draw").addEventListener("click", drawNetwork);
  $("map-layer").addEventListener("change", () => { if (state.session && state.session.map) drawMap(state.session.map); });
  window.addEventListener("beforeunload", () => {
    if (state.session) fetch(`/api/sessions/${state.session.id}`, { method: "DELETE", keepalive: true });
  });
  $("reset-levers").addEventListener("click", () => { state.levers = {}; renderLevers(); });
  try { WORDS = await api("/api/i18n"); } catch (_) { /* English words stay */ }
  $("lang").value = state.lang;
  $("lang").addEventListener("change", (e) => {
    state.lang = e.target.value;
    localStorage.setItem("rainforest-lang", state.lang);
    applyLang();
  });
  applyLang();
  for (const id of ["explain-a", "explain-b", "explain-runs", "years", "scale"]) {
    $(id).addEventListener("change", () => { if (state.explainReady) explainEstimate(); });
  }
  $("chart-metric").addEventListener("change", (e) => {
    const m = e.target.value;
    if (!m || state.extraCharts.includes(m) || !state.lastSeries) return;
    state.extraCharts.push(m);
    drawCharts("run-charts", state.lastSeries, [m], "run");
    e.target.value = "";
  });
  try {
    state.health = await api("/api/health");
    $("server-info").textContent = `v${state.health.version} · ${state.health.max_jobs} job(s) at once` +
      (state.health.store ? " · store on" : "");
    if (!state.health.explain_available) {
      $("explain-btn").title = "This build has no explanation API";
      $("explain-result").innerHTML = `<div class="notice" data-testid="explain-unavailable"><strong>Not available.</strong>
        This build has no explanation API (rainforest.experiments.explain); compare the scenarios instead.</div>`;
    }
    await loadScenarios();
    loadPackages();
    refreshRuns();
    if (state.health.explain_available) {
      state.explainReady = true;
      await explainEstimate();
    }
    document.body.dataset.ready = "1";
  } catch (err) {
    showError(`Could not load the dashboard: ${err.message}`);
  }
}

init();
