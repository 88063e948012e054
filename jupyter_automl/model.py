"""The fitted model handed to the user: raw columns in, original labels out."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from .data.steps import Step, apply_steps, original_names
from .errors import DataQualityWarning, SchemaError
from .metrics import REGRESSION


class Model:
    """A fitted pipeline with a scikit-learn style ``predict`` and ``predict_proba``.

    It takes a DataFrame with the training columns (the frame given to the search,
    minus the target). Columns may come in any order; extra columns are ignored with
    a ``DataQualityWarning``; a missing column raises ``SchemaError``.

    ``steps`` are the data checks' fixes, applied first; ``transformer`` is FLAML's
    fitted data transformer, ``estimator`` FLAML's fitted estimator wrapper, and
    ``label_encoder`` maps the learner's integer classes back to the original labels
    (None for regression).
    """

    def __init__(
        self,
        *,
        task: str,
        feature_names: list[Any],
        learner: str,
        estimator: Any,
        transformer: Any,
        label_encoder: Any | None,
        steps: list[Step] | None = None,
    ) -> None:
        self.task = task
        self.steps = list(steps or [])
        self.feature_names_in_ = list(feature_names)
        self.learner = learner
        self.estimator = estimator
        self.transformer = transformer
        self.label_encoder = label_encoder

    @classmethod
    def from_flaml(
        cls, automl: Any, task: str, feature_names: list[Any], steps: list[Step] | None = None
    ) -> Model:
        """Take the fitted parts out of a finished ``flaml.AutoML``, leaving its data behind."""
        return cls(
            task=task,
            feature_names=feature_names,
            learner=automl.best_estimator,
            estimator=automl.model,
            transformer=automl._transformer,
            label_encoder=automl._label_transformer,
            steps=steps,
        )

    @property
    def classes_(self) -> np.ndarray:
        if self.task == REGRESSION or self.label_encoder is None:
            raise AttributeError("a regression model has no classes_")
        return np.asarray(self.label_encoder.classes_)

    @property
    def feature_importances_(self) -> pd.Series:
        """Importance of each learner input, largest first, under the user's column names.

        Inputs are the columns after the data checks' steps and FLAML's encoding, so
        a date column appears as its parts (``hour_<name>``, ...).
        """
        values = np.asarray(self.estimator.feature_importances_, dtype=float).ravel()
        names = getattr(self.estimator, "feature_names_in_", None)
        if names is None:
            names = self.transformer._cat_columns + self.transformer._num_columns
        index = original_names(self.steps, list(names))
        return pd.Series(values, index=index, name="importance").sort_values(ascending=False)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Predict the original labels (classification) or values (regression) of ``X``."""
        features = self._transform(X)
        predictions = np.asarray(self.estimator.predict(features))
        if predictions.ndim > 1:
            predictions = predictions.ravel()
        if self.label_encoder is None:
            return predictions
        return np.asarray(self.label_encoder.inverse_transform(predictions.astype(int)))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Predict class probabilities; columns follow ``classes_``."""
        if self.task == REGRESSION:
            raise AttributeError("predict_proba is only available for classification")
        return np.asarray(self.estimator.predict_proba(self._transform(X)))

    def _transform(self, X: pd.DataFrame) -> Any:
        return self.transformer.transform(apply_steps(self.steps, self.check_columns(X)))

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
