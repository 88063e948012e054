"""Plain records that the search publishes to listeners while it runs.

Listeners are called on the search's monitor thread, in order, one event at a
time. A listener must return quickly and must not raise; an exception from a
listener is logged and the listener stays registered.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Run states, in the order a run normally moves through them.
STARTING = "starting"
RUNNING = "running"
STOPPING = "stopping"
DONE = "done"
STOPPED = "stopped"
FAILED = "failed"
FINAL_STATES = (DONE, STOPPED, FAILED)


@dataclass(frozen=True)
class Trial:
    """One finished trial: a learner trained with one config and scored on validation data.

    ``loss`` is FLAML's validation loss (lower is better); ``metric_value`` is the same
    result in the metric's own units. ``cost`` is the trial's training and scoring time
    and ``wall_time`` the seconds from the start of the run to the trial's end.
    """

    index: int
    learner: str
    config: dict[str, Any]
    loss: float
    metric_value: float
    cost: float
    wall_time: float
    sample_size: int
    best_loss: float
    is_best: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SearchStarted:
    """The search began; ``info`` describes task, metric, data size and budget."""

    info: dict[str, Any]


@dataclass(frozen=True)
class TrialFinished:
    trial: Trial


@dataclass(frozen=True)
class StatusChanged:
    status: str
    message: str = ""


@dataclass(frozen=True)
class BudgetChanged:
    """The time budget changed, for example after ``Run.extend``."""

    time_budget: float


@dataclass(frozen=True)
class SearchFinished:
    """The run ended with a model; ``result`` is a ``jupyter_automl.Result``."""

    result: Any


@dataclass(frozen=True)
class SearchFailed:
    error: BaseException
    message: str = field(default="")
