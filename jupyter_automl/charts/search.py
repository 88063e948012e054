"""Charts of the search itself: progress over time and the per-learner leaderboard."""

from __future__ import annotations

import json
from collections.abc import Sequence

import plotly.graph_objects as go

from ..metrics import Metric
from ..search.events import Trial
from .style import color_of, new_figure

# ``meta`` of the scatter traces that hold one point per trial, so that a reader of
# the figure (or a browser test) can count the trials it shows.
TRIALS_TRACE = "trials"

# Maximum length of the config text in a hover label; longer configs end with "...".
MAX_HOVER_CONFIG = 400


def loss_axis_title(metric: Metric) -> str:
    """Name the validation loss in terms of the metric, e.g. ``loss (1 - ROC AUC)``."""
    if metric.greater_is_better:
        return f"loss (1 - {metric.label})"
    return f"loss ({metric.label})"


def search_progress_figure(
    trials: Sequence[Trial], metric: Metric, time_budget: float | None = None
) -> go.Figure:
    """Plot every trial's loss against time, coloured by learner, under a best-so-far step line.

    Hovering a point shows its learner, loss, metric value and config.
    """
    figure = new_figure(
        "Search progress: validation loss of each trial (lower is better)",
        "seconds since start",
        loss_axis_title(metric),
    )
    colors = color_of([trial.learner for trial in trials])
    for learner, color in colors.items():
        own = [trial for trial in trials if trial.learner == learner]
        figure.add_trace(
            go.Scatter(
                x=[trial.wall_time for trial in own],
                y=[trial.loss for trial in own],
                mode="markers",
                name=learner,
                meta=TRIALS_TRACE,
                marker={"color": color, "size": 7, "opacity": 0.75},
                customdata=[
                    [trial.index + 1, trial.metric_value, _config_text(trial)] for trial in own
                ],
                hovertemplate=(
                    f"<b>{learner}</b> trial %{{customdata[0]}}<br>"
                    f"loss %{{y:.4f}}, {metric.label} %{{customdata[1]:.4f}}<br>"
                    "at %{x:.1f} s<br>%{customdata[2]}<extra></extra>"
                ),
            )
        )
    x_best, y_best = _best_so_far(trials)
    figure.add_trace(
        go.Scatter(
            x=x_best,
            y=y_best,
            mode="lines",
            line={"shape": "hv", "color": "#2a3f5f", "width": 2},
            name="best so far",
            hoverinfo="skip",
        )
    )
    if time_budget:
        figure.update_xaxes(range=[0, max(time_budget, *(t.wall_time for t in trials), 1.0) * 1.02])
    return figure


def leaderboard_figure(trials: Sequence[Trial], metric: Metric) -> go.Figure:
    """Plot each learner's best loss as a bar, best first, labelled with its trials and time."""
    figure = new_figure(
        "Best validation loss per learner (lower is better)", loss_axis_title(metric), ""
    )
    rows = _leaderboard_rows(trials)
    rows.sort(key=lambda row: row[1], reverse=True)  # best learner at the top
    colors = color_of([trial.learner for trial in trials])
    figure.add_trace(
        go.Bar(
            x=[row[1] for row in rows],
            y=[row[0] for row in rows],
            orientation="h",
            marker={"color": [colors[row[0]] for row in rows]},
            text=[f"{row[1]:.4f}  ({row[2]} trials, {row[3]:.1f} s)" for row in rows],
            textposition="auto",
            customdata=[[metric.loss_to_value(row[1]), row[2], row[3]] for row in rows],
            hovertemplate=(
                f"<b>%{{y}}</b><br>best loss %{{x:.4f}} ({metric.label} %{{customdata[0]:.4f}})<br>"
                "%{customdata[1]} trials, %{customdata[2]:.1f} s<extra></extra>"
            ),
        )
    )
    figure.update_layout(height=max(200, 60 + 40 * len(rows)), showlegend=False)
    return figure


def _best_so_far(trials: Sequence[Trial]) -> tuple[list[float], list[float]]:
    x: list[float] = []
    y: list[float] = []
    best = float("inf")
    for trial in sorted(trials, key=lambda trial: trial.wall_time):
        if trial.loss < best:
            best = trial.loss
            x.append(trial.wall_time)
            y.append(best)
    if x:
        x.append(max(trial.wall_time for trial in trials))
        y.append(best)
    return x, y


def _leaderboard_rows(trials: Sequence[Trial]) -> list[tuple[str, float, int, float]]:
    """Return (learner, best loss, trial count, total seconds) per learner."""
    rows = []
    for learner in dict.fromkeys(trial.learner for trial in trials):
        own = [trial for trial in trials if trial.learner == learner]
        rows.append((learner, min(t.loss for t in own), len(own), sum(t.cost for t in own)))
    return rows


def _config_text(trial: Trial) -> str:
    text = json.dumps(trial.config, default=str)
    if len(text) > MAX_HOVER_CONFIG:
        text = text[: MAX_HOVER_CONFIG - 3] + "..."
    # Break the config over several hover lines so the label stays narrow.
    return text.replace(", ", ",<br>")
