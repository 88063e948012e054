"""The panel's widgets driven by real runs, without a browser."""

from __future__ import annotations

import time

import pytest

from jupyter_automl.panel import AutoMLPanel, widget
from jupyter_automl.panel.figures import PLOTLY_MIMETYPE
from jupyter_automl.run import Run
from jupyter_automl.search.events import Trial


def plotly_specs(output):
    return [
        item["data"][PLOTLY_MIMETYPE] for item in output.outputs if PLOTLY_MIMETYPE in item["data"]
    ]


def trial_points(spec) -> int:
    return sum(len(trace["x"]) for trace in spec["data"] if trace.get("meta") == "trials")


def wait_for_redraws(panel: AutoMLPanel, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while panel._redraw_thread is not None and time.time() < deadline:
        time.sleep(0.1)
    assert panel._redraw_thread is None, "the redraw thread did not finish"


@pytest.fixture
def small_adult(adult_df):
    return adult_df.head(1000)


def test_panel_follows_finished_search(small_adult, run_dir):
    run = Run(small_adult, "income", time_budget=60, max_trials=6, run_dir=run_dir)
    panel = AutoMLPanel(run, "result")
    panel.show()
    run.start()
    result = run.wait()
    wait_for_redraws(panel)

    assert panel.state.status == "done"
    assert panel.state.n_trials == len(run.trial_list)
    assert panel.progress.value == pytest.approx(min(run.elapsed / run.time_budget, 1.0), abs=0.01)
    assert f"{len(run.trial_list)} trials" in panel.progress_text.value
    assert "data-status='done'" in panel.progress_text.value
    [spec] = plotly_specs(panel.progress_chart)
    assert trial_points(spec) == len(run.trial_list)
    assert len(plotly_specs(panel.leaderboard_chart)) == 1
    titles = [spec["layout"]["title"]["text"] for spec in plotly_specs(panel.model_charts)]
    assert titles[:3] == [
        "Confusion matrix (holdout)",
        "ROC curve (holdout)",
        "Precision-recall curve (holdout)",
    ]
    assert titles[3].startswith("Permutation importance")
    assert result.best_learner in panel.model_metrics.value
    assert panel.stop_button.disabled
    assert not panel.extend_button.disabled


def test_panel_stop_button_keeps_model(small_adult, run_dir):
    run = Run(small_adult, "income", time_budget=120, run_dir=run_dir)
    panel = AutoMLPanel(run, "result")
    panel.show()
    run.start()
    deadline = time.time() + 60
    while not run.trial_list and time.time() < deadline:
        time.sleep(0.1)
    panel.stop_button.click()
    assert panel.state.status == "stopping"
    assert "data-status='stopping'" in panel.progress_text.value
    result = run.wait(timeout=90)
    wait_for_redraws(panel)

    assert result.status == "stopped"
    assert result.model is not None
    assert run.elapsed < 100
    assert panel.state.status_text().startswith("stopped by user")
    assert "stopped by user" in panel.progress_text.value
    assert panel.progress.bar_style == "warning"


def test_panel_batches_500_trials(small_adult, run_dir):
    run = Run(small_adult, "income", time_budget=60, run_dir=run_dir)
    panel = AutoMLPanel(run, "result")
    chart_updates = []
    panel.progress_chart.observe(lambda change: chart_updates.append(time.time()), "outputs")
    panel.show()
    started = time.time()
    for index in range(500):
        loss = 0.5 / (index + 1)
        trial = Trial(index, ("lgbm", "rf")[index % 2], {"n": index}, loss, 1 - loss, 0.01,
                      time.time() - started, 100, loss, True)  # fmt: skip
        run._on_trial(trial)  # the engine's per-trial callback
        time.sleep(0.004)
    deadline = time.time() + 10
    while time.time() < deadline:
        specs = plotly_specs(panel.progress_chart)
        if specs and trial_points(specs[0]) == 500:
            break
        time.sleep(0.1)
    duration = time.time() - started

    assert trial_points(plotly_specs(panel.progress_chart)[0]) == 500
    # At most one chart message per chart interval, plus the first and the last.
    assert len(chart_updates) <= duration / widget.CHART_INTERVAL + 2
    assert len(chart_updates) < 50
    assert panel.state.n_trials == 500


def test_insert_code_falls_back_without_extension(small_adult, run_dir, monkeypatch):
    monkeypatch.setattr(widget, "INSERT_TIMEOUT", 0.2)
    run = Run(small_adult, "income", time_budget=60, run_dir=run_dir)
    panel = AutoMLPanel(run, "result")
    panel.code = "print('model code')"
    panel._on_insert(panel.insert_button)
    time.sleep(0.6)
    assert "No cell was inserted" in panel.message.value
    assert "pipeline.py" in panel.message.value
    assert panel.tabs.selected_index == widget.CODE_TAB


def test_insert_code_confirmed_by_extension(small_adult, run_dir, monkeypatch):
    monkeypatch.setattr(widget, "INSERT_TIMEOUT", 0.3)
    run = Run(small_adult, "income", time_budget=60, run_dir=run_dir)
    panel = AutoMLPanel(run, "result")
    panel.code = "print('model code')"
    panel._on_insert(panel.insert_button)
    open_message = {
        "content": {"data": {"event": "code_inserted", "panel_id": panel.panel_id, "cell_index": 2}}
    }
    widget._on_comm_open(None, open_message)
    time.sleep(0.6)
    assert "Inserted the code in a new cell below (cell 3)" in panel.message.value
    assert panel.tabs.selected_index == 0


def test_panel_extend_continues_search(small_adult, run_dir):
    run = Run(small_adult, "income", time_budget=60, max_trials=3, run_dir=run_dir)
    panel = AutoMLPanel(run, "result")
    panel.show()
    run.start()
    run.wait()
    wait_for_redraws(panel)
    first_trials = panel.state.n_trials
    panel.extend_seconds.value = 5
    panel.extend_button.click()
    assert panel.state.status == "running"
    assert "Added 5 s" in panel.message.value
    result = run.wait(timeout=120)
    wait_for_redraws(panel)

    assert panel.state.time_budget == 65
    assert panel.state.n_trials > first_trials
    assert panel.state.result_version == 2
    assert panel.state.status == result.status
    [spec] = plotly_specs(panel.progress_chart)
    assert trial_points(spec) == panel.state.n_trials


def test_leaderboard_drawn_when_tab_opens(small_adult, run_dir):
    run = Run(small_adult, "income", time_budget=60, run_dir=run_dir)
    panel = AutoMLPanel(run, "result")
    panel.show()
    trial = Trial(0, "lgbm", {}, 0.2, 0.8, 0.1, 1.0, 100, 0.2, True)
    run._on_trial(trial)  # the engine's per-trial callback
    deadline = time.time() + 10
    while not plotly_specs(panel.progress_chart) and time.time() < deadline:
        time.sleep(0.1)
    assert len(plotly_specs(panel.progress_chart)) == 1
    assert plotly_specs(panel.leaderboard_chart) == []

    panel.tabs.selected_index = widget.LEADERBOARD_TAB
    [spec] = plotly_specs(panel.leaderboard_chart)
    assert list(spec["data"][0]["y"]) == ["lgbm"]
