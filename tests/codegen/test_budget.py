"""The final refit happens inside the time budget."""

from __future__ import annotations

import pytest
import realdata

import jupyter_automl as ja
from jupyter_automl.codegen.plan import effective_params

# Seconds a run may exceed its budget here: the refit estimate and thread polling
# are approximate, and the test machine is shared. A sanity bound, not a benchmark.
SLACK = 3.0
NUMERIC = ["age", "education_num", "capital_gain", "capital_loss", "hours_per_week"]


def test_refit_stays_within_budget(tmp_path):
    import flaml  # noqa: F401 - loaded first: library import time is not measured here

    result = ja.automl(
        realdata.adult(20000), "income", time_budget=8, run_dir=tmp_path, progress=False
    )
    assert result.status == "done"
    assert len(result.trials_list) >= 2
    assert result.elapsed < 8 + SLACK
    assert (result.run_dir / "pipeline.py").exists()


@pytest.mark.parametrize("learner", ["xgboost", "lgbm"])
def test_time_stopped_trial_refits_built_trees(learner):
    # FLAML's own estimator, given far too little time for the configured trees: the
    # plan must ask for the trees the trial built, which its validation loss scored.
    from flaml.automl.model import LGBMEstimator, XGBoostSklearnEstimator

    estimator_class = {"xgboost": XGBoostSklearnEstimator, "lgbm": LGBMEstimator}[learner]
    X, y = realdata.adult(20000).pipe(lambda frame: (frame[NUMERIC], frame["income"]))
    estimator = estimator_class(task="binary", n_estimators=5000, max_leaves=256)
    estimator.fit(X, y == ">50K", budget=0.5)
    fitted = estimator.model
    params = effective_params(fitted)
    if learner == "xgboost":
        built = fitted.get_booster().num_boosted_rounds()
    else:
        built = fitted.booster_.current_iteration()
    assert built < 5000
    assert params["n_estimators"] == built
