"""FLAML's search state with a time budget that another thread can override safely.

FLAML 2.8 writes ``AutoMLState.time_budget`` itself: the budget at the start of
``fit``, then -1 just before its final refit, meaning "no limit". A monitor thread
that wrote the attribute could overwrite that -1 and make FLAML skip the refit,
leaving no model. This subclass keeps FLAML's own value apart; the monitor's
``search_limit`` applies only while FLAML's value is not negative.

``StoppableAutoML`` is FLAML's ``AutoML`` with one more way to end the search: its
learner choice, made before every trial but the first, returns no learner once
``should_stop`` is true. That is how a search without a time budget (a
``max_trials`` search, see ``engine``) stops on request or at the deadline.
"""

from __future__ import annotations

from collections.abc import Callable

from flaml import AutoML
from flaml.automl.state import AutoMLState


class BudgetControlledState(AutoMLState):
    """FLAML's search state with a ``time_budget`` that a monitor thread can override."""

    search_limit: float | None = None

    @property
    def time_budget(self) -> float:
        own = self.__dict__.get("_flaml_time_budget", -1)
        if own < 0 or self.search_limit is None:
            return own
        return self.search_limit

    @time_budget.setter
    def time_budget(self, value: float) -> None:
        self.__dict__["_flaml_time_budget"] = value

    @property
    def flaml_time_budget(self) -> float | None:
        return self.__dict__.get("_flaml_time_budget")


class StoppableAutoML(AutoML):
    """FLAML's ``AutoML`` whose search ends before the next trial once ``should_stop`` is true."""

    should_stop: Callable[[], bool] = staticmethod(lambda: False)

    def _select_estimator(self, estimator_list: list[str]) -> str | None:
        # FLAML 2.8's sequential loop ends when this returns no learner.
        if self.should_stop():
            return None
        return super()._select_estimator(estimator_list)
