"""Layout shared by every chart, so the panel's figures look alike."""

from __future__ import annotations

import plotly.graph_objects as go

# Qualitative colours (Plotly's default sequence) assigned to learners by first appearance.
COLORS = (
    "#636efa", "#ef553b", "#00cc96", "#ab63fa", "#ffa15a",
    "#19d3f3", "#ff6692", "#b6e880", "#ff97ff", "#fecb52",
)  # fmt: skip

HEIGHT = 360


def new_figure(title: str, x_title: str, y_title: str, height: int = HEIGHT) -> go.Figure:
    """Create an empty figure with the panel's margins, fonts and axis titles."""
    figure = go.Figure()
    figure.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 14}},
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 20, "t": 40, "b": 50},
        legend={"orientation": "h", "y": -0.2},
        xaxis_title=x_title,
        yaxis_title=y_title,
    )
    return figure


def color_of(names: list[str]) -> dict[str, str]:
    """Map each name to a colour, in order of first appearance."""
    unique = list(dict.fromkeys(names))
    return {name: COLORS[index % len(COLORS)] for index, name in enumerate(unique)}
