"""``Finding``: one thing a data check noticed, and what was done about it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

INFO = "info"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """Something a data check noticed, and what was done about it.

    ``kind`` is a short identifier such as "dropped_column"; ``fix`` describes the
    change applied (empty when nothing was changed).
    """

    kind: str
    column: Any
    severity: str
    message: str
    fix: str = ""

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record["column"] = None if self.column is None else str(self.column)
        return record
