"""Markdown tables from the JSON-lines results, mostly ratios of ours against a baseline.

Each section is taken from the latest session that measured it. A relative score
above 1 means ours did better: ours / baseline for metrics where higher is better
(ROC AUC) and baseline / ours where lower is better (log loss, RMSE).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jupyter_automl.metrics import METRICS

from .record import read_records

# Targets the product sets itself: budget, overhead and responsiveness.
BUDGET_RATIO_TARGET = 1.05
BUDGET_SLACK_SECONDS = 1.0  # allowed on top for budgets of TINY_BUDGET seconds or less
TINY_BUDGET = 10.0
TRIALS_RATIO_TARGET = 0.97
LOSS_RATIO_TARGET = 1.01
FIRST_TRIAL_TARGET = 2.0
CELL_P95_TARGET = 0.2


def relative_score(metric: str, ours: float, baseline: float) -> float:
    """Return ours relative to ``baseline``, above 1 when ours is better."""
    if METRICS[metric].greater_is_better:
        return ours / baseline
    return baseline / ours


def latest_sessions(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Group records by section, keeping the latest session of each (section, budget, idea).

    A later session at 120 s therefore adds rows to a table measured at 30 s
    instead of replacing it, and so does a later session that measured another idea.
    """
    latest: dict[tuple[str, Any, Any], str] = {}
    for record in records:
        latest[_session_key(record)] = record["session"]
    grouped: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        if latest[_session_key(record)] == record["session"]:
            grouped.setdefault(record["section"], []).append(record)
    return grouped


def _session_key(record: dict[str, Any]) -> tuple[str, Any, Any]:
    return record["section"], record.get("budget"), record.get("idea")


def render(results_dir: Path) -> str:
    """Return the Markdown tables of every section found in ``results_dir``."""
    # By time, so that tables of sessions that ran at once appear in the order measured.
    records = sorted(read_records(results_dir), key=lambda record: record.get("time", ""))
    if not records:
        return f"No results in {results_dir}; run `python -m bench run` first.\n"
    headers = {r["session"]: r for r in records if r["section"] == "session"}
    grouped = latest_sessions([r for r in records if r["section"] != "session"])
    parts = []
    for section, render_section in SECTION_RENDERERS.items():
        rows = grouped.get(section)
        if rows:
            parts.append(_provenance(rows, headers))
            parts.append(render_section(rows))
    return "\n\n".join(parts) + "\n"


def _provenance(rows: list[dict[str, Any]], headers: dict[str, dict[str, Any]]) -> str:
    lines = [f"<!-- section {rows[0]['section']} -->"]
    for session in dict.fromkeys(row["session"] for row in rows):
        own = [row for row in rows if row["session"] == session]
        loads = [load[0] for row in own for load in _loads(row)]
        command = headers[session]["command"] if session in headers else "unknown"
        span = f"{min(loads):.2f} to {max(loads):.2f}" if loads else "not recorded"
        lines.append(
            f"Command: `{command}`; measured {own[0]['time'][:16]} to {own[-1]['time'][:16]}; "
            f"1-minute load average {span}."
        )
    return "\n\n".join(lines)


