"""Budget honesty: wall time of the whole call over the budget, ours and raw FLAML."""

from __future__ import annotations

from typing import Any

from .datasets import SETS
from .pairs import ours_and_flaml
from .record import ResultWriter

BUDGET_SET = "adult"


def run_budget(writer: ResultWriter, options: Any) -> None:
    """Write one record per (budget, seed), both calls on the same adult split."""
    bench_set = SETS[BUDGET_SET]
    frame = bench_set.load()
    for budget in options.honesty_budgets:
        for seed in range(options.seeds):
            print(f"budget: {BUDGET_SET} budget={budget:g} s seed={seed}", flush=True)
            record = ours_and_flaml(frame, bench_set, seed, budget, options.holdout)
            writer.write(
                {
                    "section": "budget",
                    "dataset": BUDGET_SET,
                    "metric": bench_set.metric,
                    "seed": seed,
                    "budget": budget,
                    **record,
                }
            )
