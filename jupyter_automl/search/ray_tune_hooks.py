"""Ray Tune hooks and the Ray Tune controller for ``parallel.ParallelFlamlSearch``.

This module imports Ray Tune at load time, so only the parallel search imports it.
Ray Tune pickles its stopper (and may pickle callbacks) into the experiment state it
saves during the run. Both hooks hold the running search, with its
threads and files, so they pickle without it: a restored copy does nothing.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

from ray import tune
from ray.tune.execution.tune_controller import TuneController

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


class StartingActorKeeper(TuneController):
    """A Ray Tune controller that leaves a trial on the actor that is starting for it.

    With ``reuse_actors``, Ray Tune 2.60 moves a pending trial onto an idle cached
    actor even when an actor for that trial already has its resources and is
    starting, and then removes the starting actor
    (``TuneController._maybe_reuse_cached_actor``). A new actor starts a worker
    process that imports FLAML, which took about 9 to 16 s on a busy 2-core machine,
    while a FLAML trial often takes well under a second. So every new actor was
    removed before it started, and all trials ran one at a time on the first actor.
    Here such a trial waits for its own actor, and the idle actor takes the next
    new trial instead.

    NOTE: when no trial waits, Ray Tune still keeps only one idle actor and ends
    the others. Trials then run one at a time until a new actor has started.
    """

    # Set once the warning about missing private attributes has been logged.
    missing_attribute_reported = False

    def _maybe_reuse_cached_actor(self, trial: Any) -> bool:
        if self._has_starting_actor(trial):
            return False
        return bool(super()._maybe_reuse_cached_actor(trial))

    def _has_starting_actor(self, trial: Any) -> bool:
        try:
            actor = self._trial_to_actor.get(trial)
            return (
                actor is not None
                and self._actor_manager.is_actor_started(actor)
                and actor not in self._started_actors
            )
        except AttributeError as error:  # these are private attributes of Ray Tune 2.60
            if not StartingActorKeeper.missing_attribute_reported:
                StartingActorKeeper.missing_attribute_reported = True
                logger.warning(
                    "this Ray Tune version has no attribute %r; concurrent trials may "
                    "run one at a time",
                    error.name,
                )
            return False


@contextlib.contextmanager
def keep_starting_actors() -> Iterator[None]:
    """Make ``ray.tune.run`` use ``StartingActorKeeper`` while the block runs.

    ``ray.tune.run`` builds its controller from the ``TuneController`` name of the
    ``ray.tune.tune`` module, so the name is replaced there and restored afterwards.
    Another ``ray.tune.run`` that the process starts while the block runs gets
    the same controller, which differs from Ray Tune's only in the case above.
    """
    module: Any = importlib.import_module("ray.tune.tune")
    original = getattr(module, "TuneController", None)
    if original is None:
        logger.warning(
            "ray.tune.tune has no TuneController in this Ray version; concurrent trials "
            "may run one at a time"
        )
        yield
        return
    module.TuneController = StartingActorKeeper
    try:
        yield
    finally:
        module.TuneController = original
