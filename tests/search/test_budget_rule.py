"""The monitor's budget rule: how much time FLAML may give the next trial.

These tests set the state that the monitor reads (the deadline, FLAML's start time and
the trials so far) on a real ``FlamlSearch``. They check the search budget it writes
into FLAML's state, from which FLAML sets the next trial's time limit.
"""

import time

import pandas as pd
import pytest

from jupyter_automl.metrics import METRICS
from jupyter_automl.search.engine import FINISH_RESERVE, OVERRUN_SHARE, FlamlSearch, SearchSpec
from jupyter_automl.search.events import Trial

ROWS = 1000
BUDGET = 30.0


def trial(index: int, loss: float, cost: float, sample_size: int = 900) -> Trial:
    return Trial(
        index=index,
        learner="lgbm",
        config={},
        loss=loss,
        metric_value=1 - loss,
        cost=cost,
        wall_time=float(index),
        sample_size=sample_size,
        best_loss=loss,
        is_best=True,
    )


@pytest.fixture
def search(tmp_path):
    X = pd.DataFrame({"x": range(ROWS)})
    y = pd.Series([0, 1] * (ROWS // 2))
    spec = SearchSpec(
        task="binary", metric=METRICS["roc_auc"], time_budget=BUDGET, log_path=tmp_path / "log"
    )
    return FlamlSearch(spec, X, y, on_trial=lambda trial: None)


def next_trial_limit(search: FlamlSearch, elapsed: float, seconds_left: float) -> float:
    """Apply the rule ``elapsed`` s into the search, ``seconds_left`` s before the deadline,
    and return the seconds FLAML would give a trial that starts now."""
    now = time.time()
    search.automl._start_time_flag = now - elapsed
    search.automl._state.time_budget = BUDGET  # as FLAML's fit sets it
    search.set_deadline(now + seconds_left)
    search._apply_budget()
    return search.automl._state.time_budget - elapsed


def test_late_trial_leaves_room_for_refit(search):
    # The best trial so far is cheap, so the search may run to near the deadline. But a
    # trial that starts 10 s before the deadline must leave time for its own refit,
    # should it turn out the best.
    search.trials = [trial(0, loss=0.2, cost=0.1)]
    seconds_left = 10.0
    limit = next_trial_limit(search, elapsed=BUDGET - seconds_left, seconds_left=seconds_left)
    refit = search._refit_seconds(limit, 900)
    room = seconds_left - FINISH_RESERVE - OVERRUN_SHARE * BUDGET
    assert limit + refit == pytest.approx(room, abs=0.05)
    assert limit < 0.5 * seconds_left


def test_best_trial_refit_ends_search(search):
    # An expensive best trial needs a long refit: the search ends before the trial
    # limit above would.
    search.trials = [trial(0, loss=0.3, cost=0.1), trial(1, loss=0.2, cost=5.0)]
    seconds_left = 10.0
    limit = next_trial_limit(search, elapsed=BUDGET - seconds_left, seconds_left=seconds_left)
    expected = seconds_left - search._refit_reserve() - OVERRUN_SHARE * BUDGET
    assert limit == pytest.approx(expected, abs=0.05)


def test_early_trial_gets_over_a_third(search):
    # Its refit takes a third more than the trial (all rows instead of 90%, plus a
    # fifth), so a trial may use up to 1 / 2.33 of the time left.
    search.trials = [trial(0, loss=0.2, cost=0.1)]
    limit = next_trial_limit(search, elapsed=1.0, seconds_left=BUDGET - 1.0)
    assert 0.35 * BUDGET < limit < 0.45 * BUDGET


def test_no_limit_before_the_first_trial(search):
    # Until a first trial has given a model, FLAML keeps its own budget.
    assert next_trial_limit(search, elapsed=0.5, seconds_left=BUDGET - 0.5) == BUDGET - 0.5
