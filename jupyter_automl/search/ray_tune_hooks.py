"""Ray Tune hooks that ``parallel.ParallelFlamlSearch`` passes to ``ray.tune.run``.

This module imports Ray Tune at load time, so only the parallel search imports it.
Ray Tune pickles its stopper (and may pickle callbacks) into the experiment state it
saves during the run. Both hooks hold the running search, with its
threads and files, so they pickle without it: a restored copy does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ray import tune

logger = logging.getLogger(__name__)


class TrialReporter(tune.Callback):
    """Tell ``search`` when each trial starts, and send it the last result of each completed one.

    Ray Tune calls these methods on its control loop, which FLAML runs on the fit
    thread. A trial reports several results (FLAML's report, then the function's
    return value); only the last one, seen at completion, is published.
    """

    def __init__(self, search: Any) -> None:
        self._search = search

    def __reduce__(self) -> tuple[type, tuple[None]]:
        return (TrialReporter, (None,))

    def on_trial_start(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
        if self._search is not None:
            self._search.trial_started(trial.trial_id)

    def on_trial_complete(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
        if self._search is not None and trial.last_result:
            self._search.trial_completed(trial.trial_id, trial.last_result)

    def on_trial_error(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
        logger.warning("Ray Tune trial %s failed: %s", trial.trial_id, trial.error_file)


class SearchStopper(tune.Stopper):
    """End the whole Ray Tune run, trials in flight included, once ``should_stop()`` is True."""

    def __init__(self, should_stop: Callable[[], bool] | None) -> None:
        self._should_stop = should_stop

    def __reduce__(self) -> tuple[type, tuple[None]]:
        return (SearchStopper, (None,))

    def __call__(self, trial_id: str, result: dict[str, Any]) -> bool:
        return False

    def stop_all(self) -> bool:
        return self._should_stop is not None and self._should_stop()