def _loads(row: dict[str, Any]) -> Iterable[list[float]]:
    for value in (row, *row.values()):
        if isinstance(value, dict):
            for key in ("load_before", "load_after", "load"):
                if key in value:
                    yield value[key]


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _fmt(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _ok(row: dict[str, Any], *names: str) -> bool:
    return all(name in row and "error" not in row[name] for name in names)


def _relative_scores(
    rows: list[dict[str, Any]], metric: str, contender: str, baseline: str
) -> list[float]:
    """Return ``contender``'s holdout score relative to ``baseline``'s, per row where both ran."""
    return [
        relative_score(metric, row[contender]["holdout"], row[baseline]["holdout"])
        for row in rows
        if _ok(row, contender, baseline)
    ]


def _errors(rows: list[dict[str, Any]]) -> str:
    failures = [
        f"- {row.get('dataset', '')} seed {row.get('seed', '')} budget {row.get('budget', '')}: "
        f"{name}: {value['error']}"
        for row in rows
        for name, value in row.items()
        if isinstance(value, dict) and "error" in value
    ]
    return "\n\nFailed runs:\n" + "\n".join(failures) if failures else ""


def render_quality(rows: list[dict[str, Any]]) -> str:
    table, overall = [], {"flaml": [], "zero_shot": [], "lightgbm": []}
    for (dataset, budget), group in _groups(rows, ("dataset", "budget")).items():
        metric = group[0]["metric"]
        ratios = {}
        for baseline in overall:
            pairs = _relative_scores(group, metric, "ours", baseline)
            overall[baseline] += pairs
            ratios[baseline] = _median(pairs)
        ours = [row["ours"]["holdout"] for row in group if _ok(row, "ours")]
        flaml = [row["flaml"]["holdout"] for row in group if _ok(row, "flaml")]
        table.append(
            [dataset, METRICS[metric].label, f"{budget:g}", str(len(group)),
             _fmt(_median(ours), 4), _fmt(_median(flaml), 4),
             *(_fmt(ratios[name]) for name in overall)]
        )  # fmt: skip
    table.append(
        ["**median of all pairs**", "", "", str(len(rows)), "", "",
         *(f"**{_fmt(_median(values))}**" for values in overall.values())]
    )  # fmt: skip
    header = ["set", "metric", "budget s", "seeds", "ours holdout", "FLAML holdout",
              "vs FLAML", "vs zero-shot", "vs LightGBM"]  # fmt: skip
    return (
        f"### Quality at {rows[0]['budget']:g} s (relative score, above 1 = ours better)\n\n"
        + _table(header, table)
        + _errors(rows)
    )


def render_overhead(rows: list[dict[str, Any]]) -> str:
    table, all_trials, all_rates, all_losses = [], [], [], []
    walls: dict[str, list[float]] = {"ours": [], "flaml": []}
    for (dataset, budget), group in _groups(rows, ("dataset", "budget")).items():
        paired = [row for row in group if _ok(row, "ours", "flaml")]
        trials = [row["ours"]["trials"] / max(row["flaml"]["trials"], 1) for row in paired]
        rates = [_trial_rate_ratio(row) for row in paired]
        losses = [_loss_ratio(row) for row in paired]
        all_trials += trials
        all_rates += rates
        all_losses += losses
        ours_trials = _median([row["ours"]["trials"] for row in paired])
        flaml_trials = _median([row["flaml"]["trials"] for row in paired])
        worst = {name: max(row[name]["wall"] / budget for row in paired) for name in walls}
        for name in walls:
            walls[name] += [row[name]["wall"] for row in paired]
        table.append(
            [dataset, f"{budget:g}", _fmt(ours_trials, 0), _fmt(flaml_trials, 0),
             _fmt(_median(trials)), _fmt(_median(rates)), _fmt(_median(losses), 4),
             _fmt(worst["ours"], 2), _fmt(worst["flaml"], 2)]
        )  # fmt: skip
    trials_median, loss_median = _median(all_trials), _median(all_losses)
    table.append(
        ["**median of all pairs**", "", "", "", f"**{_fmt(trials_median)}**",
         f"**{_fmt(_median(all_rates))}**", f"**{_fmt(loss_median, 4)}**", "", ""]
    )  # fmt: skip
    header = ["set", "budget s", "ours trials", "FLAML trials", "trial ratio",
              "trials per second ratio", "best-loss ratio", "ours worst wall / budget",
              "FLAML worst wall / budget"]  # fmt: skip
    budget = rows[0]["budget"]
    over = {
        name: sum(wall > budget_target(budget) for wall in values) for name, values in walls.items()
    }
    verdict = (
        f"Targets: trial ratio at least {TRIALS_RATIO_TARGET} "
        f"({_verdict(trials_median is not None and trials_median >= TRIALS_RATIO_TARGET)}), "
        f"best-loss ratio at most {LOSS_RATIO_TARGET} "
        f"({_verdict(loss_median is not None and loss_median <= LOSS_RATIO_TARGET)}). "
        f"Runs above the budget target ({BUDGET_RATIO_TARGET} x budget): ours "
        f"{over['ours']} of {len(walls['ours'])}, FLAML {over['flaml']} of {len(walls['flaml'])}."
    )
    heading = f"### Overhead of our layer at {rows[0]['budget']:g} s (ours / FLAML)"
    return heading + "\n\n" + _table(header, table) + "\n\n" + verdict


def _trial_rate_ratio(row: dict[str, Any]) -> float:
    """Return ours / FLAML trials per second of the whole call.

    Unlike the trial ratio, it does not count against ours the trials that FLAML runs
    after its budget has passed.
    """
    ours, flaml = row["ours"], row["flaml"]
    return (ours["trials"] / ours["wall"]) / max(flaml["trials"] / flaml["wall"], 1e-9)


def _loss_ratio(row: dict[str, Any]) -> float:
    """Return ours / FLAML best validation loss; equal losses of zero count as 1."""
    ours, flaml = row["ours"]["best_loss"], row["flaml"]["best_loss"]
    if flaml == 0:
        return 1.0 if ours == 0 else float("inf")
    return ours / flaml


def _verdict(met: bool) -> str:
    return "met" if met else "not met"


def budget_target(budget: float) -> float:
    """Return the highest acceptable wall time, in seconds, for ``budget``."""
    slack = BUDGET_SLACK_SECONDS if budget <= TINY_BUDGET else 0.0
    return BUDGET_RATIO_TARGET * budget + slack


def render_budget(rows: list[dict[str, Any]]) -> str:
    table = []
    for (budget,), group in _groups(rows, ("budget",)).items():
        cells = [f"{budget:g}", str(len(group))]
        for name in ("ours", "flaml"):
            walls = [row[name]["wall"] for row in group if _ok(row, name)]
            worst = max(walls, default=None)
            cells += [
                _fmt(_median([wall / budget for wall in walls])),
                _fmt(None if worst is None else worst / budget),
                _verdict(worst is not None and worst <= budget_target(budget)),
            ]
        table.append(cells)
    header = ["budget s", "seeds", "ours median", "ours worst", "ours target",
              "FLAML median", "FLAML worst", "FLAML target"]  # fmt: skip
    note = (
        f"Wall time of the whole call, final refit included, over the budget. Target: "
        f"at most {BUDGET_RATIO_TARGET} x budget, plus {BUDGET_SLACK_SECONDS:g} s for budgets "
        f"of {TINY_BUDGET:g} s or less, in the worst seed."
    )
    return (
        "### Budget honesty (wall time / budget)\n\n"
        + note
        + "\n\n"
        + _table(header, table)
        + _errors(rows)
    )


def render_first_trial(rows: list[dict[str, Any]]) -> str:
    table = []
    for row in rows:
        ours, flaml = row["ours"].get("first_trial"), row["flaml"].get("first_trial")
        ratio = ours / flaml if ours and flaml else None
        met = ours is not None and ours < FIRST_TRIAL_TARGET
        table.append(
            [str(row["seed"]), f"{row['n_train']:,}", _fmt(row["ours"].get("checks"), 2),
             _fmt(ours, 2), _fmt(flaml, 2), _fmt(ratio, 2), _verdict(met)]
        )  # fmt: skip
    header = [
        "seed",
        "training rows",
        "ours checks and split s",
        "ours s",
        "FLAML s",
        "ours / FLAML",
        f"ours < {FIRST_TRIAL_TARGET:g} s",
    ]
    note = (
        "Seconds from the call to the first finished trial, imports excluded. Ours includes "
        "the data checks and the holdout split, and is seen by a listener; FLAML's is the "
        "moment its first trial line appears in its log file."
    )
    return "### Time to first trial\n\n" + note + "\n\n" + _table(header, table)


def render_cell_latency(rows: list[dict[str, Any]]) -> str:
    row = rows[-1]
    table = [["idle", "", *_latency_cells(row["idle"]), ""]]
    for name in ("ours", "flaml"):
        for key in sorted(k for k in row if k.startswith(name + "_")):
            met = row[key].get("p95", float("inf")) < CELL_P95_TARGET
            label = "ours (with panel)" if name == "ours" else "raw FLAML in a thread"
            seed = key.rsplit("_", 1)[1]
            start_cell = _fmt(row[key].get("start_cell"), 2)
            cells = [f"{label}, seed {seed}", start_cell, *_latency_cells(row[key]), _verdict(met)]
            table.append(cells)
    ours = [row[k]["p95"] for k in row if k.startswith("ours_") and "p95" in row[k]]
    flaml = [row[k]["p95"] for k in row if k.startswith("flaml_") and "p95" in row[k]]
    ratio = max(ours) / max(flaml) if ours and flaml else None
    header = [
        "during",
        "start cell s",
        "cells",
        "p50 s",
        "p95 s",
        "max s",
        f"p95 < {CELL_P95_TARGET:g} s",
    ]
    return (
        "### Latency of a trivial cell in the same kernel\n\n"
        + _table(header, table)
        + f"\n\nWorst p95, ours / raw FLAML in a thread: {_fmt(ratio, 2)}."
    )


def _latency_cells(values: dict[str, Any]) -> list[str]:
    return [
        str(values.get("n", 0)),
        _fmt(values.get("p50")),
        _fmt(values.get("p95")),
        _fmt(values.get("max")),
    ]


def render_scale(rows: list[dict[str, Any]]) -> str:
    table = []
    for row in rows:
        cells = [f"{row['rows']:,}", f"{row['frame_bytes'] / 2**20:.0f}"]
        figures = {}
        for name in ("ours", "flaml"):
            figures[name] = _scale_figures(row[name], row["frame_bytes"])
            cells += [_fmt(value, 2) for value in figures[name].values()]
        cells += [
            _fmt(_safe_ratio(figures["ours"][key], figures["flaml"][key]), 2)
            for key in figures["ours"]
        ]
        table.append(cells)
    header = ["rows", "frame MiB",
              "ours first trial s", "ours trials/min", "ours peak / frame",
              "FLAML first trial s", "FLAML trials/min", "FLAML peak / frame",
              "first trial ratio", "trials/min ratio", "peak ratio"]  # fmt: skip
    note = (
        "Peak / frame: the process's peak resident size during the call minus its size before, "
        "over the frame's in-memory size (pandas, deep). Trials per minute over the whole call."
    )
    return (
        f"### Scale ({_scale_frame(rows[0])})\n\n"
        + note
        + "\n\n"
        + _table(header, table)
        + _errors(rows)
    )


def _scale_frame(row: dict[str, Any]) -> str:
    """Describe the frame of a scale record, for a table heading."""
    if row["dataset"] == "adult-like":
        return "synthetic rows shaped like adult"
    if "full_rows" in row:
        return f"{row['dataset']}, random row samples of its {row['full_rows']:,} rows"
    return row["dataset"]


def render_scale_parallel(rows: list[dict[str, Any]]) -> str:
    table = []
    for row in rows:
        cells = [f"{row['rows']:,}", f"{row['frame_bytes'] / 2**20:.0f}"]
        figures = {name: _parallel_figures(row[name]) for name in ("ours", "ray")}
        for name in ("ours", "ray"):
            cells += [_fmt(value, 2) for value in figures[name].values()]
        cells += [
            _fmt(_safe_ratio(figures["ray"][key], figures["ours"][key]), 2)
            for key in ("first_trial", "trials_per_minute")
        ]
        table.append(cells)
    first = rows[0]
    header = ["rows", "frame MiB",
              "one at a time: first trial s", "trials/min", "trials/min after the first",
              "holdout ROC AUC",
              f"Ray, {first['concurrent_trials']} at a time: first trial s", "trials/min",
              "trials/min after the first", "holdout ROC AUC",
              "first trial, Ray / one at a time", "trials/min, Ray / one at a time"]  # fmt: skip
    cluster = first.get("cluster") or {}
    note = (
        f"Ours with trials one at a time against ours with "
        f"`n_concurrent_trials={first['concurrent_trials']}` on Ray, on the same frame and "
        f"split at a {first['budget']:g} s budget. Before the first case the process "
        f"connected to Ray in {_fmt(cluster.get('connect_seconds'), 1)} s: "
        f"{cluster.get('message', 'not recorded')}. So no measured call pays for starting a "
        "cluster, but each search on Ray starts its own workers, and that time is part of "
        "its first trial. First trial: seconds from the `Run` constructor. Trials per "
        "minute over the whole call, and over the time after the first trial."
    )
    return (
        "### Scale with the Ray backend (synthetic rows shaped like adult)\n\n"
        + note
        + "\n\n"
        + _table(header, table)
        + _errors(rows)
    )


def _parallel_figures(figures: dict[str, Any]) -> dict[str, float | None]:
    if "error" in figures:
        return {"first_trial": None, "trials_per_minute": None, "after_first": None,
                "holdout": None}  # fmt: skip
    first_trial = figures.get("first_trial")
    after_first = None
    if first_trial is not None and figures["wall"] > first_trial:
        after_first = (figures["trials"] - 1) / (figures["wall"] - first_trial) * 60
    return {
        "first_trial": first_trial,
        "trials_per_minute": figures["trials"] / figures["wall"] * 60,
        "after_first": after_first,
        "holdout": figures["holdout"],
    }


def _scale_figures(figures: dict[str, Any], frame_bytes: int) -> dict[str, float | None]:
    if "error" in figures:
        return {"first_trial": None, "trials_per_minute": None, "peak": None}
    return {
        "first_trial": figures.get("first_trial"),
        "trials_per_minute": figures["trials"] / figures["wall"] * 60,
        "peak": (figures["rss_peak"] - figures["rss_before"]) / frame_bytes,
    }


def _safe_ratio(ours: float | None, baseline: float | None) -> float | None:
    if ours is None or not baseline:
        return None
    return ours / baseline


def _groups(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[tuple, list[dict[str, Any]]]:
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row[key] for key in keys), []).append(row)
    return groups


