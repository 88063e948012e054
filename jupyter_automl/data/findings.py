"""``Finding``: one thing a data check noticed, and what was done about it."""

from __future__ import annotations

import html
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


def findings_html(findings: list[Finding]) -> str:
    """Render the findings as an HTML list for the panel's data-checks section."""
    if not findings:
        return "<b>Data checks</b>: nothing to report."
    items = "".join(
        f"<li><b>{html.escape(finding.severity)}</b>: {html.escape(finding.message)}</li>"
        for finding in findings
    )
    return f"<b>Data checks</b> ({len(findings)})<ul>{items}</ul>"
