"""Compact text progress for terminals, scripts and notebooks run without widgets."""

from __future__ import annotations

import queue
import sys
import time
from typing import Any, TextIO

from .search.events import (
    BudgetChanged,
    SearchFailed,
    SearchFinished,
    SearchStarted,
    StatusChanged,
    TrialFinished,
)

# Seconds between "still running" lines when no new best model was found.
HEARTBEAT_SECONDS = 10.0


class TextProgress:
    """Turn run events into short lines, printed later by ``flush`` on the caller's thread.

    Events arrive on the search's monitor thread; printing from there would put the
    text under whatever notebook cell runs next, so lines wait in a queue instead.
    """

    def __init__(self, run: Any, stream: TextIO | None = None) -> None:
        self.run = run
        self.stream = stream
        self._lines: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._last_line_at = time.time()
        self._trial_count = 0

    def __call__(self, event: Any) -> None:
        if isinstance(event, SearchStarted):
            self._put(_describe_start(event.info))
        elif isinstance(event, TrialFinished):
            self._on_trial(event.trial)
        elif isinstance(event, StatusChanged) and event.status == "stopping":
            self._put("Stopping: " + event.message)
        elif isinstance(event, BudgetChanged):
            self._put(f"Budget is now {event.time_budget:g} s.")
        elif isinstance(event, SearchFinished):
            self._put(event.result.summary())
        elif isinstance(event, SearchFailed):
            self._put(f"Search failed: {event.message}")

    def flush(self) -> None:
        """Print the lines queued so far."""
        stream = self.stream or sys.stdout
        while True:
            try:
                line = self._lines.get_nowait()
            except queue.Empty:
                break
            print(line, file=stream, flush=True)

    def _on_trial(self, trial: Any) -> None:
        self._trial_count += 1
        metric = self.run.metric
        if trial.is_best:
            self._put(
                f"  {trial.wall_time:6.1f} s  trial {trial.index + 1:>4}  new best: {trial.learner:<15} "
                f"validation {metric.label} {trial.metric_value:.4f}"
            )
        elif time.time() - self._last_line_at >= HEARTBEAT_SECONDS:
            best = self.run.best_trial
            self._put(
                f"  {trial.wall_time:6.1f} s of {self.run.time_budget:g} s, {self._trial_count} trials, "
                f"best {best.learner} {metric.label} {best.metric_value:.4f}"
            )

    def _put(self, line: str) -> None:
        self._last_line_at = time.time()
        self._lines.put(line)


def _describe_start(info: dict[str, Any]) -> str:
    lines = [
        f"AutoML: {info['task_message']}",
        f"  Metric: {info['metric_label']} ({info['metric_direction']}). "
        f"{info['n_train']:,} training rows, {info['n_holdout']:,} held out, "
        f"{info['n_columns']:,} feature columns. Budget {info['time_budget']:g} s.",
    ]
    if info.get("budget_message"):
        lines.append("  " + info["budget_message"])
    for finding in info.get("findings", []):
        lines.append(f"  Data check ({finding['severity']}): {finding['message']}")
    lines.append(f"  Run folder: {info['run_dir']}")
    return "\n".join(lines)
