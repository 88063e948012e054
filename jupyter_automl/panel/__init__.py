"""The live panel shown by ``%automl`` in front-ends that render widgets."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
from IPython.display import display

from ..data.findings import findings_html
from ..search.events import FINAL_STATES, SearchFinished, StatusChanged, TrialFinished


def show_panel(run: Any, result_name: str) -> widgets.Widget:
    """Display a progress panel for ``run`` and keep it updated from the search's thread."""
    header = widgets.HTML(
        f"<b>AutoML</b>: {run.task_message} Metric: {run.metric.label} ({run.metric.direction})."
    )
    progress = widgets.FloatProgress(value=0.0, min=0.0, max=1.0, description="time")
    status = widgets.HTML("starting")
    stop = widgets.Button(description="Stop", button_style="warning")
    stop.on_click(lambda _: run.stop("user"))
    checks = widgets.HTML(findings_html(run.findings))
    box = widgets.VBox([header, widgets.HBox([progress, stop]), status, checks])

    def on_event(event: Any) -> None:
        if run.status in FINAL_STATES and not isinstance(event, SearchFinished):
            return
        progress.value = min(run.elapsed / run.time_budget, 1.0)
        best = run.best_trial
        if isinstance(event, TrialFinished) and best is not None:
            status.value = (
                f"{len(run.trial_list)} trials, best {best.learner} "
                f"{run.metric.label} {best.metric_value:.4f}"
            )
        elif isinstance(event, StatusChanged):
            status.value = f"{event.status}: {event.message}"
        elif isinstance(event, SearchFinished):
            progress.value = 1.0
            stop.disabled = True
            status.value = (
                f"{event.result.status}: {event.result.describe_holdout()}; stored in {result_name}"
            )

    run.add_listener(on_event)
    display(box)
    return box
