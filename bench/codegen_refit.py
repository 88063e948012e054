"""Compare the holdout score of the refitted pipeline with FLAML's own final model.

A jupyter_automl run chooses a learner and config; its model is the refitted
scikit-learn pipeline. FLAML is then given that config as its only trial
(``max_iter=1``) and retrains it on the same training rows in its own way.
Both models are scored on the same holdout rows.

    python bench/codegen_refit.py [max_trials]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import realdata  # noqa: E402
from flaml import AutoML  # noqa: E402

import jupyter_automl as ja  # noqa: E402
from jupyter_automl.codegen.plan import search_names  # noqa: E402
from jupyter_automl.data.steps import apply_steps  # noqa: E402
from jupyter_automl.metrics import evaluate, flaml_metric_name  # noqa: E402

SETS = {
    "adult": (lambda: realdata.adult(5000), "income"),
    "credit_g": (realdata.credit_g, "class"),
    "penguins": (realdata.penguins, "species"),
    "diamonds": (lambda: realdata.diamonds(3000), "price"),
}


class FlamlModel:
    """FLAML's own model behind the interface ``evaluate`` expects."""

    def __init__(self, automl: AutoML, run: ja.Run) -> None:
        self.automl = automl
        self.steps = run.steps
        self.names = search_names(run.X_train_search.shape[1])
        self.classes_ = getattr(automl, "classes_", None)

    def _features(self, X):
        return apply_steps(self.steps, X).set_axis(self.names, axis=1)

    def predict(self, X):
        return self.automl.predict(self._features(X))

    def predict_proba(self, X):
        return self.automl.predict_proba(self._features(X))


def compare(name: str, max_trials: int) -> None:
    load, target = SETS[name]
    with tempfile.TemporaryDirectory() as folder:
        result = ja.automl(
            load(), target, time_budget=600, max_trials=max_trials, run_dir=folder, progress=False
        )
    run = ja.last_run()
    flaml = AutoML()
    # One trial of the chosen config, which FLAML then retrains on all the rows.
    flaml.fit(
        run.X_train_search,
        run.split.y_train,
        task="regression" if run.task == "regression" else "classification",
        metric=flaml_metric_name(run.metric, run.task),
        time_budget=600,
        max_iter=1,
        seed=run.random_state,
        estimator_list=[result.best_learner],
        starting_points={result.best_learner: result.best_config},
        verbose=0,
    )
    theirs = evaluate(
        FlamlModel(flaml, run),
        run.X_holdout_raw,
        run.split.y_holdout,
        run.task,
        run.metric.name,
    )[run.metric.name]
    print(
        f"{name:9s} {run.metric.label:8s} refitted pipeline ({result.best_learner}) "
        f"{result.holdout_score:.4f}   FLAML's model ({flaml.best_estimator}) {theirs:.4f}"
    )


if __name__ == "__main__":
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    for data_set in SETS:
        compare(data_set, trials)
