"""Standalone training code for a finished run: result in, Python source out.

``generate_code(result)`` returns source that needs only pandas, numpy,
scikit-learn and the estimator's library, and rebuilds ``result.model``.
"""

from .plan import CodegenError, TrainingPlan
from .source import generate_code

__all__ = ["CodegenError", "TrainingPlan", "generate_code"]
