"""Compare 1 and 2 concurrent trials at a fixed time budget, side by side in one run.

    python bench/parallel.py [--rows 3000] [--budget 60] [--concurrency 1,2] [--write]
    python bench/parallel.py --from-results   # rewrite the table from the saved figures

Each setting runs one search on the bundled adult data (binary, target ``income``)
through ``jupyter_automl.Run``. Concurrent settings use the Ray cluster at
``RAY_ADDRESS`` or start a local one on 127.0.0.1; the connection time is reported
apart, because the time budget starts after it. With ``--write`` the table replaces
the benchmark section of docs/parallel.md and the raw figures go to
bench/results/parallel.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import jupyter_automl as ja  # noqa: E402
from jupyter_automl.datasets import load_adult  # noqa: E402

DOC_PATH = ROOT / "docs" / "parallel.md"
RESULTS_PATH = ROOT / "bench" / "results" / "parallel.json"
SECTION_START = "<!-- bench/parallel.py: start -->"
SECTION_END = "<!-- bench/parallel.py: end -->"


def measure(rows: int, budget: float, n_concurrent_trials: int, run_dir: Path) -> dict[str, Any]:
    """Run one search and return its throughput, losses and timings."""
    data = load_adult().sample(rows, random_state=0).reset_index(drop=True)
    run = ja.Run(
        data,
        "income",
        time_budget=budget,
        n_concurrent_trials=n_concurrent_trials,
        run_dir=run_dir,
    )
    connect_started = time.time()
    run.start()
    connect_seconds = time.time() - connect_started
    result = run.wait()

    trials = result.trials_list
    first_trial = min((trial.wall_time for trial in trials), default=float("nan"))
    return {
        "rows": rows,
        "time_budget": budget,
        "n_concurrent_trials": n_concurrent_trials,
        "connect_seconds": round(connect_seconds, 1),
        "elapsed": round(result.elapsed, 1),
        "trials": len(trials),
        "trials_per_minute": round(60 * len(trials) / result.elapsed, 1),
        "first_trial_seconds": round(first_trial, 1),
        "best_loss": round(result.best_loss, 4),
        "best_learner": result.best_learner,
        "holdout_roc_auc": round(result.holdout_score, 4),
        "cluster": run.cluster_message or "none (sequential)",
    }


def steady_rate(record: dict[str, Any]) -> float:
    """Return the trials per minute once the first trial has finished (workers started)."""
    seconds = record["elapsed"] - record["first_trial_seconds"]
    return round(60 * (record["trials"] - 1) / seconds, 1) if seconds > 0 else float("nan")


def markdown_table(records: list[dict[str, Any]]) -> str:
    header = (
        "| concurrent trials | rows | budget (s) | elapsed (s) | trials | trials/min "
        "| first trial at (s) | trials/min after the first | best validation loss "
        "| holdout ROC AUC |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = [
        f"| {record['n_concurrent_trials']} | {record['rows']:,} | {record['time_budget']:g} "
        f"| {record['elapsed']} | {record['trials']} | {record['trials_per_minute']} "
        f"| {record['first_trial_seconds']} | {steady_rate(record)} "
        f"| {record['best_loss']} ({record['best_learner']}) | {record['holdout_roc_auc']} |"
        for record in records
    ]
    return header + "\n".join(lines) + "\n"


def machine_description() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load:.1f} at the end of the run"
    )


def write_section(text: str, start: str = SECTION_START, end: str = SECTION_END) -> None:
    """Replace the text between the markers ``start`` and ``end`` in docs/parallel.md."""
    document = DOC_PATH.read_text(encoding="utf-8")
    if start not in document or end not in document:
        raise ValueError(f"{DOC_PATH} has no section between {start!r} and {end!r}")
    before, _, rest = document.partition(start)
    _, _, after = rest.partition(end)
    DOC_PATH.write_text(f"{before}{start}\n{text}{end}{after}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[3000])
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--concurrency", default="1,2")
    parser.add_argument("--run-dir", type=Path, default=Path("/tmp/jupyter-automl-bench"))
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--from-results", action="store_true")
    args = parser.parse_args()
    if args.from_results:
        saved = json.loads(RESULTS_PATH.read_text())
        write_section(section_text(saved["command"], saved["machine"], saved["records"]))
        return

    records = []
    for rows in args.rows:
        for n in (int(value) for value in args.concurrency.split(",")):
            record = measure(rows, args.budget, n, args.run_dir)
            print(json.dumps(record), flush=True)
            records.append(record)

    machine = machine_description()
    command = (
        f"python bench/parallel.py --rows {' '.join(map(str, args.rows))} "
        f"--budget {args.budget:g} --concurrency {args.concurrency} --write"
    )
    text = section_text(command, machine, records)
    print(text)
    if args.write:
        RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
        saved = {"command": command, "machine": machine, "records": records}
        RESULTS_PATH.write_text(json.dumps(saved, indent=2))
        write_section(text)


def section_text(command: str, machine: str, records: list[dict[str, Any]]) -> str:
    cluster = next(
        (record["cluster"] for record in records if record["n_concurrent_trials"] > 1), ""
    )
    return f"Measured with `{command}` on {machine}; Ray: {cluster}.\n\n{markdown_table(records)}"


if __name__ == "__main__":
    main()
