"""The panel's state machine, kept free of widgets so it can be tested on plain events.

States follow the run: starting -> running -> (stopping ->) done | stopped | failed.
Extend moves a finished run back to running. Events arrive on the search's monitor
thread and button requests on the kernel's main thread, so callers hold a lock
around ``apply`` and the ``request_*`` methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..search.events import (
    DONE,
    FAILED,
    FINAL_STATES,
    RUNNING,
    STARTING,
    STOPPED,
    STOPPING,
    BudgetChanged,
    SearchFailed,
    SearchFinished,
    SearchStarted,
    StatusChanged,
    Trial,
    TrialFinished,
)


@dataclass
class PanelState:
    """The panel's view of a run: status, trial count, best trial and the final result."""

    time_budget: float
    status: str = STARTING
    message: str = ""
    n_trials: int = 0
    best: Trial | None = None
    result: Any = None
    stop_reason: str | None = None
    trials_version: int = 0
    result_version: int = 0

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATES

    @property
    def can_stop(self) -> bool:
        return self.status in (STARTING, RUNNING)

    @property
    def can_extend(self) -> bool:
        return self.status == RUNNING or (self.status in (DONE, STOPPED) and self.has_model)

    @property
    def has_model(self) -> bool:
        return self.result is not None and getattr(self.result, "model", None) is not None

    def apply(self, event: Any) -> None:
        """Update the state from one run event."""
        if isinstance(event, TrialFinished):
            self._add_trial(event.trial)
        elif isinstance(event, StatusChanged):
            self._change_status(event.status, event.message)
        elif isinstance(event, SearchStarted):
            self.time_budget = float(event.info.get("time_budget", self.time_budget))
        elif isinstance(event, BudgetChanged):
            self.time_budget = float(event.time_budget)
        elif isinstance(event, SearchFinished):
            self.result = event.result
            self.result_version += 1
            self.status = event.result.status
            self.message = event.result.describe_holdout()
        elif isinstance(event, SearchFailed):
            self._fail(event.message or str(event.error))

    def request_stop(self) -> bool:
        """Move to stopping on the user's request; return False when there is nothing to stop."""
        if not self.can_stop:
            return False
        self.status = STOPPING
        self.stop_reason = "user"
        self.message = "finishing the running trial, then refitting the best model"
        return True

    def request_extend(self) -> bool:
        """Return whether Extend applies now; a finished run goes back to running."""
        if not self.can_extend:
            return False
        if self.final:
            self.status = RUNNING
            self.stop_reason = None
            self.message = "continuing from the best configs found so far"
        return True

    def status_text(self) -> str:
        """Describe the status in a few words, e.g. ``stopped by user`` or ``failed: ...``."""
        if self.status == STOPPED:
            label = "stopped by user" if self.stop_reason == "user" else "stopped"
        elif self.status == STOPPING:
            label = "stopping"
        else:
            label = self.status
        return f"{label}: {self.message}" if self.message else label

    def _add_trial(self, trial: Trial) -> None:
        self.n_trials += 1
        self.trials_version += 1
        if self.best is None or trial.loss < self.best.loss:
            self.best = trial

    def _change_status(self, status: str, message: str) -> None:
        if self.status == STOPPING and status == RUNNING:
            return  # a late "running" from the search thread must not undo a stop
        if status == STOPPING and self.stop_reason is None:
            self.stop_reason = "interrupt"
        if status == RUNNING and self.final:
            self.stop_reason = None
        self.status = status
        self.message = message

    def _fail(self, message: str) -> None:
        if self.has_model:
            # A failed continuation keeps the earlier model and its status.
            self.message = f"continuation failed: {message}"
            return
        self.status = FAILED
        self.message = message
