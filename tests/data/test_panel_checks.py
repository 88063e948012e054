"""The panel's data-checks section lists every finding of the run."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from jupyter_automl.panel import show_panel
from jupyter_automl.run import Run


def test_panel_lists_findings(run_dir):
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=40), "<b>same</b>": 1.0, "y": rng.integers(0, 2, 40)})
    df.loc[0, "x"] = np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = Run(df, "y", run_dir=run_dir)
    panel = show_panel(run, "result")
    section = panel.findings.value
    assert len(run.findings) == 2
    assert section.count("<tr>") == len(run.findings) + 1  # one header row
    assert "column &#x27;&lt;b&gt;same&lt;/b&gt;&#x27; was dropped" in section
    assert "column &#x27;x&#x27; has 1 +inf" in section
    assert "<b>same</b>" not in section