def render_ideas(rows: list[dict[str, Any]]) -> str:
    measured = [row for row in rows if row.get("applies", True)]
    table = []
    for (idea,), idea_rows in _groups(measured, ("idea",)).items():
        pairs = []
        for (dataset, budget), group in _groups(idea_rows, ("dataset", "budget")).items():
            ratios = _relative_scores(group, group[0]["metric"], "on", "off")
            pairs += ratios
            paired = [row for row in group if _ok(row, "on", "off")]
            trials = [row["on"]["trials"] / max(row["off"]["trials"], 1) for row in paired]
            table.append(
                [idea, dataset, f"{budget:g}", str(len(group)), _fmt(_median(ratios)),
                 _fmt(_worst_wall_ratio(group, "off")), _fmt(_worst_wall_ratio(group, "on")),
                 _fmt(_median(trials), 2)]
            )  # fmt: skip
        table.append(
            [f"**median of {idea}**", "", "", str(len(pairs)), f"**{_fmt(_median(pairs))}**",
             "", "", ""]
        )  # fmt: skip
    header = ["idea", "set", "budget s", "seeds", "holdout on / off (above 1 = better)",
              "off: worst wall / budget", "on: worst wall / budget", "trials on / off"]  # fmt: skip
    notes = _stacking_note(measured) + _not_applicable_note(rows)
    return "### Ideas measured on and off\n\n" + _table(header, table) + notes + _errors(rows)


