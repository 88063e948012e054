"""The ``%automl`` line with awkward column names, expressions and mistakes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from IPython.core.error import UsageError
from IPython.testing.globalipapp import get_ipython

from jupyter_automl.magic import AutoMLMagics, parse_line


@pytest.fixture(scope="module")
def shell():
    ip = get_ipython()
    ip.register_magics(AutoMLMagics)
    return ip


@pytest.fixture
def priced(shell):
    rng = np.random.default_rng(0)
    rows = 120
    df = pd.DataFrame(
        {
            "x": rng.normal(size=rows),
            "sale price": rng.normal(size=rows),
            "price{usd}": rng.normal(size=rows),
            "cost$": rng.normal(size=rows),
            "y": rng.normal(size=rows),
        }
    )
    shell.user_ns["df"] = df
    yield df
    shell.user_ns.pop("df", None)


@pytest.mark.parametrize(
    ("line", "expression", "target"),
    [
        ('df target="sale price"', "df", "sale price"),
        ("df target='price{usd}'", "df", "price{usd}"),
        ('df target="cost$"', "df", "cost$"),
        ('df[df.x > 0] target="y" time_budget=5', "df[df.x > 0]", "y"),
        ('df[df["x"] == 1] target="y"', 'df[df["x"] == 1]', "y"),
        ("df.query('x > 0') target=y", "df.query('x > 0')", "y"),
    ],
)
def test_parse_line_targets_and_expressions(line, expression, target):
    parsed = parse_line(line)
    assert parsed.expression == expression
    assert parsed.options["target"] == target


def test_parse_line_reads_numbers_and_lists():
    parsed = parse_line('df target="y" time_budget="2m" learners=["lgbm", "rf"] max_trials=3')
    assert parsed.options == {
        "target": "y",
        "time_budget": "2m",
        "learners": ["lgbm", "rf"],
        "max_trials": 3,
    }


@pytest.mark.parametrize("target", ["sale price", "price{usd}", "cost$"])
def test_magic_trains_on_awkward_target(shell, priced, target, tmp_path):
    quoted = f"'{target}'" if "{" in target else f'"{target}"'
    shell.run_line_magic(
        "automl",
        f'df target={quoted} time_budget=20 max_trials=2 learners=["lgbm"] '
        f'run_dir="{tmp_path}" wait=True as_="fitted"',
    )
    result = shell.user_ns.pop("fitted")
    assert result.target == target
    assert target not in result.feature_names
    assert len(result.model.predict(priced.drop(columns=target).head(3))) == 3


def test_magic_filters_rows_with_expression(shell, priced, tmp_path):
    shell.run_line_magic(
        "automl",
        f'df[df.x > 0] target="y" time_budget=20 max_trials=2 learners=["lgbm"] '
        f'run_dir="{tmp_path}" wait=True as_="fitted"',
    )
    result = shell.user_ns.pop("fitted")
    assert result.n_train + result.n_holdout == int((priced["x"] > 0).sum())
    assert result.data_name == "df[df.x > 0]"


def test_magic_undefined_variable(shell, priced):
    with pytest.raises(UsageError, match="name 'dff' is not defined; did you mean 'df'\\?"):
        shell.run_line_magic("automl", 'dff target="y"')


def test_magic_target_case_suggestion(shell, priced):
    with pytest.raises(UsageError, match="target column 'Y' not found; did you mean 'y'\\?"):
        shell.run_line_magic("automl", 'df target="Y"')


def test_magic_duplicate_columns_before_panel(shell, capsys):
    left = pd.DataFrame({"amount": np.arange(20.0), "y": [0, 1] * 10})
    shell.user_ns["merged"] = pd.concat([left, pd.DataFrame({"amount": np.arange(20.0)})], axis=1)
    with pytest.raises(UsageError, match="duplicate column names: 'amount'"):
        shell.run_line_magic("automl", 'merged target="y" wait=False')
    assert capsys.readouterr().out == ""


def test_magic_prints_findings(shell, priced, tmp_path, capsys):
    shell.user_ns["messy"] = priced.assign(
        constant=1.0, ratio=priced["x"].where(priced["x"] < 1.5, np.inf)
    )
    shell.run_line_magic(
        "automl",
        f'messy target="y" time_budget=20 max_trials=2 learners=["lgbm"] '
        f'run_dir="{tmp_path}" wait=True as_="fitted"',
    )
    printed = capsys.readouterr().out
    assert (
        "Data check (warning): column 'constant' was dropped because it has a single value"
        in printed
    )
    assert "Data check (warning): column 'ratio' has " in printed
    assert shell.user_ns.pop("fitted").model is not None
