"""The live panel shown by ``%automl`` in front-ends that render widgets."""

from __future__ import annotations

from typing import Any

from .state import PanelState
from .widget import AutoMLPanel

__all__ = ["AutoMLPanel", "PanelState", "show_panel"]


def show_panel(run: Any, result_name: str) -> AutoMLPanel:
    """Display a live panel for ``run`` and keep it updated while the search runs."""
    panel = AutoMLPanel(run, result_name)
    panel.show()
    return panel
