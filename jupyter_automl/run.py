"""``Run``: one AutoML search on a DataFrame, running in the background.

The run checks the data and splits off the holdout on the caller's thread, so bad
input fails before anything starts. The search then runs on background threads;
listeners receive every event, ``stop`` ends it early and ``wait`` returns the
``Result``.
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import runfolder
from .codegen.fingerprint import fingerprint
from .codegen.plan import CodegenError, check_learners, plan_from_flaml, search_names
from .data.checks import Finding, prepare
from .data.split import split_holdout
from .data.steps import apply_steps, quiet_steps
from .data.task import TaskChoice, infer_task, is_number_target
from .errors import (
    AutoMLError,
    BudgetError,
    BudgetWarning,
    ConfigError,
    RunInProgressError,
    SearchError,
)
from .kernel import stop_on_interrupt
from .metrics import (
    REGRESSION,
    check_metric_fits_target,
    evaluate,
    metric_requires_regression,
    resolve_metric,
)
from .model import Model
from .result import Result, trials_frame
from .search.budget import default_time_budget, parse_time_budget
from .search.engine import FlamlSearch, SearchSpec, load_flaml
from .search.events import (
    DONE,
    FAILED,
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
from .search.parallel import ParallelFlamlSearch, ParallelOptions, check_parallel_options, connect

logger = logging.getLogger(__name__)

Listener = Callable[[Any], None]

_last_run: Run | None = None
_active_runs: set[Run] = set()


def last_run() -> Run | None:
    """Return the most recently started run in this process, or None."""
    return _last_run


def check_no_search_running() -> None:
    """Raise ``RunInProgressError`` while another search of this process is running.

    FLAML's tuner keeps module-level state, so two searches at once in one process
    break each other (the second fails inside ``flaml.tune``).
    """
    running = [run for run in _active_runs if not run.done]
    if running:
        other = running[0]
        raise RunInProgressError(
            f"a search for {other.target!r} is still running ({other.elapsed:.0f} s of "
            f"{other.time_budget:g} s); only one search can run at a time in a process. "
            "Stop it with ja.last_run().stop() or wait with ja.last_run().wait(), then start again"
        )


def stop_all(reason: str = "interrupt") -> None:
    """Stop every run of this process that is still searching."""
    for run in list(_active_runs):
        run.stop(reason)


class Run:
    """One search on ``df`` predicting column ``target``; create it with ``jupyter_automl.start``."""

    def __init__(
        self,
        df: pd.DataFrame,
        target: Any,
        *,
        time_budget: float | str | None = None,
        metric: str | None = None,
        task: str | None = None,
        max_trials: int | None = None,
        holdout: float = 0.2,
        random_state: int = 0,
        learners: list[str] | None = None,
        run_dir: str | Path | None = None,
        drop_missing_target: bool = True,
        data_name: str | None = None,
        n_jobs: int = -1,
        n_concurrent_trials: int = 1,
        backend: str = "ray",
        ray_address: str | None = None,
        starting_points: str = "static",
    ) -> None:
        check_no_search_running()
        # The one-time import of FLAML is not charged to the time budget.
        load_flaml()
        self._started_at = time.time()
        prepared = prepare(df, target, drop_missing_target=drop_missing_target)
        choice = infer_task(prepared.y, task)
        if task is None and metric_requires_regression(metric) and is_number_target(prepared.y):
            # A metric such as metric="rmse" means that whole numbers are quantities.
            choice = TaskChoice(REGRESSION, f"metric={metric!r} is a regression metric")
        self.target = target
        self.task = choice.task
        self.task_message = choice.message(str(target))
        self.task_reason = choice.reason
        self.metric = resolve_metric(metric, self.task)
        check_metric_fits_target(self.metric, prepared.y)
        self.max_trials = _check_max_trials(max_trials)
        self.starting_points = _check_starting_points(starting_points)
        self.random_state = _check_random_state(random_state)
        self.data_name = data_name
        self.feature_names = list(prepared.X.columns)
        self.n_rows, self.n_columns = prepared.X.shape
        if time_budget is None:
            self.time_budget = default_time_budget(self.n_rows, self.n_columns)
            self.budget_message = (
                f"No time_budget given: using {self.time_budget:g} s for "
                f"{self.n_rows:,} rows x {self.n_columns:,} columns. Pass time_budget= to change it."
            )
        else:
            self.time_budget = parse_time_budget(time_budget)
            self.budget_message = ""
        self.steps = prepared.steps
        self.data_fingerprint = fingerprint(df)
        # The split is made on the raw columns, so the final model is fitted on the
        # same rows as the generated code; the search gets them with the steps applied.
        self.split = split_holdout(prepared.X, prepared.y, self.task, holdout, self.random_state)
        with quiet_steps():  # the findings already report what the steps change
            features = apply_steps(self.steps, self.split.X_train)
        self.search_feature_names = list(features.columns)
        self.X_train_search = features.set_axis(search_names(features.shape[1]), axis=1)
        self.X_holdout_raw = self.split.X_holdout
        self.holdout_fraction = holdout
        self.findings: list[Finding] = prepared.findings + self.split.findings
        self.learners = check_learners(learners, self.task)
        self.n_jobs = n_jobs
        self.parallel: ParallelOptions | None = check_parallel_options(
            n_concurrent_trials, backend, ray_address
        )
        self.cluster_message = ""
        self.run_dir = runfolder.create_run_dir(run_dir, target)
        self._trial_writer = runfolder.TrialWriter(self.run_dir)

        self._listeners: list[Listener] = []
        self._listeners_lock = threading.Lock()
        self._trials: list[Trial] = []
        self._status = STARTING
        self._status_message = ""
        self._stop_reason: str | None = None
        self._search: FlamlSearch | None = None
        self._warm_start: dict[str, Any] | None = None
        self._elapsed_before = 0.0
        self._segment_started_at = self._started_at
        self._result: Result | None = None
        self._error: BaseException | None = None
        self._finished = threading.Event()
        self._thread: threading.Thread | None = None
        self._segments = 0  # searches run so far: the first, then one per extend()
        self.flaml_messages: list[str] = []

    # -- public state ------------------------------------------------------------

    @property
    def status(self) -> str:
        return self._status

    @property
    def status_message(self) -> str:
        return self._status_message

    @property
    def trials(self) -> pd.DataFrame:
        """Finished trials so far, one row each; updated while the search runs."""
        return trials_frame(list(self._trials))

    @property
    def trial_list(self) -> list[Trial]:
        return list(self._trials)

    @property
    def best_trial(self) -> Trial | None:
        return min(self._trials, key=lambda trial: trial.loss, default=None)

    @property
    def elapsed(self) -> float:
        if self._finished.is_set() and self._result is not None:
            return self._result.elapsed
        return self._elapsed_before + time.time() - self._segment_started_at

    @property
    def result(self) -> Result | None:
        """The ``Result`` once the run has ended with a model, else None."""
        return self._result

    @property
    def error(self) -> BaseException | None:
        return self._error

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    def info(self) -> dict[str, Any]:
        """Describe the run for displays: task, metric, data size, budget."""
        return {
            "target": self.target,
            "task": self.task,
            "task_message": self.task_message,
            "metric": self.metric.name,
            "metric_label": self.metric.label,
            "metric_direction": self.metric.direction,
            "n_rows": self.n_rows,
            "n_columns": self.n_columns,
            "n_train": len(self.split.X_train),
            "n_holdout": len(self.split.X_holdout),
            "time_budget": self.time_budget,
            "budget_message": self.budget_message,
            "max_trials": self.max_trials,
            "n_concurrent_trials": self.parallel.n_concurrent_trials if self.parallel else 1,
            "cluster_message": self.cluster_message,
            "run_dir": str(self.run_dir),
            "findings": [finding.to_dict() for finding in self.findings],
        }

    # -- listeners ---------------------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(event)`` for every later event, on the search's monitor thread."""
        with self._listeners_lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        with self._listeners_lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _emit(self, event: Any) -> None:
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a broken display must not end the search
                logger.exception("listener %r failed on %s", listener, type(event).__name__)

    def _set_status(self, status: str, message: str = "") -> None:
        self._status = status
        self._status_message = message
        self._emit(StatusChanged(status, message))

    # -- control -------------------------------------------------------------------

    def start(self) -> Run:
        """Start the search on a background thread and return at once."""
        global _last_run
        if self._thread is not None:
            raise RuntimeError("this run has already started; use extend() to continue it")
        check_no_search_running()
        _last_run = self
        stop_on_interrupt(stop_all)
        if self.parallel is not None:
            # Connecting, or starting a local cluster, takes seconds: the budget starts after.
            self.cluster_message = connect(self.parallel)
            self._started_at = self._segment_started_at = time.time()
        self._write_summary(RUNNING)
        self._launch(self._started_at + self.time_budget)
        return self

    def stop(self, reason: str = "user") -> None:
        """End the search after the running trial and keep the best model found so far."""
        if self._finished.is_set() or self._search is None:
            return
        self._stop_reason = reason
        self._search.request_stop()
        self._set_status(STOPPING, "finishing the running trial, then refitting the best model")

    def extend(self, seconds: float | str) -> Run:
        """Add ``seconds`` to the budget; a finished run continues from its best configs."""
        extra = parse_time_budget(seconds)
        if not self._finished.is_set() and self._search is not None:
            if self._search.stop_requested:
                raise RuntimeError("the run is stopping; wait for it to end, then call extend()")
            self._search.set_deadline(self._search.deadline + extra)
            self.time_budget += extra
            self._emit(BudgetChanged(self.time_budget))
            return self
        if self._result is None:
            raise RuntimeError(
                "this run ended without a model, so there is nothing to continue; start a new run"
            )
        check_no_search_running()
        self.time_budget += extra
        self._elapsed_before = self._result.elapsed
        self._segment_started_at = time.time()
        self._stop_reason = None
        self._finished.clear()
        self._emit(BudgetChanged(self.time_budget))
        self._launch(time.time() + extra)
        return self

    def wait(
        self, timeout: float | None = None, on_poll: Callable[[], None] | None = None
    ) -> Result:
        """Block until the run ends and return its ``Result``.

        A KeyboardInterrupt while waiting stops the search and keeps waiting for the
        best model; a second one stops waiting. ``on_poll`` is called about ten times
        a second on the waiting thread, for example to print progress.
        """
        deadline = None if timeout is None else time.time() + timeout
        interrupted = False
        while not self._finished.is_set():
            try:
                self._finished.wait(0.1)
                if on_poll is not None:
                    on_poll()
            except KeyboardInterrupt:
                if interrupted:
                    raise
                interrupted = True
                self.stop("interrupt")
            if deadline is not None and time.time() > deadline and not self._finished.is_set():
                raise TimeoutError(f"the run has not ended after {timeout} s; it keeps running")
        if on_poll is not None:
            on_poll()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        if self._result.overrun_message:
            warnings.warn(self._result.overrun_message, BudgetWarning, stacklevel=2)
        return self._result

    # -- background work -------------------------------------------------------------

    def _launch(self, deadline: float) -> None:
        check_no_search_running()
        _active_runs.add(self)
        self._segments += 1
        spec = SearchSpec(
            task=self.task,
            metric=self.metric,
            time_budget=self.time_budget,
            log_path=runfolder.flaml_log_path(self.run_dir, self._segments),
            max_trials=self.max_trials,
            random_state=self.random_state,
            estimator_list=self.learners,
            starting_points=self._warm_start or self.starting_points,
            n_jobs=self.n_jobs,
        )
        best = self.best_trial
        search_options: dict[str, Any] = {
            "first_index": len(self._trials),
            "time_offset": self._elapsed_before + time.time() - self._segment_started_at,
            "best_loss": best.loss if best else math.inf,
        }
        if self.parallel is not None:
            search_options["options"] = self.parallel
        search_class = FlamlSearch if self.parallel is None else ParallelFlamlSearch
        self._search = search_class(
            spec, self.X_train_search, self.split.y_train, self._on_trial, **search_options
        )
        self._thread = threading.Thread(
            target=self._execute,
            args=(self._search, deadline),
            name="jupyter-automl-run",
            daemon=True,
        )
        self._thread.start()

    def _execute(self, search: FlamlSearch, deadline: float) -> None:
        previous = self._result
        numpy_state = np.random.get_state()
        python_state = random.getstate()
        try:
            self._set_status(RUNNING, self._search_description())
            self._emit(SearchStarted(self.info()))
            search.start(deadline)
            search.join()
            self.flaml_messages.extend(search.log_recorder.messages)
            if search.error is not None:
                raise _search_error(search.error)
            if not search.has_model:
                raise self._budget_error(search)
            result = self._finish(search, previous)
            self._save_code(result)
        except BaseException as error:
            self._fail(error, previous)
        else:
            self._result = result
            self._write_summary(result.status, result)
            self._set_status(result.status, result.describe_holdout())
            self._emit(SearchFinished(result))
            self._finished.set()
        finally:
            _active_runs.discard(self)
            # FLAML seeds the global generators; put back the state the user had.
            np.random.set_state(numpy_state)
            random.setstate(python_state)

    def _search_description(self) -> str:
        if self.parallel is None:
            return "searching"
        return f"searching, {self.parallel.n_concurrent_trials} trials at a time; {self.cluster_message}"

    def _on_trial(self, trial: Trial) -> None:
        self._trials.append(trial)
        self._trial_writer.append(trial)
        self._emit(TrialFinished(trial))

    def _finish(self, search: FlamlSearch, previous: Result | None) -> Result:
        automl = search.automl
        best_loss = float(automl.best_loss)
        if previous is not None and previous.model is not None and previous.best_loss < best_loss:
            model = previous.model  # the continuation found nothing better
            best_learner, best_config, best_loss = (
                previous.best_learner,
                previous.best_config,
                previous.best_loss,
            )
        else:
            model = self._refit(automl)
            best_learner, best_config = automl.best_estimator, dict(automl.best_config)
        self._warm_start = dict(automl.best_config_per_estimator)
        with quiet_steps():  # the findings already report what the steps change
            scores = evaluate(
                model, self.X_holdout_raw, self.split.y_holdout, self.task, self.metric.name
            )
        runfolder.save_model(self.run_dir, model)
        status = STOPPED if self._stop_reason else DONE
        return Result(
            task=self.task,
            metric=self.metric,
            target=self.target,
            feature_names=self.feature_names,
            model=model,
            holdout_score=scores.get(self.metric.name, math.nan),
            holdout_metrics=scores,
            best_learner=best_learner,
            best_config=best_config,
            best_loss=best_loss,
            trials_list=list(self._trials),
            status=status,
            time_budget=self.time_budget,
            elapsed=self._elapsed_before + time.time() - self._segment_started_at,
            random_state=self.random_state,
            holdout_fraction=self.holdout_fraction,
            n_train=len(self.split.X_train),
            n_holdout=len(self.split.X_holdout),
            run_dir=self.run_dir,
            task_reason=self.task_reason,
            findings=list(self.findings),
            data_name=self.data_name,
            deterministic=search.counts_trials and not search.ran_out_of_time,
            data_fingerprint=self.data_fingerprint,
            stratified=self.split.stratified,
        )

    def _save_code(self, result: Result) -> None:
        """Write ``pipeline.py``; a failure is logged, because the model itself is fine."""
        try:
            runfolder.save_code(self.run_dir, result.to_code())
        except (CodegenError, OSError) as error:
            logger.warning("could not write the training code to %s: %s", self.run_dir, error)

    def _refit(self, automl: Any) -> Model:
        """Fit the final pipeline, with the best trial's parameters, on every training row.

        This model, not FLAML's, is handed to the user: the generated code builds
        and fits the same pipeline on the same rows, so the two predict the same.
        """
        plan = plan_from_flaml(automl, self.task, self.search_feature_names, self.feature_names)
        with quiet_steps():  # the findings already report what the steps change
            return Model.fit(
                plan, self.split.X_train, self.split.y_train, task=self.task, steps=self.steps
            )

    def _budget_error(self, search: FlamlSearch) -> BudgetError:
        if self._stop_reason:
            return BudgetError("the run was stopped before any model finished training")
        needed = search.log_recorder.necessary_budget
        if needed is not None:
            advice = f"FLAML estimates at least {needed:g} s are needed; pass time_budget={max(needed, 10):g} or more"
        else:
            suggested = max(default_time_budget(self.n_rows, self.n_columns), 5 * self.time_budget)
            advice = f"try time_budget={suggested:g} or more"
        return BudgetError(
            f"no model finished training within time_budget={self.time_budget:g} s on "
            f"{self.n_rows:,} rows x {self.n_columns:,} columns; {advice}"
        )

    def _fail(self, error: BaseException, previous: Result | None) -> None:
        if previous is not None:
            # A failed continuation keeps the model of the earlier search.
            self._result = previous
            self._set_status(previous.status, f"continuation failed: {error}")
            self._emit(SearchFailed(error, str(error)))
            self._finished.set()
            return
        self._error = error
        self._write_summary(FAILED, error=error)
        self._set_status(FAILED, str(error))
        self._emit(SearchFailed(error, str(error)))
        self._finished.set()

    def _write_summary(
        self, status: str, result: Result | None = None, error: BaseException | None = None
    ) -> None:
        if result is not None:
            summary = result.to_summary_dict()
        else:
            summary = {
                **self.info(),
                "metric_direction": self.metric.direction,
                "task_reason": self.task_reason,
                "random_state": self.random_state,
                "holdout_fraction": self.holdout_fraction,
                "feature_names": [str(name) for name in self.feature_names],
                "data_name": self.data_name,
            }
        summary["status"] = status
        if error is not None:
            summary["error"] = f"{type(error).__name__}: {error}"
        runfolder.write_summary(self.run_dir, summary)


def _search_error(error: BaseException) -> BaseException:
    """Wrap an error from inside FLAML or a learner so callers get one clear message."""
    if isinstance(error, (AutoMLError, KeyboardInterrupt, MemoryError)):
        return error
    wrapped = SearchError(
        f"the search failed: {type(error).__module__}.{type(error).__name__}: {error}"
    )
    wrapped.__cause__ = error
    return wrapped


def _check_max_trials(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ConfigError(f"max_trials={value!r} must be a positive whole number or None")
    return int(value)


# FLAML's starting points: "static" are its low-cost defaults, "data" the zero-shot
# configs that flaml.default chooses from the training data's size and shape.
STARTING_POINTS = ("static", "data")


def _check_starting_points(value: str) -> str:
    if value not in STARTING_POINTS:
        raise ConfigError(
            f"starting_points={value!r} is not supported; use 'static' (FLAML's low-cost "
            "defaults) or 'data' (zero-shot configs chosen from the data)"
        )
    return value


def _check_random_state(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ConfigError(f"random_state={value!r} must be a whole number")
    return int(value)
