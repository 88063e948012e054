"""Run one FLAML search in a background thread and publish every finished trial.

FLAML 2.8 has neither a trial callback nor a stop method. This module relies on
two of its behaviours, each checked by the tests:

* with ``log_type="all"`` FLAML appends one JSON line per finished trial to
  ``log_file_name`` and flushes it, so a monitor thread can read trials live;
* its sequential search loop re-reads ``AutoML._state.time_budget`` before every
  trial, so lowering that value ends the search after the running trial (this is
  how ``stop`` and the final-refit reserve work), and raising it extends the search.

FLAML itself writes ``time_budget`` too, so the monitor never writes it directly:
see ``flaml_state.BudgetControlledState``.

A search with ``max_trials`` is handed to FLAML without a time budget
(``time_budget=-1``). FLAML then measures each learner's cost in trials instead of
seconds, both when it picks the next learner and inside its CFO search, so two runs
with the same ``random_state`` try the same configs however busy the machine is.
The deadline still applies between trials: ``StoppableAutoML`` ends the search
before the next trial once it has passed, but a running trial is not cut short.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..metrics import REGRESSION, Metric, flaml_metric_name
from .events import Trial
from .flaml_log import FlamlLogRecorder, route_flaml_log

logger = logging.getLogger(__name__)

# How often the monitor thread reads the trial log and adjusts the budget, in seconds.
POLL_INTERVAL = 0.1
# Seconds kept free at the end of the budget for scoring the holdout and saving the run.
# NOTE: a constant, which is too little on large data. On 1,000,000 rows, scoring the
# 200,000 holdout rows and saving took 1.9 s, and such runs ended up to 8% over budget.
FINISH_RESERVE = 0.3
# Minimum search time given to FLAML, in seconds, so that a first trial can run
# even when loading the libraries used up the budget. Without it no model would
# exist, because FLAML's final retrain is switched off (see ``_fit``).
MIN_SEARCH_BUDGET = 1.0
# FLAML's number of folds when it chooses cross-validation for small data.
FLAML_CV_FOLDS = 5
# Share of the budget kept free for the last trial's overrun: some learners (sgd, rf,
# extra_tree in FLAML 2.8) cannot stop a trial when the search budget runs out.
OVERRUN_SHARE = 0.03


def load_flaml() -> tuple[Any, Any]:
    """Import FLAML with its learners, and our ``AutoML`` and state classes, on first use.

    Loading FLAML, LightGBM and XGBoost takes 1-2 s on an idle 2-core machine and
    several seconds on a busy one, so ``import jupyter_automl`` does not do it.
    """
    from .flaml_state import BudgetControlledState, StoppableAutoML

    return StoppableAutoML, BudgetControlledState


def flaml_max_iter(max_trials: int | None) -> int | None:
    """Return FLAML's ``max_iter`` for ``max_trials``; the monitor stops at ``max_trials``.

    FLAML 2.8 treats ``max_iter=1`` as "train the first learner's default config
    without a search": no trial is logged, and for rf and extra_tree its retrain
    raises AttributeError ('_t1'). One extra iteration avoids that path.

    NOTE: so ``max_trials=1`` usually runs two trials, because FLAML starts the
    second before the monitor can stop it.
    """
    if max_trials is None:
        return None
    return max(max_trials, 2)


def flaml_input(X: pd.DataFrame) -> pd.DataFrame | np.ndarray:
    """Return ``X`` as a NumPy array when FLAML's data transformer would not change it.

    For a frame, FLAML 2.8's transformer handles each column in turn: it took over
    20 s on 10,000 columns on a busy 2-core machine before the first trial. On
    columns that are all numeric and have no missing values its median imputer has
    nothing to fill, so it only copies the data and drops columns that are constant in
    the training rows, which the learners ignore anyway. Given an array, FLAML skips that work. The plan reads
    such a search as all columns numeric, in order (``codegen.plan``).
    """
    numeric = all(
        isinstance(dtype, np.dtype) and dtype.kind in "iuf" for dtype in X.dtypes.to_numpy()
    )
    if not numeric or X.shape[1] == 0 or X.isna().to_numpy().any():
        return X
    return X.to_numpy()


def flaml_eval_method(shape: tuple[int, int], time_budget: float) -> str:
    """Return the validation FLAML 2.8 chooses with ``eval_method="auto"`` for this budget.

    FLAML cross-validates when the data is small for the budget
    (``automl.AutoML._decide_eval_method``), and always does so without a budget.
    """
    from flaml.config import CV_HOLDOUT_THRESHOLD, SMALL_LARGE_THRES

    rows, columns = shape
    small = rows * columns / 0.9 < SMALL_LARGE_THRES * (time_budget / 3600)
    return "cv" if small and rows < CV_HOLDOUT_THRESHOLD else "holdout"


@dataclass
class SearchSpec:
    """Everything FLAML needs for one search besides the data."""

    task: str
    metric: Metric
    time_budget: float
    log_path: Path
    max_trials: int | None = None
    random_state: int = 0
    estimator_list: list[str] | str = "auto"
    starting_points: dict[str, Any] | str = "static"
    n_jobs: int = -1
    early_stop: bool = True
    extra_fit_kwargs: dict[str, Any] = field(default_factory=dict)


class FlamlSearch:
    """One FLAML ``fit`` on a background thread, with live trials, stop and a deadline.

    ``deadline`` is an absolute ``time.time()`` by which the whole fit, final refit
    included, should have returned. The monitor lowers FLAML's search budget so that
    the refit of the best model found so far still fits before the deadline.
    """

    def __init__(
        self,
        spec: SearchSpec,
        X_train: pd.DataFrame,
        y_train: pd.Series,
        on_trial: Callable[[Trial], None],
        *,
        first_index: int = 0,
        time_offset: float = 0.0,
        best_loss: float = float("inf"),
    ) -> None:
        # ``time_offset`` is the run's elapsed time now. Trial times count from here, not
        # from ``start``, because ``start`` runs after loading FLAML and the start listeners.
        self._offset_taken_at = time.time()
        AutoML, BudgetControlledState = load_flaml()
        self.spec = spec
        self.automl = AutoML()
        self.automl._state.__class__ = BudgetControlledState
        self.automl.should_stop = self._should_end_search
        self.log_recorder = FlamlLogRecorder()
        self.error: BaseException | None = None
        self.trials: list[Trial] = []
        self._X_train = X_train
        self._y_train = y_train
        self._on_trial = on_trial
        self._next_index = first_index
        self._time_offset = time_offset
        self._best_loss = best_loss
        self._stop_requested = threading.Event()
        # Set when a search without a time budget reached its deadline before max_trials.
        self.ran_out_of_time = False
        self._finished = threading.Event()
        self._deadline = 0.0
        self._started_at = 0.0
        self._log_position = 0
        self._partial_line = ""
        self._fit_thread = threading.Thread(
            target=self._fit, name="jupyter-automl-fit", daemon=True
        )
        self._monitor_thread = threading.Thread(
            target=self._monitor, name="jupyter-automl-monitor", daemon=True
        )

    # -- control ---------------------------------------------------------------

    def start(self, deadline: float) -> None:
        self._deadline = deadline
        self._started_at = time.time()
        self._fit_thread.start()
        self._monitor_thread.start()

    def request_stop(self) -> None:
        """End the search after the running trial; the best model is still refitted."""
        self._stop_requested.set()

    def set_deadline(self, deadline: float) -> None:
        self._deadline = deadline

    @property
    def deadline(self) -> float:
        return self._deadline

    @property
    def stop_requested(self) -> bool:
        return self._stop_requested.is_set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the fit and the monitor to end; return True when both have."""
        self._fit_thread.join(timeout)
        if self._fit_thread.is_alive():
            return False
        self._monitor_thread.join(timeout)
        return not self._monitor_thread.is_alive()

    @property
    def running(self) -> bool:
        return self._fit_thread.is_alive() or self._monitor_thread.is_alive()

    @property
    def has_model(self) -> bool:
        return getattr(self.automl, "_trained_estimator", None) is not None

    # -- threads ---------------------------------------------------------------

    def _fit(self) -> None:
        self.log_recorder.watch_thread(threading.get_ident())
        try:
            with route_flaml_log(self.log_recorder):
                self.automl.fit(
                    X_train=flaml_input(self._X_train), y_train=self._y_train, **self._fit_kwargs()
                )
        except BaseException as error:  # re-raised by the caller from the run's thread
            self.error = error
            logger.warning("FLAML fit failed: %r", error)
        finally:
            self._finished.set()

    @property
    def counts_trials(self) -> bool:
        """True when FLAML runs without a time budget, for ``max_trials`` (see the module doc)."""
        return self.spec.max_trials is not None

    def _fit_kwargs(self) -> dict[str, Any]:
        """Return the keyword arguments of ``AutoML.fit`` besides the data."""
        spec = self.spec
        time_budget = max(self._deadline - time.time() - FINISH_RESERVE, MIN_SEARCH_BUDGET)
        budget_kwargs: dict[str, Any] = {"time_budget": time_budget}
        if self.counts_trials:
            budget_kwargs = {
                "time_budget": -1,
                # FLAML would always choose cross-validation without a time budget.
                "eval_method": flaml_eval_method(self._X_train.shape, time_budget),
            }
        return {
            "task": "regression" if spec.task == REGRESSION else "classification",
            "metric": flaml_metric_name(spec.metric, spec.task),
            **budget_kwargs,
            "max_iter": flaml_max_iter(spec.max_trials),
            "log_file_name": str(spec.log_path),
            "log_type": "all",
            "seed": spec.random_state,
            "estimator_list": spec.estimator_list,
            "starting_points": spec.starting_points,
            "n_jobs": spec.n_jobs,
            "early_stop": spec.early_stop,
            "model_history": False,
            # The run refits the best pipeline itself on every training row,
            # so FLAML's own final retrain would be wasted time.
            "retrain_full": False,
            "verbose": 3,
            **spec.extra_fit_kwargs,
        }

    def _monitor(self) -> None:
        while not self._finished.wait(POLL_INTERVAL):
            self._read_new_trials()
            self._apply_budget()
        self._read_new_trials()

    # -- trial log -------------------------------------------------------------

    def _read_new_trials(self) -> None:
        path = self.spec.log_path
        if not path.exists():
            return
        with open(path, encoding="utf-8") as log:
            log.seek(self._log_position)
            chunk = log.read()
            self._log_position = log.tell()
        if not chunk:
            return
        text = self._partial_line + chunk
        lines = text.split("\n")
        self._partial_line = lines.pop()  # an unfinished last line waits for the next read
        for line in lines:
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    logger.warning("skipped an unreadable line of %s: %r", path, line[:200])
                    continue
                self._handle_record(record)

    def _handle_record(self, record: dict[str, Any]) -> None:
        if "learner" not in record:
            return  # FLAML's closing checkpoint line names only the best record
        loss = float(record["validation_loss"])
        is_best = loss < self._best_loss
        self._best_loss = min(self._best_loss, loss)
        config = dict(record.get("config") or {})
        config.pop("FLAML_sample_size", None)
        trial = Trial(
            index=self._next_index,
            learner=str(record["learner"]),
            config=config,
            loss=loss,
            metric_value=self.spec.metric.loss_to_value(loss),
            cost=float(record["trial_time"]),
            wall_time=self._time_offset + (time.time() - self._offset_taken_at),
            sample_size=int(record.get("sample_size") or len(self._X_train)),
            best_loss=self._best_loss,
            is_best=is_best,
        )
        self._next_index += 1
        self.trials.append(trial)
        self._on_trial(trial)
        if self.spec.max_trials is not None and len(self.trials) >= self.spec.max_trials:
            self.request_stop()

    # -- budget ----------------------------------------------------------------

    def _should_end_search(self) -> bool:
        """Tell FLAML to start no more trials: on request, or, in a search without a time
        budget, once its search time has passed (a time-budgeted search ends by its budget)."""
        if self.stop_requested:
            return True
        if self.counts_trials and self.trials and time.time() >= self._search_end():
            self.ran_out_of_time = True
        return self.ran_out_of_time

    def _search_end(self) -> float:
        """Return the time at which the search must end to leave room for the final refit."""
        return self._work_end() - (self._refit_reserve() - FINISH_RESERVE)

    def _work_end(self) -> float:
        """Return the time by which trials and the final refit must be done.

        What follows is kept free: scoring and saving, and the overrun of a trial that
        cannot be stopped.
        """
        return self._deadline - FINISH_RESERVE - OVERRUN_SHARE * self.spec.time_budget

    def _apply_budget(self) -> None:
        """Set the time FLAML may search, which also caps the trial it starts next.

        FLAML gives a trial the time left of its budget (``AutoMLState.time_budget``
        minus the time from its start). Two limits apply. The search ends early enough
        to refit the best pipeline so far (``_search_end``). And a trial gets no more
        time than it could use and still be refitted before the deadline if it turned
        out the best: its cost plus its own refit must fit in the time left. Without the
        second limit a late trial that took most of the remaining time and became the
        best left too little time for its refit, and the run overran its budget.
        """
        state: Any = self.automl._state  # a BudgetControlledState, see __init__
        flaml_start = getattr(self.automl, "_start_time_flag", None)
        if flaml_start is None:
            return  # fit has not started yet
        if self._stop_requested.is_set():
            state.search_limit = 0.0
            return
        if not self.trials:
            return  # the budget is lowered only once a first trial has given a model
        now = time.time()
        time_left = self._work_end() - now
        full_size = max(trial.sample_size for trial in self.trials)
        trial_end = now + max(time_left, 0.0) / (1 + self._refit_seconds(1.0, full_size))
        state.search_limit = max(min(self._search_end(), trial_end) - flaml_start, 0.0)

    def _refit_reserve(self) -> float:
        """Estimate the seconds needed after the search: the final refits, then scoring."""
        best = min(self.trials, key=lambda trial: trial.loss, default=None)
        if best is None:
            return FINISH_RESERVE
        return self._refit_seconds(best.cost, best.sample_size) + FINISH_RESERVE

    def _refit_seconds(self, cost: float, sample_size: int) -> float:
        """Estimate the final refits of a trial that took ``cost`` seconds on ``sample_size`` rows.

        The run refits the best pipeline on every training row. With
        cross-validation FLAML also retrains it once (``retrain_full=False`` does
        not stop that), so the refit is counted twice. One refit is estimated from
        the trial's cost, scaled to the full row count (a cross-validation trial
        fits FLAML_CV_FOLDS models on 1 - 1/FLAML_CV_FOLDS of the rows each), with
        a fifth more for the variation between fits.
        """
        estimate = cost * len(self._X_train) / max(sample_size, 1)
        if getattr(self.automl._state, "eval_method", None) == "cv":
            estimate = 2 * estimate / (FLAML_CV_FOLDS - 1)
        return 1.2 * estimate