def _worst_wall_ratio(rows: list[dict[str, Any]], variant: str) -> float | None:
    walls = [row[variant]["wall"] / row["budget"] for row in rows if _ok(row, variant)]
    return max(walls, default=None)


def _stacking_note(rows: list[dict[str, Any]]) -> str:
    """Return a sentence counting the "on" runs that ended with a stacked model."""
    models = [
        row["on"]["final_model"] for row in rows if _ok(row, "on") and "final_model" in row["on"]
    ]
    if not models:
        return ""
    stacked = sum(1 for model in models if model.startswith("Stacking"))
    return (
        f"\n\nFLAML final ensemble: a stacked model was built in {stacked} of {len(models)} "
        "runs with `ensemble=True`; FLAML stacks only when more than one learner has a best "
        "configuration, and otherwise returns the best single model."
    )


def _not_applicable_note(rows: list[dict[str, Any]]) -> str:
    skipped = [row for row in rows if not row.get("applies", True)]
    lines = [
        f"- {idea} on {', '.join(dict.fromkeys(row['dataset'] for row in group))}: "
        f"{group[0].get('reason', 'does not apply')}"
        for (idea,), group in _groups(skipped, ("idea",)).items()
    ]
    return (
        "\n\nNot measured, because the idea does not apply:\n" + "\n".join(lines) if lines else ""
    )


