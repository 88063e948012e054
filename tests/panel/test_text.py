"""HTML fragments of the panel: escaping and what each one states."""

from __future__ import annotations

import html
import re

from jupyter_automl.panel import PanelState, text
from jupyter_automl.search.events import Trial


def test_findings_lists_column_and_fix():
    findings = [
        {
            "kind": "constant",
            "column": "<b>id</b>",
            "severity": "warning",
            "message": "column '<b>id</b>' has one value",
            "fix": "dropped it",
        }
    ]
    fragment = text.findings_html(findings)
    assert "&lt;b&gt;id&lt;/b&gt;" in fragment
    assert "<b>id</b>" not in fragment
    assert "dropped it" in fragment
    assert "warning" in fragment


def test_findings_empty_says_nothing_found():
    assert "found nothing" in text.findings_html([])


def test_code_is_escaped_and_copyable():
    code = "print('<script>alert(1)</script>')\nx = 1 < 2"
    fragment = text.code_html(code, "saved as pipeline.py")
    assert "<script>" not in fragment
    assert "Copy code" in fragment
    textarea = re.search(r"<textarea hidden>(.*?)</textarea>", fragment, re.S)
    assert textarea is not None
    assert html.unescape(textarea.group(1)) == code


def test_code_source_carries_panel_id():
    fragment = text.code_source_html("x = 1", "abc123")
    assert f"class='{text.CODE_SOURCE_CLASS}'" in fragment
    assert "data-panel-id='abc123'" in fragment
    assert text.code_source_html(None, "abc123") == ""


def test_progress_shows_eta_and_best():
    state = PanelState(time_budget=60, status="running")
    state.best = Trial(0, "lgbm", {}, 0.1, 0.9, 1.0, 5.0, 100, 0.1, True)
    state.n_trials = 7
    fragment = text.progress_html(state, elapsed=20.0, metric_label="ROC AUC")
    assert "20.0 s of 60 s, about 40 s left" in fragment
    assert "7 trials" in fragment
    assert "<b>lgbm</b>" in fragment
    assert "0.9000" in fragment
    assert "data-status='running'" in fragment
