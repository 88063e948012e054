"""The %automl panel in a real JupyterLab and Notebook 7, driven through headless Chromium."""

from __future__ import annotations

import re
import time

import pytest
from driver import (
    SETUP_CELL,
    PanelReader,
    cell_output,
    cells,
    open_notebook,
    prompt_done,
    run_cell,
    wait_for_cell,
    wait_until,
)

pytestmark = pytest.mark.browser

FLOAT = re.compile(r"-?\d+\.\d+")


def start_search(
    page, lab_server, name: str, magic: str, app: str = "lab", extra: list[str] | None = None
):
    """Open a notebook with the setup cell and ``magic``, run both, and return the panel's reader."""
    lab_server.write_notebook(name, [SETUP_CELL, magic, *(extra or [])])
    open_notebook(page, lab_server.url, name, app)
    wait_for_cell(run_cell(page, 0), timeout=90)
    automl_cell = run_cell(page, 1)
    panel = PanelReader(automl_cell)
    panel.root.wait_for(timeout=60_000)
    return automl_cell, panel


def test_progress_updates_while_kernel_idle(page, lab_server, artifacts):
    automl_cell, panel = start_search(
        page, lab_server, "progress.ipynb", '%automl df target="income" time_budget=20'
    )
    widths: list[float] = []
    trial_counts: list[int] = []
    running_shot = False
    deadline = time.time() + 90
    while panel.status() not in ("done", "failed") and time.time() < deadline:
        if prompt_done(automl_cell):  # the cell has returned: the kernel is idle
            widths.append(panel.progress_width())
            trial_counts.append(panel.trials())
            if (
                not running_shot
                and panel.trials() >= 2
                and panel.root.locator(".js-plotly-plot").count()
            ):
                page.screenshot(path=artifacts / "lab-1-running.png", full_page=True)
                running_shot = True
        time.sleep(0.3)

    assert panel.status() == "done", panel.status_text()
    increasing = sorted(set(widths))
    assert len(increasing) >= 3, f"progress widths seen while idle: {widths}"
    assert widths == sorted(widths), f"progress went backwards: {widths}"
    assert max(trial_counts) > min(trial_counts), f"trial count never changed: {trial_counts}"
    assert "best so far" in panel.best()
    wait_until(
        lambda: panel.chart_points() == panel.trials(), 10, what="the chart to show every trial"
    )
    assert panel.chart_points() == panel.trials()
    panel.root.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "lab-1-done.png", full_page=True)

    panel.root.locator(".lm-TabBar-tab", has_text="Leaderboard").click()
    board = panel.root.locator(".js-plotly-plot", has_text="Best validation loss per learner")
    board.wait_for(timeout=30_000)
    page.screenshot(path=artifacts / "lab-1-leaderboard.png", full_page=True)
    panel.root.locator(".lm-TabBar-tab", has_text="Data checks").click()
    panel.root.locator(".jupyter-automl-findings").wait_for()
    page.screenshot(path=artifacts / "lab-1-data-checks.png", full_page=True)


def test_stop_keeps_model_and_kernel_free(page, lab_server, artifacts):
    automl_cell, panel = start_search(
        page,
        lab_server,
        "stop.ipynb",
        '%automl df target="income" time_budget=300',
        extra=["print(40 + 2)", "print(type(automl_result.model).__name__, automl_result.status)"],
    )
    wait_until(lambda: panel.trials() >= 2, 90, what="two trials")
    started = time.time()
    free_cell = run_cell(page, 2)
    wait_until(lambda: "42" in cell_output(free_cell), 30, what="a cell to run during the search")
    free_seconds = time.time() - started
    print(f"a cell ran in {free_seconds:.1f} s during the search")
    assert free_seconds < 15  # a generous bound: the kernel is not waiting for the search
    assert panel.status() == "running"

    panel.button("Stop").click()
    clicked = time.time()
    wait_until(lambda: panel.status() in ("stopping", "stopped"), 15, what="the stop to show")
    print(f"the panel showed {panel.status()!r} {time.time() - clicked:.1f} s after the click")
    page.screenshot(path=artifacts / "lab-2-stopping.png", full_page=True)
    panel.wait_for_status("stopped", 60)
    stop_seconds = time.time() - clicked
    assert "stopped by user" in panel.status_text()
    assert stop_seconds < 60

    model_cell = run_cell(page, 3)
    wait_until(lambda: "Model" in cell_output(model_cell), 20, what="the stored result")
    assert "Model stopped" in cell_output(model_cell)
    wait_until(
        lambda: not panel.button("Insert code").is_disabled(), 20, what="code to be generated"
    )
    panel.root.locator(".lm-TabBar-tab", has_text="Code").click()
    code = panel.root.locator("pre.jupyter-automl-code").inner_text()
    assert "import" in code
    page.screenshot(path=artifacts / "lab-2-stopped-code.png", full_page=True)


def insert_and_run_code(page, automl_cell, panel, artifacts, prefix: str) -> None:
    """Click Insert code, check the new cell directly below, run it and compare its score."""
    count = cells(page).count()
    panel_score = panel.holdout_score()
    code = panel.root.locator("textarea.jupyter-automl-code-source").input_value()
    panel.button("Insert code").click()
    wait_until(lambda: cells(page).count() == count + 1, 10, what="a new cell")
    inserted = cells(page).nth(2)
    inserted_text = inserted.locator(".jp-InputArea-editor").inner_text()
    assert inserted_text.splitlines()[0].strip() == code.splitlines()[0].strip()
    wait_until(lambda: "Inserted the code" in panel.message(), 10, what="the insert confirmation")
    assert "extension" in panel.message()

    output_cell = run_cell(page, 2)
    wait_for_cell(output_cell, timeout=120)
    output = cell_output(output_cell)
    page.screenshot(path=artifacts / f"{prefix}-inserted-code.png", full_page=True)
    printed = [float(value) for value in FLOAT.findall(output)]
    assert any(float(f"{value:.4g}") == panel_score for value in printed), (panel_score, output)


def test_insert_code_below_and_run(page, lab_server, artifacts):
    automl_cell, panel = start_search(
        page,
        lab_server,
        "insert.ipynb",
        '%automl df target="income" time_budget=60 max_trials=8',
        extra=["1 + 1"],
    )
    panel.wait_for_status("done", 90)
    wait_until(
        lambda: not panel.button("Insert code").is_disabled(), 20, what="code to be generated"
    )
    insert_and_run_code(page, automl_cell, panel, artifacts, "lab-3")


def test_panel_in_notebook7(page, lab_server, artifacts):
    automl_cell, panel = start_search(
        page,
        lab_server,
        "nb7.ipynb",
        '%automl df target="income" time_budget=60 max_trials=8',
        app="notebook",
        extra=["1 + 1"],
    )
    wait_until(lambda: panel.trials() >= 1, 60, what="the first trial")
    assert prompt_done(automl_cell)
    panel.wait_for_status("done", 90)
    wait_until(
        lambda: panel.chart_points() == panel.trials(), 10, what="the chart to show every trial"
    )
    panel.root.locator(".lm-TabBar-tab", has_text="Model").click()
    panel.root.locator(".js-plotly-plot", has_text="Confusion matrix").wait_for(timeout=30_000)
    page.screenshot(path=artifacts / "nb7-1-done-model.png", full_page=True)
    panel.root.locator(".lm-TabBar-tab", has_text="Search progress").click()
    wait_until(
        lambda: not panel.button("Insert code").is_disabled(), 20, what="code to be generated"
    )
    insert_and_run_code(page, automl_cell, panel, artifacts, "nb7-2")