def render_parity(rows: list[dict[str, Any]]) -> str:
    table, reproduced_all = [], []
    for (dataset,), group in _groups(rows, ("dataset",)).items():
        reproduced = [bool(row.get("reproduced")) for row in group]
        reproduced_all += reproduced
        programs = [row["program_seconds"] for row in group if "program_seconds" in row]
        searches = [row["search_seconds"] for row in group if "search_seconds" in row]
        failed = [row["learner"] for row in group if not row.get("reproduced")]
        table.append(
            [dataset, f"{sum(reproduced)} of {len(group)}", _fmt(_median(programs), 1),
             _fmt(_median(searches), 1), ", ".join(failed) or "none"]
        )  # fmt: skip
    share = sum(reproduced_all) / len(reproduced_all)
    table.append(["**all pairs**", f"**{share:.0%}**", "", "", ""])
    header = ["set", "(set, learner) pairs reproduced", "program s (median)",
              "search s (median)", "not reproduced"]  # fmt: skip
    note = (
        "Each learner searched alone; its generated code ran in a fresh interpreter that "
        "cannot import flaml or jupyter_automl, and its holdout score had to equal the "
        "session's to a relative 1e-9. Program seconds include the interpreter's start, "
        "imports, reading the data and the fit. Target: 100% of pairs."
    )
    problems = [
        f"- {row['dataset']} {row['learner']}: {row.get('error') or row.get('program_error')}"
        for row in rows
        if row.get("error") or row.get("program_error")
    ]
    details = "\n\nFailures:\n" + "\n".join(problems) if problems else ""
    timing = render_parity_time(rows)
    return "### Code parity\n\n" + note + "\n\n" + _table(header, table) + details + timing


