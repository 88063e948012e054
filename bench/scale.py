"""Scale: time to first trial, trials per minute and peak memory as rows grow."""

from __future__ import annotations

from typing import Any

from .contenders import warm_up
from .datasets import SETS, synthetic_adult
from .memory import release_memory
from .pairs import ours_and_flaml
from .record import ResultWriter


def run_scale(writer: ResultWriter, options: Any) -> None:
    """Write one record per row count, ours and raw FLAML on the same synthetic frame."""
    bench_set = SETS["adult"]
    warm_up(synthetic_adult(1000), bench_set.target)
    for position, rows in enumerate(options.rows):
        frame = synthetic_adult(rows)
        frame_bytes = int(frame.memory_usage(deep=True).sum())
        print(f"scale: {rows:,} rows ({frame_bytes / 2**20:.0f} MiB)", flush=True)
        record = ours_and_flaml(
            frame, bench_set, position, options.scale_budget, options.holdout, memory=True
        )
        writer.write(
            {
                "section": "scale",
                "dataset": "adult-like",
                "rows": rows,
                "frame_bytes": frame_bytes,
                "budget": options.scale_budget,
                **record,
            }
        )
        del frame
        release_memory()
