"""The HTML page of a report: one self-contained file, plotly's JavaScript embedded once.

Nothing is loaded from the network: no CDN, no web fonts, no MathJax. The page opens from
``file://`` on a machine without a connection.
"""

from __future__ import annotations

import datetime as _dt
import html
from collections.abc import Sequence

import pandas as pd

from rainforest.report._common import Chart, Section, Table

PLOT_CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"scale": 2}}

_CSS = """
:root { --ink:#1d2430; --muted:#5b6575; --line:#e2e6ec; --accent:#0b7a53; --bg:#fbfcfd; }
* { box-sizing: border-box; }
body { margin:0; font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans",
       "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC",
       "Microsoft YaHei", sans-serif;
       color: var(--ink); background: var(--bg); line-height: 1.45; }
header { padding: 24px 32px 12px; border-bottom: 1px solid var(--line); background: #fff; }
header h1 { margin: 0 0 4px; font-size: 1.6rem; }
header p { margin: 2px 0; color: var(--muted); }
nav { padding: 8px 32px; background: #fff; border-bottom: 1px solid var(--line);
      position: sticky; top: 0; z-index: 5; font-size: .9rem; }
nav a { color: var(--accent); margin-right: 16px; text-decoration: none; white-space: nowrap; }
main { padding: 8px 32px 40px; max-width: 1200px; margin: 0 auto; }
section { margin-top: 28px; }
h2 { font-size: 1.25rem; border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
h3 { font-size: 1.02rem; margin: 18px 0 6px; }
figure { margin: 14px 0 24px; background: #fff; border: 1px solid var(--line);
         border-radius: 6px; padding: 8px; }
figcaption { padding: 6px 8px 2px; }
.reading { font-weight: 600; }
.note { color: var(--muted); font-size: .85rem; }
.table-wrap { overflow-x: auto; background: #fff; border: 1px solid var(--line);
              border-radius: 6px; margin: 8px 0 20px; }
table.rf { border-collapse: collapse; font-size: .86rem; width: 100%; }
table.rf th, table.rf td { border-bottom: 1px solid var(--line); padding: 4px 8px;
                           text-align: right; vertical-align: top; }
table.rf th { background: #f2f5f8; position: sticky; top: 0; }
table.rf td:first-child, table.rf th:first-child { text-align: left; }
table.rf.text td, table.rf.text th { text-align: left; }
details summary { cursor: pointer; color: var(--accent); margin: 6px 0; }
footer { color: var(--muted); font-size: .8rem; padding: 16px 32px;
         border-top: 1px solid var(--line); }
"""


def _looks_numeric(col: pd.Series) -> bool:
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        return True
    text = col.dropna().astype(str).str.replace(r"[,\s%–−-]", "", regex=True)
    return bool(len(text)) and bool(text.str.fullmatch(r"[0-9.eE+]*").all())


def _table_html(t: Table) -> str:
    frame = t.frame
    index = t.index
    if index and (frame.index.name or any(frame.index.names)):
        frame, index = frame.reset_index(), False
    numeric = [_looks_numeric(frame[c]) for c in frame.columns]
    text_heavy = bool(numeric) and sum(numeric) < len(numeric) / 2
    cls = "rf text" if text_heavy else "rf"
    body = frame.to_html(index=index, escape=True, na_rep="", border=0, classes=cls)
    inner = f'<div class="table-wrap">{body}</div>'
    if t.collapsed:
        inner = f"<details><summary>show {len(t.frame)} rows</summary>{inner}</details>"
    parts = [f"<h3>{html.escape(t.title)}</h3>"]
    if t.reading:
        parts.append(f'<p class="reading">{html.escape(t.reading)}</p>')
    parts.append(inner)
    if t.note:
        parts.append(f'<p class="note">{html.escape(t.note)}</p>')
    return "\n".join(parts)


def _chart_html(c: Chart, n: int, with_js: bool) -> str:
    div = c.figure.to_html(
        full_html=False,
        include_plotlyjs=with_js,
        include_mathjax=False,
        div_id=f"chart-{n}",
        config=PLOT_CONFIG,
    )
    note = f'<br><span class="note">{html.escape(c.note)}</span>' if c.note else ""
    return (
        f'<figure class="chart" data-title="{html.escape(c.title)}">{div}'
        f'<figcaption><span class="reading">{html.escape(c.reading)}</span>{note}</figcaption>'
        "</figure>"
    )


def _html_lang() -> str:
    from rainforest.i18n import get_lang

    return {"zh": "zh-CN"}.get(get_lang(), "en")


def render_page(title: str, subtitle: str, sections: Sequence[Section]) -> str:
    """The complete HTML document of a report (plotly.js embedded with the first chart)."""
    from rainforest import __version__

    now = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    nav = " ".join(f'<a href="#{s.anchor}">{html.escape(s.title)}</a>' for s in sections if s.items)
    body, n, js_done = [], 0, False
    for s in sections:
        if not s.items:
            continue
        body.append(f'<section id="{s.anchor}"><h2>{html.escape(s.title)}</h2>')
        if s.intro:
            body.append(f"<p>{html.escape(s.intro)}</p>")
        for item in s.items:
            if isinstance(item, Chart):
                body.append(_chart_html(item, n, with_js=not js_done))
                js_done, n = True, n + 1
            else:
                body.append(_table_html(item))
        body.append("</section>")
    return f"""<!DOCTYPE html>
<html lang="{_html_lang()}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="rainforest {html.escape(__version__)}">
<title>{html.escape(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header><h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p></header>
<nav>{nav}</nav>
<main>
{chr(10).join(body)}
</main>
<footer>Made by rainforest {html.escape(__version__)} on {now}. Money is in million yuan.
Self-contained: this file needs no network connection.</footer>
</body>
</html>
"""
