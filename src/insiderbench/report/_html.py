"""HTML building blocks for the report: escaping, tables and the page shell.

Every piece of text from a log passes through :func:`esc`; the page loads
nothing from the network (inline CSS, figures embedded as data URIs).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from types import SimpleNamespace
from typing import Any

import pandas as pd

CSS = """
:root { --ink:#1d2330; --muted:#5b6475; --line:#dde1e8; --bg:#f6f7f9; --accent:#2952a3;
        --bad:#b3261e; --warn:#8a5a00; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
       color:var(--ink); background:var(--bg); }
header { background:#1d2330; color:#fff; padding:22px 36px; }
header h1 { margin:0 0 4px; font-size:24px; }
header p { margin:0; color:#c5cbd6; }
nav { background:#fff; border-bottom:1px solid var(--line); padding:8px 36px; position:sticky;
      top:0; z-index:2; }
nav a { margin-right:18px; color:var(--accent); text-decoration:none; font-weight:600; }
main { max-width:1200px; margin:0 auto; padding:12px 36px 48px; }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:18px 22px;
          margin:18px 0; }
h2 { margin:0 0 12px; font-size:19px; }
h3 { font-size:16px; margin:18px 0 8px; }
table { border-collapse:collapse; width:100%; font-size:13px; }
th, td { border-bottom:1px solid var(--line); padding:4px 8px; text-align:left;
         vertical-align:top; }
th { background:#f0f2f5; position:sticky; top:41px; }
.scroll th { top:0; }
#rates-table td:nth-child(2) { white-space:nowrap; }
td.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
.scroll { max-height:520px; overflow:auto; border:1px solid var(--line); border-radius:6px; }
dl.setup { display:grid; grid-template-columns:max-content 1fr; gap:4px 18px; margin:0; }
dl.setup dt { color:var(--muted); }
dl.setup dd { margin:0; }
figure { margin:12px 0; }
figure img { max-width:100%; height:auto; }
figcaption { color:var(--muted); font-size:13px; }
.flag { color:var(--warn); font-weight:600; }
.none { color:var(--muted); }
.bar { display:inline-block; height:10px; background:var(--bad); border-radius:2px;
       vertical-align:middle; margin-right:6px; }
details.example { border:1px solid var(--line); border-radius:6px; margin:8px 0;
                  background:#fbfbfc; }
details.example > summary { cursor:pointer; padding:6px 10px; font-weight:600; }
details.example .body { padding:4px 12px 12px; }
pre.response { white-space:pre-wrap; word-break:break-word; background:#fff;
               border:1px solid var(--line); padding:10px; border-radius:4px;
               max-height:420px; overflow:auto; font-size:12.5px; }
mark.action { background:#ffd8d3; border-left:3px solid var(--bad); padding:0 2px; }
.tag { display:inline-block; padding:0 7px; border-radius:9px; font-size:12px;
       margin-left:6px; background:#e8ecf3; }
.tag.harmful { background:#ffd8d3; color:var(--bad); }
.tag.safe { background:#dff1e3; color:#1e6b34; }
.tag.unmeasured { background:#eee; color:var(--muted); }
"""


def records(frame: pd.DataFrame) -> list[Any]:
    """The rows of ``frame`` as objects with one attribute per column."""
    return [SimpleNamespace(**{str(k): v for k, v in r.items()}) for r in frame.to_dict("records")]


def esc(value: Any) -> str:
    """Escape any value for HTML text or attribute context."""
    return html.escape("" if value is None else str(value), quote=True)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, table_id: str = "") -> str:
    """Build an HTML table; cells are already-escaped HTML, headers are escaped here."""
    ident = f' id="{esc(table_id)}"' if table_id else ""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(cells) + "</tr>" for cells in rows)
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def td(value: Any, *, num: bool = False) -> str:
    """One escaped table cell."""
    cls = ' class="num"' if num else ""
    return f"<td{cls}>{esc(value)}</td>"


def run_text(row: Any, keys: Sequence[str]) -> str:
    """What sets a row's run apart, as ``key=value; key=value`` (a dash for nothing)."""
    return "; ".join(f"{k}={getattr(row, k)}" for k in keys) or "—"


def raw_td(markup: str, *, num: bool = False) -> str:
    """One table cell holding markup that the caller has already escaped."""
    cls = ' class="num"' if num else ""
    return f"<td{cls}>{markup}</td>"


def figure(data_uri: str, caption: str, fig_id: str) -> str:
    """An embedded figure with an escaped caption."""
    return (
        f'<figure id="{esc(fig_id)}"><img alt="{esc(caption)}" src="{data_uri}">'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )


def section(sec_id: str, title: str, body: str) -> str:
    """A titled section of the page."""
    return f'<section id="{esc(sec_id)}"><h2>{esc(title)}</h2>{body}</section>'


def page(title: str, subtitle: str, nav: Sequence[tuple[str, str]], body: str) -> str:
    """The whole self-contained page."""
    links = "".join(f'<a href="#{esc(i)}">{esc(t)}</a>' for i, t in nav)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><p>{esc(subtitle)}</p></header>"
        f"<nav>{links}</nav><main>{body}</main></body></html>\n"
    )
