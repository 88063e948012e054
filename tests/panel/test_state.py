"""The panel's state machine, fed plain run events."""

from __future__ import annotations

from types import SimpleNamespace

from jupyter_automl.panel import PanelState
from jupyter_automl.search.events import (
    BudgetChanged,
    SearchFailed,
    SearchFinished,
    SearchStarted,
    StatusChanged,
    Trial,
    TrialFinished,
)


def trial(index: int, loss: float, learner: str = "lgbm") -> Trial:
    return Trial(index, learner, {}, loss, 1 - loss, 0.1, float(index), 100, loss, False)


def finished(status: str = "done") -> SearchFinished:
    result = SimpleNamespace(
        status=status, model=object(), describe_holdout=lambda: "holdout ROC AUC 0.9"
    )
    return SearchFinished(result)


def running_state() -> PanelState:
    state = PanelState(time_budget=10)
    state.apply(StatusChanged("running", "searching"))
    state.apply(SearchStarted({"time_budget": 10}))
    return state


def test_state_starts_stoppable_without_model():
    state = PanelState(time_budget=10)
    assert state.status == "starting"
    assert state.can_stop
    assert not state.can_extend
    assert not state.has_model


def test_state_counts_trials_and_best():
    state = running_state()
    for index, loss in enumerate([0.3, 0.1, 0.2]):
        state.apply(TrialFinished(trial(index, loss, learner=f"l{index}")))
    assert state.n_trials == 3
    assert state.trials_version == 3
    assert state.best is not None
    assert state.best.learner == "l1"


def test_state_run_to_done():
    state = running_state()
    state.apply(StatusChanged("done", "holdout ROC AUC 0.9"))
    state.apply(finished("done"))
    assert state.final
    assert state.has_model
    assert state.result_version == 1
    assert not state.can_stop
    assert state.can_extend
    assert state.status_text() == "done: holdout ROC AUC 0.9"


def test_state_user_stop_reads_stopped_by_user():
    state = running_state()
    assert state.request_stop()
    assert state.status == "stopping"
    assert not state.request_stop()
    state.apply(StatusChanged("stopping", "finishing the running trial"))
    state.apply(StatusChanged("running", "searching"))  # late event from the search thread
    assert state.status == "stopping"
    state.apply(finished("stopped"))
    assert state.status_text().startswith("stopped by user")


def test_state_interrupt_stop_reads_stopped():
    state = running_state()
    state.apply(StatusChanged("stopping", "finishing the running trial"))
    state.apply(finished("stopped"))
    assert state.status_text().startswith("stopped:")
    assert "by user" not in state.status_text()


def test_state_failure_shows_reason():
    state = running_state()
    state.apply(SearchFailed(RuntimeError("boom"), "no model within 1 s"))
    assert state.status == "failed"
    assert state.status_text() == "failed: no model within 1 s"
    assert not state.can_extend


def test_state_extend_after_done_runs_again():
    state = running_state()
    state.apply(finished("done"))
    assert state.request_extend()
    assert state.status == "running"
    state.apply(BudgetChanged(40))
    assert state.time_budget == 40
    state.apply(finished("done"))
    assert state.result_version == 2


def test_state_failed_continuation_keeps_model():
    state = running_state()
    state.apply(finished("stopped"))
    state.request_extend()
    state.apply(StatusChanged("stopped", "continuation failed: boom"))
    state.apply(SearchFailed(RuntimeError("boom"), "boom"))
    assert state.status == "stopped"
    assert state.has_model
    assert "continuation failed" in state.status_text()


def test_state_extend_rejected_while_stopping():
    state = running_state()
    state.request_stop()
    assert not state.can_extend
    assert not state.request_extend()
