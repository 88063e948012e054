"""HTML fragments of the panel: header, progress line, data checks and code."""

from __future__ import annotations

import html
from typing import Any

from ..search.events import DONE, FAILED, RUNNING, STARTING, STOPPED, STOPPING
from .state import PanelState

# Colours of the status badge, per run state.
STATUS_COLORS = {
    STARTING: "#6c757d",
    RUNNING: "#0d6efd",
    STOPPING: "#fd7e14",
    DONE: "#198754",
    STOPPED: "#fd7e14",
    FAILED: "#dc3545",
}

# CSS class of the hidden textarea that contains the code the extension inserts.
CODE_SOURCE_CLASS = "jupyter-automl-code-source"


def header_html(info: dict[str, Any]) -> str:
    """Describe target, task, metric, data size and budget, each with how to change it."""
    target = html.escape(repr(info["target"]))
    lines = [
        f"<div style='font-size:15px'><b>AutoML</b> predicting <code>{target}</code></div>",
        f"<div>{html.escape(info['task_message'])}</div>",
        f"<div>Metric: <b>{html.escape(info['metric_label'])}</b> ({html.escape(info['metric_direction'])}); "
        "change it with <code>metric=</code>.</div>",
        f"<div>Data: {info['n_train']:,} training rows, {info['n_holdout']:,} held out for the final score, "
        f"{info['n_columns']:,} feature columns. Budget: {info['time_budget']:g} s "
        "(<code>time_budget=</code>).</div>",
    ]
    if info.get("budget_message"):
        lines.append(f"<div style='color:#6c757d'>{html.escape(info['budget_message'])}</div>")
    return "<div class='jupyter-automl-header' style='line-height:1.5'>" + "".join(lines) + "</div>"


def progress_html(state: PanelState, elapsed: float, metric_label: str) -> str:
    """Describe time used with an ETA, trials finished, the best trial and the status."""
    budget = state.time_budget
    if state.final:
        timing = f"{elapsed:.1f} s used of a {budget:g} s budget"
    else:
        left = max(budget - elapsed, 0.0)
        timing = f"{elapsed:.1f} s of {budget:g} s, about {left:.0f} s left"
    if state.best is None:
        best = "no trial finished yet"
    else:
        best = (
            f"best so far: <b>{html.escape(state.best.learner)}</b>, validation "
            f"{html.escape(metric_label)} <b>{state.best.metric_value:.4f}</b>"
        )
    color = STATUS_COLORS.get(state.status, "#6c757d")
    status = html.escape(state.status_text())
    return (
        "<div class='jupyter-automl-progress' style='line-height:1.6'>"
        f"<span class='jupyter-automl-time'>{timing}</span> &middot; "
        f"<span class='jupyter-automl-trials'>{state.n_trials} trials</span> &middot; "
        f"<span class='jupyter-automl-best'>{best}</span><br>"
        f"<span class='jupyter-automl-status' data-status='{html.escape(state.status)}' "
        f"style='color:{color};font-weight:bold'>{status}</span></div>"
    )


def findings_html(findings: list[dict[str, Any]]) -> str:
    """List what the data checks found and what was done about each."""
    if not findings:
        return (
            "<p class='jupyter-automl-findings'>The data checks found nothing to report or fix.</p>"
        )
    rows = "".join(
        "<tr>"
        f"<td>{html.escape(str(finding.get('severity', '')))}</td>"
        f"<td>{html.escape(str(finding.get('column') or ''))}</td>"
        f"<td>{html.escape(str(finding.get('message', '')))}</td>"
        f"<td>{html.escape(str(finding.get('fix') or 'nothing changed'))}</td>"
        "</tr>"
        for finding in findings
    )
    return (
        "<table class='jupyter-automl-findings' style='border-collapse:collapse'>"
        "<tr><th style='text-align:left'>severity</th><th style='text-align:left'>column</th>"
        "<th style='text-align:left'>found</th><th style='text-align:left'>done</th></tr>"
        f"{rows}</table>"
    )


def code_html(code: str | None, note: str) -> str:
    """Show the generated code with a Copy button, or ``note`` when there is none yet."""
    if code is None:
        return f"<p>{html.escape(note)}</p>"
    escaped = html.escape(code)
    # The button copies from the browser, so it also works in front-ends without our extension.
    copy = (
        "<button class='jupyter-automl-copy' style='margin-bottom:4px' "
        "onclick=\"navigator.clipboard.writeText(this.parentElement.querySelector('textarea').value);"
        "this.textContent='Copied'\">Copy code</button>"
    )
    return (
        f"<div>{copy}<span style='color:#6c757d;margin-left:8px'>{html.escape(note)}</span>"
        f"<textarea hidden>{escaped}</textarea>"
        "<pre class='jupyter-automl-code' style='max-height:420px;overflow:auto;background:#f6f8fa;padding:8px;"
        f"font-size:12px;line-height:1.35'>{escaped}</pre></div>"
    )


def code_source_html(code: str | None, panel_id: str) -> str:
    """Hold ``code`` in a hidden textarea that the JupyterLab extension reads on Insert code."""
    if code is None:
        return ""
    return (
        f"<textarea class='{CODE_SOURCE_CLASS}' data-panel-id='{html.escape(panel_id)}' "
        f"hidden>{html.escape(code)}</textarea>"
    )


def metrics_html(result: Any) -> str:
    """Tabulate the holdout metrics of a finished result in one row."""
    from ..metrics import METRICS

    names = "".join(
        f"<th style='padding:2px 12px 2px 0;text-align:left'>{html.escape(METRICS[name].label)}</th>"
        for name in result.holdout_metrics
    )
    values = "".join(
        f"<td style='padding:2px 12px 2px 0'>{value:.4f}</td>"
        for value in result.holdout_metrics.values()
    )
    return (
        f"<p><b>{html.escape(result.best_learner)}</b>, scored on {result.n_holdout:,} held-out rows "
        "the search never saw.</p>"
        f"<table class='jupyter-automl-metrics'><tr>{names}</tr><tr>{values}</tr></table>"
    )
