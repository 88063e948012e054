"""Static Plotly figures inside Output widgets: about 0.02 MB each, updatable from a thread.

A ``go.FigureWidget`` would send Plotly's 5 MB JavaScript bundle per instance; a
display_data with Plotly's JSON mimetype is drawn by the front-end's own Plotly
renderer and replaced whole on each update.
"""

from __future__ import annotations

import json
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"

# Plotly's display options for every panel chart.
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


def figure_output(figure: go.Figure) -> dict[str, Any]:
    """Return a display_data output that draws ``figure``, with a text fallback."""
    spec = json.loads(figure.to_json())
    spec["config"] = PLOTLY_CONFIG
    title = figure.layout.title.text or "chart"
    return {
        "output_type": "display_data",
        "data": {PLOTLY_MIMETYPE: spec, "text/plain": f"<Plotly figure: {title}>"},
        "metadata": {},
    }


def show_figures(output: widgets.Output, figures: list[go.Figure]) -> None:
    """Replace what ``output`` shows with ``figures``; safe to call from any thread."""
    output.outputs = tuple(figure_output(figure) for figure in figures)


def show_text(output: widgets.Output, text: str) -> None:
    """Replace what ``output`` shows with a line of text."""
    output.outputs = (
        {"output_type": "display_data", "data": {"text/plain": text}, "metadata": {}},
    )
