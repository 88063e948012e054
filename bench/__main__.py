"""Command line: ``python -m bench run ...`` measures, ``python -m bench report`` tabulates."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jupyter_automl.codegen.plan import SUPPORTED_LEARNERS

from .datasets import ALL_ROWS, SETS, SUITES
from .record import RESULTS_DIR, ResultWriter

SECTIONS = (
    "quality", "budget", "first_trial", "cell_latency", "scale", "scale_parallel", "ideas",
    "parity", "peers",
)  # fmt: skip
# peers needs the optional h2o package and Java, and scale_parallel the ray extra, so
# they run only when named.
OPTIONAL_SECTIONS = ("scale_parallel", "peers")
DEFAULT_SECTIONS = tuple(section for section in SECTIONS if section not in OPTIONAL_SECTIONS)
SCALE_DATA = ("adult-like", "flights")
# Keys of bench.ideas.IDEAS; listed here so that the parser imports no FLAML.
IDEA_KEYS = ("zero-shot", "ensemble", "checks")


def _section_runners() -> dict[str, Callable[[ResultWriter, Any], None]]:
    from .budget import run_budget
    from .ideas import run_ideas
    from .parity import run_parity
    from .peers import run_peers
    from .quality import run_quality
    from .responsiveness import run_cell_latency, run_first_trial
    from .scale import run_scale, run_scale_parallel

    return {
        "quality": run_quality,
        "budget": run_budget,
        "first_trial": run_first_trial,
        "cell_latency": run_cell_latency,
        "scale": run_scale,
        "scale_parallel": run_scale_parallel,
        "ideas": run_ideas,
        "parity": run_parity,
        "peers": run_peers,
    }


def _sections(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in SECTIONS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}"
        )
    return names


def _count(text: str, minimum: int, alternative: str = "") -> int:
    """Parse a whole number of at least ``minimum``, naming ``alternative`` in the error."""
    try:
        number = int(text)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise argparse.ArgumentTypeError(
            f"invalid count {text!r}; pass a whole number of {minimum} or more{alternative}"
        )
    return number


def _row_count(text: str) -> int | str:
    """Parse a row count: a positive whole number, or ``all`` for every row of the set."""
    if text == ALL_ROWS:
        return ALL_ROWS
    return _count(text, 1, f", or '{ALL_ROWS}' for every row")


def _concurrent_trials(text: str) -> int:
    return _count(text, 2)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="measure and append JSON lines to the results folder")
    run.add_argument("--suite", choices=sorted(SUITES), default="small", help="data sets to use")
    run.add_argument(
        "--budget", type=float, nargs="+", default=[30.0], help="quality budgets, in seconds"
    )
    run.add_argument(
        "--sets", nargs="+", choices=sorted(SETS), help="data sets to use instead of the suite's"
    )
    run.add_argument("--seeds", type=int, default=2, help="seeds per data set and budget")
    run.add_argument(
        "--sections",
        type=_sections,
        default=list(DEFAULT_SECTIONS),
        help=f"comma-separated sections to run, from {','.join(SECTIONS)} "
        "(default: all but peers, which needs the peers extra and Java, and scale_parallel, "
        "which needs the ray extra)",
    )
    run.add_argument(
        "--honesty-budgets",
        type=float,
        nargs="+",
        default=[5.0, 10.0, 30.0],
        help="budgets of the budget-honesty section, in seconds",
    )
    run.add_argument(
        "--short-budget",
        type=float,
        default=10.0,
        help="budget of the first-trial, cell-latency and code-parity searches, in seconds",
    )
    run.add_argument(
        "--rows",
        type=int,
        nargs="+",
        default=[10_000, 100_000, 1_000_000],
        help="row counts of the adult-like frame in the scale section",
    )
    run.add_argument(
        "--scale-data",
        nargs="+",
        choices=SCALE_DATA,
        default=["adult-like"],
        help="frames of the scale section, measured in this order: adult-like (synthetic "
        "rows shaped like adult, at --rows) and flights (row samples, at --flights-rows)",
    )
    run.add_argument(
        "--flights-rows",
        type=_row_count,
        nargs="+",
        default=[10_000, 100_000, ALL_ROWS],
        help=f"row counts of the flights samples in the scale section; '{ALL_ROWS}' is every row",
    )
    run.add_argument(
        "--parallel-rows",
        type=int,
        nargs="+",
        default=[100_000, 1_000_000],
        help="row counts of the adult-like frame in the scale_parallel section",
    )
    run.add_argument(
        "--concurrent-trials",
        type=_concurrent_trials,
        default=2,
        help="trials that run at once on Ray in the scale_parallel section",
    )
    run.add_argument(
        "--scale-budget",
        type=float,
        default=30.0,
        help="budget of the scale and scale_parallel searches, in seconds",
    )
    run.add_argument(
        "--parity-learners",
        nargs="+",
        choices=SUPPORTED_LEARNERS,
        help="learners of the code-parity section (default: every learner the generated "
        "code supports)",
    )
    run.add_argument(
        "--ideas",
        nargs="+",
        choices=IDEA_KEYS,
        default=list(IDEA_KEYS),
        help="ideas of the ideas section to measure (default: all)",
    )
    run.add_argument("--holdout", type=float, default=0.2, help="holdout fraction")
    run.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="where to write")
    report = commands.add_parser("report", help="print the Markdown tables of the latest results")
    report.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="where to read")
    report.add_argument("--output", type=Path, help="write the Markdown here instead of stdout")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    options = build_parser().parse_args(argv)
    if options.command == "report":
        from .report import render

        text = render(options.results_dir)
        if options.output is None:
            print(text)
        else:
            options.output.write_text(text, encoding="utf-8")
        return 0
    writer = ResultWriter(options.results_dir, argv, _jsonable_options(options))
    runners = _section_runners()
    for section in options.sections:
        started = time.perf_counter()
        runners[section](writer, options)
        print(f"{section}: {time.perf_counter() - started:.0f} s", flush=True)
    print(f"results: {writer.path}")
    return 0


def _jsonable_options(options: argparse.Namespace) -> dict[str, Any]:
    return {
        key: str(value) if isinstance(value, Path) else value
        for key, value in vars(options).items()
    }


if __name__ == "__main__":
    sys.exit(main())