def render_parity_time(rows: list[dict[str, Any]]) -> str:
    """Tabulate each generated program's run time against the run's final refit."""
    timed = [row for row in rows if row.get("refit_seconds")]
    if not timed:
        return ""  # sessions from before the refit was timed
    table, program_ratios, fit_ratios = [], [], []
    for row in timed:
        program_ratio = _safe_ratio(row.get("program_seconds"), row["refit_seconds"])
        fit_ratio = _safe_ratio(row.get("fit_seconds"), row["refit_seconds"])
        if program_ratio is not None:
            program_ratios.append(program_ratio)
        if fit_ratio is not None:
            fit_ratios.append(fit_ratio)
        table.append(
            [row["dataset"], row["learner"], _fmt(row["refit_seconds"], 3),
             _fmt(row.get("program_seconds"), 2), _fmt(row.get("fit_seconds"), 3),
             _fmt(program_ratio, 1), _fmt(fit_ratio, 2)]
        )  # fmt: skip
    table.append(
        ["**median of all pairs**", "", "", "", "",
         f"**{_fmt(_median(program_ratios), 1)}**", f"**{_fmt(_median(fit_ratios), 2)}**"]
    )  # fmt: skip
    header = ["set", "learner", "run refit s", "program s", "program fit s",
              "program / refit", "program fit / refit"]  # fmt: skip
    note = (
        "Run refit: `Run._refit`, the final fit of the chosen pipeline on every training row "
        "inside the run. Program: the generated code's whole run in a fresh interpreter, "
        "start and imports included. Program fit: its statements that encode the labels, "
        "prepare the features outside the pipeline and call `model.fit`, which is the "
        "work of the run's refit. Both fit the same pipeline on the same rows."
    )
    return (
        "\n\n#### Generated code run time against the run's final refit\n\n"
        + note
        + "\n\n"
        + _table(header, table)
    )


