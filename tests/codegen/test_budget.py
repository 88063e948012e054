"""The final refit happens inside the time budget."""

from __future__ import annotations

import realdata

import jupyter_automl as ja

# Seconds a run may exceed its budget here: the refit estimate and thread polling
# are approximate, and the test machine is shared. A sanity bound, not a benchmark.
SLACK = 3.0


def test_refit_stays_within_budget(tmp_path):
    import flaml  # noqa: F401 - loaded first: library import time is not measured here

    result = ja.automl(
        realdata.adult(20000), "income", time_budget=8, run_dir=tmp_path, progress=False
    )
    assert result.status == "done"
    assert len(result.trials_list) >= 2
    assert result.elapsed < 8 + SLACK
    assert (result.run_dir / "pipeline.py").exists()
