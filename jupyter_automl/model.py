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
from .data.steps import Step
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

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Predict the original labels (classification) or values (regression) of ``X``."""
        predictions = np.asarray(self.pipeline.predict(self._pipeline_input(X)))
        if self.label_encoder is None:
            return predictions
        return np.asarray(self.label_encoder.inverse_transform(predictions.astype(int)))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Predict class probabilities; columns follow ``classes_``."""
        if self.task == REGRESSION:
            raise AttributeError("predict_proba is only available for classification")
        return np.asarray(self.pipeline.predict_proba(self._pipeline_input(X)))

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
                stacklevel=4,
            )
        return X.loc[:, self.feature_names_in_]

    def __repr__(self) -> str:
        return f"Model(task={self.task!r}, learner={self.learner!r}, features={len(self.feature_names_in_)})"
