"""The fitted model handed to the user: raw columns in, original labels out."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import LabelEncoder

from .codegen.features import prepare_features
from .codegen.pipeline import fit_pipeline
from .codegen.plan import TrainingPlan
from .data.steps import Step, caller_stacklevel, original_names
from .errors import DataQualityWarning, SchemaError
from .metrics import REGRESSION


class Model:
    """A fitted scikit-learn pipeline with a ``predict`` and ``predict_proba`` on raw columns.

    It takes a DataFrame with the training columns (the frame given to the search,
    minus the target). Columns may come in any order; extra columns are ignored with
    a ``DataQualityWarning``; a missing column raises ``SchemaError``.

    ``pipeline`` is a plain scikit-learn ``Pipeline`` that needs neither FLAML nor
    jupyter_automl to predict, except for its first step, which applies the data
    checks' ``steps`` and the column handling of ``plan``. The generated code
    builds the same pipeline. ``label_encoder`` maps class indices back to the
    original labels when the estimator needs indices (XGBoost), else it is None.
    """

    def __init__(
        self,
        *,
        task: str,
        feature_names: list[Any],
        plan: TrainingPlan,
        pipeline: Pipeline,
        label_encoder: LabelEncoder | None = None,
        steps: list[Step] | None = None,
    ) -> None:
        self.task = task
        self.steps = list(steps or [])
        self.feature_names_in_ = list(feature_names)
        self.plan = plan
        self.pipeline = pipeline
        self.label_encoder = label_encoder

    @classmethod
    def fit(
        cls,
        plan: TrainingPlan,
        X: pd.DataFrame,
        y: pd.Series,
        *,
        task: str,
        steps: list[Step] | None = None,
    ) -> Model:
        """Fit the plan's pipeline on raw rows ``X`` and their target ``y``."""
        steps = list(steps or [])
        pipeline, label_encoder = fit_pipeline(plan, steps, X, y)
        return cls(
            task=task,
            feature_names=list(X.columns),
            plan=plan,
            pipeline=pipeline,
            label_encoder=label_encoder,
            steps=steps,
        )

    @property
    def learner(self) -> str:
        return self.plan.learner

    @property
    def estimator(self) -> Any:
        """The fitted estimator, the pipeline's last step."""
        return self.pipeline[-1]

    @property
    def classes_(self) -> np.ndarray:
        if self.task == REGRESSION:
            raise AttributeError("a regression model has no classes_")
        if self.label_encoder is not None:
            return np.asarray(self.label_encoder.classes_)
        return np.asarray(self.estimator.classes_)

    @property
    def feature_importances_(self) -> pd.Series:
        """Importance of each learner input, largest first, under the user's column names.

        Inputs are the columns after the data checks' steps and the date expansion,
        so a date column appears as its parts (``hour_<name>``, ...). For linear
        learners it is the absolute coefficient, averaged over classes. Inputs are
        not standardised, so a coefficient also reflects its column's scale.
        """
        estimator = self.estimator
        if hasattr(estimator, "feature_importances_"):
            values = np.asarray(estimator.feature_importances_, dtype=float).ravel()
        else:
            coefficients = np.atleast_2d(np.asarray(estimator.coef_, dtype=float))
            values = np.abs(coefficients).mean(axis=0)
        index = original_names(self.steps, list(self.plan.columns))
        return pd.Series(values, index=index, name="importance").sort_values(ascending=False)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Predict the original labels (classification) or values (regression) of ``X``."""
        rows = self._pipeline_input(X)
        if len(rows) == 0:
            dtype = self.classes_.dtype if self.task != REGRESSION else np.float64
            return np.empty(0, dtype=dtype)
        predictions = np.asarray(self.pipeline.predict(rows))
        if self.label_encoder is None:
            return predictions
        return np.asarray(self.label_encoder.inverse_transform(predictions.astype(int)))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Predict class probabilities; columns follow ``classes_``."""
        if self.task == REGRESSION:
            raise AttributeError("predict_proba is only available for classification")
        rows = self._pipeline_input(X)
        if len(rows) == 0:
            return np.empty((0, len(self.classes_)))
        return np.asarray(self.pipeline.predict_proba(rows))

    def _pipeline_input(self, X: Any) -> pd.DataFrame:
        X = self.check_columns(X)
        if self.plan.prepare_outside:
            return prepare_features(X, self.steps, self.plan)
        return X

    def check_columns(self, X: Any) -> pd.DataFrame:
        """Return ``X`` with exactly the training columns, in training order."""
        if not isinstance(X, pd.DataFrame):
            raise SchemaError(
                f"expected a pandas DataFrame with columns {self.feature_names_in_[:5]}..., "
                f"got {type(X).__name__}"
            )
        duplicated = X.columns[X.columns.duplicated()].unique().tolist()
        if duplicated:
            shown = ", ".join(repr(name) for name in duplicated[:10])
            raise SchemaError(f"duplicate column names: {shown}; pass each training column once")
        present = set(X.columns)
        missing = [name for name in self.feature_names_in_ if name not in present]
        if missing:
            shown = ", ".join(repr(name) for name in missing[:10])
            raise SchemaError(
                f"{len(missing)} column(s) used in training are missing: {shown}; "
                "pass a DataFrame with the same columns as the training data (target excluded)"
            )
        known = set(self.feature_names_in_)
        extra = [name for name in X.columns if name not in known]
        if extra:
            shown = ", ".join(repr(name) for name in extra[:10])
            warnings.warn(
                f"ignoring {len(extra)} column(s) not used in training: {shown}",
                DataQualityWarning,
                stacklevel=caller_stacklevel(),
            )
        return X.loc[:, self.feature_names_in_]

    def __repr__(self) -> str:
        return f"Model(task={self.task!r}, learner={self.learner!r}, features={len(self.feature_names_in_)})"
