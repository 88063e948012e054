"""Parse time budgets and choose one from the data size when none is given."""

from __future__ import annotations

import math
import re

from ..errors import ConfigError

_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(h|min|m|sec|s)")


def parse_time_budget(value: object) -> float:
    """Return a budget in seconds from a number or text such as "90s", "2m" or "1m30s"."""
    if isinstance(value, bool):
        raise ConfigError(f"time_budget={value!r} is not a duration; use seconds, e.g. 60 or '2m'")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        seconds = _parse_text(value)
    else:
        raise ConfigError(f"time_budget={value!r} is not a duration; use seconds, e.g. 60 or '2m'")
    if not math.isfinite(seconds) or seconds <= 0:
        raise ConfigError(f"time_budget={value!r} must be a positive number of seconds")
    return seconds


def _parse_text(text: str) -> float:
    compact = text.strip().lower()
    try:
        return float(compact)
    except ValueError:
        pass
    parts = _PART.findall(compact)
    if not parts or _PART.sub("", compact).strip():
        raise ConfigError(
            f"time_budget={text!r} is not a duration; use seconds (60) or text such as "
            "'90s', '2m' or '1h'"
        )
    return sum(float(amount) * _UNIT_SECONDS[unit] for amount, unit in parts)


def default_time_budget(n_rows: int, n_columns: int) -> float:
    """Choose a budget in seconds that grows with the number of cells in the frame."""
    cells = n_rows * max(n_columns, 1)
    if cells <= 100_000:
        return 30.0
    if cells <= 1_000_000:
        return 60.0
    if cells <= 10_000_000:
        return 180.0
    return 600.0