def render_peers(rows: list[dict[str, Any]]) -> str:
    table, everything = [], []
    for (dataset, budget), group in _groups(rows, ("dataset", "budget")).items():
        metric = group[0]["metric"]
        ratios = _relative_scores(group, metric, "ours", "h2o")
        everything += ratios
        holdouts = {name: _median(_figures(group, name, "holdout")) for name in ("ours", "h2o")}
        walls = {
            name: _median([wall / budget for wall in _figures(group, name, "wall")])
            for name in ("ours", "h2o")
        }
        models = _median(_figures(group, "h2o", "models"))
        table.append(
            [dataset, METRICS[metric].label, f"{budget:g}", str(len(group)),
             _fmt(holdouts["ours"], 4), _fmt(holdouts["h2o"], 4), _fmt(_median(ratios)),
             _fmt(walls["ours"], 2), _fmt(walls["h2o"], 2), _fmt(models, 0)]
        )  # fmt: skip
    table.append(
        ["**median of all pairs**", "", "", str(len(everything)), "", "",
         f"**{_fmt(_median(everything))}**", "", "", ""]
    )  # fmt: skip
    header = ["set", "metric", "budget s", "seeds", "ours holdout", "H2O holdout", "vs H2O",
              "ours wall / budget", "H2O wall / budget", "H2O models"]  # fmt: skip
    return (
        f"### Peers at {rows[0]['budget']:g} s: ours vs H2O AutoML "
        "(relative score, above 1 = ours better)\n\n"
        + _h2o_note(rows[0].get("h2o_cluster") or {})
        + "\n\n"
        + _table(header, table)
        + _errors(rows)
    )


def _figures(rows: list[dict[str, Any]], name: str, key: str) -> list[float]:
    return [row[name][key] for row in rows if _ok(row, name)]


def _h2o_note(cluster: dict[str, Any]) -> str:
    server = (
        f"H2O {cluster.get('h2o_version', 'of unknown version')}, one node listening on "
        f"{', '.join(cluster.get('listening', [])) or 'unrecorded sockets'} with "
        f"{cluster.get('nthreads', '?')} threads and a {cluster.get('max_memory_gib', '?')} GiB "
        f"heap, started in {_fmt(cluster.get('start_seconds'), 1)} s before the first case"
    )
    return (
        server + ". H2O's wall time covers converting the training rows to an H2OFrame and "
        "`H2OAutoML.train`; ours covers `Run` from the constructor to the scored `Result`. "
        "Both holdout scores come from our metric code on the same holdout rows."
    )


SECTION_RENDERERS = {
    "quality": lambda rows: "\n\n".join(
        render_quality(group) + "\n\n" + render_overhead(group)
        for group in _groups(rows, ("budget",)).values()
    ),
    "budget": render_budget,
    "first_trial": render_first_trial,
    "cell_latency": render_cell_latency,
    "scale": render_scale,
    "scale_flights": render_scale,
    "scale_parallel": render_scale_parallel,
    "ideas": render_ideas,
    "parity": render_parity,
    "peers": lambda rows: "\n\n".join(
        render_peers(group) for group in _groups(rows, ("budget",)).values()
    ),
}
