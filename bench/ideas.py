"""Ideas to beat FLAML at small budgets, each measured on and off on the same split.

- ``zero-shot``: ours with FLAML's zero-shot starting points (on) vs ours as shipped (off).
- ``ensemble``: raw FLAML with ``fit(ensemble=True)`` (on) vs ``ensemble=False`` (off).
  In FLAML 2.8 the stacking is fitted after the search, outside ``time_budget``, and
  the search ends early only when evaluating the best configuration took between the
  time left and twice that. So the stacking's cost shows as wall time over the budget.
- ``checks``: ours given each date column as one number, seconds since 1970 (on), vs
  ours as shipped (off), where FLAML's data transformer splits each date into parts
  (year, month, day, hour, ...) next to its day number. The frame is changed before
  ``Run`` gets it, as a user could do, so our checks find no date to parse. Sets
  without a date column get a record saying the idea does not apply.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from jupyter_automl.data.checks import prepare
from jupyter_automl.data.steps import ParseDatetimes, parse_datetime
from jupyter_automl.errors import DataQualityWarning

from .contenders import Split, run_flaml, run_ours, shared_split
from .datasets import BenchSet, each_case
from .pairs import Contender, measure
from .record import ResultWriter

# Record names of the ideas, by their command-line key.
IDEAS = {
    "zero-shot": "zero-shot starting points",
    "ensemble": "FLAML final ensemble",
    "checks": "dates as one number, not split",
}

Variants = Callable[[Split], dict[str, Contender]]


def run_ideas(writer: ResultWriter, options: Any) -> None:
    """Write one record per (set, budget, seed, idea), for the ideas in ``options.ideas``."""
    for bench_set, frame, budget, seed in each_case(options):
        for key in options.ideas:
            print(f"ideas: {key} {bench_set.name} budget={budget:g} s seed={seed}", flush=True)
            case = (frame, bench_set, seed, budget, options.holdout)
            record = IDEA_RUNNERS[key](*case)
            writer.write(
                {
                    "section": "ideas",
                    "idea": IDEAS[key],
                    "dataset": bench_set.name,
                    "metric": bench_set.metric,
                    "seed": seed,
                    "budget": budget,
                    **record,
                }
            )


def _zero_shot_on_off(frame, bench_set, seed, budget, holdout) -> dict[str, Any]:
    def variants(_split: Split) -> dict[str, Contender]:
        return {
            "off": lambda d: run_ours(frame, bench_set, seed, budget, holdout, d),
            "on": lambda d: run_ours(
                frame, bench_set, seed, budget, holdout, d, starting_points="data"
            ),
        }

    return _on_off(frame, bench_set, seed, holdout, variants)


def _ensemble_on_off(frame, bench_set, seed, budget, holdout) -> dict[str, Any]:
    def variants(split: Split) -> dict[str, Contender]:
        def flaml(ensemble: bool) -> Contender:
            return lambda d: run_flaml(
                split, bench_set, seed, budget, d / f"flaml-{ensemble}.log", {"ensemble": ensemble}
            )

        return {"off": flaml(False), "on": flaml(True)}

    return _on_off(frame, bench_set, seed, holdout, variants)


def _checks_on_off(frame, bench_set, seed, budget, holdout) -> dict[str, Any]:
    dates = date_columns(frame, bench_set.target)
    if not dates:
        return {"applies": False, "reason": "no date column"}
    as_numbers = dates_as_seconds(frame, dates)

    def variants(_split: Split) -> dict[str, Contender]:
        return {
            "off": lambda d: run_ours(frame, bench_set, seed, budget, holdout, d),
            "on": lambda d: run_ours(as_numbers, bench_set, seed, budget, holdout, d),
        }

    record = _on_off(frame, bench_set, seed, holdout, variants)
    return {"applies": True, "columns": [str(name) for name in dates], **record}


def date_columns(frame: pd.DataFrame, target: Any) -> dict[Any, str | None]:
    """Return the columns our checks parse as dates, each with the time zone they use."""
    with warnings.catch_warnings():  # the measured runs issue the same findings
        warnings.simplefilter("ignore", DataQualityWarning)
        prepared = prepare(frame, target)
    timezones: dict[Any, str | None] = {}
    for step in prepared.steps:
        if isinstance(step, ParseDatetimes):
            timezones.update(step.timezones)
    return timezones


def dates_as_seconds(frame: pd.DataFrame, dates: dict[Any, str | None]) -> pd.DataFrame:
    """Return ``frame`` with each date column as float seconds since 1970, missing as NaN.

    The dates are first read as our checks read them (``parse_datetime``), so the
    number counts the same wall-clock time that the date parts would show.
    """
    frame = frame.copy()
    for name, timezone in dates.items():
        wall_clock = parse_datetime(frame[name], timezone)
        frame[name] = (wall_clock - pd.Timestamp(0)) / pd.Timedelta(seconds=1)
    return frame


def _on_off(
    frame: pd.DataFrame, bench_set: BenchSet, seed: int, holdout: float, variants: Variants
) -> dict[str, Any]:
    """Measure "off" and "on" on one shared split; "off" goes first on even seeds."""
    order = ["off", "on"] if seed % 2 == 0 else ["on", "off"]
    with tempfile.TemporaryDirectory(prefix="jupyter-automl-bench-") as tmp:
        split = shared_split(frame, bench_set, seed, holdout, Path(tmp))
        contenders = variants(split)
        record: dict[str, Any] = {"order": order, "n_train": len(split.X_train)}
        for variant in order:
            record[variant] = measure(contenders[variant], Path(tmp))
    return record


IDEA_RUNNERS = {
    "zero-shot": _zero_shot_on_off,
    "ensemble": _ensemble_on_off,
    "checks": _checks_on_off,
}
