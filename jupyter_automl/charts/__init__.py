"""Pure chart builders: trials or holdout predictions in, a Plotly figure out.

Nothing here touches widgets, threads or the search, so every builder can be
called on any thread and tested on plain data.
"""

from .model import (
    confusion_matrix_figure,
    feature_importance_figure,
    precision_recall_figure,
    predicted_vs_actual_figure,
    residuals_figure,
    roc_figure,
)
from .search import TRIALS_TRACE, leaderboard_figure, search_progress_figure

__all__ = [
    "TRIALS_TRACE",
    "confusion_matrix_figure",
    "feature_importance_figure",
    "leaderboard_figure",
    "precision_recall_figure",
    "predicted_vs_actual_figure",
    "residuals_figure",
    "roc_figure",
    "search_progress_figure",
]
