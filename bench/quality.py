"""Quality and overhead at equal budgets: ours vs raw FLAML, zero-shot and LightGBM."""

from __future__ import annotations

from functools import partial
from typing import Any

from .contenders import run_fixed_lightgbm
from .datasets import each_case
from .pairs import ours_and_flaml
from .record import ResultWriter


def run_quality(writer: ResultWriter, options: Any) -> None:
    """Write one record per (set, seed, budget) with every contender's holdout score."""
    for bench_set, frame, budget, seed in each_case(options):
        print(f"quality: {bench_set.name} budget={budget:g} s seed={seed}", flush=True)
        extra = {
            "zero_shot": partial(
                run_fixed_lightgbm, bench_set=bench_set, seed=seed, zero_shot=True
            ),
            "lightgbm": partial(
                run_fixed_lightgbm, bench_set=bench_set, seed=seed, zero_shot=False
            ),
        }
        record = ours_and_flaml(frame, bench_set, seed, budget, options.holdout, extra)
        writer.write(
            {
                "section": "quality",
                "dataset": bench_set.name,
                "task": bench_set.task,
                "metric": bench_set.metric,
                "seed": seed,
                "budget": budget,
                **record,
            }
        )
