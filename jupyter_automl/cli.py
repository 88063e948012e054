"""Command line: ``jupyter-automl demo`` and ``jupyter-automl run data.csv --target y``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from . import automl
from .errors import AutoMLError, DataError

DEMO_BUDGET = 30.0


def main(argv: list[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(args)
        return _run_file(args)
    except (AutoMLError, FileNotFoundError) as error:
        print(f"jupyter-automl: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("jupyter-automl: interrupted", file=sys.stderr)
        return 130


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jupyter-automl", description="AutoML on a table with FLAML, from the command line."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="search a model for the bundled Adult census data (predict income > 50K)"
    )
    _add_search_options(demo, default_budget=DEMO_BUDGET)
    run = commands.add_parser("run", help="search a model for a column of a CSV or Parquet file")
    run.add_argument("path", type=Path, help="a .csv, .csv.gz or .parquet file")
    run.add_argument("--target", required=True, help="the column to predict")
    run.add_argument(
        "--task", choices=["binary", "multiclass", "regression"], help="override the inferred task"
    )
    _add_search_options(run, default_budget=None)
    return parser


def _add_search_options(parser: argparse.ArgumentParser, default_budget: float | None) -> None:
    parser.add_argument(
        "--time-budget",
        default=default_budget,
        help="seconds for the whole run, final refit included, or text such as 2m "
        + (
            f"(default {default_budget:g})"
            if default_budget
            else "(default: chosen from the data size)"
        ),
    )
    parser.add_argument(
        "--metric", help="metric to optimise (default: ROC AUC, log loss or R2 by task)"
    )
    parser.add_argument("--max-trials", type=int, help="stop after this many trials")
    parser.add_argument(
        "--random-state",
        type=int,
        default=0,
        help="seed of the holdout split and the search (default 0)",
    )
    parser.add_argument(
        "--run-dir",
        default="automl_runs",
        help="parent folder of the run folder (default ./automl_runs)",
    )


def _demo(args: argparse.Namespace) -> int:
    from .datasets import ADULT_PATH, ADULT_TARGET, load_adult

    df = load_adult()
    print(
        f"Adult census data: {df.shape[0]:,} rows x {df.shape[1]:,} columns; predicting {ADULT_TARGET!r}."
    )
    # The generated code reads the same bundled file, so it runs without jupyter_automl.
    return _search(df, ADULT_TARGET, args, data_name=f"pd.read_csv({str(ADULT_PATH)!r})")


def _run_file(args: argparse.Namespace) -> int:
    path: Path = args.path
    if not path.exists():
        raise FileNotFoundError(f"file not found: {path}")
    if path.is_dir():
        raise FileNotFoundError(f"{path} is a folder; pass a .csv or .parquet file")
    reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
    try:
        df = getattr(pd, reader)(path)
    except (ValueError, UnicodeDecodeError, OSError, ImportError) as error:
        raise DataError(
            f"cannot read {path} with pandas.{reader}: {type(error).__name__}: {error}. "
            "Save it as a UTF-8, comma-separated CSV with a header row, or as Parquet"
        ) from None
    # The generated code loads the same file the same way.
    data_name = f"pd.{reader}({str(path.resolve())!r})"
    return _search(df, args.target, args, data_name=data_name, task=args.task)


def _search(df: pd.DataFrame, target: str, args: argparse.Namespace, **options: Any) -> int:
    result = automl(
        df,
        target,
        time_budget=args.time_budget,
        metric=args.metric,
        max_trials=args.max_trials,
        random_state=args.random_state,
        run_dir=args.run_dir,
        **options,
    )
    print("\nLeaderboard (validation results inside the training rows):")
    board = result.leaderboard.drop(columns=["best_config"])
    print(board.to_string(index=False, float_format=lambda value: f"{value:.4g}"))
    print("\nHoldout metrics (rows the search never saw):")
    for name, value in result.holdout_metrics.items():
        print(f"  {name:<10} {value:.4f}")
    print(f"\nRun folder: {result.run_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
