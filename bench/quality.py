"""Quality and overhead at equal budgets: ours vs raw FLAML, zero-shot and LightGBM."""

from __future__ import annotations

from functools import partial
from typing import Any

from .contenders import run_fixed_lightgbm
from .datasets import SETS, SUITES
from .pairs import ours_and_flaml
from .record import ResultWriter


def run_quality(writer: ResultWriter, options: Any) -> None:
    """Write one record per (set, seed, budget) with every contender's holdout score."""
    for name in options.sets or SUITES[options.suite]:
        bench_set = SETS[name]
        frame = bench_set.load()
        for budget in options.budget:
            for seed in range(options.seeds):
                print(f"quality: {name} budget={budget:g} s seed={seed}", flush=True)
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
                        "dataset": name,
                        "task": bench_set.task,
                        "metric": bench_set.metric,
                        "seed": seed,
                        "budget": budget,
                        **record,
                    }
                )
