"""Ideas to beat FLAML at small budgets, each measured on and off on the same split."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from .contenders import run_ours, shared_split
from .datasets import each_case
from .pairs import measure
from .record import ResultWriter


def run_ideas(writer: ResultWriter, options: Any) -> None:
    """Write one record per (set, seed): ours as shipped vs ours with zero-shot starting points."""
    for bench_set, frame, budget, seed in each_case(options):
        print(f"ideas: {bench_set.name} budget={budget:g} s seed={seed}", flush=True)
        record = _zero_shot_on_off(frame, bench_set, seed, budget, options.holdout)
        writer.write(
            {
                "section": "ideas",
                "idea": "zero-shot starting points",
                "dataset": bench_set.name,
                "metric": bench_set.metric,
                "seed": seed,
                "budget": budget,
                **record,
            }
        )


def _zero_shot_on_off(frame, bench_set, seed, budget, holdout) -> dict[str, Any]:
    variants = {
        "off": lambda d: run_ours(frame, bench_set, seed, budget, holdout, d),
        "on": lambda d: run_ours(
            frame, bench_set, seed, budget, holdout, d, starting_points="data"
        ),
    }
    order = ["off", "on"] if seed % 2 == 0 else ["on", "off"]
    with tempfile.TemporaryDirectory(prefix="jupyter-automl-bench-") as tmp:
        split = shared_split(frame, bench_set, seed, holdout, Path(tmp))
        record: dict[str, Any] = {"order": order, "n_train": len(split.X_train)}
        for variant in order:
            record[variant] = measure(variants[variant], Path(tmp))
    return record
